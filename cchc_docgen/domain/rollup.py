"""Roll-up: many units' computed figures (plain values) → their parent's figures, lists and per-unit table.

A province compiles the reports of its communes. How each figure rolls up is declared as data beside the
figure groups, in a template folder's cau-hinh.yaml under the report kind that compiles (`mau: {tong-hop:
{tong_hop: …}}`), so a province's folder may change a target or add an indicator like any other setting:

    tong_hop:
      cong:                                   # figures summed into the province's own so_lieu (its sentences)
        ho_so: [ky_truoc_chuyen_sang, tiep_nhan, truc_tuyen, da_giai_quyet, dung_han, qua_han, theo_linh_vuc]
      xep_hang: 3                             # how many units are named as highest and lowest per indicator
      chi_tieu:                               # indicators: a column each in the Phụ lục, a sheet per group
        ty_le_dung_han:
          nhom: Thủ tục hành chính
          ten: Tỷ lệ hồ sơ giải quyết trước và đúng hạn
          don_vi_tinh: "%"
          ty_le: [ho_so.dung_han, ho_so.da_giai_quyet]   # recomputed from the sums, never averaged
          dat_khi: ">= 100"                  # units meeting it are counted and named
        ho_so_tiep_nhan:
          nhom: Thủ tục hành chính
          ten: Hồ sơ tiếp nhận
          so_lieu: ho_so.tong
          cach_tinh: cong                     # cong (default), lon_nhat, nho_nhat, dem (units meeting dat_khi)

Everything here works on plain values (dicts, lists, numbers), so workers can hand units' figures over and
the result can be written to Word, Markdown or a workbook alike.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.errors import DataError, TemplateError
from cchc_docgen.model import Cell, Table, Text

DECLARATION_KEY = "tong_hop"
HOW = ("cong", "ty_le", "dem", "lon_nhat", "nho_nhat")
HOW_NAMES = {"cong": "tổng", "ty_le": "tỷ lệ tính lại từ tổng", "dem": "số đơn vị đạt", "lon_nhat": "lớn nhất",
             "nho_nhat": "nhỏ nhất"}
_DECLARATION_KEYS = ("tieu_de", "cong", "chi_tieu", "xep_hang")
DEFAULT_TITLE = "Tổng hợp số liệu cải cách hành chính của các đơn vị"
_INDICATOR_KEYS = {"nhom", "ten", "don_vi_tinh", "so_lieu", "ty_le", "cach_tinh", "dat_khi"}
_CONDITION = re.compile(r"^\s*(>=|<=|==|=|>|<)\s*(-?\d+(?:[.,]\d+)?)\s*$")
_OPERATORS = {">=": Decimal.__ge__, "<=": Decimal.__le__, "==": Decimal.__eq__, "=": Decimal.__eq__,
              ">": Decimal.__gt__, "<": Decimal.__lt__}
CONDITION_WORDS = {">=": "từ", "<=": "không quá", "==": "bằng", "=": "bằng", ">": "trên", "<": "dưới"}
DEFAULT_RANKED = 3


# Named tuples, not frozen dataclasses: as immutable, and made without compiling six methods each at every start
# (templating/library.py checks each template folder's tong_hop with this module on every run).
class Condition(NamedTuple):
    operator: str
    bound: Decimal
    text: str  # as the declaration wrote it: ">= 100"

    def met(self, value) -> bool:
        return _OPERATORS[self.operator](Decimal(str(value)), self.bound)

    def phrase(self, unit: str) -> str:
        """'từ 100%', 'bằng 0 hồ sơ': the condition as a report says it."""
        bound = fmt.format_number(self.bound)
        return f"{CONDITION_WORDS[self.operator]} {bound}{unit if unit == '%' else ' ' + unit.lower() if unit else ''}"


class Indicator(NamedTuple):
    id: str
    name: str
    group: str
    unit: str
    how: str
    figure: tuple[str, ...] | None  # a path in a unit's so_lieu
    ratio: tuple[tuple[str, ...], tuple[str, ...]] | None
    condition: Condition | None


class Declaration(NamedTuple):
    sums: dict[str, tuple[str, ...]]  # figure group → its fields summed into the parent's so_lieu
    indicators: tuple[Indicator, ...]
    ranked: int
    title: str  # the Phụ lục's title; the period's name follows it

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(i.group for i in self.indicators))


# --- the declaration ---------------------------------------------------------------------------------


def check_declaration(value, loaded, here: tuple) -> None:
    """One folder's `tong_hop` (templating.library.KIND_SHAPE): known keys and value types. A folder may set a
    single key of an indicator (a province's own target), so completeness is checked on the merged result."""
    def refuse(message, path, key=False):
        raise TemplateError(message, loaded.location(path, key=key), path)

    if not isinstance(value, dict):
        refuse(f"phải là một nhóm khóa ({', '.join(_DECLARATION_KEYS)})", here)
    for key, item in value.items():
        at = here + (key,)
        if key == "xep_hang":
            if not isinstance(item, int) or isinstance(item, bool) or item < 0:
                refuse(f"xep_hang phải là số đơn vị nêu tên ở mỗi đầu (số nguyên không âm); đang ghi: {item!r}", at)
        elif key == "tieu_de":
            if not isinstance(item, str) or not item.strip():
                refuse("tieu_de (tên Phụ lục tổng hợp) phải là một chuỗi chữ", at)
        elif key == "cong":
            if not isinstance(item, dict):
                refuse("cong phải là một nhóm: mỗi nhóm số liệu một khóa, giá trị là danh sách trường", at)
            for group, fields in item.items():
                if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
                    refuse(f"nhóm '{group}' cần danh sách tên trường, ví dụ [tiep_nhan, da_giai_quyet]", at + (group,))
        elif key == "chi_tieu":
            if not isinstance(item, dict):
                refuse("chi_tieu phải là một nhóm: mỗi chỉ tiêu một khóa (mã chỉ tiêu)", at)
            for code, spec in item.items():
                _check_indicator_spec(code, spec, at + (code,), refuse)
        else:
            refuse(f"khóa '{key}' không có trong tong_hop; các khóa được dùng: {', '.join(_DECLARATION_KEYS)}", at, True)


def _check_indicator_spec(code, spec, at, refuse) -> None:
    if not isinstance(spec, dict):
        refuse(f"chỉ tiêu '{code}' phải là một nhóm khóa ({', '.join(sorted(_INDICATOR_KEYS))})", at)
    for key, value in spec.items():
        here = at + (key,)
        if key not in _INDICATOR_KEYS:
            refuse(f"khóa '{key}' không có trong chỉ tiêu; các khóa được dùng: {', '.join(sorted(_INDICATOR_KEYS))}",
                   here, True)
        if key in ("nhom", "ten", "don_vi_tinh", "so_lieu") and not isinstance(value, str):
            refuse(f"{key} phải là một chuỗi chữ; đang ghi: {value!r}", here)
        if key == "ty_le" and not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            refuse("ty_le cần hai số liệu: [tử số, mẫu số], ví dụ [ho_so.dung_han, ho_so.da_giai_quyet]", here)
        if key == "cach_tinh" and value not in HOW:
            refuse(f"cach_tinh phải là một trong: {', '.join(HOW)}; đang ghi: {value!r}", here)
        if key == "dat_khi" and (not isinstance(value, str) or not _CONDITION.match(value)):
            refuse(f"dat_khi cần một phép so sánh với một số, ví dụ \">= 100\" hoặc \"== 0\"; đang ghi: {value!r}", here)


def read_declaration(template, settings_file: str = "cau-hinh.yaml") -> Declaration:
    """The roll-up declaration of a report kind, merged along the template search path and checked whole:
    every indicator says what it is computed from, and every summed figure is a field of the data."""
    merged = template.declaration.get(DECLARATION_KEY)
    where = f"{settings_file}: mau.{template.name}.{DECLARATION_KEY}"
    if not merged:
        raise TemplateError(f"mẫu '{template.name}' không khai báo cách tổng hợp số liệu ({where}); mẫu dùng cho "
                            "lệnh tong-hop cần khai báo chi_tieu và các số liệu được cộng (cong)")
    groups = template.schema["$defs"]["so_lieu"]["properties"]
    sums = {}
    for group, fields in (merged.get("cong") or {}).items():
        known = groups.get(group, {}).get("properties")
        if known is None:
            raise TemplateError(f"{where}.cong: không có nhóm số liệu '{group}' trong dữ liệu")
        for name in fields:
            if name not in known:
                raise TemplateError(f"{where}.cong.{group}: nhóm '{group}' không có trường '{name}'; các trường: "
                                    f"{', '.join(known)}")
        sums[group] = tuple(fields)
    indicators = []
    for code, spec in (merged.get("chi_tieu") or {}).items():
        at = f"{where}.chi_tieu.{code}"
        if not spec.get("ten"):
            raise TemplateError(f"{at}: chỉ tiêu cần tên (ten)")
        if bool(spec.get("so_lieu")) == bool(spec.get("ty_le")):
            raise TemplateError(f"{at}: chỉ tiêu cần đúng một trong hai: so_lieu (một số liệu) hoặc ty_le ([tử số, "
                                "mẫu số])")
        how = "ty_le" if spec.get("ty_le") else spec.get("cach_tinh", "cong")
        if how == "ty_le" and spec.get("cach_tinh") not in (None, "ty_le"):
            raise TemplateError(f"{at}: chỉ tiêu tỷ lệ luôn được tính lại từ tổng tử số và mẫu số; bỏ cach_tinh")
        if how == "ty_le" and not spec.get("ty_le"):
            raise TemplateError(f"{at}: cach_tinh: ty_le cần ty_le: [tử số, mẫu số]")
        condition = None
        if spec.get("dat_khi"):
            found = _CONDITION.match(spec["dat_khi"])
            condition = Condition(found.group(1), Decimal(found.group(2).replace(",", ".")), spec["dat_khi"].strip())
        if how == "dem" and condition is None:
            raise TemplateError(f"{at}: cach_tinh: dem đếm số đơn vị đạt, nên cần dat_khi (ví dụ \">= 100\")")
        paths = [spec["so_lieu"]] if spec.get("so_lieu") else list(spec["ty_le"])
        for path in paths:
            if path.split(".")[0] not in groups:
                raise TemplateError(f"{at}: '{path}' không thuộc nhóm số liệu nào của dữ liệu "
                                    f"(các nhóm: {', '.join(groups)})")
        ratio = tuple(tuple(p.split(".")) for p in spec["ty_le"]) if spec.get("ty_le") else None
        indicators.append(Indicator(code, spec["ten"], spec.get("nhom", ""), spec.get("don_vi_tinh", "%" if ratio else ""),
                                    how, tuple(spec["so_lieu"].split(".")) if spec.get("so_lieu") else None, ratio,
                                    condition))
    if not indicators:
        raise TemplateError(f"{where}: chưa khai báo chỉ tiêu nào (chi_tieu)")
    return Declaration(sums, tuple(indicators), merged.get("xep_hang", DEFAULT_RANKED),
                       merged.get("tieu_de", DEFAULT_TITLE))


# --- one unit ------------------------------------------------------------------------------------------


def unit_name(co_quan: dict) -> str:
    """How the parent's report names a unit: its ten_goi without the organ ("UBND xã Hòa An" → "xã Hòa An")."""
    name = str(co_quan.get("ten_goi") or "").strip()
    return re.sub(r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", "", name, flags=re.IGNORECASE) or name


def plain(value):
    """A computed value as plain data (what crosses from a worker process): numbers, text, lists, dicts."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (float, Decimal)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def unit_record(file: str, context: dict, findings: list) -> dict:
    """What the roll-up needs of one unit's computed report, as plain values."""
    ky = context.get("ky_bao_cao") or {}
    return {
        "tep": file,
        "ten": unit_name(context["co_quan"]),
        "ky": [ky.get("loai"), ky.get("so"), int(ky["nam"]) if ky.get("nam") is not None else None],
        "ten_ky": ky.get("ten", ""),
        "mau": context.get("mau"),
        "so_lieu": plain({k: v for k, v in context["so_lieu"].items() if v is not None}),
        "phat_hien": [str(f) for f in findings],  # printed, every one
        "so_lieu_chua_khop": sum(1 for f in findings if getattr(f, "figures", False)),  # what the report counts
    }


def figure(so_lieu: dict, path: tuple[str, ...]):
    value = so_lieu
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return value


def unit_value(indicator: Indicator, so_lieu: dict):
    """The indicator's value for one unit: its figure, or its ratio in % (None when the unit has no figure or the
    ratio's whole is zero)."""
    if indicator.ratio:
        part, whole = (figure(so_lieu, p) for p in indicator.ratio)
        if part is None or not whole:
            return None
        return fmt.percent_value(part, whole)
    return figure(so_lieu, indicator.figure)


# --- the unit list -------------------------------------------------------------------------------------


def normalized(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(name)).casefold().split())


def read_unit_list(path) -> list[dict]:
    """A province's don-vi.yaml: `don_vi: [{ma: "19501", ten: xã Hòa An}, …]`; errors located in the file."""
    from cchc_docgen.reading import loader

    loaded = loader.load(path)
    units = loaded.data.get("don_vi")
    if not isinstance(units, list) or not units:
        raise DataError("danh sách đơn vị cần khóa don_vi: một danh sách, mỗi đơn vị {ma: …, ten: …}",
                        loaded.location(("don_vi",)), ("don_vi",))
    seen: dict[str, int] = {}
    out = []
    for index, unit in enumerate(units):
        at = ("don_vi", index)
        if not isinstance(unit, dict) or not isinstance(unit.get("ten"), str) or not unit["ten"].strip():
            raise DataError("mỗi đơn vị cần tên (ten), ví dụ {ma: \"19501\", ten: xã Hòa An}", loaded.location(at), at)
        unknown = sorted(set(unit) - {"ma", "ten"})
        if unknown:
            raise DataError(f"khóa '{unknown[0]}' không dùng trong danh sách đơn vị; các khóa: ma, ten",
                            loaded.location(at + (unknown[0],), key=True), at + (unknown[0],), at_key=True)
        key = normalized(unit["ten"])
        if key in seen:
            raise DataError(f"đơn vị '{unit['ten']}' ghi hai lần (lần đầu ở don_vi[{seen[key]}])",
                            loaded.location(at + ("ten",)), at + ("ten",))
        seen[key] = index
        out.append({"ten": unit["ten"].strip(), "ma": "" if unit.get("ma") is None else str(unit["ma"])})
    return out


def match_units(records: list[dict], unit_list: list[dict] | None) -> tuple[list[dict], list[dict], list[dict]]:
    """(records in the list's order with their listed name and code, listed units with no record, records not in
    the list). A record matches by name, or by its file's name being the unit's code."""
    if unit_list is None:
        return records, [], []
    by_name = {normalized(u["ten"]): u for u in unit_list}
    by_code = {u["ma"]: u for u in unit_list if u["ma"]}
    matched: dict[str, dict] = {}
    outside = []
    for record in records:
        stem = re.sub(r"\.ya?ml$", "", record["tep"].replace("\\", "/").rsplit("/", 1)[-1])
        unit = by_name.get(normalized(record["ten"])) or by_code.get(stem)
        if unit is None:
            outside.append(record)
            continue
        matched[unit["ten"]] = {**record, "ten": unit["ten"], "ma": unit["ma"]}
    ordered = [matched[u["ten"]] for u in unit_list if u["ten"] in matched]
    missing = [u for u in unit_list if u["ten"] not in matched]
    return ordered + outside, missing, outside


# --- the roll-up ---------------------------------------------------------------------------------------


def sum_figures(units: list[dict], sums: dict[str, tuple[str, ...]]) -> dict:
    """The declared figures summed across units: counts added, {dat, tong} pairs added part by part, a map of
    named counts (theo_linh_vuc) added name by name. A group no unit reported is left out."""
    out: dict = {}
    for group, fields in sums.items():
        reported = [u["so_lieu"][group] for u in units if isinstance(u["so_lieu"].get(group), dict)]
        if not reported:
            continue
        total: dict = {}
        for name in fields:
            values = [r[name] for r in reported if r.get(name) is not None]
            if values:
                total[name] = _add(values)
        out[group] = total
    return out


def _add(values: list):
    if all(isinstance(v, dict) for v in values):
        keys = list(dict.fromkeys(k for v in values for k in v))
        return {k: _add([v[k] for v in values if v.get(k) is not None]) for k in keys}
    return sum(values)


def empty_roll_up() -> dict:
    """The `tong_hop` of no units, with its every key (what `docgen new` renders a compiling template with)."""
    return {"so_don_vi": 0, "so_don_vi_danh_sach": None, "don_vi": [], "chi_tieu": {}, "nhom": [], "co_phat_hien": [],
            "chua_nop": [], "co_loi": [], "ngoai_danh_sach": [], "tieu_de_phu_luc": DEFAULT_TITLE}


def _ends(ranked: list, count: int, indicator: Indicator) -> list[dict]:
    """The first `count` units of `ranked` (best first, or worst first), as named in the report. At most half the
    units, so none is named on both sides; units tied with the first one left out are left out too (naming three
    of eight units at 100% would single them out for nothing); none for a target of an exact value ("== 0"):
    the units meeting it are all named already."""
    if indicator.condition is not None and indicator.condition.operator in ("==", "="):
        return []
    count = min(count, len(ranked) // 2)
    if count and count < len(ranked) and ranked[count][1] == ranked[count - 1][1]:
        tied = ranked[count][1]
        count = next(i for i, (_, v) in enumerate(ranked) if v == tied)
    return [{"ten": name, "gia_tri": value, "in": printed(value, indicator.ratio is not None)}
            for name, value in ranked[:count]]


def roll_up(records: list[dict], declaration: Declaration, unit_list: list[dict] | None = None,
            refused: list[dict] = ()) -> dict:
    """The parent's roll-up of its units' records (unit_record): `so_lieu` (the declared figures summed) and
    `tong_hop` (what a template and the Phụ lục read: per-indicator totals, who meets a target, the highest and
    lowest, units with findings, units that have not submitted). `refused`: units whose files had errors, left
    out ({tep, ten}); they are neither summed nor counted as missing."""
    refused_names = {normalized(r["ten"]) for r in refused if r.get("ten")}
    units, missing, outside = match_units(records, unit_list)
    missing = [u for u in missing if normalized(u["ten"]) not in refused_names]
    indicators = {}
    for indicator in declaration.indicators:
        values = [(u["ten"], unit_value(indicator, u["so_lieu"])) for u in units]
        known = [(name, v) for name, v in values if v is not None]
        entry = {"ten": indicator.name, "nhom": indicator.group, "don_vi_tinh": indicator.unit,
                 "cach_tinh": indicator.how, "khong_so_lieu": [name for name, v in values if v is None]}
        if indicator.ratio:
            part = sum(v for v in (figure(u["so_lieu"], indicator.ratio[0]) for u in units) if v is not None)
            whole = sum(v for v in (figure(u["so_lieu"], indicator.ratio[1]) for u in units) if v is not None)
            entry.update(tu=part, mau=whole, gia_tri=fmt.percent_value(part, whole) if whole else None)
        elif indicator.how == "lon_nhat":
            entry["gia_tri"] = max((v for _, v in known), default=None)
        elif indicator.how == "nho_nhat":
            entry["gia_tri"] = min((v for _, v in known), default=None)
        else:
            entry["gia_tri"] = sum(v for _, v in known) if known else None
        if indicator.condition:
            entry["dat_khi"] = indicator.condition.text
            entry["chi_tieu"] = indicator.condition.phrase(indicator.unit)
            entry["dat"] = [name for name, v in known if indicator.condition.met(v)]
            entry["chua_dat"] = [name for name, v in known if not indicator.condition.met(v)]
            if indicator.how == "dem":
                entry["gia_tri"] = len(entry["dat"])
        entry["in"] = printed(entry["gia_tri"], indicator.ratio is not None)
        ranked = sorted(known, key=lambda item: (-item[1], item[0]))
        entry["cao_nhat"] = _ends(ranked, declaration.ranked, indicator)
        entry["thap_nhat"] = _ends(ranked[::-1], declaration.ranked, indicator)
        indicators[indicator.id] = entry
    return {
        "so_lieu": sum_figures(units, declaration.sums),
        "tong_hop": {
            "so_don_vi": len(units),
            "so_don_vi_danh_sach": len(unit_list) if unit_list is not None else None,
            "don_vi": [{"ten": u["ten"], "ma": u.get("ma", ""), "tep": u["tep"],
                        "gia_tri": {i.id: unit_value(i, u["so_lieu"]) for i in declaration.indicators},
                        "phat_hien": u["so_lieu_chua_khop"]} for u in units],
            "chi_tieu": indicators,
            "nhom": declaration.groups,
            "co_phat_hien": [{"ten": u["ten"], "so": u["so_lieu_chua_khop"]} for u in units if u["so_lieu_chua_khop"]],
            "chua_nop": [u["ten"] for u in missing],
            "co_loi": [r["ten"] or r["tep"] for r in refused],
            "ngoai_danh_sach": [u["ten"] for u in outside],
        },
    }


def shown(value, is_ratio: bool) -> str:
    """A value as the Phụ lục prints it: a ratio with two decimals at most (the % is in the header), a count
    grouped with dots; nothing for no figure."""
    if value is None:
        return ""
    if is_ratio:
        return fmt.format_number(fmt.round_half_up(Decimal(value), 2))
    return fmt.format_number(value)


def in_column(value, is_ratio: bool) -> str:
    """A value as a Phụ lục column prints it: ratios with two decimals always ("99,80", "100,00"), so that a
    column of them lines up and reads at one precision; counts as `shown`."""
    if value is None or not is_ratio:
        return shown(value, is_ratio)
    return fmt.format_number(fmt.round_half_up(Decimal(value), 2), 2)


def printed(value, is_ratio: bool) -> str:
    """A value as a sentence says it: "99,61%", "1.234"."""
    text = shown(value, is_ratio)
    return text + "%" if text and is_ratio else text


# --- the Phụ lục ---------------------------------------------------------------------------------------

# A table with more indicator columns than this is printed on a landscape page.
PORTRAIT_COLUMNS = 6


def unit_table(tong_hop: dict) -> tuple[Table, bool]:
    """The per-unit table: STT, unit, one column per indicator under its group's heading, a total row.
    Returns the table and whether it needs a landscape page."""
    indicators = tong_hop["chi_tieu"]
    codes = list(indicators)
    groups = [(group, [c for c in codes if indicators[c]["nhom"] == group]) for group in tong_hop["nhom"]]

    def bold(text: str) -> list:
        return [Text(text, bold=True)]

    def heading(code: str) -> list:
        entry = indicators[code]
        unit = f" ({entry['don_vi_tinh']})" if entry["don_vi_tinh"] else ""
        return bold(entry["ten"] + unit)

    grouped = any(group for group, _ in groups)
    top = [Cell(bold("STT"), rowspan=2 if grouped else 1), Cell(bold("Đơn vị"), rowspan=2 if grouped else 1)]
    rows = []
    if grouped:
        top += [Cell(bold(group or "Chỉ tiêu khác"), colspan=len(members)) for group, members in groups]
        rows = [top, [Cell(heading(c)) for _, members in groups for c in members]]
    else:
        rows = [top + [Cell(heading(c)) for c in codes]]
    order = [c for _, members in groups for c in members]
    for number, unit in enumerate(tong_hop["don_vi"], start=1):
        rows.append([Cell([Text(str(number))], numeric=True), Cell([Text(unit["ten"])])]
                    + [Cell([Text(in_column(unit["gia_tri"][c], indicators[c]["cach_tinh"] == "ty_le"))], numeric=True)
                       for c in order])
    rows.append([Cell([]), Cell(bold("Tổng cộng"))]
                + [Cell(bold(in_column(indicators[c]["gia_tri"], indicators[c]["cach_tinh"] == "ty_le")), numeric=True)
                   for c in order])
    table = Table(rows, header_rows=2 if grouped else 1, widths=[1.2, 3.6] + [1.7] * len(order))
    return table, len(order) > PORTRAIT_COLUMNS
