"""Compiled regular expressions kept between runs of the docgen command.

Why: a one-shot `docgen render` compiles about 115 regular expressions before it writes a line, most of them
while importing PyYAML, Jinja and click (PyYAML's class of printable characters alone takes a fifth of that),
and re's compiler is pure Python. Measured by bench/tricks.py (`regex-table`): see bench/README.md for the
figures; the gain is what a warm one-shot run saves, nothing in process (re keeps its own cache there).

How: re compiles a pattern in two steps: its pure-Python compiler turns the text into a list of opcodes, then
_sre.compile makes the pattern object from that list. The table keeps, per (pattern, flags), the arguments of
that last call, so a later run calls _sre.compile directly: the same pattern object (patterns compare equal by
flags and code, which tests/test_regex_table.py checks), without the compiler. The table is written to the cache
folder by the run that compiled something new; it is keyed by the interpreter's exact version and _sre's MAGIC
and code size, so a table written by another Python is never read. _sre checks every code it is given: a
damaged entry fails there and the pattern is compiled as usual.

Only the docgen command installs it (it owns its process); a program that imports cchc_docgen keeps re as is.
"""

from __future__ import annotations

import array
import marshal
import os
import re
import sys
import zlib

try:  # CPython's regular-expression engine; elsewhere the table is simply not used
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - other interpreters
    _sre = None

# Entries kept at most: the command's own patterns and its libraries' are a few hundred; the limit only keeps a
# pattern made from data (one per run) from growing the file without end.
MAX_ENTRIES = 2000

_table: dict = {}
_new: dict = {}
_installed_by: int | None = None
_original_compile = None


def table_name() -> str | None:
    """The cache file's name for this interpreter, or None where the table cannot be used."""
    if _sre is None or array.array("I").itemsize != _sre.CODESIZE or not hasattr(_compiler, "_code"):
        return None
    stamp = zlib.crc32(f"{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}".encode())
    return f"re-{sys.implementation.cache_tag}-{stamp:08x}.marshal"


def install() -> None:
    """Compile regular expressions from the table kept in the cache folder from now on, and save the table at
    exit when this run compiled anything new."""
    global _table, _installed_by, _original_compile
    name = table_name()
    if name is None or _installed_by is not None:
        return
    from cchc_docgen.cache_folder import cache_get

    stored = cache_get(name)
    if stored:
        try:
            loaded = marshal.loads(stored)
        except (EOFError, ValueError, TypeError):
            loaded = None
        _table = loaded if isinstance(loaded, dict) else {}
    _installed_by = os.getpid()
    _original_compile = _compiler.compile
    _compiler.compile = _compile
    import atexit

    atexit.register(save)


def uninstall() -> None:
    """Give re its own compiler back (tests)."""
    global _installed_by
    if _installed_by is not None:
        _compiler.compile = _original_compile
        _installed_by = None
        _table.clear()
        _new.clear()


def _compile(pattern, flags=0):
    """re._compiler.compile, served from the table when it holds the pattern."""
    if not isinstance(pattern, (str, bytes)) or flags & re.DEBUG:
        return _original_compile(pattern, flags)
    key = (pattern, int(flags))
    entry = _table.get(key)
    if entry is not None:
        all_flags, code, groups, groupindex, indexgroup = entry
        try:
            return _sre.compile(pattern, all_flags, array.array("I", code).tolist(), groups, groupindex, indexgroup)
        except Exception:  # a damaged entry: _sre refused its code
            del _table[key]
    return _compiled_and_kept(key, pattern, flags)


def _compiled_and_kept(key, pattern, flags):
    """What re._compiler.compile does (CPython 3.11 to 3.13 alike), keeping _sre.compile's arguments."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for group_name, index in groupindex.items():
            indexgroup[index] = group_name
        arguments = (int(flags | parsed.state.flags), array.array("I", code).tobytes(), parsed.state.groups - 1,
                     groupindex, tuple(indexgroup))
    except re.error:
        raise
    except Exception:  # an interpreter whose compiler differs from the above: compile as it does, keep nothing
        return _original_compile(pattern, flags)
    compiled = _sre.compile(pattern, arguments[0], code, arguments[2], arguments[3], arguments[4])
    if len(_table) + len(_new) < MAX_ENTRIES:
        _new[key] = arguments
    return compiled


def save() -> None:
    """Write the table with this run's new patterns, once, from the process that installed it (a forked batch
    worker's patterns are the parent's)."""
    if not _new or _installed_by != os.getpid():
        return
    from cchc_docgen.cache_folder import cache_put

    name = table_name()
    if name is not None:
        _table.update(_new)
        _new.clear()
        cache_put(name, marshal.dumps(_table))
