"""Build templates/quoc-gia/bo-cuc.docx, the national base layout (Nghị định 30/2020/NĐ-CP, Phụ lục I).

The .docx is the source template authors edit in Word or LibreOffice; this script documents how the base was
made and rebuilds it reproducibly: `python tools/make_layout.py [quoc-gia|ha-tinh]`. It needs python-docx (the test extras).

The layout is a docxtpl template: `{{ … }}` prints a header value, `{%p for … %}` repeats a paragraph, and the
paragraph holding `{{p noi_dung }}` is replaced by the body. The body's look comes from the paragraph styles
defined here ("Noi dung", "Muc 1" … "Muc 5", "Bang", "Bang dau", "Ten bang", "footnote text"), so an author
restyles the whole body by editing a style.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cchc_docgen.writers.ooxml_order import put_child  # noqa: E402

FONT = "Times New Roman"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Header sizes (pt) per layout variant: the national base, and Hà Tĩnh's province layout, whose header block
# uses 12 pt for the organ lines and the national name and 13 pt for the motto (within Decree 30's ranges).
VARIANTS = {
    "quoc-gia": {"organ": 13, "motto_name": 13, "motto": 14},
    "ha-tinh": {"organ": 12, "motto_name": 12, "motto": 13},
}


def set_font(style_or_run, size=None, bold=None, italic=None):
    font = style_or_run.font
    font.name = FONT
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = put_child(rpr, OxmlElement("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic


def paragraph_style(doc, name, base="Normal", size=14, bold=None, italic=None, align=None, first_line=None,
                    before=0, after=0, line=None, keep_next=False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    set_font(style, size, bold, italic)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if first_line is not None:
        pf.first_line_indent = first_line
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    pf.keep_with_next = keep_next
    return style


def bottom_rule(paragraph, indent_mm):
    """An empty paragraph whose bottom border, narrowed by equal indents, draws a short centred rule."""
    pf = paragraph.paragraph_format
    pf.left_indent = Mm(indent_mm)
    pf.right_indent = Mm(indent_mm)
    pf.first_line_indent = Mm(0)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    border.append(bottom)
    put_child(ppr, border)
    run = paragraph.add_run()
    set_font(run, 2)


def no_borders(table, line="nil"):
    """The table's borders: none, or `line` ("single": thin lines, as a form's tables)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), line)
        if line != "nil":
            el.set(qn("w:sz"), "4")
        borders.append(el)
    # In schema order (before tblLayout and tblLook, which python-docx has already written): appended after
    # them, Word would call the layout and every document made from it unreadable.
    put_child(tbl_pr, borders)


def line(container, text, style="Normal", size=None, bold=None, italic=None, underline=None,
         align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0):
    p = container.add_paragraph(style=style)
    p.alignment = align
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.space_after = Pt(after)
    if text:
        run = p.add_run(text)
        set_font(run, size, bold, italic)
        if underline:
            run.font.underline = True
    return p


def set_widths(table, widths_mm):
    """Cell widths and the table grid (LibreOffice lays a table out by its grid)."""
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def page_number_field(paragraph):
    run = paragraph.add_run()
    set_font(run, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def build(sizes: dict) -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    set_font(normal, 14)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    body = paragraph_style(doc, "Noi dung", size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=Mm(12.7),
                           before=0, after=6, line=1.15)
    # "Muc 0" is a part heading (A., B., …) of reports whose top level is lettered.
    for level, (bold, italic) in enumerate([(True, False), (True, False), (True, False), (True, True), (False, True),
                                            (False, True)]):
        paragraph_style(doc, f"Muc {level}", base="Noi dung", size=14, bold=bold, italic=italic,
                        align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=Mm(12.7), after=6, line=1.15, keep_next=True)
    paragraph_style(doc, "Bang", size=13, align=WD_ALIGN_PARAGRAPH.LEFT, before=2, after=2, line=1.0)
    paragraph_style(doc, "Bang dau", base="Bang", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=2)
    paragraph_style(doc, "Ten bang", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=6, keep_next=True)
    note = paragraph_style(doc, "footnote text", size=12, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=1.0)
    note.element.set(qn("w:styleId"), "FootnoteText")
    ref = doc.styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER)
    ref.element.set(qn("w:styleId"), "FootnoteReference")
    ref.font.superscript = True
    del body

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    # Page numbers centred in the top margin from page 2 on: a different (empty) first-page header.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # an explicit, empty first-page header
    header_p = section.header.paragraphs[0]
    header_p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_number_field(header_p)

    # Header block: organ | national motto; number | place and date.
    doc.paragraphs[0]._p.getparent().remove(doc.paragraphs[0]._p) if doc.paragraphs else None
    head = doc.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(head)
    set_widths(head, (72, 104))  # a little wider than the text block, centred, as in printed forms
    left, right = head.cell(0, 0), head.cell(0, 1)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    line(left, "{%p if co_quan_chu_quan %}")
    line(left, "{{ co_quan_chu_quan }}", size=sizes["organ"], bold=False)
    line(left, "{%p endif %}")
    line(left, "{%p for dong in ten_co_quan %}")
    line(left, "{{ dong }}", size=sizes["organ"], bold=True)
    line(left, "{%p endfor %}")
    bottom_rule(left.add_paragraph(), 23)
    line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=sizes["motto_name"], bold=True)
    line(right, "Độc lập - Tự do - Hạnh phúc", size=sizes["motto"], bold=True, underline=True)
    number_cell, date_cell = head.cell(1, 0), head.cell(1, 1)
    p = number_cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    set_font(p.add_run("Số: {{ so_ky_hieu }}"), 13)
    p = date_cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    set_font(p.add_run("{{ dia_danh_ngay }}"), 14, italic=True)

    line(doc, "{{ loai_van_ban }}", size=14, bold=True, before=18)
    line(doc, "{{ trich_yeu }}", size=14, bold=True)
    bottom_rule(doc.add_paragraph(), 62)
    line(doc, "{%p if thoi_gian %}")
    line(doc, "{{ thoi_gian }}", size=14, italic=True, before=6)
    line(doc, "{%p endif %}")
    # "Kính gửi:" starts 45 mm in; the recipients line up 25 mm further (a hanging indent, reached by a tab).
    line(doc, "{%p if kinh_gui_doan %}")
    recipients = line(doc, "{{ kinh_gui_doan }}", size=14, before=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    recipients.paragraph_format.left_indent = Mm(70)
    recipients.paragraph_format.first_line_indent = Mm(-25)
    line(doc, "{%p endif %}")
    line(doc, "", after=6)
    doc.add_paragraph("{{p noi_dung }}", style="Noi dung")

    sign = doc.add_table(rows=1, cols=2)
    sign.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(sign)
    set_widths(sign, (80, 85))
    # Nơi nhận and the signature stay together on one page.
    row_pr = sign.rows[0]._tr.get_or_add_trPr()
    put_child(row_pr, OxmlElement("w:cantSplit"))
    left, right = sign.cell(0, 0), sign.cell(0, 1)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    line(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
    line(left, "{%p for dong in noi_nhan %}")
    line(left, "{{ dong }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    line(left, "{%p endfor %}")
    line(right, "{%p for dong in tham_quyen %}")
    line(right, "{{ dong }}", size=14, bold=True)
    line(right, "{%p endfor %}")
    line(right, "{{ chuc_vu }}", size=14, bold=True)
    for _ in range(4):
        line(right, "", size=14)
    line(right, "{{ ho_ten }}", size=14, bold=True)
    return doc


def main(variants=tuple(VARIANTS)) -> None:
    for variant in variants:
        out = TEMPLATES / variant / "bo-cuc.docx"
        out.parent.mkdir(parents=True, exist_ok=True)
        doc = build(VARIANTS[variant])
        # Fixed core properties so the file (and every document made from it) does not change from run to run.
        props = doc.core_properties
        props.author = "cchc_docgen"
        props.title = "Bố cục văn bản hành chính (Nghị định 30/2020/NĐ-CP)"
        props.created = props.modified = dt.datetime(2024, 1, 1)
        props.last_modified_by = "cchc_docgen"
        props.revision = 1
        buffer = io.BytesIO()
        doc.save(buffer)
        out.write_bytes(_without_thumbnail(buffer.getvalue()))
        print(f"wrote {out}")


def _without_thumbnail(data: bytes) -> bytes:
    """python-docx's default package carries its own thumbnail picture, which a layout should not show, and a
    Word 2010 stylesWithEffects.xml (430 KB that Word rebuilds by itself), which would only slow every render."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"):
                continue
            if info.filename == "_rels/.rels":
                content = re.sub(rb'<Relationship [^>]*thumbnail[^>]*/>', b"", content)
            if info.filename == "word/_rels/document.xml.rels":
                content = re.sub(rb'<Relationship [^>]*stylesWithEffects[^>]*/>', b"", content)
            if info.filename == "[Content_Types].xml":
                content = re.sub(rb'<Default Extension="jpeg"[^>]*/>', b"", content)
                content = re.sub(rb'<Override PartName="/word/stylesWithEffects.xml"[^>]*/>', b"", content)
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


if __name__ == "__main__":
    main(sys.argv[1:] or tuple(VARIANTS))
