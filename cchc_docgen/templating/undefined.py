"""What a text template gets for a name or field the data does not have, and the message when it uses one.

Printing, iterating, comparing or computing with a missing value stops the render (StrictUndefined): a report
must not say "" where a figure belongs. Testing one is allowed only for figures: `so_lieu` maps (the report's,
a period's, their groups) take groups of any name, so a province template may read a group some wards declare
and others do not, and `{% if so_lieu.de_an_06 %}` is false for a ward without it, as it is for a standard group
the ward left out. Testing any other missing field (`{% if co_quan.ten_gio %}`) is still an error: outside the
figures a missing field is a typo in the template, and a typo that silently reads as false drops text unseen.
"""

from __future__ import annotations

import jinja2
from jinja2.utils import missing

from cchc_docgen.domain.compute import Figures
from cchc_docgen.errors import Location, TemplateError, format_path


class MissingField(jinja2.UndefinedError):
    """A template used a value the data does not have: `owner` is what it was looked up in (jinja2's `missing`
    for a top-level name), `name` the attribute or key."""

    def __init__(self, message: str, owner, name):
        super().__init__(message)
        self.owner = owner
        self.name = name


class DataUndefined(jinja2.StrictUndefined):
    """StrictUndefined, but false in a test when it is a figure (or group) looked up in a `so_lieu` map; a field
    of it is the same undefined, so `{% if so_lieu.de_an_06.tong %}` is false too and a message names the first
    missing field."""

    __slots__ = ()

    def _is_missing_figure(self) -> bool:
        return isinstance(self._undefined_obj, Figures)

    def _fail_with_undefined_error(self, *args, **kwargs):
        if self._undefined_exception is not jinja2.UndefinedError:  # the sandbox's refusal (SecurityError)
            raise self._undefined_exception(self._undefined_message)
        raise MissingField(self._undefined_message, self._undefined_obj, self._undefined_name)

    def __bool__(self) -> bool:
        if self._is_missing_figure():
            return False
        self._fail_with_undefined_error()

    def __getattr__(self, name: str):
        if name[:2] == "__":
            raise AttributeError(name)
        if self._is_missing_figure():
            return self
        self._fail_with_undefined_error()

    def __getitem__(self, name):
        if self._is_missing_figure():
            return self
        self._fail_with_undefined_error()

    __iter__ = __str__ = __len__ = _fail_with_undefined_error
    __eq__ = __ne__ = __hash__ = __contains__ = _fail_with_undefined_error
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail_with_undefined_error
    __pos__ = __neg__ = __call__ = __lt__ = __le__ = __gt__ = __ge__ = __int__ = __float__ = _fail_with_undefined_error
    __complex__ = __pow__ = __rpow__ = _fail_with_undefined_error


def template_position(traceback) -> Location | None:
    """The template file and line that was running when the error was raised: the innermost frame jinja2
    rewrote to point at a template (its globals hold __jinja_exception__)."""
    found = None
    while traceback is not None:
        frame = traceback.tb_frame
        if "__jinja_exception__" in frame.f_globals:
            found = Location(frame.f_code.co_filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _path_of(target, value, path=(), seen=None):
    """The path of `target` (by identity) within the context `value`, or None. Walked only to make a message."""
    if value is target:
        return path
    seen = set() if seen is None else seen
    if id(value) in seen:
        return None
    if isinstance(value, dict):
        seen.add(id(value))
        items = value.items()
    elif isinstance(value, list):
        seen.add(id(value))
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(item, (dict, list)) or item is target:
            found = _path_of(target, item, path + (key,), seen)
            if found is not None:
                return found
    return None


def _did_you_mean(name, candidates) -> str:
    # only for a message: a render that goes well does not import it
    from difflib import get_close_matches

    close = get_close_matches(str(name), [str(c) for c in candidates], n=1)
    return f"; có phải ý bạn là '{close[0]}'?" if close else ""


def missing_field_error(exc: jinja2.UndefinedError, context: dict, template_name: str,
                        known_names=()) -> TemplateError:
    """The Vietnamese error for a template that used a value the data lacks, at the template's file and line:
    the missing field named by its place in the data ('so_lieu.de_an_06'), or the unknown name. `known_names`:
    the names a template can read besides the data (helpers, formatting globals), for "did you mean"."""
    where = template_position(exc.__traceback__)
    head = f"mẫu '{template_name}'"
    if not isinstance(exc, MissingField):  # raised by jinja2 itself (e.g. a sandbox's missing attribute)
        return TemplateError(f"{head}: dùng giá trị không có ({exc.message})", where)
    if exc.owner is missing:
        hint = _did_you_mean(exc.name, [*context, *known_names])
        return TemplateError(f"{head}: không có biến '{exc.name}'{hint}", where)
    owner_path = _path_of(exc.owner, context)
    if owner_path is None:  # a value the template made itself (a loop variable, a {% set %})
        return TemplateError(f"{head}: giá trị không có trường '{exc.name}' ({exc.message})", where)
    field = format_path(owner_path + (exc.name,))
    if isinstance(exc.owner, Figures):
        advice = (f"đặt chỗ dùng nó trong {{% if {field} %}} … {{% endif %}} (đúng khi đơn vị có số liệu này) "
                  f"hoặc khai báo '{field}' trong tệp dữ liệu")
    else:
        keys = exc.owner if isinstance(exc.owner, dict) else ()
        hint = _did_you_mean(exc.name, keys)
        if hint:
            return TemplateError(f"{head}: dữ liệu không có trường '{field}'{hint}", where)
        advice = f"dùng {{% if {field} is defined %}} … {{% endif %}} hoặc ghi trường này trong dữ liệu"
    return TemplateError(f"{head}: dữ liệu không có trường '{field}'; {advice}", where)
