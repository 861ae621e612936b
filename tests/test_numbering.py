"""Heading numbers (issue 20, item 2): schemes per template kind, styles per level and per heading, restart rules,
unnumbered headings and numbers the author wrote.

The unit cases give template output lines and a `danh_so` scheme and expect each heading's number and text as
the report prints them; the CLI cases declare a scheme in a template folder's cau-hinh.yaml and render.
"""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, run_cli

from cchc_docgen.composing.compose import Composer
from cchc_docgen.composing.numbering import number_headings, parse_scheme
from cchc_docgen.errors import TemplateError
from cchc_docgen.model import Heading, Text


def numbers(markup: str, scheme=None) -> list[str]:
    """Each heading of the template output `markup` as "NUMBER Text" (just "Text" when it has no number)."""
    blocks = Composer({"noi_dung": {}}, "thu").parse_body(markup, "thu")
    number_headings(blocks, parse_scheme(scheme))
    return [" ".join(filter(None, [b.number, "".join(t.text for t in b.content if isinstance(t, Text))]))
            for b in blocks if isinstance(b, Heading)]


CASES = {
    "the default, today's numbering": (
        "= Phần\n# Mục\n## Tiểu mục\n### Nhỏ\n#### Nhỏ hơn\n##### Điểm\n##### Điểm\n", None,
        ["A. PHẦN", "I. MỤC", "1. Tiểu mục", "1.1. Nhỏ", "1.1.1. Nhỏ hơn", "a) Điểm", "b) Điểm"]),
    "each style, by level": (
        "= P\n# M\n## T\n### N\n#### H\n##### Đ\n", ["khong", "so", "thap_phan", "chu_cai_cham", "gach", "cong"],
        ["P", "1. M", "1.1. T", "a. N", "- H", "+ Đ"]),
    "letters run on past đ, Roman numbers past III": (
        "# a\n# b\n# c\n# d\n" + "## x\n" * 6, ["phan", "la_ma", "chu_cai"],
        ["I. A", "II. B", "III. C", "IV. D", "a) x", "b) x", "c) x", "d) x", "đ) x", "e) x"]),
    "a shorter scheme repeats its last style": (
        "# M\n## T\n### N\n#### H\n", ["phan", "la_ma", "so"], ["I. M", "1. T", "1. N", "1. H"]),
    "danh_so: false numbers nothing": ("= P\n# M\n## T\n", False, ["P", "M", "T"]),
    "a decimal number extends a decimal parent only": (
        "# M\n### Dưới La Mã\n## T\n### N\n### N\n", None, ["I. M", "1. Dưới La Mã", "2. T", "2.1. N", "2.2. N"]),
    "parts holding Roman sections: each part counts its own": (
        "= A\n# x\n# y\n= B\n# z\n", None, ["A. A", "I. X", "II. Y", "B. B", "I. Z"]),
    "dem_lai: Arabic sections run on across Roman ones, restart in each part": (
        "= A\n# x\n## a\n## b\n# y\n## c\n= B\n# z\n## d\n",
        ["phan", "la_ma", {"kieu": "so", "dem_lai": "phan"}],
        ["A. A", "I. X", "1. a", "2. b", "II. Y", "3. c", "B. B", "I. Z", "1. d"]),
    "dem_lai: khong counts through the whole document": (
        "= A\n# x\n# y\n= B\n# z\n", ["phan", {"kieu": "la_ma", "dem_lai": "khong"}],
        ["A. A", "I. X", "II. Y", "B. B", "III. Z"]),
    "an unnumbered heading takes no place among its siblings": (
        "# M\n## a\n## b {-}\n## c\n## d {khong}\n## e\n", None, ["I. M", "1. a", "b", "2. c", "d", "3. e"]),
    "under an unnumbered heading: its own level's style, counting from 1": (
        "= Mở đầu {-}\n## Mục tiêu\n## Yêu cầu\n= Kết quả\n# Chỉ đạo\n## Văn bản\n", None,
        ["MỞ ĐẦU", "1. Mục tiêu", "2. Yêu cầu", "A. KẾT QUẢ", "I. CHỈ ĐẠO", "1. Văn bản"]),
    "under an unnumbered heading, a decimal level has no parent number": (
        "## T\n### * Nhóm {-}\n#### Con\n#### Con\n### N\n", None, ["1. T", "* Nhóm", "1. Con", "2. Con", "1.1. N"]),
    "a heading of its own style counts among its siblings": (
        "## a {chu_cai}\n## b {chu_cai}\n## c\n## d {la_ma}\n", None, ["a) a", "b) b", "3. c", "IV. d"]),
    "a number written in the level's style is kept and the count follows it": (
        "# II. Kết quả\n# Tiếp\n## 3. Ba\n## Bốn\n### 3.7. Bảy\n### Tám\n##### c) Điểm\n##### Điểm\n= C. Phần\n= Sau\n",
        None, ["II. KẾT QUẢ", "III. TIẾP", "3. Ba", "4. Bốn", "3.7. Bảy", "4.8. Tám", "c) Điểm", "d) Điểm",
               "C. PHẦN", "D. SAU"]),
    "a number written in another style is the author's label, not counted": (
        "## a) Riêng\n## Tiếp\n## - Gạch\n## Sau\n# a) Chữ thường\n", None,
        ["a) Riêng", "1. Tiếp", "- Gạch", "2. Sau", "a) CHỮ THƯỜNG"]),
    "text that only looks like a number stays text": (
        "## 2024 năm\n## 1.\u00a0x\n## 1.  x\n## Điều 1. X\n## 1.000. hồ sơ\n## XL. cỡ\n", None,
        ["1. 2024 năm", "2. 1.\u00a0x", "3. 1.  x", "4. Điều 1. X", "5. 1.000. hồ sơ", "6. XL. cỡ"]),
    "an unnumbered heading keeps a written number as text": ("## 3. Ba {-}\n## Một\n", None, ["3. Ba", "1. Một"]),
}


@pytest.mark.parametrize("case", CASES)
def test_numbering(case):
    markup, scheme, expected = CASES[case]
    assert numbers(markup, scheme) == expected


def test_an_unknown_heading_style_is_a_template_error():
    with pytest.raises(TemplateError) as caught:
        numbers("## Tiêu đề {la_mã}\n")
    assert caught.value.message == ("mẫu 'thu': kiểu đánh số '{la_mã}' không có, ở đề mục '## Tiêu đề {la_mã}'; "
                                    "ghi {-} (không đánh số) hoặc một trong: {phan}, {la_ma}, {so}, {thap_phan}, "
                                    "{chu_cai}, {chu_cai_cham}, {gach}, {cong}, {khong}")


# --- through the CLI: a template folder declaring its scheme -------------------------------------------------

def render(tmp_path, settings: str, files: dict[str, str] | None = None, data=EXAMPLES / "thach-quy-q3-2024.yaml"):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "cau-hinh.yaml").write_text(settings, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out.md"
    result = run_cli("render", data, "--templates", folder, "-f", "md", "-o", out)
    headings = [line.lstrip("#").strip() for line in out.read_text(encoding="utf-8").splitlines()
                if line.startswith("#")] if out.exists() else None
    return result, headings


def test_a_template_kind_declares_its_scheme(tmp_path):
    result, headings = render(tmp_path, "mau:\n  quy:\n    danh_so: [phan, so, chu_cai, gach]\n")
    assert result.exit_code == 0, result.output
    assert headings[:4] == ["1. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
                            "a) Công tác xây dựng, ban hành các văn bản chỉ đạo",
                            "b) Thực hiện Kế hoạch cải cách hành chính năm 2024", "c) Về kiểm tra cải cách hành chính"]
    assert "- Kết quả rà soát thủ tục hành chính" in headings
    assert headings[-1] == "4. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ TỚI"


def test_a_scheme_applies_to_its_kind_only(tmp_path):
    result, headings = render(tmp_path, "mau:\n  nam:\n    danh_so: [phan, so]\n")
    assert result.exit_code == 0, result.output
    assert headings[0] == "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"


def test_a_template_heading_takes_a_style_of_its_own(tmp_path):
    template = ('{% extends "quoc-gia/quy.md.j2" %}\n{% block danh_gia %}\n# Đánh giá chung\n'
                '## Ưu điểm {chu_cai}\n{{ khoi("uu_diem") }}\n## Tồn tại, hạn chế {chu_cai}\n{{ khoi("ton_tai") }}\n'
                '## Nguyên nhân {-}\n{{ khoi("nguyen_nhan") }}\n{{ khoi("danh_gia") }}\n{% endblock %}\n')
    result, headings = render(tmp_path, "ten: thử\n", {"quy.md.j2": template})
    assert result.exit_code == 0, result.output
    at = headings.index("III. ĐÁNH GIÁ CHUNG")
    assert headings[at:at + 4] == ["III. ĐÁNH GIÁ CHUNG", "a) Ưu điểm", "b) Tồn tại, hạn chế", "Nguyên nhân"]


def test_the_ward_writes_a_number_and_the_count_follows(tmp_path):
    data = tmp_path / "data.yaml"
    text = (EXAMPLES / "thach-quy-q3-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("muc: Kết quả rà soát thủ tục hành chính", "muc: 2.5. Kết quả rà soát thủ tục hành chính")
    data.write_text(text, encoding="utf-8")
    result, headings = render(tmp_path, "ten: thử\n", data=data)
    assert result.exit_code == 0, result.output
    at = headings.index("2.5. Kết quả rà soát thủ tục hành chính")
    assert headings[at + 1] == "2.6. Thực hiện cơ chế một cửa, một cửa liên thông"


def test_kiem_tra_numbers_the_wards_sections_under_a_part_in_arabic(tmp_path):
    """Issue 20: the ward's sections under A. were I., II., clashing with B.'s I., II."""
    data = tmp_path / "kiem-tra.yaml"
    text = (EXAMPLES / "thach-quy-kiem-tra-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("  dac_diem:\n", "  dac_diem:\n    - muc: Đặc điểm chung\n      noi_dung: [Phường có 6 tổ dân phố.]\n"
                        "    - muc: Thuận lợi, khó khăn\n      noi_dung: [Địa bàn nhỏ.]\n", 1)
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "out.md"
    result = run_cli("render", data, "-f", "md", "-o", out)
    assert result.exit_code == 0, result.output
    headings = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert headings[:5] == ["# A. ĐẶC ĐIỂM TÌNH HÌNH", "## 1. Đặc điểm chung", "## 2. Thuận lợi, khó khăn",
                            "# B. KẾT QUẢ THỰC HIỆN", "## I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"]


SCHEME_ERRORS = {
    "[phan, la_mã]": "3:21: trường 'mau.quy.danh_so[1]': kiểu đánh số 'la_mã' không có; dùng một trong: phan (A.), "
                     "la_ma (I.), so (1.), thap_phan (1.1.), chu_cai (a)), chu_cai_cham (a.), gach (-), cong (+), "
                     "khong (không đánh số)",
    "[phan, la_ma, {kieu: so, dem_lai: chu_cai}]": "3:48: trường 'mau.quy.danh_so[2].dem_lai': dem_lai phải là kiểu "
                                                   "của một cấp trên (phan, la_ma) hoặc khong; đang ghi: chu_cai",
    "[phan, {kieu: so, lai: phan}]": "3:32: trường 'mau.quy.danh_so[1].lai': khóa 'lai' không có; một cấp ghi "
                                     "{kieu: so, dem_lai: phan}",
    "[phan, {dem_lai: phan}]": "3:21: trường 'mau.quy.danh_so[1]': thiếu 'kieu', ví dụ {kieu: so, dem_lai: phan}",
    "so": "3:14: trường 'mau.quy.danh_so': phải là danh sách kiểu đánh số của từng cấp đề mục, cấp phần (=) trước, "
          "ví dụ [phan, la_ma, so, thap_phan, thap_phan, chu_cai]; đang ghi: \"so\"",
    "[phan, la_ma, so, so, so, so, so]": "3:44: trường 'mau.quy.danh_so[6]': có 7 cấp, nhiều hơn 6 cấp đề mục "
                                         "(=, #, ##, ###, ####, #####)",
}


@pytest.mark.parametrize("scheme", SCHEME_ERRORS)
def test_a_bad_scheme_is_a_located_error(tmp_path, scheme):
    result, headings = render(tmp_path, f"mau:\n  quy:\n    danh_so: {scheme}\n")
    assert result.exit_code == 1 and headings is None
    assert result.output == f"Lỗi: {tmp_path / 'mau' / 'cau-hinh.yaml'}:{SCHEME_ERRORS[scheme]}\n"
