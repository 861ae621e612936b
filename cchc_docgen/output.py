"""Where a rendered document goes: a file (replaced atomically), standard output, or a device or pipe.

A clerk's `-o` names what they mean: `-o -` is standard output, `-o /dev/null` the device, `-o link.docx` the
file the link points to. Only a regular file (or a new one) is replaced, by writing a temporary file beside the
real target and renaming it over it, so that on any error an existing file keeps its old content. A device,
a pipe or a terminal is written to as a shell's `>` would, never replaced by a file (as root, replacing
/dev/null with a regular file breaks the whole machine).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from cchc_docgen.errors import DocgenError

STDOUT = "-"

_WHY = {  # errno name → what a clerk can do about it (names: not every OS has every errno)
    "EACCES": "không có quyền ghi",
    "EPERM": "không có quyền ghi",
    "EROFS": "ổ đĩa chỉ cho phép đọc",
    "ENOSPC": "ổ đĩa đã đầy",
    "EDQUOT": "đã hết dung lượng được cấp",
    "ENOENT": "thư mục không tồn tại",
    "ENOTDIR": "đường dẫn có phần không phải thư mục",
    "EISDIR": "đây là một thư mục",
    "ENAMETOOLONG": "tên tệp quá dài",
    "ELOOP": "liên kết tượng trưng (symlink) vòng quanh",
    "ENXIO": "không có chương trình nào đang đọc từ đường ống này",
    "EPIPE": "chương trình đọc kết quả đã đóng",
}


# Windows' own codes for a file another program holds open (Word and Excel hold the document they show):
# ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION. Python gives both the errno EACCES, "no permission".
_HELD_OPEN = frozenset({32, 33})
HELD_OPEN = "tệp đang mở trong Word, Excel hoặc chương trình khác: hãy đóng tệp rồi chạy lại lệnh"
_WINDOWS = os.name == "nt"


def why(exc: OSError) -> str:
    if getattr(exc, "winerror", None) in _HELD_OPEN:
        return HELD_OPEN
    return _WHY.get(errno.errorcode.get(exc.errno, ""), exc.strerror or str(exc))


def is_stdout(target) -> bool:
    """"-", or a name of this process's standard output: written through the stream, so that the document and
    anything else printed there land one after the other."""
    return str(target) == STDOUT or os.path.abspath(target) in ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def real_target(path: Path) -> Path:
    """The file a write to `path` lands in: `path` with every symbolic link followed (a dangling link names the
    file it would create, as the shell's `>` does). A loop of links is an error."""
    try:
        return Path(os.path.realpath(path, strict=False))
    except OSError as exc:  # Python 3.13 raises for loops even when not strict
        raise DocgenError(f"không ghi được tệp {path}: {why(exc)}") from None


def same_file(a: Path, b: Path) -> bool:
    """Whether writing to `a` would change `b` (links followed; a file that does not exist is no other file)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return real_target(a) == real_target(b)


def refuse_replacing(target, sources, kind: str) -> None:
    """A DocgenError when writing `target` would replace one of `sources`, the files a command reads (links
    followed): "docgen nhap bao-cao.docx -o bao-cao.docx" would leave the clerk with neither."""
    if target is None or is_stdout(target):
        return
    for source in sources:
        if same_file(Path(target), Path(source)):
            raise DocgenError(f"tệp kết quả {target} chính là {kind} {source}: ghi kết quả ra tệp khác (-o)")


def write_output(target, content: bytes) -> None:
    """Write a rendered document to `target` (a path, or "-" for standard output); see the module's doc."""
    if is_stdout(target):
        _write_stream(sys.stdout.buffer, content, "đầu ra chuẩn")
        return
    path = Path(target)
    try:
        existing = os.stat(path)  # follows links: what is at the end of them
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise DocgenError(f"không ghi được tệp {path}: {why(exc)}") from None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        mode = existing.st_mode
        if stat.S_ISDIR(mode):
            raise DocgenError(f"không ghi được tệp {path}: đây là một thư mục")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            _write_device(path, content, fifo=stat.S_ISFIFO(mode))
            return
        raise DocgenError(f"không ghi được tệp {path}: đây không phải tệp thường (thiết bị lưu trữ hoặc socket)")
    if _names_a_descriptor(path):  # /dev/stderr while it is a file: write into it, as `>&2` would
        _write_device(path, content, fifo=False)
        return
    write_atomically(real_target(path), content)


# /dev/stderr, /dev/fd/N, /proc/self/fd/N: links to an open descriptor, whose target may be a deleted or
# unnamed file; replacing the name they resolve to would not reach the descriptor's reader.
_DESCRIPTOR = re.compile(r"^/(dev/(stdout|stderr|fd/\d+)|proc/(self|\d+)/fd/\d+)$")


def _names_a_descriptor(path: Path) -> bool:
    return bool(_DESCRIPTOR.match(os.path.abspath(path)))


def _write_device(path: Path, content: bytes, fifo: bool) -> None:
    """A character device, a pipe, or the file behind /dev/stdout: opened and written, never replaced.
    A pipe is opened without waiting: with no reader, it is an error rather than a hang."""
    flags = os.O_WRONLY | (os.O_NONBLOCK if fifo else 0)
    if not fifo and _names_a_descriptor(path):
        flags |= os.O_APPEND  # after what the descriptor's other writers wrote, not over it
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise DocgenError(f"không ghi được vào {path}: {why(exc)}") from None
    if fifo:
        os.set_blocking(fd, True)
    with os.fdopen(fd, "wb") as handle:
        _write_stream(handle, content, str(path))


def _write_stream(handle, content: bytes, name: str) -> None:
    try:
        handle.write(content)
        handle.flush()
    except OSError as exc:
        raise DocgenError(f"không ghi được vào {name}: {why(exc)}") from None


def _new_file_mode() -> int:
    """The permissions a new file gets under the user's umask (0666 less it), as any program's would.
    The umask can only be read by setting it; it is set back at once."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


# Our temporary files: ".NAME.PID.XXXXXXXX.tmp", beside the file they will replace. The PID tells, on a later
# run, whether the process that made one is gone (killed with SIGKILL, or the machine lost power).
_TEMP = re.compile(r"^\..+\.(\d+)\.[a-z0-9_]{8}\.tmp$")


_SWEPT: set[str] = set()


def remove_stale_temporaries(directory: Path) -> None:
    """Remove the temporary files a killed docgen left in `directory` (its process no longer runs); once per
    folder and process, not before every file of a batch."""
    key = os.path.abspath(directory)
    if key in _SWEPT:
        return
    _SWEPT.add(key)
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = _TEMP.match(name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        try:
            os.unlink(directory / name)
        except OSError:
            pass


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # there os.kill(pid, 0) does not test a process: it ends it (TerminateProcess)
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process: not ours to judge
    return True


def _windows_process_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: someone else's process, running
    try:
        code = ctypes.c_ulong()
        return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`: whatever happens
    (an error, a full disk, Ctrl-C or SIGTERM), `path` holds either its old content or the new one, never part of
    it, and no temporary file is left behind. A read-only file is not replaced: its owner protected it."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise DocgenError(f"không ghi được tệp {path}: {why(exc)}") from None
    if existing is not None:
        if stat.S_ISDIR(existing.st_mode):
            raise DocgenError(f"không ghi được tệp {path}: đây là một thư mục")
        if not existing.st_mode & 0o222:
            raise DocgenError(f"không ghi đè tệp {path}: tệp đang ở chế độ chỉ đọc")
        mode = stat.S_IMODE(existing.st_mode)
    else:
        mode = _new_file_mode()
    remove_stale_temporaries(directory)
    tmp = None
    try:
        with _interruptions_held():  # a temporary file that exists is one the cleanup below knows
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        try:
            os.replace(tmp, path)
        except PermissionError:
            # On Windows a document open in Word cannot be replaced, and the error says only "access denied"
            # (code 5) or, from some programs, a sharing violation (32): the clerk most likely has it open.
            if _WINDOWS and existing is not None:
                raise DocgenError(f"không ghi được tệp {path}: {HELD_OPEN}") from None
            raise
    except BaseException as exc:  # also KeyboardInterrupt (and SIGTERM, made one by the CLI): never leave it
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError):
            if tmp is None:
                raise DocgenError(f"không ghi được vào thư mục {directory}: {why(exc)}") from None
            raise DocgenError(f"không ghi được tệp {path}: {why(exc)}") from None
        raise


@contextmanager
def _interruptions_held():
    """Ctrl-C and SIGTERM wait until the block is over. Making the temporary file is one system call, and one
    that a busy disk makes slow: a signal that arrived during it would stop Python between the file being made
    and its name being known, leaving it behind."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
