"""Finding templates by name along a search path, and the sandboxed Jinja environment they run in.

A template NAME is a text template `NAME.md.j2` (section outline and standard wording) plus the Word layout
`bo-cuc.docx` (or `NAME.docx` when a template has a layout of its own). Each is looked up along the search path:
the author's own folders (`--templates DIR`), then the built-in national base `quoc-gia`. The first match wins,
so a folder overrides only what it contains. A text template may extend another with Jinja's
`{% extends "quoc-gia/quy.md.j2" %}` and replace just the blocks that differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from cchc_docgen import formatting as fmt
from cchc_docgen.compute import Year
from cchc_docgen.errors import TemplateError
from cchc_docgen.inline import escape

NATIONAL = "quoc-gia"
TEXT_SUFFIX = ".md.j2"
DEFAULT_LAYOUT = "bo-cuc.docx"


def builtin_templates_dir() -> Path:
    """`templates/` of the repository (editable install, tests) or its copy inside the installed wheel."""
    here = Path(__file__).resolve().parent
    packaged = here / "_templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


class Raw(str):
    """Template output that is already markup: printed as is, not escaped."""


def _finalize(value):
    """How `{{ value }}` prints in a text template: data text is escaped so it prints literally
    (a ward's "**" or "{{" never becomes markup or code), numbers and dates take the Vietnamese form,
    and a missing value prints nothing rather than "None"."""
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Year):
        return str(int(value))
    if isinstance(value, (int, float)):
        return fmt.format_number(value)
    if hasattr(value, "isoformat"):
        return fmt.format_date_short(value)
    return escape(str(value))


def make_environment(search_path: list[Path]) -> SandboxedEnvironment:
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(p) for p in search_path], encoding="utf-8"),
        # "quoc-gia/quy.md.j2" always names the national base, so an override can extend the file it replaces.
        jinja2.PrefixLoader({NATIONAL: jinja2.FileSystemLoader(str(builtin_templates_dir() / NATIONAL))}),
    ])
    env = SandboxedEnvironment(
        loader=loader,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
    )
    env.filters.update(fmt.JINJA_FILTERS)
    env.globals.update(fmt.JINJA_GLOBALS)
    return env


@dataclass
class ReportTemplate:
    """A named template: its compiled text template and where its layout is. Compiled once, used for many documents."""

    name: str
    text: jinja2.Template
    text_path: Path
    layout_path: Path


class TemplateLibrary:
    """All templates reachable from one search path; each is compiled on first use and kept."""

    def __init__(self, extra_dirs=()):
        self.search_path = [Path(d) for d in extra_dirs] + [builtin_templates_dir() / NATIONAL]
        self.env = make_environment(self.search_path)
        self._cache: dict[str, ReportTemplate] = {}

    def find_file(self, relative: str) -> Path | None:
        for root in self.search_path:
            candidate = root / relative
            if candidate.is_file():
                return candidate
        return None

    @cached_property
    def names(self) -> list[str]:
        found = set()
        for root in self.search_path:
            if root.is_dir():
                found.update(p.name[: -len(TEXT_SUFFIX)] for p in root.glob("*" + TEXT_SUFFIX) if not p.name.startswith("_"))
        return sorted(found)

    def get(self, name: str) -> ReportTemplate:
        if name in self._cache:
            return self._cache[name]
        text_path = self.find_file(name + TEXT_SUFFIX)
        if text_path is None or name.startswith("_"):
            known = ", ".join(self.names) or "(không có)"
            raise TemplateError(f"không có mẫu '{name}'; các mẫu hiện có: {known}")
        try:
            text = self.env.get_template(name + TEXT_SUFFIX)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"lỗi cú pháp mẫu tại {exc.filename or text_path}:{exc.lineno}: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"mẫu '{name}' dùng tệp không tìm thấy: {exc.name}") from None
        layout_path = self.find_file(name + ".docx") or self.find_file(DEFAULT_LAYOUT)
        if layout_path is None:
            raise TemplateError(f"mẫu '{name}' không có tệp bố cục {DEFAULT_LAYOUT}")
        template = ReportTemplate(name, text, text_path, layout_path)
        self._cache[name] = template
        return template
