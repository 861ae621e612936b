"""A large report is the ward's data, not a runaway template (issue 13): the template's time budget counts the
template's own work, not the time spent turning the ward's content into paragraphs."""

from __future__ import annotations

import re
import time
import zipfile

from conftest import run_cli
from test_bad_inputs import CORPUS, invoke
from test_template_safety import HEAD

from cchc_docgen.composing import compose


def test_the_wards_content_is_not_counted_in_the_template_budget(tmp_path, monkeypatch):
    """Reading the ward's content takes, over all its sections, several times the whole budget: the report still
    renders."""
    monkeypatch.setenv("DOCGEN_TEMPLATE_SECONDS", "0.2")
    real = compose.Composer.blocks_from_data
    slept = []

    def slow(self, items, path, level=1):
        if level == 1:  # a section's content, as khoi() reads it
            time.sleep(0.05)
            slept.append(0.05)
        return real(self, items, path, level)

    monkeypatch.setattr(compose.Composer, "blocks_from_data", slow)
    result = invoke("render", CORPUS / "valid.yaml", "-o", tmp_path / "out.md", "-f", "md")
    assert result.exit_code == 0, result.output
    assert sum(slept) > 3 * 0.2


def test_a_template_placing_a_section_over_and_over_is_still_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_TEMPLATE_SECONDS", "0.3")
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "quy.md.j2").write_text(HEAD + "{% for i in range(100000) %}\n{{ khoi('the_che') }}\n{% endfor %}\n",
                                      encoding="utf-8")
    data = tmp_path / "data.yaml"
    data.write_text((CORPUS / "valid.yaml").read_text(encoding="utf-8")
                    + "noi_dung:\n  the_che: [Một đoạn của phường.]\n", encoding="utf-8")
    out = tmp_path / "out.md"
    result = invoke("render", data, "--templates", folder, "-o", out, "-f", "md")
    assert result.exit_code == 1 and not out.exists()
    assert result.output == ("Lỗi: mẫu 'quy' chạy quá 0,3 giây mà chưa xong (không tính thời gian đọc nội dung của "
                             "đơn vị): vòng lặp của mẫu quá lớn hoặc không dừng?; đặt DOCGEN_TEMPLATE_SECONDS nếu mẫu "
                             "thật sự cần lâu hơn\n")


def test_a_report_of_78000_paragraphs_renders(tmp_path):
    lines = "".join(f"      - Dòng {i} của phường, kết quả thực hiện nhiệm vụ cải cách hành chính.\n" for i in range(78_000))
    data = tmp_path / "lon.yaml"
    data.write_text((CORPUS / "valid.yaml").read_text(encoding="utf-8")
                    + "noi_dung:\n  the_che:\n    noi_dung:\n" + lines, encoding="utf-8")
    out = tmp_path / "lon.docx"
    result = run_cli("render", data, "-o", out)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert len(re.findall(r"Dòng \d+ của phường", body)) == 78_000
    assert "Dòng 77999 của phường" in body
