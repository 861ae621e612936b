"""Stage 4: compose the document model from a text template and the computed data.

The text template renders to a small line markup, split into named parts by `::: name` lines:

    ::: loai_van_ban          BÁO CÁO
    ::: ky_hieu               BC-UBND
    ::: trich_yeu             the title under BÁO CÁO
    ::: noi_dung              the body:  "= …" (a part), "# …" / "## …" … "##### …" headings, numbered by the
                              template kind's scheme (composing.numbering; by default A. / I. / 1. / 1.1. /
                              1.1.1. / a)); "… {-}" for an unnumbered one, "… {chu_cai}" (any style name) for
                              another style for that heading alone; "- …" and "+ …" list items, any other
                              non-empty line a paragraph
    ::: ket_luan              the closing paragraph; "./." is added

The ward's own content (`noi_dung.<muc>` in the YAML) is not pasted into that text: `khoi('muc')` turns it into
model blocks directly and leaves a placeholder line, so nothing a ward writes is ever read as markup or as
template code. A heading left without any content under it is dropped, so an empty section leaves no trace.

Jinja's idioms keep that content: what super(), self.<block>(), a macro or caller() returns and what
`{% set x %}…{% endset %}` captures is template output (Raw, see templating.library.TextTemplateSandbox), printed
as it is. The placeholder line is internal: one the template escapes (`~`, a text filter), alters, keeps back
or prints outside `::: noi_dung` is a TemplateError at the khoi() call, never text in the document.
"""

from __future__ import annotations

import copy
import re
from contextlib import nullcontext
from pathlib import Path
from random import SystemRandom

import jinja2

from cchc_docgen.composing.header import build_header
from cchc_docgen.composing.inline import InlineError, escape, parse_inline
from cchc_docgen.composing.numbering import (
    STYLES,
    SchemeError,
    heading_style,
    number_headings,
    parse_scheme,
)
from cchc_docgen.domain import formatting as fmt
from cchc_docgen.errors import DataError, Location, TemplateError
from cchc_docgen.model import (
    Cell,
    Document,
    Heading,
    Paragraph,
    Table,
    Text,
    number_notes,
)
from cchc_docgen.templating.library import Raw, ReportTemplate
from cchc_docgen.templating.sandbox import (
    OutsideTemplateFolder,
    TemplateTimeout,
    TooBigError,
    budget_paused,
    template_limits,
    template_seconds,
)
from cchc_docgen.templating.undefined import missing_field_error

MAX_LEVEL = 5
_PART = re.compile(r"^:::\s*([a-z_]+)\s*$")
# khoi() leaves a marker line, "\ue000MARK:N:CAP\ue000", where the N-th content it made goes. U+E000 is a private-use
# character: never in real text, not whitespace to str.strip(). Data text that holds it reaches the markup escaped
# ("\\\ue000"), so only a bare one is a marker; MARK, random for each document, tells our markers from anything a
# ward could write, even when a template escapes one by printing it as text. Digits only: `{% filter upper %}`
# leaves them as they are.
_TOKEN = "\ue000"
_TOKEN_LINE = re.compile(r"^\ue000(\d{9}):(\d+):(\d*)\ue000$")
_MARKER = re.compile(r"(\\?)\ue000(?:(\d{9}):(\d+):(\d*)\\?\ue000)?")
# A heading line; "{-}" or "{style}" at its end numbers it another way (numbering.heading_style).
_HEADING = re.compile(r"^(=|#{1,5})\s+(.*?)(?:\s+\{(\w+|-)\})?$")
# Figures filters usable in {=…|filter}: those that take one value.
_FIGURE_FILTERS = ("so", "hai_so", "bang_chu", "tien_bang_chu", "la_ma")


_LIST_KINDS = {"- ": "dash", "+ ": "plus"}  # how a paragraph that is a list item starts


class Composer:
    def __init__(self, context: dict, template_name: str):
        self.template_name = template_name
        self.context = context
        self.inserted: list[list] = []
        self.inserted_keys: list[str] = []  # the section each of `inserted` came from
        self.levels: dict[int, list[int]] = {}  # the ward's heading levels of each content placed, before placing
        self.used_sections: set[str] = set()
        self.mark = f"{SystemRandom().randrange(10**9):09d}"  # (as secrets.randbelow, without importing it)
        self.sentence_names: set[str] = set()  # every standard sentence a khoi() offered

    # --- the ward's content -------------------------------------------------

    def inline(self, text: str, path) -> list:
        try:
            return parse_inline(text, self.resolve_figure)
        except InlineError as exc:
            raise DataError(str(exc), path=path) from None

    def resolve_figure(self, dotted: str, filter_name: str | None) -> str:
        value = self.context["so_lieu"]
        for part in dotted.split("."):
            if not isinstance(value, dict) or value.get(part) is None:
                raise InlineError(f"không có số liệu '{dotted}' trong so_lieu")
            value = value[part]
        if filter_name is None:
            return fmt.format_number(value)
        if filter_name not in _FIGURE_FILTERS:
            raise InlineError(f"bộ lọc '{filter_name}' không dùng được ở đây; dùng một trong: {', '.join(_FIGURE_FILTERS)}")
        try:
            return str(fmt.JINJA_FILTERS[filter_name](value))
        except fmt.FormattingError as exc:
            raise InlineError(str(exc)) from None

    def blocks_from_data(self, items, path, level: int = 1) -> list:
        blocks: list = []
        append, resolve_figure = blocks.append, self.resolve_figure
        for index, item in enumerate(items or []):
            if isinstance(item, str):  # most items: self.paragraph for each line, without a call per line
                for line in item.splitlines():
                    line = line.strip()
                    if line:
                        kind = _LIST_KINDS.get(line[:2], "body")
                        try:
                            append(Paragraph(parse_inline(line[2:].lstrip() if kind != "body" else line,
                                                          resolve_figure), kind))
                        except InlineError as exc:
                            raise DataError(str(exc), path=path + (index,)) from None
                continue
            here = path + (index,)
            if "cau_mau" in item:
                blocks.append(_SentenceSlot(item["cau_mau"], here))
            elif "muc" in item:
                blocks.append(Heading(level, self.inline(item["muc"], here + ("muc",)), item.get("danh_so", True),
                                      explicit=True))
                blocks.extend(self.blocks_from_data(item.get("noi_dung"), here + ("noi_dung",), level + 1))
            else:
                blocks.append(self.table(item["bang"], here + ("bang",)))
        return blocks

    def table(self, spec: dict, path) -> Table:
        numeric = {c - 1 for c in spec.get("cot_so", [])}
        rows = []
        header = spec.get("dau", [])
        format_number, resolve_figure = fmt.format_number, self.resolve_figure
        for group, rows_spec in (("dau", header), ("dong", spec["dong"])):
            for r, row_spec in enumerate(rows_spec):
                row = []
                append = row.append
                for c, cell_spec in enumerate(row_spec):
                    kind = cell_spec.__class__
                    if kind is int:  # most cells: a bare number or text (bool is neither here)
                        append(Cell([Text(format_number(cell_spec))], 1, 1, True))
                    elif kind is str:
                        # (self.inline, without building the cell's path unless the text is refused)
                        try:
                            append(Cell(parse_inline(cell_spec, resolve_figure), 1, 1, False))
                        except InlineError as exc:
                            raise DataError(str(exc), path=path + (group, r, c)) from None
                    elif kind is float:
                        append(Cell([Text(self.float_as_written(cell_spec, path + (group, r, c)))], 1, 1, True))
                    else:
                        append(self.cell(cell_spec, path + (group, r, c)))
                rows.append(row)
        caption = self.inline(spec["tieu_de"], path + ("tieu_de",)) if spec.get("tieu_de") else []
        table = Table(rows, len(header), list(spec.get("do_rong", [])), caption)
        if numeric:
            for placed in table.placed_rows()[table.header_rows:]:
                for column, cell in placed:
                    cell.numeric = cell.numeric or column in numeric
        return table

    def cell(self, cell_spec, path) -> Cell:
        """A cell written as {nd: …, dam, nghieng, gop_cot, gop_dong}, or an empty one (null)."""
        styled = isinstance(cell_spec, dict)
        value = cell_spec.get("nd") if styled else cell_spec
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if is_number:
            content = [Text(self.float_as_written(value, path + ("nd",) if styled else path)
                            if isinstance(value, float) else fmt.format_number(value))]
        else:
            content = self.inline("" if value is None else str(value), path)
        if not styled:
            return Cell(content, numeric=is_number)
        if cell_spec.get("dam") or cell_spec.get("nghieng"):
            for t in content:
                if isinstance(t, Text):
                    t.bold = t.bold or bool(cell_spec.get("dam"))
                    t.italic = t.italic or bool(cell_spec.get("nghieng"))
        return Cell(content, cell_spec.get("gop_cot", 1), cell_spec.get("gop_dong", 1), numeric=is_number)

    @staticmethod
    def float_as_written(value: float, path) -> str:
        """A table's number as typed: YAML made 2.5 of "2.500" (a thousands dot) and dropped the zero of "0.50";
        the reader kept the text (reading.loader.WrittenFloat)."""
        return fmt.format_as_written(value, getattr(value, "written", None))

    # --- callables offered to templates ---------------------------------------

    def section_items(self, key: str):
        value = self.context["noi_dung"].get(key)
        if isinstance(value, dict):
            return value.get("noi_dung"), ("noi_dung", key, "noi_dung")
        return value, ("noi_dung", key)

    def khoi(self, key: str, cap: int | None = None, cau_mau: dict | None = None) -> Raw:
        """Place the ward's content of `noi_dung.<key>` here; its own subsections start at level `cap`
        (by default one below the heading above). `cau_mau` maps a name to standard sentences (template
        markup) that go where the ward put `{cau_mau: name}`, or after its content."""
        first_use = key not in self.used_sections
        self.used_sections.add(key)
        items, path = self.section_items(key)
        # The template's time budget is for the template's own work: turning the ward's content into blocks takes
        # as long as the content is (78,000 lines: seconds), so its first placing is not counted. Placing the same
        # section again is the template's doing, and counts.
        with budget_paused() if first_use else nullcontext():
            blocks = self.blocks_from_data(items, path)
        self.sentence_names.update(cau_mau or {})
        switches = self.context["cau_mau"]
        # A sentence the data switched off (cau_mau: {ho_so: false}) prints nothing, at its slot or after the section.
        offered = {name: text for name, text in (cau_mau or {}).items()
                   if switches.get(name, True) and str(text).strip()}
        placed = []
        for i, block in enumerate(blocks):
            if isinstance(block, _SentenceSlot):
                if block.name not in (cau_mau or {}):
                    raise DataError(f"mục '{key}' không có câu mẫu '{block.name}'", path=block.path)
                placed.append(i)
        for i in reversed(placed):
            blocks[i:i + 1] = self.markup_paragraphs(offered.pop(blocks[i].name, ""))
        for text in offered.values():
            blocks.extend(self.markup_paragraphs(text))
        self.inserted.append(blocks)
        self.inserted_keys.append(key)
        return Raw(f"\n{_TOKEN}{self.mark}:{len(self.inserted) - 1}:{cap or ''}{_TOKEN}\n")

    def check_all_sections_used(self, template_name: str) -> None:
        """Content the template has no place for would silently vanish: refuse it instead."""
        for key, value in self.context["noi_dung"].items():
            if key != "ket_luan" and value and key not in self.used_sections:
                path = ("noi_dung", key)
                raise DataError(f"mẫu '{template_name}' không có mục '{key}': nội dung này sẽ không được in; "
                                "hãy chuyển nó sang mục khác hoặc dùng mẫu phù hợp", path=path, at_key=True)

    def check_sentence_switches(self, template_name: str) -> None:
        """A switch (cau_mau: {ten: false}) for a sentence the template does not have would silently do nothing."""
        for name in self.context["cau_mau"]:
            if name not in self.sentence_names:
                known = sorted(self.sentence_names)
                # difflib only for a message's hint: a render that goes well does not import it
                from difflib import get_close_matches

                close = get_close_matches(name, known, n=1)
                hint = f"; có phải ý bạn là '{close[0]}'?" if close else (
                    f"; các câu mẫu của mẫu này: {', '.join(known)}" if known else "; mẫu này không có câu mẫu nào")
                raise DataError(f"mẫu '{template_name}' không có câu mẫu '{name}'{hint}", path=("cau_mau", name),
                                at_key=True)

    def markup_paragraphs(self, text: str) -> list:
        return [markup_paragraph(line.strip(), self.template_name) for line in str(text).splitlines() if line.strip()]

    def co_noi_dung(self, key: str) -> bool:
        """Whether the ward wrote anything for `noi_dung.<key>`."""
        return bool(self.section_items(key)[0])

    def ten_muc(self, key: str, default: str) -> str:
        """The section's title: the ward's `tieu_de` when given, else the template's default."""
        value = self.context["noi_dung"].get(key)
        if isinstance(value, dict) and value.get("tieu_de"):
            return value["tieu_de"]
        return default

    def loi(self, message: str, truong: str | None = None):
        """Stop with a data error: `truong` ("ky_bao_cao.loai", "ky_bao_cao[1].loai") names the field the message
        is about."""
        path = tuple(int(step) if step.isdigit() else step
                     for step in re.split(r"\.|\[(\d+)\]\.?", truong) if step) if truong else ()
        raise DataError(str(message), path=path)

    @staticmethod
    def chu_thich(text) -> Raw:
        """A footnote with this text, at this place. Data text keeps its **bold**/*italic*; nothing else in it
        is read as markup."""
        return Raw("^[" + escape(str(text)).replace("\\*", "*") + "]")

    # --- reading the template's output ---------------------------------------------

    def parse_body(self, text: str, template_name: str) -> list:
        blocks: list = []
        level = 0
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            token = _TOKEN_LINE.match(line)
            if token and token.group(1) == self.mark:
                blocks.extend(self.place(int(token.group(2)), int(token.group(3)) if token.group(3) else level + 1))
                continue
            if _TOKEN in line:
                self.refuse_markers(line, "noi_dung")
            heading = _HEADING.match(line)
            if heading:
                level = 0 if heading.group(1) == "=" else len(heading.group(1))
                style = heading_style(heading.group(3)) if heading.group(3) else ""
                if style is None:
                    raise TemplateLineError(f"mẫu '{template_name}': kiểu đánh số '{{{heading.group(3)}}}' không có, ở "
                                            f"đề mục {line!r}; ghi {{-}} (không đánh số) hoặc một trong: "
                                            + ", ".join("{" + name + "}" for name in STYLES),
                                            re.escape("{" + heading.group(3) + "}") + r"\s*$")
                blocks.append(Heading(level, _template_inline(heading.group(2), template_name), style != "khong",
                                      style=style))
            else:
                blocks.append(markup_paragraph(line, template_name))
        return blocks


    def place(self, index: int, start: int) -> list:
        """The content of the index-th khoi() call, its headings moved to start at level `start`. Template output
        printed twice (a {% set %} capture, a macro's result) places the content twice: the second time a copy,
        numbered on its own."""
        blocks = self.inserted[index]
        if index in self.levels:
            blocks = copy.deepcopy(blocks)
        headings = [block for block in blocks if isinstance(block, Heading)]
        for heading, level in zip(headings, self.levels.setdefault(index, [h.level for h in headings])):
            heading.level = min(level + start - 1, MAX_LEVEL)
        return blocks

    def refuse_markers(self, text: str, part: str) -> None:
        """A khoi() marker anywhere but alone on a line of `::: noi_dung`, or one the template altered, would
        leave the ward's content out of the document and the marker in it: stop, naming the section."""
        for found in _MARKER.finditer(text):
            escaped, mark, index = found.group(1), found.group(2), found.group(3)
            if mark != self.mark:
                if escaped:
                    continue  # the character in the ward's text, escaped as data
                if self.mark in text:
                    raise TemplateError(f"mẫu '{self.template_name}': dấu đặt chỗ mà khoi() để lại đã bị sửa (bởi một "
                                        "bộ lọc như replace hay một hàm xử lý chuỗi), nên nội dung của đơn vị sẽ bị "
                                        "mất: kết quả của khoi(), super() hoặc macro chỉ được in nguyên")
                raise TemplateError(f"mẫu '{self.template_name}' in ra ký tự nội bộ U+E000 (dấu đặt chỗ của khoi): "
                                    f"'{_shown_line(text)}'; mẫu không được tự viết ký tự này")
            key = self.inserted_keys[int(index)]
            if escaped:
                message = (f"nội dung mục '{key}' (khoi) bị in ra như chữ thường, nên nội dung của đơn vị sẽ bị mất: "
                           "kết quả của khoi(), super(), macro hay {% set %}…{% endset %} phải được in nguyên "
                           "{{ … }}, không qua phép nối '~', bộ lọc hay hàm xử lý chuỗi")
            elif part != "noi_dung":
                message = (f"khoi('{key}') nằm trong phần '::: {part}'; nội dung của đơn vị chỉ đặt được trong phần "
                           "'::: noi_dung'")
            else:
                message = f"khoi(...) phải đứng riêng một dòng: '{_shown_line(text, self.inserted_keys)}'"
            raise misplaced_content(key, f"mẫu '{self.template_name}': {message}")

    def refuse_unplaced(self) -> None:
        """Content a khoi() call made but the template never printed (kept in a variable, say) would vanish."""
        placed = {self.inserted_keys[index] for index in self.levels}
        for key in self.inserted_keys:
            if key not in placed:
                raise misplaced_content(key, f"mẫu '{self.template_name}': nội dung mục '{key}' do khoi('{key}') tạo "
                                            "ra không được in vào văn bản (giữ trong một biến mà không in ra?), nên "
                                            "nội dung của đơn vị sẽ bị mất")


class TemplateLineError(TemplateError):
    """A problem seen in the template's output; `pattern` finds the template line it comes from (template_line),
    looked up only when the error is reported."""

    def __init__(self, message: str, pattern: str):
        super().__init__(message)
        self.pattern = pattern


def misplaced_content(key: str, message: str) -> TemplateLineError:
    """The ward's content of section `key` would not reach the document: located at the khoi('key') call."""
    return TemplateLineError(message, r"\bkhoi\(\s*[\"']" + re.escape(key) + r"[\"']")


def _shown_line(line: str, keys: list[str] | None = None) -> str:
    """A line of template output as the author wrote it: each marker shown as the khoi() call that made it."""
    def shown(found) -> str:
        if keys is not None and found.group(3) is not None and int(found.group(3)) < len(keys):
            return "{{ khoi('" + keys[int(found.group(3))] + "') }}"
        return "<U+E000>"
    return _MARKER.sub(shown, line).strip()


def template_line(template: ReportTemplate, pattern: str) -> Location | None:
    """The first line of the template (or a file it extends) where `pattern` is found."""
    found = re.compile(pattern)
    for filename in template.library.text_chain(template.name):
        for number, line in enumerate(Path(filename).read_text(encoding="utf-8").splitlines(), 1):
            if found.search(line):
                return Location(filename, number)
    return None


class _SentenceSlot:
    """Where the ward wants a standard sentence (`{cau_mau: name}`); replaced before the body is assembled."""

    def __init__(self, name: str, path):
        self.name = name
        self.path = path


def _template_inline(text: str, template_name: str) -> list:
    try:
        return parse_inline(text)
    except InlineError as exc:
        raise TemplateError(f"mẫu '{template_name}': {exc}: {text!r}") from None


def markup_paragraph(line: str, template_name: str) -> Paragraph:
    """One line of template output: a "- "/"+ " list item or a paragraph."""
    if line[:2] in ("- ", "+ "):
        return Paragraph(_template_inline(line[2:].lstrip(), template_name), "dash" if line[0] == "-" else "plus")
    return Paragraph(_template_inline(line, template_name))


def split_parts(text: str, template_name: str) -> dict[str, str]:
    parts: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = _PART.match(line.strip())
        if m:
            current = m.group(1)
            parts.setdefault(current, [])
        elif current is not None:
            parts[current].append(line)
        elif line.strip():
            raise TemplateError(f"mẫu '{template_name}': nội dung trước phần '::: …' đầu tiên: {line.strip()!r}")
    missing = [p for p in ("loai_van_ban", "trich_yeu", "noi_dung") if p not in parts]
    if missing:
        raise TemplateError(f"mẫu '{template_name}' thiếu phần: {', '.join('::: ' + m for m in missing)}")
    return {name: "\n".join(lines).strip() for name, lines in parts.items()}


def prune_empty_sections(blocks: list) -> list:
    """Drop every heading with nothing but (dropped) headings under it, so no section is left empty.

    A template heading has content when, after it and before the next heading at its level or above, there is
    text or a heading the ward wrote. One pass from the end keeps, for each level, where the nearest heading of
    that level starts and where the nearest content is, so the answer costs a few comparisons per heading
    (looking ahead from every heading took minutes for a template with 100,000 headings)."""
    nearest_content = len(blocks)  # text, or a heading the ward wrote
    nearest_heading_at: dict[int, int] = {}  # level → index of the nearest heading of that level
    has_content = [True] * len(blocks)
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if not isinstance(block, Heading):
            nearest_content = i
            continue
        if not block.explicit:
            section_end = min((at for level, at in nearest_heading_at.items() if level <= block.level),
                              default=len(blocks))
            has_content[i] = nearest_content < section_end
        else:
            nearest_content = i
        nearest_heading_at[block.level] = i
    return [block for block, kept in zip(blocks, has_content) if kept]


def numbering_scheme(template: ReportTemplate):
    """The template kind's numbering scheme (`mau.<name>.danh_so` in cau-hinh.yaml), the default when none."""
    try:
        return parse_scheme(template.numbering)
    except SchemeError as exc:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in exc.path)
        raise TemplateError(f"mẫu '{template.name}': cách đánh số 'mau.{template.name}.danh_so{where}' trong "
                            f"cau-hinh.yaml: {exc.message}") from None


def end_with_closing_mark(blocks: list) -> None:
    """The body of a Decree-30 document ends with "./."."""
    for block in reversed(blocks):
        if isinstance(block, Paragraph):
            last = block.content[-1] if block.content else None
            if isinstance(last, Text):
                last.text = last.text.rstrip().removesuffix("./.").rstrip(" .")
            block.content.append(Text("./."))
            return


def appendices(context: dict, library, header) -> list:
    """The data's Phụ lục (domain/appendix.py), and a roll-up's: the module is imported only for data that has
    one (most reports have none, and their one-shot render spared its import)."""
    if not (context.get("phu_luc") or context.get("tong_hop")):
        return []
    from cchc_docgen.domain.appendix import build_appendices

    return build_appendices(context, library, header)


def compose(context: dict, template: ReportTemplate) -> Document:
    """Render `template` with `context` and build the document; footnotes numbered 1..N in reading order."""
    composer = Composer(context, template.name)
    helpers = {"khoi": composer.khoi, "co_noi_dung": composer.co_noi_dung,
               "ten_muc": composer.ten_muc, "chu_thich": composer.chu_thich, "loi": composer.loi}
    try:
        with template_limits():
            text = template.text.render({**context, **helpers})
    except TooBigError as exc:
        raise TemplateError(f"mẫu '{template.name}' bị dừng: {exc.message}, quá lớn cho một văn bản") from None
    except TemplateTimeout:
        raise TemplateError(f"mẫu '{template.name}' chạy quá {fmt.format_number(template_seconds())} giây mà chưa "
                            "xong (không tính thời gian đọc nội dung của đơn vị): vòng lặp của mẫu quá lớn hoặc không "
                            "dừng?; đặt DOCGEN_TEMPLATE_SECONDS nếu mẫu thật sự cần lâu hơn") from None
    except jinja2.exceptions.SecurityError as exc:  # the sandbox refused an attribute such as __class__
        attribute = re.search(r"attribute '([^']*)'", exc.message or "")
        raise TemplateError(f"mẫu '{template.name}' bị chặn khi truy cập '{attribute.group(1) if attribute else '?'}': "
                            "mẫu chạy trong môi trường cách ly, không được dùng phần bên trong của Python") from None
    except jinja2.UndefinedError as exc:
        helper = re.match(r"'(\w+)' is undefined", exc.message or "")
        if helper and helper.group(1) in helpers:
            # As in Jinja, a file brought in by {% import %} sees only the globals, not what the render is given.
            raise TemplateError(f"mẫu '{template.name}' dùng biến không có: {exc.message}; tệp macro được "
                                "{% import %} cần 'with context' để dùng " + helper.group(1) + "(), ví dụ "
                                '{% import "_macro.md.j2" as m with context %}') from None
        raise missing_field_error(exc, context, template.name, [*helpers, *template.library.env.globals]) from None
    except fmt.FormattingError as exc:
        raise DataError(f"không định dạng được số liệu khi dựng mẫu '{template.name}': {exc}", path=("so_lieu",)) from None
    except OutsideTemplateFolder as exc:
        raise TemplateError(f"mẫu '{template.name}': {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"mẫu '{template.name}' dùng tệp '{exc.name}' không tìm thấy trong các thư mục mẫu "
                            "(mẫu chỉ được dùng tệp trong thư mục mẫu)") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"mẫu '{template.name}': {exc}") from None
    except RecursionError:
        raise TemplateError(f"mẫu '{template.name}' tự gọi lại chính nó (include/extends vòng quanh)") from None
    except (OverflowError, MemoryError, ValueError) as exc:  # e.g. printing a number of over 4300 digits
        raise TemplateError(f"mẫu '{template.name}' đòi một phép tính quá lớn ({type(exc).__name__}): "
                            "hãy kiểm tra range(), phép nhân chuỗi hoặc vòng lặp") from None
    composer.check_all_sections_used(template.name)
    composer.check_sentence_switches(template.name)
    parts = split_parts(text, template.name)
    # The line under the title is the data's when it sets one (van_ban.phu_de), or drops it ("" / false).
    if context["van_ban"]["phu_de"] is not None:
        parts["thoi_gian"] = escape(context["van_ban"]["phu_de"])
    try:
        for name, part in parts.items():
            if name != "noi_dung" and _TOKEN in part:
                composer.refuse_markers(part, name)
        body = composer.parse_body(parts["noi_dung"], template.name)
        composer.refuse_unplaced()
    except TemplateLineError as exc:
        exc.location = template_line(template, exc.pattern)
        raise
    # The header lines are plain text: read the markup only to unescape data text in them.
    for name in ("loai_van_ban", "ky_hieu", "trich_yeu", "thoi_gian"):
        if name in parts:
            parts[name] = "".join(t.text for t in parse_inline(parts[name]) if isinstance(t, Text))
    blocks = prune_empty_sections(body)
    if parts.get("ket_luan"):
        blocks.append(Paragraph(parse_inline(parts["ket_luan"])))
    number_headings(blocks, numbering_scheme(template))
    end_with_closing_mark(blocks)
    header = build_header(context, parts)
    document = Document(header, blocks, appendices(context, template.library, header), template.layout_path)
    number_notes(document.reading_order())
    return document
