"""`docgen check` sees what the printed page shows, not only the words: an approved golden tampered in one way
(table geometry, borders, keep-with-next, a picture, the page-number field, margins, font size) fails the check
with a line naming that change, its place and its old → new values; `--bo-qua` ignores a kind on purpose."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import EXAMPLES, in_part, layout_variant, run_cli
from test_check import _golden_copy, _style_edit

MINH_TAN = EXAMPLES / "minh-tan-q1-2025.yaml"
STEM = MINH_TAN.stem
FIGURES = 'bảng "Kết quả tiếp nhận, giải quyết hồ sơ thủ…" (mục "2.2.2. Tiếp nhận, giải quyết hồ sơ thủ tục hành chính")'


def _document(edit):
    return lambda name, xml: edit(xml) if name == "word/document.xml" else xml


def _one_third(match) -> str:
    return f'{match.group(1)}{int(match.group(2)) // 3}"'


def _figure_table_unbordered(xml: str) -> str:
    start = xml.index("<w:tblBorders>", xml.index("Kết quả tiếp nhận"))
    end = xml.index("</w:tblBorders>", start)
    edited = re.sub(r'w:val="single"', 'w:val="nil"', xml[start:end])
    assert edited != xml[start:end]
    return xml[:start] + edited + xml[end:]


def _without_keep_next(name: str, xml: str) -> str:
    return xml.replace("<w:keepNext/>", "") if name in ("word/document.xml", "word/styles.xml") else xml


_body_style_size = _style_edit("Noidung", '<w:sz w:val="\\d+"', '<w:sz w:val="26"')


def _without_page_field(name: str, xml: str) -> str:
    if name != "word/header2.xml":
        return xml
    edited = re.sub(r'<w:fldChar w:fldCharType="begin"/>.*?<w:fldChar w:fldCharType="end"/>', "", xml)
    assert edited != xml
    return edited


TAMPERED = {
    "column widths divided by 3": (
        _document(lambda xml: re.sub(r'(<w:(?:gridCol|tcW)\b[^>]*w:w=")(\d+)"', _one_third, xml)),
        f"{FIGURES}: độ rộng các cột 4,2 | 14 | 6,1 | 6,1 | 6,1 | 7 | 5,1 | 6,5 mm → "
        "12,6 | 41,9 | 18,2 | 18,2 | 18,2 | 21 | 15,4 | 19,6 mm"),
    "table borders none": (
        _document(_figure_table_unbordered),
        f"{FIGURES}: viền bảng không viền → nét đơn 0,5 pt ở mọi cạnh"),
    "keep-with-next removed": (
        _without_keep_next,
        'thêm giữ cùng trang với đoạn sau — ở 30 chỗ: đề mục "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"; '
        'đề mục "1. Công tác xây dựng, ban hành văn bản chỉ đạo"; '),
    "page-number field removed from the header": (
        _without_page_field,
        "đầu trang (các trang): thêm trường số trang (PAGE)"),
    "top margin and header distance": (
        _document(lambda xml: re.sub(r'(<w:pgMar\b[^>]*)w:top="\d+"([^>]*)w:header="\d+"',
                                     r'\1w:top="1418"\2w:header="709"', xml)),
        "trang in: lề trên 25 mm → 20 mm\n" "trang in: khoảng cách đầu trang 12,5 mm → 10 mm"),
    "body font size": (
        _body_style_size,
        'cỡ chữ 13 → 14 — ở 51 chỗ: đoạn 6 (mục "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"); '),
}


@pytest.mark.parametrize("how", TAMPERED)
def test_a_tampered_golden_fails_naming_the_change(tmp_path, how):
    edit, expected = TAMPERED[how]
    golden = _golden_copy(tmp_path / "golden", STEM, edit)
    result = run_cli("check", MINH_TAN, "--golden", golden)
    assert result.exit_code == 1, result.output
    assert f"{MINH_TAN}: KHÁC tệp đối chiếu" in result.output
    for line in expected.split("\n"):
        assert f"  {golden}/{STEM}.docx: {line}" in result.output, result.output
    assert f"{golden}/{STEM}.md" not in result.output  # the text is the same: only the layout changed


def test_one_difference_line_per_table_when_its_columns_change(tmp_path):
    edit, _ = TAMPERED["column widths divided by 3"]
    golden = _golden_copy(tmp_path / "golden", STEM, edit)
    lines = [line.strip() for line in run_cli("check", MINH_TAN, "--golden", golden).output.splitlines()
             if line.strip().startswith(f"{golden}/{STEM}.docx: {FIGURES}")]
    assert lines == [
        f"{golden}/{STEM}.docx: {FIGURES}: độ rộng các cột 4,2 | 14 | 6,1 | 6,1 | 6,1 | 7 | 5,1 | 6,5 mm → "
        "12,6 | 41,9 | 18,2 | 18,2 | 18,2 | 21 | 15,4 | 19,6 mm",
        f"{golden}/{STEM}.docx: {FIGURES}: độ rộng ô đổi theo độ rộng cột ở 60 ô"]


def test_a_header_row_that_no_longer_repeats_is_named(tmp_path):
    golden = _golden_copy(tmp_path / "golden", STEM, _document(lambda xml: xml.replace("<w:tblHeader/>", "")))
    result = run_cli("check", MINH_TAN, "--golden", golden)
    assert result.exit_code == 1
    assert f"{golden}/{STEM}.docx: {FIGURES}, dòng 1: lặp lại ở đầu mỗi trang không → có" in result.output


def test_ignoring_a_kind_of_difference_is_explicit(tmp_path):
    edit, _ = TAMPERED["table borders none"]
    golden = _golden_copy(tmp_path / "golden", STEM, edit)
    result = run_cli("check", MINH_TAN, "--golden", golden, "--bo-qua", "bang")
    assert result.exit_code == 0, result.output
    assert f"{MINH_TAN}: khớp" in result.output
    # Ignoring another kind does not hide it.
    assert run_cli("check", MINH_TAN, "--golden", golden, "--bo-qua", "dinh-dang,anh").exit_code == 1
    field_edit, _ = TAMPERED["page-number field removed from the header"]
    golden = _golden_copy(tmp_path / "golden-2", STEM, field_edit)
    assert run_cli("check", MINH_TAN, "--golden", golden, "--bo-qua", "dau-chan-trang").exit_code == 0


def test_an_unknown_kind_to_ignore_is_a_usage_error():
    result = run_cli("check", MINH_TAN, "--golden", "tests/golden", "--bo-qua", "chu")
    assert result.exit_code == 2
    assert ("Lỗi: giá trị không hợp lệ cho --bo-qua: không có loại 'chu'; chọn trong: dinh-dang, trang-in, bang, "
            "danh-so, anh, dau-chan-trang, chu-thich, thuoc-tinh") in result.output


def test_help_lists_the_kinds_and_the_exit_codes():
    result = run_cli("check", "--help")
    assert result.exit_code == 0
    assert "  dau-chan-trang: mọi khác biệt trong đầu trang và chân trang" in result.output
    assert "  4  thiếu tệp đối chiếu (tạo bằng --update)" in result.output


# --- pictures: a layout whose first-page header carries a logo ---------------------------------------------


def _png(red: int) -> bytes:
    """A 2×2 PNG of one colour."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([red, 0, 0]) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


LOGO = ('<w:r><w:drawing><wp:inline><wp:extent cx="720000" cy="540000"/><wp:docPr id="1" name="logo"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>'
        '<pic:cNvPr id="1" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdLogo"/>'
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="720000" cy="540000"/></a:xfrm>'
        '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
LOGO_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
             'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdLogo" '
             'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
             'Target="media/logo.png"/></Relationships>')


def _with_logo(name: str, data: bytes) -> bytes:
    if name == "word/header1.xml":
        return data.replace(b"</w:pPr></w:p>", b"</w:pPr>" + LOGO.encode() + b"</w:p>", 1)
    if name == "[Content_Types].xml" and b'Extension="png"' not in data:
        return data.replace(b"<Default ", b'<Default Extension="png" ContentType="image/png"/><Default ', 1)
    return data


@pytest.fixture
def logo_case(tmp_path):
    """(templates folder with a logo in the first-page header, golden folder approved with it)."""
    templates = tmp_path / "templates"
    layout_variant(templates, _with_logo, add={"word/media/logo.png": _png(200),
                                               "word/_rels/header1.xml.rels": LOGO_RELS.encode()})
    golden = tmp_path / "approved"
    created = run_cli("check", MINH_TAN, "--golden", golden, "--templates", templates, "--update")
    assert created.exit_code == 0, created.output
    with zipfile.ZipFile(golden / f"{STEM}.docx") as archive:
        assert archive.read("word/media/logo.png") == _png(200)  # the logo did reach the output
    return templates, golden


def _rewrite_golden(golden: Path, change) -> None:
    path = golden / f"{STEM}.docx"
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            out.writestr(info, change(info.filename, data))


def test_a_replaced_picture_is_named_by_its_content(logo_case):
    templates, golden = logo_case
    assert run_cli("check", MINH_TAN, "--golden", golden, "--templates", templates).exit_code == 0
    _rewrite_golden(golden, lambda name, data: _png(10) if name == "word/media/logo.png" else data)
    result = run_cli("check", MINH_TAN, "--golden", golden, "--templates", templates)
    assert result.exit_code == 1, result.output
    [line] = [x.strip() for x in result.output.splitlines() if "hình" in x]
    assert re.fullmatch(rf"{re.escape(str(golden))}/{STEM}\.docx: đầu trang \(trang đầu\): hình đổi nội dung ảnh "
                        r"\(mã [0-9a-f]{12} → [0-9a-f]{12}\)", line), line
    assert run_cli("check", MINH_TAN, "--golden", golden, "--templates", templates, "--bo-qua", "anh").exit_code == 0


def test_a_resized_picture_is_named_with_both_sizes(logo_case):
    templates, golden = logo_case
    _rewrite_golden(golden, in_part("word/header1.xml", lambda data: data.replace(b'cx="720000" cy="540000"',
                                                                                  b'cx="360000" cy="270000"')))
    result = run_cli("check", MINH_TAN, "--golden", golden, "--templates", templates)
    assert result.exit_code == 1
    assert f"{golden}/{STEM}.docx: đầu trang (trang đầu): kích thước hình 10 × 7,5 mm → 20 × 15 mm" in result.output
