"""Write cchc_docgen/templating/prebuilt/: the built-in layouts patched by docxtpl and checked, and Jinja's
Python source of every built-in text template and layout part, so that the first run on an empty cache does
neither (see cchc_docgen/templating/cache.py), and each built-in folder's settings (cau-hinh.yaml) as read and
checked, so that no run reads them through the position-keeping YAML loader. Also cchc_docgen/regex_patterns.json:
the regular expressions the docgen command compiles when it renders, validates and checks the examples, which the
package's build compiles for the installing interpreter (hatch_build.py, cchc_docgen/regex_table.py).

    python tools/prebuild.py            # rewrite the folder (after changing a built-in template or layout, or
                                        # upgrading docxtpl or Jinja)
    python tools/prebuild.py --check    # exit 1 when the folder is out of date (tests/test_prebuilt.py does the same)

Entries are keyed by what made them (content, docxtpl's or Jinja's version, the settings): with other versions
installed they are simply not used.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cchc_docgen.templating import cache  # noqa: E402
from cchc_docgen.templating.library import (  # noqa: E402
    SETTINGS_FILE,
    TEXT_SUFFIX,
    TemplateLibrary,
    builtin_templates_dir,
    read_settings,
)
from cchc_docgen.writers import docx  # noqa: E402


def generate() -> dict[str, str]:
    """The folder's files (name → text), from the built-in templates and layouts and the installed docxtpl and Jinja."""
    patched, checked, code, settings = {}, {}, {}, {}
    builtin = builtin_templates_dir()
    _, docxtpl_version = docx.installed_docxtpl()
    layout_env = docx.layout_env()
    for path in sorted(builtin.rglob("*.docx")):
        raw = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
        problem = docx.layout_problem(parts)
        if problem:
            raise SystemExit(f"{path}: {problem}")
        checked[docx.layout_verdict_key(raw)] = path.relative_to(builtin).as_posix() + "\n"
        templated = docx.templated_parts(parts)
        parts_xml = docx.patch_with_docxtpl(templated)
        patched[docx.patched_key(templated, docxtpl_version)] = json.dumps(parts_xml, ensure_ascii=False)
        for name, xml in parts_xml.items():
            key = cache.code_key(docx.LAYOUT_CODE_SETTINGS, name, xml)
            code[key] = layout_env.compile(xml, name, raw=True)
    for path in sorted(builtin.glob("*/" + SETTINGS_FILE)):
        text = path.read_text(encoding="utf-8-sig")
        settings[cache.settings_key(text)] = json.dumps(read_settings(path, shipped=False), ensure_ascii=False)
    provinces = [None] + sorted(d.name for d in builtin.iterdir() if d.is_dir() and d.name != "quoc-gia")
    for province in provinces:
        library = TemplateLibrary((), province)
        env = library.env
        for name in env.list_templates(filter_func=lambda n: n.endswith(TEXT_SUFFIX)):
            source, filename, _ = env.loader.get_source(env, name)
            code[cache.code_key(library.settings, name, source)] = env.compile(source, name, filename, raw=True)
    kinds = (("checked", checked), ("patched", patched), ("code", code), ("settings", settings))
    return {f"{kind}-{key}": text for kind, entries in kinds for key, text in entries.items()}


# Run in a child with an empty cache folder: the docgen command's commands on the examples, the regex table
# installed but empty, then the patterns they compiled.
_PATTERNS_CHILD = """
import sys
from cchc_docgen import regex_table
regex_table.install(built_at_install=False)
from cchc_docgen.cli import main
root, out, listing = sys.argv[1], sys.argv[2], sys.argv[3]
for args in (["render", root + "/data_examples", "-o", out, "-j", "1"], ["validate", root + "/data_examples"],
             ["check", root + "/data_examples", "--golden", root + "/tests/golden"],
             ["render", root + "/data_examples/thach-quy-q3-2024.yaml", "-f", "md", "-o", out + "/x.md"]):
    try:
        main(args, prog_name="docgen")
    except SystemExit:
        pass
with open(listing, "w", encoding="utf-8") as handle:
    handle.write(regex_table.patterns_to_json(regex_table.compiled_by_this_run()))
"""


def regex_patterns() -> str:
    """The JSON list of the patterns the docgen command compiles on the examples (see _PATTERNS_CHILD)."""
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "DOCGEN_CACHE_DIR": os.path.join(work, "cache")}
        listing = os.path.join(work, "patterns.json")
        done = subprocess.run([sys.executable, "-c", _PATTERNS_CHILD, str(ROOT), os.path.join(work, "out"), listing],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        if done.returncode != 0 or not os.path.exists(listing):
            raise SystemExit(f"không lấy được danh sách biểu thức chính quy:\n{done.stderr[-2000:]}")
        with open(listing, encoding="utf-8") as handle:
            return handle.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    args = parser.parse_args()
    files = generate()
    folder = cache.PREBUILT_DIR
    present = {path.name: path for path in folder.iterdir()} if folder.is_dir() else {}
    if args.check:
        stale = set(present) != set(files) or any(present[n].read_text(encoding="utf-8") != t for n, t in files.items())
        if stale:
            sys.exit(f"{folder.relative_to(ROOT)} đã cũ: chạy python tools/prebuild.py")
        return
    patterns_file = ROOT / "cchc_docgen" / "regex_patterns.json"
    patterns_file.write_text(regex_patterns(), encoding="utf-8")
    folder.mkdir(exist_ok=True)
    for name, path in present.items():
        if name not in files:
            path.unlink()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    print(f"đã ghi {folder.relative_to(ROOT)}: {len(files)} tệp")


if __name__ == "__main__":
    main()
