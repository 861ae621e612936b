"""The sandbox every template runs in: Jinja's SandboxedEnvironment (no Python internals), confined to its
template folders (no file linked out of them), with limits on what a template may build and on its time and
memory. Text templates (compose) and layouts (the .docx writer) both run here."""

from __future__ import annotations

import functools
import os
import re
import signal
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment

from cchc_docgen.errors import DocgenError, TemplateError

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


# Set by the `docgen` command: the process (and the batch workers forked from it) runs nothing but docgen, so
# the memory cap may be set whatever threads it has (a pool's result-feeding thread, say).
WHOLE_PROCESS_IS_OURS = False


# Whether this system has a signal timer (SIGALRM and setitimer: not Windows). Without one, or in a thread other
# than the main one (only the main thread receives signals), a watchdog thread keeps the time instead.
SIGNAL_TIMER = hasattr(signal, "setitimer")
# After the first expiry the budget strikes again every REPEAT seconds, in case code between the template and
# us (a `finally`, a cleanup) ran on instead of letting the first one through.
REPEAT = 0.1


@contextmanager
def template_limits(seconds: float | None = None):
    """Run a template under a time budget (a runaway loop is stopped after `seconds`) and, on Linux, a cap on
    the memory it may take (MAX_TEMPLATE_MEMORY: an allocation beyond it is a MemoryError, not the machine
    swapping). In the main thread of a system with SIGALRM (the CLI and its worker processes on Linux and
    macOS) a signal timer keeps the time; elsewhere (Windows, a host application's thread) a watchdog thread.
    The memory cap is process-wide, so it is set only while no other thread runs (a host application's threads
    must never meet it)."""
    seconds = template_seconds() if seconds is None else seconds
    capped = WHOLE_PROCESS_IS_OURS or threading.active_count() == 1  # (counted before a watchdog starts)
    if not (SIGNAL_TIMER and threading.current_thread() is threading.main_thread()):
        with _Watchdog(seconds), _memory_cap(MAX_TEMPLATE_MEMORY) if capped else nullcontext():
            yield
        return

    def expire(signum, frame):
        raise TemplateTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        with _memory_cap(MAX_TEMPLATE_MEMORY) if capped else nullcontext():
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def budget_paused():
    """Stop the clock of template_limits for the block, then let it run on with the time it had left: the work
    of the block is not the template's (compose turns the ward's content into blocks, which takes as long as the
    content is). Nothing to do where no budget runs."""
    watchdog = getattr(_watching, "watchdog", None)
    if watchdog is not None:
        watchdog.pause()
        try:
            yield
        finally:
            watchdog.resume()
        return
    remaining, interval = signal.getitimer(signal.ITIMER_REAL) if SIGNAL_TIMER else (0, 0)
    if not remaining:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, remaining, interval)


_watching = threading.local()  # the watchdog of the template this thread renders, for budget_paused


def _raise_in(thread_id: int, exception) -> None:
    """Have `exception` raised in the thread, at its next bytecode, as a signal handler's would be (None: take
    back one not raised yet). CPython's own mechanism; like a signal, it waits for a long C call to return,
    which is why the sandbox checks the size of each such call before making it."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception is not None else None)


class _Watchdog:
    """The time budget without a signal timer: a thread that, once the template's time is up, raises
    TemplateTimeout in the thread rendering it (then again every REPEAT seconds until the budget ends)."""

    def __init__(self, seconds: float):
        self.target = threading.get_ident()
        self.deadline = time.monotonic() + seconds
        self.left_when_paused: float | None = None
        self.ended = False
        self.condition = threading.Condition()
        self.thread = threading.Thread(target=self._watch, name="docgen-template-budget", daemon=True)

    def __enter__(self):
        self.outer = getattr(_watching, "watchdog", None)  # a layout rendered while a template's budget runs
        _watching.watchdog = self
        self.thread.start()
        return self

    def _watch(self) -> None:
        with self.condition:
            while not self.ended:
                left = self.deadline - time.monotonic()
                if self.left_when_paused is not None:
                    self.condition.wait()
                elif left > 0:
                    self.condition.wait(left)
                else:
                    _raise_in(self.target, TemplateTimeout)  # (under the lock: never after the budget ended)
                    self.deadline = time.monotonic() + REPEAT

    def pause(self) -> None:
        with self.condition:
            self.left_when_paused = max(self.deadline - time.monotonic(), 0.0)
            self.condition.notify()

    def resume(self) -> None:
        with self.condition:
            self.deadline = time.monotonic() + (self.left_when_paused or 0.0)
            self.left_when_paused = None
            self.condition.notify()

    def __exit__(self, *exc) -> bool:
        # The timeout may land while the budget is being ended (as a signal may): ending is repeated until it
        # is done, with the timeout taken back if raised in between, then said once, as the block's own.
        struck = False
        while True:
            try:
                with self.condition:
                    self.ended = True
                    self.condition.notify()
                _raise_in(self.target, None)
                break
            except TemplateTimeout:
                struck = True
        self.thread.join()
        _watching.watchdog = self.outer
        if struck and exc[0] is None:
            raise TemplateTimeout()
        return False


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


def refuse_outside(path, roots) -> None:
    if inside(path, roots) is None:
        raise TemplateError(OutsideTemplateFolder(str(path), os.path.realpath(path)).message)


class ConfinedFileSystemLoader(jinja2.FileSystemLoader):
    """Jinja's file loader (which follows links anywhere) kept to its folders."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if inside(filename, self.searchpath) is None:
            raise OutsideTemplateFolder(filename, os.path.realpath(filename))
        return source, filename, uptodate
