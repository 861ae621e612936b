"""The document model between composing and writing (pandoc's AST, much smaller).

Writers only read it; the composer is the only place that builds it. Footnotes are inline (`Note`) where they
are referenced; their numbers are given once, in reading order, by `number_notes`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator, Union

from cchc_docgen.record import Record


class Text(Record):
    __slots__ = ("text", "bold", "italic", "superscript")

    def __init__(self, text: str, bold: bool = False, italic: bool = False, superscript: bool = False):
        self.text = text
        self.bold = bold
        self.italic = italic
        self.superscript = superscript


class Note(Record):
    """A footnote reference; `content` is the footnote's own text."""

    __slots__ = ("content", "number")

    def __init__(self, content: list[Text], number: int = 0):
        self.content = content
        self.number = number


Inline = Union[Text, Note]


class Heading(Record):
    __slots__ = ("level", "content", "numbered", "number", "explicit", "style")

    def __init__(self, level: int, content: list[Inline], numbered: bool = True, number: str = "",
                 explicit: bool = False, style: str = ""):
        self.level = level  # 1 = "I.", 2 = "1.", 3 = "1.1.", 4 = "1.1.1.", 5 = "a)"
        self.content = content
        self.numbered = numbered
        self.number = number  # filled by the composer, e.g. "II." or "2.1."
        self.explicit = explicit  # written by the ward: kept even with nothing under it (only template headings are pruned)
        self.style = style  # a numbering style for this heading alone ("## … {chu_cai}"); "" takes its level's


class Paragraph(Record):
    __slots__ = ("content", "kind")

    def __init__(self, content: list[Inline], kind: str = "body"):
        self.content = content
        self.kind = kind  # "body", or a list item: "dash" ("- …"), "plus" ("+ …")


class Cell(Record):
    __slots__ = ("content", "colspan", "rowspan", "numeric")

    def __init__(self, content: list[Inline], colspan: int = 1, rowspan: int = 1, numeric: bool = False):
        self.content = content
        self.colspan = colspan
        self.rowspan = rowspan
        self.numeric = numeric


class Table(Record):
    __slots__ = ("rows", "header_rows", "widths", "caption", "_placed")

    def __init__(self, rows: list[list[Cell]], header_rows: int = 0, widths: list[float] | None = None,
                 caption: list[Inline] | None = None):
        self.rows = rows
        self.header_rows = header_rows  # the first N rows repeat on every page
        self.widths = [] if widths is None else widths  # relative column widths
        self.caption = [] if caption is None else caption
        self._placed: list | None = None

    @property
    def column_count(self) -> int:
        return max((column + cell.colspan for row in self.placed_rows() for column, cell in row), default=0)

    def placed_rows(self) -> list[list[tuple[int, Cell]]]:
        """Each row's cells with the grid column each starts in. As in HTML, a row lists only the cells that
        start in it: columns covered by a cell merged down from a row above (rowspan) are skipped.
        Worked out once: a table's rows do not change after it is built."""
        if self._placed is None:
            self._placed = self._place()
        return self._placed

    def _place(self) -> list[list[tuple[int, Cell]]]:
        covered: dict[int, set[int]] = {}
        placed = []
        for r, row in enumerate(self.rows):
            taken = covered.get(r)  # None for most rows: nothing merged down into them
            column, out = 0, []
            for cell in row:
                if taken:
                    while column in taken:
                        column += 1
                out.append((column, cell))
                if cell.rowspan > 1:
                    for below in range(r + 1, r + cell.rowspan):
                        covered.setdefault(below, set()).update(range(column, column + cell.colspan))
                column += cell.colspan
            placed.append(out)
        return placed

    def covered_columns(self) -> list[dict[int, int]]:
        """Per row: {column: span} of the cells merged down into it from a row above."""
        result: list[dict[int, int]] = [{} for _ in self.rows]
        for r, row in enumerate(self.placed_rows()):
            for column, cell in row:
                if cell.rowspan > 1:  # most cells are merged with none below
                    for below in range(r + 1, min(r + cell.rowspan, len(self.rows))):
                        result[below][column] = cell.colspan
        return result


Block = Union[Heading, Paragraph, Table]


class Appendix(Record):
    """A Phụ lục printed after the signature, on a new page, with its own page numbering."""

    __slots__ = ("label", "title", "attachment", "table", "landscape")

    def __init__(self, label: str, title: str, attachment: str, table: Table, landscape: bool = False):
        self.label = label  # "Phụ lục" or "Phụ lục I", "Phụ lục II", …
        self.title = title
        self.attachment = attachment  # "(Kèm theo Báo cáo số …/BC-UBND ngày … của …)"
        self.table = table
        self.landscape = landscape


class Organ(Record):
    """The issuing organ, as the data names it (writers put it in capitals)."""

    __slots__ = ("ten", "chu_quan")

    def __init__(self, ten: list[str], chu_quan: str = ""):
        self.ten = ten  # one or two lines: "Ủy ban nhân dân", "phường Thạch Quý"
        self.chu_quan = chu_quan  # the organ above it, or "" when there is none


class Signer(Record):
    __slots__ = ("tham_quyen", "chuc_vu", "ho_ten")

    def __init__(self, tham_quyen: list[str], chuc_vu: str, ho_ten: str):
        self.tham_quyen = tham_quyen  # "TM. Ủy ban nhân dân", "KT. Chủ tịch"
        self.chuc_vu = chuc_vu
        self.ho_ten = ho_ten


class Header(Record):
    """What a Decree-30 document says around its body, as values: the writers format it (capitals, the date
    line, "Số: …/…"), and nothing parses their strings back (see composing.header.layout_variables)."""

    __slots__ = ("co_quan", "so", "ky_hieu", "dia_danh", "ngay", "nam", "loai_van_ban", "trich_yeu", "thoi_gian",
                 "kinh_gui", "noi_nhan", "luu", "nguoi_ky")

    def __init__(self, co_quan: Organ, so: int | None, ky_hieu: str, dia_danh: str, ngay: dt.date | None, nam: int,
                 loai_van_ban: str, trich_yeu: str, thoi_gian: str, kinh_gui: list[str], noi_nhan: list[str],
                 luu: str, nguoi_ky: Signer):
        self.co_quan = co_quan
        self.so = so  # the document's number; None for a draft ("Số:      /BC-UBND")
        self.ky_hieu = ky_hieu  # "BC-UBND"
        self.dia_danh = dia_danh
        self.ngay = ngay  # None for a draft: "ngày     tháng     năm 2024"
        self.nam = nam  # the year a draft's date line shows
        self.loai_van_ban = loai_van_ban  # "Báo cáo", "Kế hoạch" (as the template wrote it)
        self.trich_yeu = trich_yeu
        self.thoi_gian = thoi_gian  # the line under the title, or ""
        self.kinh_gui = kinh_gui  # recipients, as the data names them
        self.noi_nhan = noi_nhan
        self.luu = luu
        self.nguoi_ky = nguoi_ky


class Document(Record):
    """`header`: the header, title and signature blocks as values; `layout`: the Word layout (.docx) the
    template chose, which the .docx writer fills."""

    __slots__ = ("header", "blocks", "appendices", "layout")

    def __init__(self, header: Header, blocks: list[Block], appendices: list[Appendix] | None = None,
                 layout: Path | None = None):
        self.header = header
        self.blocks = blocks
        self.appendices = [] if appendices is None else appendices
        self.layout = layout

    def reading_order(self) -> list[Block]:
        """The body, then the appendices' tables: the order footnotes are numbered in."""
        return self.blocks + [a.table for a in self.appendices]

    def notes(self) -> list[Note]:
        return list(iter_notes(self.reading_order()))


def block_inlines(block: Block) -> list[list[Inline]]:
    """Every inline sequence of a block, in reading order."""
    if isinstance(block, Table):
        return [block.caption] + [cell.content for row in block.rows for cell in row]
    return [block.content]


def iter_notes(blocks) -> Iterator[Note]:
    for block in blocks:
        # (block_inlines for a table only: a paragraph's or heading's one sequence needs no list built)
        for inlines in block_inlines(block) if isinstance(block, Table) else (block.content,):
            for item in inlines:
                if item.__class__ is Note:
                    yield item


def number_notes(blocks) -> int:
    """Number the footnotes 1..N in reading order (body, lists, tables); return N."""
    count = 0
    for count, note in enumerate(iter_notes(blocks), start=1):
        note.number = count
    return count


def plain_text(inlines) -> str:
    """The visible text of inlines, footnote references left out."""
    return "".join(i.text for i in inlines if isinstance(i, Text))
