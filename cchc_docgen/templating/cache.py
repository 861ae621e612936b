"""The cache folder: compiled templates and layouts kept between runs, so a one-shot render skips Jinja's
compiler and docxtpl's import. Everything in it is keyed by content; nothing in it is trusted unless only this
user can write it (see cache_dir).

The built-in templates and layouts also come prebuilt, in the folder prebuilt/ beside this file (written by
tools/prebuild.py, kept up to date by tests/test_prebuilt.py): the layouts already patched by docxtpl and
checked, and Jinja's Python source for every built-in template and layout part. So the first run on an empty
cache imports neither docxtpl nor Jinja's compiler for them. Each entry is keyed by what made it (the content,
docxtpl's or Jinja's version, the settings): with another version installed the key misses and the work is
done as for any template. The file is package data, as trusted as the package's own code."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import jinja2

from cchc_docgen.templating.sandbox import COMPILED_CODE_VERSION


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
        # O_BINARY: on Windows a descriptor opened without it reads "\r\n" as "\n" and stops at a Ctrl-Z byte
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
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
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(tmp, flags, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


# One file per entry, named KIND-KEY: a lookup opens one small file, whatever the number of entries.
PREBUILT_DIR = Path(__file__).with_name("prebuilt")


def prebuilt(kind: str, key: str) -> str | None:
    """A prebuilt entry's text ("patched": a layout's patched parts as JSON, "checked": a layout that passed the
    check, "code": Jinja's Python source of a template), or None."""
    try:
        return (PREBUILT_DIR / f"{kind}-{key}").read_text(encoding="utf-8")
    except OSError:  # none for this key (or not shipped): made as for a template of one's own
        return None


def code_key(settings, name: str, source: str) -> str:
    """The key of Jinja's code for a template: what the code depends on besides the template's text. The settings
    count because Jinja folds constant filter calls ({{ 1005|bang_chu }}) into the code."""
    salt = json.dumps([jinja2.__version__, COMPILED_CODE_VERSION, settings], sort_keys=True, default=str)
    return hashlib.sha256(f"{salt}\0{name}\0{source}".encode()).hexdigest()[:40]


def prebuilt_code(settings, name: str, source: str, filename: str):
    """The compiled code of a template from its prebuilt Python source, or None when none matches."""
    raw = prebuilt("code", code_key(settings, name, source))
    return compile(raw, filename, "exec") if raw is not None else None


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled text templates kept between runs, so a one-shot render skips Jinja's compiler; an edited
    template is compiled afresh (Jinja checks the source's checksum). The key also holds the environment's
    settings: Jinja folds constant filter calls at compile time ({{ 1005|bang_chu }}), so code compiled for
    one province's number words must not serve another's. Entries are read only when this user wrote them
    (see cache_dir)."""

    def __init__(self, folder: Path, salt: str, settings):
        super().__init__(str(folder), "jinja-%s.cache")
        self.salt = salt
        self.settings = settings

    def get_bucket(self, environment, name, filename, source):
        """Jinja's bucket, filled from the prebuilt code of a built-in template when this cache has none yet (and
        that code kept here, so later runs load it without compiling its source)."""
        bucket = super().get_bucket(environment, name, filename, source)
        if bucket.code is None:
            code = prebuilt_code(self.settings, name, source, filename or "<template>")
            if code is not None:
                bucket.code = code
                self.dump_bytecode(bucket)
        return bucket

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}\0{name}\0{filename}".encode()).hexdigest()[:40]

    def load_bytecode(self, bucket) -> None:
        data = _read_private(Path(self._get_cache_filename(bucket)))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        _write_private(Path(self._get_cache_filename(bucket)), bucket.bytecode_to_string())


def bytecode_cache(search_path, settings):
    folder = cache_dir()
    if folder is None:
        return None
    salt = json.dumps([[str(p) for p in search_path], settings, jinja2.__version__, COMPILED_CODE_VERSION],
                      sort_keys=True, default=str)
    return _BytecodeCache(folder, salt, settings)
