"""Domain consistency checks: figures that contradict each other, dates outside the period, a signer's title.

The schema says what a value may look like; these checks say whether the values fit together, the way a
reviewer reads a report before it is signed: no part larger than its total, a stated total equal to the sum of
its parts, a percentage written in the text equal to the one its counts give (to the shown precision), dates
inside the reporting period, a "KT." signer who is a deputy, and in the Phụ lục no ratio above 100%.

    findings = run_checks(data, context, library)     # data: as read; context: compute.compute(data)

Each finding is an error (the report contradicts itself) or a warning (probably wrong, worth a look), with a
Vietnamese message at the file:line:column of the value and its field path. `Pipeline.validate` runs the whole way
(load, schema, compute, compose, checks) for `docgen validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.domain import provinces
from cchc_docgen.errors import DocgenError, ErrorList, Location, format_path
from cchc_docgen.record import Record

ERROR = "loi"
WARNING = "canh_bao"
LEVEL_NAMES = {ERROR: "lỗi", WARNING: "cảnh báo"}

# How far a given tu_ngay/den_ngay may stray from the Decree 09/2019 window before it looks like a typo.
WINDOW_SLACK_DAYS = 31
# A report signed this long after its cut-off date is probably dated wrongly.
LATE_SIGNING_DAYS = 92


class Finding(Record):
    """One problem: `level` is ERROR or WARNING; `context` is an optional second line (the text around it).

    The checks name the field (`path`; `at_key`: its name rather than its value; `needle`: the words within a
    text value); the pipeline fills in `location` from the data's file at the edge (`locate_findings`)."""

    __slots__ = ("level", "message", "location", "path", "context", "at_key", "needle", "figures")

    def __init__(self, level: str, message: str, location: Location | None = None, path: tuple = (),
                 context: str = "", at_key: bool = False, needle: str = "", figures: bool = False):
        self.level = level
        self.message = message
        self.location = location
        self.path = path
        self.context = context
        self.at_key = at_key
        self.needle = needle
        # About the figures (a part over its whole, a ratio that is not what its figures give…): what a tổng hợp
        # counts as "số liệu chưa thống nhất"; the rest (dates, signer, header, province) is about the document.
        self.figures = figures

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        field_name = f"trường '{format_path(self.path)}': " if self.path else ""
        text = f"{where}{LEVEL_NAMES[self.level]}: {field_name}{self.message}"
        return f"{text}\n    {self.context}" if self.context else text


def failed(findings, strict: bool = False) -> bool:
    """Whether these findings fail a run: any error, or with `strict` any warning too."""
    return any(f.is_error or strict for f in findings)


def summary(findings) -> str:
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    if not findings:
        return "không có lỗi"
    return ", ".join(part for part in (f"{errors} lỗi" if errors else "", f"{warnings} cảnh báo" if warnings else "") if part)


def from_error(exc: DocgenError, file: str | None = None) -> list[Finding]:
    """A pipeline error (or each of an ErrorList) as error findings; `file` names those without a place."""
    errors = exc.errors if isinstance(exc, ErrorList) else [exc]
    return [Finding(ERROR, e.message, e.location or (Location(file) if file else None), e.path) for e in errors]


def locate_findings(findings: list[Finding], locator) -> list[Finding]:
    """Give each finding the file:line:column of its field (of `needle` within a text value) from `locator`
    (reading.loader.LoadedData), then sort them in file order. Only findings are located: a clean file never
    has its positions worked out."""
    for finding in findings:
        if finding.location is None:
            finding.location = (locator.text_location(finding.path, finding.needle) if finding.needle
                                else locator.location(finding.path, key=finding.at_key))
    findings.sort(key=lambda f: (f.location.line or 0, f.location.column or 0) if f.location else (0, 0))
    return findings


class _Collector:
    def __init__(self):
        self.findings: list[Finding] = []
        self._slashed: dict = {}
        self.figures = False  # whether the check running is one of the figures (Finding.figures)

    def add(self, level: str, message: str, path, *, key: bool = False, context: str = "", needle: str = ""):
        self.findings.append(Finding(level, message, None, tuple(path), context, key, needle, self.figures))

    def texts_with_slash(self, value, root: tuple) -> list:
        """(path, text) of the strings under `root` that hold a '/': what the date and "x/y … z%" checks read
        (a percentage statement has its "x/y" too). Found once per subtree for both."""
        found = self._slashed.get(root)
        if found is None:
            found = self._slashed[root] = _strings(value, root, "/")
        return found


def _n(value):
    """A count, or None when absent (bools are not counts)."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _vn(value) -> str:
    return fmt.format_number(value)


# --- parts and totals -------------------------------------------------------------------------------------


def _part_not_above(c: _Collector, part, whole, part_path, what: str, whole_what: str, whole_shown: str = ""):
    if part is not None and whole is not None and part > whole:
        c.add(ERROR, f"{what} ({_vn(part)}) lớn hơn {whole_what} ({whole_shown or _vn(whole)})", part_path)


def _check_figures(c: _Collector, raw: dict, so_lieu: dict) -> None:
    base = ("so_lieu",)
    kh = raw.get("nhiem_vu_ke_hoach") or {}
    _part_not_above(c, _n(kh.get("hoan_thanh")), _n(kh.get("de_ra")), base + ("nhiem_vu_ke_hoach", "hoan_thanh"),
                    "số nhiệm vụ đã hoàn thành", "số nhiệm vụ đề ra trong kế hoạch")

    giao = raw.get("nhiem_vu_duoc_giao") or {}
    kinds = ("truoc_han", "dung_han", "trong_han", "qua_han")
    given = [(k, _n(giao.get(k))) for k in kinds if _n(giao.get(k)) is not None]
    if _n(giao.get("tong")) is not None and given:
        total = sum(v for _, v in given)
        if total != giao["tong"]:
            parts = " + ".join(f"{_vn(v)} ({k})" for k, v in given)
            c.add(ERROR, f"tổng số nhiệm vụ được giao ghi {_vn(giao['tong'])} nhưng tổng các loại là "
                         f"{parts} = {_vn(total)}", base + ("nhiem_vu_duoc_giao", "tong"))

    hs = raw.get("ho_so") or {}
    here = base + ("ho_so",)
    received, carried = _n(hs.get("tiep_nhan")), _n(hs.get("ky_truoc_chuyen_sang")) or 0
    resolved, on_time, late = _n(hs.get("da_giai_quyet")), _n(hs.get("dung_han")), _n(hs.get("qua_han"))
    if received is not None:
        whole = "số hồ sơ tiếp nhận" + (" cộng kỳ trước chuyển sang" if carried else "")
        shown = f"{_vn(received)} + {_vn(carried)} = {_vn(received + carried)}" if carried else ""
        _part_not_above(c, resolved, received + carried, here + ("da_giai_quyet",), "số hồ sơ đã giải quyết", whole, shown)
    _part_not_above(c, on_time, resolved, here + ("dung_han",), "số hồ sơ giải quyết trước và đúng hạn",
                    "số hồ sơ đã giải quyết")
    _part_not_above(c, late, resolved, here + ("qua_han",), "số hồ sơ giải quyết quá hạn", "số hồ sơ đã giải quyết")
    if None not in (on_time, late, resolved) and on_time <= resolved and late <= resolved and on_time + late != resolved:
        c.add(ERROR if on_time + late > resolved else WARNING,
              f"số hồ sơ đúng hạn và quá hạn cộng lại ({_vn(on_time)} + {_vn(late)} = {_vn(on_time + late)}) "
              f"khác số hồ sơ đã giải quyết ({_vn(resolved)})", here + ("qua_han",))
    _part_not_above(c, _n(hs.get("truc_tuyen")), received, here + ("truc_tuyen",), "số hồ sơ tiếp nhận trực tuyến",
                    "số hồ sơ tiếp nhận trong kỳ")
    by_field = hs.get("theo_linh_vuc") or {}
    counts = [v for v in by_field.values() if _n(v) is not None]
    if counts and resolved is not None and sum(counts) != resolved:
        total = sum(counts)
        c.add(ERROR if total > resolved else WARNING,
              f"tổng số hồ sơ theo lĩnh vực ({' + '.join(_vn(v) for v in counts)} = {_vn(total)}) "
              f"{'lớn hơn' if total > resolved else 'khác'} số hồ sơ đã giải quyết ({_vn(resolved)})",
              here + ("theo_linh_vuc",), key=True)

    dvc = raw.get("dich_vu_cong") or {}
    names = {"toan_trinh": "hồ sơ dịch vụ công trực tuyến toàn trình", "mot_phan": "hồ sơ dịch vụ công trực tuyến một phần",
             "tthc_phat_sinh": "số TTHC có phát sinh hồ sơ trực tuyến", "thanh_toan": "hồ sơ thanh toán trực tuyến"}
    for key, name in names.items():
        pair = dvc.get(key) or {}
        _part_not_above(c, _n(pair.get("dat")), _n(pair.get("tong")), base + ("dich_vu_cong", key, "dat"),
                        f"{name}: số đạt", "tổng số")
    online_total = (so_lieu.get("dich_vu_cong") or {}).get("tong_ho_so")
    if online_total is not None and received is not None and online_total > received + carried:
        c.add(WARNING, f"tổng hồ sơ trên Cổng dịch vụ công (toàn trình + một phần = {_vn(online_total)}) lớn hơn "
                       f"tổng số hồ sơ thủ tục hành chính của kỳ ({_vn(received + carried)})", base + ("dich_vu_cong",), key=True)

    cb = raw.get("can_bo") or {}
    _part_not_above(c, _n(cb.get("dat_chuan")), _n(cb.get("tong")), base + ("can_bo", "dat_chuan"),
                    "số cán bộ, công chức đạt chuẩn", "tổng số cán bộ, công chức")


# --- ratios of nothing --------------------------------------------------------------------------------------

# The ratios the figures of a report are printed with: (part, whole, what the percentage says). The schema lets a
# whole be 0 (a quarter with no online service); there is then no percentage, and the templates' ty_le/cum_ty_le
# leave it out (formatting.format_percent). The gap in the report is told here, at the field.
_RATIOS = [
    (("nhiem_vu_ke_hoach", "hoan_thanh"), ("nhiem_vu_ke_hoach", "de_ra"), "tỷ lệ nhiệm vụ hoàn thành kế hoạch"),
    (("ho_so", "truc_tuyen"), ("ho_so", "tiep_nhan"), "tỷ lệ hồ sơ tiếp nhận trực tuyến"),
    (("ho_so", "dung_han"), ("ho_so", "da_giai_quyet"), "tỷ lệ hồ sơ giải quyết trước và đúng hạn"),
    (("can_bo", "dat_chuan"), ("can_bo", "tong"), "tỷ lệ cán bộ, công chức đạt chuẩn"),
] + [((("dich_vu_cong", key, "dat")), ("dich_vu_cong", key, "tong"), f"tỷ lệ {name}") for key, name in (
    ("toan_trinh", "hồ sơ dịch vụ công trực tuyến toàn trình"), ("mot_phan", "hồ sơ dịch vụ công trực tuyến một phần"),
    ("tthc_phat_sinh", "thủ tục có phát sinh hồ sơ trực tuyến"), ("thanh_toan", "hồ sơ thanh toán trực tuyến"))]
ZERO_WHOLE = "mẫu số bằng 0 nên không tính được {what} ({part}/0): văn bản không in tỷ lệ này"


def _figure(raw: dict, path: tuple):
    for key in path:
        raw = raw.get(key) if isinstance(raw, dict) else None
    return _n(raw)


def _check_zero_wholes(c: _Collector, raw: dict) -> None:
    for part_path, whole_path, what in _RATIOS:
        part, whole = _figure(raw, part_path), _figure(raw, whole_path)
        if whole == 0 and part is not None and part <= whole:  # a part above it is an error already
            c.add(WARNING, ZERO_WHOLE.format(what=what, part=_vn(part)), ("so_lieu",) + whole_path)


# --- percentages written in the text ----------------------------------------------------------------------

_COUNT = r"\d{1,3}(?:\.\d{3})+(?!\d)|\d+"
# "x/y" — not part of a date (12/08/2024) or a document number (63/2020/QH14, số 52/2017).
_PAIR = rf"(?<![\d/.,])(?<!số )({_COUNT})\s*/\s*({_COUNT})(?![\d/]|[.,]\d)"
_PERCENT = r"(\d+(?:,\d+)?)\s*%"
# Between them: a few words, no other number, no end of clause.
_GAP = r"[^\d;:.!?()\[\]%/]{0,45}?"


@lru_cache(maxsize=1)
def _percent_patterns():
    """The two "x/y … z%" patterns, compiled on first use: they cost ~15 ms to compile, which a one-shot render
    of a report without any "%" in its text need not pay."""
    return (re.compile(_PAIR + r"(" + _GAP.replace("()", ")") + r")" + _PERCENT),
            re.compile(r"(?<![\d,.])" + _PERCENT + r"(\s*\(?\s*(?:[^\d;:.!?\[\]%/]{0,20}?))" + _PAIR))


def _count(text: str) -> int:
    return int(text.replace(".", ""))


def check_percentages(text: str):
    """The "x/y … z%" statements of one text whose percentage is not x/y rounded to the shown precision.

    Yields (pair text, written percentage, the correct one). "17/71, đạt tỷ lệ 23,94%" is right; "239/266 hồ sơ,
    đạt tỷ lệ 89,84%" yields ("239/266", "89,84%", "89,85%").
    """
    if "%" not in text or "/" not in text:  # most texts: nothing to look at
        return
    found = []
    pair_then_percent, percent_then_pair = _percent_patterns()
    for m in pair_then_percent.finditer(text):
        found.append((m.start(), m.group(1), m.group(2), m.group(4)))
    for m in percent_then_pair.finditer(text):
        found.append((m.start(3), m.group(3), m.group(4), m.group(1)))
    seen = set()
    for start, part, whole, written in sorted(found):
        if start in seen:
            continue
        seen.add(start)
        try:
            part_n, whole_n = _count(part), _count(whole)
        except ValueError:  # a figure of thousands of digits (int() refuses over 4300): not a real count
            continue
        if whole_n == 0:
            continue
        decimals = len(written.partition(",")[2])
        value = Decimal(written.replace(",", "."))
        correct = fmt.round_half_up(fmt.percent_value(part_n, whole_n), decimals)
        if value != correct:
            shown = fmt.format_number(correct, decimals) + "%"
            yield f"{part}/{whole}", f"{written}%", shown


def _strings(value, path, needle: str) -> list:
    """(path, text) of every string in a data subtree that contains `needle`, in file order (dict keys are not
    text: values only). Paths are only built for containers and matches: the subtree is most of a report."""
    if isinstance(value, str):
        return [(path, value)] if needle in value else []
    found = []
    if isinstance(value, (dict, list)):
        _collect_strings(value.items() if isinstance(value, dict) else enumerate(value), path, needle, found)
    return found


def _collect_strings(items, path, needle: str, found: list) -> None:
    # A module function, not a closure: a closure that calls itself is a reference cycle, which keeps `found`
    # alive until the cycle collector runs.
    for key, item in items:
        if isinstance(item, str):
            if needle in item:
                found.append((path + (key,), item))
        elif isinstance(item, dict):
            _collect_strings(item.items(), path + (key,), needle, found)
        elif isinstance(item, list):
            _collect_strings(enumerate(item), path + (key,), needle, found)


def _check_text_percentages(c: _Collector, raw: dict) -> None:
    roots = [("noi_dung",), ("so_lieu",)] + [("phu_luc", i, "ghi_chu") for i in range(len(raw.get("phu_luc") or []))]
    for root in roots:
        value = raw
        for part in root:
            value = value[part] if isinstance(value, (dict, list)) and (isinstance(part, int) or part in value) else None
        for path, text in c.texts_with_slash(value, root):
            if "%" not in text:
                continue
            for pair, written, correct in check_percentages(text):
                excerpt = _excerpt(text, pair, written)
                c.add(WARNING, f"tỷ lệ {written} viết cạnh {pair} không khớp: {pair} = {correct}", path,
                      context=excerpt, needle=pair)


def _excerpt(text: str, first: str, last: str, margin: int = 20) -> str:
    start = text.find(first)
    end = text.find(last, start) + len(last) if start >= 0 else -1
    if start < 0 or end < len(last):
        return ""
    head = max(0, start - margin)
    tail = min(len(text), end + margin)
    if head and " " in text[head:start]:  # whole words only
        head = text.index(" ", head, start) + 1
    if tail < len(text) and " " in text[end:tail]:
        tail = text.rindex(" ", end, tail)
    return ("…" if head else "") + " ".join(text[head:tail].split()) + ("…" if tail < len(text) else "")


# --- dates -------------------------------------------------------------------------------------------------

# d/m/yyyy not inside a longer run of digits and slashes. The "not after a digit or '/'" test is made on each
# match, not by a lookbehind: a pattern that starts with \d lets the regex engine skip to the digits.
_DATE_IN_TEXT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def _dates_in(text: str):
    """The matches of _DATE_IN_TEXT from left to right, as finditer finds them, but tried only where a '/' is:
    a match starts one or two characters before its first '/', and a regex that starts with \\d would try every
    position of the text (slow on Vietnamese text, which Python keeps in two bytes a character)."""
    at = 0  # where finditer would go on from
    slash = text.find("/")
    while slash >= 0:
        m = None
        for start in (slash - 2, slash - 1):
            if start >= at:
                m = _DATE_IN_TEXT.match(text, start)
                if m is not None:
                    break
        if m is None:
            slash = text.find("/", slash + 1)
            continue
        at = m.end()
        slash = text.find("/", at)
        start = m.start()
        if start and (text[start - 1].isdecimal() or text[start - 1] == "/"):  # isdecimal: as \d
            continue  # no date can start inside this run either: every character of it follows a digit or '/'
        day, month, year = (int(g) for g in m.groups())
        try:
            yield m.group(0), dt.date(year, month, day)
        except ValueError:
            yield m.group(0), None


def _check_dates(c: _Collector, raw: dict, context: dict, reports_on_period: bool = True) -> None:
    ky = context.get("ky_bao_cao") if reports_on_period else None
    ngay = context["van_ban"].get("ngay")
    if ky:
        # Each period of the report (one, or several in a row: ky_bao_cao written as a list) against its own cut-off.
        written = raw.get("ky_bao_cao")
        for number, (period, given) in enumerate(zip(ky["cac_ky"], written if isinstance(written, list) else [written])):
            here = ("ky_bao_cao", number) if isinstance(written, list) else ("ky_bao_cao",)
            standard = fmt.period_window(period["loai"], period.get("so"), period["nam"])
            for index, key in enumerate(("tu_ngay", "den_ngay")):
                if given.get(key) and abs((period[key] - standard[index]).days) > WINDOW_SLACK_DAYS:
                    c.add(WARNING, f"ngày {fmt.format_date_short(period[key])} cách xa mốc của kỳ {period['ten']} theo "
                                   f"Nghị định 09/2019/NĐ-CP ({fmt.format_date_short(standard[index])}); kiểm tra lại kỳ "
                                   "hoặc năm báo cáo", here + (key,))
        if ngay is not None:
            if ngay < ky["den_ngay"]:
                c.add(ERROR, f"ngày văn bản {fmt.format_date_short(ngay)} trước ngày chốt số liệu của kỳ "
                             f"({fmt.format_date_short(ky['den_ngay'])}): báo cáo không thể ký trước khi kỳ kết thúc",
                      ("van_ban", "ngay"))
            elif (ngay - ky["den_ngay"]).days > LATE_SIGNING_DAYS:
                c.add(WARNING, f"ngày văn bản {fmt.format_date_short(ngay)} cách ngày chốt số liệu "
                               f"({fmt.format_date_short(ky['den_ngay'])}) hơn {LATE_SIGNING_DAYS} ngày; kiểm tra lại "
                               "ngày hoặc kỳ báo cáo", ("van_ban", "ngay"))
    # Dates cited among the figures (a plan's decision, a footnote's documents) exist and are not after the
    # document itself. The ward's prose is not checked: directions for next period rightly name later dates.
    for path, text in c.texts_with_slash(raw.get("so_lieu") or {}, ("so_lieu",)):
        for written, date in _dates_in(text):
            if date is None:
                c.add(ERROR, f"'{written}' không phải là một ngày có thật", path,
                      needle=written)
            elif ngay is not None and date > ngay:
                c.add(WARNING, f"ngày {written} sau ngày của chính văn bản ({fmt.format_date_short(ngay)})", path,
                      needle=written)
            elif ky and date > ky["den_ngay"] and ngay is None:
                c.add(WARNING, f"ngày {written} sau ngày chốt số liệu của kỳ ({fmt.format_date_short(ky['den_ngay'])})",
                      path, needle=written)
    for path, text in c.texts_with_slash(raw.get("noi_dung") or {}, ("noi_dung",)):
        for written, date in _dates_in(text):
            if date is None:
                c.add(ERROR, f"'{written}' không phải là một ngày có thật", path, needle=written)


# --- the signer --------------------------------------------------------------------------------------------

# A quarter named in a title: "quý III năm 2024", "quý 3/2024", "quý IV".
_QUARTER_IN_TEXT = re.compile(r"\b[Qq]uý\s+(IV|I{1,3}|[1-4])\b(?:\s*(?:năm\s+|/)(\d{4}))?")
_QUARTER_NUMBERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _check_title(c: _Collector, raw: dict, context: dict) -> None:
    """A quarterly report whose own title (van_ban.trich_yeu) names another quarter than its period or the
    next one: a file copied from last quarter with its title left as it was."""
    van_ban = raw.get("van_ban") if isinstance(raw.get("van_ban"), dict) else {}
    title = van_ban.get("trich_yeu")
    ky = context.get("ky_bao_cao") if isinstance(context.get("ky_bao_cao"), dict) else {}
    periods = ky.get("cac_ky") or []
    if not isinstance(title, str) or not periods or any(p.get("loai") != "quy" for p in periods):
        return
    allowed = set()
    for period in periods:
        number, year = period.get("so"), period.get("nam")
        if isinstance(number, int) and isinstance(year, int):
            allowed |= {(number, year), (number % 4 + 1, year + (number == 4))}
    for match in _QUARTER_IN_TEXT.finditer(title):
        number = _QUARTER_NUMBERS[match.group(1)]
        year = int(match.group(2)) if match.group(2) else None
        if not any(n == number and (year is None or y == year) for n, y in allowed):
            c.add(WARNING, f"trích yếu ghi '{match.group(0)}' nhưng kỳ báo cáo là {ky.get('ten', '')} (kỳ tới: "
                           f"{ky.get('ten_ky_toi', '')}): trích yếu còn của kỳ khác?", ("van_ban", "trich_yeu"),
                  needle=match.group(0))
            return


_AUTHORITY = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s*(.*)$")


def _check_signer(c: _Collector, context: dict) -> None:
    signer = context["nguoi_ky"]
    lines = [line.strip() for line in signer.get("tham_quyen") or []]
    title = " ".join(signer.get("chuc_vu", "").split()).upper()
    here = ("nguoi_ky",)
    marks = {}
    for index, line in enumerate(lines):
        m = _AUTHORITY.match(line.upper())
        if m:
            marks.setdefault(m.group(1), (index, " ".join(m.group(2).split())))
    deputy = title.startswith("PHÓ ")
    if "KT" in marks:
        index, head = marks["KT"]
        if not deputy:
            c.add(ERROR, f"người ký thay (KT. {head}) phải là cấp phó, nhưng chức vụ là '{signer['chuc_vu']}'; "
                         f"ví dụ: KT. {head or 'CHỦ TỊCH'} / PHÓ {head or 'CHỦ TỊCH'}", here + ("chuc_vu",))
        elif head and title != f"PHÓ {head}":
            c.add(WARNING, f"ký thay '{head}' nhưng chức vụ là '{signer['chuc_vu']}' (thường là 'Phó {head.capitalize()}')",
                  here + ("chuc_vu",))
    elif deputy and not (set(marks) & {"Q", "TL", "TUQ"}):
        c.add(WARNING, f"chức vụ '{signer['chuc_vu']}' là cấp phó nhưng thẩm quyền ký không có 'KT.' (ký thay)",
              here + ("tham_quyen",) if lines else here)
    for mark, meaning in (("Q", "quyền"), ("TL", "thừa lệnh"), ("TUQ", "thừa ủy quyền")):
        if mark in marks and marks[mark][1] and title == marks[mark][1]:
            c.add(WARNING, f"'{mark}. {marks[mark][1]}' ({meaning}) nhưng chức vụ người ký cũng là '{signer['chuc_vu']}'; "
                           "người ký theo thẩm quyền này không giữ chức vụ đó", here + ("chuc_vu",))
    exclusive = [m for m in ("KT", "Q", "TL", "TUQ") if m in marks]
    if len(exclusive) > 1:
        c.add(WARNING, "chỉ dùng một trong các thẩm quyền KT., Q., TL., TUQ. (đang có: "
                       f"{', '.join(m + '.' for m in exclusive)})", here + ("tham_quyen",))
    if "TM" in marks and marks["TM"][0] != 0:
        c.add(WARNING, "dòng 'TM.' (thay mặt tập thể) phải đứng đầu thẩm quyền ký", here + ("tham_quyen",))


# --- the issuing organ and the recipients (Decree 30, Phụ lục I) -----------------------------------------------

# Abbreviations Decree 30 allows in the name of the organ above (chu_quan) but not in the issuing organ's own
# name (mục II.2.a).
_ABBREVIATIONS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân"}
_ABBREVIATION = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b", re.IGNORECASE)
_AS_ABOVE = re.compile(r"^[\s\-–+]*như\s+trên\b", re.IGNORECASE)


def _check_header(c: _Collector, raw: dict) -> None:
    co_quan = raw.get("co_quan") if isinstance(raw.get("co_quan"), dict) else {}
    names = co_quan.get("ten")
    lines = [(("co_quan", "ten"), names)] if isinstance(names, str) else [
        (("co_quan", "ten", i), line) for i, line in enumerate(names or []) if isinstance(line, str)]
    for path, line in lines:
        m = _ABBREVIATION.search(line)
        if m:
            full = _ABBREVIATIONS[m.group(1).upper()]
            c.add(WARNING, f"tên cơ quan ban hành phải ghi đầy đủ, '{full}' chứ không viết tắt '{m.group(1)}' "
                           "(Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.2.a)", path)
    noi_nhan = raw.get("noi_nhan") if isinstance(raw.get("noi_nhan"), dict) else {}
    recipients = [r for r in noi_nhan.get("danh_sach") or [] if isinstance(r, str)]
    where = ("noi_nhan", "danh_sach") if "danh_sach" in noi_nhan else ("noi_nhan",)
    as_above = [i for i, r in enumerate(recipients) if _AS_ABOVE.match(r)]
    if raw.get("kinh_gui") and as_above[:1] != [0]:
        advice = "chuyển 'Như trên' lên dòng đầu" if as_above else "thêm 'Như trên' làm dòng đầu của noi_nhan.danh_sach"
        c.add(WARNING, "văn bản có 'Kính gửi' thì nơi nhận ghi '- Như trên;' đầu tiên (Nghị định 30/2020/NĐ-CP, "
                       f"Phụ lục I, mục II.9.b): {advice}", where, key=where == ("noi_nhan",))
    elif as_above and not raw.get("kinh_gui"):
        c.add(WARNING, "'Như trên' chỉ nói tới các nơi ở dòng 'Kính gửi', nhưng văn bản không có kinh_gui",
              where + (as_above[0],))


def _check_province(c: _Collector, raw: dict, library) -> None:
    """A `tinh` that misspells a province ("Ha Tinhh") and names no folder of templates: the report would
    silently take the national base, the province's layout and Phụ lục left out. A name like no province at all
    is taken as meant (an example's made-up province, a test)."""
    tinh = raw.get("tinh")
    if not isinstance(tinh, str) or not tinh.strip() or not provinces.misspelling_of(tinh):
        return
    own = library.settings.get("ten") if library is not None else None  # an author's folder may name its own
    if isinstance(own, str) and provinces.folder_name(own) == provinces.folder_name(tinh):
        return
    if library is not None and any(root.name == library.province for root in library.search_path):
        return  # a built-in folder of that name
    c.add(WARNING, unknown_province(tinh), ("tinh",))


def unknown_province(name: str) -> str:
    """The warning for a `tinh` (or --tinh) that misspells a province (provinces.misspelling_of)."""
    return (f"không có tỉnh, thành phố nào tên '{name}' (có phải ý bạn là '{provinces.misspelling_of(name)}'?): dùng "
            "mẫu chung, không có mẫu và biểu riêng của tỉnh")


# --- appendices --------------------------------------------------------------------------------------------

# Rows a reader knows to be a part of another, recognised by their names when a catalog has no ratio for them.
_RESOLVED = re.compile(r"giải quyết xong|đã giải quyết")
_ON_TIME = re.compile(r"(đúng|trước)\s+(và\s+(đúng|trước)\s+)?hạn")


def _check_appendices(c: _Collector, raw: dict, context: dict, library) -> None:
    if not context.get("phu_luc"):
        return  # (a report without one does not import the module below)
    from cchc_docgen.domain.appendix import CATALOG_FOLDER, FigureValues

    for index, spec in enumerate(context["phu_luc"]):
        path = library.find_file(f"{CATALOG_FOLDER}/{spec['bieu']}.yaml")
        if path is None:
            continue  # composing reports it
        catalog = library.catalog(spec["bieu"], path)
        given = spec.get("so_lieu") or {}
        values = FigureValues(catalog, given, ("phu_luc", index))
        here = ("phu_luc", index, "so_lieu")

        def number(indicator):
            try:
                value = values.value(indicator)
            except DocgenError:
                return None
            return value if _n(value) is not None or isinstance(value, Decimal) else None

        flagged = set()
        for indicator in catalog.by_id.values():
            if not indicator.ratio:
                continue
            part_id, whole_id = indicator.ratio
            part, whole = number(catalog.by_id[part_id]), number(catalog.by_id[whole_id])
            if part is not None and whole == 0:
                where = here + (whole_id,) if whole_id in given else here
                c.add(WARNING, f"biểu '{catalog.name}': '{catalog.by_id[whole_id].name}' ({whole_id}) "
                               + ZERO_WHOLE.format(what=f"'{indicator.name}'", part=_vn(part)).replace(
                                   "văn bản không in tỷ lệ này", "ô số liệu của dòng tỷ lệ để trống"),
                      where, key=whole_id in given)
            if part is not None and whole and part > whole:
                flagged.add((part_id, whole_id))
                c.add(ERROR, f"biểu '{catalog.name}': tỷ lệ '{indicator.name}' vượt 100% "
                             f"({_vn(part)}/{_vn(whole)} = {fmt.format_percent(part, whole)}): '{catalog.by_id[part_id].name}' "
                             f"({part_id} = {_vn(part)}) lớn hơn '{catalog.by_id[whole_id].name}' ({whole_id} = {_vn(whole)})",
                      here + (part_id,) if part_id in given else here + (whole_id,), key=True)
        parents = [catalog.roots] + [i.children for i in catalog.by_id.values() if i.children]
        for siblings in parents:
            resolved = [i for i in siblings if _RESOLVED.search(i.name.lower()) and not _ON_TIME.search(i.name.lower())]
            on_time = [i for i in siblings if _ON_TIME.search(i.name.lower()) and "giải quyết" in i.name.lower()]
            for whole_row in resolved:
                for part_row in on_time:
                    part, whole = number(part_row), number(whole_row)
                    if (part_row.id, whole_row.id) in flagged or part is None or whole is None or part <= whole:
                        continue
                    c.add(ERROR, f"biểu '{catalog.name}': '{part_row.name}' ({part_row.id} = {_vn(part)}) lớn hơn "
                                 f"'{whole_row.name}' ({whole_row.id} = {_vn(whole)})",
                          here + (part_row.id,) if part_row.id in given else here, key=True)


# --- entry points ------------------------------------------------------------------------------------------


def run_checks(raw: dict, context: dict, library=None, template=None) -> list[Finding]:
    """All domain checks of one report's data (`raw`, as read), in data order, each naming its field; the
    pipeline gives them their file positions (locate_findings). `context` is what compute.compute() returned
    for it; with the template `library` the Phụ lục tables are checked too (their catalogs come from it). With
    the `template` (templating.library.ReportTemplate), a document that reports on no period (a plan) is not
    held to its ky_bao_cao's dates."""
    c = _Collector()
    c.figures = True
    _check_figures(c, raw.get("so_lieu") or {}, context.get("so_lieu") or {})
    _check_zero_wholes(c, raw.get("so_lieu") or {})
    _check_text_percentages(c, raw)
    c.figures = False
    _check_dates(c, raw, context, template is None or template.reads_period)
    _check_signer(c, context)
    _check_header(c, raw)
    _check_title(c, raw, context)
    _check_province(c, raw, library)
    if library is not None:
        c.figures = True
        _check_appendices(c, raw, context, library)
    return c.findings
