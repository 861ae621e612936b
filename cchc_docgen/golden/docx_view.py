"""A .docx read the way a reader sees it (for golden checks): the body's paragraphs with their effective
formatting (resolved through the style chain and the numbering definitions), fields (PAGE …) and pictures (by
content hash and size), tables cell by cell with their geometry (column widths, merges, borders, shading,
header-row repeat), footnotes by number, headers and footers, page setup and the document properties Word
shows. `read_docx(bytes) -> DocumentView`.

Every part is parsed once: styles, numbering and each header, footer or picture are read when first met and
kept; a golden is opened only after its zip directory has passed `check_archive` (a hostile file must fail its
own case, not exhaust the machine)."""

from __future__ import annotations

import hashlib
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET
from zlib import error as zlib_error

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"

NOTE = "\ue000"  # a footnote reference inside a paragraph's text
OBJECT = "\ufffc"  # a picture or other drawn object
PAGE_BREAK = "\ue002"  # a page break inside a paragraph (not whitespace: it is a word of its own in a diff)

HEAD = "phần đầu văn bản"
TAIL = "phần cuối văn bản"
HEADING_STYLE = re.compile(r"^(m[uụ]c|heading|ti[eê]u [dđ][eề])\s*\d", re.IGNORECASE)
LIST_MARK = re.compile(r"^\s*([-+•–*]|\d+[.)]|[a-zđ][)])\s")
CAPTION_STYLE = re.compile(r"b[aả]ng|caption", re.IGNORECASE)


# --- numbers and quotes, the Vietnamese way ----------------------------------------------------


def number_text(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if text not in ("-0", "") else "0"


def mm(twips) -> str:
    return f"{number_text(twips * 25.4 / 1440)} mm" if twips is not None else "mặc định"


def pt_half(half_points) -> str:
    return number_text(half_points / 2) if half_points is not None else "mặc định"


def clip(text: str, limit: int = 200) -> str:
    text = text.replace("\n", " ⏎ ").replace("\t", " ")
    if len(text) <= limit:
        return text
    keep = (limit - 3) // 2
    return f"{text[:keep].rstrip()} … {text[-keep:].lstrip()}"


def short(text: str, limit: int = 60) -> str:
    """A name cut at the end ("5. Tiến độ, kết quả thực hiện các nhiệm vụ…"), for locations."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip(" ,;:") + "…"


def quote(text: str, limit: int = 200) -> str:
    return f'"{clip(text, limit)}"'


def _int(value) -> int | None:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return None


# --- reading a .docx into what a reader sees ---------------------------------------------------

RUN_KEYS = ("bold", "italic", "underline", "strike", "caps", "size", "font", "valign", "color", "highlight")
RUN_DEFAULTS = {"bold": False, "italic": False, "underline": False, "strike": False, "caps": False,
                "size": None, "font": None, "valign": "baseline", "color": None, "highlight": None}
PARA_KEYS = ("style", "jc", "ind_left", "ind_right", "ind_first", "sp_before", "sp_after", "line", "keep_next",
             "keep_lines", "page_break", "widow", "border", "shading", "numbering")
PARA_DEFAULTS = {"jc": "left", "ind_left": 0, "ind_right": 0, "ind_first": 0, "sp_before": 0, "sp_after": 0,
                 "sp_line": 240, "sp_rule": "auto", "keep_next": False, "keep_lines": False, "page_break": False,
                 "widow": False, "border": "", "shading": ""}

# --- zip limits: a golden is someone's file, and a tampered one must fail its case, not the machine -------

MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 32 * 1024 * 1024  # one part, uncompressed (our largest document.xml is well under 1 MB)
MAX_TOTAL_BYTES = 128 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for parts over RATIO_FLOOR (Word's XML compresses 5-30 times)
RATIO_FLOOR = 1024 * 1024
SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED: "không nén", zipfile.ZIP_DEFLATED: "deflate"}


class UnsafeArchive(ValueError):
    """A .docx whose zip directory promises more than a Word file holds; the message is Vietnamese."""


def check_archive(archive: zipfile.ZipFile, kind: str = "tệp Word") -> None:
    """Refuse, before reading anything, a zip that is too many parts, too large, a bomb, encrypted, or compressed
    in a way an Office file never is (Python would fail on it mid-read with an internal error). `kind` names the
    file in the message ("tệp Word", "tệp Excel")."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchive(f"có {len(infos)} phần trong tệp nén, quá giới hạn {MAX_MEMBERS} của một {kind}")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsafeArchive(f"phần {info.filename} được mã hóa (đặt mật khẩu): không đọc được")
        if info.compress_type not in SUPPORTED_COMPRESSION:
            raise UnsafeArchive(f"phần {info.filename} nén bằng phương pháp số {info.compress_type}, {kind} chỉ "
                                "dùng deflate hoặc không nén")
        if info.file_size > MAX_MEMBER_BYTES:
            raise UnsafeArchive(f"phần {info.filename} giải nén ra {_size(info.file_size)}, quá giới hạn "
                                f"{_size(MAX_MEMBER_BYTES)} cho một phần")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeArchive(f"phần {info.filename} nén {info.file_size // max(info.compress_size, 1)} lần "
                                f"({_size(info.compress_size)} → {_size(info.file_size)}): có dấu hiệu bom nén")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise UnsafeArchive(f"giải nén ra tổng cộng {_size(total)}, quá giới hạn {_size(MAX_TOTAL_BYTES)}")


def _size(count: int) -> str:
    return f"{number_text(count / (1024 * 1024))} MB" if count >= 1024 * 1024 else f"{number_text(count / 1024)} kB"


def _on(element) -> bool:
    """A toggle property: `<w:b/>` is on, `<w:b w:val="0"/>` (or false/off) is off."""
    return element.get(W + "val", "true").lower() not in ("0", "false", "off", "none")


def _run_props(rpr) -> dict:
    out = {}
    if rpr is None:
        return out
    for tag, key in (("b", "bold"), ("i", "italic"), ("strike", "strike"), ("caps", "caps")):
        element = rpr.find(W + tag)
        if element is not None:
            out[key] = _on(element)
    underline = rpr.find(W + "u")
    if underline is not None:
        out["underline"] = underline.get(W + "val", "single").lower() != "none"
    size = rpr.find(W + "sz")
    if size is not None and _int(size.get(W + "val")) is not None:
        out["size"] = _int(size.get(W + "val"))
    fonts = rpr.find(W + "rFonts")
    if fonts is not None:
        font = fonts.get(W + "ascii") or fonts.get(W + "hAnsi")
        theme = fonts.get(W + "asciiTheme") or fonts.get(W + "hAnsiTheme")
        if font or theme:
            out["font"] = font or f"phông chủ đề {theme}"
    valign = rpr.find(W + "vertAlign")
    if valign is not None:
        value = valign.get(W + "val", "baseline")
        out["valign"] = value if value in ("superscript", "subscript") else "baseline"
    color = rpr.find(W + "color")
    if color is not None:
        value = (color.get(W + "val") or "auto").upper()
        out["color"] = None if value in ("AUTO", "000000") else value  # black is what "automatic" prints
    highlight = rpr.find(W + "highlight")
    if highlight is not None:
        value = highlight.get(W + "val", "none")
        out["highlight"] = None if value == "none" else value
    return out


BORDER_STYLES = {"single": "nét đơn", "double": "nét đôi", "dashed": "nét đứt", "dotted": "nét chấm",
                 "thick": "nét đậm", "dotDash": "nét chấm gạch", "triple": "nét ba", "wave": "nét lượn sóng"}
BORDER_SIDES = {"top": "trên", "bottom": "dưới", "left": "trái", "start": "trái", "right": "phải", "end": "phải",
                "insideH": "ngang bên trong", "insideV": "dọc bên trong", "between": "giữa các đoạn"}


def _border_sides(element) -> dict:
    """{side name: how its line looks} for a pBdr/tblBorders/tcBorders element."""
    out = {}
    if element is None:
        return out
    for child in element:
        side = BORDER_SIDES.get(child.tag[len(W):] if child.tag.startswith(W) else "")
        if side is None:
            continue
        kind = child.get(W + "val", "nil")
        if kind in ("nil", "none"):
            out[side] = "không viền"
            continue
        width = _int(child.get(W + "sz"))
        look = BORDER_STYLES.get(kind, kind)
        if width:
            look += f" {number_text(width / 8, 2)} pt"  # eighths of a point
        color = (child.get(W + "color") or "auto").upper()
        if color not in ("AUTO", "000000"):
            look += f" màu #{color}"
        out[side] = look
    return out


def borders_text(sides: dict) -> str:
    """Sides grouped by look: "nét đơn 0,5 pt ở mọi cạnh", "không viền", "nét đơn 0,75 pt ở dưới"."""
    drawn = {side: look for side, look in sides.items() if look != "không viền"}
    if not drawn:
        return "không viền"
    looks: dict[str, list[str]] = {}
    for side, look in sides.items():
        looks.setdefault(look, []).append(side)
    if len(looks) == 1 and len(sides) >= 4:
        return f"{next(iter(looks))} ở mọi cạnh"
    return "; ".join(f"{look} ở {', '.join(names)}" for look, names in looks.items() if look != "không viền")


def _shading(element) -> str:
    if element is None:
        return ""
    fill = (element.get(W + "fill") or "auto").upper()
    pattern = element.get(W + "val", "clear")
    if fill in ("AUTO", "FFFFFF") and pattern in ("clear", "nil"):
        return ""
    return f"#{fill}" if pattern in ("clear", "nil") else f"#{fill} ({pattern})"


def _para_props(ppr) -> dict:
    out = {}
    if ppr is None:
        return out
    jc = ppr.find(W + "jc")
    if jc is not None and jc.get(W + "val"):
        out["jc"] = jc.get(W + "val")
    ind = ppr.find(W + "ind")
    if ind is not None:
        for key, names in (("ind_left", ("left", "start")), ("ind_right", ("right", "end"))):
            for name in names:
                if _int(ind.get(W + name)) is not None:
                    out[key] = _int(ind.get(W + name))
                    break
        if _int(ind.get(W + "hanging")) is not None:
            out["ind_first"] = -_int(ind.get(W + "hanging"))
        elif _int(ind.get(W + "firstLine")) is not None:
            out["ind_first"] = _int(ind.get(W + "firstLine"))
    spacing = ppr.find(W + "spacing")
    if spacing is not None:
        for name in ("before", "after", "line"):
            if _int(spacing.get(W + name)) is not None:
                out["sp_" + name] = _int(spacing.get(W + name))
        if spacing.get(W + "lineRule"):
            out["sp_rule"] = spacing.get(W + "lineRule")
    outline = ppr.find(W + "outlineLvl")
    if outline is not None and _int(outline.get(W + "val")) is not None:
        out["outline"] = _int(outline.get(W + "val"))
    numbering = ppr.find(W + "numPr")
    if numbering is not None:
        num_id, level = numbering.find(W + "numId"), numbering.find(W + "ilvl")
        out["numbered"] = num_id is None or num_id.get(W + "val") != "0"
        out["num"] = (num_id.get(W + "val") if num_id is not None else None,
                      _int(level.get(W + "val")) if level is not None else 0)
    for tag, key in (("keepNext", "keep_next"), ("keepLines", "keep_lines"), ("pageBreakBefore", "page_break"),
                     ("widowControl", "widow")):
        element = ppr.find(W + tag)
        if element is not None:
            out[key] = _on(element)
    borders = ppr.find(W + "pBdr")
    if borders is not None:
        out["border"] = borders_text(_border_sides(borders)) if len(borders) else ""
        if out["border"] == "không viền":
            out["border"] = ""
    shading = ppr.find(W + "shd")
    if shading is not None:
        out["shading"] = _shading(shading)
    return out


NUMBER_SAMPLES = {"decimal": "1", "decimalZero": "01", "lowerLetter": "a", "upperLetter": "A", "lowerRoman": "i",
                  "upperRoman": "I", "none": ""}


class _Numbering:
    """numbering.xml: what each (numId, level) prints before its paragraph, and that level's indents."""

    def __init__(self, xml: bytes | None):
        self.abstract: dict[str, dict[int, tuple[str, dict]]] = {}
        self.nums: dict[str, str] = {}
        if not xml:
            return
        root = ET.fromstring(xml)
        for abstract in root.iter(W + "abstractNum"):
            levels = {}
            for lvl in abstract.findall(W + "lvl"):
                level = _int(lvl.get(W + "ilvl")) or 0
                fmt_el, text_el = lvl.find(W + "numFmt"), lvl.find(W + "lvlText")
                fmt = fmt_el.get(W + "val", "decimal") if fmt_el is not None else "decimal"
                text = text_el.get(W + "val", "") if text_el is not None else ""
                levels[level] = (fmt, text, _para_props(lvl.find(W + "pPr")))
            self.abstract[abstract.get(W + "abstractNumId")] = levels
        for num in root.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            if ref is not None:
                self.nums[num.get(W + "numId")] = ref.get(W + "val")

    def level(self, num: tuple | None):
        """(what the mark looks like, the level's paragraph properties), or None for no numbering."""
        if not num or num[0] in (None, "0"):
            return None
        levels = self.abstract.get(self.nums.get(num[0]), {})
        number_id, level = num
        if level not in levels:
            return (f"danh sách {number_id} cấp {level + 1} (không có định nghĩa)", {})
        fmt, text, ppr = levels[level]
        if fmt == "bullet":
            mark = text
        else:
            mark = re.sub(r"%(\d)", lambda m: NUMBER_SAMPLES.get(levels.get(int(m.group(1)) - 1, ("decimal",))[0], "1"),
                          text)
        return (f'"{mark}" (cấp {level + 1})', ppr)


class _Styles:
    """styles.xml: each style's own properties, merged along `basedOn` on demand."""

    def __init__(self, xml: bytes | None):
        self.default_ppr: dict = {}
        self.default_rpr: dict = {}
        self.styles: dict[str, tuple[str, str, str | None, dict, dict]] = {}
        self.default_paragraph: str | None = None
        self.default_table: str | None = None
        self._merged: dict[str, tuple[dict, dict]] = {}
        self.table_own: dict[str, dict] = {}  # a table style's own borders (by side) and shading
        if not xml:
            return
        root = ET.fromstring(xml)
        defaults = root.find(W + "docDefaults")
        if defaults is not None:
            self.default_ppr = _para_props(defaults.find(f"{W}pPrDefault/{W}pPr"))
            self.default_rpr = _run_props(defaults.find(f"{W}rPrDefault/{W}rPr"))
        for style in root.iter(W + "style"):
            style_id = style.get(W + "styleId")
            if not style_id:
                continue
            kind = style.get(W + "type", "paragraph")
            name_el, based_el = style.find(W + "name"), style.find(W + "basedOn")
            name = name_el.get(W + "val") if name_el is not None else style_id
            based = based_el.get(W + "val") if based_el is not None else None
            self.styles[style_id] = (kind, name, based, _para_props(style.find(W + "pPr")),
                                     _run_props(style.find(W + "rPr")))
            if kind == "paragraph" and _on_attr(style.get(W + "default")):
                self.default_paragraph = style_id
            if kind == "table":
                tblpr = style.find(W + "tblPr")
                own = {}
                if tblpr is not None:
                    own = dict(_border_sides(tblpr.find(W + "tblBorders")))
                    if tblpr.find(W + "shd") is not None:
                        own["tô nền"] = _shading(tblpr.find(W + "shd"))
                self.table_own[style_id] = own
                if _on_attr(style.get(W + "default")):
                    self.default_table = style_id

    def name(self, style_id: str | None) -> str:
        if style_id in self.styles:
            return self.styles[style_id][1]
        return style_id or ""

    def merged(self, style_id: str | None) -> tuple[dict, dict]:
        """(paragraph properties, run properties) of a style with everything it is based on."""
        if not style_id or style_id not in self.styles:
            return {}, {}
        if style_id not in self._merged:
            chain, seen, current = [], set(), style_id
            while current in self.styles and current not in seen:
                seen.add(current)
                chain.append(self.styles[current])
                current = self.styles[current][2]
            ppr, rpr = {}, {}
            for _kind, _name, _based, own_ppr, own_rpr in reversed(chain):
                ppr.update(own_ppr)
                rpr.update(own_rpr)
            self._merged[style_id] = (ppr, rpr)
        return self._merged[style_id]


    def table_look(self, style_id: str | None) -> dict:
        """A table style's borders (by side) and shading, with what it is based on."""
        chain, seen, current = [], set(), style_id
        while current in self.styles and current not in seen:
            seen.add(current)
            chain.append(self.table_own.get(current, {}))
            current = self.styles[current][2]
        out = {}
        for own in reversed(chain):
            out.update(own)
        return out


def _on_attr(value) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


@dataclass
class ParaView:
    text: str  # what shows; NOTE where a footnote is referenced, OBJECT for a picture
    fmts: list  # run formatting of each character (a tuple in RUN_KEYS order); None for NOTE
    props: dict  # paragraph formatting, PARA_KEYS
    notes: list[int]  # the footnote numbers of the NOTE marks, in order
    heading: bool = False
    label: str = ""  # where it is, as a reader would say it
    ends_section: bool = False  # a section break (new page setup) follows it
    objects: list = field(default_factory=list)  # each OBJECT's picture: (content hash, size) or None
    fields: list = field(default_factory=list)  # (offset in text, field code such as "PAGE")

    @property
    def key(self) -> str:
        return self.text

    @property
    def is_list_item(self) -> bool:
        return bool(self.props.get("numbered")) or bool(LIST_MARK.match(self.text))

    def show(self, start: int = 0, end: int | None = None) -> str:
        """The text between two offsets as a reader sees it: footnote references as [^n], pictures as [hình]."""
        end = len(self.text) if end is None else end
        index = self.text.count(NOTE, 0, start)
        fields = {}
        for offset, code in self.fields:
            if start <= offset <= end:
                fields.setdefault(offset, []).append(field_name(code))
        out = []
        for position in range(start, end):
            out.extend(f"[{name}]" for name in fields.get(position, ()))
            char = self.text[position]
            if char == NOTE:
                out.append(f"[^{self.notes[index]}]" if index < len(self.notes) else "[^]")
                index += 1
            elif char == OBJECT:
                out.append("[hình]")
            elif char == PAGE_BREAK:
                out.append("[ngắt trang]")
            else:
                out.append(char)
        out.extend(f"[{name}]" for name in fields.get(end, ()) if end > start or not self.text)
        return "".join(out)

    def plain(self) -> str:
        return self.text.replace(NOTE, "").replace(OBJECT, "").replace(PAGE_BREAK, "").strip()


FIELD_NAMES = {"PAGE": "số trang", "NUMPAGES": "tổng số trang", "SECTIONPAGES": "số trang của phần",
               "DATE": "ngày hiện tại", "TIME": "giờ hiện tại"}
# Fields whose shown result Word recomputes when the page is laid out or printed: their cached text is noise.
DYNAMIC_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "DATE", "TIME", "PRINTDATE", "SAVEDATE", "CREATEDATE",
                  "FILENAME", "FILESIZE", "NUMWORDS", "NUMCHARS"}


def field_name(code: str) -> str:
    word = code.split()[0].upper() if code.split() else ""
    return f"trường {FIELD_NAMES[word]} ({word})" if word in FIELD_NAMES else f"trường {code or '(trống)'}"


@dataclass
class CellView:
    column: int  # 1-based grid column
    blocks: list
    merged: bool = False  # covered by the cell above (a vertical merge)
    props: dict = field(default_factory=dict)  # as displayed: {"độ rộng ô": "20 mm", "viền ô": …}

    @property
    def key(self) -> str:
        return "\n".join(b.key for b in self.blocks)


@dataclass
class TableView:
    rows: list[list[CellView]]
    label: str = ""
    props: dict = field(default_factory=dict)  # as displayed: {"độ rộng các cột": "15 | 60 mm", …}
    row_props: list = field(default_factory=list)  # per row: {"lặp lại ở đầu mỗi trang": "có", …}

    @property
    def key(self) -> str:
        return "\x01TABLE\x01 " + " \x02 ".join(row_key(row) for row in self.rows)


def row_key(row: list[CellView]) -> str:
    return " \x03 ".join(cell.key for cell in row)


@dataclass
class SectionView:
    setup: dict  # page setup, as displayed: {"khổ giấy": "210 × 297 mm", "lề trái": "30 mm", …}
    parts: dict = field(default_factory=dict)  # ("đầu trang", "first") → blocks


@dataclass
class DocumentView:
    body: list
    notes: list[tuple[int, list]]  # (number in reading order, blocks)
    sections: list[SectionView]
    note_places: dict[int, str]  # footnote number → label of the paragraph that refers to it
    properties: dict = field(default_factory=dict)  # what File → Info shows: {"tiêu đề": …, "tác giả": …}


PART_NAMES = {"headerReference": "đầu trang", "footerReference": "chân trang"}
PART_KINDS = {"default": "các trang", "first": "trang đầu", "even": "trang chẵn"}


class _Reader:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = set(archive.namelist())
        self.document = self._main_part()
        self.rels = self._rels(self.document)
        styles = self._target("styles")
        self.styles = _Styles(archive.read(styles) if styles in self.names else None)
        numbering = self._target("numbering")
        self.numbering = _Numbering(archive.read(numbering) if numbering in self.names else None)
        self.note_numbers: dict[str, int] = {}
        self.note_paras: dict[int, ParaView] = {}
        self.sections: list[SectionView] = []
        self.part_rels = self.rels  # the relationships of the part being read (pictures are named through them)
        self.parts: dict[str, list] = {}  # header/footer part → its blocks, read once however many sections use it
        self.pictures: dict[str, str] = {}  # media part → short content hash

    # package plumbing
    def _main_part(self) -> str:
        if "_rels/.rels" in self.names:
            for rel in ET.fromstring(self.archive.read("_rels/.rels")).iter(PKG + "Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    return rel.get("Target", "").lstrip("/")
        return "word/document.xml"

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        folder, name = posixpath.split(part)
        path = posixpath.join(folder, "_rels", name + ".rels")
        if path not in self.names:
            return {}
        out = {}
        for rel in ET.fromstring(self.archive.read(path)).iter(PKG + "Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = (rel.get("Type", ""), resolved)
        return out

    def _target(self, kind: str) -> str | None:
        for rel_type, target in self.rels.values():
            if rel_type == REL_TYPES + kind:
                return target
        return None

    # reading
    def read(self) -> DocumentView:
        root = ET.fromstring(self.archive.read(self.document))
        body = root.find(W + "body")
        blocks = self._body(body if body is not None else root)
        notes = self._footnotes()
        places = {number: para.label for number, para in self.note_paras.items()}
        return DocumentView(blocks, notes, self.sections, places, self._properties())

    CORE_NAMES = (("title", "tiêu đề"), ("subject", "chủ đề"), ("creator", "tác giả"), ("keywords", "từ khóa"),
                  ("description", "ghi chú"), ("category", "thể loại"), ("lastModifiedBy", "người sửa cuối"),
                  ("created", "ngày tạo"), ("modified", "ngày sửa"))

    def _properties(self) -> dict:
        """The document properties Word shows (File → Info), and the settings that change how pages print."""
        out = {}
        if "docProps/core.xml" in self.names:
            for element in ET.fromstring(self.archive.read("docProps/core.xml")):
                local = element.tag.rsplit("}", 1)[-1]
                for key, name in self.CORE_NAMES:
                    if local == key and (element.text or "").strip():
                        out[name] = element.text.strip()
        settings = self._target("settings")
        if settings in self.names:
            root = ET.fromstring(self.archive.read(settings))
            even = root.find(W + "evenAndOddHeaders")
            out["đầu/chân trang chẵn lẻ khác nhau"] = "có" if even is not None and _on(even) else "không"
            mirror = root.find(W + "mirrorMargins")
            out["lề đối xứng (in hai mặt)"] = "có" if mirror is not None and _on(mirror) else "không"
        return out

    def _body(self, body) -> list:
        """The body's blocks, each labelled with the heading it is under and its place ("đoạn N")."""
        blocks = list(self._blocks(body, top=True))
        section, closed, count, tables = HEAD, False, 0, 0
        previous, appendix = None, False
        for block in blocks:
            if isinstance(block, ParaView):
                if block.plain():
                    count += 1
                    if appendix:  # the first line after the signature's section break names the appendix
                        section, appendix = f'phụ lục "{short(block.plain(), 40)}"', False
                if block.heading and not closed:
                    block.label = f'đề mục "{short(block.plain(), 70)}"'
                    section = f'mục "{short(block.plain())}"'
                else:
                    kind = ", dòng liệt kê" if block.is_list_item else ""
                    block.label = f"đoạn {count}{kind} ({section})" if block.plain() else f"đoạn trống sau đoạn {count} ({section})"
                # Decree 30: the body ends with "./."; what follows is Nơi nhận and the signature.
                if block.text.rstrip().endswith("./."):
                    section, closed = f"{TAIL}: nơi nhận, chữ ký", True
                appendix = appendix or (closed and block.ends_section)
            else:
                tables += 1
                caption = previous.plain() if isinstance(previous, ParaView) and CAPTION_STYLE.search(previous.props["style"] or "") else ""
                name = f'bảng "{short(caption, 40)}"' if caption else f"bảng {tables}"
                self._label_table(block, f"{name} ({section})")
            previous = block
        return blocks

    def _label_table(self, table: TableView, label: str) -> None:
        table.label = label
        for r, row in enumerate(table.rows, start=1):
            for cell in row:
                self._label_container(cell.blocks, f"{label}, dòng {r}, ô {cell.column}")

    def _label_container(self, blocks: list, label: str) -> None:
        paragraphs = [b for b in blocks if isinstance(b, ParaView) and b.plain()]
        count = 0
        for block in blocks:
            if isinstance(block, ParaView):
                if block.plain():
                    count += 1
                block.label = f"{label}, đoạn {count}" if len(paragraphs) > 1 and block.plain() else label
            else:
                self._label_table(block, f"{label}, bảng trong ô")

    def _blocks(self, container, top=False):
        for child in container:
            tag = child.tag
            if tag == W + "p":
                para = self._paragraph(child)
                sect = child.find(f"{W}pPr/{W}sectPr")
                if top and sect is not None:
                    self.sections.append(self._section(sect))
                    para.ends_section = True
                yield para
            elif tag == W + "tbl":
                yield self._table(child)
            elif tag == W + "sectPr" and top:
                self.sections.append(self._section(child))
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"):
                yield from self._blocks(child, top)

    def _paragraph(self, element) -> ParaView:
        ppr = element.find(W + "pPr")
        style_el = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = style_el.get(W + "val") if style_el is not None else self.styles.default_paragraph
        style_ppr, style_rpr = self.styles.merged(style_id)
        own = _para_props(ppr)
        level = self.numbering.level(own.get("num", style_ppr.get("num")))
        # Word's order: the style, then the numbering level's indents, then the paragraph's own formatting.
        props = {**PARA_DEFAULTS, **self.styles.default_ppr, **style_ppr, **(level[1] if level else {}), **own}
        props.pop("num", None)
        props["numbering"] = level[0] if level else ""
        props["style"] = self.styles.name(style_id)
        props["line"] = (props.pop("sp_rule"), props.pop("sp_line"))
        base_rpr = {**RUN_DEFAULTS, **self.styles.default_rpr, **style_rpr}
        line = _Line()
        self._inline(element, base_rpr, line)
        para = ParaView("".join(line.chars), line.fmts, props, line.notes, objects=line.objects, fields=line.fields)
        name = props["style"] or ""
        para.heading = bool(para.plain()) and (props.get("outline", 9) < 9 or bool(HEADING_STYLE.match(name)))
        for number in line.notes:
            self.note_paras.setdefault(number, para)
        return para

    def _inline(self, element, base_rpr, line) -> None:
        for child in element:
            tag = child.tag
            if tag == W + "r":
                self._run(child, base_rpr, line)
            elif tag in (W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "instrText"):
                continue
            elif tag == W + "fldSimple":
                code = " ".join((child.get(W + "instr") or "").split())
                line.fields.append((len(line.chars), code))
                if _field_word(code) not in DYNAMIC_FIELDS:
                    self._inline(child, base_rpr, line)
            else:  # hyperlinks, insertions, content controls, smart tags …
                self._inline(child, base_rpr, line)

    def _run(self, run, base_rpr, line) -> None:
        rpr = run.find(W + "rPr")
        props = dict(base_rpr)
        if rpr is not None:
            run_style = rpr.find(W + "rStyle")
            if run_style is not None:
                props.update(self.styles.merged(run_style.get(W + "val"))[1])
            props.update(_run_props(rpr))
        fmt = tuple(props.get(k) for k in RUN_KEYS)
        chars, fmts, notes = line.chars, line.fmts, line.notes

        def add(text):
            if line.hidden():
                return
            chars.append(text)
            fmts.extend([fmt] * len(text))

        for child in run:
            tag = child.tag
            if tag == W + "fldChar":
                line.field_char(child.get(W + "fldCharType"))
            elif tag == W + "instrText":
                line.instruction(child.text or "")
            elif tag == W + "t":
                add(child.text or "")
            elif tag == W + "tab" or tag == W + "ptab":
                add("\t")
            elif tag in (W + "br", W + "cr"):
                add(PAGE_BREAK if child.get(W + "type") == "page" else "\n")
            elif tag == W + "noBreakHyphen":
                add("-")
            elif tag == W + "sym":
                code = child.get(W + "char", "")
                add(chr(int(code, 16)) if re.fullmatch(r"[0-9A-Fa-f]{1,6}", code) else "?")
            elif tag == W + "footnoteReference":
                ref = child.get(W + "id", "")
                number = self.note_numbers.setdefault(ref, len(self.note_numbers) + 1)
                chars.append(NOTE)
                fmts.append(None)
                notes.append(number)
            elif tag in (W + "drawing", W + "pict", W + "object", MC_ALTERNATE):
                if line.hidden():
                    continue
                chars.append(OBJECT)
                fmts.append(None)
                line.objects.append(self._picture(child))

    def _picture(self, element):
        """(short hash of the picture's content, its size on the page) of a drawing; None for a drawn shape."""
        size = None
        for extent in element.iter(WP + "extent"):
            width, height = _int(extent.get("cx")), _int(extent.get("cy"))
            if width and height:
                size = f"{number_text(width / 36000)} × {number_text(height / 36000)} mm"  # EMU
            break
        if size is None:  # VML: style="width:40pt;height:30pt"
            for shape in element.iter():
                style = shape.get("style") or ""
                found = dict(re.findall(r"(width|height)\s*:\s*([\d.]+pt)", style))
                if len(found) == 2:
                    size = f"{found['width']} × {found['height']}"
                    break
        content = None
        for item in element.iter():
            ref = item.get(R + "embed") or item.get(R + "id") or item.get(R + "link")
            if ref:
                target = self.part_rels.get(ref, ("", ""))[1]
                if target in self.names:
                    if target not in self.pictures:
                        self.pictures[target] = hashlib.sha256(self.archive.read(target)).hexdigest()[:12]
                    content = self.pictures[target]
                    break
        if content is None and size is None:
            return None
        return (content, size)

    def _table(self, element) -> TableView:
        rows, row_props = [], []
        for tr in element.findall(W + "tr"):
            column, cells = 1, []
            for tc in tr.findall(W + "tc"):
                tcpr = tc.find(W + "tcPr")
                grid_span = tcpr.find(W + "gridSpan") if tcpr is not None else None
                span = _int(grid_span.get(W + "val")) if grid_span is not None else 1
                merge = tcpr.find(W + "vMerge") if tcpr is not None else None
                merged = merge is not None and merge.get(W + "val", "continue") == "continue"
                cells.append(CellView(column, list(self._blocks(tc)), merged, _cell_props(tcpr, span)))
                column += max(span or 1, 1)
            rows.append(cells)
            row_props.append(_row_props(tr.find(W + "trPr")))
        return TableView(rows, props=self._table_props(element), row_props=row_props)

    def _table_props(self, element) -> dict:
        tblpr = element.find(W + "tblPr")
        style_el = tblpr.find(W + "tblStyle") if tblpr is not None else None
        style_id = style_el.get(W + "val") if style_el is not None else self.styles.default_table
        look = self.styles.table_look(style_id)
        props = {"kiểu bảng": self.styles.name(style_id) or "mặc định"}
        grid = [_int(col.get(W + "w")) for col in element.findall(f"{W}tblGrid/{W}gridCol")]
        props["độ rộng các cột"] = " | ".join(number_text((w or 0) * 25.4 / 1440) for w in grid) + " mm"
        if tblpr is not None:
            props["độ rộng bảng"] = _width(tblpr.find(W + "tblW"))
            jc = tblpr.find(W + "jc")
            props["căn bảng"] = TABLE_JC.get(jc.get(W + "val"), jc.get(W + "val")) if jc is not None else "trái"
            indent = tblpr.find(W + "tblInd")
            if indent is not None and _int(indent.get(W + "w")):
                props["thụt bảng"] = mm(_int(indent.get(W + "w")))
            layout = tblpr.find(W + "tblLayout")
            props["cách co giãn"] = "cố định" if layout is not None and layout.get(W + "type") == "fixed" else "tự co giãn"
            look.update(_border_sides(tblpr.find(W + "tblBorders")))
            if tblpr.find(W + "shd") is not None:
                look["tô nền"] = _shading(tblpr.find(W + "shd"))
        shading = look.pop("tô nền", "")
        props["viền bảng"] = borders_text(look)
        props["tô nền bảng"] = shading or "không"
        return props

    def _part(self, target: str) -> list:
        """A header's or footer's blocks, read once (pictures named through that part's relationships)."""
        if target not in self.parts:
            outer = self.part_rels
            self.part_rels = self._rels(target)
            try:
                self.parts[target] = list(self._blocks(ET.fromstring(self.archive.read(target))))
            finally:
                self.part_rels = outer
        return self.parts[target]

    def _section(self, sect) -> SectionView:
        setup = {}
        size = sect.find(W + "pgSz")
        if size is not None:
            width, height = _int(size.get(W + "w")), _int(size.get(W + "h"))
            if width and height:
                setup["khổ giấy"] = f"{number_text(width * 25.4 / 1440)} × {mm(height)}"
                landscape = size.get(W + "orient") == "landscape" or width > height
                setup["hướng giấy"] = "ngang" if landscape else "dọc"
        margins = sect.find(W + "pgMar")
        if margins is not None:
            for attr, name in (("top", "lề trên"), ("bottom", "lề dưới"), ("left", "lề trái"), ("right", "lề phải"),
                               ("header", "khoảng cách đầu trang"), ("footer", "khoảng cách chân trang"),
                               ("gutter", "lề đóng gáy")):
                if _int(margins.get(W + attr)) is not None:
                    setup[name] = mm(abs(_int(margins.get(W + attr))))
        title_page = sect.find(W + "titlePg")
        setup["trang đầu khác các trang sau"] = "có" if title_page is not None and _on(title_page) else "không"
        columns = sect.find(W + "cols")
        setup["số cột"] = str(_int(columns.get(W + "num")) or 1) if columns is not None else "1"
        numbering = sect.find(W + "pgNumType")
        if numbering is not None and numbering.get(W + "start"):
            setup["số trang bắt đầu từ"] = numbering.get(W + "start")
        section = SectionView(setup)
        for ref in sect:
            local = ref.tag[len(W):] if ref.tag.startswith(W) else ""
            if local in PART_NAMES:
                kind = ref.get(W + "type", "default")
                target = self.rels.get(ref.get(R + "id"), ("", ""))[1]
                if target in self.names:
                    label = f"{PART_NAMES[local]} ({PART_KINDS.get(kind, kind)})"
                    blocks = self._part(target)
                    self._label_container(blocks, label)
                    section.parts[label] = blocks
        return section

    def _footnotes(self) -> list[tuple[int, list]]:
        part = self._target("footnotes")
        if not part or part not in self.names:
            return []
        by_id = {}
        self.part_rels = self._rels(part)
        for note in ET.fromstring(self.archive.read(part)).iter(W + "footnote"):
            if note.get(W + "type") not in (None, "normal"):
                continue  # separators
            by_id[note.get(W + "id")] = note
        out = []
        for ref, number in sorted(self.note_numbers.items(), key=lambda item: item[1]):
            if ref not in by_id:
                continue
            blocks = list(self._blocks(by_id[ref]))
            first = next((b for b in blocks if isinstance(b, ParaView)), None)
            if first is not None:  # the space Word puts after the footnote's own number
                strip = len(first.text) - len(first.text.lstrip())
                first.text, first.fmts = first.text[strip:], first.fmts[strip:]
            self._label_container(blocks, f"chú thích {number}")
            out.append((number, blocks))
        return out


class _Line:
    """What one paragraph's runs add up to, and where its fields are: Word's fields span runs
    (begin, instruction, separate, shown result, end), so their state lives across runs."""

    def __init__(self):
        self.chars: list[str] = []
        self.fmts: list = []
        self.notes: list[int] = []
        self.objects: list = []
        self.fields: list[tuple[int, str]] = []
        self._stack: list[list] = []  # open fields: [code parts, showing the result?]

    def field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self._stack.append([[], False])
        elif kind == "separate" and self._stack:
            self._close_code()
        elif kind == "end" and self._stack:
            if not self._stack[-1][1]:
                self._close_code()
            self._stack.pop()

    def instruction(self, text: str) -> None:
        if self._stack and not self._stack[-1][1]:
            self._stack[-1][0].append(text)

    def _close_code(self) -> None:
        top = self._stack[-1]
        top[1] = True
        if len(self._stack) == 1:  # a field inside another one's code is part of that code
            self.fields.append((len(self.chars), " ".join("".join(top[0]).split())))

    def hidden(self) -> bool:
        """Inside a field's code, or the cached result of one Word recomputes (PAGE): not what the reader sees."""
        if not self._stack:
            return False
        if not all(shown for _, shown in self._stack):
            return True
        return _field_word(self.fields[-1][1]) in DYNAMIC_FIELDS if self.fields else False


def _field_word(code: str) -> str:
    return code.split()[0].upper() if code.split() else ""


def _width(element) -> str:
    if element is None:
        return "tự động"
    kind, value = element.get(W + "type", "dxa"), _int(element.get(W + "w")) or 0
    if kind == "pct":
        return f"{number_text(value / 50)}%"  # fiftieths of a percent
    if kind == "auto" or (kind == "dxa" and not value) or kind == "nil":
        return "tự động"
    return mm(value)


TABLE_JC = {"left": "trái", "start": "trái", "center": "giữa", "right": "phải", "end": "phải"}


def _cell_props(tcpr, span) -> dict:
    props = {"gộp ngang": f"{span} cột" if span and span > 1 else "không"}
    if tcpr is None:
        return props
    props["độ rộng ô"] = _width(tcpr.find(W + "tcW"))
    borders = tcpr.find(W + "tcBorders")
    if borders is not None:
        props["viền ô"] = borders_text(_border_sides(borders))
    if tcpr.find(W + "shd") is not None and _shading(tcpr.find(W + "shd")):
        props["tô nền ô"] = _shading(tcpr.find(W + "shd"))
    valign = tcpr.find(W + "vAlign")
    if valign is not None:
        props["căn dọc"] = {"top": "trên", "center": "giữa", "bottom": "dưới"}.get(valign.get(W + "val"), valign.get(W + "val"))
    return props


def _row_props(trpr) -> dict:
    props = {"lặp lại ở đầu mỗi trang": "không", "không tách sang trang sau": "không"}
    if trpr is None:
        return props
    header, cant_split = trpr.find(W + "tblHeader"), trpr.find(W + "cantSplit")
    if header is not None and _on(header):
        props["lặp lại ở đầu mỗi trang"] = "có"
    if cant_split is not None and _on(cant_split):
        props["không tách sang trang sau"] = "có"
    height = trpr.find(W + "trHeight")
    if height is not None and _int(height.get(W + "val")):
        rule = {"exact": "đúng", "atLeast": "tối thiểu"}.get(height.get(W + "hRule", "atLeast"), "tối thiểu")
        props["chiều cao dòng"] = f"{rule} {mm(_int(height.get(W + 'val')))}"
    return props


def read_docx(content: bytes) -> DocumentView:
    """What a reader sees in a .docx (raises ValueError when it is not one, UnsafeArchive when it is hostile)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_archive(archive)
            return _Reader(archive).read()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ET.ParseError, EOFError, NotImplementedError,
            RuntimeError, zlib_error) as exc:
        # NotImplementedError/RuntimeError: a compression or encryption check_archive let through; zlib: bad data
        raise ValueError(str(exc) or type(exc).__name__) from None
