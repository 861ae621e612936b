"""Errors a user can act on: every one names the file, the position and the field, in Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Location:
    file: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

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
    """A problem in the user's data or templates. Reported without a traceback, exit code 1."""

    def __init__(self, message: str, location: Location | None = None, path=()):
        super().__init__(message)
        self.message = message
        self.location = location
        self.path = tuple(path)

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
