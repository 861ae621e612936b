"""Golden-file checks (`docgen check`): render each case and compare it with its approved ("golden") files.

The comparison is of what a reader sees, not of XML: both .docx files are read the way Word lays them out —
the body's paragraphs (style, text, and the formatting that shows: bold, italic, underline, size, font,
alignment, indents, spacing), tables cell by cell, footnotes by number, page headers and footers, and page
setup (paper size, orientation, margins) — and every difference is reported in Vietnamese with where it is:

    tests/golden/thach-quy-q3-2024.docx: đoạn 57 (mục "2. Cải cách thủ tục hành chính"): "… 537 hồ sơ …" → "… 538 hồ sơ …"
    tests/golden/thach-quy-q3-2024.docx: đề mục "I. CÔNG TÁC CHỈ ĐẠO …": mất chữ đậm

A golden .md, when there is one, is compared line by line the same way. Two files that differ only where nothing
shows (zip compression, document properties) match; `--update` still rewrites such a golden, so it stays the
exact output. Effective formatting is resolved through the style chain (document defaults → paragraph style
and its bases → character style → direct formatting), so a layout whose heading style loses its bold is caught
at every heading, and the same difference at many places is reported once with the first places it occurs.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree as ET

from cchc_docgen.errors import DocgenError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"

NOTE = "\ue000"  # a footnote reference inside a paragraph's text
OBJECT = "\ufffc"  # a picture or other drawn object
DATA_SUFFIXES = (".yaml", ".yml")
MAX_LINES_PER_FILE = 40  # differences listed per golden file; the rest are counted
REPEAT_GROUP = 4  # the same difference at this many places or more is listed once

HEAD = "phần đầu văn bản"
TAIL = "phần cuối văn bản"
HEADING_STYLE = re.compile(r"^(m[uụ]c|heading|ti[eê]u [dđ][eề])\s*\d", re.IGNORECASE)
LIST_MARK = re.compile(r"^\s*([-+•–*]|\d+[.)]|[a-zđ][)])\s")
CAPTION_STYLE = re.compile(r"b[aả]ng|caption", re.IGNORECASE)


# --- numbers and quotes, the Vietnamese way ----------------------------------------------------


def _number(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if text not in ("-0", "") else "0"


def _mm(twips) -> str:
    return f"{_number(twips * 25.4 / 1440)} mm" if twips is not None else "mặc định"


def _pt_half(half_points) -> str:
    return _number(half_points / 2) if half_points is not None else "mặc định"


def _clip(text: str, limit: int = 200) -> str:
    text = text.replace("\n", " ⏎ ").replace("\t", " ")
    if len(text) <= limit:
        return text
    keep = (limit - 3) // 2
    return f"{text[:keep].rstrip()} … {text[-keep:].lstrip()}"


def _short(text: str, limit: int = 60) -> str:
    """A name cut at the end ("5. Tiến độ, kết quả thực hiện các nhiệm vụ…"), for locations."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip(" ,;:") + "…"


def _quote(text: str, limit: int = 200) -> str:
    return f'"{_clip(text, limit)}"'


def _int(value) -> int | None:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return None


# --- reading a .docx into what a reader sees ---------------------------------------------------

RUN_KEYS = ("bold", "italic", "underline", "strike", "caps", "size", "font", "valign")
RUN_DEFAULTS = {"bold": False, "italic": False, "underline": False, "strike": False, "caps": False,
                "size": None, "font": None, "valign": "baseline"}
PARA_KEYS = ("style", "jc", "ind_left", "ind_right", "ind_first", "sp_before", "sp_after", "line")
PARA_DEFAULTS = {"jc": "left", "ind_left": 0, "ind_right": 0, "ind_first": 0, "sp_before": 0, "sp_after": 0,
                 "sp_line": 240, "sp_rule": "auto"}


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
    return out


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
        num_id = numbering.find(W + "numId")
        out["numbered"] = num_id is None or num_id.get(W + "val") != "0"
    return out


class _Styles:
    """styles.xml: each style's own properties, merged along `basedOn` on demand."""

    def __init__(self, xml: bytes | None):
        self.default_ppr: dict = {}
        self.default_rpr: dict = {}
        self.styles: dict[str, tuple[str, str, str | None, dict, dict]] = {}
        self.default_paragraph: str | None = None
        self._merged: dict[str, tuple[dict, dict]] = {}
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


def _on_attr(value) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


@dataclass
class _Para:
    text: str  # what shows; NOTE where a footnote is referenced, OBJECT for a picture
    fmts: list  # run formatting of each character (a tuple in RUN_KEYS order); None for NOTE
    props: dict  # paragraph formatting, PARA_KEYS
    notes: list[int]  # the footnote numbers of the NOTE marks, in order
    heading: bool = False
    label: str = ""  # where it is, as a reader would say it
    ends_section: bool = False  # a section break (new page setup) follows it

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
        out = []
        for char in self.text[start:end]:
            if char == NOTE:
                out.append(f"[^{self.notes[index]}]" if index < len(self.notes) else "[^]")
                index += 1
            elif char == OBJECT:
                out.append("[hình]")
            else:
                out.append(char)
        return "".join(out)

    def plain(self) -> str:
        return self.text.replace(NOTE, "").replace(OBJECT, "").strip()


@dataclass
class _Cell:
    column: int  # 1-based grid column
    blocks: list
    merged: bool = False  # covered by the cell above (a vertical merge)

    @property
    def key(self) -> str:
        return "\n".join(b.key for b in self.blocks)


@dataclass
class _Table:
    rows: list[list[_Cell]]
    label: str = ""

    @property
    def key(self) -> str:
        return "\x01TABLE\x01 " + " \x02 ".join(_row_key(row) for row in self.rows)


def _row_key(row: list[_Cell]) -> str:
    return " \x03 ".join(cell.key for cell in row)


@dataclass
class _Section:
    setup: dict  # page setup, as displayed: {"khổ giấy": "210 × 297 mm", "lề trái": "30 mm", …}
    parts: dict = field(default_factory=dict)  # ("đầu trang", "first") → blocks


@dataclass
class _View:
    body: list
    notes: list[tuple[int, list]]  # (number in reading order, blocks)
    sections: list[_Section]
    note_places: dict[int, str]  # footnote number → label of the paragraph that refers to it


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
        self.note_numbers: dict[str, int] = {}
        self.note_paras: dict[int, _Para] = {}
        self.sections: list[_Section] = []

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
    def read(self) -> _View:
        root = ET.fromstring(self.archive.read(self.document))
        body = root.find(W + "body")
        blocks = self._body(body if body is not None else root)
        notes = self._footnotes()
        places = {number: para.label for number, para in self.note_paras.items()}
        return _View(blocks, notes, self.sections, places)

    def _body(self, body) -> list:
        """The body's blocks, each labelled with the heading it is under and its place ("đoạn N")."""
        blocks = list(self._blocks(body, top=True))
        section, closed, count, tables = HEAD, False, 0, 0
        previous, appendix = None, False
        for block in blocks:
            if isinstance(block, _Para):
                if block.plain():
                    count += 1
                    if appendix:  # the first line after the signature's section break names the appendix
                        section, appendix = f'phụ lục "{_short(block.plain(), 40)}"', False
                if block.heading and not closed:
                    block.label = f'đề mục "{_short(block.plain(), 70)}"'
                    section = f'mục "{_short(block.plain())}"'
                else:
                    kind = ", dòng liệt kê" if block.is_list_item else ""
                    block.label = f"đoạn {count}{kind} ({section})" if block.plain() else f"đoạn trống sau đoạn {count} ({section})"
                # Decree 30: the body ends with "./."; what follows is Nơi nhận and the signature.
                if block.text.rstrip().endswith("./."):
                    section, closed = f"{TAIL}: nơi nhận, chữ ký", True
                appendix = appendix or (closed and block.ends_section)
            else:
                tables += 1
                caption = previous.plain() if isinstance(previous, _Para) and CAPTION_STYLE.search(previous.props["style"] or "") else ""
                name = f'bảng "{_short(caption, 40)}"' if caption else f"bảng {tables}"
                self._label_table(block, f"{name} ({section})")
            previous = block
        return blocks

    def _label_table(self, table: _Table, label: str) -> None:
        table.label = label
        for r, row in enumerate(table.rows, start=1):
            for cell in row:
                self._label_container(cell.blocks, f"{label}, dòng {r}, ô {cell.column}")

    def _label_container(self, blocks: list, label: str) -> None:
        paragraphs = [b for b in blocks if isinstance(b, _Para) and b.plain()]
        count = 0
        for block in blocks:
            if isinstance(block, _Para):
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

    def _paragraph(self, element) -> _Para:
        ppr = element.find(W + "pPr")
        style_el = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = style_el.get(W + "val") if style_el is not None else self.styles.default_paragraph
        style_ppr, style_rpr = self.styles.merged(style_id)
        props = {**PARA_DEFAULTS, **self.styles.default_ppr, **style_ppr, **_para_props(ppr)}
        props["style"] = self.styles.name(style_id)
        props["line"] = (props.pop("sp_rule"), props.pop("sp_line"))
        base_rpr = {**RUN_DEFAULTS, **self.styles.default_rpr, **style_rpr}
        chars: list[str] = []
        fmts: list = []
        notes: list[int] = []
        self._inline(element, base_rpr, chars, fmts, notes)
        para = _Para("".join(chars), fmts, props, notes)
        name = props["style"] or ""
        para.heading = bool(para.plain()) and (props.get("outline", 9) < 9 or bool(HEADING_STYLE.match(name)))
        for number in notes:
            self.note_paras.setdefault(number, para)
        return para

    def _inline(self, element, base_rpr, chars, fmts, notes) -> None:
        for child in element:
            tag = child.tag
            if tag == W + "r":
                self._run(child, base_rpr, chars, fmts, notes)
            elif tag in (W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "instrText"):
                continue
            else:  # hyperlinks, insertions, simple fields, content controls, smart tags …
                self._inline(child, base_rpr, chars, fmts, notes)

    def _run(self, run, base_rpr, chars, fmts, notes) -> None:
        rpr = run.find(W + "rPr")
        props = dict(base_rpr)
        if rpr is not None:
            run_style = rpr.find(W + "rStyle")
            if run_style is not None:
                props.update(self.styles.merged(run_style.get(W + "val"))[1])
            props.update(_run_props(rpr))
        fmt = tuple(props.get(k) for k in RUN_KEYS)

        def add(text):
            chars.append(text)
            fmts.extend([fmt] * len(text))

        for child in run:
            tag = child.tag
            if tag == W + "t":
                add(child.text or "")
            elif tag == W + "tab" or tag == W + "ptab":
                add("\t")
            elif tag in (W + "br", W + "cr"):
                add("\n")
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
                chars.append(OBJECT)
                fmts.append(None)

    def _table(self, element) -> _Table:
        rows = []
        for tr in element.findall(W + "tr"):
            column, cells = 1, []
            for tc in tr.findall(W + "tc"):
                tcpr = tc.find(W + "tcPr")
                grid_span = tcpr.find(W + "gridSpan") if tcpr is not None else None
                span = _int(grid_span.get(W + "val")) if grid_span is not None else 1
                merge = tcpr.find(W + "vMerge") if tcpr is not None else None
                merged = merge is not None and merge.get(W + "val", "continue") == "continue"
                cells.append(_Cell(column, list(self._blocks(tc)), merged))
                column += max(span or 1, 1)
            rows.append(cells)
        return _Table(rows)

    def _section(self, sect) -> _Section:
        setup = {}
        size = sect.find(W + "pgSz")
        if size is not None:
            width, height = _int(size.get(W + "w")), _int(size.get(W + "h"))
            if width and height:
                setup["khổ giấy"] = f"{_number(width * 25.4 / 1440)} × {_mm(height)}"
                landscape = size.get(W + "orient") == "landscape" or width > height
                setup["hướng giấy"] = "ngang" if landscape else "dọc"
        margins = sect.find(W + "pgMar")
        if margins is not None:
            for attr, name in (("top", "lề trên"), ("bottom", "lề dưới"), ("left", "lề trái"), ("right", "lề phải"),
                               ("header", "khoảng cách đầu trang"), ("footer", "khoảng cách chân trang"),
                               ("gutter", "lề đóng gáy")):
                if _int(margins.get(W + attr)) is not None:
                    setup[name] = _mm(abs(_int(margins.get(W + attr))))
        title_page = sect.find(W + "titlePg")
        setup["trang đầu khác các trang sau"] = "có" if title_page is not None and _on(title_page) else "không"
        columns = sect.find(W + "cols")
        setup["số cột"] = str(_int(columns.get(W + "num")) or 1) if columns is not None else "1"
        numbering = sect.find(W + "pgNumType")
        if numbering is not None and numbering.get(W + "start"):
            setup["số trang bắt đầu từ"] = numbering.get(W + "start")
        section = _Section(setup)
        for ref in sect:
            local = ref.tag[len(W):] if ref.tag.startswith(W) else ""
            if local in PART_NAMES:
                kind = ref.get(W + "type", "default")
                target = self.rels.get(ref.get(R + "id"), ("", ""))[1]
                if target in self.names:
                    label = f"{PART_NAMES[local]} ({PART_KINDS.get(kind, kind)})"
                    blocks = list(self._blocks(ET.fromstring(self.archive.read(target))))
                    self._label_container(blocks, label)
                    section.parts[label] = blocks
        return section

    def _footnotes(self) -> list[tuple[int, list]]:
        part = self._target("footnotes")
        if not part or part not in self.names:
            return []
        by_id = {}
        for note in ET.fromstring(self.archive.read(part)).iter(W + "footnote"):
            if note.get(W + "type") not in (None, "normal"):
                continue  # separators
            by_id[note.get(W + "id")] = note
        out = []
        for ref, number in sorted(self.note_numbers.items(), key=lambda item: item[1]):
            if ref not in by_id:
                continue
            blocks = list(self._blocks(by_id[ref]))
            first = next((b for b in blocks if isinstance(b, _Para)), None)
            if first is not None:  # the space Word puts after the footnote's own number
                strip = len(first.text) - len(first.text.lstrip())
                first.text, first.fmts = first.text[strip:], first.fmts[strip:]
            self._label_container(blocks, f"chú thích {number}")
            out.append((number, blocks))
        return out


def read_docx(content: bytes) -> _View:
    """What a reader sees in a .docx (raises ValueError when it is not one)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return _Reader(archive).read()
    except (zipfile.BadZipFile, KeyError, ET.ParseError, EOFError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None


# --- comparing ----------------------------------------------------------------------------------


@dataclass
class Difference:
    where: str
    what: str

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
        return f"cỡ chữ {_pt_half(old)} → {_pt_half(new)}"
    if key == "font":
        return f'phông chữ "{old or "mặc định"}" → "{new or "mặc định"}"'
    return f"{VALIGN_NAMES.get(old, old)} → {VALIGN_NAMES.get(new, new)}"


def _first_line(value) -> str:
    if not value:
        return "không thụt"
    return f"thụt {_mm(value)}" if value > 0 else f"thụt treo {_mm(-value)}"


def _line_spacing(value) -> str:
    rule, amount = value
    if amount is None:
        return "mặc định"
    if rule == "exact":
        return f"đúng {_number(amount / 20)} pt"
    if rule == "atLeast":
        return f"tối thiểu {_number(amount / 20)} pt"
    return f"{_number(amount / 240, 2)} dòng"


def _para_change(key: str, old, new) -> str:
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
        return f"{names[key]} {_mm(old)} → {_mm(new)}"
    name = "khoảng cách trước đoạn" if key == "sp_before" else "khoảng cách sau đoạn"
    return f"{name} {_number((old or 0) / 20)} pt → {_number((new or 0) / 20)} pt"


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
            hunks.append((_quote(show_old(0, len(old))), _quote(show_new(0, len(new)))))
        return hunks, equal

    def excerpt(spans, show, start, stop):
        if start >= stop:
            return "…" if spans else '""'
        text = show(spans[start][0], spans[stop - 1][1])
        lead = "… " if start > 0 else ""
        tail = " …" if stop < len(spans) else ""
        return f'"{lead}{_clip(text, 240)}{tail}"' if text else '""'

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

    def add(self, where: str, what: str) -> None:
        self.found.append(Difference(where, what))

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
        if isinstance(block, _Table):
            self.add(block.label, f"mất cả bảng ({len(block.rows)} dòng)")
        elif block.heading:
            self.add(block.label, "mất đề mục này")
        elif block.plain():
            self.add(block.label, f"mất đoạn {_quote(block.show())}")
        else:
            self.add(block.label, "mất một đoạn trống")

    def added(self, block) -> None:
        if isinstance(block, _Table):
            first = " | ".join(_quote(_cell_text(c), 40) for c in block.rows[0]) if block.rows else ""
            self.add(block.label, f"bảng mới ({len(block.rows)} dòng): {first}")
        elif block.heading:
            self.add(block.label, "đề mục mới")
        elif block.plain():
            self.add(block.label, f"đoạn mới {_quote(block.show())}")
        else:
            self.add(block.label, "thêm một đoạn trống")

    def block(self, a, b) -> None:
        if isinstance(a, _Para) and isinstance(b, _Para):
            self.paragraph(a, b)
        elif isinstance(a, _Table) and isinstance(b, _Table):
            self.table(a, b)
        else:
            self.removed(a)
            self.added(b)

    def paragraph(self, a: _Para, b: _Para) -> None:
        if a.text == b.text and a.fmts == b.fmts and a.props == b.props:
            return
        where = b.label
        for key in PARA_KEYS:
            if a.props.get(key) != b.props.get(key):
                self.add(where, _para_change(key, a.props.get(key), b.props.get(key)))
        if a.text == b.text:
            hunks, equal = [], [((0, len(a.text)), (0, len(b.text)))]
        else:
            hunks, equal = _word_hunks(a.text, b.text, a.show, b.show)
        for old, new in hunks:
            self.add(where, f"{old} → {new}")
        self.formatting(a, b, equal, where)

    def formatting(self, a: _Para, b: _Para, equal, where: str) -> None:
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
                    shown = ", ".join(_quote(b.show(s, e), 60) for s, e in spans[:3])
                    more = f" và {len(spans) - 3} chỗ khác" if len(spans) > 3 else ""
                    what += f" ở {shown}{more}"
                self.add(where, what)

    def table(self, a: _Table, b: _Table) -> None:
        if len(a.rows) == len(b.rows):
            pairs = list(zip(a.rows, b.rows))
        else:
            pairs = []
            matcher = SequenceMatcher(None, [_row_key(r) for r in a.rows], [_row_key(r) for r in b.rows], autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "equal":
                    pairs.extend(zip(a.rows[i1:i2], b.rows[j1:j2]))
                else:
                    pairs.extend(_pair(a.rows[i1:i2], b.rows[j1:j2], key=_row_key))
        row_numbers_b = {id(row): n for n, row in enumerate(b.rows, start=1)}
        row_numbers_a = {id(row): n for n, row in enumerate(a.rows, start=1)}
        for ra, rb in pairs:
            if ra is None:
                text = " | ".join(_quote(_cell_text(c), 40) for c in rb)
                self.add(f"{b.label}, dòng {row_numbers_b[id(rb)]}", f"dòng mới: {text}")
            elif rb is None:
                text = " | ".join(_quote(_cell_text(c), 40) for c in ra)
                self.add(f"{a.label}, dòng {row_numbers_a[id(ra)]}", f"mất dòng: {text}")
            else:
                self.row(ra, rb, f"{b.label}, dòng {row_numbers_b[id(rb)]}")

    def row(self, ra: list[_Cell], rb: list[_Cell], where: str) -> None:
        cells_a = {c.column: c for c in ra}
        cells_b = {c.column: c for c in rb}
        for column in sorted(set(cells_a) | set(cells_b)):
            ca, cb = cells_a.get(column), cells_b.get(column)
            if ca is None:
                self.add(f"{where}, ô {column}", f"ô mới {_quote(_cell_text(cb), 60)}")
            elif cb is None:
                self.add(f"{where}, ô {column}", f"mất ô {_quote(_cell_text(ca), 60)}")
            else:
                if ca.merged != cb.merged:
                    self.add(f"{where}, ô {column}", "gộp với ô bên trên" if cb.merged else "không còn gộp với ô bên trên")
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
                    self.add(f"chú thích {a[0]} (cũ)", f"mất chú thích {_quote(_blocks_text(a[1]))}")
                else:
                    place = places.get(b[0])
                    at = f", ở {place}" if place else ""
                    self.add(f"chú thích {b[0]} (mới{at})", _quote(_blocks_text(b[1])))

    def sections(self, old: list[_Section], new: list[_Section]) -> None:
        if len(old) != len(new):
            self.add("trang in", f"số phần (section) của văn bản {len(old)} → {len(new)}")
        for index, (a, b) in enumerate(zip(old, new), start=1):
            where = "trang in" if len(new) == 1 else f"trang in, phần {index}"
            for key in dict.fromkeys([*a.setup, *b.setup]):
                if a.setup.get(key) != b.setup.get(key):
                    self.add(where, f"{key} {a.setup.get(key, 'không có')} → {b.setup.get(key, 'không có')}")
            for label in dict.fromkeys([*a.parts, *b.parts]):
                pa, pb = a.parts.get(label), b.parts.get(label)
                if pa is None:
                    self.add(label, f"thêm {label}: {_quote(_blocks_text(pb), 80)}")
                elif pb is None:
                    self.add(label, f"mất {label}: {_quote(_blocks_text(pa), 80)}")
                else:
                    self.blocks(pa, pb)


def _spans(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """Group character positions into ranges; positions separated only by spaces belong together."""
    spans = []
    for position in sorted(positions):
        if spans and not text[spans[-1][1]:position].strip():
            spans[-1][1] = position + 1
        else:
            spans.append([position, position + 1])
    return [(s, e) for s, e in spans]


def _cell_text(cell: _Cell) -> str:
    return _blocks_text(cell.blocks)


def _blocks_text(blocks: list) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, _Para):
            if block.plain():
                parts.append(block.show().strip())
        else:
            parts.append(" | ".join(_cell_text(c) for row in block.rows for c in row))
    return " / ".join(parts)


def compare_docx(old: bytes, new: bytes) -> list[Difference]:
    """What a reader would see change from the golden .docx `old` to the new output `new`."""
    if old == new:
        return []
    try:
        view_old = read_docx(old)
    except ValueError as exc:
        return [Difference("", f"không đọc được tệp đối chiếu như một tệp Word (.docx): {exc}")]
    view_new = read_docx(new)
    differ = _Differ()
    differ.sections(view_old.sections, view_new.sections)
    differ.blocks(view_old.body, view_new.body)
    differ.footnotes(view_old.notes, view_new.notes, view_new.note_places)
    return differ.found


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
                current = f'mục "{_short(line.lstrip("#").strip())}"'
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
                found.append(Difference(f"dòng {a[0] + 1} cũ ({old_sections[a[0]]})", f"mất dòng {_quote(a[1])}"))
            elif b is not None and b[1].strip():
                found.append(Difference(f"dòng {b[0] + 1} ({new_sections[b[0]]})", f"dòng mới {_quote(b[1])}"))
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


# --- running the check --------------------------------------------------------------------------


def data_files(paths) -> list[Path]:
    """The data files named: a folder stands for every .yaml/.yml file directly in it, in name order."""
    out, seen = [], set()
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file())
            if not found:
                raise DocgenError(f"không có tệp dữ liệu (.yaml) nào trong thư mục {path}")
        else:
            found = [path]
        for item in found:
            if item.resolve() not in seen:
                seen.add(item.resolve())
                out.append(item)
    return out


@dataclass
class CaseResult:
    data: Path
    status: str  # "khớp", "khác", "thiếu", "lỗi", "tạo", "cập nhật", "không đổi"
    lines: list[str] = field(default_factory=list)


def _compare(kind: str, old: bytes, new: bytes) -> list[Difference]:
    if kind == "docx":
        return compare_docx(old, new)
    try:
        old_text = old.decode("utf-8")
    except UnicodeDecodeError:
        return [Difference("", "tệp đối chiếu không phải văn bản UTF-8")]
    return compare_md(old_text, new.decode("utf-8"))


def check_case(data: Path, golden_dir: Path, library, template_name: str | None, update: bool) -> CaseResult:
    """Render one data file and compare it with (or, updating, write) its goldens."""
    from cchc_docgen.pipeline import Pipeline
    from cchc_docgen.writers import write

    pipeline = Pipeline(library=library)
    try:
        document = pipeline.compose(pipeline.prepare(pipeline.read(data), template_name))  # once, for both formats
        outputs = {fmt: write(document, fmt) for fmt in ("docx", "md")}
        return _against_goldens(data, golden_dir, outputs, update)
    except DocgenError as exc:
        return CaseResult(data, "lỗi", str(exc).splitlines())
    except OSError as exc:  # a golden that cannot be read
        return CaseResult(data, "lỗi", [f"không đọc được {exc.filename}: {exc.strerror}"])


def _against_goldens(data: Path, golden_dir: Path, outputs: dict[str, bytes], update: bool) -> CaseResult:
    from cchc_docgen.output import write_atomically

    goldens = {fmt: golden_dir / f"{data.stem}.{fmt}" for fmt in ("docx", "md")}
    is_new = not goldens["docx"].exists()
    if not update:
        if is_new:
            return CaseResult(data, "thiếu", [f"{goldens['docx']}: chưa có tệp đối chiếu (golden) cho {data}"])
        lines = []
        for fmt, golden in goldens.items():
            if golden.exists():
                differences = _compare(fmt, golden.read_bytes(), outputs[fmt])
                lines.extend(f"{golden}: {line}" for line in summarize(differences))
        return CaseResult(data, "khác" if lines else "khớp", lines)

    lines, written = [], []
    golden_dir.mkdir(parents=True, exist_ok=True)
    for fmt, golden in goldens.items():
        if golden.exists():
            old = golden.read_bytes()
            if old == outputs[fmt]:
                continue
            differences = summarize(_compare(fmt, old, outputs[fmt]))
            write_atomically(golden, outputs[fmt])
            written.append(golden)
            lines.extend(f"{golden}: {line}" for line in differences)
            if not differences:
                lines.append(f"{golden}: chỉ khác ở phần không hiển thị (thuộc tính tệp, cách nén)")
        elif is_new:  # a new case gets both goldens; an existing case keeps the .md left out on purpose
            write_atomically(golden, outputs[fmt])
            written.append(golden)
    if not written:
        return CaseResult(data, "không đổi")
    names = ", ".join(str(p) for p in written)
    return CaseResult(data, "tạo" if is_new else "cập nhật", [names] if is_new else lines)


def run(paths, golden_dir: Path, library, template_name: str | None, update: bool, echo: Callable[[str], None],
        update_command: str = "") -> int:
    """Check (or update) every case; print a report through `echo`; return the exit code (0: all match)."""
    files = data_files(paths)
    stems: dict[str, Path] = {}
    counts: dict[str, int] = {}
    for data in files:
        if data.stem in stems:
            result = CaseResult(data, "lỗi", [f"trùng tên với {stems[data.stem]}: cả hai dùng chung tệp đối chiếu "
                                             f"{golden_dir / (data.stem + '.docx')}; hãy đổi tên một tệp"])
        else:
            stems[data.stem] = data
            result = check_case(data, golden_dir, library, template_name, update)
        counts[result.status] = counts.get(result.status, 0) + 1
        _print_case(result, echo)
    total = len(files)
    if update:
        names = {"tạo": "tạo mới", "cập nhật": "cập nhật", "không đổi": "không đổi", "lỗi": "lỗi"}
        parts = [f"{counts[s]} {name}" for s, name in names.items() if counts.get(s)]
        echo(f"\nĐã xử lý {total} tệp dữ liệu: " + ", ".join(parts) + ".")
        return 1 if counts.get("lỗi") else 0
    names = {"khác": "khác tệp đối chiếu", "thiếu": "chưa có tệp đối chiếu", "lỗi": "lỗi"}
    parts = [f"{counts.get('khớp', 0)} khớp"] + [f"{counts[s]} {name}" for s, name in names.items() if counts.get(s)]
    echo(f"\nĐã kiểm tra {total} tệp dữ liệu: " + ", ".join(parts) + ".")
    if counts.get("khác") or counts.get("thiếu"):
        echo("Nếu các thay đổi trên là đúng ý, duyệt (tạo hoặc cập nhật tệp đối chiếu) bằng lệnh:")
        echo(f"  {update_command}" if update_command else "  docgen check … --update")
    return 0 if counts.get("khớp", 0) == total else 1


STATUS_TEXT = {"khớp": "khớp", "khác": "KHÁC tệp đối chiếu", "thiếu": "THIẾU tệp đối chiếu", "lỗi": "LỖI",
               "tạo": "đã tạo", "cập nhật": "đã cập nhật", "không đổi": "không đổi"}


def _print_case(result: CaseResult, echo) -> None:
    if result.status == "tạo":
        echo(f"{result.data}: đã tạo {result.lines[0]}")
        return
    echo(f"{result.data}: {STATUS_TEXT[result.status]}")
    for line in result.lines:
        echo(f"  {line}")
