"""Stage 5: writers turn a Document into the bytes of one format."""

from __future__ import annotations

from importlib import import_module

from cchc_docgen.errors import DocgenError

# format → the module whose `write(document, **options) -> bytes` makes it; imported only when that format is
# asked for (the .docx writer's import costs a one-shot Markdown render for nothing).
WRITERS = {"docx": "cchc_docgen.writers.docx", "md": "cchc_docgen.writers.markdown",
           "pdf": "cchc_docgen.writers.pdf", "html": "cchc_docgen.writers.html"}
FORMATS = tuple(WRITERS)
# A filled Word form (writers/form.py) writes its own .docx and Markdown; the other formats start from those
# (PDF converts its .docx) or from its blocks (HTML), as for any document.
_FORM_FORMATS = ("docx", "md")


def write(document, fmt: str = "docx", **options) -> bytes:
    """The document in format `fmt` (one of FORMATS); an unknown format is an error, not a .docx. `options` go
    to that format's writer (pdf: `pdfa=True`)."""
    if fmt not in WRITERS:
        raise DocgenError(f"không có định dạng '{fmt}'; các định dạng: {', '.join(FORMATS)}")
    if getattr(document, "package", None) is not None and fmt in _FORM_FORMATS:
        return import_module("cchc_docgen.writers.form").write(document, fmt)
    return import_module(WRITERS[fmt]).write(document, **options)
