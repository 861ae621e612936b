"""The data shapes its report (issue 20, items 4 and 5): the line under the title (van_ban.phu_de), standard
sentences switched off (cau_mau), a report on several periods (ky_bao_cao as a list, figures per period), the
year of an undated draft, and the message of a template that reads a field the data has not."""

from __future__ import annotations

import textwrap

import docx
import pytest
from conftest import run_cli

WARD = textwrap.dedent("""\
    co_quan:
      ten: [Ủy ban nhân dân, phường A]
      ten_goi: UBND phường A
    nguoi_ky:
      chuc_vu: Chủ tịch
      ho_ten: Nguyễn Văn B
    """)

CONFERENCE = WARD + textwrap.dedent("""\
    mau: quy
    van_ban:
      dia_danh: A
      ngay: 2024-03-20
      phu_de: (Tại Hội nghị sơ kết công tác cải cách hành chính quý I năm 2024)
    ky_bao_cao: {loai: quy, so: 1, nam: 2024}
    cau_mau:
      ho_so: false
    so_lieu:
      ho_so: {tiep_nhan: 1200, da_giai_quyet: 1100}
      nhiem_vu_ke_hoach: {de_ra: 10, hoan_thanh: 4}
    noi_dung:
      ke_hoach:
        - Phường triển khai kế hoạch năm.
      tthc:
        - Trong quý, phường tiếp nhận 1.200 hồ sơ, đã giải quyết 1.100 hồ sơ.
        - cau_mau: ho_so
    """)

TWO_PERIODS = WARD + textwrap.dedent("""\
    mau: quy
    van_ban:
      dia_danh: A
    ky_bao_cao:
      - loai: nam
        nam: 2023
        so_lieu:
          ho_so: {tiep_nhan: 4800, da_giai_quyet: 4790}
      - loai: quy
        so: 1
        nam: 2024
        so_lieu:
          ho_so: {tiep_nhan: 1200, da_giai_quyet: 1100}
    noi_dung:
      the_che:
        - Phường rà soát văn bản.
    """)


def render(tmp_path, text, fmt="md", *extra):
    data = tmp_path / "bao-cao.yaml"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / f"bao-cao.{fmt}"
    result = run_cli("render", data, "-o", out, "--format", fmt, *extra)
    return result, out


def docx_lines(tmp_path, text) -> list[str]:
    """Render `text` to .docx: the header table's date line, then the body's non-empty paragraphs, as a reader
    sees them."""
    result, out = render(tmp_path, text, "docx")
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    date_line = document.tables[0].cell(1, 1).paragraphs[0].text
    return [date_line] + [p.text for p in document.paragraphs if p.text.strip()]


# --- item 4: the line under the title, standard sentences ----------------------------------------------------


def test_a_conference_report_has_its_own_subtitle_and_no_sentence_the_ward_switched_off(tmp_path):
    lines = docx_lines(tmp_path, CONFERENCE)
    assert lines[:4] == [
        "A, ngày 20 tháng 3 năm 2024",
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024 và phương hướng, nhiệm vụ quý II năm 2024",
        "(Tại Hội nghị sơ kết công tác cải cách hành chính quý I năm 2024)",
    ]
    # The sentence about ho_so is off (at its slot too); the one about the plan is not.
    assert lines[4:9] == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        "1. Thực hiện Kế hoạch cải cách hành chính năm 2024",
        "Phường triển khai kế hoạch năm.",
        "Kế hoạch cải cách hành chính năm 2024 của UBND phường A xác định 10 nhiệm vụ. Đến nay đã hoàn thành 4/10 "
        "nhiệm vụ, đạt tỷ lệ 40%; còn 06 nhiệm vụ đang tiếp tục triển khai thực hiện theo kế hoạch.",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
    ]
    assert lines[9:11] == ["1. Cải cách thủ tục hành chính",
                           "Trong quý, phường tiếp nhận 1.200 hồ sơ, đã giải quyết 1.100 hồ sơ."]
    assert not any("Kết quả giải quyết thủ tục hành chính" in line for line in lines)


def test_the_sentence_is_back_when_switched_on(tmp_path):
    result, out = render(tmp_path, CONFERENCE.replace("ho_so: false", "ho_so: true"))
    assert result.exit_code == 0, result.output
    assert ("Kết quả giải quyết thủ tục hành chính: từ ngày 15/12/2023 đến ngày 14/03/2024, tổng số hồ sơ thủ tục "
            "hành chính tiếp nhận là 1.200 hồ sơ; đã giải quyết 1.100 hồ sơ; còn 100 hồ sơ đang giải quyết.") \
        in out.read_text(encoding="utf-8")


def test_phu_de_false_drops_the_line_and_absent_keeps_the_template_s(tmp_path):
    result, out = render(tmp_path, CONFERENCE.replace("phu_de: (Tại", "phu_de: false\n  #"))
    assert result.exit_code == 0, result.output
    title = ("**Kết quả thực hiện công tác cải cách hành chính quý I năm 2024 và phương hướng, nhiệm vụ quý II "
             "năm 2024**")
    text = out.read_text(encoding="utf-8")
    assert f"{title}\n\n# I. CÔNG TÁC" in text
    result, out = render(tmp_path, CONFERENCE.replace("phu_de: (Tại", "# (Tại"))
    assert f"{title}\\\n*(Số liệu tính từ ngày 15/12/2023 đến ngày 14/03/2024)*\n" in out.read_text(encoding="utf-8")


def test_a_plan_takes_a_subtitle_too(tmp_path):
    plan = WARD + textwrap.dedent("""\
        mau: ke-hoach
        van_ban:
          dia_danh: A
          ngay: 2024-01-10
          trich_yeu: Phát động phong trào thi đua năm 2024
          phu_de: (Kèm theo Quyết định số 12/QĐ-UBND)
        noi_dung:
          muc_dich: [Đẩy mạnh cải cách hành chính.]
        """)
    result, out = render(tmp_path, plan)
    assert result.exit_code == 0, result.output
    assert ("**Phát động phong trào thi đua năm 2024**\\\n*(Kèm theo Quyết định số 12/QĐ-UBND)*\n"
            in out.read_text(encoding="utf-8"))


# --- item 4: several periods ----------------------------------------------------------------------------------


def test_a_report_on_two_periods_is_named_and_cut_off_by_them(tmp_path):
    lines = docx_lines(tmp_path, TWO_PERIODS)
    assert lines[:4] == [
        # An undated draft: the year of the last period's cut-off (14/03/2024), not the first period's 2023.
        "A, ngày     tháng     năm 2024",
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính năm 2023 và quý I năm 2024; phương hướng, nhiệm vụ quý II "
        "năm 2024",
        "(Số liệu tính từ ngày 15/12/2022 đến ngày 14/03/2024)",
    ]
    assert lines[-1] == ("Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính năm 2023 và quý I năm "
                         "2024 của UBND phường A./.")


def test_an_undated_draft_shows_the_year_the_data_gives(tmp_path):
    result, out = render(tmp_path, TWO_PERIODS.replace("  dia_danh: A\n", "  dia_danh: A\n  nam: 2025\n"))
    assert result.exit_code == 0, result.output
    assert "*A, ngày     tháng     năm 2025*" in out.read_text(encoding="utf-8")


def test_a_template_reads_each_period_s_own_figures(tmp_path):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "quy.md.j2").write_text(textwrap.dedent("""\
        {% extends "quoc-gia/quy.md.j2" %}
        {% block kien_nghi %}
        {% for ky in ky_bao_cao.cac_ky %}
        - {{ ky.ten }} ({{ ky.tu_ngay|ngay }}–{{ ky.den_ngay|ngay }}): {{ ky.so_lieu.ho_so.tong }} hồ sơ;
        {% endfor %}
        {% endblock %}
        """), encoding="utf-8")
    result, out = render(tmp_path, TWO_PERIODS, "md", "--templates", folder)
    assert result.exit_code == 0, result.output
    assert ("- năm 2023 (15/12/2022–14/12/2023): 4.800 hồ sơ;\n\n"
            "- quý I năm 2024 (15/12/2023–14/03/2024): 1.200 hồ sơ;\n\n") in out.read_text(encoding="utf-8")


def test_one_period_keeps_its_shape(tmp_path):
    result, out = render(tmp_path, CONFERENCE.replace("  ngay: 2024-03-20\n", ""))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "*A, ngày     tháng     năm 2024*" in text
    assert "hành chính quý I năm 2024 và phương hướng, nhiệm vụ quý II năm 2024**" in text


# --- item 5: a template reading what the data has not -----------------------------------------------------------

PROVINCE = textwrap.dedent("""\
    {% extends "quoc-gia/quy.md.j2" %}
    {% block kien_nghi %}
    {% if so_lieu.de_an_06 %}
    Đề án 06: đã kích hoạt {{ so_lieu.de_an_06.tai_khoan }} tài khoản định danh điện tử.
    {% endif %}
    {% if so_lieu.de_an_06.tai_khoan %}Có số tài khoản.{% endif %}
    {% endblock %}
    """)


def _province(tmp_path, text=PROVINCE):
    folder = tmp_path / "mau"
    folder.mkdir(exist_ok=True)
    (folder / "quy.md.j2").write_text(text, encoding="utf-8")
    return folder


def test_testing_a_figure_group_the_ward_has_not_is_false(tmp_path):
    folder = _province(tmp_path)
    result, out = render(tmp_path, CONFERENCE, "md", "--templates", folder)
    assert result.exit_code == 0, result.output
    assert "Đề án 06" not in out.read_text(encoding="utf-8")
    with_group = CONFERENCE.replace("so_lieu:\n", "so_lieu:\n  de_an_06: {tai_khoan: 5230}\n")
    result, out = render(tmp_path, with_group, "md", "--templates", folder)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Đề án 06: đã kích hoạt 5.230 tài khoản định danh điện tử.\n\nCó số tài khoản.\n" in text


def test_printing_a_figure_group_the_ward_has_not_names_the_template_line_and_field(tmp_path):
    folder = _province(tmp_path, PROVINCE + "{% block phuong_huong %}Tài khoản: {{ so_lieu.de_an_06.tai_khoan }}"
                                            "{% endblock %}\n")
    result, _ = render(tmp_path, CONFERENCE, "md", "--templates", folder)
    assert result.exit_code == 1
    assert result.output == (
        f"Lỗi: {folder / 'quy.md.j2'}:8: mẫu 'quy': dữ liệu không có trường 'so_lieu.de_an_06'; đặt chỗ dùng nó trong "
        "{% if so_lieu.de_an_06 %} … {% endif %} (đúng khi đơn vị có số liệu này) hoặc khai báo 'so_lieu.de_an_06' "
        "trong tệp dữ liệu\n")


@pytest.mark.parametrize("line, message", [
    # A missing field outside so_lieu is a typo in the template: reading it as false would drop text unseen.
    ("{% if co_quan.ten_gio %}x{% endif %}", "dữ liệu không có trường 'co_quan.ten_gio'; có phải ý bạn là 'ten_goi'?"),
    ("{{ so_lieuu.ho_so }}", "không có biến 'so_lieuu'; có phải ý bạn là 'so_lieu'?"),
])
def test_a_missing_field_outside_the_figures_or_an_unknown_name_is_an_error(tmp_path, line, message):
    folder = _province(tmp_path, f'{{% extends "quoc-gia/quy.md.j2" %}}\n{{% block kien_nghi %}}\n{line}\n'
                                 "{% endblock %}\n")
    result, _ = render(tmp_path, CONFERENCE, "md", "--templates", folder)
    assert result.exit_code == 1
    assert result.output == f"Lỗi: {folder / 'quy.md.j2'}:3: mẫu 'quy': {message}\n"
