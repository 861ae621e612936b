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


def install(*, built_at_install: bool = True) -> None:
    """Compile regular expressions from the table kept in the cache folder (else the one made when the package was
    installed) from now on, and save the table at exit when this run compiled anything new. tools/prebuild.py
    passes built_at_install=False to learn which patterns a run compiles."""
    global _table, _installed_by, _original_compile
    name = table_name()
    if name is None or _installed_by is not None:
        return
    from cchc_docgen.cache_folder import cache_get

    stored = cache_get(name) or (_built_at_install(name) if built_at_install else None)
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


def compiled_by_this_run() -> list:
    """The (pattern, flags) this run compiled that no table held."""
    return list(_new)


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


def _entry(pattern, flags) -> tuple:
    """What re._compiler.compile does (CPython 3.11 to 3.13 alike) up to its call of _sre.compile: that call's
    arguments, the code as bytes. Raises re.error for a bad pattern, and anything else on an interpreter whose
    compiler differs from this."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for group_name, index in groupindex.items():
        indexgroup[index] = group_name
    return (int(flags | parsed.state.flags), array.array("I", code).tobytes(), parsed.state.groups - 1,
            groupindex, tuple(indexgroup))


def _compiled_and_kept(key, pattern, flags):
    """re._compiler.compile, keeping _sre.compile's arguments for the table."""
    try:
        arguments = _entry(pattern, flags)
    except re.error:
        raise
    except Exception:  # an interpreter whose compiler differs from the above: compile as it does, keep nothing
        return _original_compile(pattern, flags)
    code = array.array("I", arguments[1]).tolist()
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


# --- the table made when the package is installed -----------------------------------------------------------------
# A first run on a new machine has no table in its cache folder, and compiling the patterns cost it ~155 M
# instructions of ~785 M (bench/tricks.py `regex-table-installed`). So the package's build (hatch_build.py, run by
# pip with the interpreter it installs for) compiles the patterns the docgen command is known to use, listed in
# PATTERNS_FILE (written by tools/prebuild.py from real runs), into INSTALLED_FOLDER under table_name(): the same
# name, so a table made by another interpreter is never read. Patterns not in the list are compiled as usual.
PATTERNS_FILE = "regex_patterns.json"
INSTALLED_FOLDER = "_regex"


def _built_at_install(name: str) -> bytes | None:
    try:
        with open(os.path.join(os.path.dirname(__file__), INSTALLED_FOLDER, name), "rb") as handle:
            return handle.read()
    except OSError:
        return None


def patterns_to_json(patterns) -> str:
    """The list of (pattern, flags) as JSON: a bytes pattern as its Latin-1 text under "b"."""
    import json

    rows = [{"b": p.decode("latin-1"), "f": f} if isinstance(p, bytes) else {"s": p, "f": f}
            for p, f in sorted(patterns, key=lambda k: (isinstance(k[0], bytes), str(k[0]), k[1]))]
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=True) for row in rows) + "\n]\n"  # a row a line


def table_of(patterns_json: str) -> bytes:
    """The table of the listed patterns, compiled by this interpreter (what the build writes); a pattern this
    interpreter cannot compile is left out."""
    import json

    table = {}
    for row in json.loads(patterns_json):
        pattern = row["s"] if "s" in row else row["b"].encode("latin-1")
        try:
            table[(pattern, row["f"])] = _entry(pattern, row["f"])
        except Exception:  # (a pattern of another Python's syntax: compiled when used, if ever)
            continue
    return marshal.dumps(table)
