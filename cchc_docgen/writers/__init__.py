"""Stage 5: writers turn a Document into bytes of one format. Each has `write(document, template) -> bytes`."""

FORMATS = ("docx", "md")


def write(document, template, fmt: str) -> bytes:
    if fmt == "md":
        from cchc_docgen.writers import markdown

        return markdown.write(document)
    from cchc_docgen.writers import docx

    return docx.write(document, template)
