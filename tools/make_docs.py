"""Write docs/ from the code: every filter, function and variable a template can use, with Vietnamese examples.

    python tools/make_docs.py            # rewrite docs/
    python tools/make_docs.py --check    # exit 1 when docs/ is out of date (tests/test_docs.py does the same)

Filters and functions come from the template environment and their docstrings (the `{{ … }} → …` lines of
cchc_docgen/formatting.py become the examples; the tests check those lines against the code); the composer's
helpers from their docstrings; data variables from the JSON Schema's descriptions; computed variables and the
layout's variables from cchc_docgen/lint.py, whose lists the tests keep equal to what the code produces.
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

from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE  # noqa: E402

from cchc_docgen.authoring import lint, scaffold  # noqa: E402
from cchc_docgen.composing import compose  # noqa: E402
from cchc_docgen.domain import formatting as fmt  # noqa: E402
from cchc_docgen.reading.validate import load_schema  # noqa: E402
from cchc_docgen.templating.library import library_for  # noqa: E402

HEADER = ("<!-- Tệp sinh tự động từ mã nguồn bằng `python tools/make_docs.py`; đừng sửa tay (kiểm thử "
          "tests/test_docs.py báo lỗi khi tệp cũ). -->\n")
_EXAMPLE = re.compile(r"^\s*(\{\{.*\}\}|\w+\(.*\))\s+→\s+(.*)$")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _doc_parts(obj) -> tuple[str, list[tuple[str, str]]]:
    """(prose, examples) of a docstring: the `{{ … }} → …` lines are examples, the rest prose."""
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
    prose, examples = _doc_parts(obj)
    lines += [f"### `{title}`", "", f"`{signature}`", ""]
    if prose:
        lines += [prose, ""]
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


def reference() -> str:
    library = library_for()
    env = library.env
    lines = [HEADER, "# Tham chiếu cho người viết mẫu", "",
             "Những gì một mẫu nội dung (`*.md.j2`, Jinja chạy trong môi trường cách ly) và một tệp bố cục "
             "(`bo-cuc.docx`) dùng được: bộ lọc, hàm, biến. Cách viết mẫu, thư mục của tỉnh: xem README. "
             "Kiểm tra một mẫu: `docgen lint TÊN`.", "",
             "Mục lục: [Bộ lọc](#bộ-lọc) · [Hàm](#hàm) · [Hàm của trình dựng văn bản](#hàm-của-trình-dựng-văn-bản) · "
             "[Biến dữ liệu](#biến-dữ-liệu) · [Số liệu tính sẵn](#số-liệu-tính-sẵn) · "
             "[Mục nội dung của từng mẫu](#mục-nội-dung-của-từng-mẫu) · [Biến của bố cục](#biến-của-bố-cục-docx)", ""]

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

    lines += ["## Số liệu tính sẵn", "", "Thêm vào dữ liệu trước khi dựng mẫu (`cchc_docgen/compute.py`); không "
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

    lines += ["## Biến của bố cục (.docx)", "", "Tệp bố cục là mẫu docxtpl; các biến đã là chữ hoàn chỉnh để in "
              "(chữ hoa, dấu câu theo Nghị định 30). Biến là danh sách dòng thì in bằng "
              "`{%p for dong in ten_co_quan %}` … `{{ dong }}` … `{%p endfor %}`.", "",
              "| biến | nội dung |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(lint.LAYOUT_VARIABLES.get(name, ''))} |" for name in lint.layout_variables()]
    lines.append("")
    lines.append(f"Các ví dụ tính theo quy tắc làm tròn nửa lên của `cchc_docgen/formatting.py` "
                 f"(ví dụ {{{{ ty_le(157, 200) }}}} → {fmt.format_percent(157, 200)}).")
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
