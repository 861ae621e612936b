"""The built-in layouts and templates ship prebuilt (cchc_docgen/templating/prebuilt/, written by
tools/prebuild.py): the folder is up to date, and a first run on an empty cache uses it."""

from __future__ import annotations

import subprocess
import sys

from conftest import EXAMPLES, ROOT


def test_prebuilt_folder_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "prebuild.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_built_in_folders_settings_come_shipped_as_the_yaml_loader_reads_them():
    from cchc_docgen.templating.cache import prebuilt_settings
    from cchc_docgen.templating.library import (
        SETTINGS_FILE,
        builtin_templates_dir,
        read_settings,
    )

    paths = sorted(builtin_templates_dir().glob("*/" + SETTINGS_FILE))
    assert len(paths) >= 3
    for path in paths:
        shipped = prebuilt_settings(path.read_text(encoding="utf-8-sig"))
        assert shipped is not None and shipped == read_settings(path) == read_settings(path, shipped=False)
    assert prebuilt_settings("ten: Tỉnh khác\n") is None  # any other folder's goes through the loader


FIRST_RUN = """
import sys
from pathlib import Path
from cchc_docgen.pipeline import Pipeline
sys.stdout.buffer.write(Pipeline().render(Path(sys.argv[1])).content)
sys.stderr.write(f"docxtpl imported: {'docxtpl' in sys.modules}")
"""


def test_first_run_on_an_empty_cache_uses_the_prebuilt_layout_and_templates(tmp_path):
    cache = tmp_path / "cache"
    example = EXAMPLES / "uong-bi-ke-hoach-thi-dua-2024.yaml"
    runs = []
    for _ in range(2):  # the empty cache, then the cache the first run filled
        result = subprocess.run([sys.executable, "-c", FIRST_RUN, str(example)], capture_output=True,
                                env={"DOCGEN_CACHE_DIR": str(cache), "PATH": "", "PYTHONPATH": str(ROOT)})
        assert result.stderr.decode() == "docxtpl imported: False"
        runs.append(result.stdout)
    assert runs[0] == runs[1] == (ROOT / "tests" / "golden" / "uong-bi-ke-hoach-thi-dua-2024.docx").read_bytes()
    # The compiled code is kept for later runs; nothing was patched or checked again.
    kept = sorted(path.name.split("-")[0] for path in cache.iterdir())
    assert kept == ["jinja", "layout"], kept


def test_a_layout_not_built_in_is_patched_by_docxtpl_and_kept_in_the_cache(tmp_path, monkeypatch):
    import zipfile

    from cchc_docgen.templating.library import builtin_templates_dir
    from cchc_docgen.writers import docx

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    edited = tmp_path / "bo-cuc.docx"
    with zipfile.ZipFile(builtin_templates_dir() / "quoc-gia" / "bo-cuc.docx") as source, \
            zipfile.ZipFile(edited, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{p noi_dung }}", b"{{p noi_dung }}<!-- edited -->", 1)
            target.writestr(info, data)
    docx.Layout(edited)
    kept = sorted(path.name.rsplit("-", 1)[0] for path in (tmp_path / "cache").iterdir())
    assert kept == ["layout", "layout-checked", "layout-code"], kept
