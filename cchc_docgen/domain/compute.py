"""Stage 3: derive what the data implies — real dates, the reporting window, totals and defaults.

The result is the template context: plain dicts with the data's own Vietnamese keys, plus derived keys
(`ky_bao_cao.tu_ngay` when not given, `ho_so.tong`, …). Nothing here formats text for the page.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.domain.formatting import Label, Year
from cchc_docgen.errors import DataError, format_path
from cchc_docgen.reading.validate import load_schema

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str | None, path) -> dt.date | None:
    if text is None or text == "":
        return None
    m = _DMY.match(text)
    try:
        if m:
            day, month, year = (int(g) for g in m.groups())
        else:
            year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise DataError(f"'{text}' không phải là một ngày có thật", path=path) from None


def _sum_present(group: dict, keys) -> int:
    return sum(group.get(k) or 0 for k in keys)


def _derive_figures(so_lieu: dict, schema: dict) -> dict:
    # The groups the schema names (the package's and those the template folders declare) are the ones templates
    # know; an absent one is None, so a template can write `{% if so_lieu.ho_so %}`.
    groups = schema["$defs"]["so_lieu"]["properties"]
    for name in groups:
        group = so_lieu.setdefault(name, None)
        # Every known field is present (None when not given), so templates can test `x is none` safely.
        for field in groups[name]["properties"] if group is not None else ():
            group.setdefault(field, None)
    giao = so_lieu["nhiem_vu_duoc_giao"]
    if giao is not None and giao.get("tong") is None:
        giao["tong"] = _sum_present(giao, ("truoc_han", "dung_han", "trong_han", "qua_han"))
    ke_hoach = so_lieu["nhiem_vu_ke_hoach"]
    if ke_hoach is not None:
        ke_hoach["con_lai"] = ke_hoach["de_ra"] - ke_hoach["hoan_thanh"]
    ho_so = so_lieu["ho_so"]
    if ho_so is not None:
        ho_so["ky_truoc_chuyen_sang"] = ho_so["ky_truoc_chuyen_sang"] or 0
        ho_so["tong"] = ho_so["ky_truoc_chuyen_sang"] + ho_so["tiep_nhan"]
        ho_so["dang_giai_quyet"] = ho_so["tong"] - ho_so["da_giai_quyet"]
        ho_so["theo_linh_vuc"] = ho_so["theo_linh_vuc"] or {}
    dvc = so_lieu["dich_vu_cong"]
    if dvc is not None:
        parts = [dvc[k]["tong"] for k in ("toan_trinh", "mot_phan") if dvc.get(k)]
        dvc["tong_ho_so"] = sum(parts) if parts else None
    return so_lieu


class Figures(dict):
    """A `so_lieu` map (the report's, a period's, or one of their groups). A template may test a figure or group
    the data does not have (`{% if so_lieu.de_an_06 %}`: false), which it may not do with any other field; see
    templating.undefined.DataUndefined."""


def _as_figures(so_lieu: dict) -> Figures:
    figures = Figures(so_lieu)
    for name, group in figures.items():
        if isinstance(group, dict):
            figures[name] = Figures(group)
    return figures


def _derive_period(ky: dict, path: tuple, schema: dict) -> None:
    """One period's reporting window (given, or the Decree 09/2019 cut-off) and its names; `path` is where it
    stands in the data (("ky_bao_cao",) or ("ky_bao_cao", 1))."""
    if ky["loai"] == "quy" and ky.get("so") is None:
        raise DataError("kỳ báo cáo quý cần ghi số quý: so: 1, 2, 3 hoặc 4", path=path + ("so",))
    if ky["loai"] != "quy":
        ky["so"] = None
    window = fmt.period_window(ky["loai"], ky["so"], ky["nam"])
    for index, key in enumerate(("tu_ngay", "den_ngay")):
        given = parse_date(ky.get(key), path + (key,))
        ky[key] = given or window[index]
    if ky["tu_ngay"] > ky["den_ngay"]:
        raise DataError("ngày bắt đầu kỳ báo cáo (tu_ngay) sau ngày chốt số liệu (den_ngay)",
                        path=path + ("tu_ngay",))
    ky["nam"] = Year(ky["nam"])
    ky["ten"] = fmt.period_phrase(ky["loai"], ky["so"], ky["nam"])
    ky["ten_ky_toi"] = fmt.next_period_phrase(ky["loai"], ky["so"], ky["nam"])
    # Where the period stands in the data, for a template's loi(…, ky.truong ~ ".loai").
    ky["truong"] = format_path(path)
    ky["so_lieu"] = _derive_figures(_as_figures(ky.get("so_lieu") or {}), schema)


def _derive_periods(given: dict | list, schema: dict) -> dict:
    """The report's period: one period as written, or several in a row (`ky_bao_cao: [{loai: nam, …}, {loai: quy,
    …}]`) seen as one: named "năm 2023 và quý I năm 2024", from the first's tu_ngay to the last's den_ngay, and
    otherwise (loai, so, nam, ten_ky_toi) the last period's, so a template of the last period's kind takes it.
    Each period, with its own so_lieu, is in `cac_ky`."""
    periods = given if isinstance(given, list) else [given]
    for index, ky in enumerate(periods):
        _derive_period(ky, ("ky_bao_cao", index) if isinstance(given, list) else ("ky_bao_cao",), schema)
        if index and ky["tu_ngay"] <= periods[index - 1]["den_ngay"]:
            before = periods[index - 1]
            raise DataError(f"kỳ thứ {index + 1} ({ky['ten']}, từ ngày {fmt.format_date_short(ky['tu_ngay'])}) bắt đầu "
                            f"trước khi kỳ thứ {index} ({before['ten']}) kết thúc (ngày "
                            f"{fmt.format_date_short(before['den_ngay'])}): các kỳ ghi theo thứ tự thời gian, "
                            "không chồng lên nhau", path=("ky_bao_cao", index))
    if not isinstance(given, list):
        report = dict(given)
    else:
        first, last = periods[0], periods[-1]
        report = {key: last[key] for key in ("loai", "so", "nam", "den_ngay", "ten_ky_toi", "truong")}
        report["tu_ngay"] = first["tu_ngay"]
        report["ten"] = fmt.periods_phrase(ky["ten"] for ky in periods)
    report.pop("so_lieu", None)  # a period's own figures are read from cac_ky; the report's are so_lieu
    report["cac_ky"] = periods
    return report


def _document_year(van_ban: dict, ky: dict | None) -> Year:
    """The document's year: the signing date's; for an undated draft (its "ngày     tháng     năm 2024") the
    year written as van_ban.nam, else that of the report's cut-off date (the last period's den_ngay: a report
    on "năm 2023 và quý I năm 2024" is a 2024 document)."""
    given = van_ban.get("nam")
    if van_ban["ngay"]:
        if given is not None and given != van_ban["ngay"].year:
            raise DataError(f"năm văn bản ({given}) khác năm của ngày ký ({fmt.format_date_short(van_ban['ngay'])}); "
                            "bỏ van_ban.nam (chỉ cần khi văn bản chưa có ngày) hoặc sửa cho khớp",
                            path=("van_ban", "nam"))
        return Year(van_ban["ngay"].year)
    if given is not None:
        return Year(given)
    if ky is not None:
        return Year(ky["den_ngay"].year)
    raise DataError("văn bản chưa có ngày thì cần khai báo năm (van_ban.nam) hoặc kỳ báo cáo (ky_bao_cao) để biết "
                    "năm", path=("van_ban", "ngay"))


def compute(raw: dict, schema: dict | None = None) -> dict:
    """Return the template context for one report's data (as read); raise DataError, naming the field, where
    the data contradicts itself. `schema`: the data's schema with what the template folders declare
    (templating.library.TemplateLibrary.schema), by default the package's."""
    schema = load_schema() if schema is None else schema
    # The parts this stage fills in are copied; the ward's content (noi_dung, phu_luc: most of the data) is
    # only read, so it is shared rather than deep-copied.
    data = {key: (value if key in ("noi_dung", "phu_luc") else copy.deepcopy(value)) for key, value in raw.items()}
    if isinstance(data.get("noi_dung"), dict):
        data["noi_dung"] = dict(data["noi_dung"])

    co_quan = data["co_quan"]
    ten = co_quan["ten"]
    co_quan["ten"] = [line.strip() for line in (ten.splitlines() if isinstance(ten, str) else ten) if line.strip()]
    co_quan.setdefault("chu_quan", "")
    co_quan.setdefault("don_vi", "phường")
    co_quan.setdefault("ten_viet_tat", "UBND")

    van_ban = data["van_ban"]
    van_ban["ngay"] = parse_date(van_ban.get("ngay"), ("van_ban", "ngay"))
    so = van_ban.get("so")
    # A document number names the document: "Số: 1234/BC-UBND", never grouped like a count.
    van_ban["so"] = Label(int(so)) if so not in (None, "") else None
    van_ban.setdefault("trich_yeu", "")
    phu_de = van_ban.get("phu_de")
    if phu_de is True:
        raise DataError("phu_de: true không dùng được: ghi dòng cần in dưới tên văn bản, hoặc false để bỏ dòng này",
                        path=("van_ban", "phu_de"))
    # None: the template's line; "" (written as false or ""): no line.
    van_ban["phu_de"] = None if phu_de is None else (phu_de or "").strip()

    ky = data.get("ky_bao_cao")
    if ky is not None:
        ky = _derive_periods(ky, schema)
    data["ky_bao_cao"] = ky
    van_ban["nam"] = _document_year(van_ban, ky)

    data.setdefault("cau_mau", {})
    data.setdefault("kinh_gui", [])
    noi_nhan = data.setdefault("noi_nhan", {})
    noi_nhan.setdefault("danh_sach", [])
    noi_nhan.setdefault("luu", "VT")

    nguoi_ky = data["nguoi_ky"]
    quyen = nguoi_ky.get("tham_quyen") or []
    nguoi_ky["tham_quyen"] = [quyen] if isinstance(quyen, str) else quyen

    data["so_lieu"] = _derive_figures(_as_figures(data.get("so_lieu") or {}), schema)
    noi_dung = data.setdefault("noi_dung", {})
    for key in schema["properties"]["noi_dung"]["properties"]:
        noi_dung.setdefault(key, None)
    data.setdefault("tinh", "")
    data.setdefault("phu_luc", [])
    return data
