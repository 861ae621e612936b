"""Finding templates by name along a search path, with the settings merged along it.

A template NAME is a text template `NAME.md.j2` (section outline and standard wording) plus the Word layout
`bo-cuc.docx` (or `NAME.docx` when a template has a layout of its own). Each is looked up along the search path:
the author's own folders (`--templates DIR`), then the built-in national base `quoc-gia`. The first match wins,
so a folder overrides only what it contains. A text template may extend another with Jinja's
`{% extends "quoc-gia/quy.md.j2" %}` and replace just the blocks that differ.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cached_property
from pathlib import Path
from typing import ClassVar

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from cchc_docgen.composing.inline import escape
from cchc_docgen.composing.numbering import SchemeError, parse_scheme
from cchc_docgen.domain import formatting as fmt
from cchc_docgen.domain.provinces import folder_name as province_folder
from cchc_docgen.domain.provinces import province_slug
from cchc_docgen.errors import Location, TemplateError
from cchc_docgen.templating import forms
from cchc_docgen.templating.cache import bytecode_cache, prebuilt_settings
from cchc_docgen.templating.sandbox import (
    BoundedSandbox,
    ConfinedFileSystemLoader,
    OutsideTemplateFolder,
    refuse_outside,
)
from cchc_docgen.templating.undefined import DataUndefined

NATIONAL = "quoc-gia"
TEXT_SUFFIX = ".md.j2"
# What a template's name may be: what the data's `mau` may say (bao_cao.schema.json). A file named otherwise
# ("Báo cáo tháng.docx") could be asked for with -t but never by `mau`: it is no template, and is said so.
TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
DEFAULT_LAYOUT = "bo-cuc.docx"
SETTINGS_FILE = "cau-hinh.yaml"


def builtin_templates_dir() -> Path:
    """`templates/` of the repository (editable install, tests) or its copy inside the installed wheel."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


class Raw(str):
    """Template output that is already markup: printed as is, not escaped."""


class TextTemplateSandbox(BoundedSandbox):
    """The sandbox of text templates. Whatever Jinja renders and hands back as a value instead of printing it (what
    `super()`, `self.block()`, a macro or `caller()` returns, a `{% set x %}…{% endset %}` capture, the text a
    `{% filter %}` receives) is template output, already markup with the ward's content placed by khoi(); it is
    Raw, so printing it does not escape it a second time as if it were data text. Jinja joins all of these with
    `environment.concat`, the one place to say so (Jinja's own way, autoescape and Markup, escapes for HTML)."""

    @staticmethod
    def concat(pieces):
        return Raw(BoundedSandbox.concat(pieces))


def finalize_text(value):
    """How `{{ value }}` prints in a text template: data text is escaped so it prints literally
    (a ward's "**" or "{{" never becomes markup or code), numbers and dates take the Vietnamese form,
    and a missing value prints nothing rather than "None"."""
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value
    if isinstance(value, jinja2.Undefined):  # callable too; printing it raises the right (Strict/sandbox) error
        return str(value)
    if callable(value):  # a function or class named but not called: its Python repr is no text for a report
        raise TemplateError(f"mẫu in ra một hàm hoặc lớp chưa được gọi ({getattr(value, '__name__', '?')}); "
                            "thiếu dấu ngoặc '( )'?")
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (int, float)):  # a Label (a year, a document number) prints ungrouped
        return fmt.format_number(value)
    if hasattr(value, "isoformat"):
        return fmt.format_date_short(value)
    return escape(str(value))


def _number_word_filters(options: dict) -> dict:
    """bang_chu / tien_bang_chu with the province's reading ("lẻ" or "linh", "ngàn" or "nghìn") as default."""
    le, ngan = bool(options.get("le")), bool(options.get("ngan"))

    def bang_chu(value, le=le, ngan=ngan):
        return fmt.number_to_words(value, le=le, ngan=ngan)

    def tien_bang_chu(value, le=le, ngan=ngan):
        return fmt.money_in_words(value, le=le, ngan=ngan)

    bang_chu.__doc__ = fmt.number_to_words.__doc__
    tien_bang_chu.__doc__ = fmt.money_in_words.__doc__
    return {"bang_chu": bang_chu, "tien_bang_chu": tien_bang_chu}


def make_environment(search_path: list[Path], settings: dict | None = None) -> SandboxedEnvironment:
    builtin = builtin_templates_dir()
    loader = jinja2.ChoiceLoader([
        ConfinedFileSystemLoader([str(p) for p in search_path], encoding="utf-8"),
        # "quoc-gia/quy.md.j2" always names the national base (likewise "quang-ninh/…" a built-in province),
        # so an override can extend the very file it replaces.
        jinja2.PrefixLoader({d.name: ConfinedFileSystemLoader(str(d)) for d in builtin.iterdir() if d.is_dir()}),
    ])
    env = TextTemplateSandbox(
        loader=loader,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=DataUndefined,
        finalize=finalize_text,
        autoescape=False,
        bytecode_cache=bytecode_cache(search_path, settings),
    )
    env.filters.update(fmt.JINJA_FILTERS)
    env.filters.update(_number_word_filters((settings or {}).get("doc_so", {})))
    env.globals.update(fmt.JINJA_GLOBALS)
    return env


class ReportTemplate:
    """A named template: its compiled text template and where its layout is. Compiled once, used for many documents.
    (A plain class, not a dataclass: @dataclass compiles its methods at every start, and a template is compared by
    identity only.)"""

    kind: ClassVar[str] = "text"  # a Word form is "form" (templating/forms.py): the pipeline composes it otherwise

    def __init__(self, name: str, text: jinja2.Template, text_path: Path, layout_path: Path, library: "TemplateLibrary"):
        self.name = name
        self.text = text
        self.text_path = text_path
        self.layout_path = layout_path
        self.library = library

    @cached_property
    def schema(self) -> dict:
        """The data's schema for this kind: the package's, with what the template folders declare of it."""
        return self.library.schema(self.name)

    @cached_property
    def declaration(self) -> dict:
        return self.library.declaration(self.name)

    @cached_property
    def names_read(self) -> set[str]:
        """The context names the template (or a file it extends) reads, found by parsing them (for `docgen new`
        and `docgen schema`; read once per template object, which a library keeps for the process's life)."""
        import jinja2.meta

        return set().union(*(jinja2.meta.find_undeclared_variables(self.library.env.parse(source))
                             for source in self.library.sources(self.name)))

    @property
    def numbering(self):
        """The `danh_so` of the template kind's declaration: its numbering scheme (composing.numbering)."""
        return self.declaration.get("danh_so")

    @cached_property
    def reads_period(self) -> bool:
        """Whether the template or a file it extends names ky_bao_cao, the reporting period (a plan does not).
        Its sources are searched as text: parsing them with Jinja would cost a one-shot render ~40 ms."""
        return any(re.search(r"\bky_bao_cao\b", source) for source in self.library.sources(self.name))


class Named:
    """In SETTINGS_SHAPE: a group whose keys are names the author chooses (report kinds, sections, figure
    groups, fields), each holding `shape`."""

    def __init__(self, shape: dict, what: str):
        self.shape, self.what = shape, what


# The types a declared figure may have (cau-hinh.yaml: mau.NAME.so_lieu.GROUP.truong.FIELD.kieu) and their schema.
FIGURE_TYPES = {
    "so_nguyen": {"$ref": "#/$defs/so_nguyen"},  # a count
    "so": {"type": "number"},  # any number (a percentage, an amount)
    "chu": {"type": "string"},  # a text (a decision's number, a note)
    "ty_so": {"$ref": "#/$defs/ty_so"},  # {dat, tong}: so many of so many
}
SECTION_SHAPE = {"tieu_de": str, "mo_ta": str, "van_ban": bool}
FIGURE_GROUP_SHAPE = {"mo_ta": str, "truong": Named({"kieu": tuple(FIGURE_TYPES), "mo_ta": str}, "trường")}


def _check_numbering(value, loaded, here: tuple) -> None:
    """A kind's `danh_so` (composing.numbering.parse_scheme), its problem located at the entry or key."""
    try:
        parse_scheme(value)
    except SchemeError as exc:
        where = here + exc.path
        at_key = bool(exc.path) and isinstance(exc.path[-1], str) and exc.path[-1] not in ("kieu", "dem_lai")
        raise TemplateError(exc.message, loaded.location(where, key=at_key), where) from None


def _check_rollup(value, loaded, here: tuple) -> None:
    """A kind's `tong_hop` (domain/rollup.py). The module is imported only for a folder that declares one (a
    province's own): the built-in folders' settings come prebuilt and checked, so a render has no use for it
    (measured: a one-shot render 490.2 M → 483.7 M instructions)."""
    from cchc_docgen.domain import rollup

    rollup.check_declaration(value, loaded, here)


KIND_SHAPE = {"ten": str, "mo_ta": str, "ke_thua": str, "danh_so": _check_numbering, "muc": Named(SECTION_SHAPE, "mục"),
              "so_lieu": Named(FIGURE_GROUP_SHAPE, "nhóm số liệu"),
              # a Word form's own (templating/forms.py): its document sign and the fields the data may add
              "ky_hieu": str, forms.OWN_FIELDS: forms.check_own_fields,
              # how a compiling kind rolls its units' figures up (docgen tong-hop; domain/rollup.py)
              "tong_hop": _check_rollup}  # rollup.DECLARATION_KEY
# What a cau-hinh.yaml may hold: a key's type (a tuple: one of these words), or for a group its own keys.
# A function checks a group of its own (Word forms' declarations: templating/forms.py).
SETTINGS_SHAPE = {"ten": str, "doc_so": {"le": bool, "ngan": bool}, "mau": Named(KIND_SHAPE, "mẫu"),
                  "mau_word": forms.check_declarations}
_TYPE_NAMES = {str: "một chuỗi chữ", bool: "true hoặc false", list: "một danh sách [ … ]"}


def _shown(value) -> str:
    """A value as YAML would show it: 5, "có", ["le"]."""
    return json.dumps(value, ensure_ascii=False, default=str)


def read_settings(path: Path, shipped: bool = True) -> dict:
    """A template folder's cau-hinh.yaml, checked against SETTINGS_SHAPE; a problem is a TemplateError at the
    file, line and key (read by the data loader, which keeps positions). With `shipped`, the text of a built-in
    folder's file gives its settings as they were read and checked when the package was built
    (templating/prebuilt/, tools/prebuild.py): a one-shot render read the national folder's through the loader
    at every run (measured: one-shot warm 511 M → 508 M, empty cache 525 M → 522 M)."""
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.reading import loader

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"không đọc được tệp cấu hình mẫu ({exc})", Location(str(path))) from None
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return {}  # only comments: nothing to set
    settings = prebuilt_settings(text) if shipped else None
    if settings is not None:
        return settings
    try:
        loaded = loader.load(path)
    except DocgenError as exc:
        raise TemplateError(f"tệp cấu hình mẫu: {exc.message}", exc.location, exc.path) from None

    def check(data: dict, shape: dict, path_: tuple) -> None:
        for key, value in data.items():
            here = path_ + (key,)
            if key not in shape:
                # only for a message: a good render does not import it
                from difflib import get_close_matches

                close = get_close_matches(str(key), list(shape), n=1)
                hint = f"; có phải ý bạn là '{close[0]}'?" if close else ""
                raise TemplateError(f"khóa '{key}' không có trong tệp cấu hình mẫu{hint}; các khóa được dùng: "
                                    f"{', '.join(shape)}", loaded.location(here, key=True), here)
            wanted = shape[key]
            if isinstance(wanted, Named):
                if not isinstance(value, dict):
                    raise TemplateError(f"phải là một nhóm, mỗi {wanted.what} một khóa; đang ghi: {_shown(value)}",
                                        loaded.location(here), here)
                for name, item in value.items():
                    if not isinstance(item, dict):
                        raise TemplateError(f"{wanted.what} '{name}' phải là một nhóm khóa ({', '.join(wanted.shape)})"
                                            f"; đang ghi: {_shown(item)}", loaded.location(here + (name,)), here + (name,))
                    check(item, wanted.shape, here + (name,))
            elif isinstance(wanted, tuple):
                if value not in wanted:
                    raise TemplateError(f"phải là một trong: {', '.join(wanted)}; đang ghi: {_shown(value)}",
                                        loaded.location(here), here)
            elif callable(wanted) and not isinstance(wanted, type):
                wanted(value, loaded, here)
            elif isinstance(wanted, dict):
                if not isinstance(value, dict):
                    first = next(iter(wanted))
                    raise TemplateError(f"phải là một nhóm khóa ({', '.join(wanted)}), ví dụ '{key}: {{{first}: true}}'"
                                        f"; đang ghi: {_shown(value)}", loaded.location(here), here)
                check(value, wanted, here)
            elif not isinstance(value, wanted):
                raise TemplateError(f"phải là {_TYPE_NAMES[wanted]}; đang ghi: {_shown(value)}", loaded.location(here),
                                    here)

    check(loaded.data, SETTINGS_SHAPE, ())
    return loaded.data


class TemplateLibrary:
    """All templates reachable from one search path; each is compiled on first use and kept.

    The search path is: the author's folders (`--templates`), the province's built-in folder (when there is
    one), then the national base. Settings (`cau-hinh.yaml`: the province's name, number-word options) are
    merged along the same path, the nearest folder winning.
    """

    def __init__(self, extra_dirs=(), province: str | None = None):
        builtin = builtin_templates_dir()
        self.province = province_folder(province) if province else None
        province_dir = builtin / self.province if self.province else None
        self.extra_dirs = tuple(Path(d) for d in extra_dirs)
        self.search_path = list(self.extra_dirs)
        if province_dir is not None and province_dir.is_dir():
            self.search_path.append(province_dir)
        self.search_path.append(builtin / NATIONAL)
        self.settings = self._settings()
        self.env = make_environment(self.search_path, self.settings)
        self._cache: dict[str, ReportTemplate] = {}
        self._catalogs: dict[str, object] = {}
        self._schemas: dict[str | None, dict] = {}  # report kind (None: all) → the data's schema

    def _unknown(self, name: str):
        """Raise UnknownTemplate for `name`: the template most likely meant, or the file that would be it under a
        name a template can have."""
        known = ", ".join(self.names) or "(không có)"
        renamed = [(path, proper) for path, proper in self.misnamed()
                   if fmt.likely_meant(name, [proper.split(".")[0]]) or path.name.startswith(name + ".")]
        if renamed:
            path, proper = renamed[0]
            raise UnknownTemplate(f"không có mẫu '{name}': tên mẫu viết thường, không dấu, nối bằng '-'; đổi tên tệp "
                                  f"{path} thành {proper} rồi dùng mẫu '{proper.split('.')[0]}'; các mẫu hiện có: "
                                  f"{known}")
        guess = fmt.likely_meant(name, self.names)
        raise UnknownTemplate(f"không có mẫu '{name}'" + (f" (có phải ý bạn là '{guess}'?)" if guess else "")
                              + f"; các mẫu hiện có: {known}")

    def catalog_names(self) -> list[str]:
        """The Phụ lục catalogs along the search path (phu-luc/TEN.yaml), by name."""
        return sorted({p.stem for root in self.search_path if (root / "phu-luc").is_dir()
                       for p in (root / "phu-luc").glob("*.yaml")})

    def unknown_catalog(self, name: str) -> str:
        """The message for a catalog of no such name: the one most likely meant, and those there are."""
        names = self.catalog_names()
        guess = fmt.likely_meant(name, names)
        return (f"không có biểu phụ lục '{name}' trong các thư mục mẫu" + (f" (có phải ý bạn là '{guess}'?)" if guess
                                                                          else "")
                + f"; các biểu hiện có: {', '.join(names) or '(không có)'}")

    def catalog(self, name: str, path: Path):
        """The indicator catalog of a Phụ lục, read once per process."""
        from cchc_docgen.domain.appendix import load_catalog

        if str(path) not in self._catalogs:
            refuse_outside(path, self.search_path)
            self._catalogs[str(path)] = load_catalog(name, path)
        return self._catalogs[str(path)]

    def for_province(self, province: str | None) -> "TemplateLibrary":
        """This library with the province's built-in folder on the path, unless a province is already set."""
        if self.province or not province:
            return self
        return library_for(self.extra_dirs, province)

    def _settings(self) -> dict:
        merged: dict = {}
        self._declared: list[dict] = []  # each folder's `mau:` declarations, the national base first
        for root in reversed(self.search_path):
            path = root / SETTINGS_FILE
            if path.is_file():
                refuse_outside(path, [root])
                read = read_settings(path)
                if read.get("mau"):
                    self._declared.append(read["mau"])
                for key, value in read.items():
                    if isinstance(value, dict) and isinstance(merged.get(key), dict):
                        merged[key] = {**merged[key], **value}
                    else:
                        merged[key] = value
        return merged

    def find_file(self, relative: str) -> Path | None:
        """The first `relative` file along the search path; a link out of its folder is an error (see `inside`)."""
        for root in self.search_path:
            candidate = root / relative
            if candidate.is_file():
                refuse_outside(candidate, [root])
                return candidate
        return None

    def declaration(self, name: str) -> dict:
        """What the template folders declare of report kind `name` (cau-hinh.yaml, `mau: {name: …}`): its title,
        sections (`muc`), figure groups (`so_lieu`), numbering (`danh_so`). Folders nearer the front of the search
        path win key by key (a province adds a section to a national kind without restating the others), and
        `ke_thua: other` starts from the other kind's declaration."""
        return self._declaration(name, ())

    def _declaration(self, name: str, seen: tuple) -> dict:
        if name in seen:
            raise TemplateError(f"khai báo mẫu kế thừa vòng quanh: {' → '.join((*seen, name))} (ke_thua trong "
                                f"{SETTINGS_FILE})")
        merged: dict = {}
        for folder in self._declared:
            _merge_into(merged, folder.get(name) or {})
        base = merged.get("ke_thua")
        if base:
            inherited = copy.deepcopy(self._declaration(base, (*seen, name)))
            inherited.pop("ten", None)
            merged = _merge_into(inherited, merged)
        return merged

    @cached_property
    def declared_names(self) -> list[str]:
        return sorted({name for folder in self._declared for name in folder})

    def schema(self, name: str | None = None) -> dict:
        """The data's JSON Schema for report kind `name` (every kind of the library when None): the package's,
        with the sections and figure groups the template folders declare. Made once per library and kind."""
        cache = self._schemas
        if name not in cache:
            from cchc_docgen.reading.validate import load_schema

            kinds = [name] if name else sorted(set(self.names) | set(self.declared_names))
            declarations = [self.declaration(kind) for kind in kinds]
            if not any(d.get("muc") or d.get("so_lieu") for d in declarations):
                cache[name] = load_schema()  # nothing declared: the package's own (compiled once for all)
            else:
                cache[name] = _declared_schema(load_schema(), declarations)
        return cache[name]

    @cached_property
    def names(self) -> list[str]:
        found = set()
        for root in self.search_path:
            if root.is_dir():
                found.update(p.name[: -len(TEXT_SUFFIX)] for p in root.glob("*" + TEXT_SUFFIX) if not p.name.startswith("_"))
        return sorted(n for n in found | set(forms.form_names(self)) if TEMPLATE_NAME.match(n))

    def misnamed(self) -> list[tuple[Path, str]]:
        """The template files along the path whose names can be no template's: (the file, the name to give it);
        a misnamed layout ("bo_cuc.docx") is not one."""
        files = [path for root in self.search_path if root.is_dir() for path in sorted(root.iterdir())]
        return [(path, proper) for path in files
                if (proper := proper_template_file(path.name)) and proper != DEFAULT_LAYOUT]

    def get(self, name: str) -> ReportTemplate:
        if name in self._cache:
            return self._cache[name]
        if not TEMPLATE_NAME.match(name):
            self._unknown(name)
        text_path = self.find_file(name + TEXT_SUFFIX)
        if text_path is None:  # a Word form TEN.docx (templating/forms.py)?
            form = forms.find_form(self, name)
            if form is not None:
                self._cache[name] = form
                return form
        if text_path is None or name.startswith("_") or "/" in name:
            self._unknown(name)
        try:
            text = self.env.get_template(name + TEXT_SUFFIX)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"lỗi cú pháp mẫu tại {exc.filename or text_path}:{exc.lineno}: {exc.message}") from None
        except OutsideTemplateFolder as exc:
            raise TemplateError(f"mẫu '{name}': {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"mẫu '{name}' dùng tệp không tìm thấy: {exc.name}") from None
        layout_path = self.find_file(name + ".docx") or self.find_file(DEFAULT_LAYOUT)
        if layout_path is None:
            raise TemplateError(f"mẫu '{name}' không có tệp bố cục {DEFAULT_LAYOUT}")
        template = ReportTemplate(name, text, text_path, layout_path, self)
        self._cache[name] = template
        return template

    def text_chain(self, name: str) -> list[str]:
        """Where the text template comes from: its file, then each file it extends, nearest first."""
        chain, current = [], name + TEXT_SUFFIX
        while current and len(chain) < 20:
            source, filename, _ = self.env.loader.get_source(self.env, current)
            chain.append(filename)
            # Read the {% extends "…" %} tag as text (outside comments): parsing the template costs far more.
            parent = _EXTENDS.search(_JINJA_COMMENT.sub("", source))
            current = parent.group(1) if parent else None
        return chain

    def sources(self, name: str) -> list[str]:
        """The text of the template and of each file it extends, Jinja comments left out."""
        return [_JINJA_COMMENT.sub("", Path(f).read_text(encoding="utf-8")) for f in self.text_chain(name)]


def _merge_into(target: dict, source: dict) -> dict:
    """`source` merged into `target` key by key, groups recursively (the nearer folder's value wins)."""
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def _declared_schema(base: dict, declarations: list[dict]) -> dict:
    """`base` with each declared section as a field of noi_dung and each declared figure group as a group of
    so_lieu, described in Vietnamese from the declaration (for validate, `docgen new`, `docgen schema`)."""
    schema = copy.deepcopy(base)
    sections = schema["properties"]["noi_dung"]["properties"]
    groups = schema["$defs"]["so_lieu"]["properties"]
    for declaration in declarations:
        for key, section in (declaration.get("muc") or {}).items():
            if section.get("van_ban") is False:
                continue  # a heading the template fills alone: the ward writes nothing there
            title, about = section.get("tieu_de", ""), section.get("mo_ta", "")
            described = ": ".join(part for part in (title, about) if part) or key
            sections[key] = {**sections.get(key, {"$ref": "#/$defs/muc_noi_dung"}), "description": described}
        for key, group in (declaration.get("so_lieu") or {}).items():
            fields = {name: {**FIGURE_TYPES[spec.get("kieu", "so_nguyen")], "description": spec.get("mo_ta", name)}
                      for name, spec in (group.get("truong") or {}).items()}
            groups[key] = {"type": "object", "description": group.get("mo_ta", key), "properties": fields,
                           "additionalProperties": False}
    return schema


_EXTENDS = re.compile(r"{%-?\s*extends\s+[\"']([^\"']+)[\"']")
_JINJA_COMMENT = re.compile(r"{#.*?#}", re.DOTALL)
_LIBRARIES: dict[tuple, TemplateLibrary] = {}


def proper_template_file(name: str) -> str | None:
    """For a template file (TEN.md.j2, TEN.docx) whose TEN can be no template's name ("Báo cáo tháng.docx"), the
    name to give it ("bao-cao-thang.docx"); None for any other file. A `mau` is lower case, without diacritics,
    joined by '-'."""
    if name.startswith(("_", "~$", ".")) or name == DEFAULT_LAYOUT:
        return None
    suffix = next((s for s in (TEXT_SUFFIX, forms.FORM_SUFFIX) if name.lower().endswith(s)), None)
    if suffix is None or TEMPLATE_NAME.match(name[: -len(suffix)]):
        return None
    return province_slug(name[: -len(suffix)]) + suffix  # (a province's prefix, 'Tỉnh', stays: it is no province)


class UnknownTemplate(TemplateError):
    """No template of the name asked for (the data's `mau`, or -t)."""


def library_for(extra_dirs=(), province: str | None = None) -> TemplateLibrary:
    """One library per search path and province, kept for the life of the process (templates compile once)."""
    key = (tuple(str(Path(d).resolve()) for d in extra_dirs), province_folder(province) if province else None)
    if key not in _LIBRARIES:
        _LIBRARIES[key] = TemplateLibrary(extra_dirs, province)
    return _LIBRARIES[key]


def describe_templates(library: TemplateLibrary) -> str:
    """What `docgen templates` prints: each template and the file each of its parts comes from."""
    builtin = builtin_templates_dir()

    def where(path) -> str:
        path = Path(path).resolve()
        try:
            return f"{path.relative_to(builtin.resolve())} (có sẵn)"
        except ValueError:
            return str(path)

    provinces = sorted(d.name for d in builtin.iterdir() if d.is_dir() and d.name != NATIONAL)
    lines = [f"Tỉnh: {library.settings.get('ten', '') if library.province else '(không chọn; dùng --tinh)'}",
             "Thứ tự tìm mẫu: " + " → ".join(where(p) for p in library.search_path), ""]
    for name in library.names:
        template = library.get(name)
        if template.kind == "form":
            lines.append(f"{name}{' — ' + template.description if template.description else ''}")
            lines.append(f"  mẫu Word: {where(template.path)}")
            continue
        chain = library.text_chain(name)
        title = library.declaration(name).get("ten")
        lines.append(f"{name} — {title}" if title else name)
        lines.append(f"  nội dung: {where(chain[0])}")
        lines.extend(f"    kế thừa: {where(parent)}" for parent in chain[1:])
        lines.append(f"  bố cục:   {where(template.layout_path)}")
    catalogs = {}
    for root in reversed(library.search_path):
        for path in sorted((root / "phu-luc").glob("*.yaml")) if (root / "phu-luc").is_dir() else ():
            catalogs[path.stem] = path
    if catalogs:
        lines.append("")
        lines.append("Biểu phụ lục (phu_luc.bieu):")
        lines.extend(f"  {stem}: {where(path)}" for stem, path in sorted(catalogs.items()))
    settings = [where(root / SETTINGS_FILE) for root in library.search_path if (root / SETTINGS_FILE).is_file()]
    lines.append("")
    lines.append("Thiết lập (cau-hinh.yaml, gần nhất được ưu tiên): " + ", ".join(settings))
    doc_so = library.settings.get("doc_so", {})
    lines.append(f"Đọc số bằng chữ: {'lẻ' if doc_so.get('le') else 'linh'}, {'ngàn' if doc_so.get('ngan') else 'nghìn'}")
    lines.append("Các tỉnh có mẫu riêng: " + ", ".join(provinces))
    return "\n".join(lines)
