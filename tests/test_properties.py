"""Property tests (issue 7.2): random valid data renders; random text prints exactly as written.

The data is built by hand along the JSON Schema's structure (hypothesis strategies): random Vietnamese and other
Unicode text in the text fields, random figures within their ranges, random nested subsections, lists, tables
and footnotes. Every example must render to a .docx that python-docx opens, with as many footnotes as the .md;
random strings put into text fields must come out verbatim in both (in .md after undoing its backslash escapes).
When LibreOffice is installed, the rendered examples of data_examples/ are converted to PDF to prove they open.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, W
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from cchc_docgen import output, pipeline
from cchc_docgen.composing.inline import escape as inline_escape
from cchc_docgen.templating.library import TemplateLibrary

SETTINGS = settings(max_examples=int(os.environ.get("DOCGEN_PROPERTY_EXAMPLES", "15")), deadline=None,
                    database=None, derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LIBRARY = TemplateLibrary()

# --- text ------------------------------------------------------------------------------------------------------

VIETNAMESE = ("Ủy ban nhân dân phường xã đặc khu cải cách hành chính thủ tục hồ sơ trực tuyến chính quyền số "
              "Nghị định Thông tư Quyết định năm quý tháng ngày đạt tỷ lệ hoàn thành đúng hạn quá hạn ưu điểm "
              "tồn tại hạn chế nguyên nhân phương hướng kiến nghị Hà Tĩnh Thạch Quý Quảng Ninh Đông Sơn").split()
# What a text field may hold: any printable character (no controls, surrogates, private-use or unassigned code
# points, no line or paragraph separators: a text is one paragraph).
CHARACTERS = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
MARKUP_LIKE = st.sampled_from(["*", "**", "^", "^[", "]", "{=", "{{ x }}", "{% if %}", "\\", "<", ">", "&", "&amp;",
                               "#", "- ", "+ ", "|", "_", "`", "~", '"', "'", "{", "}", "./.", "%", "1.", ":"])
WORDS = st.lists(st.sampled_from(VIETNAMESE), min_size=1, max_size=8).map(" ".join)
PIECES = st.one_of(WORDS, st.text(CHARACTERS, min_size=1, max_size=12), MARKUP_LIKE)


def _tidy(text: str) -> str:
    # Whitespace at either end is not part of a paragraph, and runs of it are not kept the same way everywhere.
    return re.sub(r"\s+", " ", text).strip()


RAW_TEXT = st.lists(PIECES, min_size=1, max_size=6).map(" ".join).map(_tidy).filter(bool)
# Plain words: for the fields the pipeline reshapes (capitals, trailing punctuation) and the structure test.
PLAIN = st.lists(st.sampled_from(VIETNAMESE), min_size=1, max_size=6).map(" ".join)


def marked_up(draw) -> tuple[str, int]:
    """A paragraph in the ward's inline syntax and how many footnotes it has."""
    parts, notes = [], 0
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["plain", "bold", "italic", "note", "sup"]))
        words = draw(PLAIN)
        if kind == "bold":
            parts.append(f"**{words}**")
        elif kind == "italic":
            parts.append(f"*{words}*")
        elif kind == "note":
            parts.append(f"{words}^[{draw(PLAIN)}]")
            notes += 1
        elif kind == "sup":
            parts.append(f"{words} m^2^")
        else:
            parts.append(words)
    return " ".join(parts), notes


@st.composite
def marked_text(draw) -> str:
    return marked_up(draw)[0]


# --- data along the schema --------------------------------------------------------------------------------------

SECTIONS = ["chi_dao", "van_ban_chi_dao", "ke_hoach", "kiem_tra", "tuyen_truyen", "nhiem_vu_duoc_giao", "sang_kien",
            "chi_dao_khac", "ket_qua", "the_che", "tthc", "bo_may", "cong_vu", "tai_chinh_cong", "chinh_quyen_so",
            "ket_qua_khac", "danh_gia", "uu_diem", "ton_tai", "nguyen_nhan", "phuong_huong", "kien_nghi"]
COUNT = st.integers(0, 100_000)


@st.composite
def ratio(draw):
    tong = draw(st.integers(1, 10_000))
    return {"dat": draw(st.integers(0, tong)), "tong": tong}


@st.composite
def figures(draw):
    so_lieu = {}
    if draw(st.booleans()):
        de_ra = draw(st.integers(1, 200))
        so_lieu["nhiem_vu_ke_hoach"] = {"de_ra": de_ra, "hoan_thanh": draw(st.integers(0, de_ra))}
    if draw(st.booleans()):
        so_lieu["nhiem_vu_duoc_giao"] = {k: draw(st.integers(0, 50)) for k in ("truoc_han", "dung_han", "trong_han", "qua_han")}
    if draw(st.booleans()):
        tiep_nhan = draw(COUNT)
        da = draw(st.integers(0, tiep_nhan))
        so_lieu["ho_so"] = {"tiep_nhan": tiep_nhan, "da_giai_quyet": da, "dung_han": draw(st.integers(0, da)),
                            "theo_linh_vuc": {draw(PLAIN): draw(st.integers(0, da))}}
    if draw(st.booleans()):
        tong = draw(st.integers(1, 60))
        so_lieu["can_bo"] = {"tong": tong, "dat_chuan": draw(st.integers(0, tong)), "chu_thich": draw(PLAIN)}
    if draw(st.booleans()):
        so_lieu["dich_vu_cong"] = {"toan_trinh": draw(ratio()), "thanh_toan": draw(ratio())}
    return so_lieu


@st.composite
def table(draw, cell_text):
    columns = draw(st.integers(1, 5))
    rows = [[draw(st.one_of(cell_text, st.integers(0, 10**9))) for _ in range(columns)]
            for _ in range(draw(st.integers(1, 4)))]
    spec = {"dong": rows}
    if draw(st.booleans()):
        spec["dau"] = [[draw(PLAIN) for _ in range(columns)]]
    if draw(st.booleans()):
        spec["tieu_de"] = draw(cell_text)
    if draw(st.booleans()):
        spec["do_rong"] = [draw(st.integers(1, 9)) for _ in range(columns)]
    if columns > 1 and draw(st.booleans()):  # a header cell over two columns
        spec["dau"] = [[{"nd": draw(PLAIN), "gop_cot": 2}] + [draw(PLAIN) for _ in range(columns - 2)]]
    return {"bang": spec}


@st.composite
def blocks(draw, depth=0):
    """A section's content: paragraphs (with markup and footnotes), list items, subsections, tables."""
    items = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "text", "list", "muc", "bang"] if depth < 2 else ["text", "list", "bang"]))
        if kind == "text":
            items.append(marked_up(draw)[0])
        elif kind == "list":
            items.append(draw(st.sampled_from(["- ", "+ "])) + marked_up(draw)[0])
        elif kind == "muc":
            sub = {"muc": draw(PLAIN), "noi_dung": draw(blocks(depth + 1))}
            if draw(st.booleans()):
                sub["danh_so"] = False
            items.append(sub)
        else:
            items.append(draw(table(marked_text())))
    return items


@st.composite
def report(draw):
    loai = draw(st.sampled_from(["quy", "6thang", "9thang", "nam"]))
    nam = draw(st.integers(2000, 2100))
    data = {
        "mau": loai,
        "co_quan": {"ten": ["Ủy ban nhân dân", "phường " + draw(PLAIN)], "ten_goi": "UBND phường " + draw(PLAIN)},
        "van_ban": {"dia_danh": draw(PLAIN)},
        "ky_bao_cao": {"loai": loai, "nam": nam},
        "nguoi_ky": {"tham_quyen": ["TM. Ủy ban nhân dân", "KT. Chủ tịch"], "chuc_vu": "Phó Chủ tịch",
                     "ho_ten": draw(PLAIN)},
    }
    if loai == "quy":
        data["ky_bao_cao"]["so"] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        data["van_ban"]["so"] = draw(st.integers(1, 9999))
    if draw(st.booleans()):
        data["co_quan"]["chu_quan"] = "UBND thành phố " + draw(PLAIN)
    if draw(st.booleans()):
        data["kinh_gui"] = draw(st.lists(PLAIN, min_size=1, max_size=3))
    if draw(st.booleans()):
        data["noi_nhan"] = {"danh_sach": draw(st.lists(PLAIN, min_size=1, max_size=4)), "luu": "VT"}
    data["so_lieu"] = draw(figures())
    chosen = draw(st.lists(st.sampled_from(SECTIONS), min_size=1, max_size=6, unique=True))
    data["noi_dung"] = {key: draw(blocks()) for key in chosen}
    return data


# --- reading the outputs -------------------------------------------------------------------------------------

def render_both(data: dict, folder: Path) -> tuple[Path, Path]:
    source = folder / "du-lieu.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    outputs = []
    for fmt in ("docx", "md"):
        target = folder / f"out.{fmt}"
        output.write_atomically(target, pipeline.Pipeline(library=LIBRARY).render(source, None, fmt).content)
        outputs.append(target)
    return outputs[0], outputs[1]


def docx_footnotes(path: Path) -> tuple[int, int]:
    """(references in the body, footnotes defined), separators left out."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        names = archive.namelist()
        notes = etree.fromstring(archive.read("word/footnotes.xml")) if "word/footnotes.xml" in names else None
    references = len(list(body.iter(W + "footnoteReference")))
    defined = 0 if notes is None else sum(1 for n in notes.iter(W + "footnote") if n.get(W + "type") is None)
    return references, defined


def md_footnotes(text: str) -> int:
    return len(re.findall(r"^\[\^\d+\]: ", text, re.M))


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in ("word/document.xml", "word/footnotes.xml") if n in archive.namelist()]
        roots = [etree.fromstring(archive.read(n)) for n in parts]
    return "\n".join("".join(t.text or "" for t in p.iter(W + "t")) for root in roots for p in root.iter(W + "p"))


def md_unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@SETTINGS
@given(data=report())
def test_random_valid_data_renders_and_footnotes_agree(data):
    import docx

    with tempfile.TemporaryDirectory() as folder:
        docx_path, md_path = render_both(data, Path(folder))
        docx.Document(str(docx_path))  # python-docx opens it
        references, defined = docx_footnotes(docx_path)
        md = md_path.read_text(encoding="utf-8")
        assert references == defined == md_footnotes(md)
        written = sum(text.count("^[") for text in _texts(data["noi_dung"]))
        assert references >= written


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


# The organ's name ends the closing sentence, where "./." takes the place of a final full stop (by design).
ORGAN = RAW_TEXT.map(lambda text: text.rstrip(" .")).filter(bool)


@SETTINGS
@given(paragraph=RAW_TEXT, title=RAW_TEXT, cell=RAW_TEXT, note=RAW_TEXT, caption=RAW_TEXT, name=RAW_TEXT,
       organ=ORGAN, subject=RAW_TEXT)
def test_random_strings_print_verbatim(paragraph, title, cell, note, caption, name, organ, subject):
    """Text in the ward's fields is written in the inline syntax (escaped with its own escape()); the header
    fields take text as it is. Either way the very string must come out in the .docx and the .md."""
    data = {
        "mau": "quy",
        "co_quan": {"ten": ["Ủy ban nhân dân", "phường A"], "ten_goi": organ},
        "van_ban": {"dia_danh": "A", "trich_yeu": subject},
        "ky_bao_cao": {"loai": "quy", "so": 2, "nam": 2025},
        "nguoi_ky": {"chuc_vu": "Chủ tịch", "ho_ten": name},
        "noi_dung": {"the_che": [
            inline_escape(paragraph),
            "Có chú thích^[" + inline_escape(note) + "]",
            {"muc": inline_escape(title), "noi_dung": ["Nội dung mục."]},
            {"bang": {"tieu_de": inline_escape(caption), "dong": [[inline_escape(cell), 1]]}},
        ]},
    }
    with tempfile.TemporaryDirectory() as folder:
        docx_path, md_path = render_both(data, Path(folder))
        in_docx = docx_text(docx_path)
        in_md = md_unescaped(md_path.read_text(encoding="utf-8"))
    for text in (paragraph, title, cell, note, caption, name, organ, subject):
        text = unicodedata.normalize("NFC", text)  # the loader composes text (NFD as macOS writes it: issue 13)
        assert text in in_docx, text
        assert text in in_md, text


@pytest.mark.parametrize("text, written", [("\\# Không phải đề mục", "# Không phải đề mục"),
                                           ("1. Không phải danh sách", "1. Không phải danh sách"),
                                           ("\\- Không phải liệt kê", "- Không phải liệt kê"),
                                           ("---", "---")])
def test_a_paragraph_never_turns_into_markdown_structure(text, written):
    data = {"mau": "quy", "co_quan": {"ten": ["Ủy ban nhân dân", "phường A"], "ten_goi": "UBND phường A"},
            "van_ban": {"dia_danh": "A"}, "ky_bao_cao": {"loai": "quy", "so": 1, "nam": 2025},
            "nguoi_ky": {"chuc_vu": "Chủ tịch", "ho_ten": "B"}, "noi_dung": {"the_che": [text]}}
    with tempfile.TemporaryDirectory() as folder:
        _, md_path = render_both(data, Path(folder))
        lines = md_path.read_text(encoding="utf-8").splitlines()
    assert written not in lines, f"{written!r} stands as a Markdown line of its own"


# --- LibreOffice opens the rendered examples -------------------------------------------------------------------

def test_libreoffice_opens_every_rendered_example(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot prove the .docx files open in it")
    examples = sorted(EXAMPLES.glob("*.yaml"))
    documents = []
    for example in examples:
        target = tmp_path / f"{example.stem}.docx"
        output.write_atomically(target, pipeline.Pipeline(library=TemplateLibrary()).render(example).content)
        documents.append(target)
    profile = tmp_path / "lo-profile"
    result = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                             "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, documents)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for document in documents:
        pdf = tmp_path / "pdf" / f"{document.stem}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000, document.name


# --- any damage to a valid file: a located message, never an internal error -------------------------------------

VALID_TEXT = (Path(__file__).resolve().parent / "bad_inputs" / "valid.yaml").read_text(encoding="utf-8") + (
    "so_lieu:\n  ho_so: {tiep_nhan: 12, da_giai_quyet: 10}\nnoi_dung:\n  the_che:\n    - Đoạn **đậm**^[chú thích].\n"
    "    - bang: {dau: [[A, B]], dong: [[1, {nd: x, gop_cot: 1}]]}\n")
DAMAGE = st.text(st.sampled_from(list(":-[]{}&*!|>'\"#%@`,? \t\n\\^=0123456789aăđ") + ["\x07", "\ufeff", "\x85"]),
                 min_size=1, max_size=6)


@SETTINGS
@given(cuts=st.lists(st.tuples(st.integers(0, len(VALID_TEXT)), st.integers(0, 4), DAMAGE), min_size=1, max_size=4))
def test_damaged_data_gives_a_message_not_an_internal_error(cuts):
    from cchc_docgen.errors import DocgenError

    text = VALID_TEXT
    for at, drop, insert in cuts:
        text = text[:at] + insert + text[at + drop:]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "hong.yaml"
        source.write_text(text, encoding="utf-8")
        for fmt in ("docx", "md"):
            try:
                pipeline.Pipeline(library=LIBRARY).render(source, None, fmt)
            except DocgenError as exc:
                assert str(exc).strip()


@settings(max_examples=500, deadline=None, database=None, derandomize=bool(os.environ.get("CI")))
@given(st.text(alphabet="yYnNtTfFoOeElLsSuUrR0123456789.-+_:~ xễ<=", max_size=9))
def test_resolver_agrees_with_the_core_schema_regexps(word):
    """The first-character dispatch and the length test of _plain_tag change no tag: every rule tried on every
    word gives the same."""
    import re

    import yaml

    from cchc_docgen.reading import loader

    expected = next((tag for tag, pattern, _ in loader._CORE_RULES if re.match(pattern, word)),
                    "tag:yaml.org,2002:str") if word else "tag:yaml.org,2002:null"
    assert loader._Loader("").resolve(yaml.ScalarNode, word, (True, False)) == expected


