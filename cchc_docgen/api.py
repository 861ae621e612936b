"""The Python API: the stages of the pipeline as functions on plain values, and `render` for the whole way.

    import cchc_docgen
    result = cchc_docgen.render("bao-cao.yaml")                # or a dict, as yaml.safe_load gives it
    open("bao-cao.docx", "wb").write(result.content)

Every function raises `DocgenError` (or its subclasses `DataError`, `TemplateError`) for a problem in the data
or a template; `str(error)` is the Vietnamese message the CLI prints, `error.path` the field's path and
`error.location` its file, line and column when the data came from a file.
"""

from __future__ import annotations

from cchc_docgen.errors import DocgenError
from cchc_docgen.pipeline import Pipeline, Prepared, Result, read


def render(data, *, template: str | None = None, format: str = "docx", templates=(), province: str | None = None,
           strict: bool = False) -> Result:
    """Render one report. `data`: the path of a YAML data file, or a mapping (yaml.safe_load's result, dates
    as datetime.date). `template`: the template's name (default: the data's `mau`); `templates`: folders of
    your own templates, searched before the built-in ones; `province`: use that province's templates (default:
    the data's `tinh`). `strict`: any consistency-check finding raises DocgenError instead of being returned
    in `Result.findings`. Returns a Result: `.content` (the file's bytes), `.document`, `.findings`, `.template`."""
    return Pipeline(templates, province).render(data, template, format, strict)


def load(data):
    """Read a data file (or take a mapping) into the pipeline's data; raises DataError at the problem's
    file:line:column. The data is `.data` (a dict); the result is what `validate` and `compose` take."""
    return read(data)


def validate(data, *, template: str | None = None, templates=(), province: str | None = None) -> list:
    """Everything `render` would refuse, and the consistency checks, as a list of findings (`.level`
    "lỗi"/"cảnh báo", `.message`, `.location`, `.path`); nothing is written, nothing raised for the data."""
    return Pipeline(templates, province).validate(data, template)


def compose(data, *, template: str | None = None, templates=(), province: str | None = None):
    """The document model of a report (`model.Document`: header, blocks, appendices, footnotes numbered),
    before any file format; raises DocgenError for bad data or templates."""
    pipeline = Pipeline(templates, province)
    return pipeline.compose(pipeline.prepare(read(data), template))


def write(document, format: str = "docx") -> bytes:
    """A document model as the bytes of a file: "docx" (with the layout its template chose) or "md"."""
    from cchc_docgen.writers import write as write_format

    return write_format(document, format)


__all__ = ["DocgenError", "Prepared", "Result", "compose", "load", "render", "validate", "write"]
