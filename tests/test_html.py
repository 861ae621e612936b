"""`--format html` (issue 17.2): one self-contained page that reads like the printed report: the Decree-30 header
block, the headings and tables of the .docx, its footnotes with the same numbers, linked both ways, the signature,
and print rules for A4 with the decree's margins. A real browser (headless Chromium, where installed) prints it:
the pages are A4 (the landscape Phụ lục landscape), and the ink on the first page sits where LibreOffice puts the
.docx's: inside the decree's margins."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, footnotes, run_cli
from lxml import html as lxml_html

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)),
                None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None or shutil.which("pdftoppm") is None,
                                    reason="cần Chromium (headless) và poppler-utils để xem trang HTML trong trình duyệt")


@pytest.fixture(scope="module")
def thach_quy_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "tq.html"
    result = run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-f", "html", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output == f"Đã tạo {out} (mẫu quy, 12 chú thích).\n"
    return out


def page(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def select(root, tag: str, css_class: str, below: str = "") -> list:
    """The `tag` elements with class `css_class` under `root` (then `below`, an XPath step from each):
    "table.dau td" is select(tree, "table", "dau", "//td")."""
    return root.xpath(f'.//{tag}[contains(concat(" ", normalize-space(@class), " "), " {css_class} ")]{below}')


def text(element) -> str:
    """The words as a reader sees them (a line break, a paragraph or a cell ends a word, as a space does)."""
    for each in element.iter("br", "p", "td", "th", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6"):
        each.tail = "\n" + (each.tail or "")
    return " ".join(element.text_content().split())


def test_the_header_block_title_and_recipients(thach_quy_html):
    tree = page(thach_quy_html)
    assert [text(td) for td in select(tree, "table", "dau", "//td")] == [
        "UBND THÀNH PHỐ HÀ TĨNH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH QUÝ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
        "Số: 85/BC-UBND", "Thạch Quý, ngày 17 tháng 9 năm 2024"]
    assert text(tree.xpath("//h1")[0]) == ("BÁO CÁO Kết quả thực hiện công tác cải cách hành chính quý III năm 2024 "
                                             "và phương hướng, nhiệm vụ quý IV năm 2024")
    assert text(select(tree, "p", "thoi-gian")[0]) == "(Số liệu tính từ ngày 15/06/2024 đến ngày 14/09/2024)"
    assert text(select(tree, "div", "kinh-gui")[0]) == "Kính gửi: - UBND thành phố Hà Tĩnh; - Phòng Nội vụ thành phố."
    assert tree.findtext(".//title").startswith("BÁO CÁO Kết quả thực hiện công tác cải cách hành chính quý III")


def test_the_headings_are_the_documents_in_order(thach_quy_html):
    golden = (ROOT / "tests" / "golden" / "thach-quy-q3-2024.md").read_text(encoding="utf-8")
    expected = [re.sub(r"^#+ ", "", line).replace("\\", "") for line in golden.splitlines() if line.startswith("#")]
    found = [text(h) for h in select(page(thach_quy_html), "div", "noi-dung",
                                                         "/*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")]
    assert found == expected


def test_footnotes_are_numbered_as_in_the_docx_and_linked_both_ways(thach_quy_html, thach_quy):
    tree = page(thach_quy_html)
    references = tree.xpath("//sup[starts-with(@id, 'tham-chieu-')]/a")
    notes = select(tree, "section", "chu-thich", "//li")
    assert [a.text for a in references] == [str(n) for n in range(1, 13)]
    for n, (reference, note) in enumerate(zip(references, notes), start=1):
        assert reference.get("href") == f"#chu-thich-{n}" and note.get("id") == f"chu-thich-{n}"
        back = select(note, "a", "ve")[0]
        assert back.get("href") == f"#tham-chieu-{n}" and reference.getparent().get("id") == f"tham-chieu-{n}"
    docx_notes = footnotes(thach_quy[0])
    assert [text(li).removeprefix(f"{n} ").removesuffix("↩").strip() for n, li in enumerate(notes, start=1)] == \
        [" ".join(note.split()) for note in docx_notes]


def test_signature_block(thach_quy_html):
    tree = page(thach_quy_html)
    left, right = select(tree, "table", "ky", "//td")
    assert text(left) == ("Nơi nhận: - Như trên; - Đảng ủy, HĐND phường (b/c); - Chủ tịch, các PCT UBND phường; "
                          "- Lưu: VT, VP.")
    assert text(right) == "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Trần Văn Minh"


def test_the_page_is_self_contained(thach_quy_html):
    source = thach_quy_html.read_text(encoding="utf-8")
    tree = page(thach_quy_html)
    assert not tree.xpath("//script | //link | //img | //iframe | //object | //embed")
    assert all(a.get("href", "").startswith("#") for a in tree.iter("a"))
    assert not re.search(r"@import|url\(|\bsrc=", source)
    assert '<meta charset="utf-8">' in source and '<html lang="vi">' in source
    # A4 with the margins of Decree 30 (top 20, right 15, bottom 20, left 30 mm), Times New Roman
    assert "@page { size: A4; margin: 20mm 15mm 20mm 30mm; }" in source
    assert 'font: 14pt/1.15 "Times New Roman"' in source


def test_text_that_looks_like_html_prints_as_written(tmp_path):
    data = tmp_path / "du-lieu.yaml"
    data.write_text((ROOT / "tests" / "bad_inputs" / "valid.yaml").read_text(encoding="utf-8")
                    + "noi_dung:\n  the_che:\n    - 'Mục <script>alert(1)</script> & <b>đậm</b>'\n", encoding="utf-8")
    result = run_cli("render", data, "-f", "html", "-o", tmp_path / "x.html")
    assert result.exit_code == 0, result.output
    tree = page(tmp_path / "x.html")
    assert not tree.xpath("//script | //b")
    assert "Mục <script>alert(1)</script> & <b>đậm</b>" in [text(p) for p in select(tree, "div", "noi-dung", "/p")]


def test_a_landscape_appendix_is_a_page_of_its_own(tmp_path):
    out = tmp_path / "hg.html"
    assert run_cli("render", EXAMPLES / "hong-gai-6thang-2024.yaml", "-f", "html", "-o", out).exit_code == 0
    tree = page(out)
    sheet = select(tree, "div", "phu-luc")[0]
    assert "ngang" in sheet.get("class").split()
    assert text(select(sheet, "p", "dau-phu-luc")[0]) == "Phụ lục BÁO CÁO NỘI DUNG TRIỂN KHAI CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"
    assert text(sheet.xpath(".//thead")[0]) == "STT Chỉ tiêu thống kê Đơn vị tính Số liệu Ghi chú"


# --- in a real browser ------------------------------------------------------------------------------------------

def print_with_chromium(source: Path, pdf: Path, profile: Path) -> None:
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", source.as_uri()],
                   capture_output=True, timeout=120, check=True)


def page_sizes(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True)
    return ["portrait" if float(w) < float(h) else "landscape"
            for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info.stdout)]


DPI = 50


def ink_box_mm(pdf: Path, folder: Path) -> tuple[float, float, float]:
    """(left, right, top) edges of the ink on the first page, in mm from the page's edges."""
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(DPI), "-gray", str(pdf), str(folder / "trang")],
                   check=True)
    picture = next(folder.glob("trang*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", picture)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = picture[header.end():]
    inked_rows = [y for y in range(height) if min(pixels[y * width:(y + 1) * width]) < 128]
    inked_columns = [x for x in range(width) if min(pixels[x::width]) < 128]
    mm = 25.4 / DPI
    return inked_columns[0] * mm, (width - 1 - inked_columns[-1]) * mm, inked_rows[0] * mm


@needs_chromium
def test_chromium_prints_a4_pages_with_the_decree_margins_like_the_docx(tmp_path):
    source = tmp_path / "hg.html"
    assert run_cli("render", EXAMPLES / "hong-gai-6thang-2024.yaml", "-f", "html", "-o", source).exit_code == 0
    printed = tmp_path / "hg.pdf"
    print_with_chromium(source, printed, tmp_path / "chromium")
    sizes = page_sizes(printed)
    # the report on portrait pages, then its Phụ lục on landscape ones, as in the .docx
    assert sizes[0] == "portrait" and sizes[-1] == "landscape"
    assert sizes == sorted(sizes, key=lambda s: s == "landscape")
    left, right, top = ink_box_mm(printed, tmp_path)
    # Decree 30: left 30–35 mm, right 15–20 mm, top 20–25 mm (the justified body reaches the right margin)
    assert 29 <= left <= 35 and 14 <= right <= 20 and 19 <= top <= 25, (left, right, top)
    if shutil.which("soffice"):  # the text block as wide as LibreOffice lays the .docx's out, within 3 mm
        docx = tmp_path / "hg.docx"
        assert run_cli("render", EXAMPLES / "hong-gai-6thang-2024.yaml", "-o", docx).exit_code == 0
        subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path / "lo-pdf"), str(docx)],
                       capture_output=True, timeout=300, check=True)
        folder = tmp_path / "lo-png"
        folder.mkdir()
        theirs = ink_box_mm(tmp_path / "lo-pdf" / "hg.pdf", folder)
        assert abs(left - theirs[0]) <= 3 and abs(right - theirs[1]) <= 3, ((left, right), theirs)


def test_a_filled_word_form_gives_its_text_and_footnotes(tmp_path):
    package = ROOT / "tests" / "formats" / "bao-cao-thang"
    out = tmp_path / "mau-word.html"
    result = run_cli("render", package / "du-lieu.yaml", "--templates", package / "mau", "-f", "html", "-o", out)
    assert result.exit_code == 0, result.output
    tree = page(out)
    assert tree.findtext(".//title") == "Kết quả giải quyết thủ tục hành chính quý III năm 2024"
    assert [a.get("href") for a in tree.xpath("//sup/a")] == [f"#chu-thich-{n}" for n in range(1, 5)]
    assert "UBND THÀNH PHỐ HÀ TĨNH" in text(select(tree, "div", "noi-dung")[0])
