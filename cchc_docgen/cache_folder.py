"""The cache folder: files docgen keeps between runs (compiled templates and layouts, compiled regular
expressions), each keyed by what made it. Nothing in it is trusted unless only this user can write it (see
cache_dir). Kept apart from the template cache, which imports Jinja: the command reads its regular-expression
table (regex_table.py) from here before any library is imported."""

from __future__ import annotations

import os
import stat
from pathlib import Path


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
    return read_private(folder / name) if folder else None


def read_private(path: Path) -> bytes | None:
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
        write_private(folder / name, data)


def write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0),
                     0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
