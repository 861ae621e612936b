"""The document model between composing and writing (pandoc's AST, much smaller).

Writers only read it; the composer is the only place that builds it. Footnotes are inline (`Note`) where they
are referenced; their numbers are given once, in reading order, by `number_notes`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Union


@dataclass(slots=True)
class Text:
    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False


@dataclass(slots=True)
class Note:
    """A footnote reference; `content` is the footnote's own text."""

    content: list[Text]
    number: int = 0


Inline = Union[Text, Note]


@dataclass(slots=True)
class Heading:
    level: int  # 1 = "I.", 2 = "1.", 3 = "1.1.", 4 = "1.1.1.", 5 = "a)"
    content: list[Inline]
    numbered: bool = True
    number: str = ""  # filled by the composer, e.g. "II." or "2.1."
    explicit: bool = False  # written by the ward: kept even with nothing under it (only template headings are pruned)
    style: str = ""  # a numbering style for this heading alone ("## … {chu_cai}"); "" takes its level's


@dataclass(slots=True)
class Paragraph:
    content: list[Inline]
    kind: str = "body"  # "body", or a list item: "dash" ("- …"), "plus" ("+ …")


@dataclass(slots=True)
class Cell:
    content: list[Inline]
    colspan: int = 1
    rowspan: int = 1
    numeric: bool = False


@dataclass(slots=True)
class Table:
    rows: list[list[Cell]]
    header_rows: int = 0  # the first N rows repeat on every page
    widths: list[float] = field(default_factory=list)  # relative column widths
    caption: list[Inline] = field(default_factory=list)
    _placed: list | None = field(default=None, init=False, repr=False, compare=False)

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


@dataclass(slots=True)
class Appendix:
    """A Phụ lục printed after the signature, on a new page, with its own page numbering."""

    label: str  # "Phụ lục" or "Phụ lục I", "Phụ lục II", …
    title: str
    attachment: str  # "(Kèm theo Báo cáo số …/BC-UBND ngày … của …)"
    table: Table
    landscape: bool = False


@dataclass(slots=True)
class Organ:
    """The issuing organ, as the data names it (writers put it in capitals)."""

    ten: list[str]  # one or two lines: "Ủy ban nhân dân", "phường Thạch Quý"
    chu_quan: str = ""  # the organ above it, or "" when there is none


@dataclass(slots=True)
class Signer:
    tham_quyen: list[str]  # "TM. Ủy ban nhân dân", "KT. Chủ tịch"
    chuc_vu: str
    ho_ten: str


@dataclass(slots=True)
class Header:
    """What a Decree-30 document says around its body, as values: the writers format it (capitals, the date
    line, "Số: …/…"), and nothing parses their strings back (see composing.header.layout_variables)."""

    co_quan: Organ
    so: int | None  # the document's number; None for a draft ("Số:      /BC-UBND")
    ky_hieu: str  # "BC-UBND"
    dia_danh: str
    ngay: dt.date | None  # None for a draft: "ngày     tháng     năm 2024"
    nam: int  # the year a draft's date line shows
    loai_van_ban: str  # "Báo cáo", "Kế hoạch" (as the template wrote it)
    trich_yeu: str
    thoi_gian: str  # the line under the title, or ""
    kinh_gui: list[str]  # recipients, as the data names them
    noi_nhan: list[str]
    luu: str
    nguoi_ky: Signer


@dataclass(slots=True)
class Document:
    """`header`: the header, title and signature blocks as values; `layout`: the Word layout (.docx) the
    template chose, which the .docx writer fills."""

    header: Header
    blocks: list[Block]
    appendices: list[Appendix] = field(default_factory=list)
    layout: Path | None = None

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
