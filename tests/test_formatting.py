import inspect
import re
from datetime import date, datetime
from decimal import Decimal

import jinja2
import pytest
from num2words import num2words

from cchc_docgen.domain import formatting as fm
from cchc_docgen.domain.formatting import (
    JINJA_FILTERS,
    JINJA_GLOBALS,
    FormattingError,
    format_date_long,
    format_date_long_blank,
    format_date_short,
    format_number,
    format_percent,
    leading_zero,
    money_in_words,
    next_period_phrase,
    number_to_words,
    percent_value,
    period_phrase,
    period_window,
    periods_phrase,
    quarter_name,
    ratio_phrase,
    to_roman,
)

# --- format_number ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (14859, None, "14.859"),
        (78.5, None, "78,5"),
        (78.5, 2, "78,50"),
        (78.5, 0, "79"),
        (2.145, 2, "2,15"),
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),  # binary 2.67499999… must not round down
        (999.995, 2, "1.000,00"),
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),  # half-even would give "2"
        (-2.5, 0, "-3"),  # half-up means away from zero
        (-0.4, 0, "0"),  # no negative zero
        (-1234.5, None, "-1.234,5"),
        (0, None, "0"),
        (0, 2, "0,00"),
        (2.0, None, "2"),
        (1000, None, "1.000"),
        (999, None, "999"),
        (1234567890123, None, "1.234.567.890.123"),
        (1e16, None, "10.000.000.000.000.000"),
        (10**30, 2, "1.000.000.000.000.000.000.000.000.000.000,00"),
        (Decimal("78.50"), None, "78,5"),
        (Decimal("1E+3"), None, "1.000"),
        (Decimal("12.3456"), 3, "12,346"),
        ("14859", None, "14.859"),
        (" 78.5 ", 1, "78,5"),
        (12, 2, "12,00"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1 + 0.2, "0,3"),  # binary noise: 0.30000000000000004
        (1.1 * 3, "3,3"),  # 3.3000000000000003
        (1 / 3, "0,333"),
        (2 / 3, "0,667"),  # half-up
        (100 / 7, "14,286"),
        (10 / 4, "2,5"),
        (12345.678 * 10, "123.456,78"),  # 123456.78000000001
        (1.2345, "1,2345"),  # typed: fifteen significant digits or fewer print as written
        (3.14159265358979, "3,14159265358979"),
        (2.15, "2,15"),
    ],
)
def test_a_computed_float_prints_at_most_three_decimals(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (fm.Label(1234), "1234"),
        (fm.Label(85), "85"),
        (fm.Year(2024), "2024"),
        (fm.Year(2024) + 1, "2025"),
        (1 + fm.Year(2024), "2025"),
        (fm.Year(2024) - 1, "2023"),
        (fm.Year(2024) - fm.Year(2017), "7"),
        (fm.Year(20240) - fm.Year(1), "20.239"),  # a difference of years is a number
        (fm.Year(2024) * 2, "4.048"),
    ],
)
def test_labels_are_never_grouped(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(fm.Year(2024) + 1, fm.Year), (fm.Year(2024) - 3, fm.Year), (3 + fm.Year(2024), fm.Year),
     (fm.Year(2024) - fm.Year(2000), int), (fm.Year(2024) + True, int), (fm.Year(2024) + 0.5, float)],
)
def test_a_year_plus_years_is_a_year(value, expected):
    assert type(value) is expected


@pytest.mark.parametrize(("n", "expected"), [(fm.Label(5), "05"), (fm.Label(1234), "1234"), (1234, "1.234")])
def test_leading_zero_keeps_a_label_ungrouped(n, expected):
    assert leading_zero(n) == expected


@pytest.mark.parametrize("value", ["abc", "", "1,5", True, False, None, [1], float("nan"), float("inf"), "NaN"])
def test_format_number_rejects_non_numbers(value):
    with pytest.raises(FormattingError, match="Không phải là số"):
        format_number(value)


def test_formatting_error_message_and_type():
    with pytest.raises(ValueError, match=r"^Không phải là số: 'abc'$"):
        format_number("abc")


@pytest.mark.parametrize("decimals", [-1, 1.5, "2", True])
def test_format_number_rejects_bad_decimals(decimals):
    with pytest.raises(FormattingError, match="thập phân"):
        format_number(1, decimals)


# --- percentages ----------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "decimals", "expected"),
    [
        (11341, 14446, 2, "78,51%"),  # 78.5061… (the brief's "78,50%" was a slip)
        (157, 200, 2, "78,50%"),  # exactly 78.5
        (17, 71, 2, "23,94%"),  # 23.9436…
        (239, 266, 2, "89,85%"),  # 89.8496…
        (140, 140, 2, "100%"),
        (1, 2, 2, "50%"),
        (1, 8, 2, "12,50%"),  # 12.5 is not whole: keeps two places
        (1, 8, 1, "12,5%"),
        (1, 8, 0, "13%"),  # half-up
        (1, 3, 0, "33%"),
        (1, 3, 2, "33,33%"),
        (2, 3, 2, "66,67%"),
        (1, 200, 2, "0,50%"),
        (1, 80000, 2, "0%"),  # 0.00125 rounds to 0.00, a whole number
        (1, 20000, 2, "0,01%"),  # exactly 0.005: half-up at the boundary
        (1, 40000, 2, "0%"),  # 0.0025
        (199999, 200000, 2, "100%"),  # 99.9995 rounds up to a whole 100
        (0, 5, 2, "0%"),
        (30000, 200, 2, "15.000%"),
        (-1, 4, 2, "-25%"),
        (-1, 8, 2, "-12,50%"),
        (Decimal("1.5"), 3, 2, "50%"),
        ("1", "4", 2, "25%"),
    ],
)
def test_format_percent(part, whole, decimals, expected):
    assert format_percent(part, whole, decimals) == expected


@pytest.mark.parametrize("whole", [0, 0.0, "0", Decimal("0.00")])
def test_format_percent_zero_denominator_prints_what_the_template_says(whole):
    """No percentage of nothing: left out, or the template's words; checks.py warns about the field."""
    assert format_percent(1, whole) == ""
    assert format_percent(0, whole, 2, "chưa phát sinh") == "chưa phát sinh"
    with pytest.raises(FormattingError, match="Không phải là số"):
        format_percent("x", whole)


def test_percent_value_zero_denominator():
    with pytest.raises(FormattingError, match=r"^Không tính được tỷ lệ: mẫu số bằng 0$"):
        percent_value(1, 0)


def test_format_percent_rejects_non_numbers():
    with pytest.raises(FormattingError):
        format_percent("x", 10)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 8, Decimal("12.5")), (140, 140, Decimal(100)), (0, 3, Decimal(0)), (3, 2, Decimal(150))],
)
def test_percent_value(part, whole, expected):
    assert percent_value(part, whole) == expected
    assert isinstance(percent_value(part, whole), Decimal)


def test_percent_value_is_unrounded():
    assert percent_value(11341, 14446).quantize(Decimal("0.0001")) == Decimal("78.5062")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((11341, 14446), "11.341/14.446 hồ sơ, đạt tỷ lệ 78,51%"),
        ((11341, 14446, ""), "11.341/14.446, đạt tỷ lệ 78,51%"),
        ((140, 140, "thủ tục"), "140/140 thủ tục, đạt tỷ lệ 100%"),
        ((17, 71, "hồ sơ", 1), "17/71 hồ sơ, đạt tỷ lệ 23,9%"),
    ],
)
def test_ratio_phrase(args, expected):
    assert ratio_phrase(*args) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((0, 0), {}, "0/0 hồ sơ"),
        ((0, 0, "thủ tục"), {}, "0/0 thủ tục"),
        ((0, 0), {"if_zero": ", chưa phát sinh hồ sơ"}, "0/0 hồ sơ, chưa phát sinh hồ sơ"),
    ],
)
def test_ratio_phrase_zero_denominator(args, kwargs, expected):
    assert ratio_phrase(*args, **kwargs) == expected


# --- leading_zero -----------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0"), (1, "01"), (5, "05"), (9, "09"), (10, "10"), (99, "99"), (1234, "1.234"),
     (-3, "-3"), (-1234, "-1.234"), (7.0, "07"), (Decimal("8"), "08"), ("4", "04")],
)
def test_leading_zero(n, expected):
    assert leading_zero(n) == expected


@pytest.mark.parametrize("n", [1.5, "2.5", True, "abc", None])
def test_leading_zero_rejects_non_integers(n):
    with pytest.raises(FormattingError):
        leading_zero(n)


# --- dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (date(2024, 9, 17), "ngày 17 tháng 9 năm 2024"),
        (date(2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
        (date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (date(2024, 12, 1), "ngày 01 tháng 12 năm 2024"),
        (date(2024, 10, 10), "ngày 10 tháng 10 năm 2024"),
        (date(2024, 11, 9), "ngày 09 tháng 11 năm 2024"),
        ("2024-09-17", "ngày 17 tháng 9 năm 2024"),
        (datetime(2024, 1, 19, 8, 30), "ngày 19 tháng 01 năm 2024"),
    ],
)
def test_format_date_long(d, expected):
    assert format_date_long(d) == expected


def test_format_date_long_blank():
    assert format_date_long_blank(2024) == "ngày" + " " * 5 + "tháng" + " " * 5 + "năm 2024"
    assert fm.BLANK_DATE_WIDTH == 5


@pytest.mark.parametrize(
    ("d", "expected"),
    [(date(2024, 1, 19), "19/01/2024"), (date(2024, 12, 1), "01/12/2024"), ("2024-09-07", "07/09/2024")],
)
def test_format_date_short(d, expected):
    assert format_date_short(d) == expected


@pytest.mark.parametrize("d", ["2024-13-01", "17/09/2024", "", 20240917, None])
@pytest.mark.parametrize("func", [format_date_long, format_date_short])
def test_dates_reject_invalid(func, d):
    with pytest.raises(FormattingError, match="Ngày không hợp lệ"):
        func(d)


# --- roman numerals, quarters, periods -------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (90, "XC"), (400, "CD"),
     (1994, "MCMXCIV"), (2024, "MMXXIV"), (3999, "MMMCMXCIX")],
)
def test_to_roman(n, expected):
    assert to_roman(n) == expected


@pytest.mark.parametrize("n", [0, -1, 4000, 1.5, True, "x"])
def test_to_roman_rejects(n):
    with pytest.raises(FormattingError):
        to_roman(n)


@pytest.mark.parametrize(("n", "expected"), [(1, "quý I"), (2, "quý II"), (3, "quý III"), (4, "quý IV")])
def test_quarter_name(n, expected):
    assert quarter_name(n) == expected


@pytest.mark.parametrize("n", [0, 5, None, 2.5])
def test_quarter_name_rejects(n):
    with pytest.raises(FormattingError):
        quarter_name(n)


@pytest.mark.parametrize(
    ("kind", "number", "year", "phrase", "next_phrase"),
    [
        ("quy", 1, 2024, "quý I năm 2024", "quý II năm 2024"),
        ("quy", 3, 2024, "quý III năm 2024", "quý IV năm 2024"),
        ("quy", 4, 2024, "quý IV năm 2024", "quý I năm 2025"),
        ("6thang", None, 2024, "6 tháng đầu năm 2024", "6 tháng cuối năm 2024"),
        ("9thang", None, 2024, "9 tháng đầu năm 2024", "những tháng cuối năm 2024"),
        ("nam", None, 2024, "năm 2024", "năm 2025"),
        ("nam", 7, 2024, "năm 2024", "năm 2025"),  # number is ignored outside quarters
    ],
)
def test_period_phrases(kind, number, year, phrase, next_phrase):
    assert period_phrase(kind, number, year) == phrase
    assert next_period_phrase(kind, number, year) == next_phrase


@pytest.mark.parametrize(("phrases", "joined"), [
    (["quý III năm 2024"], "quý III năm 2024"),
    (["năm 2023", "quý I năm 2024"], "năm 2023 và quý I năm 2024"),
    (["quý III năm 2023", "quý IV năm 2023", "quý I năm 2024"], "quý III năm 2023, quý IV năm 2023 và quý I năm 2024"),
])
def test_several_periods_are_named_in_a_row(phrases, joined):
    assert periods_phrase(phrases) == joined


@pytest.mark.parametrize(
    ("kind", "number", "year", "window"),
    [
        ("quy", 1, 2024, (date(2023, 12, 15), date(2024, 3, 14))),
        ("quy", 2, 2024, (date(2024, 3, 15), date(2024, 6, 14))),
        ("quy", 3, 2024, (date(2024, 6, 15), date(2024, 9, 14))),
        ("quy", 4, 2024, (date(2024, 9, 15), date(2024, 12, 14))),
        ("6thang", None, 2024, (date(2023, 12, 15), date(2024, 6, 14))),
        ("9thang", None, 2024, (date(2023, 12, 15), date(2024, 9, 14))),
        ("nam", None, 2024, (date(2023, 12, 15), date(2024, 12, 14))),
    ],
)
def test_period_window(kind, number, year, window):
    assert period_window(kind, number, year) == window


@pytest.mark.parametrize(
    ("kind", "number", "year"),
    [("thang", None, 2024), ("quy", None, 2024), ("quy", 5, 2024), ("quy", 0, 2024),
     ("nam", None, None), ("nam", None, "abc"), ("nam", None, 1)],
)
@pytest.mark.parametrize("func", [period_phrase, next_period_phrase, period_window])
def test_periods_reject_bad_input(func, kind, number, year):
    if func is not period_window and year == 1:
        return  # year 1 only fails where a previous year is needed
    with pytest.raises(FormattingError):
        func(kind, number, year)


# --- numbers in words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "không"),
        (1, "một"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi bốn"),
        (25, "hai mươi lăm"),
        (55, "năm mươi lăm"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (1000, "một nghìn"),
        (1001, "một nghìn không trăm linh một"),
        (1005, "một nghìn không trăm linh năm"),
        (1010, "một nghìn không trăm mười"),
        (1015, "một nghìn không trăm mười lăm"),
        (1100, "một nghìn một trăm"),
        (10_005, "mười nghìn không trăm linh năm"),
        (20_000, "hai mươi nghìn"),
        (100_000, "một trăm nghìn"),
        (100_005, "một trăm nghìn không trăm linh năm"),
        (1_000_000, "một triệu"),
        (1_000_001, "một triệu không trăm linh một"),
        (1_000_015, "một triệu không trăm mười lăm"),
        (2_000_050, "hai triệu không trăm năm mươi"),
        (2_150_000_000, "hai tỷ một trăm năm mươi triệu"),
        (1_000_000_000, "một tỷ"),
        (1_000_000_005, "một tỷ không trăm linh năm"),
        (1_000_000_000_000, "một nghìn tỷ"),
        (5_003_000_000_000, "năm nghìn không trăm linh ba tỷ"),
        (10**15, "một triệu tỷ"),
        (10**30 + 5, "một nghìn tỷ tỷ tỷ không trăm linh năm"),  # beyond 28-digit Decimal precision
        (14_859, "mười bốn nghìn tám trăm năm mươi chín"),
        (-5, "âm năm"),
        (-1015, "âm một nghìn không trăm mười lăm"),
        ("2024", "hai nghìn không trăm hai mươi bốn"),
        (Decimal("7"), "bảy"),
        (3.0, "ba"),
    ],
)
def test_number_to_words(n, expected):
    assert number_to_words(n) == expected


@pytest.mark.parametrize(
    ("n", "kwargs", "expected"),
    [
        (105, {"le": True}, "một trăm lẻ năm"),
        (1005, {"le": True}, "một nghìn không trăm lẻ năm"),
        (1000, {"ngan": True}, "một ngàn"),
        (1005, {"ngan": True}, "một ngàn không trăm linh năm"),
        (20_105, {"le": True, "ngan": True}, "hai mươi ngàn một trăm lẻ năm"),
        (1_000_000_000_000, {"ngan": True}, "một ngàn tỷ"),
    ],
)
def test_number_to_words_options(n, kwargs, expected):
    assert number_to_words(n, **kwargs) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (78.5, "bảy mươi tám phẩy năm"),
        ("78.5", "bảy mươi tám phẩy năm"),
        (Decimal("78.50"), "bảy mươi tám phẩy năm"),
        (3.05, "ba phẩy không năm"),
        (1.25, "một phẩy hai mươi lăm"),
        (0.5, "không phẩy năm"),
        (Decimal("2.005"), "hai phẩy không không năm"),
        (Decimal("1.105"), "một phẩy một trăm linh năm"),
        (-0.25, "âm không phẩy hai mươi lăm"),
        (-0.0, "không"),
    ],
)
def test_number_to_words_decimals(n, expected):
    assert number_to_words(n) == expected


@pytest.mark.parametrize("n", ["abc", None, True, float("inf")])
def test_number_to_words_rejects(n):
    with pytest.raises(FormattingError):
        number_to_words(n)


# num2words(lang="vi") reads zero tens as "lẻ" and drops "không trăm" in lower
# groups; below 1000 and with le=True it agrees with us, as on round numbers.
@pytest.mark.parametrize("n", [21, 25, 1000, 1100, 20_000, 100_000, 1_000_000, 2_150_000_000, 10**12])
def test_agrees_with_num2words_where_it_is_right(n):
    assert number_to_words(n, le=True) == num2words(n, lang="vi")


def test_agrees_with_num2words_below_one_thousand():
    differing = [n for n in range(1000) if number_to_words(n, le=True) != num2words(n, lang="vi")]
    assert differing == []


@pytest.mark.parametrize(
    ("amount", "kwargs", "expected"),
    [
        (2_150_000_000, {}, "Hai tỷ một trăm năm mươi triệu đồng"),
        (0, {}, "Không đồng"),
        (1005, {}, "Một nghìn không trăm linh năm đồng"),
        (1005, {"le": True, "ngan": True}, "Một ngàn không trăm lẻ năm đồng"),
        (Decimal("500000"), {}, "Năm trăm nghìn đồng"),
        ("15000", {}, "Mười lăm nghìn đồng"),
    ],
)
def test_money_in_words(amount, kwargs, expected):
    assert money_in_words(amount, **kwargs) == expected


@pytest.mark.parametrize("amount", [-1, 1000.5, Decimal("0.01"), "abc", True])
def test_money_in_words_rejects(amount):
    with pytest.raises(FormattingError):
        money_in_words(amount)


# --- Jinja ---------------------------------------------------------------------------


@pytest.fixture
def env():
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.filters.update(JINJA_FILTERS)
    environment.globals.update(JINJA_GLOBALS)
    return environment


def test_jinja_names(env):
    assert set(JINJA_FILTERS) == {
        "so", "hai_so", "ngay", "ngay_dai", "la_ma", "ten_quy", "bang_chu", "tien_bang_chu", "ty_le",
    }
    assert set(JINJA_GLOBALS) == {"ty_le", "cum_ty_le", "ten_ky", "ten_ky_toi"}


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("{{ x|so }}", {"x": 14859}, "14.859"),
        ("{{ x|so(2) }}", {"x": 78.5}, "78,50"),
        ("{{ n|hai_so }}", {"n": 7}, "07"),
        ("{{ d|ngay }}", {"d": date(2024, 1, 19)}, "19/01/2024"),
        ("{{ d|ngay_dai }}", {"d": date(2024, 9, 17)}, "ngày 17 tháng 9 năm 2024"),
        ("{{ 4|la_ma }}", {}, "IV"),
        ("{{ 3|ten_quy }}", {}, "quý III"),
        ("{{ 1005|bang_chu(le=true, ngan=true) }}", {}, "một ngàn không trăm lẻ năm"),
        ("{{ 0|tien_bang_chu }}", {}, "Không đồng"),
        ("{{ a|ty_le(b) }}", {"a": 11341, "b": 14446}, "78,51%"),
        ("{{ ty_le(a, b, 1) }}", {"a": 239, "b": 266}, "89,8%"),
        ("{{ cum_ty_le(a, b, unit='') }}", {"a": 11341, "b": 14446}, "11.341/14.446, đạt tỷ lệ 78,51%"),
        ("{{ ten_ky(k.loai, k.so, k.nam) }}", {"k": {"loai": "quy", "so": 3, "nam": 2024}}, "quý III năm 2024"),
        ("{{ ten_ky_toi('9thang', none, 2024) }}", {}, "những tháng cuối năm 2024"),
    ],
)
def test_jinja_rendering(env, template, context, expected):
    assert env.from_string(template).render(**context) == expected


def test_jinja_error_propagates(env):
    with pytest.raises(FormattingError):
        env.from_string("{{ 'x'|ty_le(3) }}").render()


# --- docstrings ------------------------------------------------------------------------

_PUBLIC = [getattr(fm, name) for name in fm.__all__ if inspect.isfunction(getattr(fm, name))]
_JINJA_EXAMPLE = re.compile(r"^\s*(\{\{.*\}\}) → (.*)$", re.MULTILINE)


@pytest.mark.parametrize("func", _PUBLIC, ids=lambda f: f.__name__)
def test_public_functions_have_example(func):
    doc = inspect.getdoc(func)
    assert doc and doc.splitlines()[0].endswith(".")
    assert " → " in doc


_DOC_EXAMPLES = [
    (func.__name__, template, expected)
    for func in _PUBLIC
    for template, expected in _JINJA_EXAMPLE.findall(inspect.getdoc(func))
]


def test_docstrings_have_jinja_examples():
    registered = {f.__name__ for f in [*JINJA_FILTERS.values(), *JINJA_GLOBALS.values()]}
    assert registered <= {name for name, _, _ in _DOC_EXAMPLES}


@pytest.mark.parametrize(("name", "template", "expected"), _DOC_EXAMPLES)
def test_docstring_examples_render(env, name, template, expected):
    assert env.from_string(template).render() == expected
