"""Each pipeline stage on its own: loader positions, inline markup, derived figures, composition."""

from __future__ import annotations

import datetime as dt

import pytest
from test_errors import MINIMAL

from cchc_docgen.composing import compose
from cchc_docgen.composing.header import layout_variables
from cchc_docgen.composing.inline import InlineError, escape, parse_inline
from cchc_docgen.domain import compute
from cchc_docgen.errors import DataError, TemplateError
from cchc_docgen.model import Heading, Note, Paragraph, Table, plain_text
from cchc_docgen.pipeline import located
from cchc_docgen.reading import loader, validate
from cchc_docgen.templating.library import TemplateLibrary


def build(text: str, template="quy"):
    loaded = loader.loads(text, "w.yaml")
    validate.validate(loaded)
    with located(loaded):  # as the pipeline does: errors get their positions here
        return compose.compose(compute.compute(loaded.data), TemplateLibrary().get(template))


# --- loader -----------------------------------------------------------------------------------

def test_loader_keeps_positions_of_values_and_keys():
    loaded = loader.loads("a:\n  b: [x, {c: 2}]\n", "f.yaml")
    assert loaded.data == {"a": {"b": ["x", {"c": 2}]}}
    assert str(loaded.location(("a", "b", 1, "c"))) == "f.yaml:2:14"
    assert str(loaded.location(("a", "b", 1, "c"), key=True)) == "f.yaml:2:11"
    assert str(loaded.location(("a", "zzz"))) == "f.yaml:2:3"  # unknown paths fall back to the parent


def test_loader_turns_dates_into_iso_text():
    assert loader.loads("d: 2024-09-17\n").data == {"d": "2024-09-17"}


@pytest.mark.parametrize("text, message", [
    ("a: &x [1]\nb: *x\n", "tham chiếu"),
    ("a: 1\na: 2\n", "hai lần"),
    ("a: !!python/name:os.system x\n", "thẻ YAML"),
    ("a: \"chuông \\x07\"\n", r"U\+0007"),
    ("a: 2025-02-30\n", "ngày có thật"),
    ("a: .nan\n", "NaN"),
])
def test_loader_refuses_what_is_not_plain_data(text, message):
    with pytest.raises(DataError, match=message):
        loader.loads(text, "q.yaml")


def test_loader_resolves_merge_keys():
    loaded = loader.loads("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", "m.yaml")
    assert loaded.data == {"base": {"x": 1}, "c": {"x": 1, "y": 2}}


@pytest.mark.parametrize("text, data", [
    ("c:\n  <<: {x: 1}\n  y: 2\n", {"c": {"x": 1, "y": 2}}),  # a merge key without an anchor in the file
    ("c:\n  ? !!merge <<\n  : {x: 1}\n  y: 2\n", {"c": {"x": 1, "y": 2}}),  # an explicit merge tag
    ("a: 'x\u0085y'\n", {"a": "x y"}),  # NEL written raw: YAML reads a line break
])
def test_loader_reads_merges_and_line_breaks_without_anchors(text, data):
    """The reader skips the merge and alias bookkeeping for a file that cannot need it: these still need it."""
    assert loader.loads(text, "m.yaml").data == data


@pytest.mark.parametrize("text, message", [
    ('"k\\x07": 1\n', "q.yaml:1:1: chứa ký tự không in được U+0007 (ký tự thứ 2 của chuỗi)"),
    ('a: "ố\\x07"\n', "q.yaml:1:4: trường 'a': chứa ký tự không in được U+0007 (ký tự thứ 2 của chuỗi)"),
    ('a: "\\x85"\n', "q.yaml:1:4: trường 'a': chứa ký tự không in được U+0085"),
    ("? " + "k" * 100_001 + "\n: 1\n", "q.yaml:1:3: đoạn văn quá dài (100.001 ký tự"),
])
def test_loader_checks_escaped_and_long_text_in_keys_and_values(text, message):
    with pytest.raises(DataError) as raised:
        loader.loads(text, "q.yaml")
    assert message in str(raised.value)


def test_loader_reads_plain_values_by_the_yaml_1_2_core_schema():
    """YAML 1.1 read 14:30 as 870, 017 as 15 and On/No as booleans: the core schema keeps them as written."""
    data = loader.loads("a: 1\nb: -7\nc: +3\nd: 0\ne: 0123\nf: 0x1F\ng: 1_000\nh: 1:30\ni: 0b101\n").data
    assert (data["e"], data["f"], data["g"], data["h"], data["i"]) == (123, 31, "1_000", "1:30", "0b101")
    data = loader.loads("a: 14:30\nb: 017\nc: 0x1F\nd: 0o17\ne: yes\nf: On\ng: TRUE\nh: false\ni: ~\nj: 2024-09-30\n"
                        "k: 1e3\nl: =\n").data
    assert data == {"a": "14:30", "b": 17, "c": 31, "d": 15, "e": "yes", "f": "On", "g": True, "h": False, "i": None,
                    "j": "2024-09-30", "k": 1000.0, "l": "="}


def test_loader_reads_field_names_as_written():
    text = "On: 1\nNo: 2\n~: 3\ntrue: 4\n1.50: 5\n2024-01-02: 6\n"
    assert loader.loads(text).data == {"On": 1, "No": 2, "~": 3, "true": 4, "1.50": 5, "2024-01-02": 6}
    with pytest.raises(DataError, match="k.yaml:2:3: tên trường để trống: hãy ghi tên trường trước dấu ':'"):
        loader.loads("a: 1\n? ''\n: 2\n", "k.yaml")


def test_loader_composes_decomposed_text():
    """macOS writes 'Phó Chủ tịch' decomposed (NFD); it is read as the composed text, keys and values alike."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Phó Chủ tịch")
    data = loader.loads(f"chuc_vu: {nfd}\n{nfd}: 1\n").data
    assert data == {"chuc_vu": "Phó Chủ tịch", "Phó Chủ tịch": 1}
    with pytest.raises(DataError, match="hai lần"):
        loader.loads(f"Đất đai: 1\n{unicodedata.normalize('NFD', 'Đất đai')}: 2\n")


def test_loader_refuses_an_integer_too_long_to_be_a_count():
    with pytest.raises(DataError, match=r"n.yaml:1:4: trường 'a': số quá lớn \(5.000 chữ số; tối đa 20 chữ số\)"):
        loader.loads("a: " + "7" * 5000 + "\n", "n.yaml")


@pytest.mark.parametrize("raw, message", [
    (b"a: 1\nb: \"x\xc3\"\n", r"f.yaml:2:6: tệp không phải văn bản UTF-8 \(byte 0xC3\): lưu lại tệp dạng UTF-8"),
    ("\u3000\n".encode(), "tệp dữ liệu rỗng"),
    (b"a: 1\nb: \x07\n", "2:4: .*U\\+0007"),
])
def test_loader_reads_files_as_utf8_bytes_and_names_what_is_wrong(tmp_path, raw, message):
    path = tmp_path / "f.yaml"
    path.write_bytes(raw)
    with pytest.raises(DataError, match=message):
        loader.load(path)


def test_loader_takes_a_byte_order_mark(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: m\xe1\xbb\x99t\n")
    assert loader.load(path).data == {"a": "một"}


# --- inline markup ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("a **b** c", [("a ", False, False), ("b", True, False), (" c", False, False)]),
    ("*nghiêng* và ***cả hai***", [("nghiêng", False, True), (" và ", False, False), ("cả hai", True, True)]),
    ("* Kết quả rà soát", [("* Kết quả rà soát", False, False)]),  # a "* " heading of seed 002, not emphasis
    ("5 * 3 = 15", [("5 * 3 = 15", False, False)]),
    ("{{ x }} <&> \\*", [("{{ x }} <&> *", False, False)]),
])
def test_inline_styles(text, expected):
    assert [(t.text, t.bold, t.italic) for t in parse_inline(text)] == expected


@pytest.mark.parametrize("text, expected", [
    # CommonMark's flanking rules: a closer takes the nearest opener before it.
    ("3*4 = 12 và *ghi chú*", [("3*4 = 12 và ", False, False), ("ghi chú", False, True)]),
    ("a*b*c", [("a", False, False), ("b", False, True), ("c", False, False)]),
    ("**a*", [("*", False, False), ("a", False, True)]),
    ("*a**", [("a", False, True), ("*", False, False)]),
    ("**a *b* c**", [("a ", True, False), ("b", True, True), (" c", True, False)]),
    ("*a **b***", [("a ", False, True), ("b", True, True)]),
    # '_' as CommonMark: never inside a word.
    ("so_lieu và _ghi chú_ và __đậm__", [("so_lieu và ", False, False), ("ghi chú", False, True), (" và ", False, False),
                                          ("đậm", True, False)]),
    ("_a_b", [("_a_b", False, False)]),
    # A run between two digits is a multiplication sign (a difference from CommonMark, which italicises here).
    ("3*4 = 12 và 5*6 = 30", [("3*4 = 12 và 5*6 = 30", False, False)]),
    ("1_000_000", [("1_000_000", False, False)]),
    # A backslash before a markup character makes it literal; any other backslash prints as written.
    ("\\\\server\\share", [("\\\\server\\share", False, False)]),
    ("C:\\du_lieu\\bao_cao", [("C:\\du_lieu\\bao_cao", False, False)]),
    ("\\*x\\* và \\_y\\_", [("*x* và _y_", False, False)]),
    ("a\\\\*b*", [("a\\", False, False), ("b", False, True)]),  # "\\\\" before markup: one backslash
    ("1.5\\2 \\.", [("1.5\\2 \\.", False, False)]),
])
def test_inline_emphasis_and_backslashes(text, expected):
    assert [(t.text, t.bold, t.italic) for t in parse_inline(text)] == expected


@pytest.mark.parametrize("text", ["\\\\server\\share", "a\\*b", "C:\\x\\", "\\\\", "3*4 *x* _y_ \\_", "a\\ b"])
def test_escape_round_trips_backslashes(text):
    assert plain_text(parse_inline(escape(text))) == text


def test_inline_footnote_with_formatting_and_brackets():
    items = parse_inline("CCHC^[Văn bản **số 99** [bản gốc]] tiếp")
    assert isinstance(items[1], Note)
    assert [(t.text, t.bold) for t in items[1].content] == [("Văn bản ", False), ("số 99", True), (" [bản gốc]", False)]
    assert plain_text(items) == "CCHC tiếp"


def test_inline_superscript_and_figures():
    items = parse_inline("70,5 m^2^; {=ho_so.tong|hai_so} hồ sơ", lambda path, f: f"<{path}|{f}>")
    assert [(t.text, t.superscript) for t in items] == [("70,5 m", False), ("2", True), ("; <ho_so.tong|hai_so> hồ sơ", False)]


@pytest.mark.parametrize("text", ["a ^[b", "a ^[b ^[c]]", "{=bad path}"])
def test_inline_errors(text):
    with pytest.raises(InlineError):
        parse_inline(text, lambda p, f: "")


def test_escape_round_trips_any_text():
    nasty = "**x** ^[y] {=z} \\ {{ a }} {% b %} # - + <&>"
    assert plain_text(parse_inline(escape(nasty))) == nasty


@pytest.mark.parametrize("text, escaped", [
    ("Nguyễn Văn A", "Nguyễn Văn A"),
    ("a*b_c", "a\\*b\\_c"),
    ("[1] {2} <3>", "\\[1\\] \\{2\\} \\<3\\>"),
    ("- 5 + 6 # `~^", "\\- 5 \\+ 6 \\# \\`\\~\\^"),
    ("\\", "\\\\"),
    ("\ue000", "\\\ue000"),
    ("dòng một\r\ndòng hai\nba\rbốn", "dòng một dòng hai ba bốn"),
    ("", ""),
])
def test_escape_marks_every_markup_character_and_joins_lines(text, escaped):
    assert escape(text) == escaped


# --- compute ------------------------------------------------------------------------------------

def test_period_window_derived_from_decree_09_or_taken_from_data():
    context = compute.compute(loader.loads(MINIMAL.replace("so: 1", "so: 3")).data)
    assert (context["ky_bao_cao"]["tu_ngay"], context["ky_bao_cao"]["den_ngay"]) == (dt.date(2025, 6, 15), dt.date(2025, 9, 14))
    assert context["ky_bao_cao"]["ten"] == "quý III năm 2025"
    given = MINIMAL.replace("nam: 2025", "nam: 2025\n  tu_ngay: 1/7/2025\n  den_ngay: 2025-09-30")
    context = compute.compute(loader.loads(given).data)
    assert (context["ky_bao_cao"]["tu_ngay"], context["ky_bao_cao"]["den_ngay"]) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))


def test_derived_totals():
    text = MINIMAL + ("so_lieu:\n  nhiem_vu_duoc_giao: {truoc_han: 21, dung_han: 10, trong_han: 1, qua_han: 0}\n"
                      "  ho_so: {ky_truoc_chuyen_sang: 4, tiep_nhan: 860, da_giai_quyet: 855}\n")
    figures = compute.compute(loader.loads(text).data)["so_lieu"]
    assert figures["nhiem_vu_duoc_giao"]["tong"] == 32
    assert figures["ho_so"]["tong"] == 864 and figures["ho_so"]["dang_giai_quyet"] == 9


# --- compose ------------------------------------------------------------------------------------

def test_empty_sections_leave_no_heading():
    document = build(MINIMAL + "noi_dung:\n  tai_chinh_cong: ['Chi đúng quy định.']\n")
    headings = [(b.number, plain_text(b.content)) for b in document.blocks if isinstance(b, Heading)]
    assert headings == [("I.", "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"), ("1.", "Cải cách tài chính công")]
    last = document.blocks[-1]
    assert plain_text(last.content).endswith("của UBND phường A./.")


def test_ward_subsections_are_numbered_by_level():
    text = MINIMAL + """noi_dung:
  tthc:
    - muc: Rà soát
      noi_dung:
        - muc: Chi tiết
          noi_dung:
            - muc: Điểm một
              noi_dung: [x]
            - muc: Điểm hai
              noi_dung: [y]
    - muc: "* Không đánh số"
      danh_so: false
      noi_dung: [z]
    - muc: Một cửa
      noi_dung: [w]
  ket_qua_khac:
    - muc: Thu ngân sách
      noi_dung: [v]
"""
    document = build(text)
    headings = [(b.level, b.number, plain_text(b.content)) for b in document.blocks if isinstance(b, Heading)]
    assert headings == [
        (1, "I.", "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"),
        (2, "1.", "Cải cách thủ tục hành chính"),
        (3, "1.1.", "Rà soát"),
        (4, "1.1.1.", "Chi tiết"),
        (5, "a)", "Điểm một"),
        (5, "b)", "Điểm hai"),
        (3, "", "* Không đánh số"),
        (3, "1.2.", "Một cửa"),
        (2, "2.", "Thu ngân sách"),
    ]


def test_standard_sentence_goes_where_the_ward_puts_it():
    text = MINIMAL + """so_lieu:
  can_bo: {tong: 20, dat_chuan: 19}
noi_dung:
  bo_may:
    - Đoạn đầu.
    - cau_mau: can_bo
    - Đoạn cuối.
"""
    paragraphs = [plain_text(b.content) for b in build(text).blocks if isinstance(b, Paragraph)]
    assert paragraphs[:3] == ["Đoạn đầu.",
                              "Hiện nay, phường có 20 cán bộ, công chức, trong đó 19 người đạt chuẩn theo quy định, "
                              "chiếm tỷ lệ 95%.", "Đoạn cuối."]


def test_standard_sentence_not_offered_by_the_section_is_an_error():
    with pytest.raises(DataError, match="mục 'the_che' không có câu mẫu 'ho_so'") as info:
        build(MINIMAL + "noi_dung:\n  the_che: [{cau_mau: ho_so}]\n")
    assert info.value.location.line == 15


def test_ward_text_is_never_template_code_or_markup_in_titles():
    text = MINIMAL.replace("ten_goi: UBND phường A", "ten_goi: 'UBND {{ 7*7 }} **A**'") + \
        "noi_dung:\n  the_che: ['{{ 7*7 }} {% if %} <b>&amp;']\n"
    document = build(text)
    body = [plain_text(b.content) for b in document.blocks if isinstance(b, Paragraph)]
    assert body[0] == "{{ 7*7 }} {% if %} <b>&amp;"
    assert body[-1].endswith("của UBND {{ 7*7 }} **A**./.")


def test_table_cells_merged_numeric_and_with_footnotes():
    text = MINIMAL + """noi_dung:
  the_che:
    - bang:
        tieu_de: Số liệu
        dau:
          - [{nd: STT, gop_dong: 2}, {nd: Chỉ tiêu, gop_dong: 2}, {nd: Kết quả, gop_cot: 2}]
          - [Đơn vị, Số liệu]
        dong:
          - [1, "Hồ sơ^[Cả trực tuyến]", Hồ sơ, 14859]
        cot_so: [4]
"""
    table = next(b for b in build(text).blocks if isinstance(b, Table))
    assert table.header_rows == 2 and table.column_count == 4
    assert [c.colspan for c in table.rows[0]] == [1, 1, 2]
    assert plain_text(table.rows[2][3].content) == "14.859" and table.rows[2][3].numeric
    assert table.rows[2][1].content[1].number == 1


def test_draft_header_keeps_blanks():
    header = build(MINIMAL).header
    assert header.so is None and header.ngay is None and header.nam == 2025  # values, not display strings
    shown = layout_variables(header)
    assert shown["so_ky_hieu"] == "     /BC-UBND"
    assert shown["dia_danh_ngay"] == "A, ngày     tháng     năm 2025"


def test_the_header_holds_values_the_writers_format():
    import datetime as dt

    header = build(MINIMAL.replace("dia_danh: A", "dia_danh: A\n  so: 7\n  ngay: 17/9/2025")).header
    assert header.so == 7 and header.ngay == dt.date(2025, 9, 17)
    assert layout_variables(header)["so_ky_hieu"] == "07/BC-UBND"
    assert layout_variables(header)["dia_danh_ngay"] == "A, ngày 17 tháng 9 năm 2025"


def test_unknown_template_variable_is_a_template_error(tmp_path):
    (tmp_path / "hong.md.j2").write_text("::: loai_van_ban\nBÁO CÁO\n::: trich_yeu\nx\n::: noi_dung\n{{ khong_co }}\n",
                                         encoding="utf-8")
    loaded = loader.loads(MINIMAL)
    with pytest.raises(TemplateError) as caught:
        compose.compose(compute.compute(loaded.data), TemplateLibrary([tmp_path]).get("hong"))
    assert str(caught.value) == f"{tmp_path / 'hong.md.j2'}:6: mẫu 'hong': không có biến 'khong_co'"


def test_numbered_heading_under_an_unnumbered_one_starts_its_own_count():
    # Issue 20: it belongs to the unnumbered heading, so it does not take a place among that heading's siblings
    # ("Đào tạo" stays 1.1.); a decimal number extends its parent's, and this parent has none.
    text = MINIMAL + """noi_dung:
  cong_vu:
    - muc: "* Vị trí việc làm"
      danh_so: false
      noi_dung:
        - muc: Con có số
          noi_dung: [x]
    - muc: Đào tạo
      noi_dung: [y]
"""
    headings = [(b.number, plain_text(b.content)) for b in build(text).blocks if isinstance(b, Heading)]
    assert headings[1:] == [("1.", "Cải cách chế độ công vụ"), ("", "* Vị trí việc làm"), ("1.", "Con có số"),
                            ("1.1.", "Đào tạo")]


ROWSPAN_TABLE = MINIMAL + """noi_dung:
  the_che:
    - bang:
        dau:
          - [{nd: A, gop_dong: 2}, {nd: B, gop_cot: 2}]
          - [b1, b2]
        dong:
          - [{nd: x, gop_dong: 2}, "1", "2"]
          - ["3", "4"]
        cot_so: [2, 3]
"""


def test_cells_below_a_merged_cell_keep_their_columns():
    table = next(b for b in build(ROWSPAN_TABLE).blocks if isinstance(b, Table))
    placed = [[(column, plain_text(cell.content)) for column, cell in row] for row in table.placed_rows()]
    assert placed == [[(0, "A"), (1, "B")], [(1, "b1"), (2, "b2")], [(0, "x"), (1, "1"), (2, "2")], [(1, "3"), (2, "4")]]
    assert [cell.numeric for cell in table.rows[3]] == [True, True]  # "3" sits in numeric column 2


def test_markdown_table_with_merged_cells(tmp_path):
    from cchc_docgen.writers import markdown

    md = markdown.write(build(ROWSPAN_TABLE)).decode()
    # The pipe table's one heading row: "B", merged over two columns, heads both of them; A spans both rows.
    assert "| A | B – b1 | B – b2 |" in md
    assert "| x | 1 | 2 |" in md and "|  | 3 | 4 |" in md


def test_markdown_heading_of_one_row_keeps_a_merged_cell_in_its_first_column():
    from cchc_docgen.model import Cell, Table, Text
    from cchc_docgen.writers.markdown import MarkdownWriter

    table = Table([[Cell([Text("Kết quả")], colspan=2)], [Cell([Text("1")]), Cell([Text("2")])]], header_rows=1)
    assert MarkdownWriter().table(table).splitlines() == ["| Kết quả |  |", "|---|---|", "| 1 | 2 |"]


def test_a_subsection_the_ward_wrote_is_kept_even_when_empty():
    text = MINIMAL + "noi_dung:\n  the_che:\n    - muc: 'Hình thức khen thưởng: Giấy khen.'\n    - muc: Tiêu chuẩn\n      noi_dung: [x]\n"
    headings = [(b.number, plain_text(b.content)) for b in build(text).blocks if isinstance(b, Heading)]
    assert headings[1:] == [("1.", "Cải cách thể chế"), ("1.1.", "Hình thức khen thưởng: Giấy khen."), ("1.2.", "Tiêu chuẩn")]


# --- the quick schema check agrees with jsonschema ---------------------------------------------------------

SCHEMA_VIOLATIONS = [
    MINIMAL.replace("  ten_goi:", "  ten_goii:"),
    MINIMAL.replace("  ho_ten: Nguyễn Văn B\n", ""),
    MINIMAL.replace("nam: 2025", "nam: hai nghìn"),
    MINIMAL.replace("nam: 2025", "nam: true"),
    MINIMAL.replace("loai: quy", "loai: quí"),
    MINIMAL + "so_lieu:\n  can_bo: {tong: -3}\n",
    MINIMAL + "so_lieu:\n  can_bo: {tong: 2.5}\n",
    MINIMAL + "noi_dung:\n  the_che: [{muc: ''}]\n",
    MINIMAL + "noi_dung:\n  the_che: [{bang: {dong: []}}]\n",
    MINIMAL + "noi_dung:\n  the_che: [{bang: {dong: [[{nd: 1, gop_cot: 0}]]}}]\n",
    MINIMAL + "noi_dung:\n  the_che: [{cau_mau: khong_co}]\n",
    MINIMAL + "noi_dung:\n  the_che: [5]\n",
    MINIMAL + "phu_luc: [{bieu: Sai Ten}]\n",
    MINIMAL.replace("dia_danh: A", "dia_danh: A\n  ngay: 2025/02/03"),
    MINIMAL.replace("ten: [Ủy ban nhân dân, phường A]", "ten: [a, b, c, d]"),
]


@pytest.mark.parametrize("text", SCHEMA_VIOLATIONS)
def test_quick_schema_check_never_passes_what_jsonschema_refuses(text):
    loaded = loader.loads(text)
    assert list(validate._compiled(None).validator.iter_errors(loaded.data))  # jsonschema refuses it …
    assert validate._compiled(None).quick(loaded.data) is False  # … and so does the quick check


def test_quick_schema_check_passes_every_example():
    from conftest import EXAMPLES

    for example in EXAMPLES.glob("*.yaml"):
        loaded = loader.load(example)
        assert validate._compiled(None).quick(loaded.data), example.name
        assert not list(validate._compiled(None).validator.iter_errors(loaded.data)), example.name


def _scalars(node):
    import yaml

    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


CORE_SCHEMA_TAGS = {  # YAML 1.2.2, 10.3.2 (plus dates and the merge key)
    "null": ["~", "null", "Null", "NULL", ""],
    "bool": ["true", "True", "TRUE", "false", "False", "FALSE"],
    "int": ["0", "-19", "+12", "017", "0o17", "0x1F", "0xff"],
    "float": ["1.5", "-.5", "+12e03", "1e3", "1.", ".inf", "-.Inf", "+.INF", ".nan", ".NaN"],
    "timestamp": ["2024-09-30", "2024-3-5", "2024-09-17 10:30:00", "2024-09-17T10:30:00+07:00"],
    "merge": ["<<"],
    "str": ["yes", "No", "on", "OFF", "y", "n", "tRUE", "nULL", "14:30", "1:20:30", "1_000", "0b101", "0o8", "0x",
            "=", ".", "-", "+.5e", "Nguyễn", "Tổ chức", "nullable", "Falsehood", "2024-09-30x", "0X1F", ".Nan"],
}


def test_resolver_follows_the_yaml_1_2_core_schema():
    import yaml

    for kind, words in CORE_SCHEMA_TAGS.items():
        for word in words:
            assert loader._Loader("").resolve(yaml.ScalarNode, word, (True, False)) == f"tag:yaml.org,2002:{kind}", word
            assert loader._Loader("").resolve(yaml.ScalarNode, word, (False, True)) == "tag:yaml.org,2002:str"


def test_render_leaves_the_cycle_collector_as_it_found_it(tmp_path):
    import gc

    from conftest import EXAMPLES

    from cchc_docgen import pipeline
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.templating.library import library_for

    before = gc.get_threshold()
    pipeline.Pipeline(library=library_for()).render(EXAMPLES / "thach-quy-q3-2024.yaml")
    assert gc.get_threshold() == before and gc.isenabled()
    bad = tmp_path / "bad.yaml"
    bad.write_text("mau: quy\n", encoding="utf-8")
    with pytest.raises(DocgenError):
        pipeline.Pipeline(library=library_for()).render(bad)
    assert gc.get_threshold() == before


@pytest.mark.parametrize("example", ["thach-quy-q3-2024.yaml", "thach-quy-kiem-tra-2024.yaml",
                                     "uong-bi-ke-hoach-thi-dua-2024.yaml"])
def test_a_render_leaves_nothing_for_the_cycle_collector(example):
    """Everything a render makes is freed as soon as it is done with: no reference cycles (a closure that calls
    itself, say), which would keep objects alive until a collection, and make that collection walk them."""
    import gc

    from conftest import EXAMPLES

    from cchc_docgen import pipeline
    from cchc_docgen.templating.library import library_for

    library = library_for()
    pipeline.Pipeline(library=library).render(EXAMPLES / example)  # caches (templates, layout) are filled once, not per render
    gc.collect()
    gc.disable()
    try:
        rendered = pipeline.Pipeline(library=library).render(EXAMPLES / example)
        assert rendered.content and gc.collect() == 0
    finally:
        gc.enable()


def test_loader_reads_a_file_that_grew_after_its_size_was_taken(tmp_path, monkeypatch):
    """The file is read as large as it stated, then on to the limit: a file written meanwhile is read whole."""
    import os

    path = tmp_path / "f.yaml"
    path.write_text("a: một\nb: hai\n", encoding="utf-8")
    real_stat = type(path).stat

    def stat_before_the_last_line(self, **kwargs):
        result = real_stat(self, **kwargs)
        return os.stat_result((*result[:6], 5, *result[7:])) if self == path else result

    monkeypatch.setattr(type(path), "stat", stat_before_the_last_line)
    assert path.stat().st_size == 5
    assert loader.load(path).data == {"a": "một", "b": "hai"}
