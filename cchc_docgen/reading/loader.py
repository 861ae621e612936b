"""Stage 1: read a YAML data file into plain JSON-like data, remembering where every value stood.

PyYAML's safe loader builds the data but forgets positions; later stages must name file:line:column in
their messages, so the data is built from the composed node graph and every node is recorded by its path.
(A second, event-based pass without positions was tried and removed: bench/tricks.py measured a render with it
at +27 % instructions, because every check that needs a position then had to scan the file's text first.)
Only plain data is accepted: unknown tags (e.g. ``!!python/object``), anchors/aliases (the "billion laughs"
alias bomb) and duplicate keys are refused with a located message.
"""

from __future__ import annotations

import datetime as _dt
import errno
import math
import os
import re
import stat
import unicodedata
from pathlib import Path

import yaml

from cchc_docgen.errors import DataError, Location
from cchc_docgen.reading import legacy_fonts
from cchc_docgen.record import Record

MAX_FILE_BYTES = 20 * 1024 * 1024
# One text value: ~15 printed pages. Longer is a mistake (a pasted file) and only makes rendering slow.
MAX_TEXT_CHARS = 100_000
# Levels of nesting (lists in lists, fields in fields). A report needs under ten; a file nested hundreds deep is
# a mistake or an attack, and every later stage walks the data recursively.
MAX_DEPTH = 50
# Characters a Word document cannot hold (XML 1.0) or that would print differently in .docx and .md: C0/C1
# controls other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF. YAML refuses them written raw, but
# a double-quoted "\x07" or "\ud800" gets them in.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# libyaml's parser, when PyYAML has it, is ~10x faster than the pure-Python one and keeps the same marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG, _BOOL_TAG = "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_TIMESTAMP_TAG, _MERGE_TAG = "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge"
_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
# The types of plain (unquoted) values: YAML 1.2's core schema, plus dates. Not PyYAML's YAML 1.1 rules, which
# read 14:30 as the number 870, 017 as 15, and yes/no/on/off as booleans: here those stay text (017 is 17).
_INT = r"[-+]?[0-9]+\Z|0o[0-7]+\Z|0x[0-9a-fA-F]+\Z"
_FLOAT = r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z"
_TIMESTAMP = (r"[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
              r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?\Z")
_CORE_RULES = [(_NULL_TAG, r"(?:~|null|Null|NULL)\Z", "~nN"), (_BOOL_TAG, r"(?:true|True|TRUE|false|False|FALSE)\Z", "tTfF"),
               (_INT_TAG, _INT, "-+0123456789"), (_FLOAT_TAG, _FLOAT, "-+.0123456789"),
               (_TIMESTAMP_TAG, _TIMESTAMP, "0123456789"), (_MERGE_TAG, r"<<\Z", "<")]
_IMPLICIT: dict[str, list] = {}  # first character → [(tag, regexp)]
for _tag, _pattern, _firsts in _CORE_RULES:
    for _char in _firsts:
        _IMPLICIT.setdefault(_char, []).append((_tag, re.compile(_pattern)))
# Letters whose only rules are words ("false", "null"…): none is longer than 5 characters.
_WORD_RULE_LETTERS = frozenset("nNtTfF")


def _plain_tag(value: str) -> str:
    """The tag of a plain (unquoted) value: the first character picks the candidate rules."""
    if not value:
        return _NULL_TAG
    rules = _IMPLICIT.get(value[0])
    if rules is not None and not (len(value) > 5 and value[0] in _WORD_RULE_LETTERS):
        for tag, pattern in rules:
            if pattern.match(value):
                return tag
    return _STR_TAG


class _Loader(_BaseLoader):
    """The safe loader with the core-schema resolver above. libyaml calls the resolver, in Python, for every
    value; the general form also looks up path rules the loader has none of."""

    # Whether a plain '<<' (a merge key) was read: only then, or with an explicit tag in the file, must a mapping's
    # keys be looked through for merges (PyYAML's flatten_mapping, a Python loop over every key of every mapping).
    merge_seen = False

    def resolve(self, kind, value, implicit):
        if kind is _ScalarNode:
            if not implicit[0]:
                return _STR_TAG
            tag = _plain_tag(value)
            if tag == _MERGE_TAG:
                self.merge_seen = True
            return tag
        return _SEQ_TAG if kind is _SequenceNode else _MAP_TAG  # (the general form's path rules: there are none)

    def descend_resolver(self, current_node, current_index):  # path rules only, and there are none
        pass

    def ascend_resolver(self):
        pass


class WrittenFloat(float):
    """A decimal number that remembers how it was written: YAML reads "2.500" as 2.5 and "0.50" as 0.5, and a
    table cell prints what the ward typed (and "1.230", a count with a thousands dot, can be told apart)."""

    __slots__ = ("written",)

    def __new__(cls, text: str):
        value = super().__new__(cls, text)
        value.written = text
        return value

    def __reduce__(self):  # copies (compute deep-copies the figures) keep the text
        return WrittenFloat, (self.written,)


# Digits of an integer. A count in a report has a handful; Python refuses to read one of over 4300.
MAX_INT_DIGITS = 20


def _core_value(tag: str, text: str):
    """The value of a scalar of a core-schema tag (ValueError when the text does not fit the tag)."""
    if tag == _INT_TAG:
        digits = text.lstrip("+-")
        if len(digits) > MAX_INT_DIGITS:
            raise OverflowError(len(digits))
        if digits.startswith(("0x", "0o")) and digits is text:
            return int(text[2:], 16 if text[1] == "x" else 8)
        return int(text)
    if tag == _FLOAT_TAG:
        lowered = text.lower()
        if lowered.endswith((".inf", ".nan")):
            return float(lowered.replace(".", ""))
        return WrittenFloat(text)
    if tag == _BOOL_TAG:
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise ValueError(text)
        return lowered == "true"
    return None  # null


_CORE_TAGS = frozenset({_NULL_TAG, _BOOL_TAG, _INT_TAG, _FLOAT_TAG})


class LoadedData(Record):
    """The data of one file and the position of every value in it."""

    __slots__ = ("data", "file", "positions", "key_positions", "warnings")

    def __init__(self, data: dict, file: str, positions: dict | None = None, key_positions: dict | None = None,
                 warnings: list | None = None):
        self.data = data
        self.file = file
        # path tuple → the YAML node of the value / of the mapping key. Nodes, not (line, column) pairs: positions
        # are only read when something is wrong, so they are worked out then.
        self.positions = {} if positions is None else positions
        self.key_positions = {} if key_positions is None else key_positions
        # Things worth a look that are no error (a '#' that cut a text short, text in a legacy font encoding).
        self.warnings = [] if warnings is None else warnings

    def location(self, path=(), *, key: bool = False) -> Location:
        """The closest known position of ``path`` (walking up to its parents when needed)."""
        path = tuple(path)
        table = self.key_positions if key else self.positions
        while path:
            if path in table:
                return Location(self.file, *_mark(table[path]))
            if path in self.positions:
                return Location(self.file, *_mark(self.positions[path]))
            path = path[:-1]
        root = self.positions.get(())
        if root is not None:
            return Location(self.file, *_mark(root))
        # Data that came as a mapping (the Python API) has no positions: the message names the field alone.
        return Location(self.file) if not self.positions else Location(self.file, 1, 1)

    def text_location(self, path, needle: str) -> Location:
        """Where `needle` stands within the text value at `path` (a folded or multi-line string spans lines);
        the value's start when it cannot be found."""
        start = self.location(path)
        if start.line and needle:
            try:
                lines = Path(self.file).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                return start
            for offset, line in enumerate(lines[start.line - 1:start.line + 199]):
                column = line.find(needle)
                if column >= 0:
                    return Location(start.file, start.line + offset, column + 1)
        return start

    def node(self, path):
        """The YAML node of the value at ``path`` (None when unknown): its text as written (``node.value``; YAML
        made the float 1.23 of "1.230") and where it starts and ends."""
        return self.positions.get(tuple(path))


def _mark(node) -> tuple[int, int]:
    """1-based (line, column) of a node (or of an already computed pair)."""
    if isinstance(node, tuple):
        return node
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """The reference pass: builds the data and records every node by its path; it also gives every refusal
    its message. `constructor` is PyYAML's SafeConstructor (a loader is one). `aliases`: whether the file can hold
    a YAML reference (it has a '&'); `merges`: whether a mapping can hold a merge key ('<<' read, or an explicit
    tag in the file). Without them the checks for those are skipped."""

    def __init__(self, file: str, constructor, hints: _Hints | None = None, *, aliases: bool = True,
                 merges: bool = True):
        self.file = file
        self.loader = constructor
        self.positions: dict = {}
        self.key_positions: dict = {}
        self.seen: set[int] | None = set() if aliases else None
        self.merges = merges
        self.hints = hints
        self.warnings: list[DataError] = []

    def error(self, node, message, path=()):
        return DataError(message, Location(self.file, *_mark(node)), path)

    # The hot loop of reading a file: every value passes here once. Written for speed, with the rare cases (other
    # tags, long or double-quoted text) left to _scalar and _text: the bench case's pass took 17.8 M instructions in
    # the plainer form that sent every value through _scalar, 8.8 M in this one.
    def build(self, node, path=()):
        self.positions[path] = node
        if len(path) > MAX_DEPTH:
            raise self.error(node, f"dữ liệu lồng nhau quá sâu (quá {MAX_DEPTH} cấp)", path)
        kind = node.__class__
        if kind is _ScalarNode:
            if node.tag == _STR_TAG:
                value = node.value
                value = (self._text(node, value, path) if node.style == '"' or len(value) > MAX_TEXT_CHARS
                         else value if value.isascii() else self._unquoted_text(node, value, path))
            elif node.tag == _INT_TAG and node.value.isdigit() and len(node.value) <= MAX_INT_DIGITS:
                return int(node.value)  # a count, the commonest number (what _core_value makes of it)
            else:
                value = self._scalar(node, path)
                if value.__class__ is not str:
                    return value
            if self.hints is not None:
                self.hints.look(self, node, value, path)
            if not value.isascii() and legacy_fonts.latin1_only(value):
                self._legacy(node, value, path)
            return value
        if self.seen is not None:
            # An alias shares the node object; refusing a second visit also defuses alias bombs.
            if id(node) in self.seen:
                raise self.error(node, "không hỗ trợ tham chiếu YAML (&neo / *bí_danh); hãy viết đầy đủ giá trị", path)
            self.seen.add(id(node))
        if kind is _MappingNode:
            if node.tag != _MAP_TAG:
                raise self.error(node, f"không hỗ trợ thẻ YAML {node.tag}", path)
            if self.merges:
                self.loader.flatten_mapping(node)  # resolves '<<' merge keys
            result = {}
            key_positions = self.key_positions
            for key_node, value_node in node.value:
                if key_node.__class__ is not _ScalarNode:
                    raise self.error(key_node, "tên trường phải là một chuỗi", path)
                key = key_node.value
                if (key_node.tag != _STR_TAG or not key or key_node.style == '"' or not key.isascii()
                        or len(key) > MAX_TEXT_CHARS):
                    key = self._key(key_node, path)
                key_path = path + (key,)
                if key in result:
                    raise self.error(key_node, "trường này bị khai báo hai lần", key_path)
                key_positions[key_path] = key_node
                result[key] = self.build(value_node, key_path)
            return result
        # a sequence (PyYAML makes no other kind of node)
        if node.tag != _SEQ_TAG:
            raise self.error(node, f"không hỗ trợ thẻ YAML {node.tag}", path)
        return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]

    def _unquoted_text(self, node, text: str, path) -> str:
        """_text for a non-ASCII value that is not double-quoted: only a double-quoted value can hold an escaped
        control character (the YAML reader refuses them written raw), but for NEL (U+0085), which YAML reads as
        a line break yet keeps in some values."""
        if "\x85" in text:
            return self._text(node, text, path)
        return _nfc(text)

    def _legacy(self, node, text: str, path) -> None:
        found = legacy_fonts.detect(text)
        if found is not None:
            self.warnings.append(LegacyText(
                f"chữ gõ bằng bảng mã cũ {found[0]} (không phải Unicode): '{text}' đọc là '{found[1]}'; "
                f"sửa bằng lệnh: docgen validate --sua-ma {self.file}", Location(self.file, *_mark(node)), path,
                node=node, encoding=found[0]))

    def _key(self, node, path) -> str:
        """A field name is text as written: `On`, `~`, `2024` or `1.50` name a field, they are no value."""
        if node.tag not in _CORE_TAGS and node.tag not in (_STR_TAG, _TIMESTAMP_TAG):
            self._scalar(node, path)  # an unknown tag: refused with its message
        if node.value == "":
            raise self.error(node, "tên trường để trống: hãy ghi tên trường trước dấu ':'", path)
        return self._text(node, node.value, path)

    def _scalar(self, node, path):
        tag = node.tag
        if tag == _STR_TAG:  # most values: text needs no constructor
            return self._text(node, node.value, path)
        try:
            value = _core_value(tag, node.value) if tag in _CORE_TAGS else self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            raise self.error(node, f"không hỗ trợ thẻ YAML {node.tag}", path) from None
        except OverflowError as exc:
            if tag == _INT_TAG:
                raise self.error(node, f"số quá lớn ({_thousands(exc.args[0])} chữ số; tối đa {MAX_INT_DIGITS} chữ số)",
                                 path) from None
            raise self.error(node, f"giá trị không hợp lệ: {node.value!r}", path) from None
        except ValueError:
            if node.tag.endswith(":timestamp"):
                raise self.error(node, f"'{node.value}' không phải là một ngày có thật", path) from None
            raise self.error(node, f"giá trị không hợp lệ: {node.value!r}", path) from None
        # Dates become ISO text so the data stays JSON-like for the schema; 'compute' parses them back.
        if isinstance(value, _dt.datetime):
            value = value.date().isoformat()
        elif isinstance(value, _dt.date):
            value = value.isoformat()
        elif isinstance(value, float) and value != value:  # .nan
            raise self.error(node, "giá trị không phải là số hợp lệ (NaN)", path)
        elif isinstance(value, float) and not math.isfinite(value):  # .inf, -.inf
            raise self.error(node, "giá trị không phải là số hữu hạn (vô cực)", path)
        elif isinstance(value, str):
            value = self._text(node, value, path)
        elif not isinstance(value, (int, float, bool, type(None))):
            raise self.error(node, f"không hỗ trợ kiểu giá trị {type(value).__name__}", path)
        return value

    def _text(self, node, text: str, path) -> str:
        if len(text) > MAX_TEXT_CHARS:
            raise self.error(node, f"đoạn văn quá dài ({_thousands(len(text))} ký tự; tối đa {_thousands(MAX_TEXT_CHARS)} "
                                   "ký tự): hãy chia thành nhiều đoạn", path)
        bad = _UNPRINTABLE.search(text)
        if bad:
            raise self.error(node, f"chứa ký tự không in được U+{ord(bad.group()):04X} (ký tự thứ {bad.start() + 1} "
                                   "của chuỗi): hãy xóa ký tự này", path)
        return _nfc(text)


def _nfc(text: str) -> str:
    """Text in composed form (NFC): macOS and some keyboards write "ộ" as o + two combining marks, which prints
    the same but compares (a deputy's title, a duplicate key) and sorts differently. Only text that is not NFC
    already is touched (a quick check)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


class _Hints:
    """Lines where a ' #' right after a value may have cut a text short (a YAML comment), found by a cheap scan of
    the file's text. When there are any, the reference pass builds the data and calls `look` for each text value."""

    # A '#' one space after text ("Tổ #1", "Đội 3 # mới"), or followed by a letter or digit: text the writer meant,
    # cut by YAML. A comment set apart by several spaces ("Trần Văn A      # giả định") is a deliberate one.
    _CUT = re.compile(r"\S[ \t]#|[ \t]#[^\s#]")

    def __init__(self, comment_lines: dict):
        self.comment_lines = comment_lines  # 0-based line → (the line, columns of the suspect '#')

    @classmethod
    def of(cls, source: str | bytes, text_of) -> _Hints | None:
        comment_lines = {}
        if (b" #" in source or b"\t#" in source) if isinstance(source, bytes) else (" #" in source or "\t#" in source):
            for number, line in enumerate(text_of().split("\n")):
                if "#" in line and not line.lstrip().startswith("#"):
                    columns = [m.end() - 1 for m in cls._CUT.finditer(line)]
                    if columns:
                        comment_lines[number] = (line, columns)
        return cls(comment_lines) if comment_lines else None

    def look(self, builder: _Builder, node, text: str, path) -> None:
        end = node.end_mark
        if not node.style and end.line in self.comment_lines:
            line, columns = self.comment_lines[end.line]
            for column in columns:
                if column >= end.column and not line[end.column:column].strip():
                    builder.warnings.append(DataError(
                        "dấu '#' bắt đầu chú thích YAML: phần sau bị bỏ; đặt cả câu trong dấu nháy "
                        f"(giá trị đọc được: '{text}')", Location(builder.file, end.line + 1, column + 1), path))
                    break


class LegacyText(DataError):
    """A warning: a text value typed in `encoding` (TCVN3 or VNI); `node` is where it stands in the file."""

    def __init__(self, message, location, path, *, node, encoding: str):
        super().__init__(message, location, path)
        self.node = node
        self.encoding = encoding


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# PyYAML's (pure Python or libyaml) problem texts → what to do, in Vietnamese; the original follows in brackets.
# Patterns, not compiled ones: they are needed only for a broken file, and compiling them costs every start.
_YAML_HINTS = [
    (r"tab character|character '\\t'", "không dùng ký tự tab để thụt lề; hãy dùng dấu cách"),
    (r"cannot start any token", "ký tự này không mở đầu được một giá trị; hãy đặt giá trị trong dấu nháy kép"),
    (r"mapping values are not allowed",
     "dấu ':' không đặt được ở đây: thụt lề sai, hoặc giá trị có ': ' mà chưa đặt trong dấu nháy kép"),
    (r"unexpected end of stream", "tệp kết thúc khi chuỗi chưa có dấu nháy đóng"),
    (r"undefined alias|duplicate anchor",
     "không hỗ trợ tham chiếu YAML (&neo / *bí_danh); giá trị bắt đầu bằng '*' hoặc '&' phải đặt trong dấu nháy"),
    (r"unknown escape character",
     "ký tự thoát '\\' không hợp lệ trong chuỗi dấu nháy kép; viết '\\\\' cho dấu '\\' hoặc dùng dấu nháy đơn"),
    (r"',' or '\]'", "danh sách [ … ] chưa đóng: thiếu dấu ']' hoặc dấu ','"),
    (r"',' or '}'", "bảng { … } chưa đóng: thiếu dấu '}' hoặc dấu ','"),
    (r"another document", "tệp chỉ được chứa một tài liệu YAML: bỏ dòng '---' ở giữa tệp"),
    (r"'-' indicator|block collection", "thụt lề sai trong danh sách: các dòng '- ' cùng cấp phải thẳng cột"),
    (r"expected key|<block end>", "thụt lề sai: các trường cùng cấp phải thẳng cột"),
    (r"expected ':'", "thiếu dấu ':' sau tên trường (hoặc thụt lề sai)"),
    (r"node content", "thiếu giá trị: danh sách hoặc bảng chưa đóng?"),
    (r"tag handle", "không hỗ trợ thẻ YAML"),
    (r"Unicode character escape|escape code",
     "mã ký tự '\\u…' / '\\x…' không hợp lệ trong chuỗi dấu nháy kép"),
    (r"directive|incompatible YAML", "không hỗ trợ dòng chỉ thị YAML (%…)"),
    (r"nesting depth", f"dữ liệu lồng nhau quá sâu (quá {MAX_DEPTH} cấp)"),
]


def _syntax_message(problem: str, char: str = "") -> str:
    if char == "\t" and "token" in problem and "'\\t'" not in problem:  # libyaml does not name the character
        problem = problem.replace("character", "character '\\t'", 1)
    for pattern, hint in _YAML_HINTS:
        if re.search(pattern, problem):
            return f"lỗi cú pháp YAML: {hint}"
    # A problem with no Vietnamese wording yet: the YAML reader's own words, said to be its
    return f"lỗi cú pháp YAML (thông báo gốc của bộ đọc YAML: {problem})"


def _quoted(text: str) -> str:
    """`text` as a single-quoted YAML value (a single quote inside is written twice)."""
    return "'" + text.replace("'", "''") + "'"


def _quote_the_value(lines: list[str], mark) -> str:
    """How to write the plain value that starts at `mark` with a '*' or '&' YAML took for a reference: quoted."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    lead, value = line[:mark.column].strip(), line[mark.column:].split(" #")[0].rstrip()
    if len(value) > 60:
        value = value[:59] + "…"
    what = "dòng" if lead in ("", "-") else "giá trị"
    return f"{what} bắt đầu bằng dấu '{value[:1]}' phải đặt trong dấu nháy: {lead + ' ' if lead else ''}{_quoted(value)}"


_SCALAR = yaml.ScalarEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent


def _refuse_scalar_anchors(source: str | bytes, file: str, text_of) -> None:
    """A DataError at the first anchor on a value ("- &neo x"): the composer drops it without a word, so the
    text would print as "x". (An anchor on a list or mapping loses no text; using it is refused by _Builder.)
    Looked for in the parser's events, for a file with a '&' that the quick pass did not read (it refuses
    anchors itself); the path of each value is followed to name the field."""
    parser = _Loader(source)
    frames: list[list] = []  # per open collection: [its path, the current key (mapping) or index (list)]
    try:
        while (event := parser.get_event()) is not None and event.__class__ is not yaml.StreamEndEvent:
            kind = event.__class__
            if kind is _MAPPING_END or kind is _SEQUENCE_END:
                frames.pop()
                if frames and not isinstance(frames[-1][1], int):
                    frames[-1][1] = None  # the mapping's value is done: a key comes next
                continue
            if kind is not _SCALAR and kind is not _MAPPING_START and kind is not _SEQUENCE_START \
                    and kind is not yaml.AliasEvent:
                continue
            path, is_key = (), False
            if frames:
                frame = frames[-1]
                if isinstance(frame[1], int):
                    frame[1] += 1
                    path = frame[0] + (frame[1],)
                elif frame[1] is None:
                    is_key, frame[1] = True, event.value if kind is _SCALAR else "?"
                    path = frame[0] + (frame[1],)
                else:
                    path = frame[0] + (frame[1],)
                    if kind is _SCALAR or kind is yaml.AliasEvent:
                        frame[1] = None
            if kind is _SCALAR and event.anchor is not None:
                mark = event.start_mark
                advice = (_quote_the_value(text_of().split("\n"), mark) if not event.style and not is_key
                          else "hãy viết đầy đủ giá trị")
                raise DataError(f"không hỗ trợ tham chiếu YAML (&neo / *bí_danh); {advice}",
                                Location(file, mark.line + 1, mark.column + 1), path)
            if kind is _MAPPING_START or kind is _SEQUENCE_START:
                frames.append([path, -1 if kind is _SEQUENCE_START else None])
    finally:
        parser.dispose()


def _quoting_advice(exc: yaml.MarkedYAMLError, text: str):
    """(message, mark) for the two syntax errors that come from text not quoted as it should be, where PyYAML's
    own words blame something else; None for any other error. Only a broken file gets here."""
    lines = text.split("\n")
    if exc.context in ("while scanning an alias", "while scanning an anchor") and exc.context_mark:
        # "- **Đậm:** nội dung": YAML reads a value opening with '*' (or '&') as a reference
        return "lỗi cú pháp YAML: " + _quote_the_value(lines, exc.context_mark), exc.context_mark
    mark = exc.problem_mark
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    before = line[:mark.column].rstrip() if mark else ""
    after = line[mark.column:mark.column + 1] if mark else ""
    quote = before[-1:]
    if quote not in ("'", '"') or before.find(quote) == len(before) - 1 or not (after.isalnum() or after in "'\""):
        return None
    # 'ten_goi: "UBND "X""': a quoted value ended at an inner quote and text follows it
    opening = before.find(quote)
    lead, value = line[:opening].strip(), line[opening:].split(" #")[0].rstrip()
    inner = value[1:-1] if len(value) > 1 and value.endswith(quote) else value
    lead = lead + " " if lead else ""
    if quote == '"':
        escaped = '"' + inner.replace('"', '\\"') + '"'
        return ("lỗi cú pháp YAML: giá trị trong dấu nháy kép có dấu nháy kép bên trong: dùng dấu nháy đơn bên "
                f"ngoài ({lead}{_quoted(inner)}) hoặc viết \\\" cho dấu nháy bên trong ({lead}{escaped})", mark)
    return ("lỗi cú pháp YAML: giá trị trong dấu nháy đơn có dấu nháy đơn bên trong: viết '' cho mỗi dấu nháy "
            f"đơn bên trong ({lead}{_quoted(inner)})", mark)


def _char_at(text: str, mark) -> str:
    if mark is None:
        return ""
    lines = text.split("\n", mark.line + 1)
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column] if mark.column < len(line) else ""


def _unprintable_error(text: str, code, file: str) -> DataError:
    """A character the YAML reader refuses (written raw in the file), located by line and column."""
    char = chr(code) if isinstance(code, int) else str(code or "")
    index = text.find(char) if char else -1
    if index < 0:
        return DataError("tệp chứa ký tự không in được (ký tự điều khiển): hãy xóa ký tự này", Location(file))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return DataError(f"tệp chứa ký tự không in được U+{ord(char):04X} (ký tự điều khiển): hãy xóa ký tự này",
                     Location(file, line, column))


def loads(text: str, file: str = "<dữ liệu>") -> LoadedData:
    """Parse YAML text; raise DataError with the position of the first problem."""
    surrogate = _SURROGATE.search(text)  # only from text not decoded from a file; libyaml cannot even take it
    if surrogate:
        raise _unprintable_error(text, ord(surrogate.group()), file)
    return _parse(text, file)


def _parse(source: str | bytes, file: str) -> LoadedData:
    """Parse text, or the UTF-8 bytes of a file: libyaml reads bytes as they are, so a clean file is never
    decoded (nor encoded again) as a whole; the text is only made for a message."""
    text = source if isinstance(source, str) else None

    def text_of() -> str:
        nonlocal text
        if text is None:
            text = _utf8_text(source, file)
        return text

    if not source or source.isspace():  # (not strip(): that copies the whole file)
        raise DataError("tệp dữ liệu rỗng", Location(file))
    try:
        loader = _Loader(source)  # the reader checks every character here
    except yaml.reader.ReaderError as exc:
        raise _unprintable_error(text_of(), exc.character, file) from None
    try:
        hints = _Hints.of(source, text_of)
        has_anchor = ("&" if isinstance(source, str) else b"&") in source
        if has_anchor:
            _refuse_scalar_anchors(source, file, text_of)
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and text_of().isspace()):
            raise DataError("tệp dữ liệu rỗng", Location(file))
        # (after get_single_node: the resolver has seen every plain value by then)
        builder = _Builder(file, loader, hints, aliases=has_anchor,
                           merges=loader.merge_seen or ("!" if isinstance(source, str) else b"!") in source)
        data = builder.build(node)
    except yaml.MarkedYAMLError as exc:
        advice = _quoting_advice(exc, text_of())
        if advice:
            message, mark = advice
        else:
            mark = exc.problem_mark or exc.context_mark
            message = _syntax_message(exc.problem or exc.context or "lỗi cú pháp", _char_at(text_of(), mark))
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        raise DataError(message, where) from None
    except yaml.reader.ReaderError as exc:  # invalid UTF-8, a control character (libyaml reads as it parses)
        raise _unprintable_error(text_of(), exc.character, file) from None
    except yaml.YAMLError as exc:
        raise DataError(f"lỗi cú pháp YAML: {exc}", Location(file)) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise DataError("tệp dữ liệu phải là một bảng các trường (mapping) ở cấp ngoài cùng", Location(file, 1, 1))
    return LoadedData(data, file, builder.positions, builder.key_positions, warnings=builder.warnings)


def _utf8_text(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw, exc.start, file) from None


SAVE_AS_UTF8 = "lưu lại tệp dạng UTF-8 (Notepad: Tệp › Lưu thành…, Mã hóa: UTF-8)"


def _not_utf8(raw: bytes, start: int, file: str) -> DataError:
    """The first byte that is not UTF-8, by line and column; and what the file is when that can be told."""
    if _looks_cp1258(raw):
        return DataError("tệp được lưu theo bảng mã Windows tiếng Việt (Windows-1258), không phải UTF-8: "
                         + SAVE_AS_UTF8, Location(file))
    line_start = raw.rfind(b"\n", 0, start) + 1
    line = raw.count(b"\n", 0, start) + 1
    column = len(raw[line_start:start].decode("utf-8", "replace")) + 1
    return DataError(f"tệp không phải văn bản UTF-8 (byte 0x{raw[start]:02X}): "
                     + SAVE_AS_UTF8, Location(file, line, column))


# Letters of Vietnamese that Windows-1258 writes as one byte (ă â đ ê ô ơ ư) or that its combining tone bytes
# (0xCC, 0xD2, 0xDE, 0xEC, 0xF2) put on a vowel.
_CP1258_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ]|[aeiouyăâêôơưAEIOUYĂÂÊÔƠƯ][\u0300\u0301\u0303\u0309\u0323]")


def _looks_cp1258(raw: bytes) -> bool:
    try:
        text = raw.decode("cp1258")
    except UnicodeDecodeError:
        return False
    return len(_CP1258_VIETNAMESE.findall(text)) >= 3


# Byte-order marks of the UTF-16 and UTF-32 encodings (UTF-32 first: its little-endian mark begins with UTF-16's).
_BOMS = [(b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16")]


def _wide_encoding(raw: bytes) -> str | None:
    """'utf-16'/'utf-32' (with the byte order when there is no mark) for a file in one of them: by its mark, or
    by where the NUL bytes of its ASCII characters stand (Notepad's "Unicode" is UTF-16 with a mark)."""
    for mark, name in _BOMS:
        if raw.startswith(mark):
            return name
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    for width, order in ((4, "le"), (4, "be"), (2, "le"), (2, "be")):
        if len(raw) % width:
            continue
        lanes = [sample[i::width] for i in range(width)]
        zeros = [lane.count(0) / len(lane) for lane in lanes]
        text_lane = 0 if order == "le" else width - 1
        if zeros[text_lane] < 0.1 and all(zeros[i] > 0.6 for i in range(width) if i != text_lane):
            return f"utf-{width * 8}-{order}"
    return None


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 .doc, Excel .xls


def document_kind(head: bytes, name: str) -> str | None:
    """'word', 'excel', 'pdf' or 'zip' for a document given where YAML data is expected, told by its first bytes
    (`head`: the file, or its first 64 KiB) and its suffix; None for anything else."""
    suffix = Path(name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):  # a zip: .docx, .xlsx, .odt…; the parts' names stand in its local headers
        return ("word" if b"word/" in head or suffix in (".docx", ".docm", ".odt") else
                "excel" if b"xl/" in head or suffix in (".xlsx", ".xlsm", ".ods") else "zip")
    if head.startswith(_OLE2):
        return "excel" if suffix in (".xls", ".xlt") else "word"
    if head.startswith(b"{\\rtf"):
        return "word"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def what_document(kind: str | None, name: str, expected: str = "tệp dữ liệu YAML") -> str | None:
    """What to do with a document of `kind` (document_kind) given where `expected` is ("docgen render
    bao-cao.docx"): said instead of "not UTF-8, save it as UTF-8 in Notepad", which such a file would otherwise get.
    None when `kind` is None."""
    if kind == "word":
        return (f"đây là văn bản Word, không phải {expected}; để đọc báo cáo Word thành tệp dữ liệu: "
                f"docgen nhap {name} -o {Path(name).with_suffix('.yaml')}")
    if kind == "excel":
        return (f"đây là bảng tính Excel, không phải {expected}; biểu số liệu đã điền thì đọc bằng: "
                f"docgen nhap-bieu {name}")
    if kind is None:
        return None
    what = "tệp PDF" if kind == "pdf" else "tệp nén (zip)"
    return f"đây là {what}, không phải {expected}; lập tệp dữ liệu bằng: docgen new -t TÊN_MẪU -o TỆP.yaml"


def document_kind_of_file(path) -> str | None:
    """document_kind for a file on disk (its first 64 KiB); None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return document_kind(handle.read(1 << 16), str(path))
    except OSError:
        return None


def what_document_file(path, expected: str = "tệp dữ liệu YAML") -> str | None:
    """what_document for a file on disk."""
    return what_document(document_kind_of_file(path), str(path), expected)


def _special_file(path: Path, name: str) -> None:
    """Refuse what is not a regular file without opening it: opening a FIFO for reading waits for a writer.
    Devices are read (bounded): /dev/stdin is one."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise DataError("không tìm thấy tệp dữ liệu", Location(name)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError("không phải tệp thường: liên kết (symlink) trỏ vòng lặp, không dẫn tới tệp nào",
                            Location(name)) from None
        raise DataError(f"không đọc được tệp: {exc.strerror or exc}", Location(name)) from None
    kind = ("ống dẫn (FIFO)" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else None)
    if kind:
        raise DataError(f"không phải tệp thường: đây là một {kind}; hãy chỉ tới tệp dữ liệu .yaml", Location(name))


def load(path: str | Path) -> LoadedData:
    """Read and parse a data file."""
    path = Path(path)
    name = str(path)
    _special_file(path, name)
    too_large = f"tệp quá lớn (tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB)"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            # One decimal, rounded up: a file just over the limit must not read "20 MB; tối đa 20 MB".
            tenths = -(-size * 10 // (1024 * 1024))
            raise DataError(f"tệp quá lớn ({tenths // 10},{tenths % 10} MB; tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB)",
                            Location(name))
        # Read no more than the limit: a device or a pipe (/dev/zero, /dev/urandom) states no size and never ends.
        # A file is read as large as it states (read(n) sets n bytes aside first: 20 MB of fresh memory for every
        # file costs page faults), then on to the limit if it has grown meanwhile.
        with path.open("rb") as handle:
            raw = handle.read(size + 1 if size else MAX_FILE_BYTES + 1)
            if size and len(raw) > size:
                raw += handle.read(MAX_FILE_BYTES + 1 - len(raw))
        if len(raw) > MAX_FILE_BYTES:
            raise DataError(too_large, Location(name))
    except FileNotFoundError:
        raise DataError("không tìm thấy tệp dữ liệu", Location(name)) from None
    except IsADirectoryError:
        raise DataError("đây là thư mục, không phải tệp dữ liệu", Location(name)) from None
    except PermissionError:
        raise DataError("không có quyền đọc tệp", Location(name)) from None
    except OSError as exc:
        raise DataError(f"không đọc được tệp: {exc.strerror or exc}", Location(name)) from None
    document = what_document(document_kind(raw, name), name)
    if document is not None:
        raise DataError(document, Location(name))
    if raw.startswith(b"\xef\xbb\xbf"):  # a byte-order mark, as Notepad writes
        raw = raw[3:]
    wide = _wide_encoding(raw) if raw[:4].count(0) or raw.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    if wide is not None:  # UTF-16 or UTF-32 (Notepad's "Unicode"): read as what it is
        try:
            text = raw.decode(wide)
        except UnicodeDecodeError:
            raise DataError(f"tệp có vẻ là {wide.upper()} nhưng có byte lỗi: " + SAVE_AS_UTF8, Location(name)) from None
        return loads(text.removeprefix("\ufeff"), name)
    if b"\x00" in raw:
        _utf8_text(raw, name)  # a file that is not even UTF-8 is told so first
        raise DataError("tệp chứa ký tự NUL: có lẽ đây là tệp nhị phân, không phải YAML", Location(name))
    return _parse(raw, name)  # UTF-8 holds no surrogates: loads' check is not needed
