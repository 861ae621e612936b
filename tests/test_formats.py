"""Format packages of template authors (issue 20): tests/formats/X holds `mau/` (a template folder), `du-lieu.yaml`
and `golden/`, built only from declarations, templates and data. Each one renders as its golden files, validates,
lints clean, and `docgen new -t` gives a skeleton that renders; no data file numbers a heading by hand.

- tu-kiem-tra-thanh-pho: a city's self-inspection report: text before part A, parts A. and B. each holding Roman
  sections (counted again in B.), 1. and 1.1. subsections and a), b) under a 1.1. heading, from the numbering its
  cau-hinh.yaml declares.
- bao-cao-hoi-nghi: a report to a conference covering năm 2024 and quý I năm 2025, with its own subtitle line and
  one standard sentence switched off; its template extends the national `quy` and keeps blocks with super().
- dan-chu: a report kind the package has never heard of, with its own sections and figure group.
(Word-form packages are tests/test_forms.py's.)
"""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT
from test_bad_inputs import invoke

FORMATS = ROOT / "tests" / "formats"
PACKAGES = sorted(p for p in FORMATS.iterdir() if p.is_dir() and any((p / "mau").glob("*.md.j2")))


def kind(package):
    return yaml.safe_load((package / "du-lieu.yaml").read_text(encoding="utf-8"))["mau"]


def test_the_packages_are_there():
    assert {p.name for p in PACKAGES} >= {"tu-kiem-tra-thanh-pho", "bao-cao-hoi-nghi", "dan-chu"}


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_a_package_matches_its_golden_validates_and_lints_clean(package):
    data, mau = package / "du-lieu.yaml", package / "mau"
    checked = invoke("check", data, "--golden", package / "golden", "--templates", mau)
    assert checked.exit_code == 0, checked.output
    validated = invoke("validate", data, "--templates", mau)
    assert validated.exit_code == 0 and "không có lỗi" in validated.output, validated.output
    linted = invoke("lint", "--templates", mau)
    assert linted.exit_code == 0 and linted.output.rstrip().endswith("không có lỗi"), linted.output


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_the_skeleton_of_a_package_renders(package, tmp_path):
    mau = package / "mau"
    skeleton = invoke("new", "-t", kind(package), "--templates", mau)
    assert skeleton.exit_code == 0, skeleton.output
    data = tmp_path / "khung.yaml"
    data.write_text(skeleton.output, encoding="utf-8")
    assert invoke("validate", data, "--templates", mau).exit_code == 0
    rendered = invoke("render", data, "--templates", mau, "-o", tmp_path / "khung.docx")
    assert rendered.exit_code == 0, rendered.output


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_no_data_file_numbers_a_heading_by_hand(package):
    data = yaml.safe_load((package / "du-lieu.yaml").read_text(encoding="utf-8"))
    titles = []

    def walk(value):
        if isinstance(value, dict):
            assert value.get("danh_so") is not False, "a heading numbered by hand"
            if "muc" in value:
                titles.append(str(value["muc"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data.get("noi_dung") or {})
    numbered = [t for t in titles if re.match(r"([A-Z]|[IVX]+|\d+(\.\d+)*|[a-zđ])[.)] ", t)]
    assert not numbered


def _headings(package) -> list[str]:
    return [line for line in (package / "golden" / "du-lieu.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("#")]


def test_the_self_inspection_report_has_parts_roman_sections_and_lettered_points():
    headings = _headings(FORMATS / "tu-kiem-tra-thanh-pho")
    assert headings == [
        "# A. KẾT QUẢ TỰ KIỂM TRA",
        "## I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "### 1. Ban hành kế hoạch và văn bản chỉ đạo",
        "#### 1.1. Kế hoạch cải cách hành chính năm 2024",
        "##### a) Kết quả ban hành",
        "##### b) Kết quả thực hiện",
        "#### 1.2. Văn bản chỉ đạo, đôn đốc",
        "### 2. Công tác tuyên truyền",
        "## II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
        "### 1. Công khai thủ tục hành chính",
        "### 2. Giải quyết hồ sơ",
        "#### 2.1. Đúng hạn",
        "#### 2.2. Quá hạn",
        "## III. CHUYỂN ĐỔI SỐ",
        "# B. ĐÁNH GIÁ CHUNG VÀ KIẾN NGHỊ",
        "## I. ĐÁNH GIÁ CHUNG",
        "### 1. Ưu điểm",
        "### 2. Hạn chế, nguyên nhân",
        "## II. KIẾN NGHỊ",
    ]
    text = (FORMATS / "tu-kiem-tra-thanh-pho" / "golden" / "du-lieu.md").read_text(encoding="utf-8")
    assert text.index("Thực hiện Kế hoạch kiểm tra") < text.index("# A. KẾT QUẢ TỰ KIỂM TRA")  # text before part A


def test_the_conference_report_covers_two_periods_with_its_own_subtitle_and_a_sentence_off():
    text = (FORMATS / "bao-cao-hoi-nghi" / "golden" / "du-lieu.md").read_text(encoding="utf-8")
    assert ("**Kết quả thực hiện công tác cải cách hành chính năm 2024 và quý I năm 2025; phương hướng, nhiệm vụ "
            "quý II năm 2025**") in text
    assert "*(Tại Hội nghị sơ kết công tác cải cách hành chính của tỉnh, ngày 25/3/2025)*" in text
    assert "Số liệu tính từ ngày" not in text
    # the standard sentence on applications (cau_mau: {ho_so: false}) is off; the ward's own figures stay
    assert "tổng số hồ sơ thủ tục hành chính tiếp nhận" not in text and "phường tiếp nhận 1.250 hồ sơ" in text
    # super() kept the national blocks and the override added to them
    assert "# V. KIẾN NGHỊ, ĐỀ XUẤT\n\nĐề nghị tỉnh bố trí kinh phí" in text and "## 1. Đề xuất tại Hội nghị" in text
    assert "quý I năm 2025 của UBND phường Thạch Hà, trình bày tại Hội nghị./." in text
