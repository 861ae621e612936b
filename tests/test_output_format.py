"""The format an output file's name says: `-o bao-cao.md` writes Markdown, as `-f md` does; a name that says
another format than -f, or one the command cannot write, is a usage error before anything is written."""

import pytest
from conftest import EXAMPLES, run_cli

DATA = EXAMPLES / "thach-quy-q3-2024.yaml"


@pytest.mark.parametrize("name, starts", [("bao-cao.md", b"UBND TH\xc3\x80NH PH\xe1\xbb\x90 H\xc3\x80 T\xc4\xa8NH\\\n"),
                                          ("BAO-CAO.MD", b"UBND TH\xc3\x80NH"), ("bao-cao.html", b"<!DOCTYPE html>"),
                                          ("bao-cao.docx", b"PK\x03\x04"), ("bao-cao", b"PK\x03\x04")])
def test_the_output_name_chooses_the_format(tmp_path, name, starts):
    out = tmp_path / name
    result = run_cli("render", DATA, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(starts)


@pytest.mark.parametrize("options, message", [
    (["-f", "docx", "-o", "{tmp}/bao-cao.md"],
     "Lỗi: tệp kết quả {tmp}/bao-cao.md có đuôi .md nhưng --format là docx: đổi đuôi tệp hoặc --format cho khớp"),
    (["-o", "{tmp}/bao-cao.xlsx"],
     "Lỗi: tệp kết quả {tmp}/bao-cao.xlsx: lệnh này không ghi định dạng xlsx (đuôi .xlsx); các định dạng ghi được: "
     "docx, md, pdf, html"),
    (["--pdfa", "-o", "{tmp}/bao-cao.docx"],
     "Lỗi: --pdfa ghi PDF, nhưng tệp kết quả {tmp}/bao-cao.docx có đuôi của định dạng docx: đổi đuôi thành .pdf"),
])
def test_a_name_that_contradicts_the_format_is_refused_and_nothing_is_written(tmp_path, options, message):
    existing = tmp_path / "bao-cao.md"
    existing.write_text("cũ", encoding="utf-8")
    result = run_cli("render", DATA, *[o.format(tmp=tmp_path) for o in options])
    assert result.exit_code == 2
    assert message.format(tmp=tmp_path) in result.output
    assert existing.read_text(encoding="utf-8") == "cũ"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.md"]


@pytest.mark.parametrize("name, advice", [
    ("bao-cao.doc", "đặt tên {tmp}/bao-cao.docx (mọi bản Word từ 2007 đều mở được)"),
    ("bao-cao.txt", "đặt tên {tmp}/bao-cao.md (văn bản thuần, mở được bằng Notepad)"),
    ("bao-cao.odt", "đặt tên {tmp}/bao-cao.docx (LibreOffice mở được)"),
    ("bao-cao.xls", "đổi đuôi tệp"),  # render writes no workbook: no name to offer
    ("bao-cao quy 3.2024", "đổi đuôi tệp"),
])
def test_a_name_of_a_format_docgen_does_not_write_is_refused(tmp_path, name, advice):
    """"-o bao-cao.doc" used to get a .docx under a name that promises Word 97: Word may refuse it, a clerk
    cannot tell why. Without -f, a suffix of no format docgen writes is a usage error that says what to name it;
    a name without a suffix, or one given with -f, is written as asked."""
    result = run_cli("render", DATA, "-o", tmp_path / name)
    assert result.exit_code == 2
    suffix = "." + name.rsplit(".", 1)[1]
    assert (f"Lỗi: tệp kết quả {tmp_path / name}: lệnh này không ghi tệp đuôi {suffix} (ghi được: .docx, .md, .pdf, "
            f".html); {advice.format(tmp=tmp_path)}, hoặc ghi rõ --format") in result.output
    assert list(tmp_path.iterdir()) == []
    asked = run_cli("render", DATA, "-o", tmp_path / name, "-f", "docx")
    assert asked.exit_code == 0, asked.output
    assert (tmp_path / name).read_bytes().startswith(b"PK\x03\x04")


def test_tong_hop_offers_the_workbook_name_for_xls(tmp_path):
    folder = EXAMPLES / "tong-hop"
    result = run_cli("tong-hop", folder / "xa", "--du-lieu", folder / "tinh.yaml", "-o", tmp_path / "tinh.xls")
    assert result.exit_code == 2
    assert f"đặt tên {tmp_path / 'tinh.xlsx'} (Excel từ bản 2007 mở được), hoặc ghi rõ --format" in result.output
    assert list(tmp_path.iterdir()) == []


def test_tong_hop_writes_the_workbook_a_xlsx_name_asks_for(tmp_path):
    import openpyxl

    folder = EXAMPLES / "tong-hop"
    out = tmp_path / "tinh.xlsx"
    result = run_cli("tong-hop", folder / "xa", "--du-lieu", folder / "tinh.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Tổng cộng" in [c.value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows() for c in row]


def test_many_inputs_and_a_file_name_for_output_make_no_folder_of_that_name(tmp_path):
    """`docgen render a.yaml b.yaml -o bao-cao.docx` made a folder named bao-cao.docx: it is said instead, and
    nothing is made; a name with '/' at its end is a folder as the clerk asks."""
    second = EXAMPLES / "minh-tan-q1-2025.yaml"
    out = tmp_path / "bao-cao.docx"
    result = run_cli("render", DATA, second, "-o", out, "-j", "1")
    assert result.exit_code == 1
    assert (f"Lỗi: sinh nhiều tệp (2 tệp) thì -o là thư mục kết quả, nhưng {out} là tên một tệp .docx: bỏ đuôi (ví dụ "
            f"-o {tmp_path / 'bao-cao'}), hoặc sinh từng tệp một") in result.output
    assert list(tmp_path.iterdir()) == []
    folder = run_cli("render", DATA, second, "-o", f"{out}/", "-j", "1")
    assert folder.exit_code == 0, folder.output
    assert sorted(p.name for p in out.iterdir()) == ["minh-tan-q1-2025.docx", "thach-quy-q3-2024.docx"]
