"""A template folder declares its own report kinds, sections and figure groups (issue 20, item 1).

tests/formats/dan-chu/mau declares, in its cau-hinh.yaml, a kind the package has never heard of ("dan-chu":
a report on the grassroots-democracy rules) with two sections and a figure group; nothing in the package
knows them. Every command reads the merged declaration: render, validate, new, schema, lint, templates.
"""

from __future__ import annotations

import json
import shutil

import yaml
from conftest import ROOT
from test_bad_inputs import invoke

from cchc_docgen.templating.library import library_for

PACKAGE = ROOT / "tests" / "formats" / "dan-chu"
MAU = PACKAGE / "mau"


def test_a_declared_kind_renders_with_its_sections_and_figures(tmp_path):
    out = tmp_path / "dan-chu.md"
    result = invoke("render", PACKAGE / "du-lieu.yaml", "--templates", MAU, "-o", out, "-f", "md")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "# I. THỰC TRẠNG" in text and "# II. GIẢI PHÁP" in text
    assert "Đã kích hoạt 1.234 tài khoản định danh điện tử, đạt 87,5%." in text


def test_validate_lint_and_templates_know_the_declared_kind():
    validated = invoke("validate", PACKAGE / "du-lieu.yaml", "--templates", MAU)
    assert validated.exit_code == 0 and "không có lỗi" in validated.output, validated.output
    linted = invoke("lint", "--templates", MAU)
    assert linted.exit_code == 0 and "dan-chu" in linted.output and "không có lỗi" in linted.output, linted.output
    listed = invoke("templates", "--templates", MAU)
    assert "dan-chu — Báo cáo thực hiện Quy chế dân chủ ở cơ sở" in listed.output


def test_a_misspelt_declared_section_is_refused_with_the_right_suggestion(tmp_path):
    data = tmp_path / "sai.yaml"
    data.write_text((PACKAGE / "du-lieu.yaml").read_text(encoding="utf-8").replace("thuc_trang:", "thuc_trag:"),
                    encoding="utf-8")
    result = invoke("validate", data, "--templates", MAU)
    assert result.exit_code == 1
    assert "trường 'noi_dung.thuc_trag': trường 'thuc_trag' không có trong mẫu dữ liệu; có phải ý bạn là " \
           "'thuc_trang'?" in result.output, result.output


def test_a_declared_figure_has_its_declared_type(tmp_path):
    data = tmp_path / "sai.yaml"
    data.write_text((PACKAGE / "du-lieu.yaml").read_text(encoding="utf-8").replace("tai_khoan: 1234", "tai_khoan: nhiều"),
                    encoding="utf-8")
    result = invoke("validate", data, "--templates", MAU)
    assert result.exit_code == 1
    assert "trường 'so_lieu.de_an_06.tai_khoan': phải là số nguyên (đang là chuỗi chữ)" in result.output


def test_a_ward_without_the_declared_group_renders_without_its_sentence(tmp_path):
    data = tmp_path / "khong-co.yaml"
    text = (PACKAGE / "du-lieu.yaml").read_text(encoding="utf-8")
    data.write_text(text.replace("so_lieu:\n  de_an_06: {tai_khoan: 1234, ty_le: 87.5}\n", ""), encoding="utf-8")
    out = tmp_path / "out.md"
    result = invoke("render", data, "--templates", MAU, "-o", out, "-f", "md")
    assert result.exit_code == 0, result.output
    assert "kích hoạt" not in out.read_text(encoding="utf-8")


def test_the_skeleton_of_a_declared_kind_describes_its_sections_and_renders(tmp_path):
    result = invoke("new", "-t", "dan-chu", "--templates", MAU)
    assert result.exit_code == 0, result.output
    skeleton = result.output
    assert "# Thực trạng: Tình hình thực hiện Quy chế dân chủ tại đơn vị\n  thuc_trang: []" in skeleton
    assert "# Giải pháp: Các giải pháp trong thời gian tới\n  giai_phap: []" in skeleton
    assert "#   de_an_06:" in skeleton and "#     tai_khoan: 0" in skeleton
    data = tmp_path / "moi.yaml"
    data.write_text(skeleton, encoding="utf-8")
    assert invoke("validate", data, "--templates", MAU).exit_code == 0
    rendered = invoke("render", data, "--templates", MAU, "-o", tmp_path / "moi.docx")
    assert rendered.exit_code == 0, rendered.output


def test_the_schema_of_a_declared_kind_holds_its_sections_and_figures():
    result = invoke("schema", "-t", "dan-chu", "--templates", MAU)
    schema = json.loads(result.output)
    assert set(schema["properties"]["noi_dung"]["properties"]) >= {"thuc_trang", "giai_phap"}
    group = schema["$defs"]["so_lieu"]["properties"]["de_an_06"]
    assert group["description"] == "Kết quả thực hiện Đề án 06"
    assert group["properties"]["ty_le"] == {"type": "number", "description": "Tỷ lệ kích hoạt (%)"}


def test_a_province_adds_a_section_to_a_kind_and_inherits_the_rest(tmp_path):
    """A second folder in front declares one more section of the same kind: the kind keeps the first folder's
    sections and figures (declarations merge key by key), and `ke_thua` starts a new kind from it."""
    front = tmp_path / "tinh"
    front.mkdir()
    (front / "cau-hinh.yaml").write_text(yaml.safe_dump({"mau": {
        "dan-chu": {"muc": {"ket_qua_khac": {"tieu_de": "Kết quả khác", "mo_ta": "Việc khác của đơn vị"}}},
        "dan-chu-xa": {"ten": "Báo cáo dân chủ của xã", "ke_thua": "dan-chu"},
    }}, allow_unicode=True), encoding="utf-8")
    shutil.copy(MAU / "dan-chu.md.j2", front / "dan-chu-xa.md.j2")
    library = library_for((front, MAU))
    assert list(library.declaration("dan-chu")["muc"]) == ["thuc_trang", "giai_phap", "ket_qua_khac"]
    inherited = library.declaration("dan-chu-xa")
    assert inherited["ten"] == "Báo cáo dân chủ của xã" and list(inherited["muc"]) == list(library.declaration("dan-chu")["muc"])
    schema = json.loads(invoke("schema", "-t", "dan-chu-xa", "--templates", front, "--templates", MAU).output)
    assert "de_an_06" in schema["$defs"]["so_lieu"]["properties"]  # (noi_dung: only the sections the template uses)
    full = json.loads(invoke("schema", "--templates", front, "--templates", MAU).output)
    assert "ket_qua_khac" in full["properties"]["noi_dung"]["properties"]
    listed = invoke("templates", "--templates", front, "--templates", MAU)
    assert "dan-chu-xa — Báo cáo dân chủ của xã" in listed.output


def test_declaration_mistakes_are_located(tmp_path):
    folder = tmp_path / "mau"
    shutil.copytree(MAU, folder)
    settings = folder / "cau-hinh.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("kieu: so_nguyen", "kieu: so_nguyn"), encoding="utf-8")
    result = invoke("validate", PACKAGE / "du-lieu.yaml", "--templates", folder)
    assert result.exit_code == 1
    assert "cau-hinh.yaml:12:" in result.output and "trường 'mau.dan-chu.so_lieu.de_an_06.truong.tai_khoan.kieu': " \
        "phải là một trong: so_nguyen, so, chu, ty_so; đang ghi: \"so_nguyn\"" in result.output, result.output
    settings.write_text(text.replace("    muc:", "    mucc:"), encoding="utf-8")
    result = invoke("lint", "--templates", folder)
    assert "khóa 'mucc' không có trong tệp cấu hình mẫu; có phải ý bạn là 'muc'?" in result.output, result.output
    settings.write_text(text + "  khong-co-tep:\n    ten: Mẫu chưa có tệp\n    ke_thua: khong-co\n", encoding="utf-8")
    result = invoke("lint", "--templates", folder)
    assert result.exit_code == 1
    assert "mẫu 'khong-co-tep' được khai báo (mau.khong-co-tep) nhưng không có tệp khong-co-tep.md.j2" in result.output
    assert "mẫu 'khong-co-tep' kế thừa mẫu không có: 'khong-co'" in result.output
