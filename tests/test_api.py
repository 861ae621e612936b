"""The Python API (issue 14): the README's example runs, and every example renders byte-identical to its golden
file through `cchc_docgen.render()` given a path and given `yaml.safe_load`'s mapping."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
import yaml
from conftest import EXAMPLES, ROOT

import cchc_docgen

GOLDEN = ROOT / "tests" / "golden"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_the_readme_example_runs(tmp_path, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Dùng trong Python"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102 (our own README)
    finally:
        os.chdir(cwd)
        (ROOT / "thach-quy.docx").unlink(missing_ok=True)
    printed = capsys.readouterr().out
    assert printed.startswith("quy 12 ")
    assert "<dữ liệu>: thiếu trường bắt buộc 'co_quan'" in printed


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("given", ["path", "safe_load"])
def test_every_example_renders_as_its_golden_file(example, given):
    data = example if given == "path" else yaml.safe_load(example.read_text(encoding="utf-8"))
    for fmt in ("docx", "md"):
        golden = GOLDEN / f"{example.stem}.{fmt}"
        assert cchc_docgen.render(data, format=fmt).content == golden.read_bytes(), f"{example.name} as {fmt}"


def test_the_result_carries_the_model_findings_and_template():
    result = cchc_docgen.render(EXAMPLES / "thach-quy-q3-2024.yaml")
    assert result.template == "quy" and result.format == "docx"
    assert result.footnote_count == 12 == len(result.document.notes())
    assert result.document.layout.name == "bo-cuc.docx"
    assert isinstance(result.findings, list)


def test_the_stages_alone_give_what_render_gives():
    path = EXAMPLES / "thach-ha-q3-2025.yaml"
    loaded = cchc_docgen.load(path)
    assert isinstance(loaded.data, dict)
    document = cchc_docgen.compose(loaded)
    assert cchc_docgen.write(document, "md") == cchc_docgen.render(path, format="md").content
    assert cchc_docgen.write(document, "docx") == cchc_docgen.render(path).content


def test_an_unknown_format_is_an_error_not_a_docx():
    with pytest.raises(cchc_docgen.DocgenError, match="không có định dạng 'odt'; các định dạng: docx, md, pdf, html"):
        cchc_docgen.render(EXAMPLES / "thach-quy-q3-2024.yaml", format="odt")


def test_errors_name_the_field_and_where_it_is():
    with pytest.raises(cchc_docgen.DataError) as raised:
        cchc_docgen.render(EXAMPLES.parent / "tests" / "bad_inputs" / "negative-count.yaml")
    error = raised.value
    assert error.location is not None and error.location.line and error.location.file.endswith("negative-count.yaml")


def test_a_mapping_with_dates_as_dates_is_read_as_the_file_would_be():
    data = yaml.safe_load((EXAMPLES / "thach-quy-q3-2024.yaml").read_text(encoding="utf-8"))
    assert isinstance(data["van_ban"]["ngay"], dt.date)
    assert cchc_docgen.load(data).data == cchc_docgen.load(EXAMPLES / "thach-quy-q3-2024.yaml").data


@pytest.mark.parametrize("value, message", [
    ({"mau": "quy", "van_ban": {"ngay": dt.datetime(2024, 9, 17, 8, 30)}}, "chỉ ghi ngày"),
    ({True: 1}, "tên trường phải là chữ"),
    (42, "dữ liệu phải là đường dẫn tệp YAML hoặc một bảng các trường"),
])
def test_a_mapping_that_no_yaml_file_could_give_is_refused(value, message):
    with pytest.raises(cchc_docgen.DataError, match=message):
        cchc_docgen.load(value)


def test_strict_raises_instead_of_returning_findings(tmp_path):
    data = tmp_path / "mau-thuan.yaml"  # more applications resolved than received: a consistency finding
    data.write_text((ROOT / "tests" / "bad_inputs" / "valid.yaml").read_text(encoding="utf-8")
                    + "so_lieu:\n  ho_so: {tiep_nhan: 5, da_giai_quyet: 9}\n", encoding="utf-8")
    findings = cchc_docgen.render(data).findings
    assert findings and findings[0].path == ("so_lieu", "ho_so", "da_giai_quyet")
    assert findings[0].location.file == str(data) and findings[0].location.line == 15
    with pytest.raises(cchc_docgen.DocgenError, match="--strict"):
        cchc_docgen.render(data, strict=True)


def test_validate_returns_findings_without_raising(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("mau: quy\n", encoding="utf-8")
    findings = cchc_docgen.validate(bad)
    assert findings and all(f.location.file == str(bad) for f in findings if f.location)
    assert any(f.is_error for f in findings)


def test_the_package_imports_nothing_of_the_pipeline_until_asked(tmp_path):
    import subprocess
    import sys

    code = "import sys, cchc_docgen; print(cchc_docgen.__version__, 'cchc_docgen.pipeline' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == [cchc_docgen.__version__, "False"]
