"""The Markdown writer (pandoc's dialect): same content and the same footnote numbers as the .docx.

Headings keep their document numbers ("# I. CÔNG TÁC …"), footnotes become `[^n]` with `[^n]: …` definitions
at the end, tables become pipe tables (merged cells are repeated blank), and the header and signature blocks
are plain paragraphs with hard line breaks.
"""

from __future__ import annotations

import re

from cchc_docgen.composing.header import layout_variables
from cchc_docgen.model import Document, Heading, Note, Paragraph, Table

_SPECIAL = re.compile(r"([\\`*_\[\]<>^~|&])")
# What makes a line Markdown structure when it starts a paragraph: a heading, a list item, a quote, a rule.
# ("*" needs no care here: escape() has already written a literal star as "\*".)
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|[-+](?=\s|$)|>|\d+(\.|\))(?=\s|$)|(?:[-_]\s*){3,}$|=+\s*$)")
LIST_MARKS = {"dash": "- ", "plus": "+ "}


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def protect_line_start(line: str) -> str:
    """Escape the mark that would turn a paragraph into a heading, list, quote or rule ("1. …" → "1\\. …")."""
    match = _BLOCK_START.match(line)
    if not match:
        return line
    if match.group(1):  # "1." / "1)": escape the dot or bracket
        at = match.start(1)
        return line[:at] + "\\" + line[at:]
    return "\\" + line


def _styled(text: str, bold: bool, italic: bool, superscript: bool = False) -> str:
    body = escape(text)
    if not body.strip():
        return body
    # Markdown emphasis cannot start or end with a space: keep the spaces outside the markers.
    lead = body[: len(body) - len(body.lstrip())]
    trail = body[len(body.rstrip()):]
    core = body.strip()
    if superscript:
        core = f"^{core}^"
    if bold and italic:
        core = f"***{core}***"
    elif bold:
        core = f"**{core}**"
    elif italic:
        core = f"*{core}*"
    return lead + core + trail


class MarkdownWriter:
    def __init__(self):
        self.notes: list[str] = []
        # Levels of the headings open above the current one: a heading's "#"s are its depth in this outline,
        # so a part ("A.", level 0) takes "#" and a level skipped in the document is not skipped in Markdown.
        self.open_levels: list[int] = []

    def inlines(self, items) -> str:
        out = []
        for item in items:
            if isinstance(item, Note):
                out.append(f"[^{item.number}]")
                self.notes.append(f"[^{item.number}]: " + "".join(
                    _styled(t.text, t.bold, t.italic, t.superscript) for t in item.content).strip())
            else:
                out.append(_styled(item.text, item.bold, item.italic, item.superscript))
        return "".join(out)

    def block(self, block) -> str:
        if isinstance(block, Heading):
            number = f"{block.number} " if block.number else ""
            while self.open_levels and self.open_levels[-1] >= block.level:
                self.open_levels.pop()
            self.open_levels.append(block.level)
            return "#" * min(len(self.open_levels), 6) + " " + number + self.inlines(block.content)
        if isinstance(block, Paragraph):
            mark = LIST_MARKS.get(block.kind, "")
            return mark + protect_line_start(self.inlines(block.content))
        return self.table(block)

    def table(self, table: Table) -> str:
        columns = table.column_count
        rows = []
        # Pipe tables cannot merge cells: a merged cell's text goes in its first column, the rest stay blank. But in
        # a heading of several rows, a cell over several columns ("Thủ tục hành chính" over its figures) heads each
        # of them: the pipe table has a single heading row, joined from the table's, where every column's heading
        # stands alone.
        spread = table.header_rows if table.header_rows > 1 else 0
        for r, placed in enumerate(table.placed_rows()):
            cells = [""] * columns
            for column, cell in placed:
                if column < columns:
                    text = self.inlines(cell.content).replace("\n", " ")
                    span = cell.colspan if r < spread else 1
                    cells[column:column + span] = [text] * len(cells[column:column + span])
            rows.append(cells)
        header_count = max(table.header_rows, 1)
        head = ([" – ".join(filter(None, parts)) for parts in zip(*rows[:header_count])] if table.header_rows
                else [""] * columns)
        lines = []
        if table.caption:
            lines.append(f"**{self.inlines(table.caption)}**\n")
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---" for _ in range(columns)) + "|")
        for cells in rows[table.header_rows:]:
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)


def _lines(items) -> str:
    # A line starting "- " would open a list even after a hard break: escape the mark.
    return "\\\n".join(protect_line_start(escape(i)) for i in items)


def write(document: Document) -> bytes:
    meta = layout_variables(document.header)
    writer = MarkdownWriter()
    out = []
    organ = ([meta["co_quan_chu_quan"]] if meta["co_quan_chu_quan"] else []) + [f"**{escape(x)}**" for x in meta["ten_co_quan"]]
    out.append("\\\n".join(escape(x) if not x.startswith("**") else x for x in organ) + "\\\n" + escape(f"Số: {meta['so_ky_hieu']}"))
    out.append("**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**\\\n**Độc lập - Tự do - Hạnh phúc**\\\n"
               f"*{escape(meta['dia_danh_ngay'])}*")
    trich_yeu = "\\\n".join(escape(line) for line in meta["trich_yeu"].splitlines())
    title = f"**{escape(meta['loai_van_ban'])}**\\\n**{trich_yeu}**"
    if meta.get("thoi_gian"):
        title += f"\\\n*{escape(meta['thoi_gian'])}*"
    out.append(title)
    if meta["kinh_gui"]:
        out.append(_lines(meta["kinh_gui"]))
    out.extend(writer.block(b) for b in document.blocks)
    out.append("***Nơi nhận:***\\\n" + _lines(meta["noi_nhan"]))
    signer = [f"**{escape(x)}**" for x in meta["tham_quyen"] + [meta["chuc_vu"], meta["ho_ten"]]]
    out.append("\\\n".join(signer))
    for appendix in document.appendices:
        out.append("---")
        out.append(f"**{escape(appendix.label)}**\\\n**{escape(appendix.title)}**\\\n*{escape(appendix.attachment)}*")
        out.append(writer.table(appendix.table))
    if writer.notes:
        out.append("\n".join(writer.notes))
    return ("\n\n".join(out) + "\n").encode("utf-8")
