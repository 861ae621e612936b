"""What the .docx writer assembles is checked before anything is written (issue 13): a package Word or LibreOffice
could not open is refused with the layout and the problem named, and the old output stays as it was."""

from __future__ import annotations

import re
import zipfile

import docx
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, in_part, layout_variant, with_body_xml

from cchc_docgen.cli import main
from cchc_docgen.writers import docx as writer

DATA = EXAMPLES / "thach-quy-q3-2024.yaml"  # 12 footnotes
OLD = b"the previous output"


def render(layout_folder, out):
    out.write_bytes(OLD)
    return CliRunner().invoke(main, ["render", str(DATA), "--templates", str(layout_folder), "-o", str(out)])


def test_a_writer_that_forgets_a_content_type_is_caught_before_writing(tmp_path, monkeypatch):
    """The base layout has no footnotes part: the writer adds one, its relationship and its content type. Were
    the content type forgotten, the check of the assembled package (not of the layout) refuses the document."""
    monkeypatch.setattr(writer, "add_content_type", lambda data: data)
    layout = layout_variant(tmp_path / "bo-cuc")
    out = tmp_path / "out.docx"
    result = render(layout.parent, out)
    assert result.exit_code == 1
    assert result.output == (f"Lỗi: tệp bố cục {layout}: phần word/footnotes.xml không được khai báo là chú thích "
                             "trong [Content_Types].xml, nên các chú thích không hiện ra\n")
    assert out.read_bytes() == OLD


def test_a_layout_without_relationships_gets_one_for_its_footnotes(tmp_path):
    """A layout whose document refers to no relationship may lack word/_rels/document.xml.rels; the footnotes
    need one, so the writer makes it."""
    def without_rels(name, data):
        if name == "word/_rels/document.xml.rels":
            return None
        return re.sub(rb"<w:(header|footer)Reference[^>]*/>", b"", data) if name == "word/document.xml" else data

    layout = layout_variant(tmp_path / "bo-cuc", without_rels)
    out = tmp_path / "out.docx"
    assert render(layout.parent, out).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        rels = archive.read("word/_rels/document.xml.rels")
    assert b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"' in rels
    document = docx.Document(str(out))
    assert len([n for n in document.part.rels.values() if n.reltype.endswith("/footnotes")]) == 1


@pytest.mark.parametrize("change, where, problem", [
    (with_body_xml(b"<w:p><w:r><w:t>{{p noi_dung }}</w:t></w:r></w:p>"), "thân văn bản, đoạn 12",
     "phần thân đã đặt ở thân văn bản, đoạn 11; chỉ đặt {{p noi_dung }} một lần"),
    (in_part("word/header2.xml", lambda data: data.replace(
        b"</w:hdr>", b"<w:p><w:r><w:t>{{p noi_dung }}</w:t></w:r></w:p></w:hdr>")), "đầu trang (header2.xml), đoạn 2",
     "phần thân chỉ đặt được trong thân văn bản, không ở đầu trang hay chân trang"),
], ids=["twice", "in-a-header"])
def test_a_misplaced_body_is_refused_by_render_and_lint(tmp_path, change, where, problem):
    layout = layout_variant(tmp_path / "bo-cuc", change)
    out = tmp_path / "out.docx"
    result = render(layout.parent, out)
    assert result.exit_code == 1
    assert result.output == f"Lỗi:\ntệp bố cục {layout}: {where}: {problem}\n    «{{{{p noi_dung }}}}»\n"
    assert out.read_bytes() == OLD
    lint = CliRunner().invoke(main, ["lint", str(layout)])
    assert lint.exit_code == 1 and f"{layout}: lỗi: {where}: {problem}\n" in lint.output


def test_a_layout_whose_tags_break_the_xml_for_this_data_is_refused(tmp_path):
    """Well-formed as the layout stands, but {% if %} drops the closing tags of a paragraph for this signer: the
    rendered part is checked before anything is written."""
    layout = layout_variant(tmp_path / "bo-cuc", with_body_xml(
        b'<w:p><w:r><w:t>{% if ho_ten == "Ai khac" %}</w:t></w:r></w:p>{% endif %}'))
    out = tmp_path / "out.docx"
    result = render(layout.parent, out)
    assert result.exit_code == 1
    assert result.output.startswith(f"Lỗi: tệp bố cục {layout}: phần word/document.xml dựng với dữ liệu này không "
                                    "phải XML hợp lệ (mismatched tag: line "), result.output
    assert out.read_bytes() == OLD
