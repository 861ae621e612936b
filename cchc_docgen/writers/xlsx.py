"""Workbooks (openpyxl): a roll-up's per-unit table, one sheet per indicator group, and a unit's Phụ lục biểu.

Number formats are stored in the file's own (locale-neutral) code, `#,##0` and `#,##0.00`: Excel and LibreOffice
show them with the reader's separators, so on a Vietnamese system 12.345 and 99,61, the report's own style. A
format code written with the Vietnamese characters ('#.##0') would be read as a decimal point and break.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

COUNT_FORMAT = "#,##0"
RATIO_FORMAT = "#,##0.00"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet's name


def _workbook():
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", name).strip()[:SHEET_NAME_LIMIT] or "Chỉ tiêu"
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate, number = base[:SHEET_NAME_LIMIT - len(suffix)] + suffix, number + 1
    taken.add(candidate.casefold())
    return candidate


def _number(value):
    """A cell's value: ints stay ints, a ratio (Decimal) becomes a float for the workbook."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _style_header(sheet, row: int, columns: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for column in range(1, columns + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rollup_workbook(tong_hop: dict) -> bytes:
    """The roll-up's per-unit figures: a sheet per indicator group (STT, unit, the group's indicators, a total
    row), header frozen; then a sheet of the units not compiled (not submitted, or with errors)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = _workbook()
    indicators = tong_hop["chi_tieu"]
    taken: set[str] = set()
    for group in tong_hop["nhom"]:
        codes = [code for code, entry in indicators.items() if entry["nhom"] == group]
        sheet = book.create_sheet(_sheet_name(group or "Chỉ tiêu", taken))
        headers = ["STT", "Đơn vị"] + [indicators[c]["ten"] + (f" ({indicators[c]['don_vi_tinh']})"
                                                               if indicators[c]["don_vi_tinh"] else "") for c in codes]
        sheet.append(headers)
        _style_header(sheet, 1, len(headers))
        for number, unit in enumerate(tong_hop["don_vi"], start=1):
            sheet.append([number, unit["ten"]] + [_number(unit["gia_tri"][c]) for c in codes])
        sheet.append([None, "Tổng cộng"] + [_number(indicators[c]["gia_tri"]) for c in codes])
        last = sheet.max_row
        for cell in sheet[last]:
            cell.font = Font(bold=True)
        for offset, code in enumerate(codes, start=3):
            number_format = RATIO_FORMAT if indicators[code]["cach_tinh"] == "ty_le" else COUNT_FORMAT
            for row in range(2, last + 1):
                sheet.cell(row=row, column=offset).number_format = number_format
        sheet.freeze_panes = "C2"
        sheet.column_dimensions["A"].width = 6
        sheet.column_dimensions["B"].width = max([len("Đơn vị")] + [len(u["ten"]) for u in tong_hop["don_vi"]]) + 4
        for offset in range(3, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(offset)].width = 18
        sheet.row_dimensions[1].height = 48
    left_out = ([("Chưa gửi báo cáo", name) for name in tong_hop["chua_nop"]]
                + [("Báo cáo có lỗi, chưa tổng hợp", name) for name in tong_hop["co_loi"]])
    if left_out:
        sheet = book.create_sheet(_sheet_name("Đơn vị chưa tổng hợp", taken))
        sheet.append(["STT", "Đơn vị", "Lý do"])
        _style_header(sheet, 1, 3)
        for number, (reason, name) in enumerate(left_out, start=1):
            sheet.append([number, name, reason])
        sheet.freeze_panes = "A2"
        for column, width in zip("ABC", (6, 40, 34)):
            sheet.column_dimensions[column].width = width
    return _save(book)


def catalog_workbook(catalog, given: dict | None = None, notes: dict | None = None) -> bytes:
    """A Phụ lục biểu as a sheet a unit fills in (STT, indicator, unit, value, note), its rows numbered as the
    report prints them; with `given` values (a unit's phu_luc so_lieu) the computed rows are filled too.
    `docgen nhap-bieu` reads such a sheet back, by STT and indicator name."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from cchc_docgen.domain.appendix import HEADER, FigureValues, numbered_rows

    book = _workbook()
    sheet = book.create_sheet(_sheet_name(catalog.name, set()))
    sheet.append(HEADER)
    _style_header(sheet, 1, len(HEADER))
    values = FigureValues(catalog, given or {}, ("phu_luc", 0))
    for indicator, stt in numbered_rows(catalog):
        value = values.value(indicator) if given is not None else None
        sheet.append([stt, indicator.name, indicator.unit, _number(value), (notes or {}).get(indicator.id)])
        row = sheet.max_row
        if indicator.depth <= 1 and not indicator.sub_row:
            for column in (1, 2):
                sheet.cell(row=row, column=column).font = Font(bold=True)
        sheet.cell(row=row, column=4).number_format = RATIO_FORMAT if indicator.ratio else COUNT_FORMAT
    sheet.freeze_panes = "A2"
    for column, width in enumerate((8, 60, 14, 14, 36), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    return _save(book)
