"""The report family, province folders and appendices (issue: report family and province-wide formats)."""

from __future__ import annotations

import re
import shutil

import docx
import pytest
from conftest import (
    EXAMPLES,
    NS,
    W,
    footnotes,
    in_part,
    layout_variant,
    part_xml,
    run_cli,
)
from docx.shared import Pt
from test_errors import MINIMAL


def render(tmp_path, text, *args, fmt="md", name="w"):
    data = tmp_path / f"{name}.yaml"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / f"{name}.{fmt}"
    result = run_cli("render", data, "-o", out, "-f", fmt, *args)
    assert result.exit_code == 0, result.output
    return out if fmt == "docx" else out.read_text(encoding="utf-8")


CONTENT = "noi_dung:\n  the_che: ['Tốt.']\n  phuong_huong: ['- Tiếp tục.']\n"


@pytest.mark.parametrize("kind, number, template, title, window, heading", [
    ("quy", "so: 2\n  ", "quy", "quý II năm 2025 và phương hướng, nhiệm vụ quý III năm 2025",
     "15/03/2025 đến ngày 14/06/2025", "II. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ TỚI"),
    ("6thang", "", "6thang", "6 tháng đầu năm 2025 và phương hướng, nhiệm vụ 6 tháng cuối năm 2025",
     "15/12/2024 đến ngày 14/06/2025", "II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM"),
    ("9thang", "", "9thang", "9 tháng đầu năm 2025 và phương hướng, nhiệm vụ những tháng cuối năm 2025",
     "15/12/2024 đến ngày 14/09/2025", "II. PHƯƠNG HƯỚNG, NHIỆM VỤ NHỮNG THÁNG CUỐI NĂM"),
    ("nam", "", "nam", "năm 2025 và phương hướng, nhiệm vụ năm 2026",
     "15/12/2024 đến ngày 14/12/2025", "II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI"),
])
def test_periodic_reports_differ_only_where_the_period_does(tmp_path, kind, number, template, title, window, heading):
    text = MINIMAL.replace("mau: quy", f"mau: {template}").replace("loai: quy\n  so: 1\n  ", f"loai: {kind}\n  {number}")
    md = render(tmp_path, text + CONTENT)
    assert f"**Kết quả thực hiện công tác cải cách hành chính {title}**" in md
    assert f"*(Số liệu tính từ ngày {window})*" in md
    assert f"# {heading}" in md
    assert "## 1. Cải cách thể chế" in md


def test_kiem_tra_is_lettered(tmp_path):
    text = MINIMAL.replace("mau: quy", "mau: kiem-tra").replace("loai: quy\n  so: 1", "loai: nam") + (
        "noi_dung:\n  dac_diem: ['Phường có 20 cán bộ.']\n  the_che: ['Tốt.']\n  uu_diem: ['Tốt.']\n"
        "  ton_tai: ['Chậm.']\n  kien_nghi: ['Đề nghị.']\n")
    md = render(tmp_path, text)
    headings = re.findall(r"^#+ .*$", md, flags=re.M)
    assert headings == ["# A. ĐẶC ĐIỂM TÌNH HÌNH", "# B. KẾT QUẢ THỰC HIỆN",
                        "## I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", "### 1. Cải cách thể chế",
                        "# C. ĐÁNH GIÁ CHUNG", "## 1. Ưu điểm", "## 2. Tồn tại, hạn chế",
                        "# D. ĐỀ XUẤT, KIẾN NGHỊ"]


def test_ke_hoach_has_its_own_outline(tmp_path):
    text = MINIMAL.replace("mau: quy", "mau: ke-hoach").replace(
        "  dia_danh: A\n", "  dia_danh: A\n  so: 7\n  ngay: 2025-03-15\n  trich_yeu: |-\n    Phát động thi đua\n    năm 2025\n"
    ).replace("ky_bao_cao:\n  loai: quy\n  so: 1\n  nam: 2025\n", "") + (
        "noi_dung:\n  can_cu: ['Căn cứ Luật;']\n  muc_dich: ['- Phát huy.']\n  yeu_cau: ['- Nghiêm túc.']\n"
        "  cac_muc: [{muc: Nội dung, noi_dung: ['- Thi đua.']}]\n  to_chuc_thuc_hien: [{muc: Phòng Nội vụ, noi_dung: ['- Tham mưu.']}]\n")
    md = render(tmp_path, text)
    assert "Số: 07/KH-UBND" in md
    assert "**KẾ HOẠCH**\\\n**Phát động thi đua\\\nnăm 2025**" in md
    assert re.findall(r"^#+ .*$", md, flags=re.M) == [
        "# I. MỤC ĐÍCH, YÊU CẦU", "## 1. Mục đích", "## 2. Yêu cầu", "# II. NỘI DUNG", "# III. TỔ CHỨC THỰC HIỆN",
        "## 1. Phòng Nội vụ"]
    assert md.index("Căn cứ Luật;") < md.index("# I. MỤC ĐÍCH")
    assert "- Tham mưu./." in md


# --- province folders -------------------------------------------------------------------------------

def _province_folder(tmp_path):
    """An author's folder that changes one wording block and the header layout, and nothing else."""
    folder = tmp_path / "mau-tinh"
    folder.mkdir()
    (folder / "_bao_cao_dinh_ky.md.j2").write_text(
        '{% extends "quoc-gia/_bao_cao_dinh_ky.md.j2" %}\n'
        '{% block cau_can_bo %}Biên chế của {{ co_quan.don_vi }}: {{ so_lieu.can_bo.tong|hai_so }} người.{% endblock %}\n',
        encoding="utf-8")
    national, own = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".encode(), "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM".encode()
    layout_variant(folder, in_part("word/document.xml", lambda data: data.replace(national, own)))
    return folder


def test_a_province_folder_overrides_one_block_and_the_layout(tmp_path):
    folder = _province_folder(tmp_path)
    text = MINIMAL + "so_lieu:\n  can_bo: {tong: 9}\n" + CONTENT
    out = render(tmp_path, text, "--templates", folder, fmt="docx")
    document = docx.Document(str(out))
    assert document.tables[0].cell(0, 1).paragraphs[0].text == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    body = [p.text for p in document.paragraphs]
    assert "Biên chế của phường: 09 người." in body
    assert "1. Cải cách thể chế" in body and "II. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ TỚI" in body  # inherited
    listing = run_cli("templates", "--templates", folder).output
    assert f"nội dung: quoc-gia/quy.md.j2 (có sẵn)\n    kế thừa: {(folder / '_bao_cao_dinh_ky.md.j2').resolve()}" in listing
    assert f"bố cục:   {(folder / 'bo-cuc.docx').resolve()}" in listing


def test_province_from_data_or_option(tmp_path):
    base = MINIMAL + "kinh_gui: [UBND tỉnh Hà Tĩnh]\n" + CONTENT
    national = render(tmp_path, base, name="a")
    assert "của UBND phường A./." in national
    from_data = render(tmp_path, base + "tinh: Hà Tĩnh\n", name="b")
    from_option = render(tmp_path, base, "--tinh", "ha-tinh", name="c")
    closing = "của UBND phường A, kính báo cáo UBND tỉnh Hà Tĩnh xem xét, chỉ đạo./."
    assert closing in from_data and closing in from_option
    document = docx.Document(str(render(tmp_path, base + "tinh: Hà Tĩnh\n", name="d", fmt="docx")))
    assert document.tables[0].cell(0, 1).paragraphs[0].runs[0].font.size == Pt(12)  # Hà Tĩnh's own header layout


def test_number_words_follow_the_province_settings(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "so.md.j2").write_text("::: loai_van_ban\nBÁO CÁO\n::: trich_yeu\n{{ 1005|bang_chu }}\n::: noi_dung\nx\n",
                                     encoding="utf-8")
    assert "một nghìn không trăm linh năm" in render(tmp_path, MINIMAL, "--templates", folder, "-t", "so", name="a")
    assert "một nghìn không trăm lẻ năm" in render(tmp_path, MINIMAL, "--templates", folder, "-t", "so", "--tinh",
                                                  "Hà Tĩnh", name="b")
    own = tmp_path / "rieng"
    shutil.copytree(folder, own)
    (own / "cau-hinh.yaml").write_text("doc_so: {ngan: true}\n", encoding="utf-8")  # merged over Hà Tĩnh's "lẻ"
    assert "một ngàn không trăm lẻ năm" in render(tmp_path, MINIMAL, "--templates", own, "-t", "so", "--tinh",
                                                 "Hà Tĩnh", name="c")


def test_templates_command_lists_every_template_and_part():
    listing = run_cli("templates", "--tinh", "Quảng Ninh").output
    for name in ("6thang", "9thang", "ke-hoach", "kiem-tra", "nam", "quy"):
        assert f"\n{name}\n  nội dung: quoc-gia/{name}.md.j2 (có sẵn)" in listing
    assert "bố cục:   quoc-gia/bo-cuc.docx (có sẵn)" in listing
    assert "cchc: quoc-gia/phu-luc/cchc.yaml (có sẵn)" in listing
    assert "Thứ tự tìm mẫu: quang-ninh (có sẵn) → quoc-gia (có sẵn)" in listing


# --- appendices ---------------------------------------------------------------------------------------

APPENDIX = MINIMAL.replace("  dia_danh: A\n", "  dia_danh: A\n  so: 5\n  ngay: 2025-03-20\n") + """phu_luc:
  - bieu: cchc
    so_lieu:
      van_ban_chi_dao: 6
      nhiem_vu_de_ra: 8
      nhiem_vu_hoan_thanh: 3
      nhiem_vu_giao_truoc_han: 2
      nhiem_vu_giao_dung_han: 5
      ho_so_tiep_nhan: 1200
      ho_so_da_giai_quyet: 1171
      ho_so_dung_han: 1169
    ghi_chu: {ho_so_tiep_nhan: Hồ sơ trong kỳ}
"""


def _appendix_rows(docx_path):
    table = docx.Document(str(docx_path)).tables[-1]
    return {row.cells[1].text: [c.text for c in row.cells] for row in table.rows}


def test_single_appendix_after_the_signature(tmp_path):
    out = render(tmp_path, APPENDIX, fmt="docx")
    body = part_xml(out, "word/document.xml").find("w:body", NS)
    texts = ["".join(t.text or "" for t in p.iter(W + "t")) for p in body.findall("w:p", NS)]
    start = texts.index("Phụ lục")
    assert texts[start + 1] == "SỐ LIỆU KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"
    assert texts[start + 2] == "(Kèm theo Báo cáo số 05/BC-UBND ngày 20/03/2025 của UBND phường A)"
    # A section break before it (the body's section), its own section after: numbering restarts at 1.
    sections = body.findall(".//w:sectPr", NS)
    assert len(sections) == 2
    assert sections[-1].find("w:pgNumType", NS).get(W + "start") == "1"
    assert sections[0].find("w:pgNumType", NS) is None
    rows = _appendix_rows(out)
    assert rows["Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)"][:4] == ["2", "Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)", "%", "37,50"]
    assert rows["Số nhiệm vụ đề ra trong kế hoạch"][0] == "2.1"
    assert rows["Tổng số nhiệm vụ được cấp trên giao"][3] == "7"  # 2 + 5, computed
    assert rows["Hoàn thành trước hạn"][0] == ""  # a sub-row has no STT
    assert rows["Tỷ lệ hồ sơ TTHC giải quyết trước và đúng hạn"][3] == "99,83"
    assert rows["Tổng số hồ sơ TTHC đã tiếp nhận"][3:] == ["1.200", "Hồ sơ trong kỳ"]
    assert rows["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"][0] == "I"
    header = docx.Document(str(out)).tables[-1].rows[0]._tr
    assert header.find("w:trPr/w:tblHeader", NS) is not None  # repeated on every page


def test_derived_rows_follow_their_parts(tmp_path):
    out = render(tmp_path, APPENDIX.replace("nhiem_vu_hoan_thanh: 3", "nhiem_vu_hoan_thanh: 8"), fmt="docx")
    assert _appendix_rows(out)["Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)"][3] == "100"


def test_two_appendices_are_numbered_and_a_landscape_one_turns_the_page(tmp_path):
    folder = tmp_path / "mau"
    (folder / "phu-luc").mkdir(parents=True)
    (folder / "phu-luc" / "ngang.yaml").write_text(
        "tieu_de: Biểu ngang\nhuong: ngang\nchi_tieu:\n  - {ma: a, ten: Chỉ tiêu A, don_vi: Người}\n", encoding="utf-8")
    text = APPENDIX + "  - bieu: ngang\n    so_lieu: {a: 4}\n"
    out = render(tmp_path, text, "--templates", folder, fmt="docx")
    body = part_xml(out, "word/document.xml").find("w:body", NS)
    texts = ["".join(t.text or "" for t in p.iter(W + "t")) for p in body.findall("w:p", NS)]
    assert "Phụ lục I" in texts and "Phụ lục II" in texts and "Phụ lục" not in texts
    sections = body.findall(".//w:sectPr", NS)
    assert len(sections) == 3
    sizes = [s.find("w:pgSz", NS) for s in sections]
    assert [s.get(W + "orient") for s in sizes] == [None, None, "landscape"]
    assert int(sizes[2].get(W + "w")) > int(sizes[2].get(W + "h"))
    md = render(tmp_path, text, "--templates", folder, name="m")
    assert "**Phụ lục II**\\\n**BIỂU NGANG**" in md and "| **I** | **CHỈ TIÊU A** | Người | **4** |  |" in md


@pytest.mark.parametrize("so_lieu, message", [
    ("{ty_le_ke_hoach: 50}", "chỉ tiêu 'ty_le_ke_hoach' được tính tự động từ các dòng khác; không nhập giá trị"),
    ("{khong_co: 1}", "biểu 'cchc' không có chỉ tiêu mã 'khong_co'"),
    ("{nhiem_vu_de_ra: 'bảy', nhiem_vu_hoan_thanh: 3}", "chỉ tiêu 'nhiem_vu_de_ra' được dùng để tính dòng khác nên phải là số"),
])
def test_appendix_data_errors_are_located(tmp_path, so_lieu, message):
    data = tmp_path / "w.yaml"
    data.write_text(MINIMAL + f"phu_luc:\n  - bieu: cchc\n    so_lieu: {so_lieu}\n", encoding="utf-8")
    result = run_cli("render", data, "-o", tmp_path / "o.docx")
    assert result.exit_code == 1
    assert message in result.output and "w.yaml:16:" in result.output


def test_unknown_appendix_form(tmp_path):
    data = tmp_path / "w.yaml"
    data.write_text(MINIMAL + "phu_luc:\n  - bieu: khong-co\n", encoding="utf-8")
    result = run_cli("render", data, "-o", tmp_path / "o.docx")
    assert result.exit_code == 1 and "w.yaml:15:11: trường 'phu_luc[0].bieu': không có biểu phụ lục 'khong-co'" in result.output
    assert "; các biểu hiện có: cchc" in result.output


@pytest.mark.parametrize("written, message", [
    ("1A", "'1A' không phải là tên biểu (chữ thường, chữ số và dấu '-', ví dụ 1a, cchc): viết 1a"),
    ("cchcc", "không có biểu phụ lục 'cchcc' trong các thư mục mẫu (có phải ý bạn là 'cchc'?); các biểu hiện có: cchc"),
])
def test_an_appendix_form_written_almost_right(tmp_path, written, message):
    data = tmp_path / "w.yaml"
    data.write_text(MINIMAL + f"phu_luc:\n  - bieu: {written}\n", encoding="utf-8")
    result = run_cli("validate", data)
    assert result.exit_code == 1 and f"w.yaml:15:11: lỗi: trường 'phu_luc[0].bieu': {message}" in result.output


def test_nhap_bieu_names_the_forms_there_are(tmp_path):
    result = run_cli("nhap-bieu", tmp_path / "b.xlsx", "--mau-trong", "-b", "1A", "--tinh", "Quảng Ninh")
    assert result.exit_code == 1
    assert ("Lỗi: không có biểu phụ lục '1A' trong các thư mục mẫu (có phải ý bạn là '1a'?); các biểu hiện có: 1a, cchc"
            in result.output)


# --- every example ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_renders_in_both_formats(tmp_path, example):
    out = tmp_path / "x.docx"
    result = run_cli("render", example, "-o", out)
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    assert document.paragraphs and document.tables
    md = run_cli("render", example, "-o", tmp_path / "x.md", "-f", "md")
    assert md.exit_code == 0, md.output
    text = (tmp_path / "x.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^\[\^\d+\]: ", text, flags=re.M)) == len(footnotes(out))
    assert "None" not in text and "./." in text
