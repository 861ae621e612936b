"""docgen lint: broken text templates and layouts found by line, paragraph or table cell; template safety."""

from __future__ import annotations

import re
import shutil
import textwrap

import docx
import pytest
from conftest import in_part, layout_variant, run_cli
from test_errors import MINIMAL

from cchc_docgen.authoring import lint
from cchc_docgen.composing import compose
from cchc_docgen.templating.library import builtin_templates_dir

HEAD = "::: loai_van_ban\nBÁO CÁO\n::: trich_yeu\nTiêu đề\n::: noi_dung\n"


def folder_with(tmp_path, **files):
    folder = tmp_path / "mau"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", ".").replace("_md_j2", ".md.j2")).write_text(text, encoding="utf-8")
    return folder


def lint_text(tmp_path, body, name="thu"):
    folder = folder_with(tmp_path)
    (folder / f"{name}.md.j2").write_text(body, encoding="utf-8")
    return run_cli("lint", "--templates", folder, name), folder / f"{name}.md.j2"


def test_every_builtin_template_is_clean():
    result = run_cli("lint")
    assert result.exit_code == 0, result.output
    assert result.output == "Đã kiểm tra 6thang, 9thang, ke-hoach, kiem-tra, nam, quy, tong-hop: không có lỗi\n"


def test_the_composer_offers_the_helpers_lint_knows():
    for name in lint.HELPERS:
        assert callable(getattr(compose.Composer, name))


# --- text templates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, line, message", [
    (HEAD + "Đoạn {{ co_quan.ten_goi }\n", 6, "ký tự không đúng chỗ: '}'"),
    (HEAD + "# Mục\n{% if so_lieu.ho_so %}\nCó hồ sơ.\n", 7, "khối {% if %} mở ở dòng 7 chưa được đóng (thiếu {% endif %})"),
    (HEAD + "{% for x in kinh_gui %}{{ x }}{% endif %}\n", 6, "thẻ {% endif %} không đúng chỗ: ở đây cần {% endfor %} hoặc {% else %}"),
    (HEAD + "{% iff x %}\n", 6, "thẻ không có trong Jinja: {% iff %}"),
    (HEAD + "Tỷ lệ {{ ty_le(1, 2)|ty_lee }}.\n", 6, "không có bộ lọc 'ty_lee'"),
    (HEAD + "{% if kinh_gui is rong %}x{% endif %}\n", 6, "không có phép thử 'rong' (dùng sau 'is')"),
    (HEAD + "Của {{ co_quan_ten }}.\n", 6, "biến 'co_quan_ten' không có trong dữ liệu, số liệu tính sẵn hay các hàm của mẫu"),
    (HEAD + "Nhận {{ so_lieu.ho_so.tiep_nhan_moi }} hồ sơ.\n", 6, "trường 'so_lieu.ho_so.tiep_nhan_moi' không có trong dữ liệu"),
    (HEAD + "{% set hs = so_lieu.ho_so %}\nNhận {{ hs.tiepnhan }} hồ sơ.\n", 7, "trường 'so_lieu.ho_so.tiepnhan' không có"),
    (HEAD + "Ký: {{ nguoi_ky['hoten'] }}\n", 6, "trường 'nguoi_ky.hoten' không có trong dữ liệu"),
    (HEAD + "# Mục\n{{ khoi(\"the_chee\") }}\n", 7, "khoi(\"the_chee\"): mục 'the_chee' không có trong noi_dung của schema"),
    (HEAD + "# Mục\nTrước {{ khoi(\"the_che\") }}\n", 7, "khoi(...) phải đứng riêng một dòng"),
    (HEAD + "::: noidung\n", 6, "phần '::: noidung' không có; các phần: loai_van_ban, ky_hieu, trich_yeu, thoi_gian, noi_dung, ket_luan"),
    (HEAD + "{{ co_quan.ten_goi.__class__ }}\n", 6, "thuộc tính '__class__' bị chặn: mẫu chạy trong môi trường cách ly"),
])
def test_text_template_problems_are_located(tmp_path, body, line, message):
    result, path = lint_text(tmp_path, body)
    assert result.exit_code == 1
    source_line = body.splitlines()[line - 1]
    assert f"{path}:{line}: lỗi: {message}" in result.output
    assert f"\n    {line} | {source_line}\n" in result.output


def test_what_the_data_and_compute_give_is_known(tmp_path):
    body = HEAD + textwrap.dedent("""\
        {% set hs = so_lieu.ho_so %}
        {% if hs %}Tổng {{ hs.tong }}, còn {{ hs.dang_giai_quyet }}; {{ hs.theo_linh_vuc.items()|list|length }} lĩnh vực.{% endif %}
        {{ so_lieu.tuyen_truyen.phat_thanh if so_lieu.tuyen_truyen else "" }} {{ ky_bao_cao.ten }} {{ van_ban.nam }}
        {% for dong in kinh_gui %}{{ loop.index }}. {{ dong|upper }}{% endfor %} {{ cum_ty_le(1, 2) }} {{ ten_ky("nam", none, 2025) }}
        # {{ ten_muc("the_che", "Cải cách thể chế") }}
        {{ khoi("the_che") }}
        {% if co_noi_dung("tthc") %}{{ chu_thich("x") }}{% endif %}
        {% macro dong_ky(ten) %}{{ ten }}{% endmacro %}{{ dong_ky(nguoi_ky.ho_ten) }}
        """)
    result, _ = lint_text(tmp_path, body)
    assert result.exit_code == 0, result.output


def test_a_child_override_and_its_parent_are_linted_together(tmp_path):
    folder = folder_with(tmp_path)
    (folder / "_bao_cao_dinh_ky.md.j2").write_text(
        '{% extends "quoc-gia/_bao_cao_dinh_ky.md.j2" %}\n'
        '{% block cau_can_bo %}Biên chế: {{ so_lieu.can_bo.tong_so }} người.{% endblock %}\n', encoding="utf-8")
    result = run_cli("lint", "--templates", folder, "quy")
    assert result.exit_code == 1
    assert f"{folder / '_bao_cao_dinh_ky.md.j2'}:2: lỗi: trường 'so_lieu.can_bo.tong_so' không có" in result.output
    # the national parent uses loai_ky/ky_toi set by its children: no complaint about them
    assert "loai_ky" not in result.output and "quoc-gia" not in result.output
    by_path = run_cli("lint", "--templates", folder, folder / "_bao_cao_dinh_ky.md.j2")
    assert by_path.exit_code == 1 and "tong_so" in by_path.output


def test_unknown_template_name(tmp_path):
    result = run_cli("lint", "khong-co")
    assert result.exit_code == 1 and "không có mẫu 'khong-co'; các mẫu hiện có: 6thang" in result.output


# --- layouts ------------------------------------------------------------------------------------------------

def layout_with(tmp_path, *replacements, name="bo-cuc.docx"):
    """The national layout with document.xml edited as a template author might have done in Word."""
    def edit(data):
        text = data.decode("utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        return text.encode("utf-8")

    return layout_variant(tmp_path, in_part("word/document.xml", edit), name=name)


RUN = '</w:t></w:r><w:r><w:t xml:space="preserve">'


def test_the_builtin_layouts_are_clean():
    for layout in sorted(builtin_templates_dir().glob("*/*.docx")):
        assert lint.lint_layout(layout) == [], layout


@pytest.mark.parametrize("replacement, message", [
    (("Số: {{ so_ky_hieu }}", "Số: {" + RUN + " " + RUN + "{ so_ky_hieu }}"),
     "bảng 1, hàng 2, ô 1, đoạn 1: thẻ bị tách: giữa hai dấu ngoặc của thẻ có chữ khác (nằm ở các đoạn chữ khác nhau "
     "trong Word); docxtpl sẽ in nguyên văn thay vì điền giá trị. Xóa rồi gõ lại cả thẻ liền một mạch\n    «Số: { { so_ky_hieu }}»"),
    (("{{ ho_ten }}", "{{ ho_ten_nguoi_ky }}"),
     "bảng 2, hàng 1, ô 2, đoạn 9: biến 'ho_ten_nguoi_ky' không có trong bố cục; các biến: co_quan_chu_quan"),
    (("{%p endif %}", "{%p end %}"), "bảng 1, hàng 1, ô 1, đoạn 3: thẻ {% end %} không đúng chỗ: ở đây cần {% elif %} hoặc {% else %} hoặc {% endif %}"),
    (("{%p endfor %}", "trống"), "bảng 1, hàng 1, ô 1, đoạn 4: khối {% for %} chưa được đóng (thiếu {% endfor %})"),
    (("{{ chuc_vu }}", "{{ chuc_vu"), "bảng 2, hàng 1, ô 2, đoạn 4: thẻ '{{' chưa có dấu đóng trong cùng đoạn văn"),
    (("{{ trich_yeu }}", "{{ trich_yeu|in_hoa }}"), "thân văn bản, đoạn 2: không có bộ lọc 'in_hoa' trong bố cục"),
    (("{{p noi_dung }}", "{{ noi_dung }}"), "thân văn bản, đoạn 11: phần thân phải đặt bằng {{p noi_dung }} (có 'p')"),
    (("{{ ho_ten }}", "{{ ho_ten.__class__ }}"), "thuộc tính '__class__' bị chặn"),
])
def test_layout_problems_are_located_by_paragraph_or_cell(tmp_path, replacement, message):
    layout = layout_with(tmp_path, replacement)
    result = run_cli("lint", layout)
    assert result.exit_code == 1
    assert f"{layout}: lỗi: " in result.output and message in result.output


def test_a_tag_split_across_runs_that_docxtpl_merges_is_fine(tmp_path):
    folder = tmp_path / "mau"
    folder.mkdir()
    layout_with(folder, ("{{ ho_ten }}", "{{ ho" + RUN + "_ten }" + RUN + "}"))
    assert run_cli("lint", folder / "bo-cuc.docx").exit_code == 0
    data = tmp_path / "d.yaml"
    data.write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "d.docx"
    assert run_cli("render", data, "--templates", folder, "-o", out).exit_code == 0
    assert any("Nguyễn Văn B" in c.text for t in docx.Document(str(out)).tables for c in t._cells)


def test_lint_reports_a_layout_with_no_place_for_the_body(tmp_path):
    layout = layout_with(tmp_path, ("{{p noi_dung }}", "Thân văn bản"))
    assert "không có {{p noi_dung }}: phần thân văn bản không có chỗ đặt" in run_cli("lint", layout).output


# --- safety: data text is never template code; templates cannot reach Python's insides --------------------------

WARD_TEXT = "Viết {{ 7*7 }} và {% if x %}có{% endif %} cùng <&> và \"ngoặc\" 'đơn'."


def test_a_wards_text_prints_as_written_in_both_formats(tmp_path):
    data = tmp_path / "w.yaml"
    data.write_text(MINIMAL + "noi_dung:\n  the_che:\n    - " + repr(WARD_TEXT).replace("\\'", "''") + "\n"
                    "  ket_luan: 'Kết {{ co_quan.ten_goi }} <b>'\n", encoding="utf-8")
    out_docx, out_md = tmp_path / "w.docx", tmp_path / "w.md"
    assert run_cli("render", data, "-o", out_docx).exit_code == 0
    assert run_cli("render", data, "-o", out_md, "-f", "md").exit_code == 0
    paragraphs = [p.text for p in docx.Document(str(out_docx)).paragraphs]
    assert WARD_TEXT in paragraphs
    assert "Kết {{ co_quan.ten_goi }} <b>./." in paragraphs
    md = re.sub(r"\\(.)", r"\1", out_md.read_text(encoding="utf-8"))  # Markdown's escapes read back
    assert WARD_TEXT in md and "Kết {{ co_quan.ten_goi }} <b>./." in md
    assert "49" not in md


@pytest.mark.parametrize("expression, attribute", [
    ("co_quan.ten_goi.__class__.__mro__", "__class__"),
    ("ten_ky.__globals__", "__globals__"),
    ("cycler.__init__.__globals__", "__init__"),
])
def test_a_template_cannot_reach_python_internals(tmp_path, expression, attribute):
    folder = folder_with(tmp_path)
    (folder / "hack.md.j2").write_text(HEAD + "{{ " + expression + " }}\n", encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text(MINIMAL, encoding="utf-8")
    result = run_cli("render", data, "-t", "hack", "--templates", folder, "-o", tmp_path / "o.md", "-f", "md")
    assert result.exit_code == 1
    assert (f"Lỗi: mẫu 'hack' bị chặn khi truy cập '{attribute}': mẫu chạy trong môi trường cách ly, không được dùng "
            "phần bên trong của Python") in result.output
    assert not (tmp_path / "o.md").exists()
    assert run_cli("lint", "--templates", folder, "hack").exit_code == 1


# --- the layout's styles (issue 13: a layout re-saved in LibreOffice) ------------------------------------------

def restyled(tmp_path, style_id, edit):
    """The national layout with the paragraph style `style_id` of styles.xml edited (`edit(xml of the style)`)."""
    def change(data):
        text = data.decode("utf-8")
        m = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', text, re.S)
        assert m, style_id
        return (text[:m.start()] + edit(m.group(0)) + text[m.end():]).encode("utf-8")

    return layout_variant(tmp_path, in_part("word/styles.xml", change))


STYLES = "cảnh báo: kiểu chữ (word/styles.xml): "


def test_a_footnote_style_renamed_as_libreoffice_does_is_a_warning(tmp_path):
    """LibreOffice saves the style 'footnote text' under the id 'Footnote': the writer's FootnoteText is gone."""
    layout = restyled(tmp_path, "FootnoteText", lambda xml: xml.replace('w:styleId="FootnoteText"', 'w:styleId="Footnote"')
                      .replace('w:val="footnote text"', 'w:val="Footnote Text"'))
    result = run_cli("lint", layout)
    assert result.exit_code == 0
    assert result.output == (
        f"{layout}: {STYLES}không có kiểu 'FootnoteText' (chữ chú thích) mà docgen dùng, nên chữ chú thích sẽ in "
        "theo kiểu mặc định (Times New Roman 14 pt, căn trái); có kiểu 'Footnote' mang tên 'Footnote Text' "
        "(LibreOffice đổi mã kiểu khi lưu lại tệp: hãy mở và lưu bố cục bằng Word, hoặc lấy lại bố cục gốc)\n"
        f"Đã kiểm tra {layout}: 1 cảnh báo\n")


def test_a_changed_footnote_style_is_a_warning(tmp_path):
    layout = restyled(tmp_path, "FootnoteText", lambda xml: xml.replace('w:ascii="Times New Roman"', 'w:ascii="Cambria"')
                      .replace('<w:sz w:val="24"/>', '<w:sz w:val="22"/>').replace('<w:jc w:val="both"/>', ""))
    result = run_cli("lint", layout)
    assert f"{layout}: {STYLES}kiểu 'FootnoteText' (chữ chú thích): Cambria 11 pt, căn trái; bố cục gốc: Times New " \
           "Roman 12 pt, căn đều hai bên (Nghị định 30/2020/NĐ-CP yêu cầu phông Times New Roman)\n" in result.output


def test_a_body_style_off_decree_30_is_a_warning(tmp_path):
    layout = restyled(tmp_path, "Normal", lambda xml: xml.replace('<w:sz w:val="28"/>', '<w:sz w:val="25"/>')
                      .replace('w:ascii="Times New Roman"', 'w:ascii="Arial"'))
    result = run_cli("lint", layout)
    assert result.output.splitlines()[:2] == [
        f"{layout}: {STYLES}kiểu 'Normal' (kiểu mặc định): phông Arial; Nghị định 30/2020/NĐ-CP yêu cầu Times New Roman",
        f"{layout}: {STYLES}kiểu 'Normal' (kiểu mặc định): cỡ chữ 12,5 pt; Nghị định 30/2020/NĐ-CP yêu cầu 13–14 pt "
        "cho chữ thân văn bản"]


def test_the_shipped_layouts_have_decree_30_styles():
    for layout in builtin_templates_dir().glob("*/bo-cuc.docx"):
        result = run_cli("lint", layout)
        assert result.output == f"Đã kiểm tra {layout}: không có lỗi\n", result.output


def test_a_figure_group_neither_in_the_schema_nor_declared_is_a_warning(tmp_path):
    """`{% if so_lieu.X %}` is false for a ward without group X, so a misspelt group would drop its sentence
    silently: lint says so, with the likely name; a declared group is known."""
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "quy.md.j2").write_text("::: loai_van_ban\nBÁO CÁO\n::: trich_yeu\nx\n::: noi_dung\n"
                                      "{% if so_lieu.ho_sO %}\nCó.\n{% endif %}\n{% if so_lieu.de_an %}\nCó.\n{% endif %}\n",
                                      encoding="utf-8")
    result = run_cli("lint", "--templates", folder, "quy")
    assert result.exit_code == 0, result.output  # a warning
    assert ("quy.md.j2:6: cảnh báo: nhóm số liệu 'so_lieu.ho_sO' không có trong mẫu dữ liệu hay khai báo của thư mục "
            "mẫu; có phải ý bạn là 'ho_so'?") in result.output
    assert "so_lieu.de_an'" in result.output
    declared = tmp_path / "mau-khai-bao"  # (a library is kept per folder for the process's life: a new folder)
    shutil.copytree(folder, declared)
    (declared / "cau-hinh.yaml").write_text("mau:\n  quy:\n    so_lieu:\n      de_an:\n        mo_ta: Đề án\n",
                                            encoding="utf-8")
    result = run_cli("lint", "--templates", declared, "quy")
    assert "so_lieu.de_an'" not in result.output and "so_lieu.ho_sO'" in result.output
