"""Stage 5: writers turn a Document into the bytes of one format."""

from __future__ import annotations

from importlib import import_module

from cchc_docgen.errors import DocgenError

# format → the module whose `write(document) -> bytes` makes it; imported only when that format is asked for
# (the .docx writer's import costs a one-shot Markdown render for nothing).
WRITERS = {"docx": "cchc_docgen.writers.docx", "md": "cchc_docgen.writers.markdown"}
FORMATS = tuple(WRITERS)


def write(document, fmt: str = "docx") -> bytes:
    """The document in format `fmt` ("docx" or "md"); an unknown format is an error, not a .docx."""
    if fmt not in WRITERS:
        raise DocgenError(f"không có định dạng '{fmt}'; các định dạng: {', '.join(FORMATS)}")
    if getattr(document, "package", None) is not None:  # a filled Word form (writers/form.py) writes itself
        return import_module("cchc_docgen.writers.form").write(document, fmt)
    return import_module(WRITERS[fmt]).write(document)
