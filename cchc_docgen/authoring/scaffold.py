"""`docgen new` and `docgen schema --template`: what a template uses, a data skeleton for it, its narrowed schema.

Which `noi_dung` sections and `so_lieu` groups a template uses is found by rendering it once with recording
stand-ins for the composer's helpers (`khoi("muc")` notes "muc", …) and recording dictionaries for the data: the
answer follows the template's real inheritance and overridden blocks (the `kiem-tra` template drops
`phuong_huong`, `ke-hoach` has its own sections), with no list kept by hand.

The skeleton has a Vietnamese comment (from the schema's descriptions) above every field. It validates and
renders as it is: required text is "……" (the dotted blank of a paper form), the number and date are left for
the clerk ("Số:      /BC-UBND", "ngày     tháng     năm …"), sections are empty lists (left out of the document
until written), and optional blocks — figures, Phụ lục, fields with a default — are commented out with "# ",
ready to be switched on.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass, field

import jinja2
import jinja2.meta
import yaml

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.domain.appendix import CATALOG_FOLDER
from cchc_docgen.errors import DataError, DocgenError, TemplateError
from cchc_docgen.templating.library import Raw

BLANK = "……"

# Figures that make every standard sentence of a template render, so every branch that reads a figure is taken.
SAMPLE_FIGURES = {
    "nhiem_vu_ke_hoach": {"de_ra": 2, "hoan_thanh": 1, "van_ban": "x", "chu_thich": "x"},
    "nhiem_vu_duoc_giao": {"giao_boi": "x", "truoc_han": 1, "dung_han": 1, "trong_han": 1, "qua_han": 1, "chu_thich": "x"},
    "ho_so": {"ky_truoc_chuyen_sang": 1, "tiep_nhan": 2, "truc_tuyen": 1, "da_giai_quyet": 2, "dung_han": 1,
              "qua_han": 1, "theo_linh_vuc": {"x": 1}, "chu_thich": "x"},
    "dich_vu_cong": {k: {"dat": 1, "tong": 2} for k in ("toan_trinh", "mot_phan", "tthc_phat_sinh", "thanh_toan")},
    "can_bo": {"tong": 2, "dat_chuan": 1, "khong_chuyen_trach": 1, "chu_thich": "x"},
}


class _Recording(dict):
    """A dict that notes every key a template reads."""

    def __init__(self, data, seen: list):
        super().__init__(data)
        self.seen = seen

    def _note(self, key):
        if key not in self.seen:
            self.seen.append(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)


class _Refused(Exception):
    """The template called loi(...): it does not accept this data (e.g. another reporting period)."""


@dataclass
class Usage:
    """What a template uses: its period kind (None when it reports on no period), the noi_dung sections and
    so_lieu groups in the order the document reads them, and its default header parts."""

    name: str
    period: str | None
    sections: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    parts: dict = field(default_factory=dict)


def reads_variable(template, name: str) -> bool:
    """Whether the template (or a file it extends) reads the context variable `name`, e.g. ky_bao_cao."""
    return name in template.names_read


def sample_data(name: str, period: str | None, year: int, quarter: int = 1) -> dict:
    data = {
        "mau": name,
        "co_quan": {"ten": ["x"], "ten_goi": "x"},
        "van_ban": {"dia_danh": "x", "trich_yeu": "x"},
        "nguoi_ky": {"chuc_vu": "x", "ho_ten": "x"},
        "ky_bao_cao": {"loai": period or "nam", "nam": year, **({"so": quarter} if period == "quy" else {})},
        "so_lieu": copy.deepcopy(SAMPLE_FIGURES),
        "noi_dung": {},
    }
    return data


def template_usage(template, year: int | None = None, quarter: int = 1) -> Usage:
    """Render `template` once with recording helpers; see the module docstring."""
    from cchc_docgen.composing import compose
    from cchc_docgen.domain import compute, rollup

    if template.kind == "form":  # a Word form: read from its tags (authoring/form_scaffold.py)
        from cchc_docgen.authoring import form_scaffold

        return form_scaffold.usage(template)
    year = year or dt.date.today().year
    uses_period = reads_variable(template, "ky_bao_cao")
    candidates = [template.name] if template.name in fmt.PERIOD_KINDS else []
    candidates += [k for k in ("nam", "quy", "6thang", "9thang") if k not in candidates]
    last_error = None
    for period in candidates if uses_period else [None]:
        context = compute.compute(sample_data(template.name, period, year, quarter), template.schema)
        # What a command adds beside the data (pipeline.Pipeline.prepare's `extra`), empty: a compiling template
        # (docgen tong-hop) refuses to run without its roll-up.
        context["tong_hop"] = rollup.empty_roll_up()
        sections, figures = [], []
        context["noi_dung"] = _Recording(context["noi_dung"], sections)
        context["so_lieu"] = _Recording(context["so_lieu"], figures)

        def khoi(key, cap=None, cau_mau=None):
            sections.append(key) if key not in sections else None
            return Raw("")

        def ten_muc(key, default):
            sections.append(key) if key not in sections else None
            return default

        def co_noi_dung(key):
            sections.append(key) if key not in sections else None
            return True

        def loi(message, truong=None):
            raise _Refused(message)

        helpers = {"khoi": khoi, "ten_muc": ten_muc, "co_noi_dung": co_noi_dung, "loi": loi,
                   "chu_thich": lambda text: Raw("")}
        try:
            text = template.text.render({**context, **helpers})
        except _Refused as exc:
            last_error = exc
            continue
        except jinja2.TemplateError as exc:
            raise TemplateError(f"mẫu '{template.name}': {exc}") from None
        try:
            parts = compose.split_parts(text, template.name)
        except DocgenError:
            parts = {}
        known = set(template.schema["$defs"]["so_lieu"]["properties"])  # the package's and the declared groups
        return Usage(template.name, period, [s for s in sections if s != "ket_luan"] + (["ket_luan"] if "ket_luan" in sections else []),
                     [f for f in figures if f in known], parts)
    raise TemplateError(f"mẫu '{template.name}' không nhận dữ liệu của kỳ báo cáo nào: {last_error}")


# --- schema ------------------------------------------------------------------------------------------------

def schema_file():
    """The installed JSON Schema file (what `# yaml-language-server: $schema=…` can point at)."""
    from cchc_docgen.reading.validate import SCHEMA_PATH

    return SCHEMA_PATH


def narrowed_schema(usage: Usage | None = None, schema: dict | None = None) -> dict:
    """The data schema (`schema`: a library's, with what its folders declare; by default the package's); with a
    template's usage, `noi_dung` lists only that template's sections."""
    from cchc_docgen.reading.validate import load_schema

    schema = copy.deepcopy(load_schema() if schema is None else schema)
    if usage is not None:
        noi_dung = schema["properties"]["noi_dung"]
        noi_dung["properties"] = {k: v for k, v in noi_dung["properties"].items() if k in usage.sections or k == "ket_luan"}
        schema["properties"]["mau"]["default"] = usage.name
        schema["title"] += f" — mẫu {usage.name}"
    return schema


# --- the skeleton ------------------------------------------------------------------------------------------

def _scalar(value) -> str:
    if getattr(value, "written", None) is not None:  # a decimal as the ward wrote it (loader.WrittenFloat)
        return value.written
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


class SkeletonWriter:
    def __init__(self, schema: dict):
        self.schema = schema
        self.lines: list[str] = []

    def describe(self, node) -> str:
        """A property's description, else the one of what it refers to."""
        while isinstance(node, dict):
            if node.get("description"):
                return node["description"]
            ref = node.get("$ref")
            node = self.schema["$defs"][ref.rsplit("/", 1)[-1]] if ref else None
        return ""

    def comment(self, text: str, indent: int) -> None:
        for line in _wrap(text, 110 - indent):
            self.lines.append(" " * indent + "# " + line)

    def field(self, key, value, node, indent=0, off=False, note="") -> None:
        """`key: value` under its description; `off`: commented out (optional, switched on by removing '# ')."""
        start = len(self.lines)
        self.comment(self.describe(node) + (f" {note}" if note else ""), indent)
        self.lines.append(" " * indent + f"{key}: {_scalar(value)}")
        if off:
            self.disable(start, indent)

    def group(self, key, node, indent=0, off=False, note="") -> int:
        """`key:` under its description; returns the index where the group starts (for disable())."""
        start = len(self.lines)
        self.comment(self.describe(node) + (f" {note}" if note else ""), indent)
        self.lines.append(" " * indent + f"{key}:")
        return start

    def disable(self, start: int, indent: int) -> None:
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            self.lines[i] = line[:indent] + "# " + line[indent:]


def _wrap(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return lines + [current] if current else lines


def schema_properties(schema, *path):
    node = schema
    for part in path:
        node = node["properties"][part] if "properties" in node else schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]["properties"][part]
    return node


def skeleton(library, name: str, province: str | None = None, year: int | None = None,
             today: dt.date | None = None) -> str:
    """The YAML skeleton of a data file for template `name` (see the module docstring). A quarterly report is
    this year's current quarter (the one a clerk writes now); in another year (`year`), its first."""
    today = today or dt.date.today()
    year = year or today.year
    quarter = (today.month - 1) // 3 + 1 if year == today.year else 1
    template = library.get(name)
    if template.kind == "form":  # a Word form: the fields its tags read (authoring/form_scaffold.py)
        from cchc_docgen.authoring import form_scaffold

        return form_scaffold.skeleton(library, template, province, year)
    usage = template_usage(template, year, quarter)
    schema = template.schema  # the package's, with the sections and figure groups the folders declare
    w = SkeletonWriter(schema)
    P = lambda *path: schema_properties(schema, *path)  # noqa: E731

    w.lines += [f"# yaml-language-server: $schema={schema_file().as_uri()}",
                f"# {schema['title']} — mẫu {name}.",
                "# Khung do 'docgen new' tạo: mỗi trường có chú thích; điền vào chỗ \"……\", bỏ dấu '# ' ở đầu các dòng",
                "# của khối muốn dùng. Tệp này sinh được văn bản ngay (chỗ chưa điền in ra để trống).",
                "# Kiểm tra: docgen validate TỆP.yaml    Sinh văn bản: docgen render TỆP.yaml -o TỆP.docx",
                "# Dòng đầu cho VS Code (tiện ích YAML) gợi ý và kiểm tra khi gõ; xem 'docgen schema' trong README.", ""]
    organ_fields(w, P, name, province)
    w.group("van_ban", P("van_ban"))
    w.field("so", None, P("van_ban", "so"), 2)
    default_sign = usage.parts.get("ky_hieu", "").strip()
    w.field("ky_hieu", default_sign or "BC-UBND", P("van_ban", "ky_hieu"), 2, off=True)
    w.field("dia_danh", BLANK, P("van_ban", "dia_danh"), 2)
    w.field("ngay", None, P("van_ban", "ngay"), 2)
    default_title = " ".join(usage.parts.get("trich_yeu", "").split())
    needs_title = not default_title or default_title == "x"
    w.field("trich_yeu", BLANK if needs_title else "", P("van_ban", "trich_yeu"), 2,
            note="" if needs_title else f"Mặc định của mẫu: «{_readable(default_title)}».")
    w.lines.append("")
    note = "" if usage.period else ("Mẫu này không báo cáo theo kỳ: khối này chỉ cho biết năm in ở dòng ngày tháng "
                                    "khi văn bản chưa có ngày.")
    w.group("ky_bao_cao", P("ky_bao_cao"), note=note)
    period = usage.period or "nam"
    w.field("loai", period, P("ky_bao_cao", "loai"), 2)
    if period == "quy":
        w.field("so", quarter, P("ky_bao_cao", "so"), 2)
    w.field("nam", year, P("ky_bao_cao", "nam"), 2)
    window = fmt.period_window(period, quarter if period == "quy" else None, year)
    for key, day in zip(("tu_ngay", "den_ngay"), window):
        w.field(key, day.isoformat(), P("ky_bao_cao", key), 2, off=True)
    w.lines.append("")
    w.field("kinh_gui", [BLANK], P("kinh_gui"))
    w.lines.append("")
    w.group("noi_nhan", P("noi_nhan"))
    w.field("danh_sach", ["Như trên", BLANK], P("noi_nhan", "danh_sach"), 2)  # Kính gửi above: Decree 30, II.9.b
    w.field("luu", "VT", P("noi_nhan", "luu"), 2)
    signer_fields(w, P)
    if usage.figures:
        w.lines.append("")
        write_figures(w, schema, usage.figures)
    w.lines.append("")
    _sections(w, schema, usage)
    catalogs = _catalogs(library)
    if catalogs:
        w.lines.append("")
        _appendices(w, schema, catalogs)
    return "\n".join(w.lines) + "\n"


def organ_fields(w: SkeletonWriter, P, name: str, province: str | None) -> None:
    """mau, tinh and the issuing organ: how every skeleton starts (a Word form's too, form_scaffold.py)."""
    w.field("mau", name, P("mau"))
    w.field("tinh", province or "", P("tinh"))
    w.lines.append("")
    w.group("co_quan", P("co_quan"))
    w.field("chu_quan", "", P("co_quan", "chu_quan"), 2)
    w.field("ten", [BLANK, BLANK], P("co_quan", "ten"), 2)
    w.field("ten_goi", BLANK, P("co_quan", "ten_goi"), 2)
    w.field("don_vi", "phường", P("co_quan", "don_vi"), 2, off=True)
    w.field("ten_viet_tat", "UBND", P("co_quan", "ten_viet_tat"), 2, off=True)
    w.lines.append("")


def signer_fields(w: SkeletonWriter, P) -> None:
    w.lines.append("")
    w.group("nguoi_ky", P("nguoi_ky"))
    w.field("tham_quyen", [BLANK], P("nguoi_ky", "tham_quyen"), 2)
    w.field("chuc_vu", BLANK, P("nguoi_ky", "chuc_vu"), 2)
    w.field("ho_ten", BLANK, P("nguoi_ky", "ho_ten"), 2)


def _readable(markup: str) -> str:
    from cchc_docgen.composing.inline import parse_inline
    from cchc_docgen.model import plain_text

    return plain_text(parse_inline(markup))


def write_figures(w: SkeletonWriter, schema: dict, groups: list[str]) -> None:
    so_lieu = schema["$defs"]["so_lieu"]
    start = w.group("so_lieu", so_lieu, note="Mẫu viết câu chuẩn từ các nhóm số liệu dưới đây; nhóm nào không có "
                                            "thì bỏ qua.")
    for name in groups:
        node = so_lieu["properties"][name]
        w.group(name, node, 2)
        for key, sub in node["properties"].items():
            if "$ref" in sub and sub["$ref"].endswith("/ty_so"):
                w.field(key, {"dat": 0, "tong": 0}, sub, 4)
            elif sub.get("type") in ("integer", "number") or sub.get("$ref", "").endswith("/so_nguyen"):
                w.field(key, 0, sub, 4)
            elif sub.get("type") == "object":
                w.field(key, {"Tên lĩnh vực": 0}, sub, 4)
            else:
                w.field(key, "", sub, 4)
    w.field("tuyen_truyen", {"phat_thanh": 0}, so_lieu["additionalProperties"], 2)
    w.disable(start, 0)


def _sections(w: SkeletonWriter, schema: dict, usage: Usage) -> None:
    noi_dung = schema["properties"]["noi_dung"]
    w.group("noi_dung", noi_dung)
    w.comment("Mỗi mục là một danh sách khối: \"Một đoạn văn.\", \"- một dòng liệt kê;\", {muc: Tiêu đề, noi_dung: "
              "[…]}, {bang: {…}}, {cau_mau: tên}; hoặc {tieu_de: Tiêu đề mới, noi_dung: […]} để đổi tiêu đề mục. "
              "Cú pháp trong đoạn: **đậm**, *nghiêng*, ^[chú thích], {=nhom.truong} (số liệu).", 2)
    for key in usage.sections:
        if key == "ket_luan":
            continue
        declared = noi_dung["properties"].get(key) or {
            "description": f"Mục '{key}' của mẫu (chưa khai báo trong cau-hinh.yaml của thư mục mẫu: docgen lint báo)"}
        w.field(key, [], declared, 2)
    w.field("ket_luan", "", noi_dung["properties"]["ket_luan"], 2)


def _catalogs(library) -> dict:
    found = {}
    for root in reversed(library.search_path):
        folder = root / CATALOG_FOLDER
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
            found[path.stem] = path
    return {stem: library.catalog(stem, path) for stem, path in sorted(found.items())}


def _appendices(w: SkeletonWriter, schema: dict, catalogs: dict) -> None:
    item = schema["properties"]["phu_luc"]["items"]["properties"]
    start = w.group("phu_luc", schema["properties"]["phu_luc"],
                    note=f"Các biểu có sẵn: {', '.join(catalogs)}. Các dòng tỷ lệ, tổng được tính tự động nên không có ở đây.")
    for stem, catalog in catalogs.items():
        w.comment(f"Biểu '{stem}': {catalog.title}", 2)
        w.lines.append(f"  - bieu: {stem}")
        w.group("so_lieu", item["so_lieu"], 4)
        for indicator in catalog.by_id.values():
            if indicator.derived or (indicator.children and not indicator.unit):
                continue  # computed, or a heading row
            unit = f" ({indicator.unit})" if indicator.unit else ""
            w.comment(f"{indicator.name}{unit}", 6)
            w.lines.append(f"      {indicator.id}: 0")
    w.disable(start, 0)


# --- the next period's skeleton, from last period's data (docgen new --tu) --------------------------------
#
# What stays from one period to the next is carried over as it was written: the unit, the signer, Kính gửi and
# Nơi nhận, the standard-sentence switches and the outline (sections, their titles, sub-headings and where the
# standard sentences stand). What belongs to the period is not: the number and date of the document, the
# figures and the text. Those are kept as comments ("kỳ trước: 537") to compare with and rewrite from; the
# figure blocks are commented out whole, as in `docgen new`, so the file validates and renders as it is.

# The periodic reports of a year, in order (Decree 09/2019): a unit reporting by these kinds goes from one to
# the next, skipping a kind its templates do not have; quarterly reports go from quarter to quarter.
_YEAR_CYCLE = ("6thang", "9thang", "nam")
LAST_PERIOD = "kỳ trước"


@dataclass(frozen=True)
class Period:
    kind: str
    number: int | None
    year: int

    @property
    def name(self) -> str:
        return fmt.period_phrase(self.kind, self.number, self.year)

    @property
    def following(self) -> str:
        return fmt.next_period_phrase(self.kind, self.number, self.year)


def next_period(last: Period, kinds: tuple[str, ...] = _YEAR_CYCLE) -> Period:
    """The period after `last`: the next quarter; in the yearly cycle the next kind of `kinds` (those the unit's
    templates report on), into the next year after the year's report."""
    if last.kind == "quy":
        return Period("quy", 1, last.year + 1) if last.number == 4 else Period("quy", last.number + 1, last.year)
    cycle = [k for k in _YEAR_CYCLE if k in kinds] or [last.kind]
    if last.kind not in cycle:
        return Period(last.kind, None, last.year + 1)
    at = cycle.index(last.kind)
    if at + 1 < len(cycle):
        return Period(cycle[at + 1], None, last.year)
    return Period(cycle[0], None, last.year + 1)


def next_skeleton(library, path, template_name: str | None = None) -> str:
    """The data file of the period after the one `path` reports on (see the comment above)."""
    from cchc_docgen.pipeline import Pipeline, located
    from cchc_docgen.reading import loader, validate

    loaded = loader.load(path)
    pipeline = Pipeline(library=library)
    library, template = pipeline.choose_template(loaded)
    with located(loaded):
        validate.validate(loaded, template.schema if template else library.schema())
    data = loaded.data
    periods = data.get("ky_bao_cao")
    if not periods:
        raise DataError("tệp kỳ trước không ghi kỳ báo cáo (ky_bao_cao) nên không biết kỳ tiếp theo; dùng "
                        "'docgen new -t TÊN_MẪU' để lập khung mới", loaded.location(()))
    records = periods if isinstance(periods, list) else [periods]
    last = Period(records[-1]["loai"], records[-1].get("so"), records[-1]["nam"])
    last_name = fmt.periods_phrase(Period(r["loai"], r.get("so"), r["nam"]).name for r in records)
    old_name = data.get("mau")
    in_cycle = old_name in fmt.PERIOD_KINDS and old_name == last.kind  # the kind's own template: follow the kinds
    kinds = tuple(k for k in fmt.PERIOD_KINDS if k in library.names) if in_cycle else (last.kind,)
    period = next_period(last, kinds)
    name = template_name or (period.kind if in_cycle else old_name)
    new_template = library.get(name)  # a missing template is said now, not when the officer renders
    writer = _NextWriter(new_template.schema, last, period, new_template.kind == "form")
    writer.renames.setdefault(last_name, period.name)  # "năm 2024 và quý I năm 2025" as a whole
    return writer.write(data, name, path, last_name)


class _NextWriter:
    def __init__(self, schema: dict, last: Period, period: Period, form: bool = False):
        self.schema = schema
        # A Word form reads its figures without asking whether they are there: its figures stay switched on, at
        # 0 as `docgen new` writes them for a form, beside last period's.
        self.form = form
        self.last, self.period = last, period
        self.lines: list[str] = []
        # A title naming the period names the new one ("quý III năm 2024" → "quý IV năm 2024"), and the period
        # after it likewise, in one pass so that a replaced name is not replaced again.
        self.renames = {last.name: period.name, last.following: period.following}

    def write(self, data: dict, name: str, path, last_name: str) -> str:
        self.last_name = last_name
        add = self.lines.append
        add(f"# yaml-language-server: $schema={schema_file().as_uri()}")
        add(f"# Khung báo cáo {self.period.name}, lập bằng 'docgen new --tu' từ báo cáo {last_name} ({path}).")
        for line in _wrap("Giữ nguyên đơn vị, người ký, Kính gửi, Nơi nhận và dàn ý của kỳ trước. Số liệu và lời văn "
                          f"của kỳ trước nằm ở các dòng chú thích '{LAST_PERIOD}: …' để so sánh và viết lại: bỏ dấu "
                          "'# ' ở đầu các dòng của khối số liệu rồi điền số của kỳ này (trường nào còn để trống, "
                          "docgen validate báo đúng dòng).", 108):
            add(f"# {line}")
        add("# Kiểm tra: docgen validate TỆP.yaml    Sinh văn bản: docgen render TỆP.yaml -o TỆP.docx")
        add("")
        for key, value in data.items():
            if isinstance(value, (dict, list)) and value and self.lines[-1]:
                add("")
            handler = getattr(self, f"_{key}", None)
            if handler is not None:
                handler(value)
            else:
                self.emit(key, value, 0)
            if isinstance(value, (dict, list)) and value:
                add("")
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return "\n".join(self.lines) + "\n"

    # --- the parts of a report ---

    def _mau(self, value) -> None:
        name = self.period.kind if value == self.last.kind and value in fmt.PERIOD_KINDS else value
        self.lines.append(f"mau: {_plain(name)}" + (f"  # {LAST_PERIOD}: {value}" if name != value else ""))

    def _van_ban(self, value: dict) -> None:
        self.lines.append("van_ban:")
        for key, item in value.items():
            if key in ("so", "ngay"):  # the new document's own: a draft until the clerk numbers and dates it
                self.lines.append(f"  {key}: null  # {LAST_PERIOD}: {_plain(item)}")
            elif key == "nam":  # the year a draft's date line shows: the new period's, by default
                self.lines.append(f"  # {key}: {_plain(item)}  ({LAST_PERIOD}; mặc định: năm của kỳ này)")
            elif key in ("trich_yeu", "phu_de") and isinstance(item, str):
                self.renamed(key, item, 2)
                if key == "phu_de" and self.rename(item) == item:  # a conference's date, a place: the period's
                    self.comment(f"dòng này chép từ {LAST_PERIOD}: sửa cho kỳ này hoặc xóa", 2)
            else:
                self.emit(key, item, 2)

    def _ky_bao_cao(self, value) -> None:
        period = self.period
        self.lines.append(f"ky_bao_cao:  # {LAST_PERIOD}: {self.last_name}")
        self.lines.append(f"  loai: {period.kind}")
        if period.number:
            self.lines.append(f"  so: {period.number}")
        self.lines.append(f"  nam: {period.year}")
        start, end = fmt.period_window(period.kind, period.number, period.year)
        self.lines.append("  # Ngày chốt số liệu theo Nghị định 09/2019/NĐ-CP; sửa nếu đơn vị chốt khác.")
        last = value[-1] if isinstance(value, list) else value
        for key, day in (("tu_ngay", start), ("den_ngay", end)):
            before = f"  # {LAST_PERIOD}: {last[key]}" if key in last else ""
            self.lines.append(f"  {key}: {day.isoformat()}{before}")

    def _so_lieu(self, value: dict) -> None:
        if self.form:
            self.comment(f"Số liệu của kỳ này (mẫu Word đọc chúng nên để sẵn 0): điền số thay cho 0; số của "
                         f"{LAST_PERIOD} ở chú thích cuối dòng.", 0)
            self.lines.append("so_lieu:")
            self.emptied(value, 2, placeholder=True)
            return
        start = len(self.lines)
        self.comment(f"Số liệu của kỳ này: bỏ dấu '# ' ở đầu các dòng của khối rồi điền; số của {LAST_PERIOD} "
                     "ở chú thích cuối dòng.", 0)
        self.lines.append("so_lieu:")
        self.emptied(value, 2)
        self.disable(start + 1)

    def _phu_luc(self, value: list) -> None:
        start = len(self.lines)
        self.comment(f"Phụ lục của kỳ này: bỏ dấu '# ' ở đầu các dòng của khối rồi điền; số của {LAST_PERIOD} "
                     "ở chú thích cuối dòng.", 0)
        self.lines.append("phu_luc:")
        for appendix in value:
            first = True
            for key, item in appendix.items():
                lead = "  - " if first else "    "
                first = False
                if key in ("so_lieu", "ghi_chu") and isinstance(item, dict):
                    self.lines.append(f"{lead}{key}:")
                    self.emptied(item, 6, every_value=True)
                else:
                    self.lines.append(f"{lead}{_key(key)}: {_plain(item)}")
        self.disable(start + 1)

    def _noi_dung(self, value: dict) -> None:
        self.lines.append("noi_dung:")
        for key, section in value.items():
            if isinstance(section, dict) and "noi_dung" in section:  # {tieu_de, noi_dung}
                self.lines.append(f"  {_key(key)}:")
                for inner, item in section.items():
                    if inner == "noi_dung":
                        self.blocks("noi_dung", item, 4)
                    elif isinstance(item, str):
                        self.renamed(inner, item, 4)
                    else:
                        self.emit(inner, item, 4)
            elif isinstance(section, list):
                self.blocks(key, section, 2)
            elif isinstance(section, str):  # ket_luan
                self.lines.append(f'  {_key(key)}: ""')
                self.text(section, 4)
            else:
                self.emit(key, section, 2)

    # --- pieces ---

    def blocks(self, key: str, blocks: list, indent: int) -> None:
        """A list of blocks: the outline (sub-headings, standard sentences) kept, the text and tables as comments."""
        pad = " " * indent
        if not any(isinstance(b, dict) and ("muc" in b or "cau_mau" in b) for b in blocks):
            self.lines.append(f"{pad}{_key(key)}: []")
        else:
            self.lines.append(f"{pad}{_key(key)}:")
        for block in blocks:
            if isinstance(block, str):
                self.text(block, indent + 2)
            elif isinstance(block, dict) and "muc" in block:
                first = True
                for inner, item in block.items():
                    lead = f"{pad}  - " if first else f"{pad}    "
                    if inner == "noi_dung":
                        start = len(self.lines)
                        self.blocks("noi_dung", item, indent + 4)
                        self.lines[start] = lead + self.lines[start].lstrip()
                    elif inner == "muc" and isinstance(item, str):
                        self.lines.append(f"{lead}muc: {_plain(self.rename(item))}"
                                          + (f"  # {LAST_PERIOD}: {_plain(item)}" if self.rename(item) != item else ""))
                    else:
                        self.lines.append(f"{lead}{_key(inner)}: {_plain(item)}")
                    first = False
            elif isinstance(block, dict) and "cau_mau" in block:
                self.lines.append(f"{pad}  - cau_mau: {_plain(block['cau_mau'])}")
            else:  # a table: its figures and text are the period's
                start = len(self.lines)
                self.comment(f"Bảng của {LAST_PERIOD}:", indent + 2)
                self.emit(None, [block], indent + 2)
                self.disable(start + 1, indent + 2)

    def text(self, text: str, indent: int) -> None:
        """A paragraph of the last period, as a commented list item (removing '# ' gives it back as written)."""
        pad = " " * indent
        self.lines.append(f"{pad}# {LAST_PERIOD}:")
        if "\n" in text:
            self.lines.append(f"{pad}# - |-")
            self.lines += [f"{pad}#   {line}".rstrip() for line in text.split("\n")]
        else:
            self.lines.append(f"{pad}# - >-")
            self.lines += [f"{pad}#   {line}" for line in _wrap(text, 104 - indent)]

    def rename(self, text: str) -> str:
        pattern = "|".join(sorted(map(re.escape, self.renames), key=len, reverse=True))
        return re.sub(pattern, lambda m: self.renames[m.group(0)], text)

    def renamed(self, key: str, text: str, indent: int) -> None:
        new = self.rename(text)
        self.lines.append(f"{' ' * indent}{_key(key)}: {_plain(new)}")
        if new != text:
            self.comment(f"{LAST_PERIOD}: {text}", indent)

    def emptied(self, value: dict, indent: int, every_value: bool = False, placeholder: bool = False) -> None:
        """Figures with their values left for the officer and the last period's beside them. Labels (who gave
        the tasks…) stay; a figure group's own footnote text (chu_thich) is the period's and goes too."""
        pad = " " * indent
        for key, item in value.items():
            if isinstance(item, dict):
                self.lines.append(f"{pad}{_key(key)}:")
                self.emptied(item, indent + 2, every_value, placeholder)
            elif every_value or key == "chu_thich" or (isinstance(item, (int, float)) and not isinstance(item, bool)):
                blank = ("" if not placeholder else ' ""' if isinstance(item, str) else " 0")
                self.lines.append(f"{pad}{_key(key)}:{blank}  # {LAST_PERIOD}: {_plain(item)}")
            else:
                self.emit(key, item, indent)

    def emit(self, key, value, indent: int) -> None:
        """`key: value` as block YAML (key None: the value alone, a list's items)."""
        pad = " " * indent
        head = f"{pad}{_key(key)}:" if key is not None else None
        if isinstance(value, dict) and value:
            if head:
                self.lines.append(head)
            for k, v in value.items():
                self.emit(k, v, indent + 2 if head else indent)
        elif isinstance(value, list) and value and not _flat(value):
            if head:
                self.lines.append(head)
            inner = indent + 2 if head else indent
            for item in value:
                start = len(self.lines)
                if isinstance(item, (dict, list)):
                    self.emit(None, item, inner + 2)
                else:
                    self.lines.append(f"{' ' * (inner + 2)}{_plain(item)}")
                self.lines[start] = f"{' ' * inner}- " + self.lines[start][inner + 2:]
        else:
            self.lines.append(f"{head} {_plain(value)}" if head else f"{pad}{_plain(value)}")

    def comment(self, text: str, indent: int) -> None:
        self.lines += [f"{' ' * indent}# {line}" for line in _wrap(text, 108 - indent)]

    def disable(self, start: int, indent: int = 0) -> None:
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            self.lines[i] = line[:indent] + "# " + line[indent:]


def _plain(value) -> str:
    """A value as YAML writes it, plain where it can be (Thạch Quý, not "Thạch Quý"), quoted where it must
    (a text that would read as a date or a number)."""
    if isinstance(value, str) or (isinstance(value, list) and _flat(value) and all(isinstance(i, str) for i in value)):
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip() \
            .removesuffix("\n...").strip()
    return _scalar(value)


def _flat(items: list) -> bool:
    """A short list of scalars, written on one line ([Ủy ban nhân dân, phường A])."""
    return all(not isinstance(i, (dict, list)) for i in items) and len(_scalar(items)) <= 90


def _key(key) -> str:
    text = str(key)
    return text if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) else json.dumps(text, ensure_ascii=False)
