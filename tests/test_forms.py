"""Word forms (issue #21): a province's .docx with docxtpl tags is a template of its own, filled from the data,
with real footnotes; lint, new, validate and check work for it. The packages are tests/formats/*/ (made by
tests/formats/make_forms.py); the authors' guide docs/mau-word.md is run by test_the_guide_runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, W, run_cli
from lxml import etree

FORMATS = ROOT / "tests" / "formats"
PACKAGES = ["bao-cao-thang", "phu-luc-ho-so"]
NOTES = {
    "bao-cao-thang": ["Theo Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.",
                      "Số hồ sơ số hóa trên tổng số hồ sơ tiếp nhận trực tuyến trong kỳ.",
                      "Tỷ lệ tính trên tổng số hồ sơ của kỳ, gồm cả hồ sơ kỳ trước chuyển sang.",
                      "Theo Kế hoạch số 45/KH-UBND ngày 12/3/2024 của UBND phường."],
    "phu-luc-ho-so": ["Gồm 12 hồ sơ kỳ trước chuyển sang.", "Số liệu chốt ngày 14/9/2024."],
}


def render(name, tmp_path, *extra, data=None):
    fmt = extra[extra.index("-f") + 1] if "-f" in extra else "docx"
    out = tmp_path / f"{name}.{fmt}"
    result = run_cli("render", data or FORMATS / name / "du-lieu.yaml", "--templates", FORMATS / name / "mau",
                     "-o", out, *extra)
    return result, out


def xml(path: Path, part: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def form_copy(tmp_path, name, part, old: bytes, new: bytes) -> Path:
    """A copy of package `name`'s template folder whose form has `old` replaced by `new` in `part`."""
    folder = tmp_path / "mau"
    shutil.copytree(FORMATS / name / "mau", folder)
    with zipfile.ZipFile(FORMATS / name / "mau" / f"{name}.docx") as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new, 1)
    with zipfile.ZipFile(folder / f"{name}.docx", "w") as archive:
        for part_name, data in parts.items():
            archive.writestr(part_name, data)
    return folder


@pytest.mark.parametrize("name", PACKAGES)
def test_a_package_renders_validates_lints_clean_and_matches_its_golden(name, tmp_path):
    result, out = render(name, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output == f"Đã tạo {out} (mẫu {name}, {len(NOTES[name])} chú thích).\n"
    folder, data = FORMATS / name / "mau", FORMATS / name / "du-lieu.yaml"
    validated = run_cli("validate", data, "--templates", folder)
    assert (validated.exit_code, validated.output) == (0, f"{data}: không có lỗi\n")
    linted = run_cli("lint", "--templates", folder, name)
    assert (linted.exit_code, linted.output) == (0, f"Đã kiểm tra {name}: không có lỗi\n")
    checked = run_cli("check", data, "--golden", FORMATS / name / "golden", "--templates", folder)
    assert checked.exit_code == 0, checked.output
    assert f"{data}: khớp" in checked.output


@pytest.mark.parametrize("name", PACKAGES)
def test_footnotes_are_real_word_notes_in_order_in_the_forms_style(name, tmp_path):
    _, out = render(name, tmp_path)
    body, notes = xml(out, "word/document.xml"), xml(out, "word/footnotes.xml")
    referenced = [r.get(W + "id") for r in body.iter(W + "footnoteReference")]
    by_id = {n.get(W + "id"): n for n in notes.iter(W + "footnote")}
    texts = ["".join(t.text for t in by_id[i].iter(W + "t")).strip() for i in referenced]
    assert texts == NOTES[name]
    assert [int(i) for i in referenced] == sorted(int(i) for i in referenced)  # numbered in document order
    for note_id in referenced:
        assert by_id[note_id].find(f"{W}p/{W}pPr/{W}pStyle").get(W + "val") == "FootnoteText"
    with zipfile.ZipFile(out) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    assert 'Target="footnotes.xml"' in rels and 'PartName="/word/footnotes.xml"' in types


def test_ward_markup_keeps_the_runs_format_and_a_note_sits_where_it_was_written(tmp_path):
    _, out = render("bao-cao-thang", tmp_path)
    body = xml(out, "word/document.xml")
    paragraph = next(p for p in body.iter(W + "p") if "Việc số hóa" in "".join(t.text or "" for t in p.iter(W + "t")))
    runs = [(("".join(t.text for t in r.iter(W + "t"))), r.find(f"{W}rPr/{W}b") is not None,
             r.find(W + "footnoteReference") is not None) for r in paragraph.iter(W + "r")]
    assert runs == [("Việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính được thực hiện ", False, False),
                    ("đầy đủ", True, False), (", đạt 98,5%", False, False), ("", False, True), (".", False, False)]


def test_the_computed_table_rows_and_merged_header_cells(tmp_path):
    result, out = render("phu-luc-ho-so", tmp_path, "-f", "md")
    md = out.read_text(encoding="utf-8")
    assert "| 3 | Đất đai[^1] | 35 | 32 | 91,43% |" in md
    assert "| **Tổng cộng** |  | **1.046** | **1.040** | **99,43%** |" in md
    body = xml(render("phu-luc-ho-so", tmp_path)[1], "word/document.xml")
    header = body.find(f"{W}body/{W}tbl/{W}tr")
    assert [c.find(f"{W}tcPr/{W}gridSpan") is not None for c in header.findall(W + "tc")] == [False, False, True]


def test_a_declared_image_is_a_picture_in_the_package(tmp_path):
    _, out = render("bao-cao-thang", tmp_path)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        rels = archive.read("word/_rels/document.xml.rels").decode()
        png = archive.read("word/media/docgen-1.png")
    assert png == (FORMATS / "bao-cao-thang" / "chu-ky.png").read_bytes()
    assert 'Id="rIdDocgenImage1"' in rels and "word/media/docgen-1.png" in names
    assert len(xml(out, "word/document.xml").findall(f".//{W}drawing")) == 1


def test_templates_lists_a_form_with_its_description():
    result = run_cli("templates", "--templates", FORMATS / "bao-cao-thang" / "mau")
    assert ("bao-cao-thang — Báo cáo kết quả giải quyết thủ tục hành chính (mẫu Word)\n"
            f"  mẫu Word: {(FORMATS / 'bao-cao-thang' / 'mau' / 'bao-cao-thang.docx').resolve()}\n") in result.output


def lint_variant(variant):
    return run_cli("lint", "--templates", FORMATS / "bao-cao-thang" / "bien-the" / variant, "--templates",
                   FORMATS / "bao-cao-thang" / "mau", "bao-cao-thang")


def test_lint_reports_a_split_tag_with_the_text_around_it():
    result = lint_variant("the-bi-tach")
    where = FORMATS / "bao-cao-thang" / "bien-the" / "the-bi-tach" / "bao-cao-thang.docx"
    assert result.exit_code == 1
    assert result.output.startswith(
        f"{where}: lỗi: thân văn bản, đoạn 22: thẻ bị tách: giữa hai dấu ngoặc của thẻ có chữ khác (nằm ở các đoạn chữ "
        "khác nhau trong Word); docxtpl sẽ in nguyên văn thay vì điền giá trị. Xóa rồi gõ lại cả thẻ liền một mạch\n"
        "    «…{{ ky_bao_cao.ten }} của { { co_quan.ten_goi }}./.»\n")


def test_lint_reports_the_footnote_style_libreoffice_changed_and_render_uses_it(tmp_path):
    result = lint_variant("libreoffice")
    where = FORMATS / "bao-cao-thang" / "bien-the" / "libreoffice" / "bao-cao-thang.docx"
    on_only = ('ghi w:val="true": lược đồ Office Open XML chỉ cho "on" hoặc "off" ở thuộc tính này (CT_OnOffOnly); '
               "Microsoft Word vẫn mở được, nhưng công cụ kiểm tra của Office báo lỗi; sửa thành w:val=\"on\" hoặc bỏ "
               "thuộc tính w:val (nghĩa là on)")
    assert (result.exit_code, result.output) == (0, (
        # what LibreOffice writes on a table's heading row and on a row that may not split across pages
        f"{where}: cảnh báo: thân văn bản (word/document.xml), bảng 2, hàng 1: trong w:trPr, w:tblHeader {on_only}\n"
        "    «STTLĩnh vựcSố hồ sơ»\n"
        f"{where}: cảnh báo: thân văn bản (word/document.xml), bảng 3, hàng 1: trong w:trPr, w:cantSplit {on_only}\n"
        "    «Nơi nhận:{%p for dong in noi_nhan %}{{ dong }}{%p endfor %}{…»\n"
        f"{where}: cảnh báo: kiểu chữ (word/styles.xml): kiểu 'Footnote' (tên 'Footnote Text') (chữ chú thích): "
        "Times New Roman 10 pt, căn trái; bố cục gốc: Times New Roman 12 pt, căn đều hai bên\n"
        "Đã kiểm tra bao-cao-thang: 3 cảnh báo\n"))
    out = tmp_path / "lo.docx"
    rendered = run_cli("render", FORMATS / "bao-cao-thang" / "du-lieu.yaml", "--templates", where.parent,
                       "--templates", FORMATS / "bao-cao-thang" / "mau", "-o", out)
    assert rendered.exit_code == 0, rendered.output
    styles = {p.get(W + "val") for p in xml(out, "word/footnotes.xml").iter(W + "pStyle")}
    assert styles == {"Footnote"}  # the form's own (renamed) footnote style, found by its name


def test_lint_names_an_unknown_field_and_filter_by_cell(tmp_path):
    folder = form_copy(tmp_path, "phu-luc-ho-so", "word/document.xml", b"{{ dong.ten }}", b"{{ dong.ten|in_hoa }}")
    path = folder / "phu-luc-ho-so.docx"
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"truong_rieng.ghi_chu", b"truong_rieng.ghi_chep")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = run_cli("lint", "--templates", folder, "phu-luc-ho-so")
    assert result.exit_code == 1
    assert (f"{path}: lỗi: thân văn bản, bảng 1, hàng 4, ô 2, đoạn 1: không có bộ lọc 'in_hoa'\n"
            "    «{{ dong.ten|in_hoa }}»\n") in result.output
    assert (f"{path}: lỗi: thân văn bản, đoạn 4: trường 'truong_rieng.ghi_chep' không có trong dữ liệu (schema) hay "
            "số liệu tính sẵn\n    «Ghi chú: {{ truong_rieng.ghi_chep }}»\n") in result.output


def test_new_gives_a_skeleton_that_validates_and_renders(tmp_path):
    result = run_cli("new", "-t", "phu-luc-ho-so", "--templates", FORMATS / "phu-luc-ho-so" / "mau", "--nam", "2024")
    assert result.exit_code == 0, result.output
    assert ("# Các dòng của biểu, mỗi dòng một lĩnh vực: ten, tiep_nhan, da_giai_quyet. Dòng tổng cộng được tính.\n"
            "  linh_vuc: []\n  # Ghi chú dưới biểu.\n  ghi_chu: \"……\"\n") in result.output
    data = tmp_path / "khung.yaml"
    data.write_text(result.output, encoding="utf-8")
    assert run_cli("validate", data, "--templates", FORMATS / "phu-luc-ho-so" / "mau").output == f"{data}: không có lỗi\n"
    rendered, _ = render("phu-luc-ho-so", tmp_path, data=data)
    assert rendered.exit_code == 0, rendered.output


def data_with(tmp_path, name, old, new):
    text = (FORMATS / name / "du-lieu.yaml").read_text(encoding="utf-8")
    assert old in text
    data = tmp_path / "du-lieu.yaml"
    data.write_text(text.replace(old, new), encoding="utf-8")
    shutil.copy(FORMATS / "bao-cao-thang" / "chu-ky.png", tmp_path / "chu-ky.png")
    return data


@pytest.mark.parametrize("old, new, message", [
    ("truong_rieng:\n  chu_ky: chu-ky.png", "truong_rieng:\n  chu_ky: chu-ky.png\n  con_dau: x.png",
     ":66:3: trường 'truong_rieng.con_dau': mẫu Word 'bao-cao-thang' không khai báo trường riêng 'con_dau' "
     "(mau_word.bao-cao-thang.truong_rieng trong cau-hinh.yaml); các trường riêng của mẫu: chu_ky"),
    ("chu_ky: chu-ky.png", "chu_ky: khong-co.png",
     ":65:11: trường 'truong_rieng.chu_ky': không đọc được ảnh 'khong-co.png' (No such file or directory)"),
    ("chu_ky: chu-ky.png", "chu_ky: du-lieu.yaml",
     ":65:11: trường 'truong_rieng.chu_ky': 'du-lieu.yaml' không phải ảnh PNG hoặc JPEG"),
    ("  phuong_huong:\n", "  kien_nghi: [Đề nghị cấp trên bổ sung máy scan.]\n  phuong_huong:\n",
     ":58:3: trường 'noi_dung.kien_nghi': mẫu Word 'bao-cao-thang' không in mục 'kien_nghi': nội dung này sẽ không "
     "được in; hãy chuyển nó sang mục mẫu có in, hoặc dùng mẫu phù hợp"),
    ("toàn trình^[Theo Kế hoạch", "toàn trình^[Theo ^[x] Kế hoạch",
     ":60:7: trường 'noi_dung.phuong_huong[1]': không đặt chú thích bên trong một chú thích khác"),
])
def test_what_a_form_cannot_print_is_a_located_error(tmp_path, old, new, message):
    data = data_with(tmp_path, "bao-cao-thang", old, new)
    result, out = render("bao-cao-thang", tmp_path, data=data)
    assert result.exit_code == 1
    assert result.output == f"Lỗi: {data}{message}\n"
    assert not out.exists()


def test_a_note_in_a_header_is_refused(tmp_path):
    folder = form_copy(tmp_path, "bao-cao-thang", "word/header2.xml", b"</w:p>",
                       b"<w:r><w:t>{{ chu_thich('x') }}</w:t></w:r></w:p>")
    result = run_cli("render", FORMATS / "bao-cao-thang" / "du-lieu.yaml", "--templates", folder, "-o", tmp_path / "x.docx")
    assert result.exit_code == 1
    assert result.output == ("Lỗi: mẫu Word 'bao-cao-thang': chú thích không đặt được ở đầu trang (header2.xml): Word chỉ "
                             "có chú thích cuối trang trong thân văn bản: 'x'\n")


def test_a_form_runs_in_the_sandbox(tmp_path):
    folder = form_copy(tmp_path, "phu-luc-ho-so", "word/document.xml", b"{{ truong_rieng.ghi_chu }}",
                       b"{{ co_quan.__class__.__mro__ }}")
    result = run_cli("render", FORMATS / "phu-luc-ho-so" / "du-lieu.yaml", "--templates", folder, "-o", tmp_path / "x.docx")
    assert result.exit_code == 1
    assert "bị chặn" in result.output and "môi trường cách ly" in result.output


def _guide_steps():
    text = (ROOT / "docs" / "mau-word.md").read_text(encoding="utf-8")
    steps = []
    for block in re.finditer(r"```sh\n(.*?)```\n\n?(.*?)(?:\n\n|\Z)", text, re.DOTALL):
        commands = [line for line in block.group(1).splitlines() if line.strip()]
        reported = re.match(r"báo `([^`…]*)", block.group(2))
        for command in commands:
            said = " ".join(reported.group(1).split()) if reported and command == commands[-1] else None
            steps.append((command, said))
    return steps


def test_the_guide_runs(tmp_path):
    """Every command of docs/mau-word.md, in order, in a copy of the repository's tests/formats; a command the
    guide says reports something prints it."""
    shutil.copytree(FORMATS, tmp_path / "tests" / "formats")
    docgen = Path(sys.executable).with_name("docgen")
    steps = _guide_steps()
    assert len(steps) == 11
    for command, reported in steps:
        assert command.startswith("docgen ")
        done = subprocess.run(str(docgen) + command[len("docgen"):], shell=True, cwd=tmp_path, capture_output=True,
                              text=True)
        output = done.stdout + done.stderr
        if reported:
            assert reported in output, (command, output)
        else:
            assert done.returncode == 0, (command, output)
    assert (tmp_path / "bao-cao.docx").is_file() and "[^4]:" in (tmp_path / "bao-cao.md").read_text(encoding="utf-8")
    assert "Số liệu do bộ phận một cửa tổng hợp." in body_texts(tmp_path / "chen-van-ban.docx")


def test_schema_for_a_form_keeps_the_sections_its_tags_read():
    import json

    result = run_cli("schema", "-t", "bao-cao-thang", "--templates", FORMATS / "bao-cao-thang" / "mau")
    schema = json.loads(result.output)
    assert list(schema["properties"]["noi_dung"]["properties"]) == ["ket_qua", "phuong_huong", "ket_luan"]
    assert schema["properties"]["mau"]["default"] == "bao-cao-thang"


def test_richtext_and_a_whole_run_of_ward_text(tmp_path):
    """{{r … }} replaces the run: docxtpl's RichText prints as its runs, ward text as runs with its note."""
    folder = form_copy(tmp_path, "phu-luc-ho-so", "word/document.xml", "Ghi chú: {{ truong_rieng.ghi_chu }}".encode(),
                       "{{r RichText('Ghi chú: ', bold=True) }}{{r truong_rieng.ghi_chu }}".encode())
    out = tmp_path / "rt.md"
    result = run_cli("render", FORMATS / "phu-luc-ho-so" / "du-lieu.yaml", "--templates", folder, "-f", "md", "-o", out)
    assert result.exit_code == 0, result.output
    assert ("**Ghi chú:** Tỷ lệ giải quyết tính trên số hồ sơ tiếp nhận của từng lĩnh vực[^2].\n"
            in out.read_text(encoding="utf-8"))
    assert run_cli("lint", "--templates", folder, "phu-luc-ho-so").exit_code == 0


# --- a sub-document (kieu: van_ban) printed with {{p … }} -------------------------------------------------------

SUBDOC = FORMATS / "bao-cao-thang" / "chen-van-ban"
W_NS = W[1:-1]


def subdoc_file(path: Path, body: str, notes: str | None = None) -> Path:
    """A minimal .docx whose body is `body` (and whose footnotes, when given, are `notes`)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships" xmlns:w14="http://schemas.microsoft.com/office/word/2010/'
                         'wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                         f'mc:Ignorable="w14"><w:body>{body}<w:sectPr/></w:body></w:document>')
        if notes is not None:
            archive.writestr("word/footnotes.xml", f'<w:footnotes xmlns:w="{W_NS}">{notes}</w:footnotes>')
    return path


def subdoc_data(tmp_path, value: str) -> Path:
    text = (SUBDOC / "du-lieu.yaml").read_text(encoding="utf-8")
    data = tmp_path / "du-lieu.yaml"
    data.write_text(text.replace("chu_ky: ../chu-ky.png", "chu_ky: chu-ky.png").replace(
        "chi_tiet: chi-tiet.docx", f"chi_tiet: {value}"), encoding="utf-8")
    shutil.copy(FORMATS / "bao-cao-thang" / "chu-ky.png", tmp_path / "chu-ky.png")
    return data


def body_texts(path: Path) -> list:
    """The body's blocks in order: a paragraph's text, or a table as its rows of cell texts."""
    import docx

    body = docx.Document(str(path)).element.body
    out = []
    for child in body:
        if child.tag == W + "p":
            out.append("".join(t.text or "" for t in child.iter(W + "t")))
        elif child.tag == W + "tbl":
            out.append([["".join(t.text or "" for t in tc.iter(W + "t")) for tc in tr.iter(W + "tc")]
                        for tr in child.iter(W + "tr")])
    return out


def test_a_sub_document_is_inserted_where_the_form_prints_it(tmp_path):
    out = tmp_path / "chen.docx"
    result = run_cli("render", SUBDOC / "du-lieu.yaml", "--templates", SUBDOC / "mau", "-o", out)
    assert result.exit_code == 0, result.output
    blocks = body_texts(out)
    at = blocks.index("III. KẾT QUẢ CHI TIẾT")
    assert blocks[at + 1:at + 6] == [
        "Kết quả chi tiết của bộ phận một cửa", "Bộ phận một cửa tiếp nhận hồ sơ đúng hạn trong cả kỳ.",
        [["Ngày", "Số hồ sơ"], ["Thứ Hai", "42"]], "Số liệu do bộ phận một cửa tổng hợp.",
        "Trên đây là báo cáo kết quả giải quyết thủ tục hành chính quý III năm 2024 của UBND phường Thạch Quý./."]
    body = xml(out, "word/document.xml").find(W + "body")
    assert len(body.findall(W + "sectPr")) == 1  # the form's own section only
    bold = [r for r in body.iter(W + "r") if "".join(t.text or "" for t in r.iter(W + "t")) == "đúng hạn"]
    assert len(bold) == 1 and bold[0].find(f"{W}rPr/{W}b") is not None


def test_a_sub_documents_footnote_is_the_forms_and_a_style_it_lacks_falls_back(tmp_path):
    sub = subdoc_file(tmp_path / "chi-tiet.docx",
                      '<w:p w14:paraId="1A2B3C4D"><w:pPr><w:pStyle w:val="KieuRieng"/></w:pPr><w:r><w:t>Chi tiết'
                      '</w:t></w:r><w:r><w:rPr><w:rStyle w:val="ChuThichRieng"/></w:rPr><w:footnoteReference w:id="7"/>'
                      '</w:r></w:p>',
                      '<w:footnote w:id="7"><w:p><w:pPr><w:pStyle w:val="ChuThichRieng2"/></w:pPr><w:r><w:footnoteRef/>'
                      '</w:r><w:r><w:t xml:space="preserve"> Chú thích của tệp chèn vào.</w:t></w:r></w:p></w:footnote>')
    out = tmp_path / "chen.docx"
    result = run_cli("render", subdoc_data(tmp_path, sub.name), "--templates", SUBDOC / "mau", "-o", out)
    assert result.output == f"Đã tạo {out} (mẫu bao-cao-thang, 5 chú thích).\n"
    body, notes = xml(out, "word/document.xml"), xml(out, "word/footnotes.xml")
    paragraph = next(p for p in body.iter(W + "p") if "".join(t.text or "" for t in p.iter(W + "t")) == "Chi tiết")
    assert paragraph.find(f"{W}pPr/{W}pStyle") is None  # the form has no style KieuRieng: its default style
    assert paragraph.attrib == {}  # Word's ignorable revision id left out
    referenced = [r.get(W + "id") for r in body.iter(W + "footnoteReference")]
    assert [int(i) for i in referenced] == sorted(int(i) for i in referenced) and len(referenced) == 5
    last = next(n for n in notes.iter(W + "footnote") if n.get(W + "id") == referenced[-1])
    assert "".join(t.text for t in last.iter(W + "t")).strip() == "Chú thích của tệp chèn vào."
    md = tmp_path / "chen.md"
    run_cli("render", subdoc_data(tmp_path, sub.name), "--templates", SUBDOC / "mau", "-f", "md", "-o", md)
    assert "Chi tiết[^5]\n" in md.read_text(encoding="utf-8")
    assert "[^5]: Chú thích của tệp chèn vào.\n" in md.read_text(encoding="utf-8")


REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


@pytest.mark.parametrize("make, value, message", [
    (None, "khong-co.docx", "không đọc được tài liệu 'khong-co.docx' (No such file or directory)"),
    (None, "chu-ky.png", "'chu-ky.png' không phải tài liệu Word (.docx)"),
    ("big", "lon.docx", "tài liệu 'lon.docx' quá lớn (tối đa 50 MB)"),
    ('<w:p><w:r><w:drawing/></w:r></w:p>', "anh.docx",
     "tài liệu chèn vào không được có hình ảnh hoặc liên kết ('anh.docx' có hình ảnh)"),
    ('<w:p><w:hyperlink r:id="rId9"><w:r><w:t>x</w:t></w:r></w:hyperlink></w:p>', "lien-ket.docx",
     "tài liệu chèn vào không được có hình ảnh hoặc liên kết ('lien-ket.docx' có liên kết tới phần khác của tệp)"),
    ('<w:p><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:p>', "danh-sach.docx",
     "tài liệu chèn vào 'danh-sach.docx' có danh sách đánh số hoặc gạch đầu dòng tự động của Word (hãy gõ số hoặc "
     "dấu đầu dòng thành chữ), chưa chèn được"),
    ('<w:p><w:r><w:footnoteReference w:id="3"/></w:r></w:p>', "thieu.docx",
     "tài liệu 'thieu.docx' hỏng: chú thích số 3 không có trong tệp"),
])
def test_a_sub_document_that_cannot_be_inserted_is_a_located_error(tmp_path, make, value, message):
    if make == "big":
        with open(tmp_path / value, "wb") as big:
            big.truncate(50 * 1024 * 1024 + 1)
    elif make is not None:
        subdoc_file(tmp_path / value, make)
    data = subdoc_data(tmp_path, value)
    out = tmp_path / "x.docx"
    result = run_cli("render", data, "--templates", SUBDOC / "mau", "-o", out)
    assert (result.exit_code, result.output) == (1, f"Lỗi: {data}:66:13: trường 'truong_rieng.chi_tiet': {message}\n")
    assert not out.exists()


def subdoc_form(tmp_path, part: str, old: bytes, new: bytes) -> Path:
    """A copy of the sub-document package's template folder whose form has `old` replaced by `new` in `part`."""
    folder = tmp_path / "mau"
    shutil.copytree(SUBDOC / "mau", folder)
    with zipfile.ZipFile(SUBDOC / "mau" / "bao-cao-thang.docx") as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new, 1)
    with zipfile.ZipFile(folder / "bao-cao-thang.docx", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return folder


@pytest.mark.parametrize("part, old, new, message", [
    ("word/document.xml", b"{{p truong_rieng.chi_tiet }}", b"Xem {{ truong_rieng.chi_tiet }}",
     "tài liệu chèn vào chỉ in được bằng thẻ {{p truong_rieng.chi_tiet }} đứng riêng một đoạn, không in bằng "
     "{{ truong_rieng.chi_tiet }} giữa dòng chữ"),
    ("word/header2.xml", b"</w:hdr>", b"<w:p><w:r><w:t>{{p truong_rieng.chi_tiet }}</w:t></w:r></w:p></w:hdr>",
     "tài liệu chèn vào chỉ đặt được trong thân văn bản, không ở đầu trang (header2.xml)"),
])
def test_a_sub_document_printed_elsewhere_than_its_own_body_paragraph_is_refused(tmp_path, part, old, new, message):
    folder = subdoc_form(tmp_path, part, old, new)
    data = subdoc_data(tmp_path, "chen/chi-tiet.docx")
    shutil.copytree(SUBDOC, tmp_path / "chen")
    result = run_cli("render", data, "--templates", folder, "-o", tmp_path / "x.docx")
    assert (result.exit_code, result.output) == (1, f"Lỗi: {data}:66:13: trường 'truong_rieng.chi_tiet': {message}\n")
    assert not (tmp_path / "x.docx").exists()


def test_a_form_is_declared_like_any_report_kind(tmp_path):
    """The form's declaration may stand under `mau:` as any report kind's does (mau_word is the same): the
    package renders as its golden, with its own field (the signature picture) from that declaration."""
    package = FORMATS / "bao-cao-thang"
    shutil.copytree(package / "mau", tmp_path / "mau")
    settings = tmp_path / "mau" / "cau-hinh.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("mau_word:", "mau:"), encoding="utf-8")
    for name in ("du-lieu.yaml", "chu-ky.png"):
        shutil.copy(package / name, tmp_path / name)
    result = run_cli("check", tmp_path / "du-lieu.yaml", "--golden", package / "golden", "--templates", tmp_path / "mau")
    assert result.exit_code == 0, result.output
    listed = run_cli("templates", "--templates", tmp_path / "mau")
    assert "bao-cao-thang — Báo cáo kết quả giải quyết thủ tục hành chính (mẫu Word)" in listed.output


def test_a_form_named_as_no_template_can_be_is_said_with_the_name_to_give_it(tmp_path):
    """"Báo cáo tháng.docx" is how an author names a document, but no `mau:` can say it (lower case, no
    diacritics, '-'): `docgen new` used to write a skeleton that validate then refused. It is no template now;
    asking for it, or for the name it should have, says to rename the file, and lint names it."""
    folder = tmp_path / "mau"
    shutil.copytree(FORMATS / "bao-cao-thang" / "mau", folder)
    (folder / "bao-cao-thang.docx").rename(folder / "Báo cáo tháng.docx")
    result = run_cli("new", "-t", "Báo cáo tháng", "--templates", folder)
    assert result.exit_code == 1
    assert (f"Lỗi: không có mẫu 'Báo cáo tháng': tên mẫu viết thường, không dấu, nối bằng '-'; đổi tên tệp "
            f"{folder / 'Báo cáo tháng.docx'} thành bao-cao-thang.docx rồi dùng mẫu 'bao-cao-thang'") in result.output
    # the folder's cau-hinh.yaml declares the form bao-cao-thang: its file is the one to rename
    result = run_cli("new", "-t", "bao-cao-thang", "--templates", folder)
    assert result.exit_code == 1
    assert (f"không có tệp bao-cao-thang.docx trong các thư mục mẫu: đổi tên tệp {folder / 'Báo cáo tháng.docx'} "
            "thành bao-cao-thang.docx") in result.output
    listed = run_cli("templates", "--templates", folder)  # the declared form's file is missing: said, with the fix
    assert f"đổi tên tệp {folder / 'Báo cáo tháng.docx'} thành bao-cao-thang.docx" in listed.output
    lint = run_cli("lint", "--templates", folder)
    assert (f"{folder / 'Báo cáo tháng.docx'}: cảnh báo: docgen không đọc tệp này: tên mẫu viết thường, không dấu, nối "
            "bằng '-': đổi tên thành bao-cao-thang.docx") in lint.output
    (folder / "Báo cáo tháng.docx").rename(folder / "bao-cao-thang.docx")
    assert run_cli("new", "-t", "bao-cao-thang", "--templates", folder, "-o", tmp_path / "du-lieu.yaml").exit_code == 0
    assert run_cli("validate", tmp_path / "du-lieu.yaml", "--templates", folder).exit_code == 0


@pytest.mark.parametrize("name, proper", [("Báo cáo tháng.docx", "bao-cao-thang.docx"),
                                          ("Tỉnh ủy báo cáo.docx", "tinh-uy-bao-cao.docx"),
                                          ("Quý 3.md.j2", "quy-3.md.j2"), ("bo_cuc.docx", "bo-cuc.docx"),
                                          ("bao-cao-thang.docx", None), ("_phan.md.j2", None), ("~$o-cao.docx", None)])
def test_the_name_a_misnamed_template_file_should_have(name, proper):
    from cchc_docgen.templating.library import proper_template_file

    assert proper_template_file(name) == proper
