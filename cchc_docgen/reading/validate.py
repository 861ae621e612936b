"""Stage 2: check the loaded data against the JSON Schema shipped in the package.

jsonschema finds the problems; this module turns each into a Vietnamese message at the file:line:column of
the offending value (or key), naming the field path, and suggests the closest known field for a typo.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import yaml

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.errors import DataError, ErrorList, Location, format_path
from cchc_docgen.reading import legacy_fonts
from cchc_docgen.reading.loader import LegacyText, LoadedData

_TYPE_NAMES = {
    "string": "chuỗi chữ",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "true hoặc false",
    "array": "danh sách",
    "object": "bảng các trường",
    "null": "để trống",
}


# Beside the code, in a checkout and in an installed wheel alike. (Not importlib.resources: importing it costs a
# one-shot render ~8 ms.)
SCHEMA_PATH = Path(__file__).resolve().with_name("bao_cao.schema.json")


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The JSON Schema of a data file (also printed by `docgen schema` for editors)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


class _Compiled:
    """What validating against one schema needs, made once per schema: the package's, or a template library's
    with the sections and figure groups its folders declare (templating.library.TemplateLibrary.schema)."""

    def __init__(self, schema: dict):
        self.schema = schema  # (held: the cache below is keyed by its id)
        self.quick = _compile(schema, schema, {}) if _quick_check_usable(schema) else None
        self.open_maps, self.field_names = _open_maps(schema)
        self.figure_groups = frozenset(schema["$defs"]["so_lieu"]["properties"])
        self._validator = None
        self._declared_near: dict = {}

    def declared_near(self, map_path: tuple) -> dict:
        """_declared_fields near the mappings at one of `open_maps`' paths: made once per schema and path, when
        such a mapping first holds a field of the schema not its own (a ward's own figure groups are named
        otherwise: most data has none)."""
        found = self._declared_near.get(map_path)
        if found is None:
            found = self._declared_near[map_path] = _declared_fields(self.schema, map_path)
        return found

    @property
    def validator(self):
        if self._validator is None:
            # jsonschema is imported only to explain data that failed the quick check: ~0.1 s at start-up.
            import jsonschema

            self._validator = jsonschema.Draft202012Validator(self.schema)
        return self._validator


_COMPILED: dict[int, _Compiled] = {}


def _compiled(schema: dict | None) -> _Compiled:
    schema = load_schema() if schema is None else schema
    found = _COMPILED.get(id(schema))
    if found is None or found.schema is not schema:
        found = _COMPILED[id(schema)] = _Compiled(schema)
    return found


def _type_of(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _most_relevant(errors):
    """Of the failures of each oneOf branch, the one from the branch the value was meant for.

    jsonschema's best_match prefers shallow errors, which for `[blocks] | {tieu_de, noi_dung}` reports
    "must be an object" when a list item deep inside is wrong. A branch whose type matched went further,
    so prefer the deepest error, then one that is not about the type.
    """
    return min(errors, key=lambda e: (-len(e.absolute_path), e.validator == "type"))


def _text_split_by_colon(error) -> bool:
    """Whether a value that may be text is a one-field mapping whose field name reads like words: what YAML makes
    of "- Kết quả: đạt yêu cầu", an unquoted ': ' in a sentence. (Field names are snake_case without diacritics.)"""
    value = error.instance
    if not isinstance(value, dict) or len(value) != 1:
        return False
    ((name, item),) = value.items()
    if not isinstance(name, str) or isinstance(item, (dict, list)) or not any(
            ch.isspace() or ord(ch) > 127 for ch in name):
        return False
    root = load_schema()
    for option in error.validator_value:
        kinds = _follow_refs(option, root).get("type", ())
        if "string" in ([kinds] if isinstance(kinds, str) else kinds):
            return True
    return False


def _colon_message(loaded: LoadedData, path: tuple, mapping: dict) -> str:
    """What to write instead of the mapping YAML made of a sentence with ': ': the sentence as written, quoted."""
    ((name, item),) = mapping.items()
    node = loaded.node(path + (name,))
    written = node.value if isinstance(getattr(node, "value", None), str) else ("" if item is None else str(item))
    sentence = f"{name}: {written}".rstrip()
    quoted = "'" + sentence.replace("'", "''") + "'"
    in_brackets = getattr(loaded.node(path), "flow_style", False)  # an item of a [ … ] list has no '- '
    return ("dấu ': ' trong câu làm YAML hiểu thành một trường; đặt cả dòng trong dấu nháy: "
            + (quoted if in_brackets else f"- {quoted}"))


def _message(error, loaded: LoadedData) -> tuple[str, tuple, bool]:
    """(Vietnamese message, field path, whether to point at the key rather than the value)."""
    path = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    if kind in ("oneOf", "anyOf") and error.context:
        if _text_split_by_colon(error):
            return _colon_message(loaded, path, value), path, False
        return _message(_most_relevant(error.context), loaded)
    if kind == "required":
        missing = [name for name in error.validator_value if name not in (value or {})]
        return f"thiếu trường bắt buộc '{missing[0]}'", path, False
    if kind == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        extra = [k for k in value if k not in known]
        name = extra[0]
        # only for a message: valid data does not import it
        from difflib import get_close_matches

        meant = fmt.likely_meant(name, known)  # "Người ký" → nguoi_ky: the same letters, without diacritics
        hint = [meant] if meant else get_close_matches(name, known, n=1)
        suggestion = f"; có phải ý bạn là '{hint[0]}'?" if hint else (
            f"; các trường được phép: {', '.join(known)}" if known else "")
        return f"trường '{name}' không có trong mẫu dữ liệu{suggestion}", path + (name,), True
    if kind == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        names = " hoặc ".join(_TYPE_NAMES[w] for w in wanted)
        advice = _number_advice(value, "number" in wanted) if isinstance(value, str) and (
            "integer" in wanted or "number" in wanted) else ""
        return f"phải là {names} (đang là {_TYPE_NAMES[_type_of(value)]}){advice}", path, False
    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        guess = fmt.likely_meant(value, error.validator_value) if isinstance(value, str) else None
        hint = f" (có phải ý bạn là '{guess}'?)" if guess else ""
        return f"giá trị '{value}' không hợp lệ{hint}; chọn một trong: {choices}", path, False
    if kind == "minimum":
        return f"phải lớn hơn hoặc bằng {error.validator_value} (đang là {value})", path, False
    if kind == "maximum":
        return f"phải nhỏ hơn hoặc bằng {error.validator_value} (đang là {value})", path, False
    if kind == "exclusiveMinimum":
        return f"phải lớn hơn {error.validator_value} (đang là {value})", path, False
    if kind == "minLength":
        return "không được để trống", path, False
    if kind == "minItems":
        return f"cần ít nhất {error.validator_value} phần tử", path, False
    if kind == "maxItems":
        return f"chỉ được tối đa {error.validator_value} phần tử", path, False
    if kind == "pattern":
        if "[0-9]{4}" in error.validator_value:
            return f"'{value}' không phải là ngày (viết 2024-09-17 hoặc 17/9/2024)", path, False
        if path and path[-1] == "so":
            return f"'{value}' không phải là số văn bản (chỉ gồm chữ số)", path, False
        if path and path[-1] == "bieu":
            lower = str(value).strip().lower()
            instead = f": viết {lower}" if re.match(error.validator_value, lower) else ""
            return (f"'{value}' không phải là tên biểu (chữ thường, chữ số và dấu '-', ví dụ 1a, cchc){instead}", path,
                    False)
        return f"'{value}' không đúng định dạng", path, False
    if kind in ("oneOf", "anyOf"):
        described = error.schema.get("description", "")
        return f"giá trị không đúng dạng. {described}".strip(), path, False
    return f"giá trị không hợp lệ ({error.message})", path, False


_QUOTED_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?\Z")
_NUMBER_WITH_WORDS = re.compile(r"([-+]?[0-9][0-9.,]*)\s*(%|[^\W\d_].*)\Z")
_SPACED_DIGITS = re.compile(r"[0-9]{1,3}(?: [0-9]{3})+\Z")
_DECIMAL_COMMA = re.compile(r"[-+]?[0-9]+,[0-9]+\Z")


def _number_advice(text: str, decimals: bool) -> str:
    """What to write instead of the text a number was given as, in the ways a clerk types one: "537" in quotes,
    "537 hồ sơ", "95%", "1 230", "1,5"; "" when it is none of them."""
    text = text.strip()
    if _QUOTED_NUMBER.match(text):
        if "." in text and not decimals:  # a count: '1.230' means 1230 (a thousands dot), '1.5' is no count
            return (f": viết {text.replace('.', '')}, không đặt trong dấu nháy, không có dấu chấm"
                    if fmt.is_thousands_dot(text) else ": số đếm không có phần thập phân")
        return f": viết {text}, không đặt trong dấu nháy"
    if _SPACED_DIGITS.match(text):
        return f": viết liền các chữ số, {text.replace(' ', '')}"
    if _DECIMAL_COMMA.match(text):
        if decimals:
            return f": số thập phân viết bằng dấu chấm, {text.replace(',', '.')} (văn bản in ra {text})"
        return ": số đếm không có phần thập phân"
    words = _NUMBER_WITH_WORDS.match(text)
    if words:
        if words.group(2) == "%":
            return f": chỉ ghi số, {words.group(1)}, không kèm dấu '%'"
        return f": chỉ ghi số, {words.group(1)}, không kèm chữ '{words.group(2)}'"
    return ""


# The JSON Schema keywords the quick check below understands; the schema must use no others.
_QUICK_KEYWORDS = {"$schema", "$id", "$ref", "$defs", "title", "description", "type", "properties",
                   "additionalProperties", "required", "items", "anyOf", "enum", "minimum", "maximum",
                   "exclusiveMinimum", "minLength", "minItems", "maxItems", "pattern"}
_PY_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,), "array": (list,),
             "object": (dict,), "null": (type(None),)}


def _quick_check_usable(schema: dict) -> bool:
    return _keywords_known(schema, True)


def _keywords_known(node, shaping: bool) -> bool:
    """Whether the quick check understands every keyword of `node`: a node that shapes data (the root, a field,
    a $defs entry, a list's items, an anyOf option, what a mapping takes besides its fields) may hold only
    _QUICK_KEYWORDS; any other mapping inside (an odd value of some keyword) only those, or "properties". One
    walk over the schema's text, its $refs not followed, its texts and numbers passed over without a call."""
    if isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)) and not _keywords_known(item, False):
                return False
        return True
    if not node.keys() <= _QUICK_KEYWORDS and (shaping or "properties" not in node):
        return False
    for key, value in node.items():
        if key in ("properties", "$defs"):
            children, shaping_children = value.values(), shaping
        elif key == "anyOf" and isinstance(value, list):
            children, shaping_children = value, shaping
        elif key == "enum" or not isinstance(value, (dict, list)):
            continue
        else:
            children, shaping_children = (value,), shaping and key in ("items", "additionalProperties")
        for child in children:
            if isinstance(child, (dict, list)) and not _keywords_known(child, shaping_children):
                return False
    return True


_ANNOTATIONS = frozenset({"description", "title"})  # the annotations _QUICK_KEYWORDS allows


def _bare_type_classes(schema: dict, root: dict) -> tuple:
    """The Python classes a schema node accepts whatever their value, when it states only a type (through
    $refs); () for any other node."""
    schema = _follow_refs(schema, root)
    if not isinstance(schema, dict) or set(schema) - _ANNOTATIONS != {"type"}:
        return ()
    kinds = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
    return tuple(cls for kind in kinds for cls in _PY_TYPES[kind])


def _outright_classes(schema: dict, root: dict) -> frozenset:
    """Classes a node takes whatever the value: its own type-only form, or that of any of its anyOf options."""
    schema = _follow_refs(schema, root)
    if not isinstance(schema, dict):
        return frozenset()
    options = schema["anyOf"] if set(schema) - _ANNOTATIONS == {"anyOf"} else [schema]
    return frozenset(cls for option in options for cls in _bare_type_classes(option, root))


def _follow_refs(schema, root: dict):
    """The node a node that is only a $ref (with annotations) stands for, through any chain of them."""
    while isinstance(schema, dict) and set(schema) - _ANNOTATIONS == {"$ref"}:
        schema = _resolve(schema["$ref"], root)
    return schema


def _resolve(ref: str, root: dict) -> dict:
    target = root
    for part in ref.lstrip("#/").split("/"):
        target = target[part]
    return target


def _compile(schema: dict, root: dict, compiled: dict):
    """Turn a schema node into a yes/no function, once. The check is much faster than jsonschema because it
    builds no error objects and looks nothing up at check time; only when it says no does jsonschema run, to
    explain what is wrong. `compiled` memoizes by node; a node met again while it is still being compiled (a
    recursive $ref) gets a late-bound call."""
    key = id(schema)
    if key in compiled:
        done = compiled[key]
        return done if done is not None else (lambda value: compiled[key](value))
    compiled[key] = None
    checks = []
    if "$ref" in schema:
        checks.append(_compile(_resolve(schema["$ref"], root), root, compiled))
    kind = schema.get("type")
    if kind is not None:
        kinds = [kind] if isinstance(kind, str) else kind
        allowed = tuple(t for k in kinds for t in _PY_TYPES[k])
        if int in allowed and "boolean" not in kinds:  # True is an int to Python, not to JSON Schema
            checks.append(lambda value: isinstance(value, allowed) and not isinstance(value, bool))
        else:
            checks.append(lambda value: isinstance(value, allowed))
    if "enum" in schema:
        choices = schema["enum"]
        checks.append(lambda value: value in choices)
    if "anyOf" in schema:
        options = [_compile(option, root, compiled) for option in schema["anyOf"]]
        # Classes an option takes with no other condition ({"type": "string"}): most values (texts, numbers of a
        # table) are accepted by a set lookup, with no call. By class, not isinstance: True is no number here.
        outright = frozenset(cls for option in schema["anyOf"] for cls in _bare_type_classes(option, root))

        def any_of(value):
            if value.__class__ in outright:
                return True
            for option in options:
                if option(value):
                    return True
            return False
        checks.append(any_of)
    low, high, above = schema.get("minimum"), schema.get("maximum"), schema.get("exclusiveMinimum")
    if low is not None or high is not None or above is not None:
        def number_ok(value):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return True
            return not ((low is not None and value < low) or (high is not None and value > high)
                        or (above is not None and value <= above))
        checks.append(number_ok)
    if "minLength" in schema or "pattern" in schema:
        min_length = schema.get("minLength", 0)
        pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
        checks.append(lambda value: not isinstance(value, str) or (
            len(value) >= min_length and (pattern is None or pattern.search(value) is not None)))
    if "minItems" in schema or "maxItems" in schema or isinstance(schema.get("items"), dict):
        min_items, max_items = schema.get("minItems", 0), schema.get("maxItems")
        item_ok = _compile(schema["items"], root, compiled) if isinstance(schema.get("items"), dict) else None
        # Items of a class the item schema takes outright (see anyOf below) are passed without a call.
        item_outright = _outright_classes(schema["items"], root) if item_ok is not None else frozenset()

        def list_ok(value):
            if not isinstance(value, list):
                return True
            if len(value) < min_items or (max_items is not None and len(value) > max_items):
                return False
            if item_ok is not None:
                for item in value:
                    if item.__class__ not in item_outright and not item_ok(item):
                        return False
            return True
        checks.append(list_ok)
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        required = tuple(schema.get("required", ()))
        properties = {name: _compile(sub, root, compiled) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        extra_check = _compile(extra, root, compiled) if isinstance(extra, dict) else None

        def object_ok(value):
            if not isinstance(value, dict):
                return True
            for name in required:
                if name not in value:
                    return False
            for name, item in value.items():
                check = properties.get(name)
                if check is not None:
                    if not check(item):
                        return False
                elif extra is False or (extra_check is not None and not extra_check(item)):
                    return False
            return True
        checks.append(object_ok)
    if len(checks) == 1:  # most nodes: their one check is the node's function, with no loop around it
        fits = checks[0]
    else:
        def fits(value) -> bool:
            for check in checks:
                if not check(value):
                    return False
            return True
    compiled[key] = fits
    return fits


# Bounds the schema does not state, on values that would otherwise make a render crawl or run out of memory.
MAX_TABLE_COLUMNS = 63  # Word's own limit
MAX_NUMBER_DIGITS = 10  # a document number (van_ban.so); Python refuses int() of a string over 4300 digits


def _tables(value, path=()) -> list:
    """(path, spec) of every table block (`bang: {dong: …}`) anywhere in the data, in file order. Only
    containers are visited (and get a path): the texts, most of the data, are passed over."""
    found = []
    if isinstance(value, (dict, list)):
        _collect_tables(value, path, found)
    return found


def _collect_tables(value, path, found: list) -> None:
    # A module function, not a closure: a closure that calls itself is a reference cycle, which keeps `found`
    # alive until the cycle collector runs.
    if isinstance(value, dict):
        spec = value.get("bang")
        if isinstance(spec, dict) and isinstance(spec.get("dong"), list):
            found.append((path + ("bang",), spec))
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                _collect_tables(item, path + (key,), found)
    else:
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _collect_tables(item, path + (index,), found)


def thousands_dot_text(value) -> str | None:
    """The text of the number `value` as written, when it is a whole number written with a thousands dot
    ("1.230": YAML reads the float 1.23); None otherwise. The loader keeps each decimal's text (WrittenFloat)."""
    text = getattr(value, "written", None)
    return text if text is not None and fmt.is_thousands_dot(text) else None


def thousands_dot_message(text: str, decimals_allowed: bool) -> str:
    """What to write instead of "1.230": the count without its dot, or (where decimals are allowed) the decimal
    written so that it cannot be taken for a count ("1.23", "3.8760")."""
    value = float(text)
    message = (f"'{text}' được đọc thành {fmt.format_number(value)} (trong tệp YAML dấu chấm là dấu thập phân); số đếm "
               f"viết liền, không có dấu chấm phân cách hàng nghìn: viết {text.replace('.', '')}, không viết {text}")
    if decimals_allowed:
        decimal = text.rstrip("0").rstrip(".") if text.endswith("0") else text + "0"
        message += f" (nếu đúng là số thập phân {fmt.format_number(value)} thì viết {decimal})"
    return message


def _number_errors(loaded: LoadedData, error, known) -> None:
    """Counts written with a thousands dot, in the figures a ward may give as any number: its own groups of
    `so_lieu` (the schema's own fields take integers only, and say so) and the values of a Phụ lục."""
    data = loaded.data
    so_lieu = data.get("so_lieu")
    if isinstance(so_lieu, dict):
        for name, group in so_lieu.items():
            if name in known:
                continue
            items = group.items() if isinstance(group, dict) else [(None, group)]
            for key, value in items:
                path = ("so_lieu", name) if key is None else ("so_lieu", name, key)
                text = thousands_dot_text(value)
                if text:
                    error(thousands_dot_message(text, True), path)
    for index, spec in enumerate(data.get("phu_luc") or []):
        values = spec.get("so_lieu") if isinstance(spec, dict) else None
        for key, value in (values.items() if isinstance(values, dict) else ()):
            path = ("phu_luc", index, "so_lieu", key)
            text = thousands_dot_text(value)
            if text:
                error(thousands_dot_message(text, True), path)


_NUMBER_TEXT = re.compile(r"[-+]?[0-9][0-9.]*\Z")


def _split_number_errors(loaded: LoadedData, row_path, row: list, error) -> None:
    """ "5,6" in a row written [ … ]: YAML made two cells of it (5 and 6), one more than the ward meant."""
    node = loaded.node(row_path)
    if not getattr(node, "flow_style", False):
        return
    items = node.value
    for c in range(len(items) - 1):
        left, right = items[c], items[c + 1]
        if (isinstance(left, yaml.ScalarNode) and isinstance(right, yaml.ScalarNode) and not left.style
                and not right.style and _NUMBER_TEXT.match(left.value) and _NUMBER_TEXT.match(right.value)
                and right.start_mark.index == left.end_mark.index + 1):
            written = f"{left.value},{right.value}"
            error(f"'{written}' bị tách thành hai ô ({left.value} và {right.value}) vì trong [ … ] dấu phẩy ngăn cách "
                  f"các ô: số thập phân thì đặt trong dấu nháy \"{written}\"; hai ô thì viết {left.value}, {right.value}",
                  row_path + (c,))


def _limit_errors(loaded: LoadedData, compiled: _Compiled) -> list[DataError]:
    errors = []

    def error(message, path):
        errors.append(DataError(message, loaded.location(path), path))

    _number_errors(loaded, error, compiled.figure_groups)

    so = (loaded.data.get("van_ban") or {}).get("so") if isinstance(loaded.data.get("van_ban"), dict) else None
    if isinstance(so, (int, str)) and not isinstance(so, bool) and len(str(so)) > MAX_NUMBER_DIGITS:
        error(f"số văn bản quá dài ({len(str(so))} chữ số; tối đa {MAX_NUMBER_DIGITS})", ("van_ban", "so"))
    for path, spec in _tables(loaded.data):
        rows = [("dau", r, row) for r, row in enumerate(spec.get("dau") or [])]
        rows += [("dong", r, row) for r, row in enumerate(spec["dong"])]
        for index, (group, r, row) in enumerate(rows):
            if not isinstance(row, list):
                continue
            if len(row) > 1:
                _split_number_errors(loaded, path + (group, r), row, error)
            width = 0
            for c, cell in enumerate(row):
                if not isinstance(cell, dict):
                    width += 1
                    continue
                here = path + (group, r, c)
                cols, down = cell.get("gop_cot", 1), cell.get("gop_dong", 1)
                width += cols if isinstance(cols, int) else 1
                left = len(rows) - index
                if isinstance(down, int) and down > left:
                    error(f"ô gộp {down} dòng nhưng bảng chỉ còn {left} dòng tính từ dòng này", here + ("gop_dong",))
            if width > MAX_TABLE_COLUMNS:
                error(f"dòng bảng rộng {width} cột; tối đa {MAX_TABLE_COLUMNS} cột (giới hạn của Word)", path + (group, r))
    return errors


_ITEM = 0  # in a schema path: any list index; (_ANY, names): a field of any name but those


_ANY = "*"


def _open_maps(root: dict) -> tuple[list, frozenset]:
    """([(path, own field names)] of every mapping the schema lets take fields of any name, in the order the walk
    of _declared_fields meets them (see it for what a path holds); the names of every field the schema declares,
    anywhere). The walk goes only where such a mapping can be reached: the rest of the schema (the sections'
    blocks, nested deep) has none."""
    reaching, names = _schema_outline(root)
    open_maps: list = []
    _walk_fields(root, (), frozenset(), root, lambda node, path: id(node) in reaching, None, open_maps)
    return open_maps, names


def _declared_fields(root: dict, map_path: tuple) -> dict:
    """Field name → the schema paths that declare it, in the walk's order: of the paths _misplaced_keys can place
    a key at (a level above or below a mapping at `map_path`, a path of `_open_maps`), at least. The walk goes
    along that path only: the whole schema, each $ref expanded at every place it is used, is thousands of steps."""
    def near(node, path) -> bool:
        return len(path) <= len(map_path) + 1 and all(
            step == map_path[i] or not isinstance(step, str) or not isinstance(map_path[i], str)
            for i, step in enumerate(path[:len(map_path)]))

    declared: dict = {}
    _walk_fields(root, (), frozenset(), root, near, declared, None)
    return declared


def _walk_fields(node, path, refs, root, go_on, declared, open_maps) -> None:
    """Walk the schema from `node` at `path` (through $refs, not into one already followed on the way here),
    where `go_on(node, path)` says, adding each field declared to `declared` (name → paths) and each mapping
    that takes fields of any name to `open_maps` ((path, own names)), either left None when not wanted. A path
    holds names, _ITEM for a list's items and (_ANY, declared names) for a field of any other name."""
    if not isinstance(node, dict) or not go_on(node, path):
        return
    if "$ref" in node:
        if node["$ref"] in refs:
            return
        _walk_fields(_resolve(node["$ref"], root), path, refs | {node["$ref"]}, root, go_on, declared, open_maps)
    for option in node.get("anyOf", ()):
        _walk_fields(option, path, refs, root, go_on, declared, open_maps)
    properties = node.get("properties", {})
    for name, child in properties.items():
        if declared is not None:
            declared.setdefault(name, []).append(path + (name,))
        _walk_fields(child, path + (name,), refs, root, go_on, declared, open_maps)
    if isinstance(node.get("items"), dict):
        _walk_fields(node["items"], path + (_ITEM,), refs, root, go_on, declared, open_maps)
    extra = node.get("additionalProperties", True)
    if extra is not False and (properties or isinstance(extra, dict)):
        if open_maps is not None:
            open_maps.append((path, frozenset(properties)))
        if isinstance(extra, dict):
            _walk_fields(extra, path + ((_ANY, frozenset(properties)),), refs, root, go_on, declared, open_maps)


def _schema_outline(root: dict) -> tuple[set, frozenset]:
    """(the ids of the schema's nodes from which _walk_fields can come to a mapping that takes fields of any name,
    the names of all fields declared): each node looked at once, not once per place it is used, then the way
    back from those mappings followed along the links."""
    linked_from: dict = {}
    seen, todo, reaching, names = {id(root)}, [root], [], set()
    while todo:
        node = todo.pop()
        properties = node.get("properties", {})
        names.update(properties)
        extra = node.get("additionalProperties", True)
        if extra is not False and (properties or isinstance(extra, dict)):
            reaching.append(id(node))
        children = [*node.get("anyOf", ()), *properties.values(), node.get("items"), extra]
        if "$ref" in node:
            children.append(_resolve(node["$ref"], root))
        for child in children:
            if isinstance(child, dict):
                linked_from.setdefault(id(child), []).append(id(node))
                if id(child) not in seen:
                    seen.add(id(child))
                    todo.append(child)
    found = set(reaching)
    while reaching:
        for parent in linked_from.get(reaching.pop(), ()):
            if parent not in found:
                found.add(parent)
                reaching.append(parent)
    return found, frozenset(names)


def _concrete(schema_path, data_path):
    """The data path a schema path names where it runs along `data_path` (None when it goes past it through a
    list or a free field name, or leaves it)."""
    out = []
    for i, step in enumerate(schema_path):
        if isinstance(step, str):
            if i < len(data_path) and data_path[i] != step:
                return None
            out.append(step)
        elif i < len(data_path):
            out.append(data_path[i])
        else:
            return None
    return tuple(out)


def _at(value, path):
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value


def _misplaced_keys(loaded: LoadedData, compiled: _Compiled) -> list[DataError]:
    """A field the schema knows only at another level, met in a mapping that takes fields of any name (so_lieu's
    own figures, a field's breakdown): a key dedented out of its group, or indented into the group below, which
    the schema alone would take as a figure of its own and the report would drop. It is one only when its group
    (one level down or up) is in the data without it."""
    errors = []
    for map_path, own in compiled.open_maps:
        for data_path, mapping in _matching(loaded.data, map_path, ()):
            for key in mapping:
                if key not in own and key in compiled.field_names:
                    _misplaced_key(loaded, compiled.declared_near(map_path), data_path, key, errors)
    return errors


def _misplaced_key(loaded: LoadedData, declared: dict, data_path: tuple, key: str, errors: list) -> None:
    homes = []
    for place in declared.get(key, ()):
        home = _concrete(place[:-1], data_path)
        if home is None or home == data_path or abs(len(home) - len(data_path)) != 1:
            continue
        group = _at(loaded.data, home)
        if isinstance(group, dict) and key not in group:
            homes.append(home)
    if homes:
        where = " hoặc ".join(f"'{format_path(h)}'" for h in homes)
        errors.append(DataError(f"'{key}' thuộc {where}: thụt lề cho đúng",
                                loaded.location(data_path + (key,), key=True), data_path + (key,)))


def _matching(value, schema_path, path):
    """(data path, mapping) of every mapping in `value` at `schema_path`."""
    if not schema_path:
        if isinstance(value, dict):
            yield path, value
        return
    step, rest = schema_path[0], schema_path[1:]
    if step == _ITEM:
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _matching(item, rest, path + (index,))
    elif isinstance(step, tuple):
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in step[1]:
                    yield from _matching(item, rest, path + (key,))
    elif isinstance(value, dict) and step in value:
        yield from _matching(value[step], rest, path + (step,))


def validate(loaded: LoadedData, schema: dict | None = None) -> None:
    """Raise ErrorList with every violation of `schema` (by default the package's; a template library's adds
    what its folders declare), in file order; return None when the data fits."""
    compiled = _compiled(schema)
    misplaced = _misplaced_keys(loaded, compiled)
    quick = compiled.quick
    if quick is not None and quick(loaded.data):
        limits = misplaced + _limit_errors(loaded, compiled)
        if limits:
            raise ErrorList(sorted(limits, key=lambda e: (e.location.line or 0, e.location.column or 0)))
        return
    errors = list(misplaced)
    seen = {(e.message, e.path) for e in misplaced}
    misplaced_paths = [e.path for e in misplaced]
    for error in compiled.validator.iter_errors(loaded.data):
        message, path, at_key = _message(error, loaded)
        if error.validator == "type" and isinstance(error.instance, float):
            written = thousands_dot_text(error.instance)
            if written:
                message = thousands_dot_message(written, "number" in str(error.validator_value))
        if (message, path) in seen or any(path[:len(p)] == p for p in misplaced_paths):
            continue
        seen.add((message, path))
        errors.append(DataError(message, loaded.location(path, key=at_key), path))
    errors = errors or _limit_errors(loaded, compiled)
    if errors:
        errors.sort(key=lambda e: (e.location.line or 0, e.location.column or 0))
        raise ErrorList(errors)


_CONVERTERS = {"TCVN3": legacy_fonts.from_tcvn3, "VNI": legacy_fonts.from_vni}


def fix_legacy_text(data_path) -> list[str]:
    """`docgen validate --sua-ma`: rewrite the text values typed in TCVN3 or VNI to Unicode, in place and
    atomically, each value's span of the file converted and every other byte left as it was. Returns a line per
    change (the last says how many); raises DataError when the file cannot be read or fixed."""
    from cchc_docgen.output import write_atomically
    from cchc_docgen.reading import loader

    path = Path(data_path)
    loaded = loader.load(path)
    found = [w for w in loaded.warnings if isinstance(w, LegacyText)]
    if not found:
        return [f"{path}: không có chữ gõ bằng bảng mã cũ (TCVN3, VNI); tệp giữ nguyên"]
    raw = path.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = raw[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        raise DataError("chỉ sửa được tệp UTF-8: " + loader.SAVE_AS_UTF8, Location(str(path))) from None
    line_starts = [0]
    for line in text.split("\n")[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    changes, report = [], []
    for warning in found:
        start, end = warning.node.start_mark, warning.node.end_mark
        begin, stop = line_starts[start.line] + start.column, line_starts[end.line] + end.column
        written = text[begin:stop]
        changes.append((begin, stop, _CONVERTERS[warning.encoding](written)))
        report.append(f"{warning.location}: trường '{format_path(warning.path)}': {warning.encoding} → Unicode: "
                      f"'{written}' → '{changes[-1][2]}'")
    for begin, stop, converted in sorted(changes, reverse=True):
        text = text[:begin] + converted + text[stop:]
    loader.loads(text, str(path))  # the fixed file must still read (a DataError otherwise, and nothing written)
    write_atomically(path, bom + text.encode("utf-8"))
    return report + [f"{path}: đã chuyển {len(changes)} giá trị sang Unicode"]
