"""Write docs/ from the code: every filter, function and variable a template can use, with Vietnamese examples.

    python tools/make_docs.py            # rewrite docs/
    python tools/make_docs.py --check    # exit 1 when docs/ is out of date (tests/test_docs.py does the same)

The reference is read by Vietnamese template authors, so it is Vietnamese throughout. Filters, functions and the
composer's helpers are listed from the template environment and the Composer; their descriptions come from
DESCRIPTIONS below (the docstrings are developer documentation, in English) and generating fails when one is
missing, so a new filter cannot reach the reference without its Vietnamese text. The examples are the docstrings'
`{{ … }} → …` lines (cchc_docgen/domain/formatting.py; the tests check those lines against the code). Data variables
come from the JSON Schema's descriptions; computed variables and the layout's variables from
cchc_docgen/authoring/lint.py, whose lists the tests keep equal to what the code produces; the blocks a province may
override from the built-in templates themselves, parsed by the template environment.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT))

from jinja2 import nodes  # noqa: E402
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE  # noqa: E402

from cchc_docgen.authoring import lint, scaffold  # noqa: E402
from cchc_docgen.composing import compose  # noqa: E402
from cchc_docgen.domain import formatting as fmt  # noqa: E402
from cchc_docgen.reading.validate import load_schema  # noqa: E402
from cchc_docgen.templating.library import NATIONAL, SETTINGS_FILE, builtin_templates_dir, library_for  # noqa: E402

HEADER = ("<!-- Tệp sinh tự động từ mã nguồn bằng `python tools/make_docs.py`; đừng sửa tay (kiểm thử "
          "tests/test_docs.py báo lỗi khi tệp cũ). -->\n")
_EXAMPLE = re.compile(r"^\s*(\{\{.*\}\}|\w+\(.*\))\s+→\s+(.*)$")

# What a template author reads about each filter, function and composer helper (the docstrings are English developer
# documentation). Written for the author: what it does, its parameters, when to use it. `ty_le` is both a filter and
# a function, hence one text for both.
DESCRIPTIONS = {
    # filters
    "so": "Viết số theo lối Việt Nam: dấu chấm ngăn hàng nghìn, dấu phẩy trước phần thập phân. `decimals` là số chữ "
          "số sau dấu phẩy, làm tròn nửa lên; không ghi thì bỏ các số 0 thừa ở cuối, và kết quả của một phép tính in "
          "tối đa 3 chữ số thập phân. Số văn bản, năm trong dữ liệu in nguyên các chữ số, không có dấu chấm.",
    "hai_so": "Viết số đếm theo lối văn bản hành chính: số từ 1 đến 9 thêm số 0 đằng trước (05), số khác in như "
              "`so`. Dùng cho số nhiệm vụ, số hồ sơ, số người trong câu văn.",
    "ngay": "In một ngày dạng ngày/tháng/năm. Nhận ngày trong dữ liệu hoặc chuỗi `YYYY-MM-DD`.",
    "ngay_dai": "In ngày như trong dòng địa danh, ngày tháng của văn bản (Nghị định 30): ngày dưới 10 và tháng 1, "
                "tháng 2 thêm số 0 đằng trước, các tháng khác thì không.",
    "la_ma": "Viết số từ 1 đến 3999 bằng chữ số La Mã, ví dụ số thứ tự đề mục hay số quý.",
    "ten_quy": "Tên quý từ số quý (1 đến 4), chữ thường, số quý viết bằng chữ số La Mã.",
    "bang_chu": "Đọc số thành chữ (chữ thường), kể cả số thập phân và số âm. `le=true` đọc chữ số 0 ở hàng chục là "
                "“lẻ” thay cho “linh”; `ngan=true` đọc “ngàn” thay cho “nghìn”; không ghi thì theo thiết lập `doc_so` "
                "của tỉnh.",
    "tien_bang_chu": "Đọc một số tiền (đồng, số nguyên không âm) thành chữ, viết hoa chữ cái đầu, thêm “đồng” ở "
                     "cuối. `le`, `ngan` như ở `bang_chu`.",
    "ty_le": "Tỷ lệ phần trăm của `part` trên `whole`, làm tròn nửa lên; viết `{{ part|ty_le(whole) }}` hoặc "
             "`{{ ty_le(part, whole) }}`. Tỷ lệ tròn thì in không có phần thập phân, nếu không thì in đúng `decimals` "
             "chữ số (mặc định 2). Khi `whole` bằng 0 không có tỷ lệ: kết quả là `if_zero` (mặc định: rỗng), nên "
             "ghi `if_zero` khi câu văn cần một cụm chữ thay thế.",
    # functions
    "cum_ty_le": "Viết cụm quen dùng “x/y <đơn vị>, đạt tỷ lệ z%”. `unit` là đơn vị (mặc định “hồ sơ”), `decimals` "
                 "và `if_zero` như ở `ty_le`; khi `whole` bằng 0 thì bỏ vế tỷ lệ, sau hai số là `if_zero`.",
    "ten_ky": "Tên một kỳ báo cáo: `kind` là `quy`, `6thang`, `9thang` hoặc `nam`; `number` là số quý (chỉ với "
              "`quy`); `year` là năm. Tên kỳ của chính báo cáo đã có sẵn trong `ky_bao_cao.ten`.",
    "ten_ky_toi": "Tên kỳ tiếp theo sau một kỳ báo cáo, dùng cho đề mục phương hướng, nhiệm vụ; tham số như "
                  "`ten_ky`. Kỳ tới của chính báo cáo đã có sẵn trong `ky_bao_cao.ten_ky_toi`.",
    # the composer's helpers
    "khoi": "Đặt tại đây nội dung đơn vị viết trong `noi_dung.<key>`, trên một dòng riêng. Các mục con của đơn vị "
            "bắt đầu ở cấp `cap` (mặc định: thấp hơn đề mục đứng trước một cấp). `cau_mau` là bảng tên → câu chuẩn "
            "(viết bằng cú pháp mẫu): câu được đặt vào chỗ đơn vị ghi `{cau_mau: tên}`, hoặc sau nội dung của mục.",
    "ten_muc": "Tên đề mục: `tieu_de` đơn vị ghi cho `noi_dung.<key>` nếu có, nếu không thì tên mặc định `default` "
               "của mẫu. Viết sau dấu đề mục: `# {{ ten_muc(\"the_che\", \"Cải cách thể chế\") }}`.",
    "co_noi_dung": "Cho biết đơn vị có viết gì trong `noi_dung.<key>` không (true/false); dùng trong `{% if %}` để "
                   "chỉ in một câu hay một đề mục khi mục có nội dung.",
    "chu_thich": "Chú thích cuối trang có nội dung `text`, đặt ngay tại chỗ gọi. Chữ **đậm**, *nghiêng* trong dữ "
                 "liệu được giữ; các ký hiệu khác in nguyên như đã viết.",
    "loi": "Dừng dựng văn bản và báo lỗi dữ liệu với lời nhắn `message`. `truong` (ví dụ `\"ky_bao_cao.loai\"`) là "
           "trường mà lời nhắn nói đến: thông báo lỗi chỉ đúng dòng của trường đó trong tệp dữ liệu.",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _doc_parts(obj) -> tuple[str, list[tuple[str, str]]]:
    """(prose, examples) of a docstring: the `{{ … }} → …` lines are examples, the rest prose (English, not shown;
    the tests check it stays out of the reference)."""
    doc = inspect.getdoc(obj) or ""
    prose, examples = [], []
    for line in doc.splitlines():
        m = _EXAMPLE.match(line)
        if m:
            examples.append((m.group(1), m.group(2)))
        else:
            prose.append(line)
    return " ".join(" ".join(prose).split()), examples


def _signature(name: str, obj, drop_first: bool = False) -> str:
    try:
        params = list(inspect.signature(obj).parameters.values())
    except (TypeError, ValueError):
        return f"{name}(…)"
    if drop_first and params:
        params = params[1:]
    shown = []
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            shown.append("*" + p.name)
        elif p.kind is p.VAR_KEYWORD:
            shown.append("**" + p.name)
        elif p.default is p.empty:
            shown.append(p.name)
        else:
            shown.append(f"{p.name}={p.default!r}".replace("None", "none").replace("True", "true").replace("False", "false"))
    return f"{name}({', '.join(shown)})"


def _entry(lines: list[str], title: str, signature: str, obj) -> None:
    if title not in DESCRIPTIONS:
        raise KeyError(f"tools/make_docs.py: '{title}' has no Vietnamese description; add one to DESCRIPTIONS (the "
                       f"reference is for Vietnamese template authors, the docstring is not shown)")
    _, examples = _doc_parts(obj)
    lines += [f"### `{title}`", "", f"`{signature}`", "", DESCRIPTIONS[title], ""]
    if examples:
        lines += ["| viết trong mẫu | kết quả |", "|---|---|"]
        lines += [f"| `{_cell(code)}` | {_cell(result)} |" for code, result in examples]
        lines.append("")


def _schema_rows(schema: dict) -> list[tuple[str, str, str]]:
    """(dotted path, type, description) of every field of the data, depth first, in schema order."""
    rows = []
    defs = schema["$defs"]

    def resolve(node):
        while "$ref" in node:
            node = {**defs[node["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def kind(node) -> str:
        node = resolve(node)
        branches = node.get("oneOf") or node.get("anyOf")
        if branches:
            return " hoặc ".join(dict.fromkeys(kind(b) for b in branches))
        t = node.get("type", "")
        t = t if isinstance(t, str) else " hoặc ".join(t)
        names = {"string": "chuỗi", "integer": "số nguyên", "number": "số", "boolean": "true/false", "array": "danh sách",
                 "object": "bảng", "null": "trống"}
        return " hoặc ".join(names.get(x, x) for x in t.split(" hoặc ")) if t else "khối nội dung"

    def walk(node, path):
        node = resolve(node)
        for key, sub in node.get("properties", {}).items():
            here = path + [key]
            full = resolve(sub)
            description = sub.get("description") or full.get("description", "")
            required = key in node.get("required", [])
            rows.append((".".join(here), kind(sub), ("**Bắt buộc.** " if required else "") + description))
            # A period's own figures (ky_bao_cao.so_lieu) have the shape of so_lieu, whose fields are listed once.
            if sub.get("$ref") == "#/$defs/so_lieu" and len(here) > 1:
                continue
            if "properties" in full and (here[0] != "noi_dung" or len(here) == 1):
                walk(full, here)  # a section of noi_dung is a list of blocks: see README for their shape
            elif "properties" in resolve(full.get("items", {})):
                walk(resolve(full["items"]), here[:-1] + [here[-1] + "[]"])
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and path and path[0] == "so_lieu":
            rows.append((".".join(path + ["<tên>"]), kind(extra), extra.get("description", "")))

    walk(schema, [])
    return rows


_HEADING = re.compile(r"^(#{1,3}|=)\s+(.*)$")
_DESCRIPTION_WIDTH = 260


def _as_text(node) -> str:
    """What a template expression or output prints, approximately and for a reader: text as written, a variable as
    `{{ name }}`, the default title of `ten_muc(key, default)`, anything computed as "…"."""
    if isinstance(node, nodes.TemplateData):
        return node.data
    if isinstance(node, nodes.Const):
        return "" if node.value is None else str(node.value)
    if isinstance(node, (nodes.Name, nodes.Getattr)):
        return f"`{{{{ {_dotted(node)} }}}}`"
    if isinstance(node, nodes.Filter) and node.node is not None and _dotted(node.node):
        return f"`{{{{ {_dotted(node.node)}|{node.name} }}}}`"
    if isinstance(node, nodes.Concat):
        return "".join(_as_text(part) for part in node.nodes)
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "ten_muc" \
            and len(node.args) == 2:
        return _as_text(node.args[1])
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "khoi" \
            and node.args and isinstance(node.args[0], nodes.Const):
        return f"nội dung đơn vị viết trong `noi_dung.{node.args[0].value}`"
    if isinstance(node, nodes.Or):
        fallback = _as_text(node.right)
        return f"{_as_text(node.left)}, nếu trống: {fallback}" if fallback else _as_text(node.left)
    if isinstance(node, nodes.CondExpr):
        shown = _as_text(node.expr1)
        otherwise = "" if node.expr2 is None else _as_text(node.expr2)
        return f"{shown} hoặc {otherwise}" if otherwise else f"[{shown}]"
    if isinstance(node, nodes.Output):
        return "".join(_as_text(child) for child in node.nodes)
    if isinstance(node, (nodes.If, nodes.For, nodes.AssignBlock, nodes.Block)):
        return "".join(_as_text(child) for child in node.body)
    if isinstance(node, nodes.Assign):
        return ""
    return "…"


def _dotted(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr) and _dotted(node.node):
        return f"{_dotted(node.node)}.{node.attr}"
    return ""


def _outside_nested_blocks(block: nodes.Block):
    """The nodes of `block` in document order, a nested block's own nodes left out (it has a row of its own)."""
    def walk(node):
        for child in node.iter_child_nodes():
            yield child
            if not isinstance(child, nodes.Block):
                yield from walk(child)
    return walk(block)


def _block_content(block: nodes.Block) -> str:
    """One line of Vietnamese on what a block holds: its section heading, the figure group of a standard sentence,
    or its first line of text."""
    if block.name.startswith("cau_"):
        groups = [_dotted(n) for n in block.find_all(nodes.Getattr)
                  if isinstance(n.node, nodes.Name) and n.node.name == "so_lieu"]
        return "Câu chuẩn" + (f" viết từ `{groups[0]}`" if groups else "")
    text = "".join(_as_text(child) if not isinstance(child, nodes.Block) else "\n" for child in block.body)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for line in lines:
        heading = _HEADING.match(line)
        if heading:
            return f"Đề mục “{heading.group(2)}”"
    if not lines:
        return "(trống)"
    first = lines[0][0].upper() + lines[0][1:]
    if len(first) <= _DESCRIPTION_WIDTH:
        return first
    # Cut at a space outside a `code` span, so the cell's markdown stays whole.
    cut = max(i for i, c in enumerate(first[:_DESCRIPTION_WIDTH]) if c == " " and first[:i].count("`") % 2 == 0)
    return first[:cut] + " …"


def _sections_placed(block: nodes.Block) -> list[str]:
    """The noi_dung sections a block places (`khoi("key")`), its nested blocks' left to their own rows."""
    keys = []
    for node in _outside_nested_blocks(block):
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "khoi" \
                and node.args and isinstance(node.args[0], nodes.Const):
            keys.append(node.args[0].value)
    return keys


def template_blocks(library, name: str) -> list[tuple[str, str, int, str, str, tuple[str, ...]]]:
    """(block, file relative to templates/, line, content, enclosing block, sections placed) of every block template
    `name` defines or inherits, in the order of the base file; a block defined again nearer the template wins."""
    builtin = builtin_templates_dir().resolve()
    found: dict[str, tuple] = {}
    for filename in reversed(library.text_chain(name)):
        path = Path(filename).resolve()
        shown = path.relative_to(builtin).as_posix() if path.is_relative_to(builtin) else str(path)
        tree = library.env.parse(path.read_text(encoding="utf-8"), name, filename)
        enclosing = {}
        for block in tree.find_all(nodes.Block):
            for inner in block.find_all(nodes.Block):
                enclosing.setdefault(inner.name, block.name)  # find_all is depth first: the outer block comes first
        for block in tree.find_all(nodes.Block):
            parent = enclosing.get(block.name) or (found[block.name][4] if block.name in found else "")
            found[block.name] = (block.name, shown, block.lineno, _block_content(block), parent,
                                 tuple(_sections_placed(block)))
    return list(found.values())


def _blocks_table(rows) -> list[str]:
    lines = ["| khối | định nghĩa tại | nội dung | nằm trong khối | mục đặt trong khối (`noi_dung.…`) |",
             "|---|---|---|---|---|"]
    for block, file, line, content, parent, sections in rows:
        lines.append(f"| `{block}` | `{file}:{line}` | {_cell(content)} | {f'`{parent}`' if parent else '—'} | "
                     f"{', '.join(sections) or '—'} |")
    return lines + [""]


# Shown in the reference and rendered by tests/test_docs.py, so the examples keep working.
OVERRIDE_EXAMPLE = """{% extends "quoc-gia/quy.md.j2" %}
{% block ket_luan %}Trên đây là báo cáo công tác cải cách hành chính {{ ky_bao_cao.ten }} của {{ co_quan.ten_goi }}, \
kính gửi Văn phòng UBND tỉnh tổng hợp{% endblock %}
"""
SUPER_EXAMPLE = """{% extends "quoc-gia/quy.md.j2" %}
{% block ket_luan %}{{ super() }}; đề nghị các bộ phận chuyên môn tiếp tục triển khai các nhiệm vụ \
{{ ky_bao_cao.ten_ky_toi }}{% endblock %}
"""


def overridable_blocks() -> list[str]:
    national = library_for()
    lines = ["## Các khối ghi đè được", "",
             "Mỗi mẫu có sẵn chia văn bản thành các khối (`{% block TÊN %}` … `{% endblock %}`). Mẫu của tỉnh (thư "
             "mục `templates/<tỉnh>/` hoặc thư mục `--templates`) kế thừa mẫu quốc gia bằng `{% extends … %}` rồi "
             "chỉ viết lại khối cần đổi; các khối khác giữ nguyên. Viết lại một khối bao ngoài (ví dụ `chi_dao`) là "
             "viết lại cả các khối nằm trong nó. Cột “định nghĩa tại” chỉ tệp và dòng (trong `templates/`) nơi "
             "khối được định nghĩa lần cuối theo chuỗi kế thừa. Khối “(trống)” không in gì: "
             "viết vào đó để thêm nội dung tại chỗ ấy.", "",
             "Thay hẳn một khối, ví dụ câu kết của báo cáo quý (tệp `quy.md.j2` trong thư mục mẫu của tỉnh):", "",
             "```jinja", OVERRIDE_EXAMPLE.rstrip("\n"), "```", "",
             "Giữ nội dung của mẫu gốc và viết thêm: `{{ super() }}` in nội dung của khối trong mẫu được kế thừa.", "",
             "```jinja", SUPER_EXAMPLE.rstrip("\n"), "```", "",
             "Dấu `./.` cuối văn bản được thêm tự động. Sau khi sửa, kiểm tra bằng `docgen lint TÊN`.", ""]
    groups: dict[tuple, list[str]] = {}
    for name in national.names:
        groups.setdefault(tuple(template_blocks(national, name)), []).append(name)
    for rows, names in groups.items():
        lines += [f"### Mẫu {', '.join(f'`{n}`' for n in names)}", ""]
        lines += _blocks_table(rows)
    for folder in sorted(p for p in builtin_templates_dir().iterdir() if p.is_dir() and p.name != NATIONAL):
        if not (folder / SETTINGS_FILE).is_file():
            continue
        library = library_for(province=folder.name)
        lines += [f"### Tỉnh {library.settings.get('ten', folder.name)} (`templates/{folder.name}/`)", ""]
        changed: dict[tuple, list[str]] = {}  # a block the province writes again → the templates it changes
        for name in library.names:
            base = set(template_blocks(national, name)) if name in national.names else set()
            for row in template_blocks(library, name):
                if row not in base:
                    changed.setdefault(row, []).append(name)
        if not changed:
            lines += ["Không ghi đè khối nào: các mẫu quốc gia được dùng nguyên.", ""]
            continue
        lines += ["Các khối thư mục của tỉnh viết lại (các khối khác như mẫu quốc gia):", "",
                  "| mẫu | khối | định nghĩa tại | nội dung |", "|---|---|---|---|"]
        lines += [f"| {', '.join(f'`{n}`' for n in names)} | `{row[0]}` | `{row[1]}:{row[2]}` | {_cell(row[3])} |"
                  for row, names in changed.items()]
        lines.append("")
    return lines


def reference() -> str:
    library = library_for()
    env = library.env
    lines = [HEADER, "# Tham chiếu cho người viết mẫu", "",
             "Những gì một mẫu nội dung (`*.md.j2`, Jinja chạy trong môi trường cách ly) và một tệp bố cục "
             "(`bo-cuc.docx`) dùng được: bộ lọc, hàm, biến. Cách viết mẫu, thư mục của tỉnh: xem README. "
             "Kiểm tra một mẫu: `docgen lint TÊN`.", "",
             "Mục lục: [Bộ lọc](#bộ-lọc) · [Hàm](#hàm) · [Hàm của trình dựng văn bản](#hàm-của-trình-dựng-văn-bản) · "
             "[Biến dữ liệu](#biến-dữ-liệu) · [Số liệu tính sẵn](#số-liệu-tính-sẵn) · "
             "[Mục nội dung của từng mẫu](#mục-nội-dung-của-từng-mẫu) · "
             "[Các khối ghi đè được](#các-khối-ghi-đè-được) · [Biến của bố cục](#biến-của-bố-cục-docx)", ""]

    lines += ["## Bộ lọc", "", "Viết sau giá trị: `{{ giá_trị|bộ_lọc }}` hoặc `{{ giá_trị|bộ_lọc(tham_số) }}`. "
              "`bang_chu`, `tien_bang_chu` đọc số theo thiết lập `doc_so` của tỉnh (`cau-hinh.yaml`). Ngoài các bộ "
              "lọc dưới đây còn có các bộ lọc chuẩn của Jinja (`join`, `upper`, `default`, `length`, `list`, …).", ""]
    for name, function in env.filters.items():
        if name in DEFAULT_FILTERS:
            continue
        _entry(lines, name, _signature(name, function), function)

    lines += ["## Hàm", "", "Gọi như hàm: `{{ ty_le(17, 71) }}`. Ngoài các hàm dưới đây còn có các hàm chuẩn của "
              "Jinja (`range`, `dict`, `namespace`, …).", ""]
    for name, function in env.globals.items():
        if name in DEFAULT_NAMESPACE:
            continue
        _entry(lines, name, _signature(name, function), function)

    lines += ["## Hàm của trình dựng văn bản", "", "Có trong mẫu nội dung (không có trong bố cục .docx).", ""]
    for name in lint.HELPERS:
        method = getattr(compose.Composer, name)
        _entry(lines, name, _signature(name, method, drop_first=not isinstance(
            inspect.getattr_static(compose.Composer, name), staticmethod)), method)

    schema = load_schema()
    lines += ["## Biến dữ liệu", "", "Mỗi trường của tệp dữ liệu YAML là một biến của mẫu nội dung, cùng tên: "
              "`{{ co_quan.ten_goi }}`, `{{ so_lieu.ho_so.tiep_nhan }}`. Trường không ghi trong dữ liệu có giá trị "
              "`none` (in ra rỗng); nhóm số liệu chuẩn nào không có thì cả nhóm là `none`, nên viết "
              "`{% if so_lieu.ho_so %}`. Nhóm số liệu riêng của tỉnh mà có đơn vị không khai báo cũng thử được như "
              "vậy: `{% if so_lieu.de_an_06 %}` là sai khi dữ liệu không có nhóm này; nhưng in, tính hay so sánh nó "
              "ngoài khối `{% if %}` đó là lỗi, báo tệp mẫu, dòng và tên trường. Ngoài `so_lieu`, thử một trường "
              "không có (`{% if co_quan.ten_gio %}`) cũng là lỗi (thường là gõ sai tên); muốn thử thật thì viết "
              "`is defined`. Báo cáo gồm nhiều kỳ (`ky_bao_cao` là danh sách) vẫn cho mẫu một `ky_bao_cao` (tên nối "
              "các kỳ, từ ngày của kỳ đầu đến ngày của kỳ cuối, loại, năm và kỳ tới theo kỳ cuối); từng kỳ và số liệu "
              "riêng của nó ở `ky_bao_cao.cac_ky`. Ngày là ngày thật (in `19/01/2024`, dùng được `|ngay_dai`).", "",
              "| biến | kiểu | mô tả |", "|---|---|---|"]
    lines += [f"| `{path}` | {_cell(kind)} | {_cell(text)} |" for path, kind, text in _schema_rows(schema)]
    lines.append("")

    lines += ["## Số liệu tính sẵn", "", "Thêm vào dữ liệu trước khi dựng mẫu (`cchc_docgen/domain/compute.py`); không "
              "ghi trong tệp dữ liệu.", "", "| biến | ý nghĩa |", "|---|---|"]
    lines += [f"| `{path}` | {_cell(text)} |" for path, text in lint.DERIVED_VARIABLES.items()]
    lines.append("")

    lines += ["## Mục nội dung của từng mẫu", "", "Các khóa của `noi_dung` mà mỗi mẫu có sẵn đặt vào văn bản, theo "
              "thứ tự trong văn bản (tìm bằng cách dựng thử mẫu, như `docgen new` và `docgen schema -t`).", "",
              "| mẫu | kỳ | mục (`noi_dung.…`) | nhóm số liệu viết thành câu chuẩn |", "|---|---|---|---|"]
    for name in library.names:
        usage = scaffold.template_usage(library.get(name), 2025)
        lines.append(f"| `{name}` | {usage.period or '—'} | {', '.join(usage.sections)} | "
                     f"{', '.join(usage.figures) or '—'} |")
    lines.append("")

    lines += overridable_blocks()

    lines += ["## Biến của bố cục (.docx)", "", "Tệp bố cục là mẫu docxtpl; các biến đã là chữ hoàn chỉnh để in "
              "(chữ hoa, dấu câu theo Nghị định 30). Biến là danh sách dòng thì in bằng "
              "`{%p for dong in ten_co_quan %}` … `{{ dong }}` … `{%p endfor %}`.", "",
              "| biến | nội dung |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(lint.LAYOUT_VARIABLES.get(name, ''))} |" for name in lint.layout_variables()]
    lines.append("")
    lines.append(f"Các ví dụ tính theo quy tắc làm tròn nửa lên của `cchc_docgen/domain/formatting.py` "
                 f"(ví dụ `{{{{ ty_le(157, 200) }}}}` → {fmt.format_percent(157, 200)}).")
    return "\n".join(lines) + "\n"


def generate() -> dict[str, str]:
    """File name in docs/ → its text."""
    return {"tham-chieu-mau.md": reference()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report whether docs/ is up to date; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in generate().items():
        path = DOCS / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
            if not args.check:
                DOCS.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"docs/ cũ: {', '.join(stale)}; chạy: python tools/make_docs.py", file=sys.stderr)
        return 1
    print("docs/ " + ("đã cập nhật: " + ", ".join(stale) if stale else "không đổi"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
