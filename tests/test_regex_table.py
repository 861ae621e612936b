"""The docgen command's table of compiled regular expressions (cchc_docgen/regex_table.py): what it serves is the
pattern re would compile, a damaged table costs only time, and a program importing cchc_docgen keeps re as is."""

import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_docgen import regex_table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data_examples" / "thach-quy-q3-2024.yaml"

pytestmark = pytest.mark.skipif(regex_table.table_name() is None, reason="no table on this interpreter")


# The docgen command as installed, and the same without the table the package's build made (hatch_build.py).
DOCGEN = [sys.executable, "-m", "cchc_docgen"]
DOCGEN_WITHOUT_INSTALLED_TABLE = [
    sys.executable, "-c", "from cchc_docgen import regex_table; regex_table.install(built_at_install=False); "
    "from cchc_docgen.cli import main; main(prog_name='docgen')"]
INSTALLED_TABLE = ROOT / "cchc_docgen" / regex_table.INSTALLED_FOLDER / str(regex_table.table_name())
PATTERNS = ROOT / "cchc_docgen" / regex_table.PATTERNS_FILE


def _docgen(cache: Path, out: Path, command=DOCGEN_WITHOUT_INSTALLED_TABLE) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOCGEN_CACHE_DIR": str(cache)}
    return subprocess.run([*command, "render", str(EXAMPLE), "-o", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def kept(tmp_path_factory):
    """The cache folder and output of a first run without the installed table, which wrote the table."""
    cache = tmp_path_factory.mktemp("cache")
    out = cache.parent / "first.docx"
    assert _docgen(cache, out).returncode == 0
    return cache, out


def test_the_first_run_keeps_the_patterns_it_compiled(kept):
    cache, _ = kept
    table = marshal.loads((cache / regex_table.table_name()).read_bytes())
    patterns = {pattern for pattern, _ in table}
    # PyYAML's class of printable characters, Jinja's lexer and our own loader's rules are all in it
    assert any(isinstance(p, str) and "\ud7ff" in p for p in patterns)
    assert any(isinstance(p, str) and "null|Null|NULL" in p for p in patterns)
    assert len(table) > 50


def test_every_kept_pattern_is_the_one_re_compiles(kept):
    """Patterns compare equal by pattern, flags and compiled code: a table entry must make exactly re's pattern."""
    cache, _ = kept
    table = marshal.loads((cache / regex_table.table_name()).read_bytes())
    regex_table._table.update(table)
    try:
        for (pattern, flags) in table:
            from_table = regex_table._compile(pattern, flags)
            assert from_table == re._compiler.compile(pattern, flags), pattern
            assert from_table.groupindex == re._compiler.compile(pattern, flags).groupindex
    finally:
        regex_table._table.clear()


def test_a_second_run_served_from_the_table_writes_the_same_document(kept, tmp_path):
    cache, first = kept
    before = (cache / regex_table.table_name()).stat().st_mtime_ns
    second = tmp_path / "second.docx"
    assert _docgen(cache, second).returncode == 0
    assert second.read_bytes() == first.read_bytes()
    # nothing new was compiled, so the table was not written again
    assert (cache / regex_table.table_name()).stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", ["garbage", "wrong code"])
def test_a_damaged_table_costs_only_time(kept, tmp_path, damage):
    cache, first = kept
    damaged_cache = tmp_path / "cache"
    damaged_cache.mkdir(mode=0o700)
    name = regex_table.table_name()
    if damage == "garbage":
        data = b"\x00not a table"
    else:  # every entry's code replaced by an opcode that does not exist: _sre refuses it
        table = marshal.loads((cache / name).read_bytes())
        data = marshal.dumps({key: (flags, b"\xff\xff\x00\x00" * 3, groups, index, names)
                              for key, (flags, code, groups, index, names) in table.items()})
    (damaged_cache / name).write_bytes(data)
    os.chmod(damaged_cache / name, 0o600)
    out = tmp_path / "out.docx"
    result = _docgen(damaged_cache, out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == first.read_bytes()


def test_importing_the_package_leaves_re_alone():
    code = ("import re; original = re._compiler.compile; import cchc_docgen; from cchc_docgen import api, pipeline, cli;"
            "assert re._compiler.compile is original; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "ok", result.stderr


def test_the_listed_patterns_are_compiled_as_re_compiles_them():
    """The table the build makes from regex_patterns.json: each entry makes exactly re's pattern."""
    table = marshal.loads(regex_table.table_of(PATTERNS.read_text(encoding="utf-8")))
    assert len(table) > 100
    regex_table._table.update(table)
    try:
        for (pattern, flags) in table:
            assert regex_table._compile(pattern, flags) == re._compiler.compile(pattern, flags), pattern
    finally:
        regex_table._table.clear()


@pytest.mark.skipif(not INSTALLED_TABLE.exists() and not os.environ.get("CI"),
                    reason="installed without the build hook (pip install -e . makes the table)")
def test_a_first_run_is_served_by_the_table_the_build_made(kept, tmp_path):
    """A new machine's first run (empty cache folder) finds the patterns compiled at install: it writes the same
    document and compiles (almost) nothing: the list tools/prebuild.py wrote is not stale."""
    assert INSTALLED_TABLE.exists(), "pip install -e . runs hatch_build.py, which makes the table"
    _, first = kept
    cache = tmp_path / "cache"
    out = tmp_path / "out.docx"
    result = _docgen(cache, out, DOCGEN)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == first.read_bytes()
    installed = marshal.loads(INSTALLED_TABLE.read_bytes())
    written = cache / regex_table.table_name()
    compiled = set(marshal.loads(written.read_bytes())) - set(installed) if written.exists() else set()
    # A newer PyYAML, Jinja or click may bring a pattern or two; more means: run python tools/prebuild.py
    assert len(compiled) <= 5, sorted(map(repr, compiled))


def test_the_wheel_carries_the_table_of_the_interpreter_that_built_it(tmp_path):
    """pip builds the wheel with the interpreter it installs for: the hook compiles the listed patterns into it."""
    pytest.importorskip("hatchling")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("*.whl")
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        carried = archive.read(f"cchc_docgen/{regex_table.INSTALLED_FOLDER}/{regex_table.table_name()}")
        assert "cchc_docgen/regex_patterns.json" in archive.namelist()
    assert marshal.loads(carried) == marshal.loads(regex_table.table_of(PATTERNS.read_text(encoding="utf-8")))
