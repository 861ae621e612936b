"""Every .docx we write or ship is valid Office Open XML (issue 19), as an independent validator sees it:
openxml-audit (the test extras; pyproject.toml says why this one) against Office 2016's schema. Word refuses or
"repairs" a file LibreOffice opens silently, so only a validator that reads the schema notices.

Validated: each example's output (docgen render data_examples/X.yaml) and its golden, the goldens and outputs of
the format packages in tests/formats, the shipped layouts (templates/**/bo-cuc.docx) and the Word-form templates
of tests/formats. A package whose bytes were validated already (an example's output is its golden, byte for byte)
is not validated again. The prebuilt layouts (cchc_docgen/templating/prebuilt/) are the shipped layouts' parts
patched by docxtpl, with Jinja tags between elements, not documents: what they produce is each example's output,
and test_prebuilt keeps them made from the layouts validated here.

Also the workbooks docgen tong-hop writes (openpyxl). Where the validator is wrong (it flags what the schema
allows), ALLOWED names its rule and the schema clause that allows it, and allows exactly that: one rule so far,
the order of a workbook font's children.

Also here: lint reports property elements out of the schema's order in a layout (writers/ooxml_order), and render
refuses a layout whose relationships point at nothing.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, in_part, layout_variant, run_cli
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

from cchc_docgen.templating.cache import PREBUILT_DIR
from cchc_docgen.templating.library import builtin_templates_dir
from cchc_docgen.writers import ooxml_order

FORMATS = ROOT / "tests" / "formats"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_DECL = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# (validator's check, node, its message) → the schema clause that allows it.
ALLOWED: dict[tuple[str, str, str], str] = {
    # openpyxl writes a font's children as name, family, color, sz, scheme; the validator (after the Open XML
    # SDK, which models CT_Font as a sequence) wants color after sz. The schema does not: ECMA-376 Part 1,
    # §18.8.22 (font) and sml.xsd, CT_Font is <xsd:choice maxOccurs="unbounded">, any order.
    ("schema", "color", "Unexpected element 'color' found"): "ECMA-376 Part 1 §18.8.22, sml.xsd CT_Font (xsd:choice)",
}

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
WORKBOOKS = sorted((ROOT / "tests" / "golden").rglob("*.xlsx"))  # docgen tong-hop -f xlsx
GOLDENS = sorted((ROOT / "tests" / "golden").rglob("*.docx")) + sorted(FORMATS.glob("*/golden/*.docx"))
LAYOUTS = sorted((ROOT / "templates").rglob("*.docx"))
# The Word forms an author draws (tests/formats/make_forms.py), and the document one of them inserts. Left out:
# bien-the/, the broken variants lint must report (one is the form as LibreOffice saves it, with w:val="true" on
# on/off-only row properties, which ST_OnOffOnly does not allow).
FORMS = sorted(FORMATS.glob("*/mau/*.docx")) + sorted(FORMATS.glob("*/chen-van-ban/**/*.docx"))
# Format packages rendered as a user would: (data, template folder).
FORM_RENDERS = {
    "bao-cao-thang": (FORMATS / "bao-cao-thang" / "du-lieu.yaml", FORMATS / "bao-cao-thang" / "mau"),
    "phu-luc-ho-so": (FORMATS / "phu-luc-ho-so" / "du-lieu.yaml", FORMATS / "phu-luc-ho-so" / "mau"),
    "chen-van-ban": (FORMATS / "bao-cao-thang" / "chen-van-ban" / "du-lieu.yaml",
                     FORMATS / "bao-cao-thang" / "chen-van-ban" / "mau"),
}

_verdicts: dict[str, list[str]] = {}  # sha-256 of a package → its errors
_clean_parts: set[tuple[str, bytes]] = set()  # (part name, sha-256 of its bytes) the schema check found clean


def _validator() -> OpenXmlValidator:
    """A new validator for each package: openxml-audit 0.8.0 keeps the footnote ids it read (its cross-part
    reference checks) under id() of the package, which a later package can be given, and then reports that
    package's footnote references as missing.

    Its schema check reads one part at a time; a part it found clean in an earlier package (the layout's styles,
    theme, settings: the same bytes in every document made from the layout, and 95 % of its elements) is not
    read again, which about halves the time of this file (70 s → 40 s on a loaded 2-core machine). Package,
    relationship and cross-part checks still run on every package. (The schema checker is an attribute of
    openxml-audit's own: pinned below 0.9 in pyproject.toml, a change of it fails here, loudly.)"""
    validator = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0)
    schema = validator._schema_validator
    check_part = schema.validate_part

    def validate_part(part, context):
        key = (part.uri, hashlib.sha256(part.raw_content or b"").digest())
        if key in _clean_parts:
            return context.errors
        before = len(context.errors)
        found = check_part(part, context)
        if len(context.errors) == before:
            _clean_parts.add(key)
        return found

    schema.validate_part = validate_part
    return validator


def validation_errors(data: bytes, tmp_path: Path, suffix: str = ".docx") -> list[str]:
    """The validator's errors on a package, each as "part path node: message [check]", less ALLOWED ones. Its
    warnings are advice, not schema violations (e.g. that Excel moves a workbook's inline strings to a shared
    table when it saves it again), and are left out."""
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _verdicts:
        path = tmp_path / f"{digest[:16]}{suffix}"
        path.write_bytes(data)
        result = _validator().validate(path)
        _verdicts[digest] = [f"{e.part_uri} {e.path} {e.node}: {e.description} [{e.error_type.value}]"
                             for e in result.errors if e.severity.name != "WARNING"
                             and (e.error_type.value, e.node, e.description) not in ALLOWED]
    return _verdicts[digest]


def rendered(tmp_path: Path, data: Path, *options) -> bytes:
    out = tmp_path / "out.docx"
    result = run_cli("render", data, "-o", out, *options)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.parametrize("data", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_each_example_renders_valid_ooxml(data, tmp_path):
    assert validation_errors(rendered(tmp_path, data), tmp_path) == []


@pytest.mark.parametrize("name", FORM_RENDERS)
def test_each_word_form_fills_to_valid_ooxml(name, tmp_path):
    data, folder = FORM_RENDERS[name]
    assert validation_errors(rendered(tmp_path, data, "--templates", folder), tmp_path) == []


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_golden_workbook_is_valid_ooxml(path, tmp_path):
    assert validation_errors(path.read_bytes(), tmp_path, ".xlsx") == []


def test_a_workbook_docgen_writes_is_valid_ooxml(tmp_path):
    out = tmp_path / "tinh.xlsx"
    folder = EXAMPLES / "tong-hop"
    result = run_cli("tong-hop", folder / "xa", "--du-lieu", folder / "tinh.yaml", "-f", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    assert validation_errors(out.read_bytes(), tmp_path, ".xlsx") == []


@pytest.mark.parametrize("path", GOLDENS + LAYOUTS + FORMS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_golden_layout_and_form_is_valid_ooxml(path, tmp_path):
    assert validation_errors(path.read_bytes(), tmp_path) == []


def test_the_files_checked_are_all_there():
    """What the tests above validate is every golden, layout and form there is (a glob that stopped matching would
    validate nothing), and the prebuilt layouts are made from the shipped layouts validated above."""
    goldens = {p.relative_to(ROOT).as_posix() for p in GOLDENS}
    assert EXAMPLE_FILES and {f"tests/golden/{data.stem}.docx" for data in EXAMPLE_FILES} <= goldens
    assert {f"tests/formats/{name}/golden/du-lieu.docx" for name in ("tu-kiem-tra-thanh-pho", "bao-cao-hoi-nghi",
                                                                     "dan-chu", "bao-cao-thang", "phu-luc-ho-so")} <= goldens
    assert {p.relative_to(ROOT).as_posix() for p in LAYOUTS} >= {"templates/quoc-gia/bo-cuc.docx",
                                                                 "templates/ha-tinh/bo-cuc.docx"}
    assert {p.relative_to(FORMATS).as_posix() for p in FORMS} >= {
        "bao-cao-thang/mau/bao-cao-thang.docx", "phu-luc-ho-so/mau/phu-luc-ho-so.docx",
        "bao-cao-thang/chen-van-ban/mau/bao-cao-thang.docx", "bao-cao-thang/chen-van-ban/chi-tiet.docx"}
    prebuilt = {path.read_text(encoding="utf-8").strip() for path in PREBUILT_DIR.glob("checked-*")}
    assert {(builtin_templates_dir() / name).resolve() for name in prebuilt} == {p.resolve() for p in LAYOUTS}


# --- the schema's order, as writers insert and lint checks it --------------------------------------------------


def _element(xml: str):
    """An element from XML whose first tag lacks the w: namespace declaration."""
    end = xml.index(">")
    return etree.fromstring(f"{xml[:end]} {W_DECL.decode()}{xml[end:]}")


def _names(element) -> list[str]:
    return [child.tag[len(W):] for child in element]


def test_put_child_inserts_where_the_schema_wants_and_replaces_a_child_that_may_not_repeat():
    tbl_pr = _element('<w:tblPr><w:tblStyle w:val="a"/><w:tblW w:w="0"/><w:jc w:val="center"/>'
                      '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr>')
    ooxml_order.put_child(tbl_pr, tbl_pr.makeelement(W + "tblBorders", {}))
    assert _names(tbl_pr) == ["tblStyle", "tblW", "jc", "tblBorders", "tblLayout", "tblLook"]
    ooxml_order.put_child(tbl_pr, tbl_pr.makeelement(W + "jc", {W + "val": "left"}))
    assert _names(tbl_pr) == ["tblStyle", "tblW", "jc", "tblBorders", "tblLayout", "tblLook"]
    assert tbl_pr.find(W + "jc").get(W + "val") == "left"
    # A run's properties with an extension element (w14:…) at their end: a w: property goes before it.
    r_pr = _element('<w:rPr><w:b/><w14:glow xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"/>'
                    '</w:rPr>')
    ooxml_order.put_child(r_pr, r_pr.makeelement(W + "vertAlign", {}))
    ooxml_order.put_child(r_pr, r_pr.makeelement(W + "rStyle", {}))
    assert [c.tag.rsplit("}", 1)[1] for c in r_pr] == ["rStyle", "b", "vertAlign", "glow"]


def test_misordered_finds_what_the_schema_does_not_allow_and_nothing_else():
    body = _element('<w:body><w:tbl><w:tblPr><w:tblW w:w="0"/><w:tblLook w:val="04A0"/><w:tblBorders/>'
                    '<w:jc w:val="left"/></w:tblPr><w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr></w:tr></w:tbl>'
                    '<w:p><w:pPr><w:jc w:val="left"/><w:jc w:val="left"/></w:pPr></w:p>'
                    '<w:sectPr><w:footerReference/><w:headerReference/><w:pgSz/><w:titlePg/><w:pgNumType/></w:sectPr>'
                    '</w:body>')
    found = [(p.parent_name, p.name, p.after, p.repeated) for p in ooxml_order.misordered(body)]
    # trPr is a choice (any order); header and footer references share one place; a repeated jc is reported.
    assert found == [("tblPr", "tblBorders", ("tblLook",), False), ("tblPr", "jc", ("tblLook", "tblBorders"), False),
                     ("pPr", "jc", (), True), ("sectPr", "pgNumType", ("titlePg",), False)]


def test_lint_reports_a_layout_whose_table_borders_come_after_the_table_look(tmp_path):
    """The mistake the shipped layout had (python-docx appends w:tblBorders after w:tblLook): reported by part,
    table and the text of that table, in the order a template author reads the layout."""
    def misordered(data):
        return re.sub(rb"(<w:tblBorders>.*?</w:tblBorders>)(.*?)(<w:tblLook [^>]*/>)", rb"\2\3\1", data, count=1,
                      flags=re.DOTALL)

    layout = layout_variant(tmp_path / "bo-cuc", in_part("word/document.xml", misordered))
    result = run_cli("lint", layout)
    assert result.exit_code == 1
    assert result.output == (
        f"{layout}: lỗi: thân văn bản (word/document.xml), bảng 1: trong w:tblPr, w:tblBorders đứng sau "
        "w:tblLayout, w:tblLook, sai thứ tự lược đồ Office Open XML quy định (ECMA-376, CT_TblPr): Microsoft Word "
        "có thể báo tệp có nội dung không đọc được hoặc tự sửa lại tệp (LibreOffice thì vẫn mở); đưa w:tblBorders "
        "lên trước w:tblLayout, w:tblLook\n"
        "    «{%p if co_quan_chu_quan %}{{ co_quan_chu_quan }}{%p endif %}…»\n"
        f"Đã kiểm tra {layout}: 1 lỗi\n")
    # and so does the independent validator
    assert [e.split(" ", 1)[1] for e in validation_errors(layout.read_bytes(), tmp_path)] == [
        "/document[1]/body[1]/tbl[1]/tblPr[1] tblBorders: Unexpected element 'tblBorders' found [schema]"]


def test_lint_warns_of_on_off_only_properties_with_a_value_the_schema_refuses(tmp_path):
    """LibreOffice writes w:val="true" on a row's w:cantSplit, where the schema takes only "on" or "off"; a row's
    w:hidden is an ordinary on/off property (true is fine), and w:cantSplit without a value means on."""
    def change(name, data):
        if name == "word/document.xml":  # the header table's two rows
            data = data.replace(b"<w:tr><w:tc>", b'<w:tr><w:trPr><w:hidden w:val="true"/><w:cantSplit w:val="true"/>'
                                b"</w:trPr><w:tc>", 1)
            data = data.replace(b"<w:tr><w:tc>", b'<w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="off"/></w:trPr>'
                                b"<w:tc>", 1)
            return data.replace(b"<w:trPr><w:cantSplit/></w:trPr>", b'<w:trPr><w:cantSplit w:val="false"/></w:trPr>', 1)
        if name == "word/styles.xml":  # the first style, Normal
            return data.replace(b"<w:qFormat/>", b'<w:qFormat w:val="1"/>', 1)
        return data

    layout = layout_variant(tmp_path / "bo-cuc", change)
    result = run_cli("lint", layout)
    assert result.exit_code == 0  # warnings: Word opens such a file
    problems = [line.split(": cảnh báo: ", 1)[1] for line in result.output.splitlines() if ": cảnh báo: " in line]
    assert problems == [
        'thân văn bản (word/document.xml), bảng 1, hàng 1: trong w:trPr, w:cantSplit ghi w:val="true": lược đồ '
        'Office Open XML chỉ cho "on" hoặc "off" ở thuộc tính này (CT_OnOffOnly); Microsoft Word vẫn mở '
        'được, nhưng công cụ kiểm tra của Office báo lỗi; sửa thành w:val="on" hoặc bỏ thuộc tính w:val (nghĩa là on)',
        'thân văn bản (word/document.xml), bảng 2, hàng 1: trong w:trPr, w:cantSplit ghi w:val="false": lược đồ '
        'Office Open XML chỉ cho "on" hoặc "off" ở thuộc tính này (CT_OnOffOnly); Microsoft Word vẫn mở '
        'được, nhưng công cụ kiểm tra của Office báo lỗi; sửa thành w:val="off"',
        "các kiểu định dạng (word/styles.xml), kiểu 'Normal': trong w:style, w:qFormat ghi w:val=\"1\": lược đồ "
        'Office Open XML chỉ cho "on" hoặc "off" ở thuộc tính này (CT_OnOffOnly); Microsoft Word vẫn mở '
        'được, nhưng công cụ kiểm tra của Office báo lỗi; sửa thành w:val="on" hoặc bỏ thuộc tính w:val (nghĩa là on)']
    assert result.output.endswith(f"Đã kiểm tra {layout}: 3 cảnh báo\n")
    # the independent validator finds the same three, and nothing in the rows' other properties
    found = validation_errors(layout.read_bytes(), tmp_path)
    assert sorted(e.split(" ")[1].rsplit("/", 1)[1] for e in found) == ["cantSplit[1]", "cantSplit[1]", "qFormat[1]"], found
    assert all("Invalid value for attribute 'val'" in e for e in found), found


def test_a_form_saved_by_libreoffice_gives_documents_with_on_where_it_wrote_true(tmp_path):
    """The form's heading row says w:tblHeader w:val="true" (lint warns); the document made from it says "on"."""
    variant = FORMATS / "bao-cao-thang" / "bien-the" / "libreoffice"
    with zipfile.ZipFile(variant / "bao-cao-thang.docx") as form:
        assert b'<w:tblHeader w:val="true"/>' in form.read("word/document.xml")
    data = rendered(tmp_path, FORMATS / "bao-cao-thang" / "du-lieu.yaml", "--templates", variant,
                    "--templates", FORMATS / "bao-cao-thang" / "mau")
    with zipfile.ZipFile(tmp_path / "out.docx") as document:
        body = document.read("word/document.xml")
    assert b'<w:tblHeader w:val="on"/>' in body and b'<w:cantSplit w:val="on"/>' in body and b'w:val="true"' not in body
    assert validation_errors(data, tmp_path) == []


def test_lint_reports_a_word_form_whose_run_properties_are_out_of_order(tmp_path):
    """A Word form is linted the same way: here a run of the signature table with its size before its bold."""
    folder = tmp_path / "mau"
    folder.mkdir()
    source = FORMATS / "bao-cao-thang" / "mau"
    for path in source.iterdir():
        if path.name != "bao-cao-thang.docx":
            (folder / path.name).write_bytes(path.read_bytes())
    with zipfile.ZipFile(source / "bao-cao-thang.docx") as original, \
            zipfile.ZipFile(folder / "bao-cao-thang.docx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "word/document.xml":
                data = re.sub(rb"<w:rPr>(<w:rFonts [^>]*/>)(<w:b/>)(<w:sz [^>]*/>)", rb"<w:rPr>\1\3\2", data, count=1)
            out.writestr(info, data)
    result = run_cli("lint", "--templates", folder)
    assert result.exit_code == 1
    form = folder / "bao-cao-thang.docx"
    assert result.output == (
        f"{form}: lỗi: thân văn bản (word/document.xml), bảng 1, hàng 1, ô 1, đoạn 5: trong w:rPr, w:b đứng sau w:sz, "
        "sai thứ tự lược đồ Office Open XML quy định (ECMA-376, CT_RPr): Microsoft Word có thể báo tệp có nội dung "
        "không đọc được hoặc tự sửa lại tệp (LibreOffice thì vẫn mở); đưa w:b lên trước w:sz\n"
        "    «{{ dong }}»\n"
        "Đã kiểm tra 6thang, 9thang, bao-cao-thang, ke-hoach, kiem-tra, nam, quy, tong-hop: 1 lỗi\n")


# --- render refuses a package whose relationships point at nothing ---------------------------------------------

DATA = EXAMPLES / "thach-quy-q3-2024.yaml"
OLD = b"the previous output"
UNOPENABLE = "; Word và LibreOffice không mở được văn bản làm từ bố cục này\n"


def refused(layout: Path, tmp_path: Path) -> str:
    out = tmp_path / "out.docx"
    out.write_bytes(OLD)
    result = run_cli("render", DATA, "--templates", layout.parent, "-o", out)
    assert result.exit_code == 1
    assert out.read_bytes() == OLD
    return result.output


def test_render_refuses_a_layout_whose_relationship_names_a_missing_picture(tmp_path):
    picture = (b'<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
               b'image" Target="media/image1.png"/></Relationships>')
    layout = layout_variant(tmp_path / "bo-cuc", in_part("word/_rels/document.xml.rels",
                                                         lambda data: data.replace(b"</Relationships>", picture)))
    assert refused(layout, tmp_path) == (
        f"Lỗi: tệp bố cục {layout}: word/_rels/document.xml.rels: quan hệ 'rId90' trỏ tới phần word/media/image1.png, "
        f"nhưng tệp không có phần này (đã bị xóa hoặc đổi tên){UNOPENABLE}")


def test_render_refuses_a_layout_whose_footnotes_use_a_relationship_they_do_not_have(tmp_path):
    """A dangling r:id outside the document, headers and footers (a link in the layout's own footnotes)."""
    footnotes = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes ' + W_DECL
                 + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                 b'<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 b'<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:hyperlink r:id="rId77"><w:r>'
                 b'<w:continuationSeparator/></w:r></w:hyperlink></w:p></w:footnote></w:footnotes>')

    def declared(name, data):
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rId91" Type="http://schemas.openxmlformats.org/'
                                b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
        return data

    layout = layout_variant(tmp_path / "bo-cuc", declared, add={"word/footnotes.xml": footnotes})
    assert refused(layout, tmp_path) == (
        f"Lỗi: tệp bố cục {layout}: word/footnotes.xml dùng quan hệ 'rId77' nhưng tệp không có phần "
        f"word/_rels/footnotes.xml.rels khai báo các quan hệ của nó{UNOPENABLE}")
