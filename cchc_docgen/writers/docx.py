"""The .docx writer: the layout template (a docxtpl template made in Word) plus the body and its footnotes.

docxtpl cannot create footnotes (its issue #609) and re-reads and re-parses the layout on every render, so
we use only its template *dialect*: the layout's XML parts are cleaned once with docxtpl's own `patch_xml`
(merging tags split across Word runs, `{%p %}`/`{%tr %}`/`{{p }}` handling), compiled once with Jinja, and
rendered per document. The body is WordprocessingML built here from the document model and placed where the
layout has `{{p noi_dung }}`; footnotes go into `word/footnotes.xml`, which is created when the layout has none.
The zip is written with fixed timestamps and order, so the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import marshal
import os
import re
import struct
import sys
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from cchc_docgen.composing.header import layout_variables
from cchc_docgen.errors import TemplateError
from cchc_docgen.model import (
    Appendix,
    Cell,
    Document,
    Heading,
    Note,
    Paragraph,
    Table,
    Text,
)
from cchc_docgen.templating.cache import cache_get, cache_put, prebuilt, prebuilt_code
from cchc_docgen.templating.sandbox import (
    COMPILED_CODE_VERSION,
    BoundedSandbox,
    TemplateTimeout,
    TooBigError,
    template_limits,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_PART = "word/footnotes.xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
MAX_LAYOUT_BYTES = 50 * 1024 * 1024

# Style ids of the base layout (tools/make_layout.py); an author restyles the body by editing these styles.
STYLE_BODY = "Noidung"
STYLE_HEADING = "Muc{}"
STYLE_TABLE = "Bang"
STYLE_TABLE_HEADER = "Bangdau"
STYLE_TABLE_CAPTION = "Tenbang"
STYLE_NOTE_TEXT = "FootnoteText"
STYLE_NOTE_REF = "FootnoteReference"
LIST_MARKS = {"dash": "- ", "plus": "+ "}
TEXT_WIDTH_TWIPS = 9354  # 165 mm: A4 less 30 mm and 15 mm margins
LANDSCAPE_TEXT_WIDTH_TWIPS = 14287  # 252 mm: A4 landscape less the same margins


# --- body XML -----------------------------------------------------------------------------


_RUN_START = {
    (bold, italic, sup): "<w:r>" + (("<w:rPr>" + ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
                                    + ('<w:vertAlign w:val="superscript"/>' if sup else "") + "</w:rPr>")
                                   if (bold or italic or sup) else "") + '<w:t xml:space="preserve">'
    for bold in (False, True) for italic in (False, True) for sup in (False, True)
}


def _run(text: str, bold=False, italic=False, superscript=False) -> str:
    # The styles are bools as a rule: bool() only for anything else.
    start = _RUN_START.get((bold, italic, superscript)) or _RUN_START[bool(bold), bool(italic), bool(superscript)]
    return f"{start}{_xml_text(text)}</w:t></w:r>"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """XML 1.0 forbids most control characters; they cannot appear in a Word document."""
    return _CONTROL.sub("", text)


def _xml_text(text: str) -> str:
    """Text as XML character data: most text needs nothing, so a quick test decides. (Not xml.sax.saxutils.escape:
    importing it pulls in urllib and http.client, ~30 ms of every one-shot start.)"""
    if text.isprintable():  # no control character (C-speed; a few harmless characters take the longer way)
        if "&" not in text and "<" not in text and ">" not in text:
            return text
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _NEEDS_ESCAPING.search(text) is None:
        return text
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _note_ref(note_id: int) -> str:
    return (f'<w:r><w:rPr><w:rStyle w:val="{STYLE_NOTE_REF}"/><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteReference w:id="{note_id}"/></w:r>')


_LIST_MARK_RUNS = {kind: _run(mark) for kind, mark in LIST_MARKS.items()}


# Private-use characters around a random name: no layout or document text can hold it, even on purpose.
_BODY_STAND_IN = f"\ue001noi_dung:{os.urandom(8).hex()}\ue001"
_BODY_STAND_IN_BYTES = _BODY_STAND_IN.encode()


# The body is built as UTF-8 bytes: its markup is ASCII, and only the text of each run is encoded. Joined as str, the
# markup would be widened to the text's two bytes a character and then encoded back, character by character
# (measured: write 20.7 M → 19.3 M instructions per render of the bench case).
_RUN_START_BYTES = {style: start.encode() for style, start in _RUN_START.items()}
_RUN_END = b"</w:t></w:r>"
_LIST_MARK_RUN_BYTES = {kind: run.encode() for kind, run in _LIST_MARK_RUNS.items()}
_PARAGRAPH_START = f'<w:p><w:pPr><w:pStyle w:val="{STYLE_BODY}"/></w:pPr>'.encode()
_LAST_PARAGRAPH_START = f'<w:p><w:pPr><w:pStyle w:val="{STYLE_BODY}"/><w:keepNext/></w:pPr>'.encode()
_ROW_START = (b"<w:tr><w:trPr><w:cantSplit/></w:trPr>", b"<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>")
_TABLE_START = ('<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/><w:tblBorders>'
                + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                          for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
                + '</w:tblBorders><w:tblLayout w:type="fixed"/>'
                '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
                '</w:tblPr><w:tblGrid>')
# Word needs a paragraph between a table and what follows; an empty small one keeps the gap minimal.
_TABLE_END = f'</w:tbl><w:p><w:pPr><w:pStyle w:val="{STYLE_TABLE}"/></w:pPr></w:p>'.encode()
_CELL_END = b"</w:p></w:tc>"


def _xml_bytes(text: str) -> bytes:
    """_xml_text, encoded."""
    if text.isprintable() and "&" not in text and "<" not in text and ">" not in text:  # most text
        return text.encode()
    return _xml_text(text).encode()


class BodyWriter:
    """The body's XML (bytes) and its footnotes' (str, in reading order: `notes`)."""

    def __init__(self, first_note_id: int):
        self.first_note_id = first_note_id
        self.notes: list[str] = []  # footnote XML, in reading order

    def inlines(self, items, force_bold=False) -> bytes:
        if len(items) == 1 and items[0].__class__ is Text:  # most paragraphs and cells: one run
            item = items[0]
            text = item.text
            bold = item.bold or force_bold
            start = _RUN_START_BYTES.get((bold, item.italic, item.superscript)) or _RUN_START_BYTES[
                bool(bold), bool(item.italic), bool(item.superscript)]
            if text.isprintable() and "&" not in text and "<" not in text and ">" not in text:
                return start + text.encode() + _RUN_END
            return start + _xml_text(text).encode() + _RUN_END
        out = []
        for item in items:
            if item.__class__ is Note:
                note_id = self.first_note_id + item.number - 1
                out.append(_note_ref(note_id).encode())
                self.notes.append(self.footnote(note_id, item))
            else:
                bold = item.bold or force_bold
                out.append(_RUN_START_BYTES.get((bold, item.italic, item.superscript)) or _RUN_START_BYTES[
                    bool(bold), bool(item.italic), bool(item.superscript)])
                out.append(_xml_bytes(item.text))
                out.append(_RUN_END)
        return b"".join(out)

    def footnote(self, note_id: int, note: Note) -> str:
        body = "".join(_run(t.text, t.bold, t.italic, t.superscript) for t in note.content)
        return (f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="{STYLE_NOTE_TEXT}"/></w:pPr>'
                f'<w:r><w:rPr><w:rStyle w:val="{STYLE_NOTE_REF}"/><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteRef/></w:r>{_run(" ")}{body}</w:p></w:footnote>')

    @staticmethod
    def paragraph(style: str, content: bytes) -> bytes:
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'.encode() + content + b"</w:p>"

    def body(self, blocks) -> bytes:
        """The body's XML. The closing "./." paragraph stays on the page of Nơi nhận and the signature: when the
        body ends with a body-text paragraph, that paragraph keeps with the next."""
        out = []
        append, inlines = out.append, self.inlines
        last = len(blocks) - 1
        for index, block in enumerate(blocks):
            if block.__class__ is Paragraph:  # most blocks
                append(_LAST_PARAGRAPH_START if index == last else _PARAGRAPH_START)
                if block.kind != "body":
                    append(_LIST_MARK_RUN_BYTES.get(block.kind, b""))
                append(inlines(block.content))
                append(b"</w:p>")
            else:
                append(self.block(block))
        return b"".join(out)

    def block(self, block) -> bytes:
        """A heading or a table (body() writes the paragraphs)."""
        if isinstance(block, Heading):
            number = _run(block.number + " ").encode() if block.number else b""
            # The number takes the heading's own style (bold etc. from the "Muc n" style).
            return self.paragraph(STYLE_HEADING.format(block.level), number + self.inlines(block.content))
        return self.table(block)

    def table(self, table: Table, text_width: int = TEXT_WIDTH_TWIPS) -> bytes:
        placed_rows = table.placed_rows()
        # Each cell ends where its grid column plus its span does, so none reaches past the widest row.
        columns = max((column + cell.colspan for row in placed_rows for column, cell in row), default=0)
        widths = table.widths[:columns] if len(table.widths) >= columns else [1.0] * columns
        total = sum(widths)
        grid = [round(text_width * w / total) for w in widths]
        out = []
        if table.caption:
            out.append(self.paragraph(STYLE_TABLE_CAPTION, self.inlines(table.caption)))
        out.append((_TABLE_START + "".join(f'<w:gridCol w:w="{w}"/>' for w in grid) + "</w:tblGrid>").encode())
        append, inlines = out.append, self.inlines
        covered = table.covered_columns()
        header_rows = table.header_rows
        cell_starts: dict = {}  # (column, span, merged down, header, numeric) → the cell's XML up to its text
        for r, placed in enumerate(placed_rows):
            header = r < header_rows
            append(_ROW_START[header])
            row_covered = covered[r]
            column = 0
            for start, cell in placed:
                if start != column:
                    if start < column:  # under the span of a cell before it
                        continue
                    column = self.fill_row(out, grid, row_covered, column, start, header)
                    if column != start:
                        continue
                span = cell.colspan
                key = (column, span, cell.rowspan > 1, header, cell.numeric)
                cell_start = cell_starts.get(key)
                if cell_start is None:
                    cell_start = cell_starts[key] = _cell_start(grid, column, span, "restart" if key[2] else None,
                                                                header, cell.numeric).encode()
                append(cell_start)
                append(inlines(cell.content))
                append(_CELL_END)
                column += span
            if column < columns:
                self.fill_row(out, grid, row_covered, column, columns, header)
            append(b"</w:tr>")
        append(_TABLE_END)
        return b"".join(out)

    def fill_row(self, out: list, grid, row_covered: dict, column: int, end: int, header: bool) -> int:
        """The cells of a row's columns from `column` to `end` where no cell starts: the continuation of a cell
        merged down from a row above, else an empty cell (a short row). Returns the column after them."""
        while column < end:
            if column in row_covered:
                span = row_covered[column]
                out.append(self.cell_xml(None, grid, column, span, header, "continue"))
            else:
                span = 1
                out.append(self.cell_xml(Cell([]), grid, column, 1, header, None))
            column += span
        return column

    def appendix(self, appendix: Appendix) -> bytes:
        """Label, title and "(Kèm theo …)" line, centred, then the table (Decree 30, Phụ lục I, mục 8)."""
        def centred(text, props, after=0):
            return (f'<w:p><w:pPr><w:spacing w:before="0" w:after="{after}"/><w:ind w:firstLine="0"/>'
                    f'<w:jc w:val="center"/></w:pPr><w:r><w:rPr>{props}<w:sz w:val="28"/></w:rPr>'
                    f'<w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r></w:p>')

        width = LANDSCAPE_TEXT_WIDTH_TWIPS if appendix.landscape else TEXT_WIDTH_TWIPS
        return ((centred(appendix.label, "<w:b/>") + centred(appendix.title, "<w:b/>")
                 + centred(appendix.attachment, "<w:i/>", after=240)).encode() + self.table(appendix.table, width))

    def cell_xml(self, cell: Cell | None, grid, column, span, header, merge) -> bytes:
        if cell is None:
            props = _cell_properties(grid, column, span, merge)
            return (f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{STYLE_TABLE}"/></w:pPr></w:p>'
                    '</w:tc>').encode()
        start = _cell_start(grid, column, span, merge, header, cell.numeric)
        return start.encode() + self.inlines(cell.content) + _CELL_END


def _cell_start(grid, column: int, span: int, merge: str | None, header: bool, numeric: bool) -> str:
    """A cell's XML up to its text."""
    style = STYLE_TABLE_HEADER if header else STYLE_TABLE
    align = '<w:jc w:val="center"/>' if (header or numeric) else ""
    return (f'<w:tc><w:tcPr>{_cell_properties(grid, column, span, merge)}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{align}</w:pPr>')


def _cell_properties(grid, column: int, span: int, merge: str | None) -> str:
    """A cell's tcPr content."""
    props = f'<w:tcW w:w="{sum(grid[column:column + span])}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if merge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        props += "<w:vMerge/>"
    return props + '<w:vAlign w:val="center"/>'


# --- layout -----------------------------------------------------------------------------------


def layout_value(value):
    """How a header value prints in the layout: XML-escaped text, a line break where the text has one."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup) and ("\n" in value or "\t" in value):
        lines = [Markup('</w:t><w:tab/><w:t xml:space="preserve">').join(line.split("\t"))
                 for line in _clean(value).split("\n")]
        return Markup('</w:t><w:br/><w:t xml:space="preserve">').join(lines)
    return value


def layout_env() -> SandboxedEnvironment:
    # autoescape: header values are text and must be XML-escaped; the body arrives as Markup (already XML).
    # A loader that finds nothing: a layout may not include, import or extend any file.
    return BoundedSandbox(autoescape=True, undefined=jinja2.StrictUndefined, finalize=layout_value,
                          loader=jinja2.FunctionLoader(lambda name: None))


def compile_cached(env, source: str, name: str) -> jinja2.Template:
    """Compile a layout part with Jinja, keeping the compiled code in the cache folder (keyed by the source and
    the Python and Jinja versions): a one-shot render of a known layout skips Jinja's parser and compiler. A
    built-in layout's part is compiled from its prebuilt Python source the first time (see templating.cache)."""
    digest = hashlib.sha256(f"{sys.version}\0{jinja2.__version__}\0{COMPILED_CODE_VERSION}\0{name}\0{source}"
                            .encode()).hexdigest()[:32]
    key = f"layout-code-{digest}.bin"
    code = None
    stored = cache_get(key)
    if stored is not None:
        try:
            code = marshal.loads(stored)
        except (ValueError, EOFError, TypeError):
            code = None
    if code is None:
        code = prebuilt_code(LAYOUT_CODE_SETTINGS, name, source, "<template>") or env.compile(source, name)
        cache_put(key, marshal.dumps(code))
    return env.template_class.from_code(env, code, env.make_globals(None), None)


# What code_key gets for a layout part: the layout environment has no settings of its own.
LAYOUT_CODE_SETTINGS = "layout"


# A templated part (document, header, footer) larger than this is not a layout: patching and compiling it would
# take seconds per megabyte (a small, highly compressed .docx can hold hundreds of them).
MAX_TEMPLATED_PART_BYTES = 1024 * 1024


_CHECK_VERSION = b"3\0"  # raise when _check_parts checks more: earlier verdicts no longer hold


def layout_verdict_key(raw: bytes) -> str:
    """The key of _check_parts's verdict on a layout file's bytes (a built-in layout's is prebuilt)."""
    return hashlib.sha256(_CHECK_VERSION + raw).hexdigest()[:32]


class _Doctype(Exception):
    """Raised from expat at a DOCTYPE declaration."""


def _refuse_doctype(*args):
    raise _Doctype


def xml_problem(data) -> str | None:
    """Why `data` (bytes or str) is not an XML part Word and LibreOffice open, in Vietnamese; None when it is.
    A DOCTYPE is refused: Office Open XML forbids DTDs, and an entity declared in one stops LibreOffice."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    try:
        parser.Parse(data, True)
    except _Doctype:
        return ("có khai báo DOCTYPE, điều tài liệu Word (Office Open XML) không được có: Word hoặc LibreOffice "
                "có thể không mở được văn bản")
    except expat.ExpatError as exc:
        return f"không phải XML hợp lệ ({exc})"
    return None


def _check_parts(path: Path, parts) -> None:
    """Refuse, before any work, a layout whose parts have a problem (layout_problem)."""
    problem = layout_problem(parts)
    if problem:
        raise TemplateError(f"tệp bố cục {path}: {problem}")


def layout_problem(parts) -> str | None:
    """The first reason, in Vietnamese, why a layout's parts ((name, bytes) pairs) cannot make a document: an XML
    part that is not UTF-8, not well-formed, or far too large, or a package Word would not open
    (_package_problem). None when there is none."""
    for name, data in parts:
        if not name.endswith((".xml", ".rels")):
            continue
        if TEMPLATED_PART.match(name) and len(data) > MAX_TEMPLATED_PART_BYTES:
            return (f"phần {name} quá lớn ({len(data) // 1024} KB; tối đa {MAX_TEMPLATED_PART_BYTES // 1024} KB)")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return f"phần {name} không phải văn bản UTF-8"
        problem = xml_problem(data)
        if problem:
            return f"phần {name} {problem}"
    # The layout's own package, before the writer adds to it: a problem is named as the layout has it.
    return _package_problem(dict(parts))


BODY_TAG = re.compile(r"\{\{-?\s*noi_dung\b")


def inside_paragraph(xml: str, at: int) -> bool:
    """Whether position `at` of a part's XML lies inside a paragraph (w:p)."""
    opened = max(xml.rfind("<w:p>", 0, at), xml.rfind("<w:p ", 0, at))
    return opened > xml.rfind("</w:p>", 0, at)


def _check_body_place(path: Path, patched: dict[str, str], original: dict[str, bytes]) -> None:
    """The body goes where the layout has {{p noi_dung }}: once, in word/document.xml, as a paragraph of its own
    (docxtpl's "p" replaces the whole paragraph). {{ noi_dung }} without "p" would put the body's paragraphs
    inside a paragraph's text, where Word shows nothing of them. Looked for in the patched XML (docxtpl has
    merged a tag split across runs); lint.body_place_problems locates a problem by paragraph for the message."""
    found = [(name, m.start()) for name, xml in patched.items() for m in BODY_TAG.finditer(xml)]
    if (len(found) == 1 and found[0][0] == "word/document.xml"
            and not inside_paragraph(patched["word/document.xml"], found[0][1])):
        return
    from cchc_docgen.authoring.lint import body_place_problems

    place, problem, text = body_place_problems(patched, original)[0]
    raise TemplateError(f"tệp bố cục {path}: {place}: {problem}" + (f"\n    «{text}»" if text else ""))


def _check_rendered(path: Path, name: str, rendered: str) -> None:
    """A templated part as rendered for one document (around the body's stand-in): still XML, and the body still
    between paragraphs. What the layout's tags print is escaped, so only a tag that shapes the XML itself ({% if
    %} around half an element, in a hand-edited layout) can break it."""
    problem = xml_problem(rendered)
    if problem is None and name == "word/document.xml":
        at = rendered.find(_BODY_STAND_IN)
        if at >= 0 and inside_paragraph(rendered, at):
            problem = "đặt phần thân vào bên trong một đoạn; cần {{p noi_dung }} trên một đoạn riêng"
    if problem:
        raise TemplateError(f"tệp bố cục {path}: phần {name} dựng với dữ liệu này {problem}")


_UNOPENABLE = "; Word và LibreOffice không mở được văn bản làm từ bố cục này"
CONTENT_TYPES_PART = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
OFFICE_DOCUMENT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
# A part's references to its relationships (r:id of a header or footer, r:embed of a picture, …).
# (A leading space, not \\b: a pattern that starts with a literal is searched for at C speed.)
_RELATIONSHIP_REFERENCE = re.compile(r' r:(?:id|embed|link|pict|dm|lo|qs|cs)="([^"]*)"')


NO_RELATIONSHIPS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')


def _elements(data, *tags: str) -> list[dict] | str:
    """The attributes of each element named in `tags` of a small XML part (relationships, content types), or
    why the part cannot be read."""
    from xml.parsers import expat

    found = []
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = lambda name, attrs: found.append(attrs) if name in tags else None
    try:
        parser.Parse(data, True)
    except (_Doctype, expat.ExpatError):
        return xml_problem(data)
    return found


def _rels_source(rels_name: str) -> str:
    """The part a relationships part belongs to: "word/_rels/document.xml.rels" → "word/document.xml"
    ("" for the package's own "_rels/.rels")."""
    folder, _, file = rels_name.rpartition("_rels/")
    return folder + file[: -len(".rels")]


def _target_part(source: str, target: str) -> str:
    """The part name a relationship's Target names, relative to its source part's folder."""
    import posixpath
    from urllib.parse import unquote

    path = target[1:] if target.startswith("/") else posixpath.join(posixpath.dirname(source), target)
    return posixpath.normpath(unquote(path))


def _package_problem(parts: dict) -> str | None:
    """What would stop Word or LibreOffice from opening a package of these parts ({name: bytes or str}), in
    Vietnamese; None when nothing does. See structure_problem and reference_problem."""
    problem, relationships = structure_problem(parts)
    return problem or reference_problem(parts, relationships)


def structure_problem(parts: dict, footnotes: bool = False) -> tuple[str | None, dict]:
    """(what is wrong, the relationships of each source part) of a package of these parts ({name: content};
    only the relationships parts and [Content_Types].xml need their content, the others may map to None).
    Checked: the relationships parts parse and each internal target is a part of the package, the main document
    is word/document.xml, and [Content_Types].xml gives every part a type; with `footnotes` (the body refers to
    footnotes), word/footnotes.xml is the document's footnotes part, with the footnotes content type."""
    names = {name for name in parts if not name.endswith("/")}
    relationships: dict[str, dict] = {}
    if PACKAGE_RELS not in names:
        return (f"thiếu phần {PACKAGE_RELS} (nơi tài liệu Word cho biết phần nào là thân văn bản){_UNOPENABLE}",
                relationships)
    for name in sorted(n for n in names if n.endswith(".rels")):
        found = _elements(parts[name], "Relationship")
        if isinstance(found, str):
            return f"phần {name} {found}{_UNOPENABLE}", relationships
        source = _rels_source(name)
        relationships[source] = {}
        for rel in found:
            relationships[source][rel.get("Id")] = rel
            target = _target_part(source, rel.get("Target", ""))
            if rel.get("TargetMode") != "External" and target not in names:
                return (f"{name}: quan hệ '{rel.get('Id')}' trỏ tới phần {target}, nhưng tệp không có phần này "
                        f"(đã bị xóa hoặc đổi tên){_UNOPENABLE}"), relationships
    main = [r for r in relationships[""].values() if r.get("Type") == OFFICE_DOCUMENT_REL]
    if not main or _target_part("", main[0].get("Target", "")) != "word/document.xml":
        return f"{PACKAGE_RELS} không chỉ tới word/document.xml là thân văn bản{_UNOPENABLE}", relationships
    if CONTENT_TYPES_PART not in names:
        return f"thiếu phần {CONTENT_TYPES_PART}{_UNOPENABLE}", relationships
    types = _elements(parts[CONTENT_TYPES_PART], "Default", "Override")
    if isinstance(types, str):
        return f"phần {CONTENT_TYPES_PART} {types}{_UNOPENABLE}", relationships
    extensions = {t["Extension"].lower() for t in types if "Extension" in t}
    overridden = {t["PartName"].lower() for t in types if "PartName" in t}
    for name in sorted(names - {CONTENT_TYPES_PART}):
        if f"/{name}".lower() not in overridden and name.rpartition(".")[2].lower() not in extensions:
            return f"phần {name} không có kiểu nội dung trong {CONTENT_TYPES_PART}{_UNOPENABLE}", relationships
    if footnotes:
        notes = [r for r in relationships.get("word/document.xml", {}).values() if r.get("Type") == FOOTNOTES_REL]
        if not notes or _target_part("word/document.xml", notes[0].get("Target", "")) != FOOTNOTES_PART:
            return (f"{DOCUMENT_RELS} không có quan hệ tới {FOOTNOTES_PART}, nên các chú thích không hiện ra",
                    relationships)
        declared = [t.get("ContentType") for t in types if t.get("PartName", "").lower() == f"/{FOOTNOTES_PART}"]
        declared += [t.get("ContentType") for t in types if t.get("Extension", "").lower() == "xml"]
        if declared[:1] != [FOOTNOTES_CT]:
            return (f"phần {FOOTNOTES_PART} không được khai báo là chú thích trong {CONTENT_TYPES_PART}, nên các chú "
                    "thích không hiện ra", relationships)
    return None, relationships


def reference_problem(parts: dict, relationships: dict) -> str | None:
    """An r:id that a WordprocessingML part among `parts` (the document, a header, the footnotes, the styles, …)
    uses and its relationships do not declare. A layout's parts are all checked once when it is read (its verdict
    is kept); a render checks again only the parts it makes."""
    for name in sorted(parts):
        content = parts[name]
        if content is None or not (name.startswith("word/") and name.endswith(".xml")):
            continue
        text = content if isinstance(content, str) else content.decode("utf-8")
        for rel_id in dict.fromkeys(_RELATIONSHIP_REFERENCE.findall(text) if " r:" in text else ()):
            folder, _, file = name.rpartition("/")
            rels = f"{folder}/_rels/{file}.rels"
            if name not in relationships:
                return (f"{name} dùng quan hệ '{rel_id}' nhưng tệp không có phần {rels} khai báo các quan hệ của nó"
                        + _UNOPENABLE)
            if rel_id not in relationships[name]:
                return f"{name} dùng quan hệ '{rel_id}' nhưng {rels} không có quan hệ này{_UNOPENABLE}"
    return None


def _read_for_render(info: zipfile.ZipInfo) -> bool:
    """Whether a render reads this part of a layout: a templated part, the parts made for each document, the
    relationships (the package check reads them), or one the layout's zip does not store deflated."""
    name = info.filename
    return (info.compress_type != zipfile.ZIP_DEFLATED or name.endswith(".rels") or TEMPLATED_PART.match(name) is not None
            or name in (CORE_PART, FOOTNOTES_PART, CONTENT_TYPES_PART))


class Layout:
    """A layout .docx, read and compiled once, rendered for many documents. `parts`: (name, content) of each part in
    the layout's order, the content None for a part no render reads once the layout is known to be good (see
    _read_for_render)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            if path.stat().st_size > MAX_LAYOUT_BYTES:
                raise TemplateError(f"tệp bố cục quá lớn: {path}")
            raw = path.read_bytes()
            # The well-formedness check parses every part (styles.xml alone is ~350 KB): its verdict on these exact
            # bytes is kept in the cache folder, so a one-shot render of a known layout does not parse it again.
            verdict = layout_verdict_key(raw)
            checked = prebuilt("checked", verdict) is not None or cache_get(f"layout-checked-{verdict}") is not None
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                total = sum(i.file_size for i in archive.infolist())
                if total > 4 * MAX_LAYOUT_BYTES:
                    raise TemplateError(f"tệp bố cục giải nén ra quá lớn ({total // 2**20} MB): {path}")
                infos = archive.infolist()
                # A checked layout was read whole when it was checked, each part's CRC with it: now only the parts
                # a render reads are inflated; the others (None here) go into each document as the layout's zip
                # stores them (measured: one-shot render 557 M → 553 M).
                self.parts = [(info.filename, archive.read(info) if not checked or _read_for_render(info) else None)
                              for info in infos]
        except (zipfile.BadZipFile, OSError, KeyError, EOFError) as exc:
            raise TemplateError(f"tệp bố cục hỏng hoặc không đọc được: {path} ({exc})") from None
        names = {name for name, _ in self.parts}
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise TemplateError(f"tệp bố cục không phải tài liệu Word (.docx): {path}")
        if not checked:
            _check_parts(path, self.parts)
            cache_put(f"layout-checked-{verdict}", b"")
        self.env = layout_env()
        self.compiled: dict[str, jinja2.Template] = {}
        patched = patched_parts(self.parts)
        for name, xml in patched.items():
            try:
                self.compiled[name] = compile_cached(self.env, xml, name)
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(f"lỗi cú pháp trong tệp bố cục {path} ({name}): {exc.message}") from None
        _check_body_place(path, patched, dict(self.parts))
        footnotes = dict(self.parts).get(FOOTNOTES_PART)
        ids = [int(i) for i in re.findall(rb'<w:footnote\b[^>]*\bw:id="(-?\d+)"', footnotes or b"")]
        self.has_footnotes = footnotes is not None
        self.first_note_id = max(ids, default=0) + 1
        # Parts no document changes (styles, theme, settings, …) are compressed once, here, not per render:
        # they are most of a .docx's bytes.
        per_document = set(self.compiled) | {CORE_PART, FOOTNOTES_PART, CONTENT_TYPES_PART, DOCUMENT_RELS}
        self.structures: dict[bool, tuple] = {}  # whether a document has footnotes → structure_problem's verdict
        self.static = {info.filename: ZipEntry.reuse(raw, info, data) for info, (_, data) in zip(infos, self.parts)
                       if info.filename not in per_document}

    def render(self, document: Document) -> bytes:
        body = BodyWriter(self.first_note_id)
        body_xml = body.body(document.blocks)
        appendices = [(body.appendix(a), a.landscape) for a in document.appendices]
        # The layout is rendered around a short stand-in for the body, which is put in place afterwards: Jinja
        # would copy the whole body (hundreds of KB) through Markup twice on its way out.
        context = {**layout_variables(document.header), "noi_dung": Markup(_BODY_STAND_IN)}
        entries = []
        # What the package check reads: each part as the layout has it, then as this document has it (a templated
        # part as rendered around the stand-in: the body and appendices are well-formed by construction).
        contents = dict(self.parts)
        adds_footnotes = bool(body.notes) and not self.has_footnotes
        for name, data in self.parts:
            if name in self.static:
                entries.append(self.static[name])
                continue
            if name in self.compiled:
                try:
                    with template_limits():
                        rendered = self.compiled[name].render(context)
                    contents[name] = rendered
                    _check_rendered(self.path, name, rendered)
                    if name == "word/document.xml" and appendices:  # (the body has no w:sectPr: the layout's last is found)
                        rendered = _with_appendices(rendered, appendices)
                    else:
                        rendered = rendered.encode("utf-8")
                    data = rendered.replace(_BODY_STAND_IN_BYTES, body_xml)
                except TooBigError as exc:
                    raise TemplateError(f"tệp bố cục {self.path} ({name}) bị dừng: {exc.message}") from None
                except TemplateTimeout:
                    raise TemplateError(f"tệp bố cục {self.path} ({name}) chạy quá lâu mà chưa xong") from None
                except jinja2.exceptions.SecurityError as exc:
                    attribute = re.search(r"attribute '([^']*)'", exc.message or "")
                    raise TemplateError(f"tệp bố cục {self.path} ({name}) bị chặn khi truy cập "
                                        f"'{attribute.group(1) if attribute else '?'}': mẫu chạy trong môi trường cách "
                                        "ly, không được dùng phần bên trong của Python") from None
                except jinja2.TemplateNotFound as exc:
                    raise TemplateError(f"tệp bố cục {self.path} ({name}) dùng tệp '{exc.name}': tệp bố cục không "
                                        "được dùng include, import hay extends") from None
                except jinja2.TemplateError as exc:
                    raise TemplateError(f"tệp bố cục {self.path} ({name}): {exc}") from None
                except (RecursionError, OverflowError, MemoryError) as exc:
                    raise TemplateError(f"tệp bố cục {self.path} ({name}) đòi một phép tính quá lớn "
                                        f"({type(exc).__name__})") from None
            elif name == CORE_PART:
                data = core_properties(data, document.header.ngay)
            elif name == FOOTNOTES_PART:
                data = append_footnotes(data, body.notes)
            elif adds_footnotes and name == CONTENT_TYPES_PART:
                data = contents[name] = add_content_type(data)
            elif adds_footnotes and name == DOCUMENT_RELS:
                data = contents[name] = add_relationship(data)
            entries.append(ZipEntry.of(name, data, PER_DOCUMENT_LEVEL))
        if adds_footnotes:
            if DOCUMENT_RELS not in contents:  # a layout whose document has no relationships yet
                contents[DOCUMENT_RELS] = add_relationship(NO_RELATIONSHIPS)
                entries.append(ZipEntry.of(DOCUMENT_RELS, contents[DOCUMENT_RELS], PER_DOCUMENT_LEVEL))
            contents[FOOTNOTES_PART] = None
            entries.append(ZipEntry.of(FOOTNOTES_PART, new_footnotes(body.notes), PER_DOCUMENT_LEVEL))
        # The package's structure follows from the layout and whether the document has footnotes: checked once
        # for each.
        has_notes = bool(body.notes)
        if has_notes not in self.structures:
            self.structures[has_notes] = structure_problem(contents, footnotes=has_notes)
        problem, relationships = self.structures[has_notes]
        problem = problem or reference_problem({name: contents[name] for name in self.compiled}, relationships)
        if problem:
            raise TemplateError(f"tệp bố cục {self.path}: {problem}")
        return zip_package(entries)


_FINAL_SECTION = re.compile(r"<w:sectPr\b(?:(?!<w:sectPr\b).)*?</w:sectPr>\s*</w:body>", re.DOTALL)


def _with_appendices(xml: str, appendices: list[tuple[bytes, bool]]) -> bytes:
    """Put each appendix in a section of its own after the signature: a new page, landscape when asked,
    page numbers restarting at 1. The layout's last section (the body's) ends just before the first one.
    The part comes back encoded (UTF-8), as the appendices are."""
    match = _FINAL_SECTION.search(xml)
    if match is None:
        raise TemplateError("tệp bố cục không có phần thiết lập trang (w:sectPr) ở cuối văn bản")
    body_section = match.group(0)[: match.group(0).rindex("</w:sectPr>") + len("</w:sectPr>")]
    pieces = [xml[: match.start()].encode("utf-8")]
    previous = body_section
    for content, landscape in appendices:
        pieces.append(f"<w:p><w:pPr>{previous}</w:pPr></w:p>".encode("utf-8"))  # ends the section before this appendix
        pieces.append(content)
        previous = _appendix_section(body_section, landscape)
    pieces.append(previous.encode("utf-8"))
    pieces.append(xml[match.start() + len(body_section):].encode("utf-8"))
    return b"".join(pieces)


def _appendix_section(section: str, landscape: bool) -> str:
    section = re.sub(r"<w:pgNumType\b[^>]*/>", "", section)
    if landscape:
        def turn(m):
            attrs = dict(re.findall(r'w:(\w+)="([^"]*)"', m.group(0)))
            width, height = sorted((int(attrs.get("w", 11906)), int(attrs.get("h", 16838))))
            return f'<w:pgSz w:w="{height}" w:h="{width}" w:orient="landscape"/>'
        section = re.sub(r"<w:pgSz\b[^>]*/>", turn, section)
    # pgNumType goes before the first child the schema puts after it (Word refuses a section out of order).
    later = _after_page_numbers().search(section)
    at = later.start() if later else section.rindex("</w:sectPr>")
    return section[:at] + '<w:pgNumType w:start="1"/>' + section[at:]


@lru_cache(maxsize=1)
def _after_page_numbers() -> re.Pattern:
    """The children a section's w:pgNumType goes before. ooxml_order (the schema's child orders) is imported only
    for a Phụ lục's section: a report without one does not pay for it (measured: one-shot render 553 M → 548 M)."""
    from cchc_docgen.writers import ooxml_order

    return re.compile(r"<w:(?:%s)\b" % "|".join(ooxml_order.sequence_after("sectPr", "pgNumType")))


# Parts made for each document are deflated at level 1: a few percent larger, faster to write
# (bench/tricks.py deflate-level-1: −7 % instructions, 95 M against 103 M per render of the bench case).
PER_DOCUMENT_LEVEL = 1
TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")


def templated_parts(parts) -> list[tuple[str, bytes]]:
    """The layout's parts that hold template tags (document, headers, footers)."""
    return [(name, data) for name, data in parts if TEMPLATED_PART.match(name) and (b"{{" in data or b"{%" in data)]


def patched_key(templated, docxtpl_identity: str) -> str:
    """The key of a layout's patched parts: its templated parts and docxtpl's identity (its version for the
    prebuilt ones)."""
    digest = hashlib.sha256(docxtpl_identity.encode() + b"\0")
    for name, data in templated:
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:40]


_VERSION = re.compile(rb"""^__version__\s*=\s*["']([^"']+)["']""", re.M)


def installed_docxtpl() -> tuple[Path, str | None]:
    """docxtpl's installed template.py and its version, found without importing it (~0.2 s) or reading package
    metadata: the version as its __init__.py states it (None when it does not)."""
    from importlib.util import find_spec

    init = Path(find_spec("docxtpl").origin)
    try:
        found = _VERSION.search(init.read_bytes())
    except OSError:
        found = None
    return init.with_name("template.py"), found.group(1).decode() if found else None


def patched_parts(parts) -> dict[str, str]:
    """The layout's templated XML parts after docxtpl's `patch_xml` (tags merged across Word runs, `{%p %}`,
    `{%tr %}`, `{{p }}` resolved). Importing docxtpl costs ~0.2 s, so a built-in layout comes patched (prebuilt,
    for the docxtpl version installed) and any other is patched once and kept in the cache folder, keyed by the
    layout's bytes and docxtpl's installed file; a one-shot render of a known layout never imports it."""
    templated = templated_parts(parts)
    origin, version = installed_docxtpl()
    shipped = prebuilt("patched", patched_key(templated, version)) if version else None
    if shipped is not None:
        return json.loads(shipped)
    stat = origin.stat()  # the installed file itself: an edited docxtpl patches afresh
    # (":on-off": the parts an earlier docgen kept lack the on/off values patch_with_docxtpl puts right)
    key = f"layout-{patched_key(templated, f'{origin}:{stat.st_size}:{stat.st_mtime_ns}:on-off')[:32]}.json"
    stored = cache_get(key)
    if stored is not None:
        try:
            return json.loads(stored)
        except ValueError:
            pass
    patched = patch_with_docxtpl(templated)
    cache_put(key, json.dumps(patched).encode("utf-8"))
    return patched


# Table properties the schema takes only as "on" or "off" (CT_OnOffOnly), where LibreOffice writes "true" (a
# heading row's w:tblHeader, a row's w:cantSplit): Word reads both, Office's validator only the first, so the
# documents made from a layout or form saved by LibreOffice say "on" (docgen lint warns the author of the file).
# A pattern, compiled when a layout is first patched: a render of a built-in layout never is.
_ON_OFF_ONLY_VALUE = (r'(<w:(?:cantSplit|tblHeader|noWrap|tcFitText|hideMark|bidiVisual)\b[^>]*?\bw:val=")'
                      r'(true|1|false|0)"')


def _on_or_off(match) -> str:
    return match.group(1) + ("on" if match.group(2) in ("true", "1") else "off") + '"'


def patch_with_docxtpl(templated) -> dict[str, str]:
    from docxtpl import DocxTemplate

    patcher = DocxTemplate.__new__(DocxTemplate)  # patch_xml needs no loaded document
    return {name: re.sub(_ON_OFF_ONLY_VALUE, _on_or_off, patcher.patch_xml(data.decode("utf-8")))
            for name, data in templated}


class ZipEntry(NamedTuple):
    """One part, already deflated."""

    name: bytes
    crc: int
    size: int
    deflated: bytes

    @classmethod
    def reuse(cls, archive: bytes, info: zipfile.ZipInfo, data: bytes) -> "ZipEntry":
        """A part of the layout as the layout's own zip already stores it (deflated, checked by zipfile when it
        was read above), so it is never compressed again."""
        if info.compress_type != zipfile.ZIP_DEFLATED:
            return cls.of(info.filename, data)
        name_length, extra_length = struct.unpack_from("<HH", archive, info.header_offset + 26)
        start = info.header_offset + 30 + name_length + extra_length
        return cls(info.filename.encode("utf-8"), info.CRC, info.file_size, archive[start:start + info.compress_size])

    @classmethod
    def of(cls, name: str, data: bytes, level: int = 6) -> "ZipEntry":
        """A part deflated here."""
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate, as a zip stores it
        return cls(name.encode("utf-8"), zlib.crc32(data), len(data), packer.compress(data) + packer.flush())


# 1980-01-01 00:00 in MS-DOS form, what Word writes: a fixed time keeps the bytes the same from run to run.
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1


def zip_package(entries: list[ZipEntry]) -> bytes:
    """A zip of already-deflated parts. zipfile can only compress as it writes; writing the few bytes of
    headers ourselves lets the unchanged parts of a layout be compressed once per process."""
    out, central = [], []
    offset = 0
    for e in entries:
        flags = 0x0800 if any(b > 127 for b in e.name) else 0  # UTF-8 names
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, _DOS_TIME, _DOS_DATE, e.crc,
                            len(e.deflated), e.size, len(e.name), 0) + e.name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, flags, 8, _DOS_TIME, _DOS_DATE,
                                   e.crc, len(e.deflated), e.size, len(e.name), 0, 0, 0, 0, 0o644 << 16, offset) + e.name)
        out += [local, e.deflated]
        offset += len(local) + len(e.deflated)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end


CORE_PART = "docProps/core.xml"


def core_properties(data: bytes, date) -> bytes:
    """The layout's document properties with created/modified set to the document's own date (2024-09-17 →
    2024-09-17T00:00:00Z), or to 1980-01-01 for a draft without one: never the time of rendering or of the
    layout's last save, so the same input gives the same bytes."""
    stamp = f"{date.isoformat() if date else '1980-01-01'}T00:00:00Z"
    text = data.decode("utf-8")
    for tag in ("created", "modified"):
        text = re.sub(rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text)
    return text.encode("utf-8")


def new_footnotes(notes: list[str]) -> bytes:
    # Word expects the separator (-1) and continuation separator (0) entries before the real footnotes.
    separators = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
                  'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
                  '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
                  'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
           f'{separators}{"".join(notes)}</w:footnotes>')
    return xml.encode("utf-8")


def append_footnotes(existing: bytes, notes: list[str]) -> bytes:
    text = existing.decode("utf-8")
    at = text.rfind("</w:footnotes>")
    return (text[:at] + "".join(notes) + text[at:]).encode("utf-8")


def add_content_type(data: bytes) -> bytes:
    text = data.decode("utf-8")
    override = f'<Override PartName="/{FOOTNOTES_PART}" ContentType="{FOOTNOTES_CT}"/>'
    return text.replace("</Types>", override + "</Types>").encode("utf-8")


def add_relationship(data: bytes) -> bytes:
    text = data.decode("utf-8")
    used = {int(n) for n in re.findall(r'Id="rId(\d+)"', text)}
    rel_id = f"rId{max(used, default=0) + 1}"
    rel = f'<Relationship Id="{rel_id}" Type="{FOOTNOTES_REL}" Target="footnotes.xml"/>'
    return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")


@lru_cache(maxsize=32)
def _layout(path: Path, mtime_ns: int) -> Layout:
    return Layout(path)


def load_layout(path: Path) -> Layout:
    """The compiled layout for `path`, kept for the life of the process (reloaded if the file changes)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise TemplateError(f"không đọc được tệp bố cục: {path}") from None
    return _layout(path, mtime)


def write(document: Document) -> bytes:
    if document.layout is None:
        raise TemplateError("văn bản chưa có tệp bố cục (.docx) để ghi ra Word")
    return load_layout(document.layout).render(document)
