"""`docgen check … --anh DIR`: the changed pages drawn side by side with the changed areas framed, and one HTML
page listing every case (issue 15, point 5)."""

import shutil
import struct
import zlib

import pytest
from conftest import EXAMPLES, ROOT, run_cli

from cchc_docgen.golden.pictures import Page, changed_areas, read_ppm

GOLDEN = ROOT / "tests" / "golden"
CASE = "thach-quy-q3-2024"


def _page(width, height, dots=()):
    """A white page with black pixels at `dots`."""
    pixels = bytearray(b"\xff" * width * height * 3)
    for x, y in dots:
        pixels[(y * width + x) * 3:(y * width + x) * 3 + 3] = b"\x00\x00\x00"
    return Page(width, height, bytes(pixels))


@pytest.mark.parametrize("old_dots, new_dots, areas", [
    ([], [], []),  # alike
    ([], [(50, 40)], [(47, 37, 54, 44)]),  # one pixel, framed with a margin of 3
    ([(10, 10)], [(10, 10), (90, 95)], [(87, 92, 94, 99)]),  # only what differs
    ([], [(20, 30), (60, 33)], [(17, 27, 64, 37)]),  # two changes a few rows apart: one area
    ([], [(20, 10), (20, 80)], [(17, 7, 24, 14), (17, 77, 24, 84)]),  # far apart: two areas
    ([], [(0, 0)], [(0, 0, 4, 4)]),  # at the corner: the frame stays on the page
])
def test_changed_areas_frame_the_pixels_that_differ(old_dots, new_dots, areas):
    assert changed_areas(_page(100, 100, old_dots), _page(100, 100, new_dots)) == areas


def test_pages_of_another_size_are_changed_as_a_whole():
    assert changed_areas(_page(100, 100), _page(100, 120)) == [(0, 0, 100, 120)]


def test_a_page_read_from_ppm_is_written_as_the_same_png():
    page = _page(7, 5, [(1, 1), (6, 4)])
    read = read_ppm(b"P6\n# pdftoppm\n7 5\n255\n" + page.pixels)
    assert (read.width, read.height, read.pixels) == (7, 5, page.pixels)
    png = read.png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    length = struct.unpack(">I", png[33:37])[0]
    assert png[37:41] == b"IDAT"
    raw = zlib.decompress(png[41:41 + length])
    rows = [raw[y * 22 + 1:(y + 1) * 22] for y in range(5)]  # a filter byte, then 7 × 3 bytes per row
    assert (width, height) == (7, 5) and b"".join(rows) == page.pixels


def _changed_case(tmp_path):
    """The example with one more dossier received than its golden says."""
    data = tmp_path / f"{CASE}.yaml"
    data.write_text((EXAMPLES / f"{CASE}.yaml").read_text(encoding="utf-8").replace("tiep_nhan: 537", "tiep_nhan: 538"),
                    encoding="utf-8")
    golden = tmp_path / "golden"
    golden.mkdir()
    shutil.copy(GOLDEN / f"{CASE}.docx", golden)
    return data, golden


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                    reason="LibreOffice (soffice) and poppler's pdftoppm are needed to draw pages")
def test_the_changed_page_is_drawn_old_beside_new_with_the_change_framed(tmp_path):
    data, golden = _changed_case(tmp_path)
    matching = tmp_path / "khop.yaml"
    shutil.copy(EXAMPLES / "minh-tan-q1-2025.yaml", matching)
    shutil.copy(GOLDEN / "minh-tan-q1-2025.docx", golden / "khop.docx")
    pictures = tmp_path / "anh"
    result = run_cli("check", data, matching, "--golden", golden, "--anh", pictures)
    assert result.exit_code == 1
    assert f"Trang kết quả có ảnh: {pictures / 'index.html'}" in result.output
    page = (pictures / "index.html").read_text(encoding="utf-8")
    # every case is listed, the changed one with its text differences and its page 4 (where the figure is)
    assert f"{data}: <span class=\"trang-thai khac\">KHÁC tệp đối chiếu</span>" in page
    assert f"{matching}: <span class=\"trang-thai khop\">khớp</span>" in page
    assert "tiếp nhận là 537 hồ sơ; đã …&quot; → &quot;… tiếp nhận là 538 hồ sơ" in page
    drawn = sorted(p.name for p in pictures.glob("*.png"))
    assert drawn == [f"{CASE}-trang-4-cu.png", f"{CASE}-trang-4-moi.png"]
    for name in drawn:
        assert (pictures / name).read_bytes().startswith(b"\x89PNG")
        assert f'src="{name}"' in page
    # the changed figures are framed: small areas, not the whole page
    frames = page.count('class="vung"')
    assert frames >= 2 and frames % 2 == 0  # the same frames over the old page and the new one
    assert "width:496px" not in page.split('class="vung"')[1]


def test_without_libreoffice_the_page_lists_the_text_differences_and_says_what_to_install(tmp_path, monkeypatch):
    data, golden = _changed_case(tmp_path)
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "khong-co-soffice"))
    pictures = tmp_path / "anh"
    result = run_cli("check", data, "--golden", golden, "--anh", pictures)
    assert result.exit_code == 1
    assert (f"không vẽ được ảnh trang: biến môi trường DOCGEN_SOFFICE trỏ tới '{tmp_path / 'khong-co-soffice'}', "
            "nhưng ở đó không có chương trình LibreOffice (soffice) chạy được; chỉ có so sánh chữ") in result.output
    page = (pictures / "index.html").read_text(encoding="utf-8")
    assert "tiếp nhận là 538 hồ sơ" in page and "không vẽ được ảnh trang" in page
    assert not list(pictures.glob("*.png"))
