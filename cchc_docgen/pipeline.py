"""The whole pipeline for one data file: load → validate → compute → compose → write (atomically)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cchc_docgen import compose, compute, loader, validate
from cchc_docgen.errors import DocgenError, TemplateError
from cchc_docgen.model import Document
from cchc_docgen.templates import TemplateLibrary
from cchc_docgen.writers import write


@dataclass
class Rendered:
    document: Document
    template_name: str
    content: bytes


def build_document(data_path, library: TemplateLibrary, template_name: str | None = None):
    """Load, validate and compose one data file; return (document, template)."""
    loaded = loader.load(data_path)
    validate.validate(loaded)
    # The unit's province (tinh) puts that province's templates in front of the national base.
    library = library.for_province(loaded.data.get("tinh"))
    name = template_name or loaded.data.get("mau")
    if not name:
        raise TemplateError(f"{data_path}: chưa chọn mẫu: ghi 'mau: quy' trong tệp dữ liệu hoặc dùng --template")
    template = library.get(name)
    context = compute.compute(loaded)
    return compose.compose(loaded, context, template), template


def render(data_path, library: TemplateLibrary, template_name: str | None = None, fmt: str = "docx") -> Rendered:
    document, template = build_document(data_path, library, template_name)
    return Rendered(document, template.name, write(document, template, fmt))


def write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a failure never leaves a half-written file."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise DocgenError(f"không ghi được vào thư mục {directory}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise DocgenError(f"không ghi được tệp {path}: {exc.strerror}") from None
