"""`docgen new --tu KỲ_TRƯỚC.yaml` (issue 17.4): the skeleton of the next period from last period's data. The unit,
signer, recipients and outline are carried over; the period moves on (quý III → quý IV, quý IV → quý I of the next
year, 6 tháng → 9 tháng → năm → 6 tháng of the next year) with its cut-off dates; figures and text stay as comments
("kỳ trước: 537") to compare with and rewrite from; the result validates and renders as it is."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from conftest import EXAMPLES, ROOT, run_cli

THACH_QUY = EXAMPLES / "thach-quy-q3-2024.yaml"


def next_of(tmp_path, last, *options):
    result = run_cli("new", "--tu", last, *options)
    assert result.exit_code == 0, result.output
    made = tmp_path / "ky-moi.yaml"
    made.write_text(result.output, encoding="utf-8")
    return made, result.output


def period_of(text: str) -> tuple:
    data = yaml.safe_load(text)
    period = data["ky_bao_cao"]
    return data["mau"], period["loai"], period.get("so"), period["nam"], str(period["tu_ngay"]), str(period["den_ngay"])


def test_the_next_quarter_keeps_the_unit_and_leaves_the_period_to_the_officer(tmp_path):
    made, text = next_of(tmp_path, THACH_QUY)
    lines = text.splitlines()
    assert lines[1] == f"# Khung báo cáo quý IV năm 2024, lập bằng 'docgen new --tu' từ báo cáo quý III năm 2024 ({THACH_QUY})."
    data = yaml.safe_load(text)
    last = yaml.safe_load(THACH_QUY.read_text(encoding="utf-8"))
    for carried in ("tinh", "co_quan", "kinh_gui", "noi_nhan", "nguoi_ky"):
        assert data[carried] == last[carried], carried
    assert data["van_ban"] == {"so": None, "dia_danh": "Thạch Quý", "ngay": None}
    assert "  so: null  # kỳ trước: 85" in lines and "  ngay: null  # kỳ trước: '2024-09-17'" in lines
    assert lines[lines.index("ky_bao_cao:  # kỳ trước: quý III năm 2024") + 1:][:6] == [
        "  loai: quy", "  so: 4", "  nam: 2024",
        "  # Ngày chốt số liệu theo Nghị định 09/2019/NĐ-CP; sửa nếu đơn vị chốt khác.",
        "  tu_ngay: 2024-09-15", "  den_ngay: 2024-12-14"]
    # the figures: emptied, last period's beside them, the block switched off so the file validates
    assert "so_lieu" not in data
    for line in ("# so_lieu:", "#   ho_so:", "#     tiep_nhan:  # kỳ trước: 537", "#     theo_linh_vuc:",
                 '#       "Tư pháp - hộ tịch":  # kỳ trước: 390', "#       dat:  # kỳ trước: 140",
                 "#     giao_boi: UBND thành phố và Chủ tịch UBND thành phố"):
        assert line in lines, line
    validated = run_cli("validate", made)
    assert validated.exit_code == 0 and validated.output == f"{made}: không có lỗi\n", validated.output
    rendered = run_cli("render", made, "-f", "md", "-o", "-")
    assert rendered.exit_code == 0, rendered.output
    assert ("**Kết quả thực hiện công tác cải cách hành chính quý IV năm 2024 và phương hướng, nhiệm vụ quý I năm "
            "2025**") in rendered.output
    assert "*(Số liệu tính từ ngày 15/09/2024 đến ngày 14/12/2024)*" in rendered.output


def test_the_outline_is_kept_and_the_text_is_a_comment_that_gives_it_back(tmp_path):
    made, text = next_of(tmp_path, THACH_QUY)
    data = yaml.safe_load(text)
    last = yaml.safe_load(THACH_QUY.read_text(encoding="utf-8"))
    assert list(data["noi_dung"]) == list(last["noi_dung"])
    assert data["noi_dung"]["van_ban_chi_dao"] == {"tieu_de": "Công tác xây dựng, ban hành các văn bản chỉ đạo",
                                                    "noi_dung": []}
    assert data["noi_dung"]["ke_hoach"] == [{"cau_mau": "nhiem_vu_ke_hoach"}]
    assert [m["muc"] for m in data["noi_dung"]["tthc"]] == [m["muc"] for m in last["noi_dung"]["tthc"]]
    # Removing "# " from a paragraph's comment gives the paragraph as it was written.
    lines = text.splitlines()
    at = lines.index("    noi_dung: []") + 1
    assert lines[at] == "      # kỳ trước:"
    block = []
    for line in lines[at + 1:]:
        if not line.startswith("      #   ") and block:
            break
        block.append(line.replace("# ", "", 1))
    assert yaml.safe_load("\n".join(block)) == [last["noi_dung"]["van_ban_chi_dao"]["noi_dung"][0]]


def test_the_figures_switched_on_are_asked_for_at_their_lines_then_validate(tmp_path):
    made, text = next_of(tmp_path, THACH_QUY)
    lines = text.splitlines()
    start = lines.index("# so_lieu:")
    end = lines.index("", start)
    switched_on = lines[:start] + [line[2:] for line in lines[start:end]] + lines[end:]
    made.write_text("\n".join(switched_on) + "\n", encoding="utf-8")
    blank = run_cli("validate", made)
    assert blank.exit_code == 1
    number = switched_on.index("    tiep_nhan:  # kỳ trước: 537") + 1
    assert f"{made}:{number}:15: lỗi: trường 'so_lieu.ho_so.tiep_nhan': phải là số nguyên (đang là để trống)" \
        in blank.output.splitlines()
    # the officer fills each figure (here: with last period's) and the file is whole again
    filled = switched_on[:start] + [re.sub(r"^(\s*[^#]+?:)  # kỳ trước: (.*)$", r"\1 \2", line)
                                    for line in switched_on[start:end]] + switched_on[end:]
    made.write_text("\n".join(filled) + "\n", encoding="utf-8")
    assert run_cli("validate", made).output == f"{made}: không có lỗi\n"


def quarter_four(tmp_path):
    text = THACH_QUY.read_text(encoding="utf-8").replace("  so: 3\n  nam: 2024", "  so: 4\n  nam: 2024")
    path = tmp_path / "q4.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("last, expected", [
    (THACH_QUY, ("quy", "quy", 4, 2024, "2024-09-15", "2024-12-14")),
    (quarter_four, ("quy", "quy", 1, 2025, "2024-12-15", "2025-03-14")),
    (EXAMPLES / "minh-tan-q1-2025.yaml", ("quy", "quy", 2, 2025, "2025-03-15", "2025-06-14")),
    (EXAMPLES / "hong-gai-6thang-2024.yaml", ("9thang", "9thang", None, 2024, "2023-12-15", "2024-09-14")),
    (EXAMPLES / "thach-quy-9thang-2024.yaml", ("nam", "nam", None, 2024, "2023-12-15", "2024-12-14")),
    (EXAMPLES / "minh-tan-nam-2024.yaml", ("6thang", "6thang", None, 2025, "2024-12-15", "2025-06-14")),
    # a template not named after its period (the yearly self-inspection) reports on the same kind, a year on
    (EXAMPLES / "thach-quy-kiem-tra-2024.yaml", ("kiem-tra", "nam", None, 2025, "2024-12-15", "2025-12-14")),
], ids=["quy-3", "quy-4", "quy-1", "6thang", "9thang", "nam", "kiem-tra"])
def test_the_period_moves_on_and_the_skeleton_validates(tmp_path, last, expected):
    last = last(tmp_path) if callable(last) else last
    made, text = next_of(tmp_path, last)
    assert period_of(text) == expected
    validated = run_cli("validate", made)
    assert validated.exit_code == 0, validated.output


def test_a_title_naming_the_period_names_the_new_one(tmp_path):
    made, text = next_of(tmp_path, EXAMPLES / "hong-gai-6thang-2024.yaml")
    lines = text.splitlines()
    at = lines.index("  trich_yeu: Kết quả thực hiện cải cách hành chính và Kế hoạch số 04/KH-UBND ngày 09/01/2023 "
                     "của UBND Thành phố 9 tháng đầu năm 2024")
    assert lines[at + 1:at + 3] == [
        "  # kỳ trước: Kết quả thực hiện cải cách hành chính và Kế hoạch số 04/KH-UBND ngày 09/01/2023 của UBND Thành",
        "  # phố 6 tháng đầu năm 2024"]
    # the unit's own cut-off dates of last period are shown beside the decree's
    assert "  tu_ngay: 2023-12-15  # kỳ trước: 2023-12-06" in lines
    assert "# phu_luc:" in lines and "#       van_ban_chi_dao:  # kỳ trước: 6" in lines


@pytest.mark.parametrize("package", ["bao-cao-hoi-nghi", "bao-cao-thang", "dan-chu", "tu-kiem-tra-thanh-pho"])
def test_the_next_period_of_a_format_package_validates(tmp_path, package):
    folder = ROOT / "tests" / "formats" / package
    for picture in folder.glob("*.png"):  # the form's signature image, beside the data as beside last period's
        shutil.copy(picture, tmp_path)
    made, _ = next_of(tmp_path, folder / "du-lieu.yaml", "--templates", folder / "mau")
    validated = run_cli("validate", made, "--templates", folder / "mau")
    assert validated.exit_code == 0, validated.output


def test_a_word_form_keeps_its_figures_switched_on_at_zero(tmp_path):
    folder = ROOT / "tests" / "formats" / "bao-cao-thang"
    _, text = next_of(tmp_path, folder / "du-lieu.yaml", "--templates", folder / "mau")
    assert "    tiep_nhan: 0  # kỳ trước: 1046" in text.splitlines()


def test_data_without_a_period_is_refused_with_its_place(tmp_path):
    last = EXAMPLES / "uong-bi-ke-hoach-thi-dua-2024.yaml"
    result = run_cli("new", "--tu", last)
    assert result.exit_code == 1
    first_key = next(n for n, line in enumerate(last.read_text(encoding="utf-8").splitlines(), 1)
                     if line and not line.startswith("#"))
    assert result.output == (f"Lỗi: {last}:{first_key}:1: tệp kỳ trước không ghi kỳ báo cáo (ky_bao_cao) nên không "
                             "biết kỳ tiếp theo; dùng 'docgen new -t TÊN_MẪU' để lập khung mới\n")


def test_bad_last_period_data_is_reported_not_carried_over(tmp_path):
    last = tmp_path / "sai.yaml"
    last.write_text(THACH_QUY.read_text(encoding="utf-8").replace("  so: 3\n", "  so: 5\n"), encoding="utf-8")
    result = run_cli("new", "--tu", last)
    assert result.exit_code == 1
    assert f"{last}:21:7: trường 'ky_bao_cao.so'" in result.output


@pytest.mark.parametrize("args, message", [
    (["new"], "Lỗi: cần -t TÊN_MẪU, hoặc --tu TỆP_KỲ_TRƯỚC.yaml để lập khung từ kỳ trước"),
    (["new", "--tu", str(THACH_QUY), "--nam", "2025"], "Lỗi: --nam không dùng cùng --tu: năm của kỳ mới tính từ kỳ trước"),
])
def test_usage(args, message):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.output.rstrip().endswith(message)
