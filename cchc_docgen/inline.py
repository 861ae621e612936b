"""Inline markup of every text field and of template output (a small, pandoc-compatible subset).

    **đậm**   *nghiêng*   ***đậm nghiêng***   m^2^ (superscript)   ^[chú thích cuối trang]
    {=ho_so.tiep_nhan}  {=ho_so.tiep_nhan|hai_so}  (a figure from so_lieu)   \\* (a literal character)

Emphasis follows CommonMark's basic rule: an opening run of '*' must be followed by a non-space and its
closing run (of the same length) preceded by one, so "* Kết quả…" or "5 * 3" print as written.
"""

from __future__ import annotations

import re
from typing import Callable

from cchc_docgen.model import Inline, Note, Text

ESCAPABLE = set("\\*^[]{}#-+_`~<>\ue000")  # U+E000 is the composer's placeholder mark: data text escapes it

FigureResolver = Callable[[str], str]


class InlineError(ValueError):
    """Malformed inline markup; the caller adds the file position."""


# One pattern for the characters of ESCAPABLE (a substitution in C: a loop over characters in Python cost ~5 %
# of rendering a report whose template prints many data values).
_ESCAPABLE_CHAR = re.compile("[" + "".join(re.escape(ch) for ch in sorted(ESCAPABLE)) + "]")


def escape(text: str) -> str:
    """Make data text print literally when it is inserted into markup (used by the template engine)."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _ESCAPABLE_CHAR.sub(r"\\\g<0>", text)


_MARKUP_START = re.compile(r"[\\*^{]")
_SUPERSCRIPT = re.compile(r"\^([^\s^\[][^\s^]*)\^")
_FIGURE = re.compile(r"\{=\s*([A-Za-z0-9_.]+)\s*(?:\|\s*([a-z_]+)\s*)?\}")


def _star_run(s: str, i: int) -> int:
    n = 0
    while i + n < len(s) and s[i + n] == "*":
        n += 1
    return n


def _find_closer(s: str, start: int, length: int, no_closer_from: dict | None = None) -> int:
    """Index of a closing run of exactly `length` stars after `start`, or -1.

    `no_closer_from` remembers, per run length, a position after which no closer exists: a text full of
    unmatched "*" would otherwise be scanned to its end once per star (quadratic time)."""
    if no_closer_from is not None and start >= no_closer_from.get(length, len(s) + 1):
        return -1
    found = _scan_closer(s, start, length)
    if found < 0 and no_closer_from is not None:
        no_closer_from[length] = min(start, no_closer_from.get(length, start))
    return found


def _scan_closer(s: str, start: int, length: int) -> int:
    i = start
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == "*":
            n = _star_run(s, i)
            if n == length and not s[i - 1].isspace():
                return i
            i += n
            continue
        i += 1
    return -1


_BRACKET_OR_ESCAPE = re.compile(r"[\\\[\]]")


def _find_bracket_end(s: str, start: int) -> int:
    """Index of the ']' closing a '[' just before `start`, honouring nesting and escapes; -1 if none."""
    depth = 1
    i = start
    while True:
        found = _BRACKET_OR_ESCAPE.search(s, i)  # jump from one bracket or backslash to the next
        if found is None:
            return -1
        i = found.start()
        ch = s[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return i
        i += 1


class _Parser:
    def __init__(self, resolve_figure: FigureResolver | None):
        self.resolve_figure = resolve_figure

    def parse(self, s: str, bold=False, italic=False, in_note=False) -> list[Inline]:
        out: list[Inline] = []
        buf: list[str] = []

        def flush():
            if buf:
                out.append(Text("".join(buf), bold=bold, italic=italic))
                buf.clear()

        no_closer: dict[int, int] = {}
        i = 0
        while i < len(s):
            # Plain text up to the next character that can start markup is copied in one piece.
            special = _MARKUP_START.search(s, i)
            if special is None:
                buf.append(s[i:])
                break
            if special.start() > i:
                buf.append(s[i:special.start()])
                i = special.start()
            ch = s[i]
            if ch == "\\" and i + 1 < len(s) and s[i + 1] in ESCAPABLE:
                buf.append(s[i + 1])
                i += 2
            elif s.startswith("^[", i):
                end = _find_bracket_end(s, i + 2)
                if end < 0:
                    raise InlineError("chú thích '^[' chưa có dấu ']' đóng")
                if in_note:
                    raise InlineError("không đặt chú thích bên trong một chú thích khác")
                flush()
                content = self.parse(s[i + 2:end], in_note=True)
                out.append(Note([t for t in content if isinstance(t, Text)]))
                i = end + 1
            elif ch == "^" and (m := _SUPERSCRIPT.match(s, i)):
                flush()
                out.append(Text(m.group(1), bold=bold, italic=italic, superscript=True))
                i = m.end()
            elif s.startswith("{=", i):
                m = _FIGURE.match(s, i)
                if not m:
                    raise InlineError("tham chiếu số liệu phải có dạng {=nhom.truong} hoặc {=nhom.truong|bo_loc}")
                if self.resolve_figure is None:
                    raise InlineError("không dùng được tham chiếu số liệu {=…} ở đây")
                buf.append(self.resolve_figure(m.group(1), m.group(2)))
                i = m.end()
            elif ch == "*":
                n = _star_run(s, i)
                after = s[i + n] if i + n < len(s) else " "
                close = _find_closer(s, i + n, n, no_closer) if n <= 3 and not after.isspace() else -1
                if close < 0:
                    buf.append("*" * n)
                    i += n
                    continue
                flush()
                inner = s[i + n:close]
                out.extend(self.parse(inner, bold=bold or n >= 2, italic=italic or n in (1, 3), in_note=in_note))
                i = close + n
            else:
                buf.append(ch)
                i += 1
        flush()
        return _merge(out)


def _merge(items: list[Inline]) -> list[Inline]:
    if len(items) < 2:
        return items
    merged: list[Inline] = []
    for item in items:
        prev = merged[-1] if merged else None
        if (isinstance(item, Text) and isinstance(prev, Text) and not item.superscript and not prev.superscript
                and (prev.bold, prev.italic) == (item.bold, item.italic)):
            merged[-1] = Text(prev.text + item.text, prev.bold, prev.italic)
        else:
            merged.append(item)
    return merged


def parse_inline(text: str, resolve_figure: FigureResolver | None = None) -> list[Inline]:
    """Parse one text into styled runs and footnotes (numbers are given later, in reading order)."""
    # Most texts: nothing to parse. (Four substring tests: ten times faster than the regex on a paragraph.)
    if "\\" not in text and "*" not in text and "^" not in text and "{" not in text:
        return [Text(text)] if text else []
    return _Parser(resolve_figure).parse(text)
