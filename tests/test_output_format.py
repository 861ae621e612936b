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


def test_tong_hop_writes_the_workbook_a_xlsx_name_asks_for(tmp_path):
    import openpyxl

    folder = EXAMPLES / "tong-hop"
    out = tmp_path / "tinh.xlsx"
    result = run_cli("tong-hop", folder / "xa", "--du-lieu", folder / "tinh.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Tổng cộng" in [c.value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows() for c in row]
