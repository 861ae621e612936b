"""`--format pdf` and `--pdfa` (issue 17.1): the .docx converted by LibreOffice headless, fonts embedded, PDF/A-2b
on request, one LibreOffice start for a whole batch, and a plain Vietnamese refusal (nothing written) when
LibreOffice is not installed. The conversions need `soffice` and poppler's pdfinfo/pdffonts/pdftotext: where they
are missing those tests are skipped with a message; the refusals run everywhere."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from cchc_docgen.cli import main
from cchc_docgen.writers import pdf

HAS_CONVERTER = shutil.which("soffice") is not None
HAS_POPPLER = all(shutil.which(tool) for tool in ("pdfinfo", "pdffonts", "pdftotext"))
needs_libreoffice = pytest.mark.skipif(not (HAS_CONVERTER and HAS_POPPLER), reason=(
    "cần LibreOffice (soffice) và poppler-utils (pdfinfo, pdffonts, pdftotext) để kiểm tra PDF: "
    "sudo apt install libreoffice-writer poppler-utils"))
posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in LibreOffice is a shell script (POSIX only)")
EXAMPLE = EXAMPLES / "thach-quy-q3-2024.yaml"


def invoke(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))


def fonts(path: Path) -> list[tuple[str, str]]:
    """(font name, embedded "yes"/"no") of each font the PDF uses."""
    table = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in table]


def text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_libreoffice
def test_a_report_becomes_a_pdf_with_its_pages_fonts_and_text(tmp_path):
    out = tmp_path / "bao-cao.pdf"
    result = invoke("render", EXAMPLE, "--format", "pdf", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output == f"Đã tạo {out} (mẫu quy, 12 chú thích).\n"
    assert pages(out) == 8  # as Word paginates the .docx (LibreOffice lays it out alike)
    used = fonts(out)
    assert used and all(embedded == "yes" for _, embedded in used), used
    # Times New Roman, or the metric-compatible Liberation Serif where Times New Roman is not installed
    assert all(re.search(r"TimesNewRoman|LiberationSerif", name) for name, _ in used), used
    words = text(out)
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 85/BC-UBND",
                 "Thạch Quý, ngày 17 tháng 9 năm 2024", "Nơi nhận:", "Trần Văn Minh"):
        assert line in words, line
    assert "PDF/A" not in _metadata(out)


def _metadata(path: Path) -> str:
    data = path.read_bytes()
    found = re.search(rb"<pdfaid:part>(\d)</pdfaid:part>\s*<pdfaid:conformance>(\w)</pdfaid:conformance>", data)
    return f"PDF/A-{found.group(1).decode()}{found.group(2).decode().lower()}" if found else ""


@needs_libreoffice
def test_pdfa_gives_pdf_a_2b(tmp_path):
    result = invoke("render", EXAMPLE, "--pdfa", "-o", tmp_path / "bao-cao.pdf")
    assert result.exit_code == 0, result.output
    assert _metadata(tmp_path / "bao-cao.pdf") == "PDF/A-2b"
    assert all(embedded == "yes" for _, embedded in fonts(tmp_path / "bao-cao.pdf"))


@needs_libreoffice
@posix_only
def test_a_batch_converts_all_its_files_in_one_libreoffice_start(tmp_path):
    calls = tmp_path / "calls.log"
    counting = tmp_path / "soffice"
    counting.write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\nexec "{shutil.which("soffice")}" "$@"\n')
    counting.chmod(0o755)
    data = [EXAMPLE, EXAMPLES / "minh-tan-q1-2025.yaml", EXAMPLES / "thach-ha-q3-2025.yaml"]
    result = invoke("render", *data, "-f", "pdf", "-o", tmp_path / "pdf", "-j", "2",
                    env={"DOCGEN_SOFFICE": str(counting)})
    assert result.exit_code == 0, result.output
    assert "Đã tạo 3/3 tệp trong" in result.output
    assert len(calls.read_text().splitlines()) == 1
    for each in data:
        made = tmp_path / "pdf" / f"{each.stem}.pdf"
        assert pages(made) >= 2 and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text(made)
    assert not list((tmp_path / "pdf").glob(".*.tmp"))


def test_without_libreoffice_nothing_is_written_and_the_package_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "_INSTALL_FOLDERS", ())
    empty = tmp_path / "bin"
    empty.mkdir()
    result = invoke("render", EXAMPLE, "-f", "pdf", "-o", tmp_path / "bao-cao.pdf",
                    env={"PATH": str(empty), "DOCGEN_SOFFICE": None})
    assert result.exit_code == 1
    assert result.output == (
        "Lỗi: không tìm thấy LibreOffice (lệnh soffice) để chuyển văn bản sang PDF; chưa ghi tệp nào. Cài "
        "LibreOffice rồi chạy lại: trên Ubuntu/Debian 'sudo apt install libreoffice-writer', trên Windows và macOS "
        "tải bộ cài tại https://www.libreoffice.org/download/ (đã cài ở thư mục khác thì đặt biến môi trường "
        "DOCGEN_SOFFICE là đường dẫn tới soffice). Hoặc sinh tệp .docx rồi lưu thành PDF trong Word.\n")
    assert list(tmp_path.iterdir()) == [empty]


def test_a_wrong_docgen_soffice_is_named(tmp_path):
    result = invoke("render", EXAMPLE, "-f", "pdf", "-o", tmp_path / "x.pdf",
                    env={"DOCGEN_SOFFICE": str(tmp_path / "khong-co")})
    assert result.exit_code == 1
    assert result.output == (f"Lỗi: biến môi trường DOCGEN_SOFFICE trỏ tới '{tmp_path / 'khong-co'}', nhưng ở đó "
                             "không có chương trình LibreOffice (soffice) chạy được\n")
    assert not (tmp_path / "x.pdf").exists()


@posix_only
def test_a_stuck_libreoffice_is_stopped_and_nothing_is_written(tmp_path, monkeypatch):
    stuck = tmp_path / "soffice"
    stuck.write_text("#!/bin/sh\nsleep 60\n")
    stuck.chmod(0o755)
    monkeypatch.setattr(pdf, "START_SECONDS", 1)
    monkeypatch.setattr(pdf, "SECONDS_PER_DOCUMENT", 0)
    old = tmp_path / "bao-cao.pdf"
    old.write_bytes(b"the previous PDF")
    result = invoke("render", EXAMPLE, "-f", "pdf", "-o", old, env={"DOCGEN_SOFFICE": str(stuck)})
    assert result.exit_code == 1
    assert result.output.endswith(
        "Lỗi: LibreOffice chưa chuyển xong sang PDF sau 1 giây nên đã bị dừng; chưa ghi tệp nào. Đóng các cửa sổ "
        "LibreOffice đang treo rồi chạy lại.\n")
    assert old.read_bytes() == b"the previous PDF"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.pdf", "soffice"]


def test_pdfa_with_another_format_is_a_usage_error():
    result = invoke("render", EXAMPLE, "-f", "md", "--pdfa")
    assert result.exit_code == 2
    assert result.output.endswith("Lỗi: --pdfa chỉ dùng với định dạng pdf, không với --format md\n")


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in LibreOffice is a shell script")
def test_a_file_libreoffice_cannot_convert_is_reported_and_not_written(tmp_path):
    silent = tmp_path / "soffice"
    silent.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\n")
    silent.chmod(0o755)
    result = invoke("render", EXAMPLE, "-f", "pdf", "-o", tmp_path / "x.pdf", env={"DOCGEN_SOFFICE": str(silent)})
    assert result.exit_code == 1
    assert result.output.endswith("Lỗi: LibreOffice không chuyển được văn bản sang PDF: Error: source file could "
                                  "not be loaded\n")
    assert not (tmp_path / "x.pdf").exists()
