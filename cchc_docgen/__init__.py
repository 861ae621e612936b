"""cchc_docgen: Vietnamese administrative reports (báo cáo CCHC) from YAML, laid out per Decree 30/2020/NĐ-CP.

The Python API (see `cchc_docgen.api` and the README's "Dùng trong Python"):

    render(data, *, template=None, format="docx", templates=(), province=None, strict=False) -> Result
    load(data), validate(data, …) -> findings, compose(data, …) -> Document, write(document, format) -> bytes
    DocgenError, DataError, TemplateError

The pipeline behind them (`cchc_docgen.pipeline.Pipeline`), one module per stage:
    loader (YAML with positions) → validate (JSON Schema) → compute (derived figures)
    → compose (text templates → document model) → writers (docx, md).
"""

__version__ = "0.1.0"

_API = {"render", "load", "validate", "compose", "write", "Result"}
_ERRORS = {"DocgenError", "DataError", "TemplateError"}
__all__ = sorted(_API | _ERRORS) + ["__version__"]


def __getattr__(name):
    # Imported on first use: `docgen --version` or `docgen -h` need none of the pipeline.
    if name in _API:
        from cchc_docgen import api

        return getattr(api, name)
    if name in _ERRORS:
        from cchc_docgen import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'cchc_docgen' has no attribute {name!r}")
