"""A .docx read the way a reader sees it (for golden checks): the body's paragraphs with their effective
formatting (resolved through the style chain), tables cell by cell, footnotes by number, headers and footers,
and page setup. `read_docx(bytes) -> DocumentView`."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"

NOTE = "\ue000"  # a footnote reference inside a paragraph's text
OBJECT = "\ufffc"  # a picture or other drawn object

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
class ParaView:
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
class CellView:
    column: int  # 1-based grid column
    blocks: list
    merged: bool = False  # covered by the cell above (a vertical merge)

    @property
    def key(self) -> str:
        return "\n".join(b.key for b in self.blocks)


@dataclass
class TableView:
    rows: list[list[CellView]]
    label: str = ""

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
        self.note_paras: dict[int, ParaView] = {}
        self.sections: list[SectionView] = []

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
        return DocumentView(blocks, notes, self.sections, places)

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
        props = {**PARA_DEFAULTS, **self.styles.default_ppr, **style_ppr, **_para_props(ppr)}
        props["style"] = self.styles.name(style_id)
        props["line"] = (props.pop("sp_rule"), props.pop("sp_line"))
        base_rpr = {**RUN_DEFAULTS, **self.styles.default_rpr, **style_rpr}
        chars: list[str] = []
        fmts: list = []
        notes: list[int] = []
        self._inline(element, base_rpr, chars, fmts, notes)
        para = ParaView("".join(chars), fmts, props, notes)
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

    def _table(self, element) -> TableView:
        rows = []
        for tr in element.findall(W + "tr"):
            column, cells = 1, []
            for tc in tr.findall(W + "tc"):
                tcpr = tc.find(W + "tcPr")
                grid_span = tcpr.find(W + "gridSpan") if tcpr is not None else None
                span = _int(grid_span.get(W + "val")) if grid_span is not None else 1
                merge = tcpr.find(W + "vMerge") if tcpr is not None else None
                merged = merge is not None and merge.get(W + "val", "continue") == "continue"
                cells.append(CellView(column, list(self._blocks(tc)), merged))
                column += max(span or 1, 1)
            rows.append(cells)
        return TableView(rows)

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
            first = next((b for b in blocks if isinstance(b, ParaView)), None)
            if first is not None:  # the space Word puts after the footnote's own number
                strip = len(first.text) - len(first.text.lstrip())
                first.text, first.fmts = first.text[strip:], first.fmts[strip:]
            self._label_container(blocks, f"chú thích {number}")
            out.append((number, blocks))
        return out


def read_docx(content: bytes) -> DocumentView:
    """What a reader sees in a .docx (raises ValueError when it is not one)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return _Reader(archive).read()
    except (zipfile.BadZipFile, KeyError, ET.ParseError, EOFError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None
