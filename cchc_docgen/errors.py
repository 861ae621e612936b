"""Errors a user can act on: every one names the file, the position and the field, in Vietnamese."""

from __future__ import annotations

from cchc_docgen.record import Record


class Location(Record):
    __slots__ = ("file", "line", "column")

    def __init__(self, file: str, line: int | None = None, column: int | None = None):
        self.file = file
        self.line = line  # 1-based
        self.column = column  # 1-based

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


def format_path(path) -> str:
    """('noi_dung', 'the_che', 2) → 'noi_dung.the_che[2]' — how a field is named in messages."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class DocgenError(Exception):
    """A problem in the user's data or templates. Reported without a traceback, exit code 1.

    The stages name the field (`path`, and `at_key` when the problem is the field's name rather than its value);
    where the data came from a file, the pipeline fills in `location` (file:line:column) at the edge, with
    `locate`. Readers of files (the YAML loader, a template's settings) give the location themselves."""

    def __init__(self, message: str, location: Location | None = None, path=(), *, at_key: bool = False):
        super().__init__(message)
        self.message = message
        self.location = location
        self.path = tuple(path)
        self.at_key = at_key

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        field = f"trường '{format_path(self.path)}': " if self.path else ""
        return f"{prefix}{field}{self.message}"


class DataError(DocgenError):
    """The YAML data is malformed or does not fit the schema."""


class TemplateError(DocgenError):
    """A template is missing or broken."""


class ErrorList(DataError):
    """Several data errors found in one pass, reported together; its location and field are the first's."""

    def __init__(self, errors: list[DocgenError]):
        self.errors = errors
        first = errors[0] if errors else None
        super().__init__("\n".join(str(e) for e in errors), first.location if first else None,
                         first.path if first else ())

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def locate(error: DocgenError, locator) -> DocgenError:
    """Give `error` (and each error of an ErrorList) the file:line:column of its field, from `locator`
    (reading.loader.LoadedData: the data's file and positions), where it has none yet. Returns `error`."""
    for each in error.errors if isinstance(error, ErrorList) else [error]:
        # A problem of the data has a place in its file; one of a template (naming no field) has not.
        if each.location is None and (each.path or isinstance(each, DataError)):
            each.location = locator.location(each.path, key=each.at_key)
    if isinstance(error, ErrorList) and error.errors:
        error.errors.sort(key=lambda e: (e.location.line or 0, e.location.column or 0) if e.location else (0, 0))
        error.location = error.errors[0].location
    return error
