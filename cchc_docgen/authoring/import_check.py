"""`docgen nhap … --kiem-tra`: how much of an imported report its data file renders back, paragraph for paragraph.

The measure of an import is the round trip: the data file `docgen nhap` wrote, rendered again, should read as the
original did. Both documents are read as a reader sees them (golden/docx_view.py: every paragraph of the body,
table cells included, in reading order, a line break or a tab counting as a paragraph's end, and the footnotes in
order); the paragraphs are paired in order by
difflib, and a paragraph of the original counts as reproduced only when a paragraph of the same text stands in
its place. What is not reproduced is listed with what stands there instead, so the clerk knows which sections
of the data file to look at.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field

from cchc_docgen.golden.docx_view import (
    NOTE,
    OBJECT,
    ParaView,
    TableView,
    clip,
    read_docx,
)


@dataclass
class ImportCheck:
    paragraphs: int  # body paragraphs of the original (table cells' included)
    reproduced: int
    footnotes: int
    footnotes_reproduced: int
    # (number of the paragraph in the original, its text, what the rendered data has in its place or "")
    differing: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.reproduced / self.paragraphs if self.paragraphs else 1.0


def texts(content: bytes) -> tuple[list[str], list[str]]:
    """The visible text of every body paragraph (a table's cells, row by row) and of every footnote, in order;
    a footnote's reference mark is left out of the paragraph's text (footnotes are compared on their own)."""
    view = read_docx(content)

    def walk(blocks, out):
        for block in blocks:
            if isinstance(block, ParaView):
                # a line break or a tab ends a paragraph here: the header block typed as lines of one paragraph
                # and the same lines drawn in the Decree-30 table read alike, as "Kính gửi:⇥- …" and its lines do
                text = block.text.replace(NOTE, "").replace(OBJECT, "").replace("\t", "\n")
                if text.startswith("Kính gửi:"):  # "Kính gửi: Sở Nội vụ." on one line, or its lines after a tab
                    text = "Kính gửi:\n" + text[len("Kính gửi:"):]
                # spaces are not compared: a draft's "Số:      /BC-UBND" keeps its gap only in Word
                out.extend(" ".join(line.split()) for line in text.split("\n") if line.strip())
            elif isinstance(block, TableView):
                for row in block.rows:
                    for cell in row:
                        if not cell.merged:
                            walk(cell.blocks, out)
        return out

    body = walk(view.body, [])
    notes = [" ".join(walk(blocks, [])) for _, blocks in view.notes]
    return body, notes


def compare(original: bytes, rendered: bytes) -> ImportCheck:
    body, notes = texts(original)
    again, notes_again = texts(rendered)
    matcher = difflib.SequenceMatcher(None, body, again, autojunk=False)
    unpaired = []
    reproduced = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            reproduced += i2 - i1
            continue
        for offset, index in enumerate(range(i1, i2)):
            unpaired.append((index + 1, body[index], again[j1 + offset] if j1 + offset < j2 else ""))
    # A line the rendered document has word for word, but elsewhere (the "Số: …" line sits under the organ's
    # name when typed, beside the date in the Decree-30 table) is reproduced, not a difference.
    left_over = Counter(line for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal" for line in again[j1:j2])
    differing = []
    for number, text, instead in unpaired:
        if left_over[text]:
            left_over[text] -= 1
            reproduced += 1
        else:
            differing.append((number, text, instead))
    notes_matcher = difflib.SequenceMatcher(None, notes, notes_again, autojunk=False)
    notes_reproduced = sum(size for _, _, size in notes_matcher.get_matching_blocks())
    return ImportCheck(len(body), reproduced, len(notes), notes_reproduced, differing)


def report_lines(check: ImportCheck, limit: int = 20) -> list[str]:
    """What `--kiem-tra` prints, in Vietnamese."""
    percent = f"{check.share * 100:.1f}".replace(".", ",")
    lines = [f"Kiểm tra: sinh lại từ tệp dữ liệu được {check.reproduced}/{check.paragraphs} đoạn của văn bản gốc "
             f"đúng từng chữ ({percent}%), {check.footnotes_reproduced}/{check.footnotes} chú thích."]
    for number, text, instead in check.differing[:limit]:
        where = f"  đoạn {number}: «{clip(text, 120)}»"
        lines.append(where + (f" → sinh lại thành «{clip(instead, 120)}»" if instead else " → không có khi sinh lại"))
    if len(check.differing) > limit:
        lines.append(f"  … và {len(check.differing) - limit} đoạn khác")
    return lines
