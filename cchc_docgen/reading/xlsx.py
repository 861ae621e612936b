"""Reading a filled Phụ lục biểu (an Excel sheet of the province's indicator catalog) into figures.

Rows are matched to the catalog's indicators by their name, else by their STT (I / 1 / 1.1, numbered as the
report prints them), never by cell address: a province's sheet may have a title above the table, extra columns
or rows in another order. The columns are found by their header ("STT", "Chỉ tiêu", "Số liệu", "Ghi chú").
Every cell that cannot be read is a message naming the sheet, the cell and the indicator.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.domain.appendix import Catalog, FigureValues, numbered_rows
from cchc_docgen.errors import DataError, Location

# Header words that name each column (compared without case, accents kept).
_COLUMNS = {"stt": ("stt",), "ten": ("chỉ tiêu", "nội dung", "tên chỉ tiêu"), "so_lieu": ("số liệu", "giá trị"),
            "ghi_chu": ("ghi chú",)}
_HEADER_ROWS = 20  # how far down the header row is looked for (a title may stand above the table)
_VN_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+(,\d+)?$")
_EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")


@dataclass
class ReadSheet:
    so_lieu: dict = field(default_factory=dict)
    ghi_chu: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def _key(text) -> str:
    text = unicodedata.normalize("NFC", str(text or "")).casefold()
    text = re.sub(r"\(.*?\)", " ", text)  # an explanation in brackets may be added or left out
    return " ".join(text.replace("*", " ").split()).strip(" .:")


def _number(value, where: str):
    """A cell's value as a figure: numbers as they are (a whole float as an int), Vietnamese number text
    ("1.234", "12,5") read; (value, None) or (None, message)."""
    if isinstance(value, bool):
        return None, f"{where}: giá trị đúng/sai không phải số liệu"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return None, f"{where}: ô chứa ngày tháng, không phải số liệu (định dạng ô trong Excel là ngày?)"
    if isinstance(value, float):
        return (int(value) if value.is_integer() else value), None
    if isinstance(value, int):
        return value, None
    text = str(value).strip()
    if text in _EXCEL_ERRORS:
        return None, f"{where}: ô báo lỗi công thức {text}"
    if text.startswith("="):
        return None, f"{where}: công thức chưa được tính ({text}); mở tệp bằng Excel rồi lưu lại để có giá trị"
    if _VN_NUMBER.match(text):
        number = Decimal(text.replace(".", "").replace(",", "."))
        return (int(number) if number == number.to_integral_value() else float(number)), None
    return text, None  # a figure written in words ("Có", "Không phát sinh"): kept as the catalog allows


def read_catalog_sheet(path, catalog: Catalog) -> ReadSheet:
    """The figures of the first sheet of `path` that has the biểu's header; raise DataError when none has."""
    import zipfile

    from openpyxl import load_workbook

    from cchc_docgen.golden.docx_view import UnsafeArchive, check_archive

    try:
        # the zip's own directory first: a workbook whose parts promise gigabytes (a zip bomb) is refused before
        # openpyxl inflates them
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, "tệp Excel")
    except UnsafeArchive as exc:
        raise DataError(f"tệp Excel không an toàn để đọc: {exc}", Location(str(path))) from None
    except (zipfile.BadZipFile, OSError):
        pass  # not a zip at all: openpyxl says so below, as for any file that is no workbook
    try:
        book = load_workbook(path, data_only=True, read_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"không đọc được tệp Excel ({type(exc).__name__}: {exc})", Location(str(path))) from None
    except Exception as exc:  # openpyxl raises zipfile/XML errors of many kinds for a file that is no workbook
        raise DataError(f"không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx ({type(exc).__name__})",
                        Location(str(path))) from None
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        found = _header(rows)
        if found is not None:
            return _read_rows(Path(path).name, sheet.title, rows, *found, catalog)
    raise DataError("không trang tính nào có dòng tiêu đề của biểu (các cột STT, Chỉ tiêu, Số liệu)", Location(str(path)))


def _header(rows) -> tuple[int, dict] | None:
    for index, row in enumerate(rows[:_HEADER_ROWS]):
        columns = {}
        for column, cell in enumerate(row):
            text = _key(cell)
            for name, words in _COLUMNS.items():
                if name not in columns and any(text == w or text.startswith(w) for w in words):
                    columns[name] = column
        if {"ten", "so_lieu"} <= set(columns):
            return index, columns
    return None


def _cell(column: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column + 1)}{row + 1}"


def _read_rows(file: str, title: str, rows, header: int, columns: dict, catalog: Catalog) -> ReadSheet:
    out = ReadSheet()
    by_name: dict[str, list] = {}
    # STT restarts in each section (I: 1, 2…; II: 1, 2…): a row's STT is looked up in the section above it.
    by_stt: dict[tuple[str, str], object] = {}
    section = ""
    root_stt = {}
    for indicator, stt in numbered_rows(catalog):
        if indicator.depth == 0:
            root_stt[indicator.id] = stt
        by_name.setdefault(_key(indicator.name), []).append(indicator)
        if indicator.depth == 0:
            section = stt
        if stt:
            by_stt[("" if indicator.depth == 0 else section, stt)] = indicator
    section = ""
    taken: dict[str, str] = {}
    derived_cells = {}
    # A sub-row has no STT, and its name may stand under several rows ("Nhiệm vụ Tỉnh giao" under each of 4.1–4.5
    # of Quảng Ninh's 1a): such a name is the one under the row read last, or under the nearest row above that.
    parent_of = {child.id: indicator for indicator in catalog.by_id.values() for child in indicator.children}
    last = None

    def under_last(candidates):
        free = [c for c in candidates if c.id not in taken]
        if len(free) <= 1:
            return free[0] if free else None
        node = last
        while node is not None:
            for candidate in free:
                if parent_of.get(candidate.id) is node:
                    return candidate
            node = parent_of.get(node.id)
        return None

    def at(row: int, column: int, indicator=None) -> str:
        named = f" (chỉ tiêu '{indicator.id}')" if indicator is not None else ""
        return f"{file}: trang '{title}', ô {_cell(column, row)}{named}"

    for index in range(header + 1, len(rows)):
        row = rows[index]

        def value_of(name):
            column = columns.get(name)
            return row[column] if column is not None and column < len(row) else None

        name, stt = value_of("ten"), value_of("stt")
        if name in (None, "") and stt in (None, ""):
            continue
        stt_text = str(stt).strip().rstrip(".") if stt is not None else ""
        candidates = by_name.get(_key(name), [])
        indicator = (candidates[0] if len(candidates) == 1
                     else stt_text and (by_stt.get(("", stt_text)) or by_stt.get((section, stt_text)))
                     or (under_last(candidates) if candidates else None))
        if indicator is None:
            where = (f"có ở {len(candidates)} mục của biểu '{catalog.name}' mà dòng không có STT và không nằm dưới "
                     "mục nào của nó" if candidates else f"không tìm thấy chỉ tiêu '{name}'"
                     + (f" (STT {stt_text})" if stt_text else "") + f" trong biểu '{catalog.name}'")
            out.messages.append(f"{at(index, columns['ten'])}: " + (f"chỉ tiêu '{name}' " if candidates else "")
                                + f"{where}; dòng này bị bỏ qua")
            continue
        last = indicator
        if indicator.id in taken:
            out.messages.append(f"{at(index, columns['ten'], indicator)}: chỉ tiêu đã có ở ô {taken[indicator.id]}; "
                                "dòng này bị bỏ qua")
            continue
        taken[indicator.id] = _cell(columns["ten"], index)
        if indicator.depth == 0:
            section = root_stt[indicator.id]
        raw = value_of("so_lieu")
        where = at(index, columns["so_lieu"], indicator)
        if raw not in (None, ""):
            value, problem = _number(raw, where)
            if problem:
                out.messages.append(problem)
            elif indicator.derived:
                derived_cells[indicator.id] = (value, where)
            else:
                out.so_lieu[indicator.id] = value
        note = value_of("ghi_chu")
        if note not in (None, ""):
            out.ghi_chu[indicator.id] = str(note).strip()
    # Computed rows (ratios, sums) are not figures: docgen computes them; one that says otherwise is told.
    values = FigureValues(catalog, out.so_lieu, ())
    for code, (written, where) in derived_cells.items():
        computed = values.value(catalog.by_id[code])
        if isinstance(written, (int, float)) and computed is not None and abs(Decimal(str(written)) - Decimal(computed)) >= Decimal("0.01"):
            out.messages.append(f"{where}: dòng tính tự động ghi {fmt.format_number(written)} nhưng tính từ các "
                                f"dòng khác được {fmt.format_number(fmt.round_half_up(Decimal(computed), 2))}; docgen "
                                "dùng số tính được")
    return out
