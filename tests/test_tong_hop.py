"""`docgen tong-hop`: a province's report compiled from its communes' reports (issue 16).

The example is data_examples/tong-hop/: tinh.yaml (the province's own data), don-vi.yaml (its 14 units) and xa/
(13 reports: xã Kim Sơn's has an error, xã Trường Xuân sent none, xã Sơn Hà and xã Minh Đức have findings).
Every figure the tests expect is computed here again from the units' files read with PyYAML, not by docgen.

Goldens: tests/golden/tong-hop/tinh.docx, .md, .xlsx; after reading a new output, update them with
    docgen tong-hop data_examples/tong-hop/xa --du-lieu data_examples/tong-hop/tinh.yaml -o tests/golden/tong-hop/tinh.docx
(and -f md -o …/tinh.md, -f xlsx -o …/tinh.xlsx). `docgen check data_examples` reads only the files directly in
data_examples/, so the tong-hop folder (which no single render can make) is left to this test.
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, ROOT, footnotes, run_cli

from cchc_docgen.golden.diff import compare_docx, compare_md

FOLDER = EXAMPLES / "tong-hop"
UNITS = FOLDER / "xa"
PROVINCE = FOLDER / "tinh.yaml"
GOLDEN = ROOT / "tests" / "golden" / "tong-hop"
BROKEN = "kim-son.yaml"  # the example's file with an error (a misspelt field)
MISSING = "xã Trường Xuân"  # the unit of don-vi.yaml that sent no report


def _group(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _percent(part: int, whole: int) -> str:
    """Independent of docgen's formatting: half-up to two decimals, Vietnamese comma, no ",00"."""
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return text


def _valid_units() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(UNITS.glob("*.yaml")) if p.name != BROKEN]


def _total(path: str) -> int:
    total = 0
    for unit in _valid_units():
        value = unit["so_lieu"]
        for step in path.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        total += value or 0
    return total


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("tong-hop")
    results = {}
    for fmt in ("docx", "md", "xlsx"):
        target = out / f"tinh.{fmt}"
        result = run_cli("tong-hop", UNITS, "--du-lieu", PROVINCE, "-f", fmt, "-o", target, "-j", "1")
        assert result.exit_code == 0, result.output
        results[fmt] = (target, result.output)
    return results


def _body(docx: Path) -> str:
    import docx as python_docx

    return "\n".join(p.text for p in python_docx.Document(str(docx)).paragraphs)


def test_summed_figures_and_recomputed_ratios_equal_an_independent_computation(outputs):
    body = _body(outputs["docx"][0])
    carried, received = _total("ho_so.ky_truoc_chuyen_sang"), _total("ho_so.tiep_nhan")
    online, resolved, on_time = _total("ho_so.truc_tuyen"), _total("ho_so.da_giai_quyet"), _total("ho_so.dung_han")
    assert (f"tiếp nhận tổng số {_group(carried + received)} hồ sơ thủ tục hành chính (kỳ trước chuyển sang "
            f"{carried} hồ sơ, tiếp nhận mới trong kỳ {_group(received)} hồ sơ), trong đó tiếp nhận trực tuyến "
            f"{_group(online)}/{_group(received)} hồ sơ, đạt tỷ lệ {_percent(online, received)}%; đã giải quyết "
            f"{_group(resolved)} hồ sơ, trong đó giải quyết trước và đúng hạn {_group(on_time)}/{_group(resolved)} "
            f"hồ sơ, đạt tỷ lệ {_percent(on_time, resolved)}%") in body
    paid, payable = _total("dich_vu_cong.thanh_toan.dat"), _total("dich_vu_cong.thanh_toan.tong")
    assert (f"hồ sơ có nghĩa vụ tài chính được thanh toán trực tuyến {_group(paid)}/{_group(payable)} hồ sơ, đạt tỷ lệ "
            f"{_percent(paid, payable)}%") in body
    # never the average of the units' percentages
    average = sum(Decimal(u["so_lieu"]["ho_so"]["dung_han"]) * 100 / u["so_lieu"]["ho_so"]["da_giai_quyet"]
                  for u in _valid_units()) / len(_valid_units())
    assert _percent(on_time, resolved) != f"{average.quantize(Decimal('0.01'), ROUND_HALF_UP)}".replace(".", ",")
    staff, qualified = _total("can_bo.tong"), _total("can_bo.dat_chuan")
    assert (f"Tổng số cán bộ, công chức của các đơn vị cấp xã là {staff} người, trong đó {qualified} người đạt chuẩn "
            f"theo quy định, chiếm tỷ lệ {_percent(qualified, staff)}%") in body


def test_the_units_meeting_a_target_are_counted_and_named_in_a_footnote(outputs):
    docx = outputs["docx"][0]
    body = _body(docx)
    payments = [(u["co_quan"]["ten_goi"].removeprefix("UBND "), u["so_lieu"]["dich_vu_cong"]["thanh_toan"])
                for u in _valid_units()]
    meeting = [name for name, pair in payments if Decimal(pair["dat"]) * 100 / pair["tong"] >= 80]
    assert f"{len(meeting):02d} đơn vị đạt mức từ 80%, {len(payments) - len(meeting):02d} đơn vị chưa đạt" in body
    notes = footnotes(docx)
    assert any(set(note.rstrip(".").lower().split(", ")) == {m.lower() for m in meeting} for note in notes)


def test_the_missing_unit_and_the_refused_file_are_named(outputs):
    docx, said = outputs["docx"]
    body = _body(docx)
    assert "đã nhận được báo cáo quý III năm 2025 của 13/14 đơn vị cấp xã trên địa bàn tỉnh Bình Lâm; còn 01 đơn vị chưa gửi báo cáo." in body
    assert "Báo cáo của 01 đơn vị có số liệu chưa đúng quy định nên chưa được tổng hợp" in body
    notes = footnotes(docx)
    assert notes[0] == "Xã Trường Xuân." and notes[1] == "Xã Kim Sơn."
    assert said.splitlines()[-1] == (f"Đã tạo {outputs['docx'][0]} (mẫu tong-hop; tổng hợp 12/14 đơn vị; 1 tệp lỗi bị "
                                     f"bỏ qua; chưa gửi báo cáo: {MISSING}).")
    broken = UNITS / BROKEN
    assert (f"{broken}: bỏ qua tệp này (không tổng hợp) vì có lỗi:\n    {broken}:42:5: trường 'so_lieu.ho_so': thiếu "
            f"trường bắt buộc 'da_giai_quyet'") in said


def test_the_appendix_has_a_row_per_valid_unit_and_a_total_row(outputs):
    import docx as python_docx

    table = python_docx.Document(str(outputs["docx"][0])).tables[-1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    units = _valid_units()
    assert len(rows) == 2 + len(units) + 1  # two header rows (groups, indicators), the units, the total
    names = [row[1] for row in rows[2:-1]]
    assert sorted(names) == sorted(u["co_quan"]["ten_goi"].removeprefix("UBND ") for u in units)
    header = rows[1]
    total = rows[-1]
    assert total[1] == "Tổng cộng"
    column = header.index("Hồ sơ đã giải quyết (Hồ sơ)")
    assert total[column] == _group(_total("ho_so.da_giai_quyet"))
    column = header.index("Tỷ lệ hồ sơ giải quyết trước và đúng hạn (%)")
    assert total[column] == _percent(_total("ho_so.dung_han"), _total("ho_so.da_giai_quyet"))
    section = python_docx.Document(str(outputs["docx"][0])).sections[-1]
    assert section.page_width > section.page_height  # ten indicator columns: a landscape page


def test_the_workbook_has_a_sheet_per_group_with_the_same_numbers(outputs):
    import openpyxl

    book = openpyxl.load_workbook(outputs["xlsx"][0])
    assert book.sheetnames == ["Nhiệm vụ được giao", "Thủ tục hành chính", "Dịch vụ công trực tuyến",
                               "Cán bộ, công chức", "Đơn vị chưa tổng hợp"]
    sheet = book["Thủ tục hành chính"]
    assert sheet.freeze_panes == "C2"
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["STT", "Đơn vị"]
    total = [c.value for c in sheet[sheet.max_row]]
    assert total[1] == "Tổng cộng"
    assert sheet.max_row == 1 + len(_valid_units()) + 1
    resolved = header.index("Hồ sơ đã giải quyết (Hồ sơ)")
    assert total[resolved] == _total("ho_so.da_giai_quyet")
    assert sheet.cell(row=2, column=resolved + 1).number_format == "#,##0"
    ratio = header.index("Tỷ lệ hồ sơ giải quyết trước và đúng hạn (%)")
    assert f"{total[ratio]:.2f}".replace(".", ",").rstrip("0").rstrip(",") == _percent(
        _total("ho_so.dung_han"), _total("ho_so.da_giai_quyet"))
    assert sheet.cell(row=2, column=ratio + 1).number_format == "#,##0.00"
    left_out = [[c.value for c in row] for row in book["Đơn vị chưa tổng hợp"].iter_rows(min_row=2)]
    assert left_out == [[1, MISSING, "Chưa gửi báo cáo"], [2, "xã Kim Sơn", "Báo cáo có lỗi, chưa tổng hợp"]]


def test_outputs_match_their_goldens(outputs):
    docx, md = outputs["docx"][0], outputs["md"][0]
    assert compare_docx((GOLDEN / "tinh.docx").read_bytes(), docx.read_bytes()) == []
    assert compare_md((GOLDEN / "tinh.md").read_text(encoding="utf-8"), md.read_text(encoding="utf-8")) == []
    import openpyxl

    def cells(path):
        return {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in openpyxl.load_workbook(path)}

    assert cells(outputs["xlsx"][0]) == cells(GOLDEN / "tinh.xlsx")


def test_two_workers_give_the_same_report(outputs, tmp_path):
    target = tmp_path / "tinh.md"
    result = run_cli("tong-hop", UNITS / "*.yaml", "--du-lieu", PROVINCE, "-f", "md", "-o", target, "-j", "2")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == outputs["md"][0].read_text(encoding="utf-8")


# --- refusals -------------------------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "tinh"
    shutil.copytree(FOLDER, folder)
    return folder


def _refused(folder: Path, tmp_path: Path) -> str:
    """What `docgen tong-hop` says about the copied example `folder`, which it must refuse, writing nothing."""
    target = tmp_path / "t.docx"
    result = run_cli("tong-hop", folder / "xa", "--du-lieu", folder / "tinh.yaml", "-o", target, "-j", "1")
    assert result.exit_code == 1
    assert not target.exists()
    return result.output


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_strict_stops_at_a_bad_file_and_writes_nothing(tmp_path):
    target = tmp_path / "tinh.docx"
    result = run_cli("tong-hop", UNITS, "--du-lieu", PROVINCE, "--strict", "-o", target, "-j", "1")
    assert result.exit_code == 1
    broken = UNITS / BROKEN
    assert result.output.endswith(
        f"Lỗi:\n--strict: chưa tổng hợp vì 1 tệp có lỗi:\n  - {broken}:\n      {broken}:42:5: trường 'so_lieu.ho_so': "
        f"thiếu trường bắt buộc 'da_giai_quyet'\n      {broken}:45:5: trường 'so_lieu.ho_so.da_giaiquyet': trường "
        "'da_giaiquyet' không có trong mẫu dữ liệu; có phải ý bạn là 'da_giai_quyet'?\n")
    assert not target.exists()


def test_a_report_of_another_period_stops_the_run(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "xa" / "hoa-an.yaml", "  so: 3\n", "  so: 2\n")
    assert _refused(folder, tmp_path).endswith(
        f"Lỗi:\ncác tệp không cùng kỳ báo cáo với {folder / 'tinh.yaml'} (quý III năm 2025), nên không cộng chung "
        f"được:\n  - quý II năm 2025: {folder / 'xa' / 'hoa-an.yaml'}\n")


def test_a_report_of_another_kind_stops_the_run(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "xa" / "hoa-an.yaml", "mau: quy\n", "mau: kiem-tra\n")
    assert _refused(folder, tmp_path).endswith(
        "Lỗi:\ncác tệp không cùng loại báo cáo (mau), nên không cộng chung được:\n  - mẫu 'quy': 11 tệp ("
        + ", ".join(str(folder / "xa" / n) for n in ("bac-lam.yaml", "dong-tien.yaml", "hon-ngoc.yaml",
                                                     "minh-duc.yaml", "nam-lam.yaml"))
        + " và 6 tệp khác)\n  - mẫu 'kiem-tra': 1 tệp (" + str(folder / "xa" / "hoa-an.yaml") + ")\n")


def test_two_files_of_one_unit_stop_the_run(tmp_path):
    folder = _copy(tmp_path)
    shutil.copy(folder / "xa" / "hoa-an.yaml", folder / "xa" / "hoa-an-ban-sua.yaml")
    assert _refused(folder, tmp_path).endswith(
        f"Lỗi: hai tệp cùng là báo cáo của xã Hòa An: {folder / 'xa' / 'hoa-an-ban-sua.yaml'} và "
        f"{folder / 'xa' / 'hoa-an.yaml'}; số liệu sẽ bị cộng hai lần: bỏ một tệp\n")


def test_a_summed_figure_written_in_the_province_file_is_refused_at_its_place(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "tinh.yaml", "\nnoi_dung:\n", "\nso_lieu:\n  ho_so:\n    tiep_nhan: 5\n    da_giai_quyet: 5\n\nnoi_dung:\n")
    assert _refused(folder, tmp_path).endswith(
        f"Lỗi: {folder / 'tinh.yaml'}:46:5: trường 'so_lieu.ho_so.tiep_nhan': số liệu này được cộng từ báo cáo của các "
        "đơn vị (khai báo tong_hop.cong của mẫu); bỏ trường này khỏi tệp của tỉnh\n")


def test_the_compiling_template_alone_says_which_command_it_needs(tmp_path):
    result = run_cli("render", PROVINCE, "-o", tmp_path / "t.docx")
    assert result.exit_code == 1
    assert ("mẫu 'tong-hop' là báo cáo tổng hợp từ báo cáo của các đơn vị, chỉ dùng với lệnh: docgen tong-hop "
            "BÁO_CÁO_CÁC_XÃ... --du-lieu TỆP_NÀY") in result.output


# --- the declaration: data beside the figure groups, overridable by a province ----------------------------


def test_a_province_folder_changes_a_target_without_restating_the_others(tmp_path, outputs):
    own = tmp_path / "mau-tinh"
    own.mkdir()
    (own / "cau-hinh.yaml").write_text(
        'mau:\n  tong-hop:\n    tong_hop:\n      chi_tieu:\n        ty_le_thanh_toan: {dat_khi: ">= 60"}\n',
        encoding="utf-8")
    target = tmp_path / "tinh.md"
    result = run_cli("tong-hop", UNITS, "--du-lieu", PROVINCE, "--templates", own, "-f", "md", "-o", target, "-j", "1")
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "12 đơn vị[^" in text and "đạt mức từ 60%" in text
    assert "Tỷ lệ hồ sơ giải quyết trước và đúng hạn: chung các đơn vị đạt" in text  # the others are kept


def test_a_wrong_declaration_is_located_in_its_settings_file(tmp_path):
    own = tmp_path / "mau-tinh"
    own.mkdir()
    (own / "cau-hinh.yaml").write_text(
        'mau:\n  tong-hop:\n    tong_hop:\n      chi_tieu:\n        ty_le_thanh_toan: {dat_khi: "từ 60"}\n',
        encoding="utf-8")
    result = run_cli("tong-hop", UNITS, "--du-lieu", PROVINCE, "--templates", own, "-o", tmp_path / "t.docx")
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Lỗi: {own / 'cau-hinh.yaml'}:5:37: trường 'mau.tong-hop.tong_hop.chi_tieu.ty_le_thanh_toan.dat_khi': dat_khi "
        "cần một phép so sánh với một số, ví dụ \">= 100\" hoặc \"== 0\"; đang ghi: 'từ 60'\n")


def test_the_unit_list_is_checked_at_its_place(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "don-vi.yaml", '  - {ma: "30013", ten: xã Tân Lập}\n', '  - {ma: "30013", ten: xã Hòa An}\n')
    assert _refused(folder, tmp_path).endswith(
        f"Lỗi: {folder / 'don-vi.yaml'}:8:24: trường 'don_vi[4].ten': đơn vị 'xã Hòa An' ghi hai lần (lần đầu ở "
        "don_vi[3])\n")


def test_the_example_folder_is_left_out_of_docgen_check():
    result = run_cli("check", EXAMPLES, "--golden", ROOT / "tests" / "golden")
    assert result.exit_code == 0, result.output
    assert "tong-hop" not in result.output


# --- Excel in: docgen nhap-bieu --------------------------------------------------------------------------


def _catalog():
    from cchc_docgen.templating.library import library_for

    library = library_for()
    return library.catalog("cchc", library.find_file("phu-luc/cchc.yaml"))


def test_a_phu_luc_written_to_a_workbook_reads_back_to_the_same_figures(tmp_path):
    from cchc_docgen.writers import xlsx

    unit = yaml.safe_load((EXAMPLES / "minh-tan-nam-2024.yaml").read_text(encoding="utf-8"))["phu_luc"][0]
    workbook = tmp_path / "bieu.xlsx"
    workbook.write_bytes(xlsx.catalog_workbook(_catalog(), unit["so_lieu"], unit["ghi_chu"]))
    target = tmp_path / "phu-luc.yaml"
    result = run_cli("nhap-bieu", workbook, "-o", target)
    assert result.exit_code == 0, result.output
    assert result.output == f"Đã đọc 15 chỉ tiêu từ {workbook} vào {target}.\n"
    read = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert read == {"phu_luc": [{"bieu": "cchc", "so_lieu": unit["so_lieu"], "ghi_chu": unit["ghi_chu"]}]}


@pytest.mark.parametrize("province, name", [(None, "cchc"), ("Quảng Ninh", "1a")])
def test_every_row_of_a_filled_sheet_reads_back_even_a_name_under_several_rows(tmp_path, province, name):
    """Quảng Ninh's 1a has sub-rows without STT whose names repeat under each parent ("Nhiệm vụ Tỉnh giao" under
    4.1 to 4.5): each is the one under the row above it. Every figure a commune types in the blank biểu docgen
    handed out comes back under its own indicator."""
    import openpyxl

    from cchc_docgen.domain.appendix import numbered_rows
    from cchc_docgen.templating.library import library_for

    library = library_for((), province)
    catalog = library.catalog(name, library.find_file(f"phu-luc/{name}.yaml"))
    names = [indicator.name for indicator, _ in numbered_rows(catalog)]
    if province:
        assert len(names) > len(set(names))  # the case this test is for
    blank = tmp_path / "trong.xlsx"
    args = ["--tinh", province] if province else []
    assert run_cli("nhap-bieu", blank, "--mau-trong", "-b", name, *args).exit_code == 0
    book = openpyxl.load_workbook(blank)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    figure_column = header.index("Số liệu") + 1
    typed = {}
    for (indicator, _), row in zip(numbered_rows(catalog), range(2, sheet.max_row + 1)):
        assert sheet.cell(row=row, column=2).value == indicator.name
        if not indicator.derived and not indicator.children:
            sheet.cell(row=row, column=figure_column).value = row
            typed[indicator.id] = row
    book.save(blank)
    result = run_cli("nhap-bieu", blank, "-b", name, *args)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["phu_luc"][0]["so_lieu"] == typed


def test_a_repeated_name_out_of_place_is_named_as_such(tmp_path):
    import openpyxl

    blank = tmp_path / "trong.xlsx"
    assert run_cli("nhap-bieu", blank, "--mau-trong", "-b", "1a", "--tinh", "Quảng Ninh").exit_code == 0
    book = openpyxl.load_workbook(blank)
    sheet = book.active
    extra = sheet.max_row + 1
    sheet.cell(row=extra, column=2).value = "Nhiệm vụ Tỉnh giao"  # moved below the last section, no STT
    sheet.cell(row=extra, column=4).value = 3
    book.save(blank)
    result = run_cli("nhap-bieu", blank, "-b", "1a", "--tinh", "Quảng Ninh")
    assert result.exit_code == 1
    assert (f"trong.xlsx: trang '1a', ô B{extra}: chỉ tiêu 'Nhiệm vụ Tỉnh giao' có ở 5 mục của biểu '1a' mà dòng "
            "không có STT và không nằm dưới mục nào của nó; dòng này bị bỏ qua") in result.output


def test_a_filled_sheet_is_read_by_indicator_name_not_by_cell_and_bad_cells_are_located(tmp_path):
    import openpyxl

    blank = tmp_path / "trong.xlsx"
    assert run_cli("nhap-bieu", blank, "--mau-trong").exit_code == 0
    book = openpyxl.load_workbook(blank)
    sheet = book.active
    sheet.insert_rows(1, 2)  # a title above the table: the header is found by its words
    sheet["A1"] = "BIỂU SỐ LIỆU CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2025"
    rows = {sheet.cell(row=r, column=2).value: r for r in range(4, sheet.max_row + 1)}
    sheet.cell(row=rows["Số văn bản chỉ đạo CCHC đã ban hành"], column=4).value = "1.205"  # typed as text, dot
    sheet.cell(row=rows["Tổng số văn bản đi"], column=4).value = "#DIV/0!"
    # renamed by the province: found by its STT within its section (III. 1)
    sheet.cell(row=rows["Tổng số biên chế được giao"], column=2).value = "Tổng số biên chế giao năm 2025"
    sheet.cell(row=rows["Tổng số biên chế được giao"], column=4).value = 30
    extra = sheet.max_row + 1
    sheet.cell(row=extra, column=2).value = "Số cuộc họp giao ban"  # a row of no indicator, with no STT
    sheet.cell(row=extra, column=4).value = 4
    book.save(blank)
    result = run_cli("nhap-bieu", blank)
    assert result.exit_code == 1
    assert result.output == (
        "Lỗi:\n2 ô không đọc được, chưa ghi kết quả:\n"
        f"trong.xlsx: trang 'cchc', ô D{rows['Tổng số văn bản đi']} (chỉ tiêu 'van_ban_di'): ô báo lỗi công thức #DIV/0!\n"
        f"trong.xlsx: trang 'cchc', ô B{extra}: không tìm thấy chỉ tiêu 'Số cuộc họp giao ban' trong biểu 'cchc'; "
        "dòng này bị bỏ qua\n")
    sheet.cell(row=rows["Tổng số văn bản đi"], column=4).value = 1300
    sheet.delete_rows(extra)
    book.save(blank)
    result = run_cli("nhap-bieu", blank)
    assert result.exit_code == 0, result.output
    figures = yaml.safe_load(result.stdout)["phu_luc"][0]["so_lieu"]
    assert figures == {"van_ban_chi_dao": 1205, "bien_che_giao": 30, "van_ban_di": 1300}


def test_the_province_report_as_html_and_as_pdf(tmp_path):
    html = tmp_path / "tinh.html"
    result = run_cli("tong-hop", UNITS, "--du-lieu", PROVINCE, "-o", html)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Tổng cộng" in page and "Xã Trường Xuân." in page
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice and poppler make and read the PDF")
    pdf = tmp_path / "tinh.pdf"
    result = run_cli("tong-hop", UNITS, "--du-lieu", PROVINCE, "-f", "pdf", "-o", pdf)
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "BÁO CÁO" in text and "Tổng cộng" in text


def test_a_workbook_that_is_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    import zipfile

    bomb = tmp_path / "bieu.xlsx"
    with zipfile.ZipFile(GOLDEN / "tinh.xlsx") as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("xl/worksheets/sheet99.xml", b"<" + b" " * (40 * 1024 * 1024) + b"/>")
    result = run_cli("nhap-bieu", bomb, "-b", "cchc")
    assert result.exit_code == 1
    assert result.output == (f"Lỗi: {bomb}: tệp Excel không an toàn để đọc: phần xl/worksheets/sheet99.xml giải nén "
                             "ra 40 MB, quá giới hạn 32 MB cho một phần\n")


def test_only_findings_about_the_figures_count_as_figures_not_agreeing(tmp_path):
    """The report says "số liệu trong báo cáo của N đơn vị còn có nội dung chưa thống nhất": a unit whose only
    finding is about the document (an abbreviated organ name, a misspelt province) is warned of, not counted."""
    import shutil

    folder = tmp_path / "tong-hop"
    shutil.copytree(FOLDER, folder)
    unit = folder / "xa" / "hoa-an.yaml"
    text = unit.read_text(encoding="utf-8")
    unit.write_text(text.replace("ten: [Ủy ban nhân dân, xã Hòa An]", "ten: [UBND, xã Hòa An]")
                    .replace("tinh: Bình Lâm", "tinh: Quang Nin"), encoding="utf-8")
    out = tmp_path / "tinh.md"
    result = run_cli("tong-hop", folder / "xa", "--du-lieu", folder / "tinh.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    assert "hoa-an.yaml:" in result.output and "không viết tắt 'UBND'" in result.output
    assert "(có phải ý bạn là 'Quảng Ninh'?)" in result.output
    golden = (GOLDEN / "tinh.md").read_text(encoding="utf-8")
    sentence = next(line for line in golden.splitlines() if "chưa thống nhất" in line)
    assert sentence in out.read_text(encoding="utf-8")  # the same units counted as without the two findings


def test_a_report_sent_as_word_in_the_folder_is_said_with_how_to_read_it(tmp_path):
    """A commune that sent its Word report instead of a data file would only be "chưa gửi báo cáo": the file is
    named, with the command that reads it; Word's lock file beside it is not."""
    import shutil

    folder = tmp_path / "tong-hop"
    shutil.copytree(FOLDER, folder)
    word = folder / "xa" / "truong-xuan.docx"
    shutil.copy(ROOT / "tests" / "golden" / "thach-quy-q3-2024.docx", word)
    (folder / "xa" / "~$uong-xuan.docx").write_bytes(b"\x0bNguyen Van A")
    result = run_cli("tong-hop", folder / "xa", "--du-lieu", folder / "tinh.yaml", "-o", tmp_path / "tinh.md")
    assert result.exit_code == 0, result.output
    assert (f"{word}: không được tổng hợp: đây là văn bản Word, không phải tệp dữ liệu YAML; để đọc báo cáo Word thành "
            f"tệp dữ liệu: docgen nhap {word} -o {word.with_suffix('.yaml')}") in result.output
    assert "~$" not in result.output
