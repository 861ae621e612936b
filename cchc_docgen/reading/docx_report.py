"""A Decree-30 report in .docx read back into our data format (`docgen nhap`).

The document is read with golden/docx_view.py (the reader the golden checks trust: styles, numbering, fields and
footnotes resolved, zip limits checked) and split the way the Decree lays a report out: the header table (organ
left, Quốc hiệu right, "Số: …" and "Địa danh, ngày …"), the title block (BÁO CÁO, trích yếu, the "(Số liệu tính
từ …)" line), "Kính gửi", the body, the closing sentence and the closing table (Nơi nhận left, signature right).
The body is matched against the template's outline (its `ten_muc("key", "Tiêu đề")` headings). Every paragraph is
kept: text that matches no section goes into the nearest one, and each judgement is written as a YAML comment.
After the signature, each Phụ lục table whose rows are a catalog's (templates' phu-luc/*.yaml) is read into
`phu_luc`; the figures of the template's standard sentences go into `so_lieu` only where the template then writes
the sentence back word for word (checked by rendering). A report whose header and signature are paragraphs, not
the Decree's tables (pandoc's .docx of a Markdown report, a report typed line by line), is first laid out as the
tables would have given it (_as_tables).
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from cchc_docgen.errors import DocgenError
from cchc_docgen.golden.docx_view import (
    NOTE,
    OBJECT,
    PAGE_BREAK,
    CellView,
    ParaView,
    TableView,
    UnsafeArchive,
    read_docx,
)

PERIODIC = ("quy", "6thang", "9thang", "nam")
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_HEADING_NUMBER = re.compile(r"^(?:([IVX]+)\.|([A-Z])\.|(\d+(?:\.\d+)*)\.|([a-zđ])\))\s+")
_STYLE_LEVEL = re.compile(r"(\d)\s*$")
_OUTLINE = re.compile(r'^(#+|=)\s*\{\{\s*ten_muc\("(\w+)",\s*(.*?)\)\s*\}\}', re.MULTILINE)
_LITERAL = re.compile(r'"([^"]*)"')
_NUMBER_LINE = re.compile(r"^Số:\s*(\d*)\s*/\s*(\S+)$")
_DATE_LINE = re.compile(r"^(.*?),\s*ngày\s+(\d*)\s*tháng\s+(\d*)\s*năm\s+(\d{4})$")
_PERIOD_LINE = re.compile(r"^\(Số liệu tính từ ngày (\d{2})/(\d{2})/(\d{4}) đến ngày (\d{2})/(\d{2})/(\d{4})\)$")
_QUARTER = re.compile(r"quý (I{1,3}|IV) năm (\d{4})")
_MONTHS = re.compile(r"(6|9) tháng đầu năm (\d{4})")
_YEAR = re.compile(r"năm (\d{4})")
_SIGN_PREFIX = re.compile(r"^(TM\.|KT\.|Q\.|TL\.|TUQ\.)\s*(.*)$")
ABBREVIATIONS = {"UBND", "HĐND", "UBMTTQ", "MTTQ", "TP.", "TX."}
UNIT_WORDS = ("thị trấn", "phường", "xã", "thành phố", "thị xã", "quận", "huyện", "tỉnh")
PLACE_WORDS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "phường", "xã")
TITLE_WORDS = {"chủ tịch": "Chủ tịch"}


@dataclass
class Section:
    key: str | None  # None: a heading the template prints alone (no khoi follows it)
    level: int  # 1 = I., 2 = 1., as the template writes it (# / ##; "=" is a lettered part, level 0)
    title: str  # the default title's fixed words (the parts the template computes are left out)
    fixed: bool  # the default title is all fixed words: a heading equal to it needs no tieu_de
    literal: bool = False  # the template writes the heading as text: it cannot take another title
    cap: int | None = None  # a list khoi("key", cap=N): headings the ward adds at level N go into it


@dataclass
class Outline:
    name: str
    sections: list[Section]  # headings and lists in the order they print
    leading: list[str] = field(default_factory=list)  # khoi() before the first heading ("can_cu", "mo_dau")
    kind: str = ""  # the template's loai_van_ban ("BÁO CÁO", "KẾ HOẠCH")

    def headings(self) -> list[Section]:
        return [s for s in self.sections if s.cap is None]


@dataclass
class Imported:
    template: str
    data: dict
    sections: dict = field(default_factory=dict)  # key → list of content items
    notes: dict = field(default_factory=dict)  # key → the comments above the section
    header_notes: list = field(default_factory=list)
    paragraphs: int = 0
    appendices: list = field(default_factory=list)  # phu_luc entries
    figures: dict = field(default_factory=dict)  # so_lieu groups recognised in the standard sentences
    figure_notes: dict = field(default_factory=dict)  # group → the comment above it
    appendix_notes: list = field(default_factory=list)  # per entry: the comments above it


_BLOCK_TAG = re.compile(r"\{%-?\s*(?:block\s+(\w+)|(endblock)(?:\s+\w+)?)\s*-?%\}")
_LITERAL_HEADING = re.compile(r"^(#+|=)\s+([^{}\n]+?)\s*$")
_KHOI = re.compile(r'\{\{\s*khoi\("(\w+)"(?:[^}]*?cap=(\d))?[^}]*\}\}')


def _blocks(text: str) -> dict[str, str]:
    """Each {% block name %}…{% endblock %} of a template source, name → inner text (nested ones too)."""
    found, stack = {}, []
    for match in _BLOCK_TAG.finditer(text):
        if match.group(1):
            stack.append((match.group(1), match.end()))
        elif stack:
            name, start = stack.pop()
            found[name] = text[start:match.start()]
    return found


def _expand(text: str, overrides: dict[str, str], depth: int = 0) -> str:
    """`text` with each block replaced by its nearest definition, the way Jinja's {% extends %} prints it."""
    out, at, stack = [], 0, []
    for match in _BLOCK_TAG.finditer(text):
        if match.group(1):
            if not stack:
                out.append(text[at:match.start()])
                at = match.end()
            stack.append(match.group(1))
        elif stack:
            name = stack.pop()
            if not stack:
                inner = overrides.get(name, text[at:match.start()])
                out.append(_expand(inner, overrides, depth + 1) if depth < 10 else inner)
                at = match.end()
    out.append(text[at:])
    return "".join(out)


def outline_of(library, name: str) -> Outline:
    """The sections of a template in the order they print, read from its source with the blocks of the files it
    extends replaced by the nearest file's own (as Jinja prints them)."""
    sources = library.sources(name)  # nearest first
    overrides: dict[str, str] = {}
    for source in sources:
        for block, inner in _blocks(source).items():
            overrides.setdefault(block, inner)
    text = _expand(sources[-1], overrides)
    kind = overrides.get("loai_van_ban", "")
    sections: list[Section] = []
    leading: list[str] = []
    seen: set = set()
    literal: Section | None = None  # a text heading waiting for the khoi that fills it
    for line in text.splitlines():
        stripped = line.strip()
        titled = _OUTLINE.match(stripped)
        plain = _LITERAL_HEADING.match(stripped)
        if titled or plain:
            literal = None
            mark = (titled or plain).group(1)
            level = 0 if mark == "=" else len(mark)
            if titled:
                key, default = titled.group(2), titled.group(3)
                if key in seen:
                    continue
                seen.add(key)
                literals = _LITERAL.findall(default)
                sections.append(Section(key, level, " ".join("".join(literals).split()),
                                        default.strip().startswith('"') and default.strip().endswith('"')
                                        and len(literals) == 1))
            else:
                literal = Section(None, level, " ".join(plain.group(2).split()), True, literal=True)
                sections.append(literal)
            continue
        for key, cap in _KHOI.findall(stripped):
            if cap:
                sections.append(Section(key, int(cap), "", False, cap=int(cap)))
            elif literal is not None and literal.key is None:
                literal.key = key
            elif not sections:
                leading.append(key)
        if stripped and not _KHOI.search(stripped):
            literal = None
    return Outline(name, sections, leading, " ".join(kind.split()))


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split()).rstrip(" .:")


# --- paragraphs into our inline markup ---------------------------------------------------------------------


_MARKUP_CHAR = re.compile(r"[\\*_^{\[\]]")


def escape(text: str) -> str:
    """Text that prints as written: only the characters that could start our inline markup are escaped."""
    return _MARKUP_CHAR.sub(r"\\\g<0>", text)


def markup(para: ParaView, notes: dict[int, str]) -> str:
    """The paragraph's text in our inline markup: bold/italic runs, superscript, footnotes at their reference."""
    out, index, run, state = [], 0, [], (False, False, False)

    def flush():
        if not run:
            return
        text = escape("".join(run))
        bold, italic, sup = state
        if sup:
            text = f"^{text}^"
        stars = ("**" if bold else "") + ("*" if italic else "")
        if stars and text.strip():
            lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", text, re.DOTALL).groups()
            text = f"{lead}{stars}{core}{stars[::-1]}{trail}"
        out.append(text)
        run.clear()

    for char, fmt in zip(para.text, para.fmts):
        if char == NOTE:
            flush()
            number = para.notes[index] if index < len(para.notes) else None
            index += 1
            out.append(f"^[{notes.get(number, '')}]")
            continue
        if char in (OBJECT, PAGE_BREAK):
            continue
        now = (bool(fmt and fmt[0]), bool(fmt and fmt[1]), bool(fmt and fmt[7] == "superscript"))
        if now != state:
            flush()
            state = now
        run.append(" " if char == "\n" else char)
    flush()
    return "".join(out).strip()


def _note_texts(view) -> dict[int, str]:
    texts = {}
    for number, blocks in view.notes:
        parts = [markup(b, {}) for b in blocks if isinstance(b, ParaView)]
        texts[number] = " ".join(p for p in parts if p)
    return texts


# --- the header and the closing table ----------------------------------------------------------------------


def _cell_lines(cell) -> list[str]:
    return [b.plain() for b in cell.blocks if isinstance(b, ParaView)]


def _sentence(text: str) -> str:
    """A line printed in capitals, written back the way our data files write it ("Ủy ban nhân dân")."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        if word in ABBREVIATIONS:
            out.append(word)
        else:
            out.append(word.capitalize() if i == 0 else word.lower())
    line = " ".join(out)
    for word, written in TITLE_WORDS.items():
        line = line.replace(word, written)
    for place in PLACE_WORDS:  # a place's proper name after its kind: "thành phố Hà Tĩnh"
        line = re.sub(rf"(\b{place} )(.+)$", lambda m: m.group(1) + " ".join(w.capitalize() for w in m.group(2).split()),
                      line, count=1)
    return line


def _unit_line(text: str) -> tuple[str, str | None]:
    """"PHƯỜNG THẠCH QUÝ" → ("phường Thạch Quý", "phường")."""
    lower = text.lower()
    for unit in UNIT_WORDS:
        if lower.startswith(unit + " "):
            rest = text[len(unit) + 1:]
            return f"{unit} {' '.join(w.capitalize() for w in rest.split())}", unit
    return _sentence(text), None


def _header(table: TableView, imported: Imported) -> None:
    rows = table.rows
    left = [line for line in _cell_lines(rows[0][0]) if line]
    data = imported.data
    organ: dict = {}
    if len(left) >= 3:
        organ["chu_quan"] = _sentence(left[0])
        left = left[1:]
    names = [_sentence(left[0])] + [_unit_line(line)[0] for line in left[1:]]
    organ["ten"] = names if len(names) > 1 else names[0]
    unit = _unit_line(left[-1])[1] if len(left) > 1 else None
    if unit:
        short = "UBND" if _norm(left[0]) == "ủy ban nhân dân" else names[0]
        organ["ten_goi"] = f"{short} {names[-1]}"
        organ["don_vi"] = unit
    data["co_quan"] = organ
    letter: dict = {}
    for row in rows[1:]:
        for cell in row:
            for line in _cell_lines(cell):
                number = _NUMBER_LINE.match(line)
                date = _DATE_LINE.match(line)
                if number:
                    if number.group(1):
                        letter["so"] = int(number.group(1))
                    else:
                        imported.header_notes.append("số văn bản để trống (bản dự thảo): giữ trống")
                    letter["ky_hieu"] = number.group(2)
                elif date:
                    place, day, month, year = date.groups()
                    letter["dia_danh"] = place.strip()
                    if day and month:
                        letter["ngay"] = datetime.date(int(year), int(month), int(day))
                    else:
                        imported.header_notes.append("ngày văn bản để trống (bản dự thảo): giữ trống")
    data["van_ban"] = letter


def _closing(table: TableView, data: dict) -> list[str]:
    """Nơi nhận and the signer from the closing table; returns the signature cell's lines in brackets ("(Đã
    ký)", "(Ký, ghi rõ họ tên)"), which are no part of the data (docgen prints none) and are left out, said."""
    cells = table.rows[0]
    lines = [line for line in _cell_lines(cells[0]) if line]
    recipients, keep = [], None
    for line in lines[1:] if lines and lines[0].startswith("Nơi nhận") else lines:
        item = line.lstrip("-–• ").rstrip(";.")
        if item.startswith("Lưu:"):
            keep = item[len("Lưu:"):].strip()
        else:
            recipients.append(item)
    to = {"danh_sach": recipients}
    if keep is not None:
        to["luu"] = keep
    data["noi_nhan"] = to
    skipped: list[str] = []
    if len(cells) > 1:
        sign = _cell_lines(cells[1])
        skipped = [line for line in sign if line.startswith("(") and line.endswith(")")]
        filled = [line for line in sign if line and line not in skipped]
        if filled:
            authority = [line for line in filled[:-1] if _SIGN_PREFIX.match(line)]
            rest = [line for line in filled[:-1] if not _SIGN_PREFIX.match(line)]
            signer = {}
            if authority:
                signer["tham_quyen"] = [f"{m.group(1)} {_sentence(m.group(2))}"
                                        for m in map(_SIGN_PREFIX.match, authority)]
            if rest:
                signer["chuc_vu"] = _sentence(rest[-1])
            signer["ho_ten"] = filled[-1]
            data["nguoi_ky"] = signer
    return skipped


def _period(title: str) -> dict | None:
    quarter, months = _QUARTER.search(title), _MONTHS.search(title)
    if quarter:
        return {"loai": "quy", "so": ROMAN[quarter.group(1)], "nam": int(quarter.group(2))}
    if months:
        return {"loai": f"{months.group(1)}thang", "nam": int(months.group(2))}
    year = _YEAR.search(title)
    return {"loai": "nam", "nam": int(year.group(1))} if year else None


# --- the body ----------------------------------------------------------------------------------------------


def _heading_level(para: ParaView) -> int | None:
    """1 for "I.", 2 for "1.", 3 for "1.1." …, from the style (Muc 1…) or the typed number of a bold line."""
    text = para.plain()
    style = para.props.get("style") or ""
    number = _HEADING_NUMBER.match(text)
    # Our layouts' "Muc N" styles are the outline's levels; another tool's "Heading N" counts its own way (pandoc
    # makes "A." parts Heading 1, so "1." is Heading 3): there the typed number tells the level.
    if para.heading and (number is None or style.lower().startswith("muc")):
        level = _STYLE_LEVEL.search(style)
        if level:
            return int(level.group(1))
    bold = bool(para.fmts) and all(f is None or f[0] for f, c in zip(para.fmts, para.text) if not c.isspace())
    if number is None or not (para.heading or bold):
        return None
    roman, letter, digits, small = number.groups()
    if roman:
        return 1
    if letter:
        return 0
    if digits:
        return 1 + digits.count(".") + 1
    return 4


def _strip_number(text: str) -> str:
    return _HEADING_NUMBER.sub("", text, count=1).strip()


def _table(table: TableView, notes) -> dict:
    """A body table as `bang`: header rows (those repeated on every page) into `dau`, merges as gop_cot/gop_dong."""
    rows = table.rows
    spans: dict[tuple[int, int], int] = {}
    for r, row in enumerate(rows):
        for cell in row:
            if cell.merged:
                top = r - 1
                while top >= 0 and (top, cell.column) in spans and spans[(top, cell.column)] == 0:
                    top -= 1
                spans[(r, cell.column)] = 0
                if top >= 0:
                    spans[(top, cell.column)] = spans.get((top, cell.column), 1) + 1
            else:
                spans.setdefault((r, cell.column), 1)
    out_rows = []
    for r, row in enumerate(rows):
        cells = []
        for cell in row:
            if cell.merged:
                continue
            text = " ".join(markup(b, notes) for b in cell.blocks if isinstance(b, ParaView)).strip()
            across = cell.props.get("gộp ngang", "không")
            extra = {}
            if across != "không":
                extra["gop_cot"] = int(across.split()[0])
            if spans.get((r, cell.column), 1) > 1:
                extra["gop_dong"] = spans[(r, cell.column)]
            cells.append({"nd": text, **extra} if extra else text)
        out_rows.append(cells)
    header = sum(1 for props in table.row_props if props.get("lặp lại ở đầu mỗi trang") == "có")
    bang = {}
    if header:
        bang["dau"] = out_rows[:header]
    bang["dong"] = out_rows[header:]
    return {"bang": bang}


def _match(outline: Outline, level: int, text: str) -> tuple[Section | None, float]:
    """The template heading at `level` whose words are nearest to `text`; a heading the template writes as text
    matches only when equal (it cannot take another title)."""
    best, score = None, 0.0
    wanted = _norm(text)
    for section in outline.headings():
        if section.level != level:
            continue
        title = _norm(section.title)
        if section.literal:
            ratio = 1.0 if title == wanted else 0.0
        else:
            ratio = difflib.SequenceMatcher(None, wanted, title).ratio()
            if title and wanted.startswith(title):
                ratio = max(ratio, 0.9)
        if ratio > score:
            best, score = section, ratio
    return (best, score) if score >= 0.6 else (None, score)


def _has_children(outline: Outline, position: int, level: int) -> bool:
    """Whether the template heading at `position` has headings of its own at `level` (before the next heading
    of its rank or above)."""
    if position < 0:
        return True
    own = outline.sections[position].level
    for section in outline.sections[position + 1:]:
        if section.cap is not None:
            continue
        if section.level <= own:
            return False
        if section.level == level:
            return True
    return False


def _list_after(outline: Outline, position: int, level: int) -> int | None:
    """The position of the template's next list (khoi with cap=level) from `position` on, within the part."""
    for index in range(max(position, 0), len(outline.sections)):
        section = outline.sections[index]
        if section.cap == level:
            return index
        if index > position and section.cap is None and section.level <= level:
            return None
    return None


def _body(blocks: list, outline: Outline, imported: Imported, notes: dict) -> None:
    sections, comments = imported.sections, imported.notes
    current: str | None = None
    current_level = 0
    position = -1  # where in the template's outline the text has reached
    sub: list | None = None  # the noi_dung of the subsection (muc) being filled
    pending: list = []  # text before the first heading
    stack: list = []  # (level, noi_dung) of the open subsections, outermost first

    def add(item, comment: str | None = None):
        if current is None:
            pending.append((item, comment))
            return
        target = sub if sub is not None else sections.setdefault(current, [])
        if comment:
            comments.setdefault(current, []).append(comment)
        target.append(item)

    def nest(level: int, title_text: str, plain: str) -> None:
        nonlocal sub
        while stack and stack[-1][0] >= level:
            stack.pop()
        entry = {"muc": title_text, "noi_dung": []}
        if not _HEADING_NUMBER.match(plain):
            entry = {"muc": title_text, "danh_so": False, "noi_dung": []}
        (stack[-1][1] if stack else sections.setdefault(current, [])).append(entry)
        stack.append((level, entry["noi_dung"]))
        sub = entry["noi_dung"]

    for block in blocks:
        if isinstance(block, TableView):
            add(_table(block, notes))
            continue
        text = markup(block, notes)
        if not text:
            continue
        imported.paragraphs += 1
        level = _heading_level(block)
        if level is None:
            add(text)
            continue
        title_text = escape(_strip_number(block.plain()))
        title_plain = _strip_number(block.plain())
        if current is not None and level > current_level and not _has_children(outline, position, level):
            nest(level, title_text, block.plain())
            continue
        if level in (0, 1, 2):
            section, _ = _match(outline, level, title_plain)
            if section is not None:
                position = outline.sections.index(section)
                current, current_level, sub = section.key, level, None
                stack.clear()
                if section.key is None:
                    continue  # a heading the template prints alone: nothing to keep but its place
                sections.setdefault(current, [])
                if section.literal:
                    why = f'đề mục "{block.plain()}" là đề mục cố định của mẫu, nội dung vào mục {section.key}'
                else:
                    why = f'đề mục "{block.plain()}" khớp mục {section.key} của mẫu'
                    if not (section.fixed and _norm(section.title) == _norm(title_plain)):
                        imported.data.setdefault("_titles", {})[current] = title_text
                        why += " (giữ nguyên tiêu đề của văn bản)"
                comments.setdefault(current, []).insert(0, why)
                continue
            following = _next_unused(outline, current, level, sections)
            if following is not None:
                position = outline.sections.index(following)
                current, current_level, sub = following.key, level, None
                stack.clear()
                sections.setdefault(current, [])
                imported.data.setdefault("_titles", {})[current] = title_text
                comments.setdefault(current, []).insert(0, (
                    f'đề mục "{block.plain()}" không khớp tiêu đề mục nào của mẫu: xếp theo thứ tự vào mục '
                    f'{following.key}, giữ nguyên tiêu đề của văn bản'))
                continue
            listed = _list_after(outline, position, level)
            if listed is not None:
                key = outline.sections[listed].key
                position = listed
                entry = {"muc": title_text, "noi_dung": []}
                sections.setdefault(key, []).append(entry)
                comments.setdefault(key, []).append(
                    f'đề mục "{block.plain()}" không có trong mẫu: thành mục con thêm sau các mục của mẫu')
                current, current_level, sub = key, level, entry["noi_dung"]
                stack[:] = [(level, sub)]
                continue
        if level > current_level and current is not None:
            nest(level, title_text, block.plain())
            continue
        add(text, f'đề mục "{block.plain()}" (cấp {level}) không khớp mục nào của mẫu: giữ thành đoạn văn')
    if pending:
        _place_leading(pending, outline, sections, comments)


def _place_leading(pending: list, outline: Outline, sections: dict, comments: dict) -> None:
    """Text before the first heading: "Căn cứ …" paragraphs into can_cu and the rest into the template's opening
    khoi when it has them; otherwise into the first section."""
    items = [item for item, _ in pending]
    if outline.leading:
        grounds = "can_cu" if "can_cu" in outline.leading else None
        count = 0
        while grounds and count < len(items) and isinstance(items[count], str) and items[count].startswith("Căn cứ"):
            count += 1
        rest_key = next((key for key in reversed(outline.leading) if key != grounds), None)
        if count:
            sections["can_cu"] = items[:count] + sections.get("can_cu", [])
        if items[count:]:
            target = rest_key or grounds
            sections[target] = items[count:] + sections.get(target, [])
        for key in ("can_cu", rest_key):
            if key in sections:
                comments.setdefault(key, []).append("các đoạn trước đề mục đầu tiên của văn bản")
        ordered = {key: sections.pop(key) for key in outline.leading if key in sections}
        ordered.update(sections)
        sections.clear()
        sections.update(ordered)  # written first in the data file, as they print
        return
    first = next(iter(sections), None) or (outline.sections[0].key if outline.sections else "mo_dau")
    sections.setdefault(first, [])[0:0] = items
    comments.setdefault(first, []).append("các đoạn trước đề mục đầu tiên được đặt vào đầu mục này")


def _next_unused(outline: Outline, current: str | None, level: int, used: dict) -> Section | None:
    """The template's next section at `level` after `current`, in the same part and not yet filled: a heading
    whose words differ from the template's takes the place its number gives it."""
    if current is None or level != 2:
        return None
    keys = [s.key for s in outline.headings()]
    if current not in keys:
        return None
    for section in outline.headings()[keys.index(current) + 1:]:
        if section.level < level:
            return None
        if section.level == level and section.key not in used and not section.literal:
            return section
    return None


# --- the appendices (Phụ lục after the signature) --------------------------------------------------------


_FIGURE = re.compile(r"^-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$")


def _catalogs(library) -> list:
    """The indicator catalogs the template folders offer, each by the name a phu_luc entry gives (nearest
    folder first, as render finds them)."""
    from cchc_docgen.domain.appendix import CATALOG_FOLDER

    names = sorted({path.stem for root in library.search_path if (root / CATALOG_FOLDER).is_dir()
                    for path in (root / CATALOG_FOLDER).glob("*.yaml")})
    found = []
    for name in names:
        path = library.find_file(f"{CATALOG_FOLDER}/{name}.yaml")
        if path is not None:
            found.append(library.catalog(name, path))
    return found


def _cell_text(cell) -> str:
    return " ".join(b.plain() for b in cell.blocks if isinstance(b, ParaView)).strip()


# What Word's AutoCorrect and pandoc's "smart" typography make of what a catalog writes plainly.
_TYPOGRAPHY = str.maketrans({"…": "...", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-"})


def _plainly(text: str) -> str:
    return text.replace("…", "...").translate(_TYPOGRAPHY)


def _rows_match(table: TableView, rows: list) -> bool:
    """The table's rows are the catalog's, in order: the same STT and the name the catalog gives (typographic
    quotes, dashes and ellipses read as the plain ones)."""
    body = table.rows[1:]
    if len(body) != len(rows) or any(len(row) < 5 for row in body):
        return False
    for row, (indicator, stt) in zip(body, rows):
        name = indicator.name.upper() if indicator.depth == 0 else indicator.name
        if _cell_text(row[0]) != stt or not _plainly(_cell_text(row[1])).startswith(_plainly(name)):
            return False
    return True


def _figure(text: str, indicator):
    """A printed figure back into a number when it prints the same again ("1.234" → 1234, "42,86" → 42.86)."""
    from cchc_docgen.domain.appendix import display_value

    if _FIGURE.match(text):
        digits = text.replace(".", "")
        value = float(digits.replace(",", ".")) if "," in digits else int(digits)
        if display_value(value, indicator) == text:
            return value
    return None


def _province_catalog(table: TableView, library, imported: Imported):
    """A table no national catalog matches, looked for in each province's own catalogs: the province found is
    written as `tinh` (render then finds the same catalog)."""
    from cchc_docgen.domain.appendix import numbered_rows
    from cchc_docgen.templating.library import (
        NATIONAL,
        builtin_templates_dir,
        library_for,
    )

    for folder in sorted(d.name for d in builtin_templates_dir().iterdir() if d.is_dir() and d.name != NATIONAL):
        province = library_for(library.extra_dirs, folder)
        catalog = next((c for c in _catalogs(province) if _rows_match(table, numbered_rows(c))), None)
        if catalog is not None:
            name = province.settings.get("ten") or folder
            imported.data["tinh"] = name
            imported.header_notes.append(f"bảng phụ lục theo biểu {catalog.name} của tỉnh {name}: tinh ghi {name}")
            return catalog, province
    return None, library


def _appendices(blocks: list, library, imported: Imported, notes: dict) -> None:
    """Each Phụ lục table whose rows are a catalog's: the figures typed into so_lieu, notes into ghi_chu; the
    rows the catalog computes are checked against what the document prints."""
    from cchc_docgen.domain.appendix import (
        HEADER,
        FigureValues,
        display_value,
        numbered_rows,
    )
    from cchc_docgen.errors import DataError

    catalogs = None
    title = ""
    for block in blocks:
        if isinstance(block, ParaView):
            line = block.plain().strip()
            if line and not line.startswith("Phụ lục") and not line.startswith("(Kèm theo"):
                title = line
            continue
        if not block.rows or [_cell_text(c) for c in block.rows[0]] != HEADER:
            continue
        catalogs = _catalogs(library) if catalogs is None else catalogs
        catalog = next((c for c in catalogs if _rows_match(block, numbered_rows(c))), None)
        if catalog is None and not library.province:
            catalog, library = _province_catalog(block, library, imported)
            catalogs = None
        if catalog is None:
            imported.header_notes.append(
                f'bảng phụ lục "{title}" không khớp biểu nào trong thư mục mẫu (phu-luc/*.yaml): không đọc được, '
                "hãy nhập số liệu bằng tay")
            continue
        rows = numbered_rows(catalog)
        entry: dict = {"bieu": catalog.name}
        comments = [f'bảng phụ lục "{title}" khớp biểu {catalog.name}: số liệu vào so_lieu, ghi chú vào ghi_chu']
        if title and title != catalog.title.upper():
            entry["tieu_de"] = title
        given, remarks = {}, {}
        for row, (indicator, _) in zip(block.rows[1:], rows):
            value_text = _cell_text(row[3])
            note = " ".join(markup(b, notes) for b in row[4].blocks if isinstance(b, ParaView)).strip()
            if note:
                remarks[indicator.id] = note
            if indicator.derived or not value_text:
                continue
            number = _figure(value_text, indicator)
            given[indicator.id] = number if number is not None else escape(value_text)
        values = FigureValues(catalog, given, ("phu_luc", len(imported.appendices)))
        for row, (indicator, stt) in zip(block.rows[1:], rows):
            if not indicator.derived:
                continue
            try:
                computed = display_value(values.value(indicator), indicator)
            except DataError:
                computed = None
            if computed != _cell_text(row[3]):
                comments.append(f'dòng {stt or indicator.name} ({indicator.id}) được tính tự động: văn bản ghi '
                                f'"{_cell_text(row[3])}", chương trình tính "{computed or ""}"')
        if given:
            entry["so_lieu"] = given
        if remarks:
            entry["ghi_chu"] = remarks
        imported.appendices.append(entry)
        imported.appendix_notes.append(comments)
        title = ""


# --- figures in the standard sentences ---------------------------------------------------------------------


_N = r"(\d{1,3}(?:\.\d{3})*|\d+)"
_RATE = _N + r"/" + _N + r" hồ sơ(?:, đạt tỷ lệ [\d.,]+%)?"
_HO_SO = re.compile(
    r"^Kết quả giải quyết thủ tục hành chính: từ ngày \S+ đến ngày \S+, tổng số hồ sơ thủ tục hành chính tiếp "
    rf"nhận là {_N} hồ sơ(?: \(kỳ trước chuyển sang {_N} hồ sơ, tiếp nhận mới trong kỳ {_N} hồ sơ\))?"
    rf"(?:, trong đó tiếp nhận trực tuyến {_RATE})?; đã giải quyết {_N} hồ sơ(\^\[[^\]]*\])?"
    rf"(?:, trong đó giải quyết trước và đúng hạn {_RATE})?(?:, quá hạn {_N} hồ sơ)?"
    rf"(?:; còn {_N} hồ sơ đang giải quyết)?\.$")
_CAN_BO = re.compile(
    rf"^Hiện nay, [^,]+ có {_N} cán bộ, công chức(\^\[[^\]]*\])?(?:, trong đó {_N} người đạt chuẩn theo quy "
    rf"định, chiếm tỷ lệ [\d.,]+%)?(?:; số người hoạt động không chuyên trách: {_N} người)?\.$")
_KE_HOACH = re.compile(
    rf"^Kế hoạch cải cách hành chính năm \d{{4}} của .+? (?:\(ban hành kèm theo (.+)\) )?xác định {_N} nhiệm vụ\. "
    rf"Đến nay đã hoàn thành {_N}/{_N} nhiệm vụ(?:, đạt tỷ lệ [\d.,]+%)?"
    rf"(?:; còn {_N} nhiệm vụ đang tiếp tục triển khai thực hiện theo kế hoạch)?(\^\[[^\]]*\])?\.$")
_DICH_VU_CONG = re.compile(
    rf"^Về dịch vụ công trực tuyến: trong [^,:]+(?:, trên Cổng dịch vụ công phát sinh {_N} hồ sơ, trong đó)?: "
    r"(.+?)(\^\[[^\]]*\])?\.$")
# the parts of the online-services sentence: its words → (the figure group's field, the unit it counts)
_DICH_VU_CONG_PARTS = {"dịch vụ công trực tuyến toàn trình ": ("toan_trinh", "hồ sơ"),
                       "dịch vụ công trực tuyến một phần ": ("mot_phan", "hồ sơ"),
                       "số thủ tục hành chính cung cấp trực tuyến có phát sinh hồ sơ ": ("tthc_phat_sinh", "thủ tục"),
                       "hồ sơ có nghĩa vụ tài chính được thanh toán trực tuyến ": ("thanh_toan", "hồ sơ")}
# The tasks assigned: a sentence and four list items, read as one text (their paragraphs joined by line breaks).
_NHIEM_VU_DUOC_GIAO = re.compile(
    rf"^Tổng số nhiệm vụ được giao trong [^:\n]+: {_N} nhiệm vụ(\^\[[^\]]*\])?, trong đó:\n"
    rf"- Số nhiệm vụ hoàn thành trước hạn: {_N} nhiệm vụ;\n- Số nhiệm vụ hoàn thành đúng hạn: {_N} nhiệm vụ;\n"
    rf"- Số nhiệm vụ đang thực hiện trong hạn: {_N} nhiệm vụ;\n- Số nhiệm vụ quá hạn: {_N} nhiệm vụ\.$")
_BY_FIELD = re.compile(r"^(?:(.*) )?Số hồ sơ đã giải quyết theo lĩnh vực: (.*)\.$")


def _count(text: str | None) -> int | None:
    return int(text.replace(".", "")) if text else None


def _ho_so(text: str) -> dict | None:
    found = _HO_SO.match(text)
    if not found:
        return None
    (total, carried, new, online, _, settled, note, on_time, _, late, _) = found.groups()
    group: dict = {}
    if carried:
        group["ky_truoc_chuyen_sang"], group["tiep_nhan"] = _count(carried), _count(new)
    else:
        group["tiep_nhan"] = _count(total)
    if online:
        group["truc_tuyen"] = _count(online)
    group["da_giai_quyet"] = _count(settled)
    if on_time:
        group["dung_han"] = _count(on_time)
    if late:
        group["qua_han"] = _count(late)
    if note:
        inner = note[2:-1]
        by_field = _BY_FIELD.match(inner)
        if by_field:
            if by_field.group(1):
                group["chu_thich"] = by_field.group(1)
            fields = {}
            for part in by_field.group(2).split("; "):
                name, _, figure = part.rpartition(": ")
                if not figure.endswith(" hồ sơ") or not name:
                    return None
                fields[name] = _count(figure[:-len(" hồ sơ")])
            group["theo_linh_vuc"] = fields
        else:
            group["chu_thich"] = inner
    return group


def _can_bo(text: str) -> dict | None:
    found = _CAN_BO.match(text)
    if not found:
        return None
    total, note, qualified, part_time = found.groups()
    group: dict = {"tong": _count(total)}
    if qualified:
        group["dat_chuan"] = _count(qualified)
    if part_time:
        group["khong_chuyen_trach"] = _count(part_time)
    if note:
        group["chu_thich"] = note[2:-1]
    return group


def _ke_hoach(text: str) -> dict | None:
    found = _KE_HOACH.match(text)
    if not found:
        return None
    document, planned, done, _, _, note = found.groups()
    group: dict = {"van_ban": document} if document else {}
    group.update(de_ra=_count(planned), hoan_thanh=_count(done))
    if note:
        group["chu_thich"] = note[2:-1]
    return group


def _dich_vu_cong(text: str) -> dict | None:
    found = _DICH_VU_CONG.match(text)
    if not found:
        return None
    _, parts, note = found.groups()  # the total is the template's sum of the parts
    group: dict = {}
    for part in parts.split("; "):
        prefix = next((p for p in _DICH_VU_CONG_PARTS if part.startswith(p)), None)
        if prefix is None:
            return None
        field, unit = _DICH_VU_CONG_PARTS[prefix]
        rate = re.match(rf"^{_N}/{_N} {unit}(?:, đạt tỷ lệ [\d.,]+%)?$", part[len(prefix):])
        if rate is None:
            return None
        group[field] = {"dat": _count(rate.group(1)), "tong": _count(rate.group(2))}
    if note:
        group["chu_thich"] = note[2:-1]
    return group


def _nhiem_vu_duoc_giao(text: str) -> dict | None:
    found = _NHIEM_VU_DUOC_GIAO.match(text)
    if not found:
        return None
    total, note, early, on_time, ongoing, late = found.groups()
    group: dict = {"tong": _count(total), "truoc_han": _count(early), "dung_han": _count(on_time),
                   "trong_han": _count(ongoing), "qua_han": _count(late)}
    if group["tong"] == sum(v for k, v in group.items() if k != "tong"):
        del group["tong"]  # the sum of the kinds, which the data leaves out: a later change of a kind keeps it true
    if note:
        group["chu_thich"] = note[2:-1]
    return group


# sentence name (cau_mau, the so_lieu group) → the section the template prints it in, its reader, and how many
# paragraphs it takes (the tasks assigned are a sentence and four list items, read together).
SENTENCES = {"nhiem_vu_ke_hoach": ("ke_hoach", _ke_hoach, 1), "ho_so": ("tthc", _ho_so, 1),
             "can_bo": ("bo_may", _can_bo, 1), "dich_vu_cong": ("chinh_quyen_so", _dich_vu_cong, 1),
             "nhiem_vu_duoc_giao": ("nhiem_vu_duoc_giao", _nhiem_vu_duoc_giao, 5)}


def _find_sentence(items: list, read, paragraphs: int = 1) -> tuple[list, int] | None:
    """The list and index of the first run of `paragraphs` paragraphs that `read` understands (joined by line
    breaks), in the section or its subsections."""
    pending = [items]
    while pending:
        current = pending.pop(0)
        for index, item in enumerate(current):
            run = current[index:index + paragraphs]
            if (len(run) == paragraphs and all(isinstance(line, str) for line in run)
                    and read("\n".join(run))):
                return current, index
            if isinstance(item, dict) and isinstance(item.get("noi_dung"), list):
                pending.append(item["noi_dung"])
    return None


# The tasks' heading names who assigned them, from so_lieu.nhiem_vu_duoc_giao.giao_boi ("cấp trên" when unset).
_ASSIGNED_BY = re.compile(r"^Tiến độ, kết quả thực hiện các nhiệm vụ được (.+) giao$")


def _assigned_by_from_heading(imported: Imported, section: str, renders_the_same) -> None:
    """The tasks' figures read, the report's heading of their section gives giao_boi, and the template writes the
    heading: kept only when the document then renders the same (`renders_the_same`); otherwise the heading stays
    as written (tieu_de)."""
    titles = imported.data.get("_titles", {})
    found = _ASSIGNED_BY.match(titles.get(section, ""))
    if found is None:
        return
    group, title = imported.figures["nhiem_vu_duoc_giao"], titles.pop(section)
    by = found.group(1)
    if by != "cấp trên":
        imported.figures["nhiem_vu_duoc_giao"] = {"giao_boi": by, **group}
    if renders_the_same():
        imported.notes[section] = [note.replace(" (giữ nguyên tiêu đề của văn bản)", "")
                                   for note in imported.notes.get(section, [])]
        if by != "cấp trên":
            imported.figure_notes["nhiem_vu_duoc_giao"] += f"; giao_boi đọc từ đề mục của mục {section}"
    else:
        titles[section] = title
        imported.figures["nhiem_vu_duoc_giao"] = group


def recognise_figures(imported: Imported, library) -> None:
    """The figures of the template's standard sentences into so_lieu, the sentence left to the template: kept
    only when the data then renders to the very same text (checked by rendering both); otherwise the sentence
    stays as written."""
    from cchc_docgen import api

    def rendered(yaml_text: str) -> str | None:
        try:
            return api.render(yaml.safe_load(yaml_text), format="md", templates=library.extra_dirs,
                              province=imported.data.get("tinh") or library.settings.get("ten")).content.decode()
        except DocgenError:
            return None

    baseline = None
    for name, (section, read, paragraphs) in SENTENCES.items():
        items = imported.sections.get(section)
        if not isinstance(items, list):
            continue
        found = _find_sentence(items, read, paragraphs)
        if found is None:
            continue
        items, place = found
        if baseline is None:
            baseline = rendered(to_yaml(imported, ""))
            if baseline is None:
                return
        written = items[place:place + paragraphs]
        sentence = "\n".join(written)
        group = read(sentence)
        items[place:place + paragraphs] = [{"cau_mau": name}]
        imported.figures[name] = group
        opening = written[0][:60]
        if rendered(to_yaml(imported, "")) == baseline:
            figures = ", ".join(f"{k} {v}" if isinstance(v, int) else f"{k} {v['dat']}/{v['tong']}"
                                for k, v in group.items() if isinstance(v, int) or (isinstance(v, dict) and "dat" in v))
            imported.figure_notes[name] = (f'số liệu đọc từ câu chuẩn "{opening}…" ({figures}); câu để mẫu viết '
                                           f'lại tại chỗ {{cau_mau: {name}}} trong mục {section}')
            if name == "nhiem_vu_duoc_giao":
                _assigned_by_from_heading(imported, section, lambda: rendered(to_yaml(imported, "")) == baseline)
        else:
            items[place:place + 1] = written
            del imported.figures[name]
            imported.notes.setdefault(section, []).append(
                f'câu "{opening}…" giống câu chuẩn {name} nhưng mẫu viết lại không khớp từng chữ: giữ nguyên '
                "như văn bản, số liệu không đưa vào so_lieu")


# --- the whole document ------------------------------------------------------------------------------------


def _lines(para: ParaView, lines: list[str]) -> list[ParaView]:
    """A paragraph's lines (split at its line breaks) as paragraphs of their own, with their formatting; a line
    that holds a footnote mark keeps it."""
    out, start = [], 0
    for line in lines:
        end = start + len(line)
        marks = para.text.count(NOTE, 0, start)
        notes = para.notes[marks:marks + line.count(NOTE)]
        out.append(ParaView(line, para.fmts[start:end], dict(para.props), notes, heading=para.heading))
        start = end + 1
    return out


def _cell(paras: list[ParaView]) -> CellView:
    return CellView(1, paras)


def _as_tables(body: list) -> list:
    """A report whose header block and signature are paragraphs, not the Decree-30 tables (pandoc's .docx of a
    Markdown report; a report typed line by line): the blocks as the tables would have given them. The header:
    the organ's lines and "Số: …" in the paragraph(s) before the national motto, the motto's paragraph with the
    date line; the title block's lines as paragraphs of their own; the closing: the "Nơi nhận:" paragraph beside
    the signer's lines that follow it. A report laid out in tables is returned as it is."""
    if any(isinstance(b, TableView) for b in body[:3]):
        return body
    motto = next((i for i, b in enumerate(body[:4]) if isinstance(b, ParaView) and "CỘNG HÒA XÃ HỘI" in b.text.upper()),
                 None)
    if motto is None or motto == 0:
        return body
    left = [line for b in body[:motto] if isinstance(b, ParaView) for line in _lines(b, b.text.split("\n"))]
    right = _lines(body[motto], body[motto].text.split("\n"))
    number = [p for p in left if _NUMBER_LINE.match(p.plain())]
    date = [p for p in right if _DATE_LINE.match(p.plain())]
    organ = [p for p in left if p not in number]
    motto_lines = [p for p in right if p not in date]
    header = TableView([[_cell(organ), _cell(motto_lines)], [_cell(number), _cell(date)]])
    out = [header]
    rest = body[motto + 1:]
    if rest and isinstance(rest[0], ParaView) and "\n" in rest[0].text:
        # the title paragraph: the kind ("BÁO CÁO"), the trích yếu (its own line breaks kept), the period line
        kind, *others = rest[0].text.split("\n")
        period = [line for line in others if line.strip().startswith("(")]
        summary = "\n".join(line for line in others if line not in period)
        parts = [kind, summary, *period]
        if "\n".join(parts) != rest[0].text:  # a period line amid the trích yếu: each line on its own
            parts = rest[0].text.split("\n")
        title = _lines(rest[0], parts)
        out.extend(title + [ParaView("", [], {}, [])])  # the empty line that ends a title block in Word
        rest = rest[1:]
    to = next((i for i, b in enumerate(rest) if isinstance(b, ParaView) and b.plain().startswith("Nơi nhận")), None)
    if to is None:
        return out + rest
    signer, after = [], to + 1  # the signer's lines: the paragraph after Nơi nhận
    if after < len(rest) and isinstance(rest[after], ParaView) and rest[after].plain():
        signer = _lines(rest[after], rest[after].text.split("\n"))
        after += 1
    recipients = _lines(rest[to], rest[to].text.split("\n"))
    return out + rest[:to] + [TableView([[_cell(recipients), _cell(signer)]])] + rest[after:]


def read_report(content: bytes, name: str, library, template: str | None = None) -> Imported:
    """A .docx report into data values and the comments on each judgement (DocgenError with a Vietnamese
    message when the file is not a Word file or not a report)."""
    try:
        view = read_docx(content)
    except UnsafeArchive as exc:
        raise DocgenError(f"{name}: tệp Word không an toàn để đọc: {exc}") from None
    except ValueError:
        raise DocgenError(f"{name}: không phải tệp Word (.docx) đọc được (tệp hỏng, đặt mật khẩu hoặc định dạng "
                          "khác; tệp .pdf quét không được hỗ trợ)") from None
    body = _as_tables(view.body)
    head = next((i for i, b in enumerate(body[:3]) if isinstance(b, TableView) and b.rows and len(b.rows[0]) >= 2),
                None)
    if head is None or "CỘNG HÒA" not in " ".join(_cell_lines(body[head].rows[0][-1])).upper():
        raise DocgenError(f"{name}: không phải báo cáo theo Nghị định 30/2020/NĐ-CP: không thấy bảng phần đầu văn "
                          "bản (tên cơ quan bên trái, Quốc hiệu bên phải)")
    imported = Imported(template or "", {})
    _header(body[head], imported)
    notes = _note_texts(view)
    rest = body[head + 1:]
    closing = next((i for i in range(len(rest) - 1, -1, -1) if isinstance(rest[i], TableView)
                    and "Nơi nhận" in " ".join(_cell_lines(rest[i].rows[0][0]))), None)
    tail = rest[closing:] if closing is not None else []
    rest = rest[:closing] if closing is not None else rest
    paras = [b for b in rest]
    title_block, index = [], 0
    while index < len(paras) and isinstance(paras[index], ParaView) and not paras[index].plain().startswith("Kính gửi"):
        if len(title_block) >= 2 and _heading_level(paras[index]) is not None:
            break  # the body's first heading: a title block with no empty line under it (pandoc writes none)
        if paras[index].plain():
            title_block.append(paras[index])
        index += 1
        if len(title_block) >= 2 and not paras[index - 1].plain() and not _title_continues(paras, index):
            break
    data = imported.data
    kind = title_block[0].plain() if title_block else ""
    trich_yeu = title_block[1].plain() if len(title_block) > 1 else ""
    period = _period(trich_yeu) if kind.upper().startswith("BÁO CÁO") else None
    if period:
        data["ky_bao_cao"] = period
    if trich_yeu:
        data["van_ban"]["trich_yeu"] = trich_yeu
    for para in title_block[2:]:
        line = para.plain()
        found = _PERIOD_LINE.match(line)
        if found and period:
            d1, m1, y1, d2, m2, y2 = map(int, found.groups())
            period["tu_ngay"] = datetime.date(y1, m1, d1)
            period["den_ngay"] = datetime.date(y2, m2, d2)
        else:
            data["van_ban"]["phu_de"] = line
    if index < len(paras) and isinstance(paras[index], ParaView) and paras[index].plain().startswith("Kính gửi"):
        lines = paras[index].plain()[len("Kính gửi:"):].replace("\t", "\n").split("\n")
        data["kinh_gui"] = [ln.strip().lstrip("-–• ").rstrip(";.") for ln in lines if ln.strip().strip("-")]
        index += 1
    body_blocks = paras[index:]
    closing_text = None
    for i in range(len(body_blocks) - 1, -1, -1):
        block = body_blocks[i]
        if isinstance(block, ParaView) and block.plain():
            if block.plain().endswith("./."):
                closing_text = markup(block, notes)[:-3].rstrip()
                body_blocks = body_blocks[:i]
            break
    if tail:
        for line in _closing(tail[0], data):
            imported.header_notes.append(f"dòng '{line}' ở chỗ chữ ký không đưa vào dữ liệu (docgen không in dòng này)")
        _appendices(tail[1:], library, imported, notes)
    chosen = template or _choose(library, kind, period, body_blocks)
    imported.template = chosen
    outline = outline_of(library, chosen)
    _body(body_blocks, outline, imported, notes)
    if closing_text is not None:
        imported.sections["ket_luan"] = closing_text
    recognise_figures(imported, library)
    return imported


def _title_continues(paras: list, index: int) -> bool:
    """After an empty line under the title: whether the next line still belongs to the title block (the
    "(Số liệu tính từ …)" line or "Kính gửi"), not to the body (a plan has no "Kính gửi")."""
    following = next((b for b in paras[index:] if not isinstance(b, ParaView) or b.plain()), None)
    if not isinstance(following, ParaView):
        return False
    return bool(_PERIOD_LINE.match(following.plain())) or following.plain().startswith("Kính gửi")


def _choose(library, kind: str, period: dict | None, blocks: list) -> str:
    """The template whose outline matches most headings; a periodic report's kind decides between equals."""
    headings = [(lvl, _strip_number(b.plain())) for b in blocks if isinstance(b, ParaView)
                for lvl in [_heading_level(b)] if lvl in (0, 1, 2)]
    best, best_score = None, -1.0
    for name in library.names:
        try:
            outline = outline_of(library, name)
        except (OSError, DocgenError):
            continue
        if outline.kind and _norm(outline.kind) != _norm(kind):
            continue  # a plan is not read against a report's outline
        score = sum(1 for lvl, text in headings if _match(outline, lvl, text)[0] is not None)
        if period and name == period["loai"]:
            score += 0.5
        if score > best_score:
            best, best_score = name, score
    if best is None:
        raise DocgenError("không tìm thấy mẫu nào để đối chiếu đề mục")
    return best


# --- the data file -----------------------------------------------------------------------------------------


def _dump(value, indent: int) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def to_yaml(imported: Imported, source: str) -> str:
    data = dict(imported.data)
    titles = data.pop("_titles", {})
    out = [f"# Dữ liệu đọc từ {source} bằng docgen nhap (mẫu {imported.template}). Mỗi chú thích # dưới đây ghi\n"
           "# một nhận định của chương trình: hãy đọc lại trước khi dùng.\n",
           _dump({"mau": imported.template}, 0)]
    for note in imported.header_notes:
        out.append(f"# {note}\n")
    for key in ("tinh", "co_quan", "van_ban", "ky_bao_cao", "kinh_gui", "noi_nhan", "nguoi_ky"):
        if key in data:
            if key == "van_ban" and "trich_yeu" in data[key]:
                out.append("# trich_yeu, ky_hieu: giữ nguyên như văn bản gốc (xóa để dùng mặc định của mẫu)\n")
            out.append(_dump({key: data[key]}, 0))
    if imported.figures:
        out.append("so_lieu:\n")
        for name, group in imported.figures.items():
            if name in imported.figure_notes:
                out.append(f"  # {imported.figure_notes[name]}\n")
            out.append(_dump({name: group}, 2))
    out.append("noi_dung:\n")
    for key, items in imported.sections.items():
        for note in imported.notes.get(key, []):
            out.append(f"  # {note}\n")
        if key in titles:
            out.append(_dump({key: {"tieu_de": titles[key], "noi_dung": items}}, 2))
        else:
            out.append(_dump({key: items}, 2))
    if imported.appendices:
        out.append("phu_luc:\n")
        for entry, comments in zip(imported.appendices, imported.appendix_notes):
            out.extend(f"  # {comment}\n" for comment in comments)
            out.append(_dump([entry], 2))
    return "".join(out)
