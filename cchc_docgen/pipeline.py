"""The one pipeline that every command goes through, for one report:

    read (a file or a mapping) → check against the schema → choose the template → compute → compose → domain
    checks → write

`render`, `validate`, `check` (goldens) and the public API (`cchc_docgen.render` …) all call `Pipeline`; none
of them strings the stages together itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

from cchc_docgen.composing import compose
from cchc_docgen.domain import checks, compute
from cchc_docgen.errors import DataError, DocgenError, TemplateError, locate
from cchc_docgen.model import Document
from cchc_docgen.reading import loader, validate
from cchc_docgen.record import Record
from cchc_docgen.templating.library import (
    ReportTemplate,
    TemplateLibrary,
    UnknownTemplate,
    library_for,
)
from cchc_docgen.writers import write

NO_TEMPLATE = "chưa chọn mẫu: ghi 'mau: quy' trong tệp dữ liệu hoặc dùng --template"
IN_MEMORY = "<dữ liệu>"  # how messages name data that came as a mapping, not from a file


class Result(Record):
    """One rendered report: the bytes of the file, the document model they were written from, the domain
    checks' findings (contradictions worth a look; see checks.py) and the name of the template used."""

    __slots__ = ("content", "document", "findings", "template", "format")

    def __init__(self, content: bytes, document: Document, findings: list, template: str, format: str):
        self.content = content
        self.document = document
        self.findings = findings
        self.template = template
        self.format = format

    @property
    def footnote_count(self) -> int:
        return len(self.document.notes())


class Prepared(Record):
    """A report's data, read, checked against the schema and computed, with its template chosen."""

    __slots__ = ("loaded", "library", "template", "context")

    def __init__(self, loaded: loader.LoadedData, library: TemplateLibrary, template: ReportTemplate, context: dict):
        self.loaded = loaded
        self.library = library
        self.template = template
        self.context = context


class Pipeline:
    """The stages, with one template search path (`templates`: the author's folders, searched first;
    `province`: that province's built-in templates, else the data's `tinh`). Templates are compiled once per
    pipeline and reused for every report it renders."""

    def __init__(self, templates=(), province: str | None = None, library: TemplateLibrary | None = None):
        self.library = library or library_for(tuple(templates), province)

    def read(self, data) -> loader.LoadedData:
        """A data file (str or Path), or a mapping as yaml.safe_load returns it."""
        return read(data)

    def choose_template(self, loaded: loader.LoadedData, template_name: str | None = None):
        """(library, template or None): the unit's province (tinh) puts that province's templates in front of
        the national base; the template is the one asked for, else the data's `mau` (None when neither names
        one). Chosen before the data is checked: what its folders declare (sections, figure groups) is part of
        the check."""
        data = loaded.data
        library = self.library.for_province(data["tinh"] if isinstance(data.get("tinh"), str) else None)
        name = template_name or (data["mau"] if isinstance(data.get("mau"), str) else None)
        try:
            return library, (library.get(name) if name else None)
        except UnknownTemplate as exc:
            if template_name:  # asked for on the command line: no place in the file to name
                raise
            raise UnknownTemplate(exc.message, loaded.location(("mau",)), ("mau",)) from None

    def prepare(self, loaded: loader.LoadedData, template_name: str | None = None, extra: dict | None = None) -> Prepared:
        """`extra`: names a command adds to the template's context beside the data (`tong_hop`: the roll-up of
        many units' reports, see domain/rollup.py); they are computed values, so the data cannot write them."""
        library, template = self.choose_template(loaded, template_name)
        schema = template.schema if template else library.schema()
        validate.validate(loaded, schema)
        if template is None:
            raise TemplateError(NO_TEMPLATE, loaded.location(()))
        with located(loaded):
            context = compute.compute(loaded.data, schema)
        context.update(extra or {})
        return Prepared(loaded, library, template, context)

    def compose(self, prepared: Prepared) -> Document:
        with located(prepared.loaded):
            return compose_report(prepared.loaded, prepared.context, prepared.template)

    def findings(self, prepared: Prepared) -> list:
        """The consistency checks, and what the reader noticed in the file's text, at their file positions."""
        return _findings(prepared.loaded, prepared.context, prepared.library, prepared.template)

    def render(self, data, template_name: str | None = None, fmt: str = "docx", strict: bool = False,
               extra: dict | None = None) -> Result:
        """Render one report. With `strict`, any domain-check finding stops it (DocgenError). `extra`: see prepare."""
        prepared = self.prepare(self.read(data), template_name, extra)
        document = self.compose(prepared)
        findings = self.findings(prepared)
        if strict and findings:
            raise DocgenError("--strict: văn bản chưa được sinh vì dữ liệu còn " + checks.summary(findings) + ":\n"
                              + "\n".join(str(f) for f in findings))
        return Result(write(document, fmt), document, findings, prepared.template.name, fmt)

    def validate(self, data, template_name: str | None = None) -> list:
        """Everything `render` would refuse, as findings, plus the domain checks, writing nothing: schema errors,
        a template missing or unable to place the data, broken inline markup, then the consistency checks."""
        file = str(data) if isinstance(data, (str, Path)) else IN_MEMORY
        try:
            loaded = self.read(data)
        except DocgenError as exc:
            return checks.from_error(exc, file)
        findings: list = []
        try:
            library, template = self.choose_template(loaded, template_name)
            if template is None:
                findings = checks.from_error(TemplateError(NO_TEMPLATE), file)
        except DocgenError as exc:  # no such template: the data is still checked against what the library knows
            library, template = self.library, None
            findings = checks.from_error(exc, file)
        schema = template.schema if template else library.schema()
        try:
            validate.validate(loaded, schema)
            with located(loaded):
                context = compute.compute(loaded.data, schema)
        except DocgenError as exc:
            # the template's name said once: unknown (above), not also "badly written"
            mau_said = any(f.path == ("mau",) for f in findings)
            return findings + [f for f in checks.from_error(exc, file) if not (mau_said and f.path == ("mau",))]
        if template is not None:
            try:
                with located(loaded):
                    compose_report(loaded, context, template)
            except DocgenError as exc:
                findings = checks.from_error(exc, file)
        return findings + _findings(loaded, context, library, template)


def _findings(loaded: loader.LoadedData, context: dict, library, template) -> list:
    found = checks.run_checks(loaded.data, context, library, template)
    # What the loader saw in the file's text (a '#' cutting a value, legacy-font text): located already.
    noticed = [checks.Finding(checks.WARNING, note.message, note.location, note.path) for note in loaded.warnings]
    return checks.locate_findings(noticed + found, loaded)


@contextmanager
def located(loaded: loader.LoadedData):
    """The edge where positions are attached: a stage's error names its field; here it gets the field's
    file:line:column from the data's file."""
    try:
        yield
    except DocgenError as exc:
        raise locate(exc, loaded) from None


def compose_report(loaded: loader.LoadedData, context: dict, template) -> Document:
    """The document of a text template (composing/compose.py) or of a Word form, which is filled in whole by
    writers/form.py: its document carries the .docx it makes (the writers ask it, see writers/__init__.py)."""
    if template.kind == "form":
        from cchc_docgen.writers import form

        return form.compose(loaded, context, template)
    if loaded.data.get("truong_rieng"):  # only a Word form reads them: they would vanish from the report
        raise DataError(f"trường riêng (truong_rieng) chỉ dùng với mẫu Word khai báo chúng; mẫu '{template.name}' là mẫu "
                        "nội dung (.md.j2) nên không in chúng", path=("truong_rieng",), at_key=True)
    return compose.compose(context, template)


def read(data) -> loader.LoadedData:
    """A data file (str or Path: YAML is read from files only), or a mapping as yaml.safe_load gives it."""
    if isinstance(data, loader.LoadedData):
        return data
    if isinstance(data, (str, Path)):
        return loader.load(data)
    if isinstance(data, Mapping):
        return loader.LoadedData(_as_read_from_yaml(dict(data), ()), IN_MEMORY)
    raise DataError(f"dữ liệu phải là đường dẫn tệp YAML hoặc một bảng các trường (dict), không phải "
                    f"{type(data).__name__}")


def _as_read_from_yaml(value, path):
    """A mapping from yaml.safe_load (or built in Python) as docgen's reader gives it: dates as the text
    YAML had (2024-09-17), keys as text. A date-and-time is refused: no field of a report holds one."""
    if isinstance(value, dict):
        return {_key(k, path): _as_read_from_yaml(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_read_from_yaml(v, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, dt.datetime):
        raise DataError("giá trị ngày giờ: chỉ ghi ngày (ví dụ 2024-09-17)", path=path)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _key(key, path):
    if isinstance(key, str):
        return key
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        return str(key)  # YAML reads "2024:" as a number; our reader keeps every key as text
    raise DataError(f"tên trường phải là chữ, không phải {key!r}", path=path)
