"""The layout template: found along the search path, and footnotes added whether or not it has a footnotes part."""

from __future__ import annotations

import zipfile

from conftest import EXAMPLES, W, footnotes, layout_variant, part_xml, run_cli

EXISTING_NOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Chú thích mẫu có sẵn trong bố cục</w:t></w:r></w:p></w:footnote>'
    '</w:footnotes>')


def _layout_with_footnotes(folder):
    content_type = (b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
    relationship = (b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>')

    def change(name, data):
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", content_type)
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", relationship)
        return data

    layout_variant(folder, change, add={"word/footnotes.xml": EXISTING_NOTES})


def test_footnotes_appended_to_an_existing_part(tmp_path):
    folder = tmp_path / "mau-tinh"
    folder.mkdir()
    _layout_with_footnotes(folder)
    out = tmp_path / "out.docx"
    result = run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", out, "--templates", folder)
    assert result.exit_code == 0, result.output
    notes = part_xml(out, "word/footnotes.xml")
    ids = [n.get(W + "id") for n in notes.iter(W + "footnote")]
    assert ids == ["-1", "0", "1"] + [str(i) for i in range(2, 14)]  # the layout's own note kept, ours after it
    assert len(footnotes(out)) == 12
    with zipfile.ZipFile(out) as z:
        assert z.namelist().count("word/footnotes.xml") == 1
        assert z.read("word/_rels/document.xml.rels").count(b"footnotes.xml") == 1


def test_a_folder_overrides_only_what_it_contains(tmp_path):
    folder = tmp_path / "mau-tinh"
    folder.mkdir()
    (folder / "quy.md.j2").write_text(
        '{% extends "quoc-gia/quy.md.j2" %}\n'
        '{% block ket_luan %}Trên đây là báo cáo của {{ co_quan.ten_goi }}, kính báo cáo{% endblock %}\n',
        encoding="utf-8")
    out = tmp_path / "out.md"
    result = run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", out, "-f", "md", "--templates", folder)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Trên đây là báo cáo của UBND phường Thạch Quý, kính báo cáo./." in text
    assert "# II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH" in text  # the rest inherited


def test_corrupt_layout_is_reported(tmp_path):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "bo-cuc.docx").write_bytes(b"not a zip")
    out = tmp_path / "o.docx"
    result = run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", out, "--templates", folder)
    assert result.exit_code == 1 and "tệp bố cục hỏng" in result.output and not out.exists()
