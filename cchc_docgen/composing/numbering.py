"""Heading numbers: a numbering scheme (a style for each heading level) and the rules that count with it.

A template kind declares its scheme in cau-hinh.yaml, one entry per level, the part level ("= …") first:

    mau:
      kiem-tra:
        danh_so: [phan, la_ma, so, thap_phan, thap_phan, chu_cai]   # the default: A. / I. / 1. / 1.1. / 1.1.1. / a)

Levels past the end of the list take its last style. The styles (STYLES): phan A., la_ma I., so 1., thap_phan
1.1. (the number of the heading above, then this one's; under a heading without a decimal number it is plain
"1."), chu_cai a), chu_cai_cham a., gach -, cong +, khong (no number). `danh_so: false` numbers nothing.
An entry may also be `{kieu: so, dem_lai: phan}`: by default a count starts again under every heading above it;
`dem_lai` names the style of a level above at whose headings it starts again instead (so the Arabic sections
run on across the Roman ones and restart in each part), or `khong` to count through the whole document.

The counting rules, whatever the scheme:
- A heading without a number (`{-}` in a template, `danh_so: false` in the data, a `khong` level) takes no place
  in the count: the heading after it has the number it would have had without it.
- The headings under an unnumbered heading are numbered in their own level's style, starting again at 1 under
  it: they belong to it, not to the heading above it.
- A number the author wrote at the start of a heading ("3. Kết quả…", "II. …", "a) …", "- …") is kept, not
  doubled; written in the style of its level it sets the count, so the next heading follows it ("4."). A number
  in another style is the author's own label and leaves the count as it was.
- A template heading may take another style for itself alone: `## Tiêu đề {chu_cai}` (any style name; `{-}` is
  `{khong}`). It counts among its siblings as any heading does.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.model import Heading, Text

LEVELS = 6  # "=" (parts) and "#" … "#####"
# Each style by name, with how its first number looks (shown in messages).
STYLES = {
    "phan": "A.",
    "la_ma": "I.",
    "so": "1.",
    "thap_phan": "1.1.",
    "chu_cai": "a)",
    "chu_cai_cham": "a.",
    "gach": "-",
    "cong": "+",
    "khong": "không đánh số",
}
DEFAULT_STYLES = ("phan", "la_ma", "so", "thap_phan", "thap_phan", "chu_cai")
NEVER = -1  # dem_lai: khong, a count that runs through the whole document
# Vietnamese letters used for points a), b), c), d), đ), … (no f, j, w, z), as in legal documents.
_POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"
_PART_LETTERS = "ABCDEGHIKLMNOPQRSTUVXY"
_ROMAN_VALUES = {fmt.to_roman(n): n for n in range(1, 40)}
_DECIMAL = re.compile(r"^[0-9]+(?:\.[0-9]+)*\.$")
# A number an author wrote at a heading's start, by style; the first of these that matches is the one read, the
# heading's own style tried first. Roman numbers are read up to XXXIX so that a part "C." stays a letter. One
# plain space after it, as the writers put one back: "1.\u00a0x" or "1.  x" is text, printed as written.
_WRITTEN = {
    "thap_phan": re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,2})+\.) (?=\S)"),
    "so": re.compile(r"([0-9]{1,3}\.) (?=\S)"),
    "la_ma": re.compile(r"([IVX]{1,6}\.) (?=\S)"),
    "phan": re.compile(r"([A-ZĐ]\.) (?=\S)"),
    "chu_cai": re.compile(r"([a-zđ]\)) (?=\S)"),
    "chu_cai_cham": re.compile(r"([a-zđ]\.) (?=\S)"),
    "gach": re.compile(r"(-) (?=\S)"),
    "cong": re.compile(r"(\+) (?=\S)"),
}

# What every pattern of _WRITTEN starts with: one test turns away the usual heading ("Cải cách …") at once.
_MAYBE_WRITTEN = re.compile(r"[0-9]|[IVX]+\.|[A-ZĐ]\.|[a-zđ][.)]|[-+] ")


class LevelRule(NamedTuple):
    style: str
    restart: int | None = None  # None: under every heading above; NEVER; or the level whose headings restart it


DEFAULT_SCHEME = tuple(LevelRule(style) for style in DEFAULT_STYLES)


class SchemeError(ValueError):
    """A numbering scheme that cannot be read; `path` is where in the `danh_so` value (an index, a key)."""

    def __init__(self, message: str, path: tuple = ()):
        super().__init__(message)
        self.message = message
        self.path = path


def _style_list() -> str:
    return ", ".join(f"{name} ({shown})" for name, shown in STYLES.items())


def _style(value, path: tuple) -> str:
    if not isinstance(value, str) or value not in STYLES:
        shown = value if isinstance(value, str) else repr(value)
        raise SchemeError(f"kiểu đánh số '{shown}' không có; dùng một trong: {_style_list()}", path)
    return value


def parse_scheme(value) -> tuple[LevelRule, ...]:
    """The rule of each of the LEVELS heading levels from a `danh_so` value (None: the default scheme)."""
    if value is None:
        return DEFAULT_SCHEME
    if value is False:
        return tuple(LevelRule("khong") for _ in range(LEVELS))
    if not isinstance(value, list) or not value:
        raise SchemeError("phải là danh sách kiểu đánh số của từng cấp đề mục, cấp phần (=) trước, ví dụ "
                          f"[{', '.join(DEFAULT_STYLES)}]; đang ghi: {json.dumps(value, ensure_ascii=False, default=str)}")
    if len(value) > LEVELS:
        raise SchemeError(f"có {len(value)} cấp, nhiều hơn {LEVELS} cấp đề mục (=, #, ##, ###, ####, #####)",
                          (LEVELS,))
    rules: list[LevelRule] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            rules.append(LevelRule(_style(entry, (index,))))
            continue
        for key in entry:
            if key not in ("kieu", "dem_lai"):
                raise SchemeError(f"khóa '{key}' không có; một cấp ghi {{kieu: so, dem_lai: phan}}", (index, key))
        if "kieu" not in entry:
            raise SchemeError("thiếu 'kieu', ví dụ {kieu: so, dem_lai: phan}", (index,))
        style = _style(entry["kieu"], (index, "kieu"))
        restart = entry.get("dem_lai")
        if restart is None:
            rules.append(LevelRule(style))
        elif restart == "khong":
            rules.append(LevelRule(style, NEVER))
        else:
            above = [level for level in range(index) if rules[level].style == restart]
            if not above:
                raise SchemeError(f"dem_lai phải là kiểu của một cấp trên ({', '.join(r.style for r in rules) or 'không có'}) "
                                  f"hoặc khong; đang ghi: {restart}", (index, "dem_lai"))
            rules.append(LevelRule(style, above[-1]))
    return tuple(rules) + (rules[-1],) * (LEVELS - len(rules))


def heading_style(word: str) -> str | None:
    """The style a template heading asks for with `{word}` at its end; None when `word` names none."""
    return "khong" if word in ("-", "khong") else word if word in STYLES else None


def _written_number(heading: Heading, own_style: str):
    """The number the author wrote at the heading's start, taken out of its text: (number, style), or None."""
    first = heading.content[0] if heading.content else None
    if not isinstance(first, Text) or not _MAYBE_WRITTEN.match(first.text):
        return None
    for style in (own_style, *_WRITTEN):
        pattern = _WRITTEN.get(style)
        found = pattern.match(first.text) if pattern else None
        if found and (style != "la_ma" or found.group(1)[:-1] in _ROMAN_VALUES):
            first.text = first.text[found.end():]
            return found.group(1), style
    return None


def _value(number: str, style: str) -> int | None:
    """The count a number written in `style` stands for (3 for "3.", "2.3." or "c)"); None for a mark."""
    body = number.rstrip(".)")
    if style in ("so", "thap_phan"):
        return int(body.rsplit(".", 1)[-1])
    if style == "la_ma":
        return _ROMAN_VALUES[body]
    if style == "phan":
        return _PART_LETTERS.index(body) + 1 if body in _PART_LETTERS else None
    if style in ("chu_cai", "chu_cai_cham"):
        return _POINT_LETTERS.index(body) + 1
    return None


def _format(style: str, n: int, parent: Heading | None) -> str:
    if style == "phan":
        return _PART_LETTERS[(n - 1) % len(_PART_LETTERS)] + "."
    if style == "la_ma":
        return fmt.to_roman(n) + "."
    if style == "thap_phan" and parent is not None and _DECIMAL.match(parent.number):
        return f"{parent.number}{n}."
    if style in ("so", "thap_phan"):
        return f"{n}."
    if style in ("chu_cai", "chu_cai_cham"):
        return _POINT_LETTERS[(n - 1) % len(_POINT_LETTERS)] + (")" if style == "chu_cai" else ".")
    return {"gach": "-", "cong": "+"}[style]


def number_headings(blocks: list, scheme: tuple[LevelRule, ...] = DEFAULT_SCHEME) -> None:
    """Give each heading its number by `scheme` and the rules above; parts and level 1 in capitals."""
    open_headings: list[Heading] = []  # the current heading at each level, outermost first
    counters: dict = {}
    for block in blocks:
        if not isinstance(block, Heading):
            continue
        while open_headings and open_headings[-1].level >= block.level:
            open_headings.pop()
        parent = open_headings[-1] if open_headings else None
        open_headings.append(block)
        rule = scheme[min(block.level, LEVELS - 1)]
        style = block.style or rule.style
        if block.numbered and style != "khong":
            if rule.restart is None:
                key = id(parent)
            elif rule.restart == NEVER:
                key = ("document", block.level)
            else:
                anchor = next((h for h in reversed(open_headings[:-1]) if h.level <= rule.restart), None)
                key = (id(anchor), block.level)
            written = _written_number(block, style)
            if written is None:
                counters[key] = n = counters.get(key, 0) + 1
                block.number = _format(style, n, parent)
            else:
                block.number, written_style = written
                if written_style == style and (value := _value(block.number, style)) is not None:
                    counters[key] = value
        if block.level <= 1:  # after reading a written number: "a)" is no "A)"
            for t in block.content:
                if isinstance(t, Text):
                    t.text = t.text.upper()
