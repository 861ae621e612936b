"""Build the Word forms of tests/formats (what a province's officer would draw in Word), reproducibly:

    python tests/formats/make_forms.py            # the forms in */mau/ and the broken variants in */bien-the/

- bao-cao-thang/mau/bao-cao-thang.docx: a report drawn on the national base layout (tools/make_layout.py): the
  header block, a body whose paragraphs repeat with {%p for %} over a ward's section (their ^[…] become
  footnotes), a {%tr for %} table, a chu_thich() call, the signature with a declared image field.
- phu-luc-ho-so/mau/phu-luc-ho-so.docx: an indicator sheet (Phụ lục) whose table has merged header cells, a
  {%tr for %} row per field of the declared table, and a computed total row.
- bao-cao-thang/chen-van-ban/: the report with a declared sub-document field (kieu: van_ban) printed by
  {{p truong_rieng.chi_tiet }}, the sub-document chi-tiet.docx (a heading (Word's Heading 1, which the form has too), a paragraph
  with bold text, a table) and data naming both files.
- */bien-the/: what lint must report: a tag split by a formatting run, and the form after LibreOffice saved it
  (made with soffice when it is installed; the stored file is used otherwise).

It needs python-docx (the test extras).
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def _make_layout():
    spec = importlib.util.spec_from_file_location("make_layout", ROOT / "tools" / "make_layout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


layout = _make_layout()


def _cell_text(cell, text, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=13):
    paragraph = cell.paragraphs[0]
    paragraph.style = "Bang"
    paragraph.alignment = align
    run = paragraph.add_run(text)
    layout.set_font(run, size, bold)
    return paragraph


def _borders(table):
    layout.no_borders(table, "single")


def _repeat_header(row):
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _body_paragraph(doc, text, before):
    paragraph = doc.add_paragraph(text, style="Noi dung")
    before.addprevious(paragraph._p)
    return paragraph


def report_form():
    doc = layout.build(layout.VARIANTS["quoc-gia"])
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("{{ loai_van_ban }}", "BÁO CÁO")
    body = next(p for p in doc.paragraphs if "noi_dung" in p.text)
    anchor = body._p
    _body_paragraph(doc, "I. KẾT QUẢ THỰC HIỆN", anchor).runs[0].bold = True
    _body_paragraph(doc, "{%p for doan in noi_dung.ket_qua %}", anchor)
    _body_paragraph(doc, "{{ doan }}", anchor)
    _body_paragraph(doc, "{%p endfor %}", anchor)
    _body_paragraph(doc, "Trong kỳ, đơn vị tiếp nhận {{ so_lieu.ho_so.tong|so }} hồ sơ, đã giải quyết "
                         "{{ so_lieu.ho_so.da_giai_quyet|so }} hồ sơ, đạt tỷ lệ {{ so_lieu.ho_so.da_giai_quyet|ty_le("
                         "so_lieu.ho_so.tong) }}{{ chu_thich(\"Tỷ lệ tính trên tổng số hồ sơ của kỳ, gồm cả hồ sơ kỳ "
                         "trước chuyển sang.\") }}; kết quả theo lĩnh vực như sau:", anchor)
    caption = _body_paragraph(doc, "Bảng 1. Hồ sơ đã giải quyết theo lĩnh vực", anchor)
    caption.style = "Ten bang"
    table = doc.add_table(rows=5, cols=3)
    anchor.addprevious(table._tbl)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    layout.set_widths(table, (15, 110, 40))
    for cell, text in zip(table.rows[0].cells, ("STT", "Lĩnh vực", "Số hồ sơ")):
        _cell_text(cell, text, bold=True)
    _repeat_header(table.rows[0])
    _cell_text(table.rows[1].cells[0], "{%tr for linh_vuc, so in so_lieu.ho_so.theo_linh_vuc.items() %}")
    _cell_text(table.rows[2].cells[0], "{{ loop.index }}")
    _cell_text(table.rows[2].cells[1], "{{ linh_vuc }}", align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_text(table.rows[2].cells[2], "{{ so|so }}")
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    _cell_text(table.rows[4].cells[1], "Tổng cộng", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_text(table.rows[4].cells[2], "{{ so_lieu.ho_so.theo_linh_vuc.values()|sum|so }}", bold=True)
    _body_paragraph(doc, "", anchor)
    _body_paragraph(doc, "II. PHƯƠNG HƯỚNG, NHIỆM VỤ {{ ky_bao_cao.ten_ky_toi|upper }}", anchor).runs[0].bold = True
    _body_paragraph(doc, "{%p for doan in noi_dung.phuong_huong %}", anchor)
    _body_paragraph(doc, "{{ doan }}", anchor)
    _body_paragraph(doc, "{%p endfor %}", anchor)
    _body_paragraph(doc, "Trên đây là báo cáo kết quả giải quyết thủ tục hành chính {{ ky_bao_cao.ten }} của "
                         "{{ co_quan.ten_goi }}./.", anchor)
    anchor.getparent().remove(anchor)
    # The signature: the declared image between the title and the name.
    right = doc.tables[-1].cell(0, 1)
    blanks = [p for p in right.paragraphs if not p.text][:4]
    blanks[1].add_run("{{ truong_rieng.chu_ky }}")
    for paragraph in blanks[2:]:
        paragraph._p.getparent().remove(paragraph._p)
    return doc


def _merged_header(table):
    """Row 1: STT | Lĩnh vực | Số hồ sơ (over three columns); row 2: Tiếp nhận | Đã giải quyết | Tỷ lệ."""
    first, second = table.rows[0].cells, table.rows[1].cells
    first[0].merge(second[0])
    first[1].merge(second[1])
    first[2].merge(first[4])
    for cell, text in ((first[0], "STT"), (first[1], "Lĩnh vực"), (first[2], "Số hồ sơ")):
        _cell_text(cell, text, bold=True)
    for cell, text in zip(table.rows[1].cells[2:], ("Tiếp nhận", "Đã giải quyết", "Tỷ lệ giải quyết")):
        _cell_text(cell, text, bold=True)
    _repeat_header(table.rows[0])
    _repeat_header(table.rows[1])


def indicator_sheet():
    doc = layout.build(layout.VARIANTS["quoc-gia"])
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    layout.line(doc, "Phụ lục", size=14, bold=True)
    layout.line(doc, "KẾT QUẢ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH {{ ky_bao_cao.ten|upper }}", size=14, bold=True)
    layout.line(doc, "(Kèm theo Báo cáo số {{ so_ky_hieu }} của {{ co_quan.ten_goi }})", size=14, italic=True, after=12)
    table = doc.add_table(rows=6, cols=5)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    layout.set_widths(table, (15, 67, 27, 27, 29))
    _merged_header(table)
    _cell_text(table.rows[2].cells[0], "{%tr for dong in truong_rieng.linh_vuc %}")
    cells = table.rows[3].cells
    _cell_text(cells[0], "{{ loop.index }}")
    _cell_text(cells[1], "{{ dong.ten }}", align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_text(cells[2], "{{ dong.tiep_nhan|so }}")
    _cell_text(cells[3], "{{ dong.da_giai_quyet|so }}")
    _cell_text(cells[4], "{{ dong.da_giai_quyet|ty_le(dong.tiep_nhan) }}")
    _cell_text(table.rows[4].cells[0], "{%tr endfor %}")
    total = table.rows[5].cells
    total[0].merge(total[1])
    _cell_text(total[0], "Tổng cộng", bold=True)
    _cell_text(total[2], "{% set tiep_nhan = truong_rieng.linh_vuc|sum(attribute='tiep_nhan') %}{{ tiep_nhan|so }}",
               bold=True)
    _cell_text(total[3], "{% set da_giai_quyet = truong_rieng.linh_vuc|sum(attribute='da_giai_quyet') %}"
                         "{{ da_giai_quyet|so }}", bold=True)
    _cell_text(total[4], "{{ da_giai_quyet|ty_le(tiep_nhan) }}", bold=True)
    note = layout.line(doc, "Ghi chú: {{ truong_rieng.ghi_chu }}", size=13, italic=True,
                       align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
    note.paragraph_format.first_line_indent = Pt(0)
    return doc


def _save(doc, path: Path) -> None:
    props = doc.core_properties
    props.author = props.last_modified_by = "cchc_docgen"
    props.title = path.stem
    import datetime as dt

    props.created = props.modified = dt.datetime(2024, 1, 1)
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(layout._without_thumbnail(buffer.getvalue()))
    print(f"wrote {path.relative_to(ROOT)}")


def _png(width: int, height: int, pixel) -> bytes:
    """A small RGB PNG drawn by `pixel(x, y) -> (r, g, b)` (the stand-in for a scanned signature)."""
    raw = b"".join(b"\0" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _signature(x, y):
    """A blue stroke on white: y follows a wave across the picture."""
    import math

    centre = 30 + 14 * math.sin(x / 14) + (x - 120) * 0.05
    return (20, 40, 160) if abs(y - centre) < 2.2 else (255, 255, 255)


def split_tag_variant(source: Path, target: Path) -> None:
    """The form with one tag's braces broken by a formatting run and a space, as Word leaves a tag retyped in
    part: '{{ co_quan.ten_goi }}' in the last body paragraph becomes '{ { co_quan.ten_goi }}' in two runs."""
    import zipfile

    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    marker = "{{ co_quan.ten_goi }}./."
    assert marker in xml
    xml = xml.replace(marker, '{</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> { co_quan.ten_goi }}./.', 1)
    parts["word/document.xml"] = xml.encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    print(f"wrote {target.relative_to(ROOT)}")


def libreoffice_variant(source: Path, target: Path) -> None:
    """The form opened and saved again by LibreOffice (which renames the footnote style FootnoteText to
    'Footnote'), whose footnote style the author then set to 10 pt, left-aligned (LibreOffice's style dialog,
    done here on the saved styles.xml)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        print(f"soffice not found: {target.relative_to(ROOT)} kept as stored")
        return
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "in" / source.name
        copy.parent.mkdir()
        shutil.copy(source, copy)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to",
                        "docx:MS Word 2007 XML", "--outdir", folder, str(copy)], check=True, capture_output=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        saved = Path(folder) / source.name
        _restyle_footnotes(saved, target)
    print(f"wrote {target.relative_to(ROOT)}")


def _restyle_footnotes(saved: Path, target: Path) -> None:
    import re
    import zipfile

    with zipfile.ZipFile(saved) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    out = []
    for name, data in parts:
        if name == "word/styles.xml":
            style = re.search(rb'<w:style w:type="paragraph" w:styleId="Footnote".*?</w:style>', data).group(0)
            changed = style.replace(b'<w:jc w:val="both"/>', b'<w:jc w:val="left"/>').replace(
                b'<w:sz w:val="24"/>', b'<w:sz w:val="20"/>')
            assert changed != style
            data = data.replace(style, changed)
        out.append((name, data))
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in out:
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def subdoc_package(folder: Path) -> None:
    """The report form with a sub-document field, its declaration, a sub-document and the data naming it."""
    import docx

    doc = report_form()
    closing = next(p for p in doc.paragraphs if p.text.startswith("Trên đây là"))
    for text in ("III. KẾT QUẢ CHI TIẾT", "{{p truong_rieng.chi_tiet }}"):
        paragraph = _body_paragraph(doc, text, closing._p)
    paragraph.runs[0].bold = False
    doc.paragraphs[[p._p for p in doc.paragraphs].index(paragraph._p) - 1].runs[0].bold = True
    _save(doc, folder / "mau" / "bao-cao-thang.docx")
    settings = (HERE / "bao-cao-thang" / "mau" / "cau-hinh.yaml").read_text(encoding="utf-8")
    (folder / "mau" / "cau-hinh.yaml").write_text(settings + (
        "      chi_tiet:\n"
        "        mo_ta: Tệp Word kết quả chi tiết của bộ phận một cửa, chèn nguyên thân vào mục III.\n"
        "        kieu: van_ban\n"), encoding="utf-8")
    sub = docx.Document()
    sub.add_heading("Kết quả chi tiết của bộ phận một cửa", level=1)
    paragraph = sub.add_paragraph("Bộ phận một cửa tiếp nhận hồ sơ ")
    paragraph.add_run("đúng hạn").bold = True
    paragraph.add_run(" trong cả kỳ.")
    table = sub.add_table(rows=2, cols=2)
    for cell, text in zip(table.rows[0].cells + table.rows[1].cells, ("Ngày", "Số hồ sơ", "Thứ Hai", "42")):
        cell.text = text
    sub.add_paragraph("Số liệu do bộ phận một cửa tổng hợp.")
    _save(sub, folder / "chi-tiet.docx")
    data = (HERE / "bao-cao-thang" / "du-lieu.yaml").read_text(encoding="utf-8")
    (folder / "du-lieu.yaml").write_text(data.replace("chu_ky: chu-ky.png", "chu_ky: ../chu-ky.png\n"
                                                      "  chi_tiet: chi-tiet.docx"), encoding="utf-8")


def main() -> None:
    report = HERE / "bao-cao-thang" / "mau" / "bao-cao-thang.docx"
    _save(report_form(), report)
    (HERE / "bao-cao-thang" / "chu-ky.png").write_bytes(_png(240, 60, _signature))
    _save(indicator_sheet(), HERE / "phu-luc-ho-so" / "mau" / "phu-luc-ho-so.docx")
    split_tag_variant(report, HERE / "bao-cao-thang" / "bien-the" / "the-bi-tach" / report.name)
    libreoffice_variant(report, HERE / "bao-cao-thang" / "bien-the" / "libreoffice" / report.name)
    subdoc_package(HERE / "bao-cao-thang" / "chen-van-ban")


if __name__ == "__main__":
    main()
