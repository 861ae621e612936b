"""Numbers print as the ward wrote them, or a located message says why not (issue 13: nothing changes silently).

The refusals (a count written "1.230", "5,6" split by a [ … ] row, a ratio of a zero whole) are cases of
tests/bad_inputs/cases.yaml; here is what a render prints."""

from __future__ import annotations

import pytest
from conftest import run_cli
from test_errors import MINIMAL


def render_md(tmp_path, text, *args) -> str:
    data = tmp_path / "w.yaml"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "w.md"
    result = run_cli("render", data, "-o", out, "-f", "md", *args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_a_document_number_is_never_grouped(tmp_path):
    md = render_md(tmp_path, MINIMAL.replace("dia_danh: A", "dia_danh: A\n  so: 1234"))
    assert "Số: 1234/BC-UBND" in md and "1.234" not in md


@pytest.mark.parametrize("expression, printed", [
    ("ky_bao_cao.nam + 1", "2026"),  # a year plus one is still a year
    ("ky_bao_cao.nam - 1", "2024"),
    ("van_ban.nam", "2025"),
    ("0.1 + 0.2", "0,3"),  # not 0,30000000000000004
    ("10 / 3", "3,333"),
    ("1234 * 2", "2.468"),  # a count is grouped
])
def test_template_arithmetic_prints_as_a_report_writes_it(tmp_path, expression, printed):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "so.md.j2").write_text(
        f"::: loai_van_ban\nBÁO CÁO\n::: trich_yeu\nx\n::: noi_dung\nKết quả: [{{{{ {expression} }}}}]\n",
        encoding="utf-8")
    md = render_md(tmp_path, MINIMAL, "--templates", folder, "-t", "so")
    assert f"Kết quả: \\[{printed}\\]" in md


TABLE = MINIMAL + """\
noi_dung:
  the_che:
    - bang:
        dau:
          - [Lĩnh vực, Số hồ sơ, Tỷ lệ, Diện tích]
        dong:
          - [Hộ tịch, 2.500, 0.50, {nd: 1.230, dam: true}]
          - [Đất đai, 1234, 78.5, 12.25]
"""


def test_a_table_cell_prints_as_typed(tmp_path):
    """YAML made 2.5 of "2.500" and 0.5 of "0.50": the cell shows what the ward wrote (with the Vietnamese
    decimal comma), not the number YAML made of it."""
    md = render_md(tmp_path, TABLE)
    assert "| Hộ tịch | 2.500 | 0,50 | **1.230** |" in md
    assert "| Đất đai | 1.234 | 78,5 | 12,25 |" in md


def test_a_ratio_of_a_zero_whole_is_left_out_and_the_render_goes_on(tmp_path):
    md = render_md(tmp_path, MINIMAL + "so_lieu:\n  dich_vu_cong:\n    toan_trinh: {dat: 0, tong: 0}\n"
                                      "    mot_phan: {dat: 5, tong: 10}\n")
    assert ("dịch vụ công trực tuyến toàn trình 0/0 hồ sơ; dịch vụ công trực tuyến một phần 5/10 hồ sơ, "
            "đạt tỷ lệ 50%") in md


def test_backslashes_and_stars_in_the_wards_text_print_as_written(tmp_path):
    text = MINIMAL + ("noi_dung:\n  the_che:\n"
                      "    - 'Lưu tại \\\\server\\share và C:\\du_lieu; 3*4 = 12 m2, 5*6 = 30 m2 và *ghi chú*'\n")
    md = render_md(tmp_path, text)
    # The Markdown writer escapes each backslash, star and underscore of the text.
    assert ("Lưu tại \\\\\\\\server\\\\share và C:\\\\du\\_lieu; 3\\*4 = 12 m2, 5\\*6 = 30 m2 và *ghi chú*"
            in md), md
