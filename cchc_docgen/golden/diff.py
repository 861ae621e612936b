"""Comparing two documents as a reader would (`compare_docx`, `compare_md`) and summarising the differences in
Vietnamese with where they are.

Each difference has a kind (`KINDS`: text, formatting, page setup, table geometry, numbering, pictures,
properties) and, inside a page header/footer or a footnote, that area too; `compare_docx(…, ignore=…)` leaves
out the kinds a caller chose to ignore (`docgen check --bo-qua`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable

from cchc_docgen.golden.docx_view import (
    HEAD,
    PARA_KEYS,
    RUN_KEYS,
    TAIL,
    CellView,
    ParaView,
    SectionView,
    TableView,
    UnsafeArchive,
    clip,
    field_name,
    mm,
    number_text,
    pt_half,
    quote,
    read_docx,
    row_key,
    short,
)

MAX_LINES_PER_FILE = 40  # differences listed per golden file; the rest are counted
REPEAT_GROUP = 4  # the same difference at this many places or more is listed once


# --- comparing ----------------------------------------------------------------------------------


@dataclass
class Difference:
    where: str
    what: str
    kind: str = "noi-dung"  # one of golden.kinds.KINDS, or "noi-dung" (the text, never ignored)
    area: str = ""  # "dau-chan-trang" or "chu-thich" when it is inside one

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


BOOL_NAMES = {"bold": "chữ đậm", "italic": "chữ nghiêng", "underline": "gạch chân", "strike": "gạch ngang",
              "caps": "chữ in hoa"}
VALIGN_NAMES = {"baseline": "chữ thường", "superscript": "chỉ số trên", "subscript": "chỉ số dưới"}
JC_NAMES = {"left": "trái", "start": "trái", "center": "giữa", "right": "phải", "end": "phải",
            "both": "đều hai bên", "distribute": "dàn đều"}


def _run_change(key: str, old, new) -> str:
    if key in BOOL_NAMES:
        return f"{'thêm' if new else 'mất'} {BOOL_NAMES[key]}"
    if key == "size":
        return f"cỡ chữ {pt_half(old)} → {pt_half(new)}"
    if key == "font":
        return f'phông chữ "{old or "mặc định"}" → "{new or "mặc định"}"'
    if key == "color":
        return f"màu chữ {'#' + old if old else 'đen'} → {'#' + new if new else 'đen'}"
    if key == "highlight":
        return f"tô sáng chữ {old or 'không'} → {new or 'không'}"
    return f"{VALIGN_NAMES.get(old, old)} → {VALIGN_NAMES.get(new, new)}"


PARA_FLAGS = {"keep_next": "giữ cùng trang với đoạn sau", "keep_lines": "giữ các dòng của đoạn trên cùng trang",
              "page_break": "ngắt trang trước đoạn", "widow": "chống dòng lẻ loi đầu/cuối trang"}


def _first_line(value) -> str:
    if not value:
        return "không thụt"
    return f"thụt {mm(value)}" if value > 0 else f"thụt treo {mm(-value)}"


def _line_spacing(value) -> str:
    rule, amount = value
    if amount is None:
        return "mặc định"
    if rule == "exact":
        return f"đúng {number_text(amount / 20)} pt"
    if rule == "atLeast":
        return f"tối thiểu {number_text(amount / 20)} pt"
    return f"{number_text(amount / 240, 2)} dòng"


def _para_change(key: str, old, new) -> str:
    if key in PARA_FLAGS:
        return f"{'thêm' if new else 'mất'} {PARA_FLAGS[key]}"
    if key == "border":
        return f"viền đoạn {old or 'không viền'} → {new or 'không viền'}"
    if key == "shading":
        return f"tô nền đoạn {old or 'không'} → {new or 'không'}"
    if key == "numbering":
        return f"đánh số {old or 'không đánh số'} → {new or 'không đánh số'}"
    if key == "style":
        return f'kiểu đoạn "{old}" → "{new}"'
    if key == "jc":
        return f"căn lề {JC_NAMES.get(old, old)} → {JC_NAMES.get(new, new)}"
    if key == "ind_first":
        return f"dòng đầu: {_first_line(old)} → {_first_line(new)}"
    if key == "line":
        return f"giãn dòng {_line_spacing(old)} → {_line_spacing(new)}"
    names = {"ind_left": "thụt lề trái", "ind_right": "thụt lề phải"}
    if key in names:
        return f"{names[key]} {mm(old)} → {mm(new)}"
    name = "khoảng cách trước đoạn" if key == "sp_before" else "khoảng cách sau đoạn"
    return f"{name} {number_text((old or 0) / 20)} pt → {number_text((new or 0) / 20)} pt"


_WORD = re.compile(r"\S+")


def _word_hunks(old: str, new: str, show_old: Callable, show_new: Callable, context: int = 3,
                normalize: Callable = lambda word: word):
    """The changed places between two texts, word by word: [(old excerpt, new excerpt)], with a few words of
    context and "…" where the text goes on; also the character ranges that stayed equal, for formatting.
    Words are compared as `normalize` makes them (footnote numbers left out in Markdown)."""
    old_spans = [m.span() for m in _WORD.finditer(old)]
    new_spans = [m.span() for m in _WORD.finditer(new)]
    old_words = [normalize(old[s:e]) for s, e in old_spans]
    new_words = [normalize(new[s:e]) for s, e in new_spans]
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    equal = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                equal.append((old_spans[i1 + k], new_spans[j1 + k]))
    hunks = []
    if old_words == new_words:
        if normalize(old) != normalize(new):  # only spacing changed
            hunks.append((quote(show_old(0, len(old))), quote(show_new(0, len(new)))))
        return hunks, equal

    def excerpt(spans, show, start, stop):
        if start >= stop:
            return "…" if spans else '""'
        text = show(spans[start][0], spans[stop - 1][1])
        lead = "… " if start > 0 else ""
        tail = " …" if stop < len(spans) else ""
        return f'"{lead}{clip(text, 240)}{tail}"' if text else '""'

    for group in matcher.get_grouped_opcodes(context):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        hunks.append((excerpt(old_spans, show_old, i1, i2), excerpt(new_spans, show_new, j1, j2)))
    return hunks, equal


def _similarity(a: str, b: str) -> float:
    """How alike two texts are, by their words (punctuation-only tokens such as a table's "|" left out)."""
    words_a = [w for w in a.split() if any(c.isalnum() for c in w)]
    words_b = [w for w in b.split() if any(c.isalnum() for c in w)]
    if not words_a and not words_b:
        return 1.0
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.5 else 0.0


def _pair(olds: list, news: list, key=lambda b: b.key) -> list[tuple]:
    """Pair changed blocks in order. As many on each side, of the same kinds: one to one (a paragraph rewritten is
    a change, not a removal and an addition); otherwise each with the first similar one of the same kind after the
    last pair, the rest added or removed."""
    if len(olds) == len(news) and all(type(a) is type(b) for a, b in zip(olds, news)):
        return list(zip(olds, news))
    out, j = [], 0
    for a in olds:
        match = None
        for k in range(j, len(news)):
            if type(a) is type(news[k]) and _similarity(key(a), key(news[k])) >= 0.5:
                match = k
                break
        if match is None:
            out.append((a, None))
            continue
        out.extend((None, news[k]) for k in range(j, match))
        out.append((a, news[match]))
        j = match + 1
    out.extend((None, news[k]) for k in range(j, len(news)))
    return out


class _Differ:
    def __init__(self):
        self.found: list[Difference] = []
        self.area = ""  # set while comparing headers/footers or footnotes
        self.cell_changes: dict = {}  # (what, kind) → places, for the table being compared

    def add(self, where: str, what: str, kind: str = "noi-dung") -> None:
        self.found.append(Difference(where, what, kind, self.area))

    def props(self, where: str, old: dict, new: dict, kind: str) -> None:
        """Displayed properties ({"lề trái": "30 mm"}): each that differs as "name old → new"."""
        for key in dict.fromkeys([*old, *new]):
            if old.get(key) != new.get(key):
                self.add(where, f"{key} {old.get(key, 'không có')} → {new.get(key, 'không có')}", kind)

    # containers of blocks (the body, a cell, a footnote, a page header)
    def blocks(self, old: list, new: list) -> None:
        matcher = SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            pairs = zip(old[i1:i2], new[j1:j2]) if tag == "equal" else _pair(old[i1:i2], new[j1:j2])
            for a, b in pairs:
                if a is not None and b is not None:
                    self.block(a, b)
                elif a is not None:
                    self.removed(a)
                else:
                    self.added(b)

    def removed(self, block) -> None:
        if isinstance(block, TableView):
            self.add(block.label, f"mất cả bảng ({len(block.rows)} dòng)")
        elif block.heading:
            self.add(block.label, "mất đề mục này")
        elif block.plain():
            self.add(block.label, f"mất đoạn {quote(block.show())}")
        else:
            self.add(block.label, "mất một đoạn trống")

    def added(self, block) -> None:
        if isinstance(block, TableView):
            first = " | ".join(quote(_cell_text(c), 40) for c in block.rows[0]) if block.rows else ""
            self.add(block.label, f"bảng mới ({len(block.rows)} dòng): {first}")
        elif block.heading:
            self.add(block.label, "đề mục mới")
        elif block.plain():
            self.add(block.label, f"đoạn mới {quote(block.show())}")
        else:
            self.add(block.label, "thêm một đoạn trống")

    def block(self, a, b) -> None:
        if isinstance(a, ParaView) and isinstance(b, ParaView):
            self.paragraph(a, b)
        elif isinstance(a, TableView) and isinstance(b, TableView):
            self.table(a, b)
        else:
            self.removed(a)
            self.added(b)

    def paragraph(self, a: ParaView, b: ParaView) -> None:
        if (a.text == b.text and a.fmts == b.fmts and a.props == b.props and a.objects == b.objects
                and a.fields == b.fields):
            return
        where = b.label
        for key in PARA_KEYS:
            if a.props.get(key) != b.props.get(key):
                kind = "danh-so" if key == "numbering" else "dinh-dang"
                self.add(where, _para_change(key, a.props.get(key), b.props.get(key)), kind)
        if a.text == b.text:
            hunks, equal = [], [((0, len(a.text)), (0, len(b.text)))]
        else:
            hunks, equal = _word_hunks(a.text, b.text, a.show, b.show)
        for old, new in hunks:
            self.add(where, f"{old} → {new}")
        self.fields(a, b, where)
        self.pictures(a, b, where)
        self.formatting(a, b, equal, where)

    def fields(self, a: ParaView, b: ParaView, where: str) -> None:
        old, new = [code for _, code in a.fields], [code for _, code in b.fields]
        if old == new:
            return
        for code in old:
            if code in new:
                new.remove(code)
            else:
                self.add(where, f"mất {field_name(code)}")
        for code in new:
            self.add(where, f"thêm {field_name(code)}")

    def pictures(self, a: ParaView, b: ParaView, where: str) -> None:
        """Pictures in the same order on both sides compared one by one (one added or removed shows in the text)."""
        if a.objects == b.objects or len(a.objects) != len(b.objects):
            return
        for number, (old, new) in enumerate(zip(a.objects, b.objects), start=1):
            if old == new or old is None or new is None:
                continue
            name = "hình" if len(a.objects) == 1 else f"hình thứ {number}"
            if old[0] != new[0]:
                self.add(where, f"{name} đổi nội dung ảnh (mã {old[0] or 'không có'} → {new[0] or 'không có'})", "anh")
            if old[1] != new[1]:
                self.add(where, f"kích thước {name} {old[1] or 'không rõ'} → {new[1] or 'không rõ'}", "anh")

    def formatting(self, a: ParaView, b: ParaView, equal, where: str) -> None:
        """Formatting differences over the text both have, per property: whole paragraph or the parts."""
        pairs = []
        for (s1, e1), (s2, _e2) in equal:
            for k in range(e1 - s1):
                fa, fb = a.fmts[s1 + k], b.fmts[s2 + k]
                if fa is not None and fb is not None and fa != fb:
                    pairs.append((s2 + k, fa, fb))
        if not pairs:
            return
        visible = sum(1 for ch, f in zip(b.text, b.fmts) if f is not None and not ch.isspace())
        for index, key in enumerate(RUN_KEYS):
            changes: dict[tuple, list[int]] = {}
            for position, fa, fb in pairs:
                if fa[index] != fb[index]:
                    changes.setdefault((fa[index], fb[index]), []).append(position)
            for (old, new), positions in changes.items():
                what = _run_change(key, old, new)
                if len(positions) < visible:
                    spans = _spans(b.text, positions)
                    shown = ", ".join(quote(b.show(s, e), 60) for s, e in spans[:3])
                    more = f" và {len(spans) - 3} chỗ khác" if len(spans) > 3 else ""
                    what += f" ở {shown}{more}"
                self.add(where, what)

    def table(self, a: TableView, b: TableView) -> None:
        self.props(b.label, a.props, b.props, "bang")
        outer, self.cell_changes = self.cell_changes, {}
        try:
            self._rows(a, b)
            self._cell_geometry(b.label, a.props.get("độ rộng các cột") != b.props.get("độ rộng các cột"))
        finally:
            self.cell_changes = outer

    def _cell_geometry(self, label: str, grid_changed: bool) -> None:
        """Cells' own geometry (width, borders, shading…), said once per change for the whole table: dividing the
        columns by three changes every cell, and a reader wants one line, not one per cell."""
        widths = 0
        for (what, kind), places in self.cell_changes.items():
            if grid_changed and what.startswith("độ rộng ô "):
                widths += len(places)
            elif len(places) == 1:
                self.add(places[0], what, kind)
            else:
                self.add(label, f"{what} ở {len(places)} ô ({', '.join(places[:3])}{', …' if len(places) > 3 else ''})"
                         .replace(f"{label}, ", ""), kind)
        if widths:
            self.add(label, f"độ rộng ô đổi theo độ rộng cột ở {widths} ô", "bang")

    def _rows(self, a: TableView, b: TableView) -> None:
        if len(a.rows) == len(b.rows):
            pairs = list(zip(a.rows, b.rows))
        else:
            pairs = []
            matcher = SequenceMatcher(None, [row_key(r) for r in a.rows], [row_key(r) for r in b.rows], autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "equal":
                    pairs.extend(zip(a.rows[i1:i2], b.rows[j1:j2]))
                else:
                    pairs.extend(_pair(a.rows[i1:i2], b.rows[j1:j2], key=row_key))
        row_numbers_b = {id(row): n for n, row in enumerate(b.rows, start=1)}
        row_numbers_a = {id(row): n for n, row in enumerate(a.rows, start=1)}
        for ra, rb in pairs:
            if ra is None:
                text = " | ".join(quote(_cell_text(c), 40) for c in rb)
                self.add(f"{b.label}, dòng {row_numbers_b[id(rb)]}", f"dòng mới: {text}")
            elif rb is None:
                text = " | ".join(quote(_cell_text(c), 40) for c in ra)
                self.add(f"{a.label}, dòng {row_numbers_a[id(ra)]}", f"mất dòng: {text}")
            else:
                number_a, number_b = row_numbers_a[id(ra)], row_numbers_b[id(rb)]
                where = f"{b.label}, dòng {number_b}"
                if a.row_props and b.row_props:
                    self.props(where, a.row_props[number_a - 1], b.row_props[number_b - 1], "bang")
                self.row(ra, rb, where)

    def row(self, ra: list[CellView], rb: list[CellView], where: str) -> None:
        cells_a = {c.column: c for c in ra}
        cells_b = {c.column: c for c in rb}
        for column in sorted(set(cells_a) | set(cells_b)):
            ca, cb = cells_a.get(column), cells_b.get(column)
            if ca is None:
                self.add(f"{where}, ô {column}", f"ô mới {quote(_cell_text(cb), 60)}")
            elif cb is None:
                self.add(f"{where}, ô {column}", f"mất ô {quote(_cell_text(ca), 60)}")
            else:
                if ca.merged != cb.merged:
                    self.add(f"{where}, ô {column}", "gộp với ô bên trên" if cb.merged else "không còn gộp với ô bên trên",
                             "bang")
                for key in dict.fromkeys([*ca.props, *cb.props]):
                    if ca.props.get(key) != cb.props.get(key):
                        what = f"{key} {ca.props.get(key, 'không có')} → {cb.props.get(key, 'không có')}"
                        self.cell_changes.setdefault((what, "bang"), []).append(f"{where}, ô {column}")
                self.blocks(ca.blocks, cb.blocks)

    def footnotes(self, old: list[tuple[int, list]], new: list[tuple[int, list]], places: dict[int, str]) -> None:
        def text(note):
            return "\n".join(b.key for b in note[1])

        matcher = SequenceMatcher(None, [text(n) for n in old], [text(n) for n in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            pairs = zip(old[i1:i2], new[j1:j2]) if tag == "equal" else _pair(old[i1:i2], new[j1:j2], key=text)
            for a, b in pairs:
                if a is not None and b is not None:
                    self.blocks(a[1], b[1])
                elif a is not None:
                    self.add(f"chú thích {a[0]} (cũ)", f"mất chú thích {quote(_blocks_text(a[1]))}")
                else:
                    place = places.get(b[0])
                    at = f", ở {place}" if place else ""
                    self.add(f"chú thích {b[0]} (mới{at})", quote(_blocks_text(b[1])))

    def sections(self, old: list[SectionView], new: list[SectionView]) -> None:
        if len(old) != len(new):
            self.add("trang in", f"số phần (section) của văn bản {len(old)} → {len(new)}", "trang-in")
        for index, (a, b) in enumerate(zip(old, new), start=1):
            where = "trang in" if len(new) == 1 else f"trang in, phần {index}"
            self.props(where, a.setup, b.setup, "trang-in")
            self.area = "dau-chan-trang"
            for label in dict.fromkeys([*a.parts, *b.parts]):
                pa, pb = a.parts.get(label), b.parts.get(label)
                if pa is None:
                    self.add(label, f"thêm {label}: {quote(_blocks_text(pb), 80)}")
                elif pb is None:
                    self.add(label, f"mất {label}: {quote(_blocks_text(pa), 80)}")
                elif pa is not pb:  # (a part shared by two sections is compared once per section: still cheap)
                    self.blocks(pa, pb)
            self.area = ""


def _spans(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """Group character positions into ranges; positions separated only by spaces belong together."""
    spans = []
    for position in sorted(positions):
        if spans and not text[spans[-1][1]:position].strip():
            spans[-1][1] = position + 1
        else:
            spans.append([position, position + 1])
    return [(s, e) for s, e in spans]


def _cell_text(cell: CellView) -> str:
    return _blocks_text(cell.blocks)


def _blocks_text(blocks: list) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, ParaView):
            if block.plain():
                parts.append(block.show().strip())
        else:
            parts.append(" | ".join(_cell_text(c) for row in block.rows for c in row))
    return " / ".join(parts)


def compare_docx(old: bytes, new: bytes, ignore=frozenset()) -> list[Difference]:
    """What a reader would see change from the golden .docx `old` to the new output `new`, less the kinds of
    difference (and areas) in `ignore`."""
    if old == new:
        return []
    try:
        view_old = read_docx(old)
    except UnsafeArchive as exc:
        return [Difference("", f"tệp đối chiếu bị từ chối, không giống một tệp Word thật: {exc}")]
    except ValueError as exc:
        return [Difference("", f"không đọc được tệp đối chiếu như một tệp Word (.docx): {exc}")]
    view_new = read_docx(new)
    differ = _Differ()
    differ.props("thuộc tính văn bản", view_old.properties, view_new.properties, "thuoc-tinh")
    differ.sections(view_old.sections, view_new.sections)
    differ.blocks(view_old.body, view_new.body)
    differ.area = "chu-thich"
    differ.footnotes(view_old.notes, view_new.notes, view_new.note_places)
    return [d for d in differ.found if d.kind not in ignore and d.area not in ignore]


_MD_NOTE = re.compile(r"\[\^(\d+)\]")


def _md_key(text: str) -> str:
    """A Markdown line without its footnote numbers: one footnote more must not make every later line differ."""
    return _MD_NOTE.sub("[^]", text)


def compare_md(old: str, new: str) -> list[Difference]:
    """Line by line, each changed line as its changed words; located by line number and the heading above."""
    old_lines = old.replace("\r\n", "\n").split("\n")
    new_lines = new.replace("\r\n", "\n").split("\n")
    if old_lines == new_lines:
        return []

    def sections(lines):
        out, current = [], HEAD
        for line in lines:
            note = re.match(r"\[\^(\d+)\]:", line)
            if note:
                current = f"chú thích {note.group(1)}"
            elif line.startswith("#"):
                current = f'mục "{short(line.lstrip("#").strip())}"'
            out.append(current)
            if line.rstrip().endswith("./."):
                current = f"{TAIL}: nơi nhận, chữ ký"
        return out

    old_sections, new_sections = sections(old_lines), sections(new_lines)
    found = []
    matcher = SequenceMatcher(None, [_md_key(x) for x in old_lines], [_md_key(x) for x in new_lines], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds = [(i, old_lines[i]) for i in range(i1, i2)]
        news = [(j, new_lines[j]) for j in range(j1, j2)]
        for a, b in _pair(olds, news, key=lambda line: _md_key(line[1])):
            if a is not None and b is not None:
                (_, old_line), (j, new_line) = a, b
                where = f"dòng {j + 1} ({new_sections[j]})"
                hunks, _ = _word_hunks(old_line, new_line, lambda s, e: old_line[s:e], lambda s, e: new_line[s:e],
                                       normalize=_md_key)
                found.extend(Difference(where, f"{x} → {y}") for x, y in hunks)
            elif a is not None and a[1].strip():
                found.append(Difference(f"dòng {a[0] + 1} cũ ({old_sections[a[0]]})", f"mất dòng {quote(a[1])}"))
            elif b is not None and b[1].strip():
                found.append(Difference(f"dòng {b[0] + 1} ({new_sections[b[0]]})", f"dòng mới {quote(b[1])}"))
    return found


def summarize(differences: list[Difference], limit: int = MAX_LINES_PER_FILE) -> list[str]:
    """Report lines: the same change at many places once (with the first places), at most `limit` lines."""
    groups: dict[str, list[str]] = {}
    for difference in differences:
        groups.setdefault(difference.what, []).append(difference.where)
    lines = []
    for what, wheres in groups.items():
        if len(wheres) >= REPEAT_GROUP:
            shown = "; ".join(wheres[:5]) + (f"; và {len(wheres) - 5} chỗ khác" if len(wheres) > 5 else "")
            lines.append(f"{what} — ở {len(wheres)} chỗ: {shown}")
        else:
            lines.extend(str(Difference(where, what)) for where in wheres)
    if len(lines) > limit:
        rest = len(lines) - (limit - 1)
        lines = lines[: limit - 1] + [f"… và {rest} khác biệt nữa"]
    return lines
