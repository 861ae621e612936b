"""`docgen nhap --kiem-tra`'s measure (authoring/import_check.py): the share of the original's paragraphs that the
imported data renders back word for word, and a list of the others with what stands in their place."""

from pathlib import Path

import pytest
from conftest import EXAMPLES, run_cli

from cchc_docgen.authoring.import_check import compare, report_lines


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("goc") / "goc.docx"
    assert run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", out).exit_code == 0
    return out.read_bytes()


def rendered(tmp_path: Path, change=lambda text: text) -> bytes:
    data = tmp_path / "du-lieu.yaml"
    data.write_text(change((EXAMPLES / "thach-quy-q3-2024.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "lai.docx"
    result = run_cli("render", data, "-o", out)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_the_same_document_is_reproduced_whole(original, tmp_path):
    check = compare(original, rendered(tmp_path))
    assert (check.reproduced, check.paragraphs, check.footnotes_reproduced, check.footnotes) == (94, 94, 12, 12)
    assert report_lines(check) == [
        "Kiểm tra: sinh lại từ tệp dữ liệu được 94/94 đoạn của văn bản gốc đúng từng chữ (100,0%), 12/12 chú thích."]


def test_a_changed_paragraph_is_listed_with_what_stands_in_its_place(original, tmp_path):
    check = compare(original, rendered(tmp_path, lambda text: text.replace("Trần Văn Minh", "Trần Văn Minh Anh")))
    assert report_lines(check) == [
        "Kiểm tra: sinh lại từ tệp dữ liệu được 93/94 đoạn của văn bản gốc đúng từng chữ (98,9%), 12/12 chú thích.",
        "  đoạn 94: «Trần Văn Minh» → sinh lại thành «Trần Văn Minh Anh»"]


def test_a_lost_footnote_counts(original, tmp_path):
    check = compare(original, rendered(tmp_path, lambda text: text.replace("^[", "(", 1)))
    assert (check.footnotes_reproduced, check.footnotes) == (11, 12)
    assert check.reproduced == check.paragraphs - 1  # the paragraph that held it now reads "(…" inline
