"""End to end: render the Thạch Quý example and check what a clerk would check on the page."""

from __future__ import annotations

import re

import docx
from conftest import NS, W, footnotes, part_xml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt


def _doc(path):
    return docx.Document(str(path))


def _body_paragraphs(document):
    """Paragraphs of the body (outside the header and signature tables), with their style names."""
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_page_is_a4_portrait_with_decree_30_margins(thach_quy):
    section = _doc(thach_quy[0]).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    tolerance = Mm(0.1)  # Word stores margins in twips: 15 mm is 850 twips, 14.99 mm

    def within(value, low, high):
        return Mm(low) - tolerance <= value <= Mm(high) + tolerance

    assert within(section.top_margin, 20, 25)
    assert within(section.bottom_margin, 20, 25)
    assert within(section.left_margin, 30, 35)
    assert within(section.right_margin, 15, 20)


def test_times_new_roman_everywhere(thach_quy):
    document = _doc(thach_quy[0])
    fonts = {el.get(W + "ascii") for el in document.element.iter(W + "rFonts")}
    styles = part_xml(thach_quy[0], "word/styles.xml")
    style_fonts = {el.get(W + "ascii") for el in styles.iter(W + "rFonts") if el.get(W + "ascii")}
    assert fonts <= {"Times New Roman", None}
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert "Times New Roman" in style_fonts


def test_header_block(thach_quy):
    document = _doc(thach_quy[0])
    header = document.tables[0]
    left = [p for p in header.cell(0, 0).paragraphs if p.text.strip()]
    right = [p for p in header.cell(0, 1).paragraphs if p.text.strip()]
    assert [p.text for p in left] == ["UBND THÀNH PHỐ HÀ TĨNH", "ỦY BAN NHÂN DÂN", "PHƯỜNG THẠCH QUÝ"]
    chu_quan, *ten = left
    assert not chu_quan.runs[0].bold and chu_quan.runs[0].font.size in (Pt(12), Pt(13))
    assert all(p.runs[0].bold and p.runs[0].font.size in (Pt(12), Pt(13)) for p in ten)
    # A short rule under the organ's name: a bordered paragraph narrower than the cell.
    rule = header.cell(0, 0).paragraphs[-1]._p
    assert rule.find(".//w:pBdr/w:bottom", NS) is not None
    assert [p.text for p in right] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right[0].runs[0].bold and right[0].runs[0].font.size in (Pt(12), Pt(13))
    motto = right[1].runs[0]
    assert motto.bold and motto.underline and motto.font.size in (Pt(13), Pt(14))
    number = header.cell(1, 0).paragraphs[0]
    assert number.text == "Số: 85/BC-UBND" and number.runs[0].font.size == Pt(13)
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text == "Thạch Quý, ngày 17 tháng 9 năm 2024"
    assert date_line.runs[0].italic


def test_title_and_recipients(thach_quy):
    texts = [t for _, t in _body_paragraphs(_doc(thach_quy[0])) if t.strip()]
    assert texts[0] == "BÁO CÁO"
    assert texts[1] == ("Kết quả thực hiện công tác cải cách hành chính quý III năm 2024 "
                        "và phương hướng, nhiệm vụ quý IV năm 2024")
    # The Decree 09/2019 cut-off window of quý III.
    assert texts[2] == "(Số liệu tính từ ngày 15/06/2024 đến ngày 14/09/2024)"
    # One paragraph: "Kính gửi:", a tab to the hanging indent, then a line per recipient.
    assert texts[3] == "Kính gửi:\t- UBND thành phố Hà Tĩnh;\n- Phòng Nội vụ thành phố."


def test_sections_in_order_numbered_and_styled(thach_quy):
    document = _doc(thach_quy[0])
    level1 = [p for p in document.paragraphs if p.style.name == "Muc 1"]
    assert [p.text for p in level1] == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ TỚI",
    ]  # no V.: the ward has no kiến nghị, so the section is left out
    assert document.styles["Muc 1"].font.bold
    level2 = [p.text for p in document.paragraphs if p.style.name == "Muc 2"]
    assert level2[:6] == [
        "1. Công tác xây dựng, ban hành các văn bản chỉ đạo",
        "2. Thực hiện Kế hoạch cải cách hành chính năm 2024",
        "3. Về kiểm tra cải cách hành chính",
        "4. Tuyên truyền cải cách hành chính",
        "5. Tiến độ, kết quả thực hiện các nhiệm vụ được UBND thành phố và Chủ tịch UBND thành phố giao",
        "6. Những sáng kiến trong triển khai công tác cải cách hành chính",
    ]
    assert "7. Thực hiện thu ngân sách" in level2
    level3 = [p.text for p in document.paragraphs if p.style.name == "Muc 3"]
    assert level3 == ["2.1. Kết quả rà soát thủ tục hành chính", "2.2. Thực hiện cơ chế một cửa, một cửa liên thông",
                      "6.1. Xây dựng và phát triển chính quyền điện tử, chính quyền số",
                      "6.2. Áp dụng ISO 9001 trong hoạt động của đơn vị"]
    assert not any("None" in p.text for p in document.paragraphs)


def test_body_style_follows_decree_30(thach_quy):
    style = _doc(thach_quy[0]).styles["Noi dung"]
    pf = style.paragraph_format
    assert style.font.size in (Pt(13), Pt(14))
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(pf.first_line_indent - Mm(10)) < Mm(0.5) or abs(pf.first_line_indent - Mm(12.7)) < Mm(0.5)
    assert pf.space_after >= Pt(6) or (pf.space_before or 0) >= Pt(6)
    assert 1.0 <= pf.line_spacing <= 1.5


def test_standard_sentences_filled_from_figures(thach_quy):
    text = "\n".join(p.text for p in _doc(thach_quy[0]).paragraphs)
    assert "Đến nay đã hoàn thành 38/41 nhiệm vụ, đạt tỷ lệ 92,68%; còn 03 nhiệm vụ" in text
    assert "Tổng số nhiệm vụ được giao trong quý III năm 2024: 32 nhiệm vụ, trong đó:" in text
    assert "- Số nhiệm vụ đang thực hiện trong hạn: 01 nhiệm vụ;" in text
    assert "- Số nhiệm vụ quá hạn: 0 nhiệm vụ." in text
    assert ("từ ngày 15/06/2024 đến ngày 14/09/2024, tổng số hồ sơ thủ tục hành chính tiếp nhận là 537 hồ sơ; "
            "đã giải quyết 437 hồ sơ, trong đó giải quyết trước và đúng hạn 437/437 hồ sơ, đạt tỷ lệ 100%; "
            "còn 100 hồ sơ đang giải quyết.") in text
    assert "số thủ tục hành chính cung cấp trực tuyến có phát sinh hồ sơ 17/71 thủ tục, đạt tỷ lệ 23,94%" in text
    assert "thanh toán trực tuyến 239/266 hồ sơ, đạt tỷ lệ 89,85%" in text


def test_body_ends_with_closing_mark(thach_quy):
    texts = [p.text for p in _doc(thach_quy[0]).paragraphs if p.text.strip()]
    # Hà Tĩnh's province templates word the closing sentence their way (templates/ha-tinh/).
    assert texts[-1] == ("Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính quý III năm 2024 "
                         "của UBND phường Thạch Quý, kính báo cáo UBND thành phố Hà Tĩnh, Phòng Nội vụ thành phố "
                         "xem xét, chỉ đạo./.")


def test_twelve_real_footnotes_in_reading_order(thach_quy):
    notes = footnotes(thach_quy[0])
    assert len(notes) == 12
    assert notes[0].startswith("Cụ thể đã ban hành các văn bản sau: Thông báo số 99/TB-UBND ngày 12/08/2024")
    assert notes[1].startswith("Các tiêu chí chưa đạt: Chữ ký số người dân trưởng thành")
    assert notes[3] == "Quý III tuyên truyền qua hệ thống phát thanh phường: 38 lượt; đăng 42 tin bài lên Trang thông tin điện tử phường."
    assert notes[6] == ("Số hồ sơ đã giải quyết theo lĩnh vực: Tư pháp - hộ tịch: 390 hồ sơ; Đất đai: 28 hồ sơ; "
                        "LĐTB&XH: 14 hồ sơ; Nông nghiệp giảm nghèo: 05 hồ sơ.")
    assert notes[7].startswith("TT Đảng: 02; TT HĐND: 01")
    assert notes[11] == "Kế hoạch số 26/KH-UBND ngày 23/02/2024 về Chuyển đổi số phường Thạch Quý năm 2024."


def test_footnotes_part_is_wired_into_the_package(thach_quy):
    import zipfile

    with zipfile.ZipFile(thach_quy[0]) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert 'PartName="/word/footnotes.xml"' in types
    assert 'Target="footnotes.xml"' in rels
    separators = [n.get(W + "type") for n in part_xml(thach_quy[0], "word/footnotes.xml").iter(W + "footnote")][:2]
    assert separators == ["separator", "continuationSeparator"]
    refs = part_xml(thach_quy[0], "word/document.xml").findall(".//w:footnoteReference/../w:rPr/w:vertAlign", NS)
    assert all(r.get(W + "val") == "superscript" for r in refs) and len(refs) == 12


def test_noi_nhan_and_signature_side_by_side(thach_quy):
    sign = _doc(thach_quy[0]).tables[-1]
    left = [p for p in sign.cell(0, 0).paragraphs if p.text.strip()]
    right = [p for p in sign.cell(0, 1).paragraphs if p.text.strip()]
    assert left[0].text == "Nơi nhận:"
    assert left[0].runs[0].bold and left[0].runs[0].italic and left[0].runs[0].font.size == Pt(12)
    assert [p.text for p in left[1:]] == ["- Như trên;", "- Đảng ủy, HĐND phường (b/c);",
                                          "- Chủ tịch, các PCT UBND phường;", "- Lưu: VT, VP."]
    assert all(p.runs[0].font.size == Pt(11) for p in left[1:])
    assert [p.text for p in right] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Minh"]
    assert all(p.runs[0].bold for p in right)


def test_page_numbers_from_page_two(thach_quy):
    document = _doc(thach_quy[0])
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(el.text or "" for el in header._p.iter(W + "instrText"))


def test_same_footnotes_in_markdown(thach_quy):
    md = thach_quy[1].read_text(encoding="utf-8")
    refs = re.findall(r"\[\^(\d+)\](?!:)", md)
    defs = re.findall(r"^\[\^(\d+)\]: (.*)$", md, flags=re.M)
    assert refs == [str(n) for n in range(1, 13)]
    assert [n for n, _ in defs] == refs
    docx_notes = footnotes(thach_quy[0])
    assert [re.sub(r"\\(.)", r"\1", text) for _, text in defs] == docx_notes
    assert "# I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH" in md
    assert "### 6.2. Áp dụng ISO 9001 trong hoạt động của đơn vị" in md
    assert md.count("./.") == 1


def test_output_is_byte_identical_between_runs(tmp_path):
    from conftest import EXAMPLES, run_cli

    outputs = []
    for i in range(2):
        out = tmp_path / f"{i}.docx"
        assert run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", out).exit_code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
