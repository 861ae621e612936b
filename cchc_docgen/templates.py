"""Finding templates by name along a search path, and the sandboxed Jinja environment they run in.

A template NAME is a text template `NAME.md.j2` (section outline and standard wording) plus the Word layout
`bo-cuc.docx` (or `NAME.docx` when a template has a layout of its own). Each is looked up along the search path:
the author's own folders (`--templates DIR`), then the built-in national base `quoc-gia`. The first match wins,
so a folder overrides only what it contains. A text template may extend another with Jinja's
`{% extends "quoc-gia/quy.md.j2" %}` and replace just the blocks that differ.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import signal
import stat
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
import yaml
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment

from cchc_docgen import formatting as fmt
from cchc_docgen.errors import DocgenError, TemplateError
from cchc_docgen.inline import escape

NATIONAL = "quoc-gia"
TEXT_SUFFIX = ".md.j2"
DEFAULT_LAYOUT = "bo-cuc.docx"
SETTINGS_FILE = "cau-hinh.yaml"


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


def province_slug(name: str) -> str:
    """'Quảng Ninh' → 'quang-ninh', the folder name of a province's templates."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


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


def cache_dir() -> Path | None:
    """Where compiled templates are kept between runs ($DOCGEN_CACHE_DIR, else the user's cache folder);
    None when caching is off (DOCGEN_CACHE_DIR set empty), the folder cannot be made, or it is not safe.

    The cache holds compiled code that docgen runs: a folder that anyone but its owner (us) can write to would
    let them plant code, so such a folder is not used (caching off only costs time)."""
    configured = os.environ.get("DOCGEN_CACHE_DIR")
    if configured == "":
        return None
    base = Path(configured) if configured else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cchc_docgen"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(base)
    except OSError:
        return None
    if not _private(info) or not os.access(base, os.W_OK):
        return None
    return base


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (on systems without owners, any file)."""
    owner_ok = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def cache_get(name: str) -> bytes | None:
    """A file of the cache folder, or None (no cache, not there, unreadable, or not written by this user)."""
    folder = cache_dir()
    return _read_private(folder / name) if folder else None


def _read_private(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not (stat.S_ISREG(os.fstat(fd).st_mode) and _private(os.fstat(fd))):
            return None
        try:
            return handle.read()
        except OSError:
            return None


def cache_put(name: str, data: bytes) -> None:
    """Store a file in the cache folder atomically; a cache that cannot be written only costs time."""
    folder = cache_dir()
    if folder is not None:
        _write_private(folder / name, data)


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled text templates kept between runs, so a one-shot render skips Jinja's compiler; an edited
    template is compiled afresh (Jinja checks the source's checksum). The key also holds the environment's
    settings: Jinja folds constant filter calls at compile time ({{ 1005|bang_chu }}), so code compiled for
    one province's number words must not serve another's. Entries are read only when this user wrote them
    (see cache_dir)."""

    def __init__(self, folder: Path, salt: str):
        super().__init__(str(folder), "jinja-%s.cache")
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}\0{name}\0{filename}".encode()).hexdigest()[:40]

    def load_bytecode(self, bucket) -> None:
        data = _read_private(Path(self._get_cache_filename(bucket)))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        _write_private(Path(self._get_cache_filename(bucket)), bucket.bytecode_to_string())


def _bytecode_cache(search_path, settings):
    folder = cache_dir()
    if folder is None:
        return None
    salt = json.dumps([[str(p) for p in search_path], settings, jinja2.__version__, COMPILED_CODE_VERSION],
                      sort_keys=True, default=str)
    return _BytecodeCache(folder, salt)


# What a template may build: the sandbox already bounds range(); these bound the rest of a runaway template.
# Each check is made before the work where the work is one C call (a signal cannot stop it half-way), and on the
# result where one step can at most double what the template already had.
MAX_BUILT_LENGTH = 1_000_000  # characters or items made by "*" (text * n, list * n), or a width ("%0999d")
MAX_POWER_BITS = 100_000  # size of a number made by "**"
MAX_TEXT_LENGTH = 20_000_000  # characters of text joined or printed at once: some 10,000 pages
MAX_TEMPLATE_MEMORY = 512 * 2**20  # bytes a template's run may add to the process (where the OS can cap it)
DEFAULT_TEMPLATE_SECONDS = 1.5  # time to render one template
# Raise when the compiled code changes (BoundedCodeGenerator): code cached by an older docgen has no checks.
COMPILED_CODE_VERSION = "bounded-2"


class TooBigError(jinja2.exceptions.SecurityError):
    """A template asked for a value or a computation far beyond any document."""


def _check_length(text, limit: int = MAX_TEXT_LENGTH):
    if len(text) > limit:
        raise TooBigError(f"tạo ra một đoạn chữ dài {len(text):,} ký tự".replace(",", "."))
    return text


def _check_width(width, what: str) -> None:
    if isinstance(width, int) and width > MAX_BUILT_LENGTH:
        raise TooBigError(f"{what} đòi độ rộng {width:,} ký tự".replace(",", "."))


# printf-style conversions ("%-08.3f", "%(name)s", "%*d"): the width and precision decide the result's size.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
# str.format fields ("{:>300000000}", "{0:{w}}"): every number in the spec part
_FORMAT_SPEC_NUMBER = re.compile(r"\d+")


def _check_percent_format(text: str, args) -> None:
    values = args if isinstance(args, tuple) else (args,)
    for width, precision in _PERCENT_SPEC.findall(text):
        for number in (width, precision):
            if number == "*":
                for value in values:
                    _check_width(value, "phép định dạng '%'")
            elif number:
                _check_width(int(number), "phép định dạng '%'")


def _check_format_fields(text: str, args, kwargs) -> None:
    import string

    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # malformed: str.format itself says so
    for _, _, spec, _ in fields:
        if not spec:
            continue
        for number in _FORMAT_SPEC_NUMBER.findall(spec):
            _check_width(int(number), "phép định dạng format")
        if "{" in spec:  # a width taken from the arguments
            for value in (*args, *kwargs.values()):
                _check_width(value, "phép định dạng format")


def _check_join(pieces, separator: str = "", what: str = "ghép nối ra") -> list:
    pieces = list(pieces)
    total = sum(len(p) for p in pieces if isinstance(p, str)) + len(separator) * max(len(pieces) - 1, 0)
    if total > MAX_TEXT_LENGTH:
        raise TooBigError(f"{what} {total:,} ký tự".replace(",", "."))
    return pieces


def _check_replace(text: str, old: str, new: str, count=-1) -> None:
    if isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        found = text.count(old) if old else len(text) + 1
        if isinstance(count, int) and count >= 0:
            found = min(found, count)
        size = len(text) + found * (len(new) - len(old))
        if size > MAX_TEXT_LENGTH:
            raise TooBigError(f"phép thay thế tạo ra {size:,} ký tự".replace(",", "."))


def _checked_str_method(method, args, kwargs) -> tuple:
    """The str methods whose result can be far larger than their input, checked from their arguments; the
    arguments are returned (an iterable to join comes back as the list that was measured)."""
    text, name = method.__self__, method.__name__
    if name == "join" and len(args) == 1:
        return (_check_join(args[0], text),)
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _check_width(args[0], f"str.{name}")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            _check_width(size * text.count("\t"), "str.expandtabs")
    elif name == "replace" and len(args) >= 2:
        _check_replace(text, *args[:3])
    return args


def _bounded_filters(filters: dict) -> dict:
    """Jinja's filters that can build text far larger than their input, with the same checks."""
    center, indent, do_format, replace, join, batch = (filters[n] for n in ("center", "indent", "format", "replace",
                                                                           "join", "batch"))

    def bounded_center(value, width=80):
        _check_width(width, "bộ lọc center")
        return center(value, width)

    def bounded_indent(value, width=4, *args, **kwargs):
        size = width if isinstance(width, int) else len(str(width))
        _check_width(size * (str(value).count("\n") + 1), "bộ lọc indent")
        return indent(value, width, *args, **kwargs)

    def bounded_format(value, *args, **kwargs):
        _check_percent_format(str(value), kwargs or args)
        return do_format(value, *args, **kwargs)

    def bounded_replace(eval_ctx, value, old, new, count=None):
        _check_replace(str(value), str(old), str(new), -1 if count is None else count)
        return replace(eval_ctx, value, old, new, count)

    def bounded_join(eval_ctx, value, d="", attribute=None):
        if attribute is None and isinstance(value, (list, tuple)):
            _check_join(value, str(d))
        return _check_length(join(eval_ctx, value, d, attribute))

    def bounded_batch(value, linecount, fill_with=None):
        _check_width(linecount, "bộ lọc batch")
        return batch(value, linecount, fill_with)

    # replace and join take Jinja's evaluation context first, as the originals do
    bounded_replace.jinja_pass_arg = bounded_join.jinja_pass_arg = jinja2.utils._PassArg.eval_context
    for bounded, original in ((bounded_center, center), (bounded_indent, indent), (bounded_format, do_format),
                              (bounded_replace, replace), (bounded_join, join), (bounded_batch, batch)):
        bounded.__doc__ = original.__doc__
    return {"center": bounded_center, "indent": bounded_indent, "format": bounded_format, "replace": bounded_replace,
            "join": bounded_join, "batch": bounded_batch}


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's compiler, with every `a ~ b` concatenation checked for length (Jinja offers no hook for it)."""

    def visit_Concat(self, node, frame):
        self.write("environment.checked_length(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no internals, no files) that also refuses to build huge strings, lists or numbers."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])
    code_generator_class = BoundedCodeGenerator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.update(_bounded_filters(self.filters))

    @staticmethod
    def checked_length(text):
        return _check_length(text)

    @staticmethod
    def concat(pieces):
        """How Jinja joins a template's (or a block's, a macro's) output: refused beyond MAX_TEXT_LENGTH."""
        return "".join(_check_join(pieces, what="in ra"))

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_BUILT_LENGTH:
                    raise TooBigError(f"phép nhân tạo ra {len(seq) * times:,} phần tử".replace(",", "."))
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and max(abs(left).bit_length(), 1) * right > MAX_POWER_BITS:
                raise TooBigError("phép lũy thừa tạo ra một số quá lớn")
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left, right)
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            if len(left) + len(right) > MAX_TEXT_LENGTH:
                raise TooBigError(f"phép cộng tạo ra {len(left) + len(right):,} phần tử".replace(",", "."))
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value):
        """str.format / format_map as the sandbox runs them, with the fields' widths checked first."""
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        text, is_map = value.__self__, value.__name__ == "format_map"

        def checked(*args, **kwargs):
            _check_format_fields(text, args, args[0] if is_map and args and isinstance(args[0], dict) else kwargs)
            return wrapper(*args, **kwargs)

        return functools.update_wrapper(checked, value)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            args = _checked_str_method(__obj, args, kwargs)
        elif isinstance(owner, list) and getattr(__obj, "__name__", "") == "extend" and args:
            # l.extend(l) doubles a list each time it runs
            if hasattr(args[0], "__len__") and len(owner) + len(args[0]) > MAX_BUILT_LENGTH:
                raise TooBigError(f"danh sách dài quá {MAX_BUILT_LENGTH:,} phần tử".replace(",", "."))
        return super().call(__context, __obj, *args, **kwargs)


class TemplateTimeout(BaseException):
    """Rendering a template took longer than its budget. A BaseException: Jinja's own code catches Exception in
    places (the `is sequence` test) and would swallow it, leaving the template to run forever."""


def template_seconds() -> float:
    """The time one template may take: DOCGEN_TEMPLATE_SECONDS (a decimal comma is fine), else 1.5 s."""
    configured = os.environ.get("DOCGEN_TEMPLATE_SECONDS", "").strip()
    if not configured:
        return DEFAULT_TEMPLATE_SECONDS
    try:
        seconds = float(configured.replace(",", "."))
    except ValueError:
        seconds = float("nan")
    if not (0 < seconds <= 3600):  # also NaN, which compares false with everything
        raise DocgenError(f"biến môi trường DOCGEN_TEMPLATE_SECONDS='{configured}' không hợp lệ: ghi số giây lớn "
                          "hơn 0 và không quá 3600, ví dụ 1.5 hoặc 1,5")
    return seconds


@contextmanager
def template_limits(seconds: float | None = None):
    """Run a template under a time budget (a runaway loop is stopped after `seconds`) and, on Linux, a cap on
    the memory it may take (MAX_TEMPLATE_MEMORY: an allocation beyond it is a MemoryError, not the machine
    swapping). Both need the main thread (a timer signal; a process-wide limit no other thread may be hit by),
    as in the CLI and its worker processes; elsewhere only the block runs."""
    seconds = template_seconds() if seconds is None else seconds
    if not (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()):
        yield
        return

    def expire(signum, frame):
        raise TemplateTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    # After the first expiry the timer fires again every 0.1 s, in case code between the template and us
    # (a `finally`, a cleanup) ran on instead of letting the first one through.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        with _memory_cap(MAX_TEMPLATE_MEMORY):
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _memory_cap(extra_bytes: int):
    """Limit the process's address space to what it uses now plus `extra_bytes`, for the block (Linux only:
    reading what it uses now is one small read of /proc)."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as handle:
            in_use = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    cap = in_use + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already capped tighter by whoever started us
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class OutsideTemplateFolder(jinja2.TemplateError):
    """A template file that is a link to a file outside its template folder (e.g. `_x.md.j2 → /etc/passwd`).
    Not a TemplateNotFound: Jinja's ChoiceLoader would take it for "not here" and look further."""

    def __init__(self, filename: str, target: str):
        super().__init__(f"tệp mẫu {filename} trỏ ra ngoài thư mục mẫu (tới {target}): mẫu chỉ được dùng tệp nằm "
                         "trong thư mục mẫu")
        self.filename = filename


def inside(path, roots) -> Path | None:
    """`path` with its links followed, if that lies within one of `roots` (links followed too); else None.
    A template folder may link between its own files, never out of them: a province's folder is shared
    and reviewed as a folder, and what a link names outside it nobody reviewed."""
    real = Path(os.path.realpath(path))
    for root in roots:
        if real.is_relative_to(os.path.realpath(root)):
            return real
    return None


def _refuse_outside(path, roots) -> None:
    if inside(path, roots) is None:
        raise TemplateError(OutsideTemplateFolder(str(path), os.path.realpath(path)).message)


class ConfinedFileSystemLoader(jinja2.FileSystemLoader):
    """Jinja's file loader (which follows links anywhere) kept to its folders."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if inside(filename, self.searchpath) is None:
            raise OutsideTemplateFolder(filename, os.path.realpath(filename))
        return source, filename, uptodate


def make_environment(search_path: list[Path], settings: dict | None = None) -> SandboxedEnvironment:
    builtin = builtin_templates_dir()
    loader = jinja2.ChoiceLoader([
        ConfinedFileSystemLoader([str(p) for p in search_path], encoding="utf-8"),
        # "quoc-gia/quy.md.j2" always names the national base (likewise "quang-ninh/…" a built-in province),
        # so an override can extend the very file it replaces.
        jinja2.PrefixLoader({d.name: ConfinedFileSystemLoader(str(d)) for d in builtin.iterdir() if d.is_dir()}),
    ])
    env = BoundedSandbox(
        loader=loader,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        bytecode_cache=_bytecode_cache(search_path, settings),
    )
    env.filters.update(fmt.JINJA_FILTERS)
    env.filters.update(_number_word_filters((settings or {}).get("doc_so", {})))
    env.globals.update(fmt.JINJA_GLOBALS)
    return env


@dataclass
class ReportTemplate:
    """A named template: its compiled text template and where its layout is. Compiled once, used for many documents."""

    name: str
    text: jinja2.Template
    text_path: Path
    layout_path: Path
    library: "TemplateLibrary"

    @cached_property
    def reads_period(self) -> bool:
        """Whether the template or a file it extends names ky_bao_cao, the reporting period (a plan does not).
        Its sources are searched as text: parsing them with Jinja would cost a one-shot render ~40 ms."""
        return any(re.search(r"\bky_bao_cao\b", source) for source in self.library.sources(self.name))


class TemplateLibrary:
    """All templates reachable from one search path; each is compiled on first use and kept.

    The search path is: the author's folders (`--templates`), the province's built-in folder (when there is
    one), then the national base. Settings (`cau-hinh.yaml`: the province's name, number-word options) are
    merged along the same path, the nearest folder winning.
    """

    def __init__(self, extra_dirs=(), province: str | None = None):
        builtin = builtin_templates_dir()
        self.province = province_slug(province) if province else None
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

    def catalog(self, name: str, path: Path):
        """The indicator catalog of a Phụ lục, read once per process."""
        from cchc_docgen.appendix import load_catalog

        if str(path) not in self._catalogs:
            _refuse_outside(path, self.search_path)
            self._catalogs[str(path)] = load_catalog(name, path)
        return self._catalogs[str(path)]

    def for_province(self, province: str | None) -> "TemplateLibrary":
        """This library with the province's built-in folder on the path, unless a province is already set."""
        if self.province or not province:
            return self
        return library_for(self.extra_dirs, province)

    def _settings(self) -> dict:
        merged: dict = {}
        for root in reversed(self.search_path):
            path = root / SETTINGS_FILE
            if path.is_file():
                _refuse_outside(path, [root])
                try:
                    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                except (yaml.YAMLError, UnicodeDecodeError) as exc:
                    raise TemplateError(f"tệp cấu hình mẫu hỏng: {path} ({exc})") from None
                if not isinstance(data, dict):
                    raise TemplateError(f"tệp cấu hình mẫu phải là một bảng các trường: {path}")
                for key, value in data.items():
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
                _refuse_outside(candidate, [root])
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
        if text_path is None or name.startswith("_") or "/" in name:
            known = ", ".join(self.names) or "(không có)"
            raise TemplateError(f"không có mẫu '{name}'; các mẫu hiện có: {known}")
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


_EXTENDS = re.compile(r"{%-?\s*extends\s+[\"']([^\"']+)[\"']")
_JINJA_COMMENT = re.compile(r"{#.*?#}", re.DOTALL)
_LIBRARIES: dict[tuple, TemplateLibrary] = {}


def library_for(extra_dirs=(), province: str | None = None) -> TemplateLibrary:
    """One library per search path and province, kept for the life of the process (templates compile once)."""
    key = (tuple(str(Path(d).resolve()) for d in extra_dirs), province_slug(province) if province else None)
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
        chain = library.text_chain(name)
        lines.append(name)
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
