"""`docgen lint`: find what is broken in a template before a ward's report trips over it.

Text templates (`NAME.md.j2` and the files they extend): Jinja syntax errors and unclosed blocks at the line of
the tag, with the line's text; filters and tests that do not exist; variables and fields that are neither in the
data schema nor computed nor offered by the composer (`khoi`, `ten_muc`, …); sections `khoi("…")` that the schema
does not know; `__…` attributes the sandbox blocks anyway.

Layouts (`bo-cuc.docx`) and Word forms: each problem is located by part, paragraph or table cell, with the text
around the tag — never by an XML line number: tags whose braces are split by other text (docxtpl then leaves them
as plain text), unclosed tags, Jinja errors of the patched XML, variables that are not layout variables, and
property elements out of the schema's order (Word refuses the file, LibreOffice does not; writers/ooxml_order),
and on/off-only properties whose value is neither "on" nor "off" (LibreOffice writes "true").

Indicator catalogs (`phu-luc/*.yaml`) are read the way `render` reads them.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from pathlib import Path

import jinja2
from jinja2 import nodes

from cchc_docgen.domain.checks import ERROR, WARNING, Finding
from cchc_docgen.errors import DocgenError, Location
from cchc_docgen.templating.sandbox import OutsideTemplateFolder
from cchc_docgen.writers.docx import (
    BODY_TAG,
    MAX_LAYOUT_BYTES,
    MAX_TEMPLATED_PART_BYTES,
    TEMPLATED_PART,
    inside_paragraph,
    layout_problem,
)

# Offered to text templates by the composer (compose.py), besides the data and the formatting globals.
HELPERS = ("khoi", "ten_muc", "co_noi_dung", "chu_thich", "loi")
# The parts a text template's output is split into (compose.py).
PARTS = ("loai_van_ban", "ky_hieu", "trich_yeu", "thoi_gian", "noi_dung", "ket_luan")
# Sections of noi_dung are named by the first argument of these helpers.
SECTION_HELPERS = ("khoi", "ten_muc", "co_noi_dung")

# What compute.py adds to the data (field path → meaning); tests keep this list equal to compute's output.
DERIVED_VARIABLES = {
    "ky_bao_cao.ten": "Tên kỳ báo cáo, ví dụ: quý III năm 2024; 6 tháng đầu năm 2024.",
    "ky_bao_cao.ten_ky_toi": "Tên kỳ tiếp theo, ví dụ: quý IV năm 2024; 6 tháng cuối năm 2024.",
    "ky_bao_cao.cac_ky": "Các kỳ của báo cáo, theo thứ tự (một kỳ: danh sách một phần tử); mỗi kỳ có loai, so, nam, "
                         "tu_ngay, den_ngay, ten, ten_ky_toi, truong và so_lieu riêng của kỳ.",
    "ky_bao_cao.truong": "Trường của kỳ (cuối) trong dữ liệu, để báo lỗi đúng chỗ: loi(…, ky_bao_cao.truong ~ \".loai\").",
    "so_lieu.nhiem_vu_ke_hoach.con_lai": "Số nhiệm vụ còn lại: de_ra − hoan_thanh.",
    "so_lieu.ho_so.tong": "Tổng số hồ sơ của kỳ: ky_truoc_chuyen_sang + tiep_nhan.",
    "so_lieu.ho_so.dang_giai_quyet": "Số hồ sơ đang giải quyết: tong − da_giai_quyet.",
    "so_lieu.dich_vu_cong.tong_ho_so": "Tổng số hồ sơ trên Cổng dịch vụ công: toan_trinh.tong + mot_phan.tong.",
}

# What the layout's variables hold (compose.py builds them, see layout_variables(); the body goes where
# `{{p noi_dung }}` stands).
LAYOUT_VARIABLES = {
    "co_quan_chu_quan": "Tên cơ quan chủ quản, chữ in hoa (rỗng khi không có).",
    "ten_co_quan": "Tên cơ quan ban hành: danh sách dòng, chữ in hoa.",
    "so_ky_hieu": "Số và ký hiệu, ví dụ: 85/BC-UBND (dự thảo: '     /BC-UBND').",
    "dia_danh_ngay": "Địa danh và ngày tháng, ví dụ: Thạch Quý, ngày 17 tháng 9 năm 2024.",
    "loai_van_ban": "Tên loại văn bản, ví dụ: BÁO CÁO, KẾ HOẠCH.",
    "trich_yeu": "Trích yếu nội dung (có thể nhiều dòng).",
    "thoi_gian": "Dòng thời gian lấy số liệu dưới trích yếu, ví dụ: (Số liệu tính từ ngày … đến ngày …).",
    "kinh_gui": "Các dòng 'Kính gửi: …' (danh sách dòng; rỗng khi không gửi ai).",
    "kinh_gui_doan": "Khối Kính gửi thành một đoạn: 'Kính gửi:', dấu tab, rồi mỗi nơi nhận một dòng (bố cục thụt treo).",
    "noi_nhan": "Các dòng nơi nhận, ví dụ: '- UBND thành phố (b/c);', '- Lưu: VT, VP.'.",
    "tham_quyen": "Các dòng thẩm quyền ký, chữ in hoa, ví dụ: TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH.",
    "chuc_vu": "Chức vụ người ký, chữ in hoa.",
    "ho_ten": "Họ và tên người ký.",
    "noi_dung": "Phần thân văn bản (đặt bằng {{p noi_dung }} trên một đoạn riêng).",
}

def layout_variables() -> list[str]:
    """The names the layout is rendered with: what compose gives a sample document, plus the body."""
    global _LAYOUT_NAMES
    if _LAYOUT_NAMES is None:
        from cchc_docgen.authoring.scaffold import sample_data
        from cchc_docgen.composing.header import build_header
        from cchc_docgen.composing.header import layout_variables as header_variables
        from cchc_docgen.domain import compute

        context = compute.compute(sample_data("quy", "quy", 2025))
        header = build_header(context, {"loai_van_ban": "BÁO CÁO", "trich_yeu": "x", "ky_hieu": "BC-UBND"})
        _LAYOUT_NAMES = [*header_variables(header), "noi_dung"]
    return _LAYOUT_NAMES


_LAYOUT_NAMES = None
_LOCALS = {"loop", "super", "self", "caller", "varargs", "kwargs"}
# Names a command adds to the context beside the data (pipeline.Pipeline.prepare's `extra`): the roll-up that
# `docgen tong-hop` gives the template compiling many units' reports (domain/rollup.py).
COMMAND_VARIABLES = {"tong_hop"}
_DICT_METHODS = {"items", "keys", "values", "get"}
_OPENERS = {"if", "for", "block", "macro", "call", "filter", "with", "autoescape", "trans", "raw"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _finding(level, message, file, line=None, text="", column=None) -> Finding:
    context = f"{line} | {text.rstrip()}" if line and text.strip() else ""
    return Finding(level, message, Location(str(file), line, column), (), context)


# --- Jinja messages in Vietnamese -------------------------------------------------------------------------

def _tag_names(text: str) -> str:
    return " hoặc ".join("{% " + t + " %}" for t in re.findall(r"'(\w+)'", text))


def vietnamese_syntax_message(message: str) -> str:
    """Jinja's syntax error messages, in Vietnamese (the original when it is not one we know)."""
    m = re.match(r"Encountered unknown tag '(\w+)'\.(?: Jinja was looking for the following tags: (.*?)\.)?", message)
    if m:
        if m.group(2):
            return f"thẻ {{% {m.group(1)} %}} không đúng chỗ: ở đây cần {_tag_names(m.group(2))}"
        return f"thẻ không có trong Jinja: {{% {m.group(1)} %}}"
    m = re.match(r"Unexpected end of template\. Jinja was looking for the following tags: (.*?)\.", message)
    if m:
        return f"khối chưa được đóng: thiếu {_tag_names(m.group(1))}"
    m = re.match(r"unexpected end of template, expected '(.*)'", message)
    if m:
        return f"mẫu kết thúc khi thẻ chưa đóng (cần '{m.group(1)}')"
    m = re.match(r"unexpected '(.*)'", message)
    if m:
        return f"ký tự không đúng chỗ: '{m.group(1)}'"
    m = re.match(r"expected token '(.*?)', got '(.*)'", message)
    if m:
        wanted = {"end of print statement": "}}", "end of statement block": "%}"}.get(m.group(1), m.group(1))
        return f"biểu thức sai: gặp '{m.group(2)}' trong khi cần '{wanted}'"
    m = re.match(r"Expected an expression, got '(.*)'", message)
    if m:
        return "thiếu biểu thức trong thẻ"
    m = re.match(r"[Bb]lock '(\w+)' defined twice", message)
    if m:
        return f"khối '{m.group(1)}' được định nghĩa hai lần"
    return f"lỗi cú pháp Jinja ({message})"


def unclosed_block(env, source: str):
    """(line, tag) of the innermost block still open at the end of `source`, or None."""
    stack = []
    try:
        tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    except jinja2.TemplateSyntaxError:
        return None
    i = 0
    while i < len(tokens):
        line, kind, value = tokens[i]
        if kind == "block_begin" and i + 1 < len(tokens) and tokens[i + 1][1] == "name":
            name = tokens[i + 1][2]
            j = i + 1
            while j < len(tokens) and tokens[j][1] != "block_end":
                j += 1
            body = [t[2] for t in tokens[i + 1:j]]
            if name in _OPENERS or (name == "set" and "=" not in body):
                stack.append((line, name))
            elif name.startswith("end") and stack and stack[-1][1] == name[3:]:
                stack.pop()
            i = j
        i += 1
    return stack[-1] if stack else None


# --- text templates ---------------------------------------------------------------------------------------

class _Shape:
    """What fields exist below a context variable, read from the JSON Schema plus the computed ones."""

    def __init__(self, schema: dict):
        # A template sees the report's period as one object whatever the data wrote (compute joins a list of
        # periods into one), so its fields are those of one period.
        self.schema = {**schema, "properties": {**schema["properties"], "ky_bao_cao": {"$ref": "#/$defs/ky"}}}

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            node = {**self.schema["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def fields(self, path):
        """The allowed fields below `path` (a tuple of names), or None when any field is fine."""
        node = self.schema
        for part in path:
            node = self.child(node, part)
            if node is None:
                return None
        return self.keys(node, path)

    def child(self, node, name):
        node = self.resolve(node)
        for branch in [node] + [self.resolve(b) for b in node.get("oneOf", []) + node.get("anyOf", [])]:
            if name in branch.get("properties", {}):
                return branch["properties"][name]
        return None

    def keys(self, node, path):
        node = self.resolve(node)
        branches = [node] + [self.resolve(b) for b in node.get("oneOf", []) + node.get("anyOf", [])]
        objects = [b for b in branches if b.get("type") == "object" or "properties" in b]
        if not objects or any(b.get("additionalProperties", True) is not False for b in objects):
            return None
        if any(b.get("type") not in (None, "object") for b in branches[1:]):
            return None  # a value that may also be a list or a string: anything could be a method
        names = set().union(*(b.get("properties", {}) for b in objects))
        dotted = ".".join(path)
        names.update(k.rsplit(".", 1)[1] for k in DERIVED_VARIABLES if k.rsplit(".", 1)[0] == dotted)
        return names | _DICT_METHODS


def _known_child(shape: _Shape, path) -> bool:
    node = shape.schema
    for part in path:
        node = shape.child(node, part)
        if node is None:
            return False
    return True


def attribute_chain(node):
    """For `a.b.c` / `a["b"]`: ('a', ['b', 'c'], node of a); None for anything else."""
    attrs = []
    while True:
        if isinstance(node, nodes.Getattr):
            attrs.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            attrs.append(node.arg.value)
            node = node.node
        else:
            break
    if isinstance(node, nodes.Name):
        return node.name, list(reversed(attrs)), node
    return None


def _lint_used_files(env, filename, lines, tree) -> list[Finding]:
    """Each file a template includes or imports by name must exist and lie within the template folders."""
    out = []
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
        if not isinstance(node.template, nodes.Const) or not isinstance(node.template.value, str):
            continue
        used = node.template.value
        text = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
        try:
            env.loader.get_source(env, used)
        except OutsideTemplateFolder as exc:
            out.append(_finding(ERROR, exc.message, filename, node.lineno, text))
        except jinja2.TemplateNotFound:
            if not getattr(node, "ignore_missing", False):
                out.append(_finding(ERROR, f"tệp '{used}' không tìm thấy trong các thư mục mẫu", filename, node.lineno, text))
    return out


def lint_text_chain(library, name: str) -> list[Finding]:
    """The text template NAME and every file it extends, checked together (a child's `{% set %}` is seen by
    its parent)."""
    env = library.env
    schema = library.schema(name)  # the package's, with what the template folders declare of this kind
    shape = _Shape(schema)
    findings: list[Finding] = []
    parsed = []
    current, seen = name + ".md.j2", set()
    while current and current not in seen:  # the file, then the one it extends, … (as library.text_chain)
        seen.add(current)
        try:
            source, filename, _ = env.loader.get_source(env, current)
        except OutsideTemplateFolder as exc:
            findings.append(Finding(ERROR, exc.message, Location(exc.filename)))
            break
        except jinja2.TemplateNotFound:
            findings.append(Finding(ERROR, f"mẫu '{name}' kế thừa tệp không tìm thấy: {current}"))
            break
        lines = source.splitlines()
        findings.extend(_lint_markup_lines(filename, lines))
        try:
            tree = env.parse(source, filename=filename)
        except jinja2.TemplateSyntaxError as exc:
            message = vietnamese_syntax_message(exc.message)
            line = exc.lineno
            opened = unclosed_block(env, source) if exc.message.startswith(("Unexpected end", "unexpected end")) else None
            if opened:
                line = opened[0]
                message = f"khối {{% {opened[1]} %}} mở ở dòng {line} chưa được đóng (thiếu {{% end{opened[1]} %}})"
            findings.append(_finding(ERROR, message, filename, line, lines[line - 1] if 0 < line <= len(lines) else ""))
            break
        parsed.append((filename, lines, tree))
        findings.extend(_lint_used_files(env, filename, lines, tree))
        parents = [n.template.value for n in tree.find_all(nodes.Extends) if isinstance(n.template, nodes.Const)]
        current = parents[0] if parents else None
    declared = set()
    aliases: dict = {}
    for _, _, tree in parsed:
        _collect_declared(tree, declared, aliases)
    known = set(schema["properties"]) | set(HELPERS) | set(env.globals) | _LOCALS | COMMAND_VARIABLES
    for filename, lines, tree in parsed:
        findings.extend(_lint_tree(env, shape, filename, lines, tree, declared, aliases, known))
    return findings


def _collect_declared(tree, declared: set, aliases: dict) -> None:
    """Names a template assigns (set, for, with, macro, import) into `declared`; `aliases` maps a name set to a
    field of the data (`{% set hs = so_lieu.ho_so %}`) to that field, so `hs.tong` is checked too."""
    for node in tree.find_all((nodes.Assign, nodes.AssignBlock, nodes.For, nodes.With, nodes.Macro, nodes.CallBlock,
                               nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Macro):
            declared.add(node.name)
            declared.update(a.name for a in node.args)
        elif isinstance(node, nodes.CallBlock):
            declared.update(a.name for a in node.args)
        elif isinstance(node, nodes.Import):
            declared.add(node.target)
        elif isinstance(node, nodes.FromImport):
            declared.update(n[1] if isinstance(n, tuple) else n for n in node.names)
        else:
            targets = node.targets if isinstance(node, nodes.With) else [node.target]
            for target in targets:
                for name in [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name)):
                    declared.add(name.name)
                    chain = attribute_chain(node.node) if isinstance(node, nodes.Assign) and target is name else None
                    value = (chain[0], tuple(chain[1])) if chain else None
                    if aliases.setdefault(name.name, value) != value:
                        aliases[name.name] = None  # assigned two different things: no longer known


def _lint_tree(env, shape, filename, lines, tree, declared, aliases, known) -> list[Finding]:
    out = []

    def add(level, message, lineno):
        out.append(_finding(level, message, filename, lineno, lines[lineno - 1] if 0 < lineno <= len(lines) else ""))

    sections = set(shape.schema["properties"]["noi_dung"]["properties"])
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in declared and node.name not in known:
            add(ERROR, f"biến '{node.name}' không có trong dữ liệu, số liệu tính sẵn hay các hàm của mẫu", node.lineno)
    for node in tree.find_all(nodes.Filter):
        if node.name not in env.filters:
            add(ERROR, f"không có bộ lọc '{node.name}'", node.lineno)
    for node in tree.find_all(nodes.Test):
        if node.name not in env.tests:
            add(ERROR, f"không có phép thử '{node.name}' (dùng sau 'is')", node.lineno)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(attr, str) and attr.startswith("_"):
            add(ERROR, f"thuộc tính '{attr}' bị chặn: mẫu chạy trong môi trường cách ly, không truy cập được "
                       "phần bên trong của Python", node.lineno)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        chain = attribute_chain(node)
        if chain is None or isinstance(node, nodes.Getitem) and not chain[1]:
            continue
        root, attrs, _ = chain
        if root in declared:
            alias = aliases.get(root)
            if not alias or alias[0] in declared:
                continue
            root, attrs = alias[0], list(alias[1]) + attrs
        elif root not in shape.schema["properties"]:
            continue
        path = [root]
        for attr in attrs:
            allowed = shape.fields(tuple(path))
            if allowed is None:  # open (so_lieu's own groups, a list, a string): only a known field is followed
                if not _known_child(shape, path + [attr]):
                    if path == ["so_lieu"]:
                        # A group neither in the schema nor declared: `{% if so_lieu.X %}` is false for every ward
                        # that lacks it, so a misspelt group would silently drop its sentence.
                        groups = list(shape.schema["$defs"]["so_lieu"]["properties"])
                        close = difflib.get_close_matches(attr, groups, n=1)
                        add(WARNING, f"nhóm số liệu 'so_lieu.{attr}' không có trong mẫu dữ liệu hay khai báo của thư mục"
                                     f" mẫu{f'; có phải ý bạn là {close[0]!r}?' if close else ''} (nếu là nhóm riêng "
                                     "của các đơn vị, khai báo trong cau-hinh.yaml: mau.TÊN.so_lieu)", node.lineno)
                    break
            elif attr not in allowed:
                add(ERROR, f"trường '{'.'.join(path + [attr])}' không có trong dữ liệu (schema) hay số liệu tính sẵn",
                    node.lineno)
                break
            path.append(attr)
    for node in tree.find_all(nodes.Call):
        if (isinstance(node.node, nodes.Name) and node.node.name in SECTION_HELPERS and node.args
                and isinstance(node.args[0], nodes.Const) and node.args[0].value not in sections):
            add(ERROR, f"{node.node.name}(\"{node.args[0].value}\"): mục '{node.args[0].value}' không có trong "
                       "noi_dung của schema, nên dữ liệu không thể có nội dung cho nó", node.lineno)
    unique = {}
    for f in out:
        unique.setdefault((f.location.line, f.message), f)
    return list(unique.values())


def _lint_markup_lines(filename, lines) -> list[Finding]:
    """The output markup: `::: part` names, and khoi(...) alone on its line (compose.py needs both)."""
    out = []
    # Comments ({# … #}) keep their line breaks so the line numbers stay right.
    text = re.sub(r"\{#.*?#\}", lambda m: re.sub(r"[^\n]", " ", m.group(0)), "\n".join(lines), flags=re.S)
    for number, line in enumerate(text.split("\n"), start=1):
        m = re.match(r"^:::\s*(\S+)\s*$", line.strip())
        if m and m.group(1) not in PARTS:
            out.append(_finding(ERROR, f"phần '::: {m.group(1)}' không có; các phần: {', '.join(PARTS)}", filename,
                                number, lines[number - 1]))
        if re.search(r"\bkhoi\(", line) and not re.fullmatch(r"\s*\{\{-?\s*khoi\(.*\)\s*-?\}\}\s*", line):
            out.append(_finding(ERROR, "khoi(...) phải đứng riêng một dòng", filename, number, lines[number - 1]))
    return out


# --- layouts ----------------------------------------------------------------------------------------------

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_BROKEN = re.compile(r"\{[^\S\n]+[{%#]|[}%#][^\S\n]+\}")
_PREFIX = re.compile(r"^(\{[{%#])(p|tr|tc|r)\s")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def part_title(name: str) -> str:
    if name == "word/document.xml":
        return "thân văn bản"
    if name == "word/footnotes.xml":
        return "chú thích cuối trang (footnotes.xml)"
    kind = "đầu trang" if "header" in name else "chân trang"
    return f"{kind} ({name.rsplit('/', 1)[1]})"


def _place(name: str, where: list[str]) -> str:
    return f"{part_title(name)}, {', '.join(where)}"


_BODY_TAG_IN_TEXT = re.compile(r"\{\{\w?\s*noi_dung\b[^}]*\}\}")


def _tag_places(name: str, data: bytes, pattern: re.Pattern) -> list[tuple[str, str]]:
    """(place, text around) of each match of `pattern` in the text of the paragraphs of one layout part."""
    from lxml import etree

    found = []
    for paragraph, where in _paragraphs(etree.fromstring(data)):
        text = "".join(t.text or "" for t in paragraph.iter(W + "t"))
        found += [(_place(name, where), _around(text, m.start(), m.end())) for m in pattern.finditer(text)]
    return found


def body_place_problems(patched: dict[str, str], original: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """(where, what is wrong, text around) for each misplaced body tag of a layout, and for a missing one. The
    body goes once into word/document.xml as {{p noi_dung }}, a paragraph of its own: docxtpl replaces that
    paragraph with the body. `patched`: the templated parts after docxtpl's patch_xml, which is where render
    looks (tags split across runs merged); `original`: the parts' own bytes, where paragraphs are counted."""
    problems, placed = [], None
    for name in sorted(patched, key=lambda n: (n != "word/document.xml", n)):
        places = None
        for index, m in enumerate(BODY_TAG.finditer(patched[name])):
            inside = inside_paragraph(patched[name], m.start())
            if name == "word/document.xml" and placed is None and not inside:
                placed = index
                continue
            places = places or _tag_places(name, original[name], _BODY_TAG_IN_TEXT)
            place, text = places[index] if index < len(places) else (part_title(name), "")
            if name != "word/document.xml":
                problem = "phần thân chỉ đặt được trong thân văn bản, không ở đầu trang hay chân trang"
            elif inside:
                problem = ("phần thân phải đặt bằng {{p noi_dung }} (có 'p') trên một đoạn riêng: {{ noi_dung }} "
                           "đặt cả văn bản vào giữa một đoạn, nên phần thân không hiện ra")
            else:
                earlier = places[placed][0] if placed < len(places) else "một đoạn trước"
                problem = f"phần thân đã đặt ở {earlier}; chỉ đặt {{{{p noi_dung }}}} một lần"
            problems.append((place, problem, text))
    if placed is None:
        problems.append((part_title("word/document.xml"), "không có {{p noi_dung }}: phần thân văn bản không có chỗ đặt", ""))
    return problems


def _paragraphs(root):
    """Every w:p with a description of where it is: "đoạn 3", "bảng 1, hàng 2, ô 1, đoạn 1"."""
    def walk(element, where):
        counters = {"p": 0, "tbl": 0}
        for child in element:
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                counters["p"] += 1
                yield child, where + [f"đoạn {counters['p']}"]
            elif tag == "tbl":
                counters["tbl"] += 1
                rows = [r for r in child if r.tag == W + "tr"]
                for r, row in enumerate(rows, start=1):
                    cells = [c for c in row if c.tag == W + "tc"]
                    for c, cell in enumerate(cells, start=1):
                        yield from walk(cell, where + [f"bảng {counters['tbl']}, hàng {r}, ô {c}"])
            elif tag in ("sdt", "sdtContent", "customXml", "body", "hdr", "ftr", "txbxContent"):
                yield from walk(child, where)
    yield from walk(root, [])


def _around(text: str, start: int, end: int, margin: int = 25) -> str:
    head, tail = max(0, start - margin), min(len(text), end + margin)
    return ("…" if head else "") + text[head:tail] + ("…" if tail < len(text) else "")


def _normalize_tag(tag: str) -> str:
    tag = _PREFIX.sub(r"\1 ", tag.translate(_QUOTES))
    m = re.fullmatch(r"\{%\s*(colspan|cellbg)\s+(.*?)\s*%\}", tag)
    if m:
        return "{{ " + m.group(2) + " }}"
    return "" if re.fullmatch(r"\{%\s*(vm|hm)\s*%\}", tag) else tag


def lint_layout(path, form=None) -> list[Finding]:
    """Problems of a layout .docx, each located by part, paragraph or table cell, with the text around it.
    With `form` (a Word form, templating/forms.WordForm: `path` is its .docx) the form's tags are checked
    against what a form is filled with instead (lint_form_tags), its footnotes too, and it needs no body tag."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from cchc_docgen.writers.docx import FOOTNOTES_PART, layout_env

    path = Path(path)
    out: list[Finding] = []

    def add(level, message, where, text=""):
        out.append(Finding(level, f"{where}: {message}", Location(str(path)), (), f"«{text}»" if text else ""))

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            too_big = [i.filename for i in infos if TEMPLATED_PART.match(i.filename) and i.file_size > MAX_TEMPLATED_PART_BYTES]
            if total > 4 * MAX_LAYOUT_BYTES or too_big:  # the limits render applies: refuse before inflating
                return [Finding(ERROR, f"tệp bố cục giải nén ra quá lớn ({total // 2**20} MB"
                                       + (f"; phần {too_big[0]} vượt {MAX_TEMPLATED_PART_BYTES // 1024} KB" if too_big else "")
                                       + ")", Location(str(path)))]
            every_part = [(n, archive.read(n)) for n in archive.namelist()]
            parts = {n: data for n, data in every_part
                     if TEMPLATED_PART.match(n) or (form is not None and n == FOOTNOTES_PART)}
    except (zipfile.BadZipFile, OSError) as exc:
        return [Finding(ERROR, f"tệp bố cục hỏng hoặc không đọc được ({exc})", Location(str(path)))]
    if "word/document.xml" not in parts:
        return [Finding(ERROR, "tệp bố cục không phải tài liệu Word (.docx)", Location(str(path)))]
    env = layout_env() if form is None else _form_env(form)
    patcher = DocxTemplate.__new__(DocxTemplate)
    patched_parts = {}
    for name in sorted(parts, key=lambda n: (n != "word/document.xml", n)):
        xml = parts[name].decode("utf-8")
        try:
            root = etree.fromstring(parts[name])
        except etree.XMLSyntaxError as exc:
            add(ERROR, f"XML hỏng ({exc})", part_title(name))
            continue
        patched = patched_parts[name] = patcher.patch_xml(xml) if form is None else _form_patched(patcher, xml)
        skeleton = []  # (normalized tag, where, text around)
        for paragraph, where in _paragraphs(root):
            runs = [t.text or "" for t in paragraph.iter(W + "t")]
            text = "".join(runs)
            if not any(ch in text for ch in "{}%#"):
                continue
            place = _place(name, where)
            for m in _BROKEN.finditer(text):
                split = _run_index(runs, m.start()) != _run_index(runs, m.end() - 1)
                add(ERROR, "thẻ bị tách: giữa hai dấu ngoặc của thẻ có chữ khác"
                    + (" (nằm ở các đoạn chữ khác nhau trong Word)" if split else "")
                    + "; docxtpl sẽ in nguyên văn thay vì điền giá trị. Xóa rồi gõ lại cả thẻ liền một mạch",
                    place, _around(text, m.start(), m.end()))
            tags = list(_TAG.finditer(text))
            rest = _TAG.sub(lambda m: " " * len(m.group(0)), text)
            for m in re.finditer(r"\{\{|\{%|\}\}|%\}", rest):
                if not _BROKEN.search(text[max(0, m.start() - 3):m.end() + 3]):
                    add(ERROR, f"thẻ '{m.group(0)}' chưa có dấu {'đóng' if m.group(0)[0] == '{' else 'mở'} trong cùng "
                               "đoạn văn", place, _around(text, m.start(), m.end()))
            for m in tags:
                tag = _normalize_tag(m.group(0))
                if not tag:
                    continue
                if tag not in patched:
                    add(ERROR, f"docxtpl không ghép được thẻ {m.group(0)} (bị chia ra nhiều đoạn định dạng); "
                               "xóa rồi gõ lại cả thẻ", place, _around(text, m.start(), m.end()))
                    continue
                skeleton.append((tag, place, _around(text, m.start(), m.end())))
        out.extend(_lint_skeleton(env, skeleton, path) if form is None else lint_form_tags(env, skeleton, path, form))
        if not any(f.is_error for f in out):
            try:
                env.from_string(patched)
            except jinja2.TemplateSyntaxError as exc:
                add(ERROR, vietnamese_syntax_message(exc.message), part_title(name))
    for place, problem, text in body_place_problems(patched_parts, parts) if form is None else ():
        add(ERROR, problem, place, text)
    if not any(f.is_error for f in out):  # what render refuses besides: a DOCTYPE, a relationship to nothing, …
        problem = layout_problem(every_part)
        if problem:
            out.append(Finding(ERROR, problem, Location(str(path))))
    if not any(f.is_error for f in out):
        for where, problem, text in order_problems(every_part):
            add(ERROR, problem, where, text)
        # A warning: Word opens such a file (it reads "true" as on), only Office's validator refuses it; and every
        # form or layout saved by LibreOffice has one.
        for where, problem, text in value_problems(every_part):
            add(WARNING, problem, where, text)
    if not any(f.is_error for f in out):
        for where, warning in lint_styles(dict(every_part), _base_layout_parts(), form is not None):
            add(WARNING, warning, where)
    return out


# --- the schema's order of property elements (issue 19) ---------------------------------------------------------
#
# Checked here, in the package, with writers/ooxml_order's sequences rather than with openxml-audit (the tests'
# validator): a template author runs lint without the test extras, the validator takes 1–2 s per file and pulls
# in 14 MB of schema data, and the order of these few property elements is what Word refuses and what authors and
# tools (python-docx appending, hand-edited XML) actually get wrong.

_PART_TITLES = {"word/document.xml": "thân văn bản", "word/footnotes.xml": "chú thích cuối trang",
                "word/endnotes.xml": "chú thích cuối văn bản", "word/styles.xml": "các kiểu định dạng",
                "word/numbering.xml": "định dạng đánh số", "word/comments.xml": "ghi chú"}
_COUNTED = {W + "tbl": "bảng", W + "tr": "hàng", W + "tc": "ô", W + "p": "đoạn"}
_TEXT_AROUND = 60  # characters of an element's table, row, cell or paragraph shown with its problem


def _part_label(name: str) -> str:
    """"thân văn bản (word/document.xml)", "đầu trang (word/header1.xml)", …"""
    title = _PART_TITLES.get(name)
    if title is None:
        base = name.rsplit("/", 1)[-1]
        title = "đầu trang" if base.startswith("header") else "chân trang" if base.startswith("footer") else "phần"
    return f"{title} ({name})"


def _element_place(name: str, element) -> tuple[str, str]:
    """(where `element` of part `name` is: "thân văn bản (word/document.xml), bảng 1, hàng 2", the text of the
    nearest table, row, cell or paragraph around it, shortened)."""
    labels, container = [], None
    node = element
    while node is not None:
        if node.tag in _COUNTED and node.getparent() is not None:
            index = 1 + sum(1 for sibling in node.itersiblings(preceding=True) if sibling.tag == node.tag)
            labels.append(f"{_COUNTED[node.tag]} {index}")
            container = container if container is not None else node
        elif node.tag == W + "style":
            style_name = node.find(W + "name")
            labels.append(f"kiểu '{style_name.get(W + 'val') if style_name is not None else node.get(W + 'styleId')}'")
        node = node.getparent()
    text = "".join(t.text or "" for t in container.iter(W + "t")) if container is not None else ""
    if len(text) > _TEXT_AROUND:
        text = text[:_TEXT_AROUND] + "…"
    return ", ".join([_part_label(name)] + labels[::-1]), text


def _wordprocessing_roots(parts):
    """(name, root element) of each WordprocessingML part among `parts` ((name, bytes) pairs, already checked to be
    XML)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for name, data in parts:
        if name.startswith("word/") and name.endswith(".xml"):
            root = etree.fromstring(data, parser)
            if root.tag.startswith(W):
                yield name, root


def order_problems(parts) -> list[tuple[str, str, str]]:
    """(where, what is wrong, text around) for each property element of the WordprocessingML parts among `parts`
    ((name, bytes) pairs, already checked to be XML) whose children the schema's order does not allow."""
    from cchc_docgen.writers import ooxml_order

    found = []
    for name, root in _wordprocessing_roots(parts):
        for problem in ooxml_order.misordered(root):
            parent, child = f"w:{problem.parent_name}", f"w:{problem.name}"
            schema = f"ECMA-376, {ooxml_order.TYPE_NAMES[problem.parent_name]}"
            if problem.repeated:
                what = f"trong {parent}, {child} có hơn một lần, lược đồ Office Open XML chỉ cho một ({schema})"
                fix = f"xóa {child} thừa"
            else:
                later = ", ".join(f"w:{n}" for n in problem.after)
                what = f"trong {parent}, {child} đứng sau {later}, sai thứ tự lược đồ Office Open XML quy định ({schema})"
                fix = f"đưa {child} lên trước {later}"
            where, text = _element_place(name, problem.parent)
            found.append((where, f"{what}: Microsoft Word có thể báo tệp có nội dung không đọc được hoặc "
                                 f"tự sửa lại tệp (LibreOffice thì vẫn mở); {fix}", text))
    return found


# Properties whose w:val the schema allows only as "on" or "off" (CT_OnOffOnly; the Open XML SDK's
# OnOffOnlyType), by the element they stand in, where other on/off properties (CT_OnOff) also take true, false, 1
# and 0. LibreOffice writes w:val="true" on a row's w:cantSplit and w:tblHeader; the validator refuses it.
_ON_OFF_ONLY = {"trPr": {"cantSplit", "tblHeader"}, "tcPr": {"noWrap", "tcFitText", "hideMark"},
                "tblPr": {"bidiVisual"}, "frame": {"noResizeAllowed", "linkedToFile"},
                "framesetSplitbar": {"noBorder", "flatBorders"},
                "style": {"autoRedefine", "hidden", "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal",
                          "personalCompose", "personalReply"}}
_ON_OFF = ("on", "off")


def value_problems(parts) -> list[tuple[str, str, str]]:
    """(where, what is wrong, text around) for each on/off-only property of the WordprocessingML parts among
    `parts` ((name, bytes) pairs, already checked to be XML) whose w:val is neither "on" nor "off"."""
    found = []
    for name, root in _wordprocessing_roots(parts):
        for parent in root.iter(*(W + local for local in _ON_OFF_ONLY)):
            allowed = _ON_OFF_ONLY[parent.tag[len(W):]]
            for child in parent:
                local = child.tag[len(W):] if child.tag.startswith(W) else None
                value = child.get(W + "val")
                if local in allowed and value is not None and value not in _ON_OFF:
                    where, text = _element_place(name, parent)
                    fix = ('sửa thành w:val="off"' if value in ("false", "0") else
                           'sửa thành w:val="on" hoặc bỏ thuộc tính w:val (nghĩa là on)')
                    found.append((where, f'trong w:{parent.tag[len(W):]}, w:{local} ghi w:val="{value}": lược đồ '
                                         'Office Open XML chỉ cho "on" hoặc "off" ở thuộc tính này (CT_OnOffOnly); '
                                         "Microsoft Word vẫn mở được, nhưng công cụ kiểm tra của Office báo lỗi; "
                                         f"{fix}", text))
    return found


# --- the layout's styles (Decree 30: Times New Roman; body text 13–14 pt) ------------------------------------

A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
DECREE_FONT = "Times New Roman"
BODY_SIZES = (13, 14)  # pt
_ALIGNMENTS = {"left": "căn trái", "start": "căn trái", "right": "căn phải", "end": "căn phải", "center": "căn giữa",
               "both": "căn đều hai bên", "distribute": "căn đều hai bên"}


def _style_names() -> dict[str, str]:
    """The paragraph styles the .docx writer puts text in → what they hold, as an officer would say it."""
    from cchc_docgen.writers import docx as writer

    names = {writer.STYLE_BODY: "chữ thân văn bản", writer.STYLE_NOTE_TEXT: "chữ chú thích",
             writer.STYLE_TABLE: "chữ trong bảng", writer.STYLE_TABLE_HEADER: "dòng tiêu đề bảng",
             writer.STYLE_TABLE_CAPTION: "tên bảng"}
    names.update({writer.STYLE_HEADING.format(level): f"đề mục cấp {level}" for level in range(1, 6)})
    return names


class _Styles:
    """A layout's paragraph styles with what each one amounts to (its basedOn chain, then the defaults)."""

    def __init__(self, parts: dict[str, bytes]):
        from lxml import etree

        root = etree.fromstring(parts["word/styles.xml"])
        self.by_id = {s.get(W + "styleId"): s for s in root.iter(W + "style") if s.get(W + "type") == "paragraph"}
        self.default_id = next((i for i, s in self.by_id.items() if s.get(W + "default") in ("1", "true")), None)
        self.defaults = root.find(f"{W}docDefaults")
        self.theme = {}
        theme = parts.get("word/theme/theme1.xml")
        if theme:
            for kind in ("major", "minor"):
                latin = etree.fromstring(theme).find(f".//{A_NS}{kind}Font/{A_NS}latin")
                if latin is not None:
                    self.theme[kind] = latin.get("typeface")

    def name(self, style_id: str) -> str:
        element = self.by_id[style_id].find(W + "name")
        return element.get(W + "val") if element is not None else style_id

    def _chain(self, style_id):
        seen = []
        while style_id in self.by_id and style_id not in seen:
            seen.append(style_id)
            based = self.by_id[style_id].find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        return [self.by_id[i] for i in seen] + ([self.defaults] if self.defaults is not None else [])

    def _first(self, style_id, path: str, attribute: str):
        for element in self._chain(style_id):
            found = element.find(path)
            if found is not None and found.get(W + attribute) is not None:
                return found
        return None

    def font(self, style_id) -> str:
        fonts = self._first(style_id, f".//{W}rFonts", "ascii")
        if fonts is not None:
            return fonts.get(W + "ascii")
        themed = self._first(style_id, f".//{W}rFonts", "asciiTheme")
        kind = themed.get(W + "asciiTheme")[:5] if themed is not None else ""
        return self.theme.get(kind, "?")

    def size(self, style_id) -> float:
        size = self._first(style_id, f".//{W}rPr/{W}sz", "val")
        return int(size.get(W + "val")) / 2 if size is not None else 10.0  # Word's size when none is set

    def alignment(self, style_id) -> str:
        jc = self._first(style_id, f".//{W}pPr/{W}jc", "val")
        return jc.get(W + "val") if jc is not None else "left"

    def summary(self, style_id) -> str:
        size = _points(self.size(style_id))
        return f"{self.font(style_id)} {size} pt, {_ALIGNMENTS.get(self.alignment(style_id), self.alignment(style_id))}"


def _points(size: float) -> str:
    return f"{size:g}".replace(".", ",")


def lint_styles(parts: dict[str, bytes], base_parts: dict[str, bytes], form: bool = False) -> list[tuple[str, str]]:
    """(where, warning) for each style the writer uses that is missing from the layout or differs from what
    Decree 30 asks (Times New Roman; body text 13–14 pt) or, for footnotes, from the national base layout.
    Opening and saving a layout in LibreOffice renames some styles (FootnoteText → Footnote) and leaves the
    footnotes in the default style: this is how an author finds out. A Word form (`form`) draws its own body:
    of the writer's styles only the footnote style is asked of it (its footnotes are written in it)."""
    from cchc_docgen.writers import docx as writer

    if "word/styles.xml" not in parts:
        return [("kiểu chữ", "bố cục không có word/styles.xml: mọi đoạn in theo kiểu mặc định của Word")]
    styles, base = _Styles(parts), _Styles(base_parts)
    where = "kiểu chữ (word/styles.xml)"
    out = []
    fallback = styles.default_id
    for style_id, what in _style_names().items():
        if style_id in styles.by_id or form:  # a form's own styles are read by name below
            continue
        if style_id not in base.by_id:
            continue
        renamed = [i for i in styles.by_id if styles.name(i).lower() == base.name(style_id).lower()]
        hint = (f"; có kiểu '{renamed[0]}' mang tên '{styles.name(renamed[0])}' (LibreOffice đổi mã kiểu khi lưu lại "
                "tệp: hãy mở và lưu bố cục bằng Word, hoặc lấy lại bố cục gốc)") if renamed else ""
        shown = f" ({styles.summary(fallback)})" if fallback else ""
        out.append((where, f"không có kiểu '{style_id}' ({what}) mà docgen dùng, nên {what} sẽ in theo kiểu mặc "
                           f"định{shown}{hint}"))
    body_styles = [i for i in (styles.default_id, writer.STYLE_BODY) if i in styles.by_id]
    for style_id in dict.fromkeys(body_styles):
        label = f"kiểu '{style_id}' ({'kiểu mặc định' if style_id == styles.default_id else 'chữ thân văn bản'})"
        font, size = styles.font(style_id), styles.size(style_id)
        if font != DECREE_FONT:
            out.append((where, f"{label}: phông {font}; Nghị định 30/2020/NĐ-CP yêu cầu {DECREE_FONT}"))
        if not BODY_SIZES[0] <= size <= BODY_SIZES[1]:
            out.append((where, f"{label}: cỡ chữ {_points(size)} pt; Nghị định 30/2020/NĐ-CP yêu cầu "
                               f"{BODY_SIZES[0]}–{BODY_SIZES[1]} pt cho chữ thân văn bản"))
    note = base_note = writer.STYLE_NOTE_TEXT
    if form:  # a form's footnotes take its footnote style by name, whatever its id (writers/form.py)
        from cchc_docgen.writers.form import footnote_styles

        note = footnote_styles(parts["word/styles.xml"], parts.get(writer.FOOTNOTES_PART))[0]
    if note in styles.by_id and base_note in base.by_id and styles.summary(note) != base.summary(base_note):
        named = f" (tên '{styles.name(note)}')" if note != base_note else ""
        out.append((where, f"kiểu '{note}'{named} (chữ chú thích): {styles.summary(note)}; bố cục gốc: "
                           f"{base.summary(base_note)}"
                           + ("" if styles.font(note) == DECREE_FONT else
                              f" (Nghị định 30/2020/NĐ-CP yêu cầu phông {DECREE_FONT})")))
    return out


def _base_layout_parts() -> dict[str, bytes]:
    """The parts of the national base layout: what a layout's footnote style is compared with."""
    from cchc_docgen.templating.library import (
        DEFAULT_LAYOUT,
        NATIONAL,
        builtin_templates_dir,
    )

    with zipfile.ZipFile(builtin_templates_dir() / NATIONAL / DEFAULT_LAYOUT) as archive:
        return {name: archive.read(name) for name in ("word/styles.xml", "word/theme/theme1.xml")
                if name in archive.namelist()}


def _run_index(runs, offset: int) -> int:
    for index, run in enumerate(runs):
        if offset < len(run):
            return index
        offset -= len(run)
    return len(runs)


def _lint_skeleton(env, skeleton, path) -> list[Finding]:
    """The layout's tags, one per line, parsed as one template: an error's line is the tag's index."""
    out = []

    def add(message, index):
        tag, place, text = skeleton[index]
        out.append(Finding(ERROR, f"{place}: {message}", Location(str(path)), (), f"«{text}»"))

    source = "\n".join(tag for tag, _, _ in skeleton)
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        opened = unclosed_block(env, source) if exc.message.startswith(("Unexpected end", "unexpected end")) else None
        if opened:
            add(f"khối {{% {opened[1]} %}} chưa được đóng (thiếu {{% end{opened[1]} %}})", opened[0] - 1)
        else:
            add(vietnamese_syntax_message(exc.message), min(exc.lineno, len(skeleton)) - 1)
        return out
    declared = set(_LOCALS)
    _collect_declared(tree, declared, {})
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in declared and node.name not in layout_variables() and node.name not in env.globals:
            add(f"biến '{node.name}' không có trong bố cục; các biến: {', '.join(layout_variables())}", node.lineno - 1)
    for node in tree.find_all(nodes.Filter):
        if node.name not in env.filters:
            add(f"không có bộ lọc '{node.name}' trong bố cục", node.lineno - 1)
    for node in tree.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            add(f"thuộc tính '{node.attr}' bị chặn: bố cục chạy trong môi trường cách ly", node.lineno - 1)
    return out


# --- Word forms ------------------------------------------------------------------------------------------

FORM_HELPERS = ("chu_thich", "loi", "RichText")  # what writers/form.py offers a form besides the data


def _form_patched(patcher, xml: str) -> str:
    from cchc_docgen.writers.form import quotes_in_tags

    return quotes_in_tags(patcher.patch_xml(xml))


def _form_env(form):
    from cchc_docgen.writers.form import form_environment

    return form_environment(form.library)


def lint_form_tags(env, skeleton, path, form) -> list[Finding]:
    """A Word form's tags (one per line, as _lint_skeleton has them) checked as a text template's are: syntax,
    unknown variables, fields and filters, against the merged schema (the data schema, the fields the form
    declares, the header and signature lines; templating/forms.merged_schema). Each finding names the tag's
    part, table cell and paragraph."""
    from cchc_docgen.templating.forms import merged_schema

    source = "\n".join(tag for tag, _, _ in skeleton)
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return _lint_skeleton(env, skeleton, path)  # its syntax messages, located the same way
    schema = merged_schema(form)
    declared, aliases = set(), {}
    _collect_declared(tree, declared, aliases)
    known = set(schema["properties"]) | set(FORM_HELPERS) | set(env.globals) | _LOCALS
    out = []
    for f in _lint_tree(env, _Shape(schema), str(path), source.split("\n"), tree, declared, aliases, known):
        tag, place, text = skeleton[f.location.line - 1]
        out.append(Finding(f.level, f"{place}: {f.message}", Location(str(path)), (), f"«{text}»"))
    return out


def _form_of(library, path: Path):
    """The Word form a .docx named on the command line is, read with its folder first on the search path (its
    declaration from the folders' cau-hinh.yaml), or None when it is a layout."""
    from cchc_docgen.templating.library import (
        DEFAULT_LAYOUT,
        TEXT_SUFFIX,
        library_for,
        proper_template_file,
    )

    if path.name == DEFAULT_LAYOUT:
        return None
    if not zipfile.is_zipfile(path):  # no Word file at all (Word's "~$x.docx" lock file): the layout's reader says so
        return None
    if proper_template_file(path.name) == DEFAULT_LAYOUT:
        return None  # "bo_cuc.docx": a layout misnamed, linted as one (and named by unread_files)
    folder = library_for([path.parent, *library.extra_dirs], library.province)
    if folder.find_file(path.stem + TEXT_SUFFIX) is not None:
        return None
    form = folder.get(path.stem)
    return form if Path(form.path).resolve() == path.resolve() else None


# --- everything -------------------------------------------------------------------------------------------

def lint_catalogs(library) -> list[Finding]:
    from cchc_docgen.domain.appendix import CATALOG_FOLDER

    out = []
    for root in library.search_path:
        for path in sorted((root / CATALOG_FOLDER).glob("*.yaml")) if (root / CATALOG_FOLDER).is_dir() else ():
            try:
                library.catalog(path.stem, path)
            except DocgenError as exc:
                out.append(Finding(ERROR, exc.message, exc.location or Location(str(path)), exc.path))
    return out


def lint_declarations(library) -> list[Finding]:
    """Each report kind a cau-hinh.yaml declares has its template, and each `ke_thua` names a known kind."""
    from cchc_docgen.templating.library import SETTINGS_FILE

    out = []
    known = set(library.names) | set(library.declared_names)
    where = next((Location(str(root / SETTINGS_FILE)) for root in library.search_path
                  if (root / SETTINGS_FILE).is_file()), None)
    for name in library.declared_names:
        if library.find_file(name + ".md.j2") is None and library.find_file(name + ".docx") is None:
            out.append(Finding(ERROR, f"mẫu '{name}' được khai báo (mau.{name}) nhưng không có tệp {name}.md.j2 "
                                      f"hay {name}.docx trong các thư mục mẫu", where, ("mau", name)))
        try:
            base = library.declaration(name).get("ke_thua")
        except DocgenError as exc:
            out.append(Finding(ERROR, exc.message, where, ("mau", name)))
            continue
        if base and base not in known:
            out.append(Finding(ERROR, f"mẫu '{name}' kế thừa mẫu không có: '{base}'; các mẫu: {', '.join(sorted(known))}",
                               where, ("mau", name, "ke_thua")))
    return out


# What an author's folder holds that docgen reads: templates (.md.j2), layouts and Word forms (.docx), the
# settings (cau-hinh.yaml) and the Phụ lục catalogs (phu-luc/*.yaml). Files named like one of them but not quite
# are read by nothing, and the national base is used in their place without a word: these are told.
_TEXT_TEMPLATE_LOOKALIKES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl")
_WORD_LOOKALIKES = (".dotx", ".dot", ".doc", ".docm", ".dotm", ".odt", ".rtf")


def unread_files(roots, template_names=()) -> list[Finding]:
    """Warnings for the files of the author's template folders `roots` that docgen reads nothing of, or reads
    as something else, but that look meant for it: 'quy.j2', 'quy.md' holding Jinja (of a template name: a README
    may quote tags), 'bo-cuc.dotx', 'cau_hinh.yml', 'bo_cuc.docx' (no layout), 'bocuc.docx' (read as the Word
    form 'bocuc', not as the layout), 'Báo cáo tháng.docx' (no template can have that name)."""
    from cchc_docgen.templating import library as folder

    findings = []
    for root in roots:
        if not Path(root).is_dir():
            continue
        for path in sorted(Path(root).iterdir()):
            name = path.name
            if not path.is_file() or name.startswith(("~$", ".")):
                continue
            lower = name.lower()
            advice = None
            if lower.endswith(_TEXT_TEMPLATE_LOOKALIKES) and not lower.endswith(folder.TEXT_SUFFIX):
                advice = (f"mẫu nội dung phải có đuôi {folder.TEXT_SUFFIX} (ví dụ "
                          f"{name.split('.')[0]}{folder.TEXT_SUFFIX})")
            elif lower.endswith(".md") and path.stem in template_names and _has_jinja(path):
                advice = f"mẫu nội dung phải có đuôi {folder.TEXT_SUFFIX}: đổi tên thành {name}.j2"
            elif lower.endswith(_WORD_LOOKALIKES):
                advice = ("bố cục và mẫu Word phải là tệp .docx (trong Word: Tệp › Lưu thành, chọn Tài liệu Word "
                          "(*.docx))")
            elif (lower.endswith((".yaml", ".yml")) and name != folder.SETTINGS_FILE
                  and _close(lower, folder.SETTINGS_FILE)):
                advice = f"tệp cấu hình của thư mục mẫu phải tên {folder.SETTINGS_FILE}"
            elif lower.endswith(".docx") and name != folder.DEFAULT_LAYOUT and _close(lower, folder.DEFAULT_LAYOUT):
                if not folder.TEMPLATE_NAME.match(path.stem):
                    advice = f"tệp bố cục phải tên {folder.DEFAULT_LAYOUT}"
                else:
                    findings.append(Finding(WARNING, f"tệp này được đọc như mẫu Word '{path.stem}', không phải bố "
                                                     f"cục: tệp bố cục phải tên {folder.DEFAULT_LAYOUT}",
                                            Location(str(path))))
                    continue
            elif folder.proper_template_file(name):
                advice = ("tên mẫu viết thường, không dấu, nối bằng '-': đổi tên thành "
                          + folder.proper_template_file(name))
            if advice:
                findings.append(Finding(WARNING, f"docgen không đọc tệp này: {advice}", Location(str(path))))
    return findings


def _has_jinja(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:100_000]
    except OSError:
        return False
    return "{%" in text or "{{" in text


def _close(name: str, wanted: str) -> bool:
    stem = name.rsplit(".", 1)[0].replace("_", "-").replace(" ", "-")
    return stem == wanted.rsplit(".", 1)[0] or bool(difflib.get_close_matches(stem, [wanted.rsplit(".", 1)[0]],
                                                                                 cutoff=0.8))


def lint(library, targets=()) -> list[Finding]:
    """Lint the named templates (names, or paths of .md.j2/.docx files), or every template, layout and catalog
    of the library when none is named."""
    findings: list[Finding] = []
    layouts: list[Path] = []
    names: list[str] = []
    forms = []
    for target in targets:
        path = Path(target)
        if path.suffix == ".docx" and path.is_file():
            try:
                form = _form_of(library, path)
            except DocgenError as exc:
                findings.append(Finding(ERROR, exc.message, exc.location or Location(str(path)), exc.path))
                continue
            forms.append(form) if form is not None else layouts.append(path)
        elif str(target).endswith(".j2") and path.is_file():
            findings.extend(_lint_text_file(library, path))
        else:
            names.append(str(target))
    if not targets:
        names = list(library.names)
        findings.extend(lint_catalogs(library))
        findings.extend(lint_declarations(library))
        findings.extend(unread_files(library.extra_dirs, library.names))
    for name in names:
        if library.find_file(name + ".md.j2") is None and name in library.names:  # a Word form
            try:
                forms.append(library.get(name))
            except DocgenError as exc:
                findings.append(Finding(ERROR, exc.message, exc.location, exc.path))
            continue
        if library.find_file(name + ".md.j2") is None:
            if name.lower().endswith((".yaml", ".yml")) and Path(name).is_file():  # a data file, not a template
                findings.append(Finding(ERROR, f"{name} là tệp dữ liệu, không phải mẫu; kiểm tra tệp dữ liệu bằng: "
                                               f"docgen validate {name}"))
                continue
            known = ", ".join(library.names)
            findings.append(Finding(ERROR, f"không có mẫu '{name}'; các mẫu hiện có: {known}"))
            continue
        findings.extend(lint_text_chain(library, name))
        layout = library.find_file(name + ".docx") or library.find_file("bo-cuc.docx")
        if layout is not None and layout not in layouts:
            layouts.append(layout)
    for layout in layouts:
        findings.extend(lint_layout(layout))
    for form in forms:
        findings.extend(lint_layout(form.path, form))
    return dedupe(findings)


def _lint_text_file(library, path: Path) -> list[Finding]:
    """A text file named on the command line, with its folder first on the search path: linted within every
    template whose chain it is part of (a parent uses what its children set), else on its own."""
    from cchc_docgen.templating.library import TEXT_SUFFIX, library_for

    if not path.name.endswith(TEXT_SUFFIX):
        return [Finding(ERROR, f"không phải tệp mẫu nội dung ({TEXT_SUFFIX})", Location(str(path)))]
    folder = library_for([path.parent, *library.extra_dirs], library.province)
    mine = str(path.resolve())
    found = []
    for name in folder.names:
        try:
            chain = [str(Path(f).resolve()) for f in folder.text_chain(name)]
        except jinja2.TemplateError:  # a broken file of the chain: linted on its own below
            continue
        if mine in chain:
            found.extend(f for f in lint_text_chain(folder, name) if not f.location or str(Path(f.location.file).resolve()) == mine)
    return found or lint_text_chain(folder, path.name[: -len(TEXT_SUFFIX)])


def dedupe(findings) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (str(f.location), f.message, f.context)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
