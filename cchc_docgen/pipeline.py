"""The whole pipeline for one data file: load → validate → compute → compose → write (atomically)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from cchc_docgen import checks, compose, compute, loader, validate
from cchc_docgen.errors import DocgenError, TemplateError
from cchc_docgen.templates import TemplateLibrary
from cchc_docgen.writers import write


@dataclass
class Rendered:
    """One rendered document. Not its document model: that is thousands of small objects, which the cycle
    collector would walk once more if they outlived the render (see _fewer_cycle_collections)."""

    footnote_count: int
    template_name: str
    content: bytes
    findings: list = field(default_factory=list)  # domain checks (checks.py): contradictions worth a look


def build_document(data_path, library: TemplateLibrary, template_name: str | None = None):
    """Load, validate, compose and check one data file; return (document, template, findings)."""
    loaded = loader.load(data_path)
    validate.validate(loaded)
    # The unit's province (tinh) puts that province's templates in front of the national base.
    library = library.for_province(loaded.data.get("tinh"))
    name = template_name or loaded.data.get("mau")
    if not name:
        raise TemplateError(f"{data_path}: chưa chọn mẫu: ghi 'mau: quy' trong tệp dữ liệu hoặc dùng --template")
    template = library.get(name)
    context = compute.compute(loaded)
    document = compose.compose(loaded, context, template)
    return document, template, checks.run_checks(loaded, context, library, template)


def render(data_path, library: TemplateLibrary, template_name: str | None = None, fmt: str = "docx",
           strict: bool = False) -> Rendered:
    """Render one data file. The domain checks' findings come back with it; with `strict`, any finding stops
    the render (DocgenError) before anything is written."""
    with _fewer_cycle_collections():
        return _render(data_path, library, template_name, fmt, strict)


def _render(data_path, library: TemplateLibrary, template_name: str | None, fmt: str, strict: bool) -> Rendered:
    document, template, findings = build_document(data_path, library, template_name)
    if strict and findings:
        raise DocgenError("--strict: văn bản chưa được sinh vì dữ liệu còn " + checks.summary(findings) + ":\n"
                          + "\n".join(str(f) for f in findings))
    return Rendered(len(document.notes()), template.name, write(document, template, fmt), findings)


_RENDER_GC_THRESHOLD = 50_000


@contextmanager
def _fewer_cycle_collections():
    """Python's cycle collector runs every 700 allocations, and every hundredth run walks every object of the
    process. A render allocates ~100 000 objects (YAML nodes, the document model, XML pieces) and makes almost
    no cycles, so the collector cost ~4 % of it and found nothing. For one render it runs every 50 000
    allocations instead (not never: a template that builds cycles in a loop still has them collected), then
    as it was. The count of objects it goes by only drops when they are freed, so the render's objects must be
    gone when the old threshold is back, or the next allocation starts a run over all of them: render() leaves
    the work to _render(), whose frame ends first, and returns no document model."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], _RENDER_GC_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
