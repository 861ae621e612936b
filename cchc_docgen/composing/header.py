"""The document's header as values (model.Header), built from the computed data and the template's parts, and
shown as the layout variables a Word layout is filled with (`{{ so_ky_hieu }}`, `{{ dia_danh_ngay }}` …).

The writers (and the Phụ lục's "Kèm theo …" line) take their strings from here; the header itself keeps dates
as dates and lists as lists, so no writer ever reads a date back out of a formatted line."""

from __future__ import annotations

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.model import Header, Organ, Signer


def build_header(context: dict, parts: dict[str, str]) -> Header:
    """The header of a report: `context` is compute.compute()'s, `parts` the template's `::: …` parts."""
    van_ban, co_quan, nguoi_ky = context["van_ban"], context["co_quan"], context["nguoi_ky"]
    return Header(
        co_quan=Organ(list(co_quan["ten"]), co_quan["chu_quan"]),
        so=van_ban["so"],
        ky_hieu=van_ban.get("ky_hieu") or parts.get("ky_hieu") or f"BC-{co_quan['ten_viet_tat']}",
        dia_danh=van_ban["dia_danh"],
        ngay=van_ban["ngay"],
        nam=van_ban["nam"],
        loai_van_ban=parts["loai_van_ban"],
        trich_yeu=van_ban["trich_yeu"] or parts["trich_yeu"],
        thoi_gian=parts.get("thoi_gian", ""),
        kinh_gui=[k.rstrip(" ;.") for k in context["kinh_gui"]],
        noi_nhan=list(context["noi_nhan"]["danh_sach"]),
        luu=context["noi_nhan"]["luu"],
        nguoi_ky=Signer(list(nguoi_ky["tham_quyen"]), nguoi_ky["chuc_vu"], nguoi_ky["ho_ten"]),
    )


def so_ky_hieu(header: Header) -> str:
    """"85/BC-UBND"; a draft keeps the gap the clerk fills in by hand: "     /BC-UBND"."""
    return f"{fmt.leading_zero(header.so)}/{header.ky_hieu}" if header.so else f"{' ' * 5}/{header.ky_hieu}"


def date_line(header: Header) -> str:
    """"Thạch Quý, ngày 17 tháng 9 năm 2024", or a draft's "…, ngày     tháng     năm 2024"."""
    ngay = fmt.format_date_long(header.ngay) if header.ngay else fmt.format_date_long_blank(header.nam)
    return f"{header.dia_danh}, {ngay}"


def layout_variables(header: Header) -> dict:
    """The header as the variables of a layout (and the Markdown writer's lines), Decree-30 display: the
    organ, title and signer in capitals, "Kính gửi" and "Nơi nhận" with their punctuation."""
    names = header.kinh_gui
    # One recipient: "Kính gửi: X."; several: "- X;" each, the last "- Y.".
    if len(names) == 1:
        recipients = [f"{names[0]}."]
        kinh_gui_lines = [f"Kính gửi: {recipients[0]}"]
    elif names:
        recipients = [f"- {n};" for n in names[:-1]] + [f"- {names[-1]}."]
        kinh_gui_lines = ["Kính gửi:"] + recipients
    else:
        recipients, kinh_gui_lines = [], []
    noi_nhan = [f"- {item.rstrip(' ;.')};" for item in header.noi_nhan] + [f"- Lưu: {header.luu.rstrip(' .')}."]
    return {
        "co_quan_chu_quan": header.co_quan.chu_quan.upper(),
        "ten_co_quan": [line.upper() for line in header.co_quan.ten],
        "so_ky_hieu": so_ky_hieu(header),
        "dia_danh_ngay": date_line(header),
        "loai_van_ban": header.loai_van_ban.upper(),
        "trich_yeu": header.trich_yeu,
        "thoi_gian": header.thoi_gian,
        "kinh_gui": kinh_gui_lines,
        # The same as one paragraph for the layout: "Kính gửi:" then a tab, each recipient on its own line
        # under the first (the layout's hanging indent lines them up).
        "kinh_gui_doan": "Kính gửi:\t" + "\n".join(recipients) if recipients else "",
        "noi_nhan": noi_nhan,
        "tham_quyen": [line.upper() for line in header.nguoi_ky.tham_quyen],
        "chuc_vu": header.nguoi_ky.chuc_vu.upper(),
        "ho_ten": header.nguoi_ky.ho_ten,
    }
