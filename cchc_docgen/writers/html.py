"""HTML: one self-contained page that looks like the printed report, for reading in a browser while writing.

Everything is in the one file (the style sheet inline, no script, no font, image or link fetched from anywhere),
so it opens offline and can be mailed as is. On screen it is an A4 sheet in Times New Roman; printed (the
browser's "Print to PDF" included) the @page rules give A4 with the margins of Decree 30 (top and bottom 20 mm,
left 30 mm, right 15 mm, as the .docx layout has them), and each Phụ lục starts a page of its own, landscape when
the .docx has it landscape.

The blocks are those of the .docx: the header block (organ | Quốc hiệu and Tiêu ngữ, Số | place and date), the
title, Kính gửi, the headings with their numbers, paragraphs, tables with their merged cells, Nơi nhận and the
signature. A page has no foot, so the footnotes follow the signature, numbered as in the .docx, each reference
linked to its note and each note back to its reference.
"""

from __future__ import annotations

from html import escape

from cchc_docgen.composing.header import layout_variables
from cchc_docgen.model import Document, Heading, Note, Paragraph, Table
from cchc_docgen.writers.markdown import LIST_MARKS

# Decree 30/2020/NĐ-CP, Phụ lục I: A4; margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm; text in
# Times New Roman 13–14 pt. The sizes and spacing are the base .docx layout's (tools/make_layout.py).
STYLE = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
@page ngang { size: A4 landscape; margin: 20mm 20mm 20mm 20mm; }
html { background: #e8e8e8; }
body { margin: 0; padding: 12mm 0; font: 14pt/1.15 "Times New Roman", Times, "Liberation Serif", serif; color: #000; }
.trang { box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 0 auto 12mm; padding: 20mm 15mm 20mm 30mm;
  background: #fff; box-shadow: 0 1mm 4mm rgba(0, 0, 0, .25); }
.trang.ngang { width: 297mm; min-height: 210mm; padding: 20mm; }
p { margin: 0; }
table.dau, table.ky { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.dau td, table.ky td { vertical-align: top; padding: 0; text-align: center; }
.dau .co-quan, .dau .quoc-hieu { font-size: 13pt; line-height: 1.2; }
.dau .co-quan strong, .dau .quoc-hieu strong { font-weight: bold; }
.dau .tieu-ngu { font-size: 14pt; font-weight: bold; }
.dau .tieu-ngu span { border-bottom: 1px solid #000; }
hr.gach { width: 33%; margin: 1pt auto 0; border: 0; border-top: 1px solid #000; }
hr.gach.dai { width: 30%; }
.dau .so { font-size: 13pt; padding-top: 6pt; }
.dau .ngay { font-style: italic; padding-top: 6pt; }
h1.ten-van-ban { margin: 18pt 0 0; font-size: 14pt; text-align: center; font-weight: bold; line-height: 1.2; }
.thoi-gian { margin-top: 6pt; text-align: center; font-style: italic; }
.kinh-gui { margin: 12pt 0 6pt 45mm; display: flex; }
.kinh-gui .nhan { flex: 0 0 25mm; }
.noi-dung { margin-top: 6pt; }
.noi-dung p, .noi-dung h2, .noi-dung h3, .noi-dung h4, .noi-dung h5, .noi-dung h6 {
  margin: 0 0 6pt; text-indent: 12.7mm; text-align: justify; font-size: 14pt; line-height: 1.15; }
.noi-dung h2, .noi-dung h3, .noi-dung h4, .noi-dung h5, .noi-dung h6 { break-after: avoid; font-weight: bold; }
.muc-3 { font-style: italic; }
.noi-dung .muc-4, .noi-dung .muc-5 { font-weight: normal; font-style: italic; }
table.bang { width: 100%; border-collapse: collapse; margin: 0 0 6pt; font-size: 13pt; line-height: 1.0; }
table.bang td, table.bang th { border: 1px solid #000; padding: 2pt 1.5mm; vertical-align: middle; text-align: left; }
table.bang th { font-weight: bold; text-align: center; }
table.bang td.so { text-align: center; }
table.bang thead { display: table-header-group; }
table.bang tr { break-inside: avoid; }
p.ten-bang { margin: 6pt 0; text-indent: 0; text-align: center; font-weight: bold; }
table.ky { margin-top: 6pt; break-inside: avoid; }
.ky .noi-nhan { text-align: left; font-size: 11pt; line-height: 1.15; }
.ky .noi-nhan .nhan { font-size: 12pt; font-weight: bold; font-style: italic; margin-top: 6pt; }
.ky .ky-ten { font-weight: bold; }
.ky .ho-ten { margin-top: 4.6em; }
section.chu-thich { margin-top: 12pt; font-size: 12pt; text-align: justify; }
section.chu-thich hr { width: 50mm; margin: 0 0 4pt; border: 0; border-top: 1px solid #000; }
section.chu-thich ol { margin: 0; padding: 0; list-style: none; }
section.chu-thich li { margin: 0 0 2pt; }
sup { line-height: 0; font-size: 70%; }
a { color: inherit; text-decoration: none; }
a.ve { margin-left: 3pt; color: #555; }
sup a { color: #00e; }
:target { background: #fff3b0; }
.phu-luc .dau-phu-luc { text-align: center; font-weight: bold; }
.phu-luc .kem-theo { text-align: center; font-style: italic; margin-bottom: 12pt; }
@media print {
  html, body { background: none; padding: 0; }
  .trang { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  .trang.ngang { page: ngang; width: auto; min-height: 0; padding: 0; break-before: page; }
  .trang.doc + .trang.doc { break-before: page; }
  sup a, a.ve { color: inherit; }
  :target { background: none; }
}
"""


def _text(text: str) -> str:
    return escape(text, quote=False)


class _Writer:
    def __init__(self):
        self.notes: list[str] = []

    def inlines(self, items) -> str:
        out = []
        for item in items:
            if isinstance(item, Note):
                n = item.number
                out.append(f'<sup id="tham-chieu-{n}"><a href="#chu-thich-{n}">{n}</a></sup>')
                body = "".join(self.styled(t) for t in item.content).strip()
                self.notes.append(f'<li id="chu-thich-{n}"><sup>{n}</sup> {body}'
                                  f'<a class="ve" href="#tham-chieu-{n}" title="Về chỗ dẫn chú thích {n}">↩</a></li>')
            else:
                out.append(self.styled(item))
        return "".join(out)

    @staticmethod
    def styled(item) -> str:
        html = _text(item.text)
        if item.superscript:
            html = f"<sup>{html}</sup>"
        if item.italic:
            html = f"<em>{html}</em>"
        if item.bold:
            html = f"<strong>{html}</strong>"
        return html

    def block(self, block) -> str:
        if isinstance(block, Paragraph):
            return f"<p>{_text(LIST_MARKS.get(block.kind, ''))}{self.inlines(block.content)}</p>"
        if isinstance(block, Heading):
            tag = f"h{min(block.level + 2, 6)}"
            number = f"{_text(block.number)} " if block.number else ""
            return f'<{tag} class="muc-{block.level}">{number}{self.inlines(block.content)}</{tag}>'
        return self.table(block)

    def table(self, table: Table) -> str:
        out = []
        if table.caption:
            out.append(f'<p class="ten-bang">{self.inlines(table.caption)}</p>')
        out.append('<table class="bang">')
        columns = table.column_count
        widths = table.widths[:columns] if len(table.widths) >= columns else []
        if widths:
            total = sum(widths)
            out.append("<colgroup>" + "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in widths)
                       + "</colgroup>")
        # The model lists, as HTML does, only the cells that start in a row: they map one to one. The header
        # rows repeat on each printed page, as in the .docx.
        head, rows = table.rows[:table.header_rows], table.rows[table.header_rows:]
        if head:
            out.append("<thead>" + "".join(self.row(row, "th") for row in head) + "</thead>")
        out.append("<tbody>" + "".join(self.row(row, "td") for row in rows) + "</tbody></table>")
        return "".join(out)

    def row(self, cells, tag: str) -> str:
        out = []
        for cell in cells:
            spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
            kind = ' class="so"' if cell.numeric and tag == "td" else ""
            out.append(f"<{tag}{spans}{kind}>{self.inlines(cell.content)}</{tag}>")
        return "<tr>" + "".join(out) + "</tr>"

    def footnotes(self) -> str:
        if not self.notes:
            return ""
        return '<section class="chu-thich"><hr><ol>' + "".join(self.notes) + "</ol></section>"


def _lines(items, strong=False) -> str:
    wrap = (lambda x: f"<strong>{x}</strong>") if strong else (lambda x: x)
    return "<br>".join(wrap(_text(item)) for item in items)


def _header(meta: dict) -> str:
    organ = ([f"{_text(meta['co_quan_chu_quan'])}"] if meta["co_quan_chu_quan"] else []) + [
        f"<strong>{_text(line)}</strong>" for line in meta["ten_co_quan"]]
    title = f"{_text(meta['loai_van_ban'])}<br>" + "<br>".join(_text(x) for x in meta["trich_yeu"].splitlines())
    out = [
        '<table class="dau"><colgroup><col style="width:41%"><col style="width:59%"></colgroup><tr>',
        f'<td class="co-quan">{"<br>".join(organ)}<hr class="gach"></td>',
        '<td class="quoc-hieu"><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br>'
        '<span class="tieu-ngu"><span>Độc lập - Tự do - Hạnh phúc</span></span></td></tr>',
        f'<tr><td class="so">Số: {_text(meta["so_ky_hieu"])}</td>'
        f'<td class="ngay">{_text(meta["dia_danh_ngay"])}</td></tr></table>',
        f'<h1 class="ten-van-ban">{title}</h1><hr class="gach dai">',
    ]
    if meta.get("thoi_gian"):
        out.append(f'<p class="thoi-gian">{_text(meta["thoi_gian"])}</p>')
    recipients = meta["kinh_gui"]
    if len(recipients) == 1:
        out.append(f'<div class="kinh-gui"><p>{_text(recipients[0])}</p></div>')
    elif recipients:
        out.append(f'<div class="kinh-gui"><p class="nhan">{_text(recipients[0])}</p>'
                   f'<p>{_lines(recipients[1:])}</p></div>')
    return "".join(out)


def _signature(meta: dict) -> str:
    return ('<table class="ky"><colgroup><col style="width:48%"><col style="width:52%"></colgroup><tr>'
            f'<td class="noi-nhan"><p class="nhan">Nơi nhận:</p><p>{_lines(meta["noi_nhan"])}</p></td>'
            f'<td class="ky-ten"><p>{_lines(meta["tham_quyen"] + [meta["chuc_vu"]])}</p>'
            f'<p class="ho-ten">{_text(meta["ho_ten"])}</p></td></tr></table>')


def _page(title: str, sheets: list[str]) -> bytes:
    return ('<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_text(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(sheets) + "\n</body>\n</html>\n").encode("utf-8")


def write(document: Document) -> bytes:
    writer = _Writer()
    body = "\n".join(writer.block(block) for block in document.blocks)
    if getattr(document, "package", None) is not None:  # a filled Word form: its text holds its own header
        return _page(document.header.trich_yeu or document.form,
                     [f'<div class="trang doc"><div class="noi-dung">{body}</div>{writer.footnotes()}</div>'])
    meta = layout_variables(document.header)
    appendices = []
    for appendix in document.appendices:
        appendices.append(
            f'<div class="trang phu-luc {"ngang" if appendix.landscape else "doc"}">'
            f'<p class="dau-phu-luc">{_text(appendix.label)}<br>{_text(appendix.title)}</p>'
            f'<p class="kem-theo">{_text(appendix.attachment)}</p>{writer.table(appendix.table)}</div>')
    # The notes are gathered as the blocks are written: the body's, then the appendices' (their numbering order).
    main = (f'<div class="trang doc">{_header(meta)}<div class="noi-dung">{body}</div>{_signature(meta)}'
            f"{writer.footnotes()}</div>")
    title = f"{document.header.loai_van_ban} {document.header.trich_yeu}".replace("\n", " ")
    return _page(title, [main, *appendices])
