"""Vietnamese number, date and period formatting for administrative reports.

Conventions follow Nghị định 30/2020/NĐ-CP (document layout) and Nghị định
09/2019/NĐ-CP (reporting periods). Every function used from templates is
registered under a Vietnamese name in ``JINJA_FILTERS`` / ``JINJA_GLOBALS``;
the ``{{ ... }} → ...`` lines in the docstrings are checked by the tests.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

__all__ = [
    "FormattingError",
    "Label",
    "Year",
    "format_number",
    "is_thousands_dot",
    "format_as_written",
    "format_percent",
    "percent_value",
    "ratio_phrase",
    "leading_zero",
    "format_date_long",
    "format_date_long_blank",
    "format_date_short",
    "to_roman",
    "quarter_name",
    "period_phrase",
    "next_period_phrase",
    "periods_phrase",
    "period_window",
    "number_to_words",
    "money_in_words",
    "JINJA_FILTERS",
    "JINJA_GLOBALS",
]

# Width of each gap in an undated draft's "ngày     tháng     năm 2024",
# left for the signer to fill in by hand.
BLANK_DATE_WIDTH = 5

PERIOD_KINDS = ("quy", "6thang", "9thang", "nam")


class FormattingError(ValueError):
    """A value cannot be formatted; the message is in Vietnamese for end users."""


class Label(int):
    """A whole number that names something (a document number) rather than counts it: it prints as its digits,
    never grouped ("Số: 1234/BC-UBND", not "1.234")."""


class Year(Label):
    """A year prints "2024", never "2.024". A year plus or minus a number of years is still a year, so a
    template's `{{ ky_bao_cao.nam + 1 }}` prints "2025"; the difference of two years is a plain number (a
    duration), and any other arithmetic leaves the year behind."""

    def __add__(self, other):
        result = int.__add__(self, other)
        return Year(result) if _is_plain_int(other) else result

    __radd__ = __add__

    def __sub__(self, other):
        result = int.__sub__(self, other)
        return Year(result) if _is_plain_int(other) else result


def _is_plain_int(value) -> bool:
    """A number of years: an int that is neither a bool nor itself a label (2024 + 2025 is no year)."""
    return isinstance(value, int) and not isinstance(value, (bool, Label))


# --- numbers -----------------------------------------------------------------


def _to_decimal(value) -> Decimal:
    # bool is an int subclass, but True in a report count is always a data bug.
    if isinstance(value, bool):
        raise FormattingError(f"Không phải là số: {value!r}")
    if isinstance(value, (int, Decimal)):
        result = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest repr (2.675, not 2.67499999...), so half-up
        # rounding acts on the number the author wrote, not its binary error.
        result = Decimal(str(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise FormattingError(f"Không phải là số: {value!r}") from None
    else:
        raise FormattingError(f"Không phải là số: {value!r}")
    if not result.is_finite():
        raise FormattingError(f"Không phải là số: {value!r}")
    return result


def _to_int(value) -> int:
    number = _to_decimal(value)
    if number != number.to_integral_value():
        raise FormattingError(f"Không phải là số nguyên: {value!r}")
    return int(number)


def round_half_up(number: Decimal, decimals) -> Decimal:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise FormattingError(f"Số chữ số thập phân không hợp lệ: {decimals!r}")
    # The default 28-digit context would refuse to quantize very large values.
    context = Context(prec=max(28, number.adjusted() + decimals + 2))
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=context)


# A float whose shortest exact form needs this many significant digits or more was computed, not typed:
# binary rounding noise (0.1 + 0.2 = 0.30000000000000004) or an unending fraction (1/3). Nobody types 16
# significant digits, and every decimal of up to 15 survives the trip through a float unchanged.
_COMPUTED_FLOAT_DIGITS = 16
# How a computed float prints: rounded half-up to at most 3 decimals, trailing zeros dropped (0,3; 0,333;
# 14,286). Vietnamese reports write at most 3 decimals: percentages take 2, amounts in "tỷ đồng" 3 (2,150).
COMPUTED_FLOAT_DECIMALS = 3


def format_number(value, decimals=None) -> str:
    """Format a number with Vietnamese separators ("." thousands, "," decimals).

    With ``decimals`` the value is rounded half-up to that many places;
    without, trailing fractional zeros are dropped, and a float that is the
    result of arithmetic prints at most 3 decimals. A Label (a document
    number, a year) prints its digits, never grouped.

    {{ 14859|so }} → 14.859
    {{ 78.5|so }} → 78,5
    {{ 78.5|so(2) }} → 78,50
    {{ 2.145|so(2) }} → 2,15
    {{ (0.1 + 0.2)|so }} → 0,3
    """
    # Babel is not used: it rounds half-even (78.5 → "78"), and the vi
    # grouping is a one-liner once the rounding is done here.
    if type(value) is int and decimals is None:  # most figures: no Decimal needed (bool is not `int` here)
        return f"{value:,}".replace(",", ".")
    if isinstance(value, Label) and decimals is None:
        return str(int(value))
    number = _to_decimal(value)
    if decimals is not None:
        number = round_half_up(number, decimals)
    elif isinstance(value, float) and len(number.as_tuple().digits) >= _COMPUTED_FLOAT_DIGITS:
        number = round_half_up(number, COMPUTED_FLOAT_DECIMALS)
    text = format(number.copy_abs(), "f")
    int_part, _, frac_part = text.partition(".")
    if decimals is None:
        frac_part = frac_part.rstrip("0")
    result = f"{int(int_part):,}".replace(",", ".")
    if frac_part:
        result += "," + frac_part
    # Decimal("-0") < 0 is false, so a zero left by rounding -0.4 prints "0".
    if number < 0:
        result = "-" + result
    return result


def percent_value(part, whole) -> Decimal:
    """Return the unrounded ratio ``part / whole * 100`` as a Decimal.

    percent_value(1, 8) → Decimal('12.5')
    """
    whole = _to_decimal(whole)
    if whole == 0:
        raise FormattingError("Không tính được tỷ lệ: mẫu số bằng 0")
    return _to_decimal(part) * 100 / whole


_THOUSANDS_DOT = re.compile(r"[-+]?[1-9][0-9]{0,2}\.[0-9]{3}\Z")
_DECIMAL_TEXT = re.compile(r"[-+]?[0-9]+\.([0-9]+)\Z")


def is_thousands_dot(text: str) -> bool:
    """Tell whether a number's text is a whole number written with a thousands dot.

    "1.230" is one thousand two hundred and thirty to a Vietnamese reader; YAML took it for the float 1.23.

    is_thousands_dot("1.230") → True
    """
    return _THOUSANDS_DOT.match(text) is not None


def format_as_written(value, written: str | None) -> str:
    """Format a float of a table cell as the ward typed it (``written``: its text in the file).

    "2.500" stays "2.500" (a thousands dot: YAML made it 2.5), "0.50" keeps its two decimals ("0,50");
    without the text, as format_number.

    format_as_written(2.5, "2.500") → 2.500
    """
    if written is not None:
        if is_thousands_dot(written):
            return written
        typed = _DECIMAL_TEXT.match(written)
        if typed:
            return format_number(value, len(typed.group(1)))
    return format_number(value)


def _is_zero(whole) -> bool:
    return _to_decimal(whole) == 0


def format_percent(part, whole, decimals=2, if_zero="") -> str:
    """Format ``part / whole`` as a percentage, rounded half-up.

    A whole-number result prints without decimals, otherwise with exactly
    ``decimals`` places. With a zero ``whole`` there is no percentage: the
    result is ``if_zero`` (nothing by default); the domain checks warn about
    the field (checks.py), so the gap is not silent.

    {{ 11341|ty_le(14446) }} → 78,51%
    {{ ty_le(140, 140) }} → 100%
    {{ ty_le(17, 71, 1) }} → 23,9%
    {{ ty_le(0, 0, if_zero="chưa phát sinh") }} → chưa phát sinh
    """
    if _is_zero(whole):
        _to_decimal(part)  # a part that is no number is still refused
        return if_zero
    rounded = round_half_up(percent_value(part, whole), decimals)
    if rounded == rounded.to_integral_value():
        return format_number(rounded, 0) + "%"
    return format_number(rounded, decimals) + "%"


def ratio_phrase(part, whole, unit="hồ sơ", decimals=2, if_zero="") -> str:
    """Build the usual "x/y <unit>, đạt tỷ lệ z%" phrase.

    With a zero ``whole`` the rate clause is left out and ``if_zero``
    follows the counts instead (see format_percent).

    {{ cum_ty_le(11341, 14446) }} → 11.341/14.446 hồ sơ, đạt tỷ lệ 78,51%
    {{ cum_ty_le(17, 71, "thủ tục") }} → 17/71 thủ tục, đạt tỷ lệ 23,94%
    {{ cum_ty_le(0, 0, "thủ tục") }} → 0/0 thủ tục
    """
    counts = f"{format_number(part)}/{format_number(whole)}"
    if unit:
        counts += f" {unit}"
    if _is_zero(whole):
        return counts + if_zero
    return f"{counts}, đạt tỷ lệ {format_percent(part, whole, decimals)}"


def leading_zero(n) -> str:
    """Format a count in administrative style: 1–9 get a leading zero.

    {{ 5|hai_so }} → 05
    {{ 0|hai_so }} → 0
    {{ 1234|hai_so }} → 1.234
    """
    number = _to_int(n)
    if 1 <= number <= 9:
        return f"{number:02d}"
    return format_number(n if isinstance(n, Label) else number)


# --- dates -------------------------------------------------------------------


def _to_date(value) -> date:
    # datetime is a date subclass; its time part is simply not printed.
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FormattingError(f"Ngày không hợp lệ: {value!r}")


def format_date_long(d) -> str:
    """Format a date as in a document's place-and-date line (Decree 30).

    Days below 10 and months 1 and 2 take a leading zero; other months do
    not. No Babel/CLDR pattern expresses the month rule, hence done by hand.

    {{ "2024-01-05"|ngay_dai }} → ngày 05 tháng 01 năm 2024
    {{ "2024-09-17"|ngay_dai }} → ngày 17 tháng 9 năm 2024
    """
    d = _to_date(d)
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def format_date_long_blank(year) -> str:
    """Return the date line of an undated draft, with gaps for day and month.

    format_date_long_blank(2024) → ngày     tháng     năm 2024
    """
    gap = " " * BLANK_DATE_WIDTH
    return f"ngày{gap}tháng{gap}năm {_to_int(year)}"


def format_date_short(d) -> str:
    """Format a date as dd/mm/yyyy.

    {{ "2024-01-19"|ngay }} → 19/01/2024
    """
    d = _to_date(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


# --- roman numerals and periods ------------------------------------------------

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)


def to_roman(n) -> str:
    """Write 1–3999 in Roman numerals (section headings, quarters).

    {{ 14|la_ma }} → XIV
    """
    n = _to_int(n)
    if not 1 <= n <= 3999:
        raise FormattingError(f"Số La Mã chỉ từ 1 đến 3999: {n}")
    parts = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        parts.append(symbol * count)
    return "".join(parts)


def _quarter(n) -> int:
    n = _to_int(n)
    if not 1 <= n <= 4:
        raise FormattingError(f"Quý phải từ 1 đến 4: {n}")
    return n


def quarter_name(n) -> str:
    """Name a quarter.

    {{ 3|ten_quy }} → quý III
    """
    return f"quý {to_roman(_quarter(n))}"


def _check_period(kind, number, year) -> tuple[int | None, int]:
    if kind not in PERIOD_KINDS:
        raise FormattingError(
            f"Loại kỳ báo cáo không hợp lệ: {kind!r} (hợp lệ: {', '.join(PERIOD_KINDS)})"
        )
    if year is None:
        raise FormattingError("Thiếu năm của kỳ báo cáo")
    # The number only means something for quarters; other kinds ignore it so
    # templates can pass a record's (possibly empty) number unconditionally.
    return (_quarter(number) if kind == "quy" else None), _to_int(year)


def period_phrase(kind, number=None, year=None) -> str:
    """Name a reporting period; ``kind`` is "quy", "6thang", "9thang" or "nam".

    {{ ten_ky("quy", 3, 2024) }} → quý III năm 2024
    {{ ten_ky("6thang", none, 2024) }} → 6 tháng đầu năm 2024
    {{ ten_ky("nam", none, 2024) }} → năm 2024
    """
    number, year = _check_period(kind, number, year)
    if kind == "quy":
        return f"{quarter_name(number)} năm {year}"
    if kind == "nam":
        return f"năm {year}"
    return f"{kind[0]} tháng đầu năm {year}"


def next_period_phrase(kind, number=None, year=None) -> str:
    """Name the period following a report, for the "directions" heading.

    {{ ten_ky_toi("quy", 4, 2024) }} → quý I năm 2025
    {{ ten_ky_toi("6thang", none, 2024) }} → 6 tháng cuối năm 2024
    {{ ten_ky_toi("9thang", none, 2024) }} → những tháng cuối năm 2024
    """
    number, year = _check_period(kind, number, year)
    if kind == "quy":
        if number == 4:
            return f"quý I năm {year + 1}"
        return f"{quarter_name(number + 1)} năm {year}"
    if kind == "6thang":
        return f"6 tháng cuối năm {year}"
    if kind == "9thang":
        return f"những tháng cuối năm {year}"
    return f"năm {year + 1}"


def periods_phrase(phrases) -> str:
    """Name a report on several periods in a row: the periods' names, the last joined by "và".

    periods_phrase(["năm 2023", "quý I năm 2024"]) → năm 2023 và quý I năm 2024
    periods_phrase(["quý III năm 2023", "quý IV năm 2023", "quý I năm 2024"]) → quý III năm 2023, quý IV năm 2023 và quý I năm 2024
    """
    phrases = list(phrases)
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " và " + phrases[-1]


def period_window(kind, number=None, year=None) -> tuple[date, date]:
    """Return the data cut-off dates of a period (Decree 09/2019, Article 12).

    Every period runs from the 15th of the month before it starts to the 14th
    of its last month.

    period_window("quy", 1, 2024) → (date(2023, 12, 15), date(2024, 3, 14))
    """
    number, year = _check_period(kind, number, year)
    last_month = 3 * number if kind == "quy" else {"6thang": 6, "9thang": 9, "nam": 12}[kind]
    try:
        if kind == "quy" and number > 1:
            start = date(year, last_month - 3, 15)
        else:
            start = date(year - 1, 12, 15)
        return start, date(year, last_month, 14)
    except ValueError:
        raise FormattingError(f"Năm không hợp lệ: {year}") from None


# --- numbers in words ----------------------------------------------------------
#
# num2words(lang="vi") is not used for the reading: as of 0.5.14 it reads a
# zero tens digit only as "lẻ" and drops "không trăm" in non-leading groups
# (1015 → "một nghìn lẻ mười lăm"), loses zeros after the decimal comma
# (3.05 → "ba phẩy năm") and fails on negatives. Patching its output would be
# harder than reading 3-digit groups directly; the tests cross-check against
# it where it is right.

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _read_group(n: int, full: bool, linh: str) -> list[str]:
    """Read 0–999; ``full`` reads a zero hundreds digit ("không trăm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = [_DIGITS[hundreds], "trăm"] if full or hundreds else []
    if tens == 0:
        if units:
            words += [linh, _DIGITS[units]] if words else [_DIGITS[units]]
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _read_int(n: int, linh: str, nghin: str, leading: bool = True) -> list[str]:
    """Read n > 0; "tỷ" recurses so 10^12 reads "một nghìn tỷ"."""
    high, low = divmod(n, 10**9)
    words = []
    if high:
        words = _read_int(high, linh, nghin, leading) + ["tỷ"]
        leading = False
    for name, group in (("triệu", low // 10**6), (nghin, low // 1000 % 1000), ("", low % 1000)):
        if group:
            words += _read_group(group, not leading, linh)
            if name:
                words.append(name)
            leading = False
    return words


def number_to_words(n, *, le=False, ngan=False) -> str:
    """Read a number in formal Vietnamese words (lowercase).

    ``le`` reads a zero tens digit "lẻ" instead of "linh"; ``ngan`` says
    "ngàn" instead of "nghìn".

    {{ 1015|bang_chu }} → một nghìn không trăm mười lăm
    {{ 105|bang_chu(le=true) }} → một trăm lẻ năm
    {{ 78.5|bang_chu }} → bảy mươi tám phẩy năm
    """
    number = _to_decimal(n)
    linh, nghin = ("lẻ" if le else "linh"), ("ngàn" if ngan else "nghìn")
    int_part, _, frac_part = format(number.copy_abs(), "f").partition(".")
    frac_part = frac_part.rstrip("0")
    words = ["âm"] if number < 0 else []
    words += _read_int(int(int_part), linh, nghin) if int(int_part) else ["không"]
    if frac_part:
        # Zeros right after the comma are read one by one ("3,05" → "ba phẩy
        # không năm"); the rest reads as a whole number.
        rest = frac_part.lstrip("0")
        words += ["phẩy"] + ["không"] * (len(frac_part) - len(rest))
        words += _read_int(int(rest), linh, nghin)
    return " ".join(words)


def money_in_words(amount, *, le=False, ngan=False) -> str:
    """Read a whole, non-negative VND amount in words, capitalised, ending "đồng".

    {{ 2150000000|tien_bang_chu }} → Hai tỷ một trăm năm mươi triệu đồng
    """
    amount = _to_int(amount)
    if amount < 0:
        raise FormattingError(f"Số tiền không được âm: {amount}")
    words = number_to_words(amount, le=le, ngan=ngan)
    return f"{words[0].upper()}{words[1:]} đồng"


# --- Jinja registration --------------------------------------------------------

JINJA_FILTERS = {
    "so": format_number,
    "hai_so": leading_zero,
    "ngay": format_date_short,
    "ngay_dai": format_date_long,
    "la_ma": to_roman,
    "ten_quy": quarter_name,
    "bang_chu": number_to_words,
    "tien_bang_chu": money_in_words,
    "ty_le": format_percent,
}

JINJA_GLOBALS = {
    "ty_le": format_percent,
    "cum_ty_le": ratio_phrase,
    "ten_ky": period_phrase,
    "ten_ky_toi": next_period_phrase,
}


def likely_meant(written: str, choices) -> str | None:
    """The choice a clerk most likely meant by `written`: the same letters without diacritics, case, spaces or
    hyphens ("Quý", "6 tháng" → quy, 6thang), else a near spelling ("quy3" → quy); None when none is near."""
    from cchc_docgen.domain.provinces import province_slug

    def bare(text: str) -> str:
        return province_slug(str(text)).replace("-", "")

    choices = [str(c) for c in choices]
    for choice in choices:
        if bare(choice) == bare(written):
            return choice
    import difflib

    found = difflib.get_close_matches(bare(written), [bare(c) for c in choices], n=1, cutoff=0.7)
    return next((c for c in choices if found and bare(c) == found[0]), None)
