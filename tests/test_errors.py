"""Bad input: a Vietnamese message naming file:line:column and the field, exit code 1, no traceback,
and an existing output file left untouched."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import EXAMPLES, run_cli

GOOD = (EXAMPLES / "thach-quy-q3-2024.yaml").read_text(encoding="utf-8")

MINIMAL = textwrap.dedent("""\
    mau: quy
    co_quan:
      ten: [Ủy ban nhân dân, phường A]
      ten_goi: UBND phường A
    van_ban:
      dia_danh: A
    ky_bao_cao:
      loai: quy
      so: 1
      nam: 2025
    nguoi_ky:
      chuc_vu: Chủ tịch
      ho_ten: Nguyễn Văn B
    """)


def render_text(tmp_path, text, *extra):
    data = tmp_path / "bad.yaml"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "out.docx"
    out.write_bytes(b"previous output")
    result = run_cli("render", data, "-o", out, *extra)
    return result, out


@pytest.mark.parametrize("text, expected", [
    ("co_quan: [\n", "bad.yaml:2:1: lỗi cú pháp YAML"),
    ("", "bad.yaml: tệp dữ liệu rỗng"),
    (MINIMAL.replace("  ten_goi:", "  ten_goii:"), "bad.yaml:4:3: trường 'co_quan.ten_goii': trường 'ten_goii' không có trong mẫu dữ liệu; có phải ý bạn là 'ten_goi'?"),
    (MINIMAL.replace("  ho_ten: Nguyễn Văn B\n", ""), "bad.yaml:12:3: trường 'nguoi_ky': thiếu trường bắt buộc 'ho_ten'"),
    (MINIMAL.replace("nam: 2025", "nam: hai nghìn"), "bad.yaml:10:8: trường 'ky_bao_cao.nam': phải là số nguyên (đang là chuỗi chữ)"),
    (MINIMAL.replace("loai: quy", "loai: quí"), "bad.yaml:8:9: trường 'ky_bao_cao.loai': giá trị 'quí' không hợp lệ"),
    (MINIMAL.replace("  so: 1\n", ""), "bad.yaml:8:3: trường 'ky_bao_cao.so': kỳ báo cáo quý cần ghi số quý"),
    (MINIMAL.replace("dia_danh: A", "dia_danh: A\n  ngay: 2025-02-30"), "bad.yaml:7:9: trường 'van_ban.ngay': '2025-02-30' không phải là một ngày có thật"),
    (MINIMAL + "noi_dung:\n  the_che: ['Có ^[chú thích chưa đóng']\n", "bad.yaml:15:13: trường 'noi_dung.the_che[0]': chú thích '^[' chưa có dấu ']' đóng"),
    (MINIMAL + "noi_dung:\n  the_che: ['Có {=ho_so.tiep_nhan} hồ sơ']\n", "trường 'noi_dung.the_che[0]': không có số liệu 'ho_so.tiep_nhan' trong so_lieu"),
    (MINIMAL + "so_lieu:\n  can_bo: {tong: -3}\n", "bad.yaml:15:18: trường 'so_lieu.can_bo.tong': phải lớn hơn hoặc bằng 0"),
    (MINIMAL + "x: !!python/object/apply:os.system ['true']\n", "bad.yaml:14:4: trường 'x': không hỗ trợ thẻ YAML"),
    (MINIMAL + "a: &a [1, 2]\nb: *a\n", "không hỗ trợ tham chiếu YAML"),
    (MINIMAL + "mau: nam\n", "bad.yaml:14:1: trường 'mau': trường này bị khai báo hai lần"),
])
def test_bad_data_is_reported_and_output_untouched(tmp_path, text, expected):
    result, out = render_text(tmp_path, text)
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "Traceback" not in result.output
    assert out.read_bytes() == b"previous output"


def test_all_schema_errors_are_listed_together(tmp_path):
    text = MINIMAL.replace("nam: 2025", "nam: x").replace("ho_ten: Nguyễn Văn B", "ho_ten: 5")
    result, _ = render_text(tmp_path, text)
    assert "ky_bao_cao.nam" in result.output and "nguoi_ky.ho_ten" in result.output


def test_unknown_template(tmp_path):
    result, out = render_text(tmp_path, MINIMAL, "--template", "khong-co")
    assert result.exit_code == 1
    assert "không có mẫu 'khong-co'; các mẫu hiện có: 6thang, 9thang, ke-hoach, kiem-tra, nam, quy" in result.output
    assert out.read_bytes() == b"previous output"


def test_missing_template_choice(tmp_path):
    result, _ = render_text(tmp_path, MINIMAL.replace("mau: quy\n", ""))
    assert result.exit_code == 1 and "chưa chọn mẫu" in result.output


def test_missing_data_file(tmp_path):
    result = run_cli("render", tmp_path / "khong-co.yaml")
    assert result.exit_code == 1 and "không tìm thấy tệp dữ liệu" in result.output


def test_binary_file(tmp_path):
    data = tmp_path / "bad.yaml"
    data.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run_cli("render", data, "-o", tmp_path / "o.docx")
    assert result.exit_code == 1 and "bad.yaml" in result.output and not (tmp_path / "o.docx").exists()


def test_output_equal_to_input_is_refused(tmp_path):
    data = tmp_path / "w.yaml"
    data.write_text(MINIMAL, encoding="utf-8")
    result = run_cli("render", data, "-o", data)
    assert result.exit_code == 1 and "trùng với tệp dữ liệu" in result.output
    assert data.read_text(encoding="utf-8") == MINIMAL


def _copy_of(folder, *names):
    import shutil

    for name in names:
        source = EXAMPLES / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)


@pytest.mark.parametrize("case", ["nhap", "nhap via a link", "nhap-bieu", "tong-hop province", "tong-hop unit list",
                                  "tong-hop unit"])
def test_no_command_writes_its_result_over_a_file_it_reads(tmp_path, case):
    """`docgen nhap bao-cao.docx -o bao-cao.docx` replaced the clerk's Word report with YAML, and `docgen tong-hop
    --du-lieu tinh.yaml -o tinh.yaml` the province's data with the report: now each is refused before anything is
    read, with the file it would have replaced named, and every file stays as it was."""
    import os

    if case.startswith("nhap"):
        report = tmp_path / "bao-cao.docx"
        assert run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", report).exit_code == 0
        if case == "nhap-bieu":
            report = tmp_path / "bieu.xlsx"
            assert run_cli("nhap-bieu", report, "--mau-trong").exit_code == 0
            args, target, kind = ["nhap-bieu", report], report, "biểu đang đọc"
        else:
            target = report
            if case == "nhap via a link":
                if not hasattr(os, "symlink"):
                    pytest.skip("no symbolic links here")
                target = tmp_path / "lien-ket.docx"
                target.symlink_to(report)
            args, kind = ["nhap", report], "báo cáo Word đang đọc"
    else:
        _copy_of(tmp_path, "tong-hop")
        folder = tmp_path / "tong-hop"
        report = {"tong-hop province": folder / "tinh.yaml", "tong-hop unit list": folder / "don-vi.yaml",
                  "tong-hop unit": folder / "xa" / "son-ha.yaml"}[case]
        args, target = ["tong-hop", folder / "xa", "--du-lieu", folder / "tinh.yaml", "-f", "docx"], report
        kind = "báo cáo của đơn vị" if case == "tong-hop unit" else "tệp dữ liệu"
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = run_cli(*args, "-o", target)
    assert result.exit_code == 1, result.output
    assert f"Lỗi: tệp kết quả {target} chính là {kind} " in result.output
    assert "ghi kết quả ra tệp khác (-o)" in result.output
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_render_of_a_word_report_says_to_import_it(tmp_path, monkeypatch):
    """`docgen render bao-cao.docx` in the report's folder: its default output, bao-cao.docx, is the input. Said
    as what it is (a Word report, read with docgen nhap), not as an output that is its input."""
    import shutil

    report = tmp_path / "bao-cao.docx"
    shutil.copy(EXAMPLES.parent / "tests" / "golden" / "thach-quy-q3-2024.docx", report)
    before = report.read_bytes()
    monkeypatch.chdir(tmp_path)
    result = run_cli("render", "bao-cao.docx")
    assert result.exit_code == 1
    assert result.output == ("Lỗi: bao-cao.docx: đây là văn bản Word, không phải tệp dữ liệu YAML; để đọc báo cáo Word "
                             "thành tệp dữ liệu: docgen nhap bao-cao.docx -o bao-cao.yaml\n")
    assert report.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.docx"]


def test_each_import_names_the_command_for_a_file_of_the_other_kind(tmp_path):
    """A data file given to nhap, an Excel biểu to nhap (of Word reports), a Word report to nhap-bieu: each is
    told what it is and which command reads it; a PDF keeps the command's own words."""
    import shutil

    report = tmp_path / "bao-cao.docx"
    shutil.copy(EXAMPLES.parent / "tests" / "golden" / "thach-quy-q3-2024.docx", report)
    bieu = tmp_path / "bieu.xlsx"
    assert run_cli("nhap-bieu", bieu, "--mau-trong").exit_code == 0
    data = EXAMPLES / "thach-quy-q3-2024.yaml"
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    expected = {
        ("nhap", data): f"Lỗi: {data}: đây là tệp dữ liệu YAML; sinh văn bản từ tệp này bằng: docgen render {data}",
        ("nhap-bieu", data): f"Lỗi: {data}: đây là tệp dữ liệu YAML; sinh văn bản từ tệp này bằng: docgen render {data}",
        ("nhap", bieu): f"Lỗi: {bieu}: đây là bảng tính Excel, không phải văn bản Word; biểu số liệu đã điền thì đọc "
                        f"bằng: docgen nhap-bieu {bieu}",
        ("nhap-bieu", report): f"Lỗi: {report}: đây là văn bản Word, không phải biểu Excel (.xlsx); để đọc báo cáo "
                               f"Word thành tệp dữ liệu: docgen nhap {report} -o {tmp_path / 'bao-cao.yaml'}",
        ("nhap", pdf): f"Lỗi: {pdf}: docgen nhap đọc tệp Word .docx (và .doc, .odt, .rtf khi có LibreOffice); tệp .pdf "
                       "quét không được hỗ trợ",
    }
    for (command, path), message in expected.items():
        result = run_cli(command, path)
        assert result.exit_code == 1, (command, path, result.output)
        assert result.output.strip() == message, (command, path)


def test_an_import_never_replaces_a_data_file(tmp_path):
    """`docgen nhap` / `nhap-bieu -o` onto an existing file (an import the officer has since edited, or the
    report's own data named by mistake) would lose their work: refused, as `docgen new` refuses."""
    import shutil

    report = tmp_path / "bao-cao.docx"
    shutil.copy(EXAMPLES.parent / "tests" / "golden" / "thach-quy-q3-2024.docx", report)
    bieu = tmp_path / "bieu.xlsx"
    assert run_cli("nhap-bieu", bieu, "--mau-trong").exit_code == 0
    edited = tmp_path / "du-lieu.yaml"
    edited.write_text("# đã sửa\n", encoding="utf-8")
    for command, source in (("nhap", report), ("nhap-bieu", bieu)):
        result = run_cli(command, source, "-o", edited)
        assert result.exit_code == 1
        assert (f"Lỗi: tệp {edited} đã có; docgen {command} không ghi đè tệp: chọn tên khác (hoặc xóa tệp cũ)"
                in result.output)
        assert edited.read_text(encoding="utf-8") == "# đã sửa\n"
    assert run_cli("nhap", report, "-o", tmp_path / "moi.yaml").exit_code == 0


def test_a_blank_bieu_never_replaces_a_file(tmp_path):
    """--mau-trong on the name of a filled biểu (typed by mistake) would hand back a blank one."""
    filled = tmp_path / "bieu-quy3.xlsx"
    assert run_cli("nhap-bieu", filled, "--mau-trong").exit_code == 0
    before = filled.read_bytes()
    result = run_cli("nhap-bieu", filled, "--mau-trong")
    assert result.exit_code == 1
    assert f"Lỗi: tệp {filled} đã có; --mau-trong không ghi đè tệp: chọn tên khác" in result.output
    assert filled.read_bytes() == before


@pytest.mark.parametrize("written, advice", [
    ("537 hồ sơ", ": chỉ ghi số, 537, không kèm chữ 'hồ sơ'"),
    ("95%", ": chỉ ghi số, 95, không kèm dấu '%'"),
    ("1 230", ": viết liền các chữ số, 1230"),
    ("'537'", ": viết 537, không đặt trong dấu nháy"),
    ("1,5", ": số đếm không có phần thập phân"),
    ("'1.230'", ": viết 1230, không đặt trong dấu nháy, không có dấu chấm"),
    ("'1.5'", ": số đếm không có phần thập phân"),
    ("hai trăm", ""),
])
def test_a_count_typed_as_text_says_what_to_write(tmp_path, written, advice):
    data = tmp_path / "bad.yaml"
    data.write_text(GOOD.replace("    tiep_nhan: 537\n", f"    tiep_nhan: {written}\n"), encoding="utf-8")
    result = run_cli("validate", data)
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(data.read_text(encoding="utf-8").splitlines(), 1) if "tiep_nhan:" in text)
    assert f"bad.yaml:{line}:16: lỗi: trường 'so_lieu.ho_so.tiep_nhan': phải là số nguyên (đang là chuỗi chữ){advice}\n" \
        in result.output


def test_a_decimal_with_a_comma_is_told_to_use_a_dot():
    from cchc_docgen.reading.validate import _number_advice

    assert _number_advice("1,5", decimals=True) == ": số thập phân viết bằng dấu chấm, 1.5 (văn bản in ra 1,5)"


@pytest.mark.parametrize("written, guess", [("quý", "quy"), ("Quy", "quy"), ("6 tháng", "6thang"), ("quy3", "quy"),
                                           ("xyz", None)])
def test_an_unknown_template_in_the_data_is_located_and_the_likely_one_named(tmp_path, written, guess):
    data = tmp_path / "bad.yaml"
    data.write_text(MINIMAL.replace("mau: quy\n", f"mau: {written}\n"), encoding="utf-8")
    result = run_cli("validate", data)
    assert result.exit_code == 1
    hint = f" (có phải ý bạn là '{guess}'?)" if guess else ""
    assert f"bad.yaml:1:6: lỗi: trường 'mau': không có mẫu '{written}'{hint}; các mẫu hiện có: " in result.output
    assert result.output.count("trường 'mau'") == 1  # not also "badly written"
    asked = run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-t", written, "-o", tmp_path / "x.md")
    assert asked.exit_code == 1 and f"Lỗi: không có mẫu '{written}'{hint}; các mẫu hiện có: " in asked.output


@pytest.mark.parametrize("written, guess", [("quý", "quy"), ("6 tháng", "6thang"), ("nam2", "nam"), ("xyz", None)])
def test_a_choice_written_almost_right_names_the_one_meant(tmp_path, written, guess):
    data = tmp_path / "bad.yaml"
    data.write_text(MINIMAL.replace("  loai: quy\n", f"  loai: {written}\n"), encoding="utf-8")
    result = run_cli("validate", data)
    hint = f" (có phải ý bạn là '{guess}'?)" if guess else ""
    assert (f"bad.yaml:8:9: lỗi: trường 'ky_bao_cao.loai': giá trị '{written}' không hợp lệ{hint}; chọn một trong: "
            "quy, 6thang, 9thang, nam") in result.output


@pytest.mark.parametrize("written, meant", [("Người ký", "nguoi_ky"), ("Nơi nhận", "noi_nhan"), ("nơi_nhận", "noi_nhan")])
def test_a_field_name_written_with_diacritics_names_the_field(tmp_path, written, meant):
    data = tmp_path / "bad.yaml"
    data.write_text(GOOD.replace(f"{meant}:\n", f"{written}:\n", 1), encoding="utf-8")
    result = run_cli("validate", data)
    assert f"trường '{written}' không có trong mẫu dữ liệu; có phải ý bạn là '{meant}'?" in result.output


def test_usage_error_exits_2(tmp_path):
    assert run_cli("render").exit_code == 2
    assert run_cli("render", "x.yaml", "--format", "odt").exit_code == 2


def test_default_output_name_in_current_folder(tmp_path, monkeypatch):
    data = tmp_path / "data" / "phuong-a.yaml"
    data.parent.mkdir()
    data.write_text(MINIMAL, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert run_cli("render", data, "--format", "md").exit_code == 0
    assert (work / "phuong-a.md").is_file()


def test_module_entry_point_and_help_in_vietnamese(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cchc_docgen", "render", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "Sinh văn bản từ tệp dữ liệu DỮ_LIỆU" in result.stdout
    data = tmp_path / "bad.yaml"
    data.write_text("a: [", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "cchc_docgen", "render", str(data)], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "lỗi cú pháp YAML" in result.stderr


def test_template_for_another_period_is_refused(tmp_path):
    result, out = render_text(tmp_path, MINIMAL, "--template", "nam")
    assert result.exit_code == 1
    assert "bad.yaml:8:9: trường 'ky_bao_cao.loai': mẫu này dành cho kỳ báo cáo 'nam'" in result.output
    assert out.read_bytes() == b"previous output"


CONTRADICTION = MINIMAL + "so_lieu:\n  ho_so: {tiep_nhan: 10, da_giai_quyet: 12, dung_han: 12}\n"


def test_render_prints_the_domain_checks_and_still_renders(tmp_path):
    result, out = render_text(tmp_path, CONTRADICTION)
    assert result.exit_code == 0
    assert "bad.yaml:" in result.output and "so_lieu.ho_so" in result.output  # located, on stderr
    assert out.read_bytes() != b"previous output"


def test_render_strict_refuses_and_writes_nothing(tmp_path):
    result, out = render_text(tmp_path, CONTRADICTION, "--strict")
    assert result.exit_code == 1
    assert "--strict: văn bản chưa được sinh" in result.output
    assert out.read_bytes() == b"previous output"


def test_batch_strict_reports_the_file_and_goes_on(tmp_path):
    bad = tmp_path / "sai.yaml"
    bad.write_text(CONTRADICTION, encoding="utf-8")
    good = tmp_path / "dung.yaml"
    good.write_text(MINIMAL, encoding="utf-8")
    result = run_cli("render", bad, good, "-o", tmp_path / "out", "--strict", "-j", "1")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "dung.docx").is_file() and not (tmp_path / "out" / "sai.docx").exists()
    assert "Đã tạo 1/2 tệp" in result.output and "sai.yaml" in result.output


@pytest.mark.parametrize("args, message", [
    (["render"], "Lỗi: thiếu tham số DỮ_LIỆU..."),
    (["render", "x.yaml", "--format", "odt"],
     "Lỗi: giá trị không hợp lệ cho -f/--format; chọn một trong: docx, md, pdf, html"),
    (["render", "x.yaml", "--khong-co"], "Lỗi: không có tùy chọn '--khong-co'"),
    (["render", "x.yaml", "--outptu", "y"], "Lỗi: không có tùy chọn '--outptu'; có phải ý bạn là --output?"),
    (["render", "x.yaml", "-x"], "Lỗi: không có tùy chọn '-x'"),
    (["render", "x.yaml", "-vq"], "Lỗi: không có tùy chọn '-v'"),
    (["khong-co"], "Lỗi: không có lệnh 'khong-co'"),
])
def test_usage_errors_are_in_vietnamese(args, message):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.output and "Cách dùng: docgen" in result.output
    assert "Usage:" not in result.output and "Error:" not in result.output


def test_an_option_used_wrongly_is_refused():
    for args, message in ((["render", "x.yaml", "-o"], "Lỗi: tùy chọn '-o' dùng sai: Option '-o' requires an argument."),
                          (["render", "x.yaml", "--help=x"],
                           "Lỗi: tùy chọn '--help' dùng sai: Option '--help' does not take a value.")):
        result = run_cli(*args)
        assert result.exit_code == 2 and message in result.output, result.output


def test_the_command_lines_path_types_are_clicks_own():
    """cli._EnglishPath names itself without gettext: otherwise it is click.Path, whatever click's version."""
    import itertools
    from pathlib import Path

    import click

    from cchc_docgen import cli

    for exists, file_okay, dir_okay, path_type in itertools.product((False, True), (False, True), (False, True),
                                                                    (None, Path)):
        settings = {"exists": exists, "file_okay": file_okay, "dir_okay": dir_okay, "path_type": path_type}
        assert vars(cli._EnglishPath(**settings)) == vars(click.Path(**settings)), settings
    made = [param.type for name in cli.main.list_commands(None) for param in cli.main.get_command(None, name).params
            if isinstance(param.type, click.Path)]
    assert len(made) > 15 and all(type(kind) is cli._EnglishPath for kind in made)


def test_version():
    from cchc_docgen import __version__

    result = run_cli("--version")
    assert result.exit_code == 0 and result.output == f"docgen {__version__}\n"
    assert "--version   Hiện phiên bản rồi thoát." in run_cli("-h").output


def test_help_is_in_vietnamese():
    assert run_cli("render", "--help").output == run_cli("render", "-h").output
    text = run_cli("render", "-h").output
    assert text.startswith("Cách dùng: docgen render [TÙY_CHỌN] DỮ_LIỆU...")
    assert "Tùy chọn:" in text and "Hiện hướng dẫn này rồi thoát." in text and "Options:" not in text
    assert "Lệnh:" in run_cli("-h").output


@pytest.mark.parametrize("command", ["render", "check", "validate", "lint", "new", "schema", "templates", "tong-hop",
                                     "nhap", "nhap-bieu", "xem"])
def test_every_help_page_is_in_vietnamese(command):
    """click's own notes after an option's help ("[default: …]", "[required]", "[x>=1]") are said in Vietnamese."""
    text = run_cli(command, "-h").output
    assert text.startswith(f"Cách dùng: docgen {command} [TÙY_CHỌN]")
    for english in ("default:", "required]", "x>=", "<=x", "Usage", "Options", "Arguments"):
        assert english not in text, (command, english)
