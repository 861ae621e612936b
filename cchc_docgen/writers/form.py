"""Filling a Word form (templating/forms.py): a province's .docx with docxtpl tags, rendered from the ward's data.

The form's XML parts (body, headers, footers, footnotes) are patched with docxtpl's own `patch_xml` (its tag
dialect: `{%p %}`, `{%tr %}`, `{%tc %}`, `{{r }}`), compiled once and rendered in a BoundedSandbox under the
template limits, with the context a text template gets (the data after compute, the formatting filters and
globals) plus the header and signature lines under the names a layout (bo-cuc.docx) uses (`so_ky_hieu`,
`noi_nhan` as printed lines, …; the data itself stays under `du_lieu` too), `chu_thich("…")` and `RichText`. docxtpl itself cannot make footnotes (its issue #609): a ward's text printed
by a tag is read as inline markup (`**đậm**`, `*nghiêng*`, `^[chú thích]`, `{=so_lieu.x}`), and what is not
plain text is printed as a placeholder that is replaced, after rendering, by runs in the run's own format and
by real footnote references, numbered in document order together with the form's own footnotes, in the form's
footnote style. A declared image field prints as a picture; a declared sub-document field (kieu: van_ban, docxtpl's
Subdoc) printed by `{{p … }}` as the other .docx's paragraphs and tables, in the form's styles, its footnotes the
form's (_read_subdoc says what it may not hold).

The result is a FormDocument: the package's bytes, and the text of the filled form as document blocks (what
the Markdown output and the footnote count read).
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from cchc_docgen.composing.inline import InlineError, parse_inline
from cchc_docgen.domain import formatting as fmt
from cchc_docgen.errors import DataError, DocgenError, TemplateError
from cchc_docgen.model import Cell, Document, Note, Paragraph, Table, Text, number_notes
from cchc_docgen.templating.sandbox import (
    BoundedSandbox,
    TemplateTimeout,
    TooBigError,
    template_limits,
)
from cchc_docgen.writers import docx as docx_writer
from cchc_docgen.writers import ooxml_order

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
FORM_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
# Private-use characters around a number: what a printed value that is not plain text leaves in the XML until the
# runs are built. Data text holding the character is refused where it is printed (no ward types it).
_MARK = "\ue010"
_PLACEHOLDER = re.compile(_MARK + r"(\d+)" + _MARK)
# Word's built-in names of the footnote styles, and LibreOffice's after it saves a .docx.
_NOTE_TEXT_NAMES = ("footnote text", "footnote")
_NOTE_REF_NAMES = ("footnote reference", "footnote anchor", "footnote symbol", "footnote characters")
EMU_PER_MM = 36000
DEFAULT_IMAGE_MM = 40


class FormDocument(Document):
    """A filled Word form: `package` is the .docx; `blocks` its text (paragraphs and tables, with the footnotes)."""

    __slots__ = ("package", "form")

    def __init__(self, header, blocks, appendices=None, layout=None, package: bytes = b"", form: str = ""):
        super().__init__(header, blocks, appendices, layout)
        self.package = package
        self.form = form


# --- the form, read and patched once ------------------------------------------------------------------------


class LoadedForm:
    """A form's parts, checked, and its templated parts after docxtpl's patch_xml (`sources`)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            if path.stat().st_size > docx_writer.MAX_LAYOUT_BYTES:
                raise TemplateError(f"tệp mẫu Word quá lớn: {path}")
            self.raw = path.read_bytes()
            with zipfile.ZipFile(io.BytesIO(self.raw)) as archive:
                self.infos = archive.infolist()
                if sum(i.file_size for i in self.infos) > 4 * docx_writer.MAX_LAYOUT_BYTES:
                    raise TemplateError(f"tệp mẫu Word giải nén ra quá lớn: {path}")
                self.parts = [(info.filename, archive.read(info)) for info in self.infos]
        except (zipfile.BadZipFile, OSError, KeyError, EOFError) as exc:
            raise TemplateError(f"tệp mẫu Word hỏng hoặc không đọc được: {path} ({exc})") from None
        by_name = dict(self.parts)
        if "word/document.xml" not in by_name or docx_writer.CONTENT_TYPES_PART not in by_name:
            raise TemplateError(f"tệp mẫu Word không phải tài liệu Word (.docx): {path}")
        problem = docx_writer.layout_problem(self.parts)
        if problem:
            raise TemplateError(f"tệp mẫu Word {path}: {problem}")
        # document, headers, footers holding tags
        self.sources = {name: quotes_in_tags(xml) for name, xml in docx_writer.patched_parts(self.parts).items()}
        notes = by_name.get(docx_writer.FOOTNOTES_PART)
        if notes is not None and (b"{{" in notes or b"{%" in notes):
            from docxtpl import DocxTemplate

            patched = DocxTemplate.__new__(DocxTemplate).patch_xml(notes.decode("utf-8"))
            self.sources[docx_writer.FOOTNOTES_PART] = quotes_in_tags(patched)
        self.has_footnotes = notes is not None
        ids = [int(i) for i in re.findall(rb'<w:footnote\b[^>]*\bw:id="(-?\d+)"', notes or b"")]
        self.first_note_id = max(ids, default=0) + 1
        self.note_style, self.ref_style = footnote_styles(by_name.get("word/styles.xml", b""), notes)

    @cached_property
    def style_ids(self) -> set:
        """The ids of the form's styles (read only for a sub-document, whose styles must be the form's)."""
        styles = dict(self.parts).get("word/styles.xml", b"")
        return {m.decode("utf-8") for m in re.findall(rb'<w:style\b[^>]*\bw:styleId="([^"]+)"', styles)}


_TAG_INSIDE = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_ESCAPED_QUOTES = {"&quot;": '"', "&#34;": '"', "&apos;": "'", "&#39;": "'"}


def quotes_in_tags(xml: str) -> str:
    """Quotes inside tags as Jinja reads them: LibreOffice saves '"' as '&quot;', which docxtpl's patch_xml leaves
    (docxtpl then fails on the saved form; a form should survive being saved in LibreOffice)."""
    if "&quot;" not in xml and "&apos;" not in xml and "&#3" not in xml:
        return xml
    return _TAG_INSIDE.sub(lambda m: re.sub(r"&quot;|&#34;|&apos;|&#39;", lambda q: _ESCAPED_QUOTES[q.group(0)],
                                            m.group(0)), xml)


def footnote_styles(styles: bytes, notes: bytes | None) -> tuple[str, str]:
    """The ids of the form's footnote text and footnote reference styles: by Word's (or LibreOffice's) name,
    else as the form's own footnotes use them, else the ids Word gives them."""
    found = {"paragraph": None, "character": None}
    for match in re.finditer(rb'<w:style\b([^>]*)>(.*?)</w:style>', styles, re.DOTALL):
        kind = re.search(rb'w:type="(\w+)"', match.group(1))
        style_id = re.search(rb'w:styleId="([^"]+)"', match.group(1))
        name = re.search(rb'<w:name w:val="([^"]+)"', match.group(2))
        if not (kind and style_id and name):
            continue
        kind, name = kind.group(1).decode(), name.group(1).decode().lower()
        wanted = _NOTE_TEXT_NAMES if kind == "paragraph" else _NOTE_REF_NAMES if kind == "character" else ()
        if name in wanted and found[kind] is None:
            found[kind] = style_id.group(1).decode()
    if notes and found["paragraph"] is None:
        used = re.search(rb'<w:footnote (?:(?!w:type)[^>])*>.*?<w:pStyle w:val="([^"]+)"', notes, re.DOTALL)
        found["paragraph"] = used.group(1).decode() if used else None
    return found["paragraph"] or docx_writer.STYLE_NOTE_TEXT, found["character"] or docx_writer.STYLE_NOTE_REF


@lru_cache(maxsize=32)
def _form(path: Path, mtime_ns: int) -> LoadedForm:
    return LoadedForm(path)


def load_form(path: Path) -> LoadedForm:
    """The form at `path`, read once per process (again when the file changes)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise TemplateError(f"không đọc được tệp mẫu Word: {path}") from None
    return _form(path, mtime)


# --- rendering ------------------------------------------------------------------------------------------------


_state: list = [None]  # the _Fill being rendered (finalize is the environment's; forms render one at a time)


def finalize_text(value):
    """How `{{ value }}` prints in a form: see _Fill.printed."""
    return _state[0].printed(value)


@lru_cache(maxsize=16)
def form_environment(library) -> BoundedSandbox:
    """A sandbox with the library's filters and globals (bang_chu reads as the province set), XML-escaping
    what it prints; a form may not include, import or extend any file."""
    env = BoundedSandbox(autoescape=True, undefined=jinja2.StrictUndefined, finalize=finalize_text,
                         loader=jinja2.FunctionLoader(lambda name: None))
    env.filters.update(library.env.filters)
    env.globals.update(library.env.globals)
    return env


@lru_cache(maxsize=32)
def _compiled(form: LoadedForm, env) -> dict:
    compiled = {}
    for name, source in form.sources.items():
        try:
            compiled[name] = docx_writer.compile_cached(env, source, f"form:{name}")
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"lỗi cú pháp trong mẫu Word {form.path} ({part_title(name)}): {exc.message}; "
                                f"chạy 'docgen lint {form.path}' để biết đoạn nào") from None
    return compiled


def part_title(name: str) -> str:
    from cchc_docgen.authoring.lint import part_title as title

    return title(name)


class _Sections(dict):
    """noi_dung as the form sees it, noting which sections the form reads (a section it never reads would be
    left out of the document without a word)."""

    def __init__(self, data, read: set):
        super().__init__(data)
        self.read = read

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def _all(self):
        self.read.update(self.keys())

    def items(self):
        self._all()
        return super().items()

    def values(self):
        self._all()
        return super().values()

    def __iter__(self):
        self._all()
        return super().__iter__()


@dataclass
class _Image:
    """A declared image field's value: prints as a picture."""

    path: Path
    data: bytes
    extension: str
    width_px: int
    height_px: int
    width_mm: float

    def __str__(self):  # (a filter such as |upper on it sees the file name)
        return str(self.path)


@dataclass
class _Fill:
    """One form being filled: what its printed values left to build after rendering."""

    form: LoadedForm
    loaded: object
    context: dict
    template_name: str
    resolve_figure: object
    items: list = field(default_factory=list)  # placeholder number → list of Text/Note/_Image
    texts: list = field(default_factory=list)  # placeholder number → the text it was printed from

    def printed(self, value):
        if isinstance(value, str) and not isinstance(value, Markup):
            return self.text(value)
        if value is None:
            return ""
        if hasattr(value, "__html__") or isinstance(value, jinja2.Undefined):
            return value
        if isinstance(value, _Image):
            return self.placeholder([value], str(value.path))
        if isinstance(value, _Subdoc):
            return self.placeholder([value], value.written)
        if isinstance(value, dict):
            raise TemplateError(f"mẫu Word '{self.template_name}' in ra cả một nhóm trường ({', '.join(map(str, value))})"
                                "; hãy in từng trường, ví dụ {{ nhom.truong }}, hoặc lặp qua các khối bằng {%p for %}")
        if isinstance(value, (list, tuple)):  # lines: one under another
            return Markup('</w:t><w:br/><w:t xml:space="preserve">').join(
                escape(self.printed(item)) for item in value)
        from cchc_docgen.templating.library import finalize_text as text_finalize

        shown = text_finalize(value)  # numbers and dates the Vietnamese way, có/không, a function not called
        return shown if isinstance(value, (int, float, bool)) or hasattr(value, "isoformat") else str(value)

    def text(self, value: str):
        """A text printed by a tag: its inline markup read (a footnote, bold, a figure), plain text as it is."""
        if _MARK in value:
            raise self.data_error(value, "có ký tự dùng riêng U+E010, không in được trong mẫu Word")
        try:
            items = parse_inline(value, self.resolve_figure)
        except InlineError as exc:
            raise self.data_error(value, str(exc)) from None
        if all(i.__class__ is Text and not (i.bold or i.italic or i.superscript) for i in items):
            return docx_writer.layout_value("".join(i.text for i in items))
        return self.placeholder(items, value)

    def placeholder(self, items: list, source: str) -> Markup:
        self.items.append(items)
        self.texts.append(source)
        return Markup(f"{_MARK}{len(self.items) - 1}{_MARK}")

    def chu_thich(self, text) -> Markup:
        """A footnote with this text, here (its **bold** and *italic* kept)."""
        try:
            content = parse_inline(str(text), self.resolve_figure)
        except InlineError as exc:
            raise self.data_error(str(text), str(exc)) from None
        if any(isinstance(i, Note) for i in content):
            raise self.data_error(str(text), "không đặt chú thích bên trong một chú thích khác")
        return self.placeholder([Note([i for i in content if isinstance(i, Text)])], str(text))

    def data_error(self, text: str, message: str) -> DocgenError:
        """A problem of a printed text, at the field of the data that holds it (found only now, for the message);
        a text the form itself wrote is the form's problem."""
        path = _path_of(self.loaded.data, text)
        if path is None:
            return TemplateError(f"mẫu Word '{self.template_name}': {message}: {text!r}")
        return DataError(message, self.loaded.location(path), path)


def _path_of(value, text: str, path=()):
    if value == text:
        return path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in children:
        found = _path_of(item, text, path + (key,))
        if found is not None:
            return found
    return None


def _rich_text(text="", **style):
    """docxtpl's RichText for `{{r … }}` (imported only by a form that uses it: docxtpl costs ~0.2 s)."""
    from docxtpl import RichText

    return RichText(text, **style)


def compose(loaded, context: dict, template) -> FormDocument:
    """Fill the Word form `template` (templating/forms.WordForm) with the data; see the module docstring."""
    from cchc_docgen.composing.compose import Composer
    from cchc_docgen.composing.header import build_header, layout_variables

    form = load_form(template.path)
    env = form_environment(template.library)
    compiled = _compiled(form, env)
    _check_own_fields(loaded, template)
    header = build_header(context, {"loai_van_ban": "", "trich_yeu": "", "ky_hieu": template.declaration.get("ky_hieu", "")})
    meta = layout_variables(header)
    read: set = set()
    composer = Composer(context, template.name)
    fill = _Fill(form, loaded, context, template.name, composer.resolve_figure)
    values = {**context, "noi_dung": _Sections(context["noi_dung"], read),
              "truong_rieng": _own_values(loaded, template)}
    # The header and signature lines under the names a layout (bo-cuc.docx) knows, so a form drawn from a layout
    # works as it is: kinh_gui and noi_nhan are the printed lines; the data's own are under du_lieu.
    names = {**values, **meta, "du_lieu": values, "chu_thich": fill.chu_thich, "loi": composer.loi,
             "RichText": _rich_text}
    rendered = {}
    _state[0] = fill
    try:
        for name, part in compiled.items():
            try:
                with template_limits():
                    rendered[name] = part.render(names)
            except TooBigError as exc:
                raise TemplateError(f"mẫu Word {form.path} ({part_title(name)}) bị dừng: {exc.message}") from None
            except TemplateTimeout:
                raise TemplateError(f"mẫu Word {form.path} ({part_title(name)}) chạy quá lâu mà chưa xong") from None
            except jinja2.exceptions.SecurityError as exc:
                raise TemplateError(f"mẫu Word {form.path} ({part_title(name)}) bị chặn: {exc.message}: mẫu chạy "
                                    "trong môi trường cách ly, không được dùng phần bên trong của Python") from None
            except jinja2.UndefinedError as exc:
                raise TemplateError(f"mẫu Word {form.path} ({part_title(name)}) dùng biến không có: {exc.message}; "
                                    f"chạy 'docgen lint {form.path}' để biết đoạn nào") from None
            except jinja2.TemplateError as exc:
                raise TemplateError(f"mẫu Word {form.path} ({part_title(name)}): {exc}") from None
            except fmt.FormattingError as exc:
                raise DataError(f"không định dạng được số liệu khi điền mẫu Word '{template.name}': {exc}",
                                loaded.location(("so_lieu",))) from None
            except TypeError as exc:  # e.g. a loop over a group the data leaves out (None)
                raise TemplateError(f"mẫu Word {form.path} ({part_title(name)}) gặp một giá trị không dùng được ở "
                                    f"đó ({exc}): dữ liệu thiếu một nhóm mà mẫu đọc? Hãy điền nhóm đó, hoặc đặt phần "
                                    "này trong {%p if … %} … {%p endif %}") from None
            except (RecursionError, OverflowError, MemoryError) as exc:
                raise TemplateError(f"mẫu Word {form.path} ({part_title(name)}) đòi một phép tính quá lớn "
                                    f"({type(exc).__name__})") from None
    finally:
        _state[0] = None
    _check_sections_read(loaded, context, template, read)
    return _Package(form, fill, template, header).build(rendered)


def _own_values(loaded, template) -> dict:
    """truong_rieng as the form prints it: every declared field (None when the data leaves it out), an image
    field as its picture."""
    given = loaded.data.get("truong_rieng") or {}
    values = {}
    for name, spec in template.own_fields.items():
        value = given.get(name)
        if spec.get("kieu") == "anh" and value:
            value = _read_image(loaded, ("truong_rieng", name), value, spec.get("rong_mm", DEFAULT_IMAGE_MM))
        elif spec.get("kieu") == "van_ban" and value:
            value = _read_subdoc(loaded, ("truong_rieng", name), value)
        values[name] = value
    return values


def _check_own_fields(loaded, template) -> None:
    """The data's truong_rieng against the form's declaration: a field it does not declare, or a value of
    another kind, is an error at that field."""
    from cchc_docgen.templating.forms import FIELD_KINDS

    given = loaded.data.get("truong_rieng") or {}
    declared = template.own_fields
    for name, value in given.items():
        path = ("truong_rieng", name)
        if name not in declared:
            known = ", ".join(declared) or "(không có)"
            raise DataError(f"mẫu Word '{template.name}' không khai báo trường riêng '{name}' (mau_word.{template.name}."
                            f"truong_rieng trong cau-hinh.yaml); các trường riêng của mẫu: {known}",
                            loaded.location(path, key=True), path)
        what, schema = FIELD_KINDS[declared[name].get("kieu", "chu")]
        if not _fits(value, schema):
            raise DataError(f"phải là {what} (khai báo trong mau_word.{template.name}.truong_rieng)",
                            loaded.location(path), path)


def _fits(value, schema) -> bool:
    kind = schema["type"]
    if kind == "string":
        return isinstance(value, str) and len(value) >= schema.get("minLength", 0)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, list) and all(
        isinstance(item, str) if schema["items"]["type"] == "string" else
        isinstance(item, dict) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in item.values())
        for item in value)


def _read_image(loaded, path, value: str, width_mm: float) -> _Image:
    """A declared image, its file named relative to the data file: PNG or JPEG, its size read from its header."""
    file, data = _read_beside_data(loaded, path, value, "ảnh")
    size = _image_size(data)
    if size is None:
        raise DataError(f"'{value}' không phải ảnh PNG hoặc JPEG", loaded.location(path), path)
    extension = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return _Image(file, data, extension, size[0], size[1], float(width_mm))


def _read_beside_data(loaded, path, value: str, what: str) -> tuple[Path, bytes]:
    """The file a declared field names, relative to the data file's folder (the working folder for data read
    from standard input); one larger than a layout may be is refused before it is read."""
    base = Path(loaded.file).parent if loaded.file and Path(loaded.file).is_file() else Path.cwd()
    file = (base / value).resolve()
    try:
        if file.stat().st_size > docx_writer.MAX_LAYOUT_BYTES:
            raise DataError(f"{what} '{value}' quá lớn (tối đa {docx_writer.MAX_LAYOUT_BYTES // 2 ** 20} MB)",
                            loaded.location(path), path)
        return file, file.read_bytes()
    except OSError as exc:
        raise DataError(f"không đọc được {what} '{value}' ({exc.strerror or exc})", loaded.location(path),
                        path) from None


MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# What a sub-document's body may hold besides paragraphs and tables, and is left out: the sections (the form
# keeps its own page setup) and bookmarks (their ids and names would collide with the form's; nothing prints).
_SUBDOC_DROPPED = {W + "sectPr", W + "bookmarkStart", W + "bookmarkEnd"}
# What a sub-document cannot bring, as its elements → why (the form would need parts it does not have).
_SUBDOC_REFUSED = {
    W + "drawing": "hình ảnh", W + "pict": "hình ảnh", W + "object": "hình ảnh",
    W + "numPr": "danh sách đánh số hoặc gạch đầu dòng tự động của Word (hãy gõ số hoặc dấu đầu dòng thành chữ)",
    W + "endnoteReference": "chú thích cuối văn bản (endnote; hãy dùng chú thích cuối trang)",
    W + "commentReference": "lời bình (comment; hãy xóa lời bình)",
    W + "commentRangeStart": "lời bình (comment; hãy xóa lời bình)",
}
_NO_RELATIONSHIPS = "tài liệu chèn vào không được có hình ảnh hoặc liên kết"


@dataclass
class _Subdoc:
    """A declared van_ban field's value: the body of another .docx (its paragraphs and tables, checked), which
    `{{p truong_rieng.TEN }}` prints in place of its paragraph; its footnotes become the form's."""

    written: str  # the path as the data wrote it
    field: tuple  # where the data holds it
    blocks: list  # w:p and w:tbl elements
    notes: dict  # the sub-document's footnote id → its w:footnote element
    note_style: str  # the sub-document's footnote text and reference style ids (become the form's)
    ref_style: str

    def __str__(self):  # (a filter such as |upper on it sees the path)
        return self.written


def _read_subdoc(loaded, path, value: str) -> _Subdoc:
    """A declared sub-document, named relative to the data file: a .docx within the layout size limits whose
    body holds paragraphs and tables that refer to no other part of its package (see _SUBDOC_REFUSED)."""
    from lxml import etree

    def refuse(message):
        return DataError(message, loaded.location(path), path)

    file, data = _read_beside_data(loaded, path, value, "tài liệu")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > 4 * docx_writer.MAX_LAYOUT_BYTES:
                raise refuse(f"tài liệu '{value}' giải nén ra quá lớn")
            parts = [(i.filename, archive.read(i)) for i in infos
                     if i.filename in ("word/document.xml", "word/styles.xml", docx_writer.FOOTNOTES_PART)]
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, NotImplementedError, RuntimeError):
        raise refuse(f"'{value}' không phải tài liệu Word (.docx)") from None
    by_name = dict(parts)
    if "word/document.xml" not in by_name:
        raise refuse(f"'{value}' không phải tài liệu Word (.docx)")
    for name, xml in parts:
        if len(xml) > docx_writer.MAX_TEMPLATED_PART_BYTES:
            raise refuse(f"tài liệu '{value}' quá lớn: phần {name} {len(xml) // 1024} KB; tối đa "
                         f"{docx_writer.MAX_TEMPLATED_PART_BYTES // 1024} KB")
        problem = docx_writer.xml_problem(xml)
        if problem:
            raise refuse(f"tài liệu '{value}' hỏng: phần {name} {problem}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(by_name["word/document.xml"], parser)
    body = root.find(W + "body")
    notes_root = etree.fromstring(by_name[docx_writer.FOOTNOTES_PART], parser) \
        if docx_writer.FOOTNOTES_PART in by_name else None
    blocks = []
    for child in body if body is not None else ():
        if child.tag in (W + "p", W + "tbl"):
            blocks.append(child)
        elif isinstance(child.tag, str) and child.tag not in _SUBDOC_DROPPED:
            raise refuse(f"tài liệu chèn vào '{value}' có phần không phải đoạn văn hay bảng "
                         f"({etree.QName(child).localname}), chưa chèn được")
    notes = {}
    for element in blocks:
        _clean_subdoc(element, _ignorable(root), refuse, value)
        for reference in element.iter(W + "footnoteReference"):
            found = None if notes_root is None else next(
                (n for n in notes_root.iter(W + "footnote") if n.get(W + "id") == reference.get(W + "id")), None)
            if found is None:
                raise refuse(f"tài liệu '{value}' hỏng: chú thích số {reference.get(W + 'id')} không có trong tệp")
            _clean_subdoc(found, _ignorable(notes_root), refuse, value)
            notes[reference.get(W + "id")] = found
    note_style, ref_style = footnote_styles(by_name.get("word/styles.xml", b""), by_name.get(docx_writer.FOOTNOTES_PART))
    return _Subdoc(value, path, blocks, notes, note_style, ref_style)


def _clean_subdoc(element, ignorable: set, refuse, value: str) -> None:
    """Check a sub-document's block (or footnote) and leave out what does not carry over (_SUBDOC_DROPPED, and
    what its own markup-compatibility declaration says a reader may ignore: Word's revision ids)."""
    if element.tag in _SUBDOC_REFUSED:
        why = _SUBDOC_REFUSED[element.tag]
        raise refuse(f"{_NO_RELATIONSHIPS} ('{value}' có {why})" if why == "hình ảnh"
                     else f"tài liệu chèn vào '{value}' có {why}, chưa chèn được")
    for attribute in list(element.attrib):
        namespace = attribute.partition("}")[0][1:]
        if namespace == R_NS:
            raise refuse(f"{_NO_RELATIONSHIPS} ('{value}' có liên kết tới phần khác của tệp)")
        if namespace in ignorable:
            del element.attrib[attribute]
    for child in list(element):
        if not isinstance(child.tag, str) or child.tag in _SUBDOC_DROPPED or child.tag.partition("}")[0][1:] in ignorable:
            element.remove(child)
        else:
            _clean_subdoc(child, ignorable, refuse, value)


def _ignorable(root) -> set:
    """The namespaces a part's mc:Ignorable names: what a reader that does not know them may leave out."""
    return {root.nsmap.get(prefix) for prefix in (root.get(f"{{{MC_NS}}}Ignorable") or "").split()} - {None}


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG or JPEG, from its header; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 < len(data):
            if data[at] != 0xFF:
                return None
            marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[at + 5:at + 9])
                return width, height
            at += 2 + length
    return None


def _check_sections_read(loaded, context, template, read: set) -> None:
    """Content the form has no place for would vanish: refuse it, as a text template does."""
    for key, value in context["noi_dung"].items():
        if value and key not in read:
            path = ("noi_dung", key)
            raise DataError(f"mẫu Word '{template.name}' không in mục '{key}': nội dung này sẽ không được in; hãy "
                            "chuyển nó sang mục mẫu có in, hoặc dùng mẫu phù hợp", loaded.location(path, key=True), path)
    if loaded.data.get("phu_luc") and not any("phu_luc" in source for source in load_form(template.path).sources.values()):
        raise DataError(f"mẫu Word '{template.name}' không in Phụ lục (phu_luc): các biểu này sẽ không được in",
                        loaded.location(("phu_luc",), key=True), ("phu_luc",))


# --- from rendered parts to the package -------------------------------------------------------------------


class _Package:
    def __init__(self, form: LoadedForm, fill: _Fill, template, header):
        self.form, self.fill, self.template, self.header = form, fill, template, header
        self.next_note_id = form.first_note_id
        self.notes_xml: list[str] = []  # new footnotes, in document order
        self.notes: dict[int, Note] = {}  # footnote id → its text (the form's own and the new ones)
        self.media: list[tuple[str, str, bytes]] = []  # (part the picture is in, relationship id, media part name)
        self.rels: dict[str, bytes] = {}  # relationship parts changed for pictures

    def build(self, rendered: dict[str, str]) -> FormDocument:
        from lxml import etree

        parts = dict(self.form.parts)
        roots = {}
        for name in sorted(rendered, key=lambda n: (n != "word/document.xml", n)):
            xml = rendered[name]
            if _MARK in xml:
                roots[name] = root = self.expand(name, _into_runs(xml))
                rendered[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode()
            problem = docx_writer.xml_problem(rendered[name])
            if problem:
                raise TemplateError(f"mẫu Word {self.form.path} ({part_title(name)}) điền với dữ liệu này {problem}")
        contents = {**parts, **rendered}
        adds_footnotes = bool(self.notes_xml) and not self.form.has_footnotes
        if self.notes_xml:
            if self.form.has_footnotes:
                contents[docx_writer.FOOTNOTES_PART] = docx_writer.append_footnotes(
                    contents[docx_writer.FOOTNOTES_PART].encode() if isinstance(contents[docx_writer.FOOTNOTES_PART], str)
                    else contents[docx_writer.FOOTNOTES_PART], self.notes_xml)
            else:
                contents[docx_writer.FOOTNOTES_PART] = docx_writer.new_footnotes(self.notes_xml)
                contents[docx_writer.CONTENT_TYPES_PART] = docx_writer.add_content_type(contents[docx_writer.CONTENT_TYPES_PART])
                contents[docx_writer.DOCUMENT_RELS] = docx_writer.add_relationship(
                    contents.get(docx_writer.DOCUMENT_RELS, docx_writer.NO_RELATIONSHIPS))
        self.add_media(contents)
        if docx_writer.CORE_PART in contents:
            contents[docx_writer.CORE_PART] = docx_writer.core_properties(contents[docx_writer.CORE_PART], self.header.ngay)
        problem, relationships = docx_writer.structure_problem(contents, footnotes=bool(self.notes_xml) or adds_footnotes)
        problem = problem or docx_writer.reference_problem({n: contents[n] for n in rendered}, relationships)
        if problem:
            raise TemplateError(f"tệp mẫu Word {self.form.path}: {problem}")
        order = [name for name, _ in self.form.parts] + [n for n in contents if n not in parts]
        changed = set(rendered) | {n for n in contents if n not in parts or contents[n] is not parts[n]}
        reused = {info.filename: info for info in self.form.infos}
        entries = []
        for name in order:
            data = contents[name]
            if name in changed:
                entries.append(docx_writer.ZipEntry.of(name, data.encode("utf-8") if isinstance(data, str) else data,
                                                        docx_writer.PER_DOCUMENT_LEVEL))
            else:
                entries.append(docx_writer.ZipEntry.reuse(self.form.raw, reused[name], data))
        document = roots.get("word/document.xml")
        blocks = _blocks(document if document is not None else _parse(rendered["word/document.xml"]), self.all_notes())
        number_notes(blocks)
        return FormDocument(self.header, blocks, [], self.template.path, docx_writer.zip_package(entries), self.template.name)

    def all_notes(self) -> dict[int, Note]:
        """Footnote id → its text, for the blocks: the form's own footnotes, then the new ones."""
        notes = {}
        data = dict(self.form.parts).get(docx_writer.FOOTNOTES_PART)
        if data is not None:
            for note in _parse(data).iter(W + "footnote"):
                if note.get(W + "type") in (None, "normal"):
                    notes[int(note.get(W + "id"))] = Note(_note_texts(note))
        notes.update(self.notes)
        return notes

    def expand(self, name: str, xml: str):
        """Parse a rendered part and replace each placeholder's run by the runs of what was printed."""
        root = _parse(xml)
        for t in list(root.iter(W + "t")):
            if t.text and _MARK in t.text:
                self.expand_run(name, t.getparent())
        return root

    def expand_run(self, name: str, run) -> None:
        if run.getparent().tag != W + "p" and self.insert_subdoc(name, run):
            return
        props = run.find(W + "rPr")
        out, current = [], None
        for child in [c for c in run if c is not props]:
            if child.tag == W + "t" and child.text and _MARK in child.text:
                for index, piece in enumerate(_PLACEHOLDER.split(child.text)):
                    if index % 2 == 0:
                        if piece:
                            if current is None:
                                current = _new_run(props)
                                out.append(current)
                            current.append(_text(piece))
                        continue
                    current = None
                    for item in self.fill.items[int(piece)]:
                        out.append(self.item_run(name, item, props, int(piece)))
            else:
                if current is None:
                    current = _new_run(props)
                    out.append(current)
                current.append(child)
        parent = run.getparent()
        at = parent.index(run)
        parent.remove(run)
        for offset, new in enumerate(out):
            parent.insert(at + offset, new)

    def item_run(self, name: str, item, props, number: int):
        if isinstance(item, Text):
            run = _new_run(props)
            run_props = _run_props(run)
            if item.bold:
                _set_prop(run_props, "b")
                _set_prop(run_props, "bCs")
            if item.italic:
                _set_prop(run_props, "i")
                _set_prop(run_props, "iCs")
            if item.superscript:
                _set_prop(run_props, "vertAlign", "superscript")
            run.append(_text(item.text))
            return run
        if isinstance(item, Note):
            if name != "word/document.xml":
                where = part_title(name)
                raise self.fill.data_error(self.fill.texts[number], f"chú thích không đặt được ở {where}: Word chỉ "
                                           "có chú thích cuối trang trong thân văn bản")
            note_id = self.next_note_id
            self.next_note_id += 1
            self.notes[note_id] = item
            xml = docx_writer.BodyWriter(0).footnote(note_id, item)
            xml = (xml.replace(f'w:val="{docx_writer.STYLE_NOTE_TEXT}"', f'w:val="{self.form.note_style}"')
                   .replace(f'w:val="{docx_writer.STYLE_NOTE_REF}"', f'w:val="{self.form.ref_style}"'))
            self.notes_xml.append(xml)
            run = _new_run(props)
            run_props = _run_props(run)
            _set_prop(run_props, "rStyle", self.form.ref_style)
            _set_prop(run_props, "vertAlign", "superscript")
            reference = run.makeelement(W + "footnoteReference", {W + "id": str(note_id)})
            run.append(reference)
            return run
        if isinstance(item, _Subdoc):
            field = ".".join(item.field)
            raise DataError(f"tài liệu chèn vào chỉ in được bằng thẻ {{{{p {field} }}}} đứng riêng một đoạn, "
                            f"không in bằng {{{{ {field} }}}} giữa dòng chữ", self.fill.loaded.location(item.field),
                            item.field)
        return self.picture(name, item, props)

    def insert_subdoc(self, name: str, run) -> bool:
        """A sub-document printed by `{{p … }}` (its placeholder stands where the paragraph was, outside any
        paragraph): its blocks in place of the placeholder. False for anything else."""
        match = _PLACEHOLDER.fullmatch("".join(t.text or "" for t in run.iter(W + "t")))
        items = self.fill.items[int(match.group(1))] if match else ()
        if len(items) != 1 or not isinstance(items[0], _Subdoc):
            return False
        subdoc = items[0]
        if name != "word/document.xml":
            raise DataError(f"tài liệu chèn vào chỉ đặt được trong thân văn bản, không ở {part_title(name)}",
                            self.fill.loaded.location(subdoc.field), subdoc.field)
        blocks = [copy.deepcopy(block) for block in subdoc.blocks]
        for block in blocks:
            for reference in block.iter(W + "footnoteReference"):
                reference.set(W + "id", str(self.subdoc_note(subdoc, reference.get(W + "id"))))
            self.own_styles(block, subdoc)
        parent = run.getparent()
        at = parent.index(run)
        parent.remove(run)
        if parent.tag == W + "tc" and at == len(parent) and blocks and blocks[-1].tag == W + "tbl":
            blocks.append(parent.makeelement(W + "p", {}))  # Word requires a cell to end with a paragraph
        for offset, block in enumerate(blocks):
            parent.insert(at + offset, block)
        return True

    def subdoc_note(self, subdoc: _Subdoc, old_id: str) -> int:
        """A sub-document's footnote as one of the form's, numbered after those before it."""
        from lxml import etree

        note_id = self.next_note_id
        self.next_note_id += 1
        note = copy.deepcopy(subdoc.notes[old_id])
        note.set(W + "id", str(note_id))
        self.own_styles(note, subdoc)
        self.notes[note_id] = Note(_note_texts(note))
        self.notes_xml.append(etree.tostring(note, encoding="unicode"))
        return note_id

    def own_styles(self, element, subdoc: _Subdoc) -> None:
        """The form's styles on a sub-document's element: its footnote styles become the form's; a paragraph,
        character or table style the form does not have is left out (the form's default style applies)."""
        renamed = {subdoc.note_style: self.form.note_style, subdoc.ref_style: self.form.ref_style}
        for tag in ("pStyle", "rStyle", "tblStyle"):
            for style in list(element.iter(W + tag)):
                value = renamed.get(style.get(W + "val"), style.get(W + "val"))
                if value in self.form.style_ids:
                    style.set(W + "val", value)
                else:
                    style.getparent().remove(style)

    def picture(self, name: str, image: _Image, props):
        from lxml import etree

        number = len(self.media) + 1
        rel_id = f"rIdDocgenImage{number}"
        self.media.append((name, rel_id, f"word/media/docgen-{number}.{image.extension}", image))
        width = int(image.width_mm * EMU_PER_MM)
        height = int(width * image.height_px / max(image.width_px, 1))
        xml = (f'<w:r xmlns:w="{W[1:-1]}" xmlns:r="{R_NS}" '
               'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:drawing>'
               f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{width}" cy="{height}"/>'
               f'<wp:docPr id="{1000 + number}" name="Ảnh {number}"/><wp:cNvGraphicFramePr>'
               '<a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData '
               'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
               f'<pic:cNvPr id="{number}" name="{image.path.name}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
               f'<a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
               f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm><a:prstGeom prst="rect">'
               '<a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
        return etree.fromstring(xml.encode("utf-8"))

    def add_media(self, contents: dict) -> None:
        """The pictures' parts, their relationships and their content types."""
        for name, rel_id, media, image in self.media:
            folder, _, file = name.rpartition("/")
            rels = f"{folder}/_rels/{file}.rels"
            text = (contents.get(rels) or docx_writer.NO_RELATIONSHIPS)
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            target = media[len(folder) + 1:]
            contents[rels] = text.replace("</Relationships>", f'<Relationship Id="{rel_id}" Type="{IMAGE_REL}" '
                                                              f'Target="{target}"/></Relationships>').encode("utf-8")
            contents[media] = image.data
            types = contents[docx_writer.CONTENT_TYPES_PART]
            types = types.decode("utf-8") if isinstance(types, bytes) else types
            if f'Extension="{image.extension}"' not in types:
                types = types.replace("<Override ", f'<Default Extension="{image.extension}" '
                                                   f'ContentType="image/{image.extension}"/><Override ', 1)
            contents[docx_writer.CONTENT_TYPES_PART] = types.encode("utf-8")


def _into_runs(xml: str) -> str:
    """Put each placeholder that stands outside a run's text (a `{{r … }}` tag, whose run docxtpl removed) in a
    run of its own, so every placeholder is found in a w:t."""
    out, last = [], 0
    for match in _PLACEHOLDER.finditer(xml):
        opened = max(xml.rfind("<w:t>", 0, match.start()), xml.rfind("<w:t ", 0, match.start()))
        if opened > xml.rfind("</w:t>", 0, match.start()):
            continue
        out.append(xml[last:match.start()])
        out.append(f'<w:r><w:t xml:space="preserve">{match.group(0)}</w:t></w:r>')
        last = match.end()
    out.append(xml[last:])
    return "".join(out)


def _parse(xml):
    from lxml import etree

    return etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)


def _new_run(props):
    from lxml import etree

    run = etree.Element(W + "r")
    if props is not None:
        run.append(copy.deepcopy(props))
    return run


def _run_props(run):
    props = run.find(W + "rPr")
    if props is None:
        props = run.makeelement(W + "rPr", {})
        run.insert(0, props)
    return props


def _set_prop(props, name: str, value: str | None = None) -> None:
    """Set one run property, where the schema puts it (Word refuses a file whose properties are out of order)."""
    ooxml_order.put_child(props, props.makeelement(W + name, {W + "val": value} if value is not None else {}))


def _text(value: str):
    from lxml import etree

    element = etree.Element(W + "t")
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.text = value
    return element


# --- the filled form as document blocks (for Markdown and the footnote count) -----------------------------------


def _on(props, name: str) -> bool:
    element = props.find(W + name) if props is not None else None
    return element is not None and element.get(W + "val") not in ("0", "false", "off")


def _inlines(paragraph, notes: dict) -> list:
    out = []
    for run in paragraph.iter(W + "r"):
        props = run.find(W + "rPr")
        bold, italic = _on(props, "b"), _on(props, "i")
        for child in run:
            if child.tag == W + "t" and child.text:
                out.append(Text(child.text, bold, italic))
            elif child.tag == W + "tab":
                out.append(Text(" ", bold, italic))
            elif child.tag in (W + "br", W + "cr"):
                out.append(Text("\n"))
            elif child.tag == W + "footnoteReference":
                note = notes.get(int(child.get(W + "id")))
                out.append(Note(list(note.content) if note else []))
    return out


def _note_texts(note) -> list:
    texts = []
    for paragraph in note.iter(W + "p"):
        texts.extend(t for t in _inlines(paragraph, {}) if isinstance(t, Text))
    while texts and not texts[0].text.strip():
        texts.pop(0)
    if texts:
        texts[0] = Text(texts[0].text.lstrip(), texts[0].bold, texts[0].italic)
    return texts


def _blocks(root, notes: dict) -> list:
    """The body's paragraphs and tables, in order (a table nested in a cell gives its text to the cell)."""
    body = root.find(W + "body")
    blocks = []
    for child in body if body is not None else ():
        if child.tag == W + "p":
            inlines = _inlines(child, notes)
            if any(isinstance(i, Note) or i.text.strip() for i in inlines):
                blocks.append(Paragraph(inlines))
        elif child.tag == W + "tbl":
            blocks.append(_table(child, notes))
    return blocks


def _table(tbl, notes: dict) -> Table:
    rows, above = [], {}  # above: grid column → the cell merged down from a row above
    header_rows = 0
    for tr in tbl.findall(W + "tr"):
        row, column = [], 0
        props = tr.find(W + "trPr")
        if props is not None and props.find(W + "tblHeader") is not None and len(rows) == header_rows:
            header_rows += 1
        for tc in tr.findall(W + "tc"):
            cell_props = tc.find(W + "tcPr")
            span = cell_props.find(W + "gridSpan") if cell_props is not None else None
            span = int(span.get(W + "val")) if span is not None else 1
            merge = cell_props.find(W + "vMerge") if cell_props is not None else None
            if merge is not None and merge.get(W + "val") != "restart" and column in above:
                above[column].rowspan += 1
            else:
                content = []
                for paragraph in tc.iter(W + "p"):
                    if content:
                        content.append(Text("\n"))
                    content.extend(_inlines(paragraph, notes))
                cell = Cell(content, span)
                row.append(cell)
                if merge is not None:
                    above[column] = cell
                else:
                    above.pop(column, None)
            column += span
        rows.append(row)
    return Table(rows, header_rows)


def write(document: FormDocument, fmt: str) -> bytes:
    """The filled form as .docx (its package), or its text as Markdown (markdown writer's blocks and notes)."""
    if fmt == "docx":
        return document.package
    from cchc_docgen.writers import markdown

    writer = markdown.MarkdownWriter()
    out = [writer.block(block) for block in document.blocks]
    if writer.notes:
        out.append("\n".join(writer.notes))
    return ("\n\n".join(out) + "\n").encode("utf-8")
