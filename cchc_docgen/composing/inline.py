"""Inline markup of every text field and of template output (a small, pandoc-compatible subset).

    **đậm**   *nghiêng*   ***đậm nghiêng***   m^2^ (superscript)   ^[chú thích cuối trang]
    {=ho_so.tiep_nhan}  {=ho_so.tiep_nhan|hai_so}  (a figure from so_lieu)   \\* (a literal character)

Emphasis (with '*' or '_') follows CommonMark: a run opens or closes by what stands on either side of it (its
"flanking"), and each closing run pairs with the nearest opening one before it, so "* Kết quả…", "5 * 3",
"so_lieu" and the first star of "3*4 = 12 và *ghi chú*" print as written. One difference: a run between two
digits ("3*4") is never emphasis. A backslash makes a markup character (ESCAPABLE) literal and prints as written
before anything else ("C:\\du_lieu"); two backslashes make one only where the second could escape something,
so "\\\\server\\share" prints as written. (CommonMark escapes every ASCII punctuation character and always reads
"\\\\" as one backslash; a ward writing a path or "1.5\\2" means the backslash.)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from cchc_docgen.model import Inline, Note, Text

ESCAPABLE = set("\\*^[]{}#-+_`~<>\ue000")  # U+E000 is the composer's placeholder mark: data text escapes it

FigureResolver = Callable[[str], str]


class InlineError(ValueError):
    """Malformed inline markup; the caller adds the file position."""


# One pattern for the characters of ESCAPABLE (a substitution in C: a loop over characters in Python cost ~5 %
# of rendering a report whose template prints many data values). A backslash before a letter or digit escapes
# nothing (see _escaped), so it needs no escape itself.
_ESCAPABLE_CHAR = re.compile(r"\\(?![^\W_])|[" + "".join(re.escape(ch) for ch in sorted(ESCAPABLE - {"\\"})) + "]")


def escape(text: str) -> str:
    """Make data text print literally when it is inserted into markup (used by the template engine)."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _ESCAPABLE_CHAR.sub(r"\\\g<0>", text)


_MARKUP_CHARACTERS = "\\*_^{"  # what can start markup; any other character is text
_SUPERSCRIPT = re.compile(r"\^([^\s^\[][^\s^]*)\^")
_FIGURE = re.compile(r"\{=\s*([A-Za-z0-9_.]+)\s*(?:\|\s*([a-z_]+)\s*)?\}")


def _find_bracket_end(s: str, start: int) -> int:
    """Index of the ']' closing a '[' just before `start`, honouring nesting and escapes; -1 if none."""
    depth = 1
    i = start
    while True:
        # From one bracket or backslash to the next: str.find for each (a regex character class crawls over
        # text that is not Latin-1, as Vietnamese is: several times slower).
        close = s.find("]", i)
        if close < 0:
            return -1
        opening = s.find("[", i, close)
        backslash = s.find("\\", i, close)
        if backslash >= 0 and (opening < 0 or backslash < opening):
            i = backslash + 2
            continue
        if opening >= 0:
            depth += 1
            i = opening + 1
            continue
        depth -= 1
        if depth == 0:
            return close
        i = close + 1


class _Run:
    """A run of '*' or '_' that may open or close emphasis (CommonMark's delimiter run)."""

    __slots__ = ("char", "length", "left", "can_open", "can_close", "opens", "closes", "prev", "next", "removed")

    def __init__(self, char: str, length: int, can_open: bool, can_close: bool):
        self.char, self.length, self.left = char, length, length
        self.can_open, self.can_close = can_open, can_close
        self.opens: list[int] = []  # 1 (italic) or 2 (bold) per emphasis this run opens
        self.closes: list[int] = []
        self.prev = self.next = None
        self.removed = False


def _kind(ch: str) -> str:
    """"s" for whitespace (and the start or end of the text), "p" for punctuation or a symbol, "w" otherwise."""
    if ch.isspace():
        return "s"
    return "p" if unicodedata.category(ch)[0] in "PS" else "w"


def _delimiter_run(s: str, i: int, n: int) -> _Run | None:
    """The run of n '*' or '_' at i with CommonMark's flanking rules; None when it is plain text: between two
    digits ("3*4", "1_000") it is a multiplication sign or a digit separator, never emphasis."""
    char = s[i]
    before = s[i - 1] if i else " "
    after = s[i + n] if i + n < len(s) else " "
    if before.isdigit() and after.isdigit():
        return None
    kb, ka = _kind(before), _kind(after)
    left = ka != "s" and (ka != "p" or kb != "w")
    right = kb != "s" and (kb != "p" or ka != "w")
    if char == "*":
        return _Run(char, n, left, right)
    # '_' inside a word ("so_lieu") is no emphasis.
    return _Run(char, n, left and (not right or kb == "p"), right and (not left or ka == "p"))


def _match_emphasis(first: _Run | None) -> None:
    """CommonMark's "process emphasis": each closer takes the nearest opener of its character before it."""
    bottoms: dict = {}  # below these no opener can match such a closer (keeps unmatched text linear)
    closer = first
    while closer is not None:
        if not closer.can_close:
            closer = closer.next
            continue
        key = (closer.char, closer.can_open, closer.length % 3)
        bottom = bottoms.get(key)
        opener = closer.prev
        while opener is not None and opener is not bottom:
            if opener.char == closer.char and opener.can_open and not (
                    (opener.can_close or closer.can_open) and (opener.length + closer.length) % 3 == 0
                    and not (opener.length % 3 == 0 and closer.length % 3 == 0)):
                break
            opener = opener.prev
        else:
            opener = None
        if opener is None:
            bottoms[key] = closer.prev
            following = closer.next
            if not closer.can_open:
                _unlink(closer)
            closer = following
            continue
        used = 2 if opener.left >= 2 and closer.left >= 2 else 1
        opener.left -= used
        closer.left -= used
        opener.opens.insert(0, used)  # taken from the inner end of the opener: outermost first
        closer.closes.append(used)
        between = opener.next
        while between is not closer:  # runs inside the emphasis that found no partner stay text
            following = between.next
            _unlink(between)
            between = following
        if opener.left == 0:
            _unlink(opener)
        if closer.left == 0:
            following = closer.next
            _unlink(closer)
            closer = following


def _unlink(run: _Run) -> None:
    if run.prev is not None:
        run.prev.next = run.next
    if run.next is not None:
        run.next.prev = run.prev
    run.removed = True


def _escaped(s: str, i: int) -> str | None:
    """The text the backslash at i stands for with what follows it, or None when it escapes nothing (a backslash
    before any other character prints as written: "C:\\du_lieu"). Two backslashes make one only where the
    second one could escape something; before a letter or digit both print: "\\\\server\\share"."""
    following = s[i + 1] if i + 1 < len(s) else ""
    if following == "\\":
        return None if s[i + 2:i + 3].isalnum() else "\\"
    return following if following and following in ESCAPABLE else None


class _Parser:
    def __init__(self, resolve_figure: FigureResolver | None):
        self.resolve_figure = resolve_figure

    def parse(self, s: str, in_note=False) -> list[Inline]:
        # First the text is cut into pieces: plain text (str), superscripts (Text), notes (Note) and runs of
        # '*' / '_'; then the runs are paired; then the pieces are styled by the emphasis around them.
        # Where the next of each markup character present is (len(s) once there is none after i): found with
        # str.find, at C speed even on text beyond Latin-1, where a regex character class is several times slower.
        end_of_text = len(s)
        upcoming = {}
        for ch in _MARKUP_CHARACTERS:
            at = s.find(ch)
            if at >= 0:
                upcoming[ch] = at
        if not upcoming:
            return [Text(s)] if s else []
        pieces: list = []
        buf: list[str] = []
        first = last = None

        def flush():
            if buf:
                pieces.append("".join(buf))
                buf.clear()

        i = 0
        while i < end_of_text:
            # Plain text up to the next character that can start markup is copied in one piece.
            special = end_of_text
            for ch, at in upcoming.items():
                if at < i:
                    at = s.find(ch, i)
                    if at < 0:
                        at = end_of_text
                    upcoming[ch] = at
                if at < special:
                    special = at
            if special == end_of_text:
                buf.append(s[i:])
                break
            if special > i:
                buf.append(s[i:special])
                i = special
            ch = s[i]
            if ch == "\\":
                literal = _escaped(s, i)
                buf.append("\\" if literal is None else literal)
                i += 1 if literal is None else 2
            elif s.startswith("^[", i):
                end = _find_bracket_end(s, i + 2)
                if end < 0:
                    raise InlineError("chú thích '^[' chưa có dấu ']' đóng")
                if in_note:
                    raise InlineError("không đặt chú thích bên trong một chú thích khác")
                flush()
                pieces.append(Note(self.parse(s[i + 2:end], in_note=True)))  # all Text: a note holds no note
                i = end + 1
            elif ch == "^" and (m := _SUPERSCRIPT.match(s, i)):
                flush()
                pieces.append(Text(m.group(1), superscript=True))
                i = m.end()
            elif s.startswith("{=", i):
                m = _FIGURE.match(s, i)
                if not m:
                    raise InlineError("tham chiếu số liệu phải có dạng {=nhom.truong} hoặc {=nhom.truong|bo_loc}")
                if self.resolve_figure is None:
                    raise InlineError("không dùng được tham chiếu số liệu {=…} ở đây")
                buf.append(self.resolve_figure(m.group(1), m.group(2)))
                i = m.end()
            elif ch in "*_":
                n = 1
                while i + n < len(s) and s[i + n] == ch:
                    n += 1
                run = _delimiter_run(s, i, n)
                if run is None or not (run.can_open or run.can_close):
                    buf.append(ch * n)
                else:
                    flush()
                    pieces.append(run)
                    if last is None:
                        first = run
                    else:
                        last.next, run.prev = run, last
                    last = run
                i += n
            else:
                buf.append(ch)
                i += 1
        flush()
        if first is not None:
            _match_emphasis(first)
        return _merge(_styled(pieces))


def _styled(pieces: list) -> list[Inline]:
    """Text with the bold and italic of the emphasis open around it; a run's unpaired characters are text."""
    out: list[Inline] = []
    bold = italic = 0
    for piece in pieces:
        kind = piece.__class__
        if kind is str:
            if piece:
                out.append(Text(piece, bold > 0, italic > 0))
        elif kind is _Run:
            for used in piece.closes:
                bold -= used == 2
                italic -= used == 1
            if piece.left:
                out.append(Text(piece.char * piece.left, bold > 0, italic > 0))
            for used in piece.opens:
                bold += used == 2
                italic += used == 1
        elif kind is Text:  # a superscript
            piece.bold, piece.italic = bold > 0, italic > 0
            out.append(piece)
        else:
            out.append(piece)
    return out


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
    if "\\" not in text and "*" not in text and "^" not in text and "{" not in text and "_" not in text:
        return [Text(text)] if text else []
    return _Parser(resolve_figure).parse(text)
