"""Broken or hostile input never crashes, hangs or corrupts (issue 7.1, 7.4).

The corpus is `tests/bad_inputs/` and its manifest `cases.yaml`: each case runs the real `docgen` command and must
answer with its Vietnamese message and exit code, with no traceback, within a few seconds, leaving the input,
an existing output file and the folder as they were (no temporary file). Then: text that looks like XML or Jinja
prints verbatim in .docx and .md, footnotes appear with a layout that has no footnotes part, and a failed or
interrupted write leaves the old file intact.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import (  # noqa: F401 (re-exported)
    BASE_LAYOUT,
    EXAMPLES,
    ROOT,
    W,
    layout_variant,
    posix_only,
    with_body_xml,
)
from lxml import etree

from cchc_docgen import output, pipeline
from cchc_docgen.cli import main
from cchc_docgen.errors import DocgenError

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
OLD_OUTPUT = b"the previous output, which must survive"
TIME_LIMIT = 10  # seconds: far above what any case takes; only a hang reaches it


@contextlib.contextmanager
def deadline(seconds: float):
    """Fail (TimeoutError) instead of hanging when the block runs longer than `seconds` (Unix)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def invoke(*args):
    """Run docgen in-process; an exception of ours is caught (not raised) so the test can say it leaked."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)


def leftovers(folder: Path) -> list[Path]:
    """Temporary files a write left behind (output.write_atomically names them '.NAME.*.tmp')."""
    return [p for p in folder.rglob(".*.tmp")]


# --- inputs made by the tests (too big, or derived from the current base layout) ----------------------------

def valid_copy(folder: Path) -> Path:
    data = folder / "valid.yaml"
    shutil.copy(CORPUS / "valid.yaml", data)
    return data


def generate_nothing(folder: Path, out: Path):
    return None


def generate_huge_file(folder: Path, out: Path) -> Path:
    data = folder / "huge.yaml"
    with data.open("w", encoding="utf-8") as handle:
        handle.write((CORPUS / "valid.yaml").read_text(encoding="utf-8"))
        line = "# " + "x" * 1022 + "\n"
        for _ in range(21 * 1024):
            handle.write(line)
    return data


def generate_big_text(folder: Path, out: Path) -> Path:
    data = folder / "big-text.yaml"
    text = (CORPUS / "valid.yaml").read_text(encoding="utf-8")
    size = 10 * 1024 * 1024
    unit = "Cải cách hành chính <&> {{ x }} *nghiêng ^[chú "
    field = (unit * (size // len(unit) + 1))[:size]
    data.write_text(text + f'noi_dung:\n  the_che:\n    - "{field}"\n', encoding="utf-8")
    return data


def generate_deep_nesting(folder: Path, out: Path) -> Path:
    path = folder / "deep.yaml"
    text = valid_copy(folder).read_text(encoding="utf-8")
    path.write_text(text + "\nphu_luc_rong: " + "[" * 800 + "]" * 800 + "\n", encoding="utf-8")
    return path


def generate_deeper_than_libyaml(folder: Path, out: Path) -> Path:
    path = folder / "deeper.yaml"
    path.write_text("a: " + "[" * 1200 + "]" * 1200 + "\n", encoding="utf-8")
    return path


def generate_truncated_layout(folder: Path, out: Path) -> Path:
    (folder / "layout").mkdir()
    content = BASE_LAYOUT.read_bytes()
    (folder / "layout" / "bo-cuc.docx").write_bytes(content[: len(content) // 2])
    return valid_copy(folder)


def generate_zip_bomb_layout(folder: Path, out: Path) -> Path:
    """A layout whose word/document.xml inflates to 256 MiB (about 1 MB on disk)."""
    (folder / "layout").mkdir()
    with zipfile.ZipFile(folder / "layout" / "bo-cuc.docx", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b" " * (1 << 20)
            for _ in range(256):
                part.write(block)
    return valid_copy(folder)


def generate_layout_syntax_error(folder: Path, out: Path) -> Path:
    layout_variant(folder / "layout", with_body_xml(b"<w:p><w:r><w:t>{% if %}</w:t></w:r></w:p>"))
    return valid_copy(folder)


def generate_layout_internals(folder: Path, out: Path) -> Path:
    layout_variant(folder / "layout", with_body_xml(
        b"<w:p><w:r><w:t>{{ ho_ten.__class__.__mro__[1].__subclasses__() }}</w:t></w:r></w:p>"))
    return valid_copy(folder)


def with_catalog(folder: Path, catalog: str, so_lieu: str) -> Path:
    """A templates folder `mau` with the Phụ lục catalog `vong`, and valid data that fills it in."""
    (folder / "mau" / "phu-luc").mkdir(parents=True)
    (folder / "mau" / "phu-luc" / "vong.yaml").write_text(catalog, encoding="utf-8")
    data = folder / "data.yaml"
    data.write_text((CORPUS / "valid.yaml").read_text(encoding="utf-8")
                    + f"phu_luc:\n  - bieu: vong\n    so_lieu: {so_lieu}\n", encoding="utf-8")
    return data


def generate_ratio_cycle(folder: Path, out: Path) -> Path:
    return with_catalog(folder, "tieu_de: Vòng\nchi_tieu:\n"
                                "  - ma: a\n    ten: Dòng a\n    ty_le: [b, c]\n"
                                "  - ma: b\n    ten: Dòng b\n    ty_le: [a, c]\n"
                                "  - {ma: c, ten: Dòng c}\n", "{c: 5}")


def generate_total_cycle(folder: Path, out: Path) -> Path:
    return with_catalog(folder, "tieu_de: Vòng\nchi_tieu:\n"
                                "  - ma: tong_ho_so\n    ten: Tổng hồ sơ\n    tong: con\n    con:\n"
                                "      - {ma: x, ten: Hồ sơ x}\n"
                                "      - {ma: ty_le_x, ten: Tỷ lệ x, ty_le: [x, tong_ho_so]}\n", "{x: 5}")


def generate_ratio_unknown_row(folder: Path, out: Path) -> Path:
    return with_catalog(folder, "tieu_de: Vòng\nchi_tieu:\n"
                                "  - ma: a\n    ten: Dòng a\n    ty_le: [c, khong_co]\n"
                                "  - {ma: c, ten: Dòng c}\n", "{c: 5}")


def generate_read_only_output(folder: Path, out: Path) -> Path:
    out.chmod(0o444)
    return valid_copy(folder)


def generate_fifo(folder: Path, out: Path) -> Path:
    path = folder / "du-lieu.yaml"
    os.mkfifo(path)
    return path


def generate_socket(folder: Path, out: Path) -> Path:
    import socket

    path = folder / "du-lieu.yaml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def generate_symlink_loop(folder: Path, out: Path) -> Path:
    path = folder / "du-lieu.yaml"
    (folder / "vong.yaml").symlink_to(path)
    path.symlink_to(folder / "vong.yaml")
    return path


def generate_word_report_as_data(folder: Path, out: Path) -> Path:
    """A clerk's Word report given where the data goes ("docgen render bao-cao.docx"): its default output would
    be itself."""
    path = folder / "bao-cao.docx"
    shutil.copy(EXAMPLES.parent / "tests" / "golden" / "thach-quy-q3-2024.docx", path)
    return path


def generate_excel_bieu_as_data(folder: Path, out: Path) -> Path:
    path = folder / "bieu.xlsx"
    assert invoke("nhap-bieu", path, "--mau-trong").exit_code == 0
    return path


def generate_word_97_as_data(folder: Path, out: Path) -> Path:
    path = folder / "bao-cao.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE2 header, as Word 97 writes
    return path


def generate_pdf_as_data(folder: Path, out: Path) -> Path:
    path = folder / "bao-cao.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    return path


def case_param(case):
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
    return pytest.param(case, id=case["name"], marks=marks)


@pytest.mark.parametrize("case", [case_param(case) for case in CASES])
def test_bad_input_is_refused_cleanly(tmp_path, case):
    # the existing output the case must leave untouched, named for the format the case asks for (a name that
    # says another format than -f is a usage error of its own)
    args = [str(arg) for arg in case["args"]]
    fmt = args[args.index("-f") + 1] if "-f" in args[:-1] else "docx"
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(OLD_OUTPUT)
    if "generate" in case:
        data = globals()["generate_" + case["generate"]](tmp_path, out)
    else:
        data = tmp_path / case["file"]
        shutil.copy(CORPUS / case["file"], data)
    before = data.read_bytes() if data and data.is_file() else None
    fill = {"file": data, "out": out, "dir": tmp_path, "layouts": CORPUS / "layouts"}
    args = [arg.format(**fill) if isinstance(arg, str) else arg for arg in case["args"]]

    started = time.monotonic()
    with deadline(TIME_LIMIT):
        result = invoke(*args)
    elapsed = time.monotonic() - started

    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in output and "lỗi nội bộ" not in output.lower(), output
    assert result.exit_code == case["exit"], output
    expected = case["message"] if isinstance(case["message"], list) else [case["message"]]
    assert any(fragment in output for fragment in expected), output
    if before is not None:
        assert data.read_bytes() == before, "the input file was changed"
    out.chmod(0o644)
    assert out.read_bytes() == OLD_OUTPUT, "the existing output file was overwritten"
    assert not leftovers(tmp_path), leftovers(tmp_path)
    assert elapsed < TIME_LIMIT


def test_the_manifest_names_existing_files_and_generators():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names))
    for case in CASES:
        assert ("file" in case) != ("generate" in case), case["name"]
        if "file" in case:
            assert (CORPUS / case["file"]).is_file(), case["file"]
        else:
            assert callable(globals().get("generate_" + case["generate"])), case["generate"]
    listed = {case.get("file") for case in CASES}
    unused = {p.name for p in CORPUS.glob("*.yaml")} - listed - {"cases.yaml", "special-text.yaml"}
    assert not unused, f"corpus files no case uses: {unused}"


def test_the_readme_names_every_section_of_the_manifest():
    """tests/bad_inputs/README.md says what docgen promises for each family of cases: a new section must be there."""
    manifest = (CORPUS / "cases.yaml").read_text(encoding="utf-8")
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    sections = [name.split(" (")[0] for name in re.findall(r"^# --- (.+?) -+$", manifest, re.M)]
    assert len(sections) > 10
    assert [name for name in sections if f'"{name}' not in readme] == []


def test_the_real_command_prints_no_traceback(tmp_path):
    """Out of process, as a clerk runs it: stderr holds the message and nothing of Python's."""
    for name in ("binary.yaml", "alias-bomb.yaml", "python-apply.yaml"):
        shutil.copy(CORPUS / name, tmp_path / name)
    result = subprocess.run([sys.executable, "-m", "cchc_docgen", "render", "binary.yaml", "alias-bomb.yaml",
                             "python-apply.yaml", "-o", "out"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "lỗi nội bộ" not in result.stderr.lower()
    assert "tệp không phải văn bản UTF-8" in result.stderr and "không hỗ trợ tham chiếu YAML" in result.stderr
    assert "không hỗ trợ thẻ YAML" in result.stderr
    assert not list((tmp_path / "out").iterdir()) and not leftovers(tmp_path)
    assert not Path("/tmp/docgen-pwned").exists()


# --- text that looks like markup prints as written --------------------------------------------------------------

VERBATIM = [
    "UBND phường <A> & {{ B }}",
    "Báo cáo {% if x %}<b>&amp;</b>{% endif %}",
    "Tổ 1 & 2 <lưu>",
    'Nguyễn "{{ 7*7 }}" & <Bình>',
    "Đoạn có a < b && c > d, {{ co_quan.ten_goi }} và {% include '/etc/passwd' %} như chữ thường.",
    "Trong chú thích: <w:t>x</w:t> & {{ '' }} {#}.",
    "Mục {{ lipsum() }} & <con>",
    "Dòng liệt kê: ${HOME} $(id) `ls` %s {0} <!-- x -->",
    "Bảng <1> & {{ 2 }}",
    "Cột <a>",
    "Cột {%raw%}b{%endraw%}",
    "x & y",
    "<tr>{{ loop.index }}</tr>",
]


def docx_texts(path: Path) -> list[str]:
    """The text of every paragraph of the body and of the footnotes, as Word shows it."""
    texts = []
    with zipfile.ZipFile(path) as archive:
        for part in ("word/document.xml", "word/footnotes.xml"):
            if part in archive.namelist():
                root = etree.fromstring(archive.read(part))
                texts += ["".join(t.text or "" for t in p.iter(W + "t")) for p in root.iter(W + "p")]
    return texts


def md_unescaped(path: Path) -> str:
    """The Markdown with the writer's backslash escapes undone."""
    return re.sub(r"\\(.)", r"\1", path.read_text(encoding="utf-8"))


def test_xml_and_jinja_looking_text_prints_verbatim(tmp_path):
    import docx

    data = CORPUS / "special-text.yaml"
    docx_path, md_path = tmp_path / "s.docx", tmp_path / "s.md"
    for path, fmt in ((docx_path, "docx"), (md_path, "md")):
        result = invoke("render", data, "-o", path, "-f", fmt)
        assert result.exit_code == 0, result.output
    docx.Document(str(docx_path))  # opens
    texts = "\n".join(docx_texts(docx_path))
    md = md_unescaped(md_path)
    for fragment in VERBATIM:
        assert fragment in texts, fragment
        assert fragment in md, fragment
    assert "root:" not in texts and "root:" not in md  # the include was not run


def test_footnotes_appear_with_a_layout_that_has_no_footnotes_part(tmp_path):
    import docx

    with zipfile.ZipFile(BASE_LAYOUT) as archive:
        assert "word/footnotes.xml" not in archive.namelist()  # the case this test is about
    layout_variant(tmp_path / "layout", lambda name, data: data)
    data = EXAMPLES / "thach-quy-q3-2024.yaml"
    out, md = tmp_path / "tq.docx", tmp_path / "tq.md"
    assert invoke("render", data, "--templates", tmp_path / "layout", "-o", out).exit_code == 0
    assert invoke("render", data, "--templates", tmp_path / "layout", "-o", md, "-f", "md").exit_code == 0
    docx.Document(str(out))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert "word/footnotes.xml" in names
        assert b"footnotes+xml" in archive.read("[Content_Types].xml")
        assert b"relationships/footnotes" in archive.read("word/_rels/document.xml.rels")
        body = etree.fromstring(archive.read("word/document.xml"))
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
    references = [r.get(W + "id") for r in body.iter(W + "footnoteReference")]
    defined = {n.get(W + "id") for n in notes.iter(W + "footnote") if n.get(W + "type") is None}
    md_notes = re.findall(r"^\[\^\d+\]:", md.read_text(encoding="utf-8"), re.M)
    assert references and len(references) == len(defined) == len(md_notes)
    assert set(references) == defined


# --- where the output goes -----------------------------------------------------------------------------------

@posix_only("a read-only folder (Windows ignores a folder's read-only mode)")
def test_read_only_output_folder(tmp_path):
    folder = tmp_path / "chi-doc"
    folder.mkdir()
    data = valid_copy(tmp_path)
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): a read-only folder is still writable")
        result = invoke("render", data, "-o", folder / "out.docx")
        assert result.exit_code == 1
        assert "không ghi được vào thư mục" in result.output and "không có quyền ghi" in result.output
        assert "Traceback" not in result.output
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


@posix_only("symbolic links (Windows needs administrator rights)")
def test_an_output_that_links_to_the_input_is_refused(tmp_path):
    data = valid_copy(tmp_path)
    before = data.read_bytes()
    link = tmp_path / "out.docx"
    link.symlink_to(data)
    result = invoke("render", data, "-o", link)
    assert result.exit_code == 1 and "tệp kết quả trùng với tệp dữ liệu" in result.output, result.output
    assert data.read_bytes() == before and link.is_symlink() and not leftovers(tmp_path)


def test_a_failed_render_never_touches_the_output(tmp_path, monkeypatch):
    """A bug in a writer (anything raised after the data was read) leaves the old file and no temporary file."""
    out = tmp_path / "out.docx"
    out.write_bytes(OLD_OUTPUT)

    def broken_writer(*args, **kwargs):
        raise RuntimeError("writer crashed half-way")

    monkeypatch.setattr(pipeline, "write", broken_writer)
    result = invoke("render", valid_copy(tmp_path), "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert out.read_bytes() == OLD_OUTPUT and not leftovers(tmp_path)


# --- 7.4: atomic writes --------------------------------------------------------------------------------------

@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch, failure, where):
    out = tmp_path / "bao-cao.docx"
    out.write_bytes(OLD_OUTPUT)

    def fail(*args, **kwargs):
        raise failure

    if where == "write":  # the file object of the temporary file: fail part-way through the content
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return self.handle.__exit__(*exc)

            def write(self, content):
                self.handle.write(content[: len(content) // 2])
                raise failure

            def __getattr__(self, name):
                return getattr(self.handle, name)

        monkeypatch.setattr(output.os, "fdopen", lambda *a, **k: HalfWriter(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(output.os, where, fail)
    expected = DocgenError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected) as raised:
        output.write_atomically(out, b"new content " * 1000)
    if expected is DocgenError:
        assert "ổ đĩa đã đầy" in str(raised.value)
    assert out.read_bytes() == OLD_OUTPUT
    assert not leftovers(tmp_path)


def test_a_write_replaces_the_file_whole_and_keeps_its_permissions(tmp_path):
    out = tmp_path / "bao-cao.md"
    out.write_bytes(OLD_OUTPUT)
    out.chmod(0o640)
    output.write_atomically(out, b"new")
    assert out.read_bytes() == b"new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert not leftovers(tmp_path)


def test_a_read_only_file_is_not_replaced(tmp_path):
    out = tmp_path / "da-ky.docx"
    out.write_bytes(OLD_OUTPUT)
    out.chmod(0o444)
    with pytest.raises(DocgenError, match="chỉ đọc"):
        output.write_atomically(out, b"new")
    out.chmod(0o644)
    assert out.read_bytes() == OLD_OUTPUT and not leftovers(tmp_path)


@pytest.mark.parametrize("winerror", [5, 32])
def test_a_document_open_in_word_is_named_as_the_cause(tmp_path, monkeypatch, winerror):
    """Windows: Word holds the .docx it shows, and replacing it fails with "access denied" (code 5) or a sharing
    violation (32), both errno EACCES. The clerk is told to close the document, not that they lack permission;
    the document and the folder are left as they were."""
    out = tmp_path / "bao-cao.docx"
    out.write_bytes(OLD_OUTPUT)

    def held_open(source, target):
        error = PermissionError(13, "Access is denied")
        error.winerror = winerror
        raise error

    monkeypatch.setattr(output, "_WINDOWS", True)
    monkeypatch.setattr(output.os, "replace", held_open)
    result = invoke("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", out)
    assert result.exit_code == 1, result.output
    assert f"không ghi được tệp {out}: tệp đang mở trong Word, Excel hoặc chương trình khác: hãy đóng tệp rồi " \
           "chạy lại lệnh" in result.output
    assert "quyền" not in result.output
    assert out.read_bytes() == OLD_OUTPUT and not leftovers(tmp_path)


def test_a_sharing_violation_is_named_wherever_it_happens():
    """Code 32 or 33 means another program holds the file, whichever step met it."""
    for code in (32, 33):
        error = PermissionError(13, "The process cannot access the file")
        error.winerror = code
        assert output.why(error) == output.HELD_OPEN
    assert output.why(PermissionError(13, "Permission denied")) == "không có quyền ghi"


def test_a_new_file_that_cannot_be_written_is_no_open_document(tmp_path, monkeypatch):
    """Only replacing an existing document points at Word: a new file refused is a matter of permission."""
    out = tmp_path / "moi.docx"

    def refused(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output, "_WINDOWS", True)
    monkeypatch.setattr(output.os, "replace", refused)
    with pytest.raises(DocgenError, match="không có quyền ghi"):
        output.write_atomically(out, b"new")
    assert not out.exists() and not leftovers(tmp_path)


def test_an_interrupted_batch_leaves_whole_files_only(tmp_path, monkeypatch):
    """Ctrl-C during the second of three writes: the first output is complete, the second keeps its old content,
    the third is not started, and no temporary file is left."""
    inputs = tmp_path / "du-lieu"
    inputs.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(CORPUS / "valid.yaml", inputs / f"{name}.yaml")
    out = tmp_path / "ket-qua"
    out.mkdir()
    (out / "b.md").write_bytes(OLD_OUTPUT)
    real_replace = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    result = invoke("render", inputs, "-o", out, "-f", "md", "-j", "1")
    assert isinstance(result.exception, KeyboardInterrupt) or result.exit_code != 0
    assert (out / "a.md").read_text(encoding="utf-8").endswith("\n")
    assert (out / "b.md").read_bytes() == OLD_OUTPUT
    assert not (out / "c.md").exists()
    assert not leftovers(tmp_path)


def test_one_bad_file_in_a_batch_spoils_nothing(tmp_path):
    inputs = tmp_path / "du-lieu"
    inputs.mkdir()
    shutil.copy(CORPUS / "valid.yaml", inputs / "a.yaml")
    shutil.copy(CORPUS / "alias-bomb.yaml", inputs / "b.yaml")
    out = tmp_path / "ket-qua"
    out.mkdir()
    (out / "b.docx").write_bytes(OLD_OUTPUT)
    result = invoke("render", inputs, "-o", out, "-j", "1")
    assert result.exit_code == 1 and "không hỗ trợ tham chiếu YAML" in result.output
    assert (out / "a.docx").read_bytes()[:2] == b"PK"
    assert (out / "b.docx").read_bytes() == OLD_OUTPUT
    assert not leftovers(tmp_path)


# --- bugs these tests found in other modules, fixed there: kept as regression tests ----------------------------

def valid_with(folder: Path, extra: str) -> Path:
    data = folder / "data.yaml"
    data.write_text((CORPUS / "valid.yaml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return data


def test_unclosed_emphasis_does_not_hang(tmp_path):
    data = valid_with(tmp_path, 'noi_dung:\n  the_che:\n    - "' + "*x " * 3400 + '"\n')
    started = time.monotonic()
    with deadline(2):
        result = invoke("render", data, "-o", tmp_path / "o.md", "-f", "md")
    assert time.monotonic() - started < 2 and result.exit_code == 0, result.output


def test_a_highly_compressed_layout_does_not_hang(tmp_path):
    tags = b"<w:p><w:r><w:t>{{ ho_ten }}</w:t></w:r></w:p>" * (2 * 1024 * 1024 // 45)
    layout_variant(tmp_path / "layout", with_body_xml(tags))
    started = time.monotonic()
    with deadline(2):
        result = invoke("render", valid_copy(tmp_path), "--templates", tmp_path / "layout", "-o", tmp_path / "o.docx")
    assert time.monotonic() - started < 2 and "lỗi nội bộ" not in result.output.lower(), result.output


def test_a_layout_part_that_is_not_utf8_is_a_template_error(tmp_path):
    layout_variant(tmp_path / "layout", lambda name, data: b"\xff\xfe{{ x }}" if name == "word/document.xml" else data)
    result = invoke("render", valid_copy(tmp_path), "--templates", tmp_path / "layout", "-o", tmp_path / "o.docx")
    assert result.exit_code == 1 and "lỗi nội bộ" not in result.output.lower(), result.output


def test_a_layout_with_broken_xml_is_refused(tmp_path):
    import docx

    layout_variant(tmp_path / "layout", with_body_xml(b"<w:p><w:r><w:t>unclosed"))
    out = tmp_path / "o.docx"
    result = invoke("render", valid_copy(tmp_path), "--templates", tmp_path / "layout", "-o", out)
    if result.exit_code == 0:
        docx.Document(str(out))
    else:
        assert "tệp bố cục" in result.output and not out.exists()


def test_a_layout_without_a_place_for_the_body_is_refused(tmp_path):
    layout_variant(tmp_path / "layout",
                   lambda name, data: data.replace(b"{{p noi_dung }}", b"") if name == "word/document.xml" else data)
    data = valid_with(tmp_path, "noi_dung:\n  the_che: [Nội dung không được mất.]\n")
    out = tmp_path / "o.docx"
    result = invoke("render", data, "--templates", tmp_path / "layout", "-o", out)
    assert result.exit_code == 1 or "Nội dung không được mất." in "\n".join(docx_texts(out))


def test_a_private_use_character_in_a_title_prints_as_written(tmp_path):
    data = valid_with(tmp_path, 'noi_dung:\n  the_che:\n    tieu_de: "Ký hiệu \\ue000 riêng"\n    noi_dung: [x]\n')
    out = tmp_path / "o.md"
    result = invoke("render", data, "-o", out, "-f", "md")
    assert result.exit_code == 0, result.output
    assert "Ký hiệu \ue000 riêng" in md_unescaped(out)


def test_a_very_long_figure_in_text_is_no_internal_error(tmp_path):
    data = valid_with(tmp_path, 'noi_dung:\n  the_che: ["đạt ' + "9" * 5000 + '/1 hồ sơ, đạt 50%"]\n')
    result = invoke("render", data, "-o", tmp_path / "o.md", "-f", "md")
    assert "lỗi nội bộ" not in result.output.lower(), result.output[:300]


def test_an_entity_looking_text_is_escaped_in_markdown(tmp_path):
    data = valid_with(tmp_path, 'noi_dung:\n  the_che: ["Viết &amp; và &lt; như chữ"]\n')
    out = tmp_path / "o.md"
    assert invoke("render", data, "-o", out, "-f", "md").exit_code == 0
    assert not re.search(r"(?<!\\)&(amp|lt);", out.read_text(encoding="utf-8"))


# --- reading the file (issue 13) ---------------------------------------------------------------------------

def test_yaml_1_1_look_alikes_print_as_written(tmp_path):
    out = tmp_path / "o.md"
    result = invoke("render", CORPUS / "yaml11-values.yaml", "-o", out, "-f", "md")
    assert result.exit_code == 0, result.output
    text = md_unescaped(out)
    assert "14:30" in text and "870" not in text
    from cchc_docgen.reading import loader

    data = loader.load(CORPUS / "yaml11-values.yaml").data
    assert data["so_lieu"]["ho_so"]["tiep_nhan"] == 17 and data["so_lieu"]["ho_so"]["da_giai_quyet"] == 15
    assert list(data["so_lieu"]["ho_so"]["theo_linh_vuc"]) == ["On", "No", "~", "true"]


def test_decomposed_text_is_written_composed(tmp_path):
    import unicodedata

    out = tmp_path / "o.docx"
    result = invoke("render", CORPUS / "nfd.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    texts = "\n".join(docx_texts(out))
    assert "PHÓ CHỦ TỊCH" in texts and unicodedata.is_normalized("NFC", texts)


@pytest.mark.parametrize("name, changed", [
    ("legacy-tcvn3.yaml", ("  ten_goi: Uû ban nh©n d©n ph\u00adêng A", "  ten_goi: Uỷ ban nhân dân phường A")),
    ("legacy-vni.yaml", ("  ho_ten: Nguyeãn Vaên B", "  ho_ten: Nguyễn Văn B")),
])
def test_sua_ma_rewrites_only_the_legacy_text(tmp_path, name, changed):
    data = tmp_path / name
    shutil.copy(CORPUS / name, data)
    before = data.read_text(encoding="utf-8")
    result = invoke("validate", "--sua-ma", data)
    assert result.exit_code == 0, result.output
    assert data.read_text(encoding="utf-8") == before.replace(*changed)
    encoding = "TCVN3" if "tcvn3" in name else "VNI"
    assert f"{encoding} → Unicode: '{changed[0].split(': ', 1)[1]}' → '{changed[1].split(': ', 1)[1]}'" in result.output
    assert f"{data}: đã chuyển 1 giá trị sang Unicode\n{data}: không có lỗi\n" in result.output
    assert not leftovers(tmp_path)
    again = invoke("validate", "--sua-ma", data)
    assert f"{data}: không có chữ gõ bằng bảng mã cũ (TCVN3, VNI); tệp giữ nguyên" in again.output


# --- Phụ lục formulas and emphasis around a footnote (issue 13) -----------------------------------------------

def test_a_ratio_chain_1200_rows_deep_renders_and_validates(tmp_path):
    """Row i is the ratio of row i+1 to itself, down to the one row the ward fills in: each row waits for the
    next, 1,200 deep (deeper than Python's recursion limit)."""
    import docx

    rows = 1200
    catalog = "tieu_de: Chuỗi tỷ lệ\nchi_tieu:\n" + "".join(
        f"  - {{ma: r{i}, ten: Dòng {i}, don_vi: '%', ty_le: [r{i + 1}, r{i + 1}]}}\n" for i in range(rows - 1))
    catalog += f"  - {{ma: r{rows - 1}, ten: Dòng {rows - 1}, don_vi: Hồ sơ}}\n"
    data = with_catalog(tmp_path, catalog, f"{{r{rows - 1}: 5}}")
    out = tmp_path / "o.docx"
    with deadline(TIME_LIMIT):
        result = invoke("render", data, "--templates", tmp_path / "mau", "-o", out)
        checked = invoke("validate", data, "--templates", tmp_path / "mau")
    assert result.exit_code == 0, result.output[-500:]
    assert checked.exit_code == 0 and checked.output == f"{data}: không có lỗi\n", checked.output[-500:]
    table = docx.Document(str(out)).tables[-1]
    values = [row.cells[3].text for row in table.rows]
    assert values == ["Số liệu"] + ["100"] * (rows - 1) + ["5"]


def test_bold_runs_on_both_sides_of_a_footnote(tmp_path):
    """'**' opened before a footnote closes after it: the words on both sides are bold, the note is the note's
    own text; an unpaired '**' inside the note prints as written."""
    data = valid_with(tmp_path, 'noi_dung:\n  the_che:\n    - "**Đậm ^[chú thích] vẫn đậm**"\n'
                                '    - "**Đậm ^[chú **thích] x**"\n')
    out, md = tmp_path / "o.docx", tmp_path / "o.md"
    assert invoke("render", data, "-o", out).exit_code == 0
    assert invoke("render", data, "-o", md, "-f", "md").exit_code == 0
    with zipfile.ZipFile(out) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        notes = etree.fromstring(archive.read("word/footnotes.xml"))

    def runs(paragraph):
        for run in paragraph.iter(W + "r"):
            if run.find(W + "footnoteReference") is not None:
                yield "¹"
            elif run.find(W + "t") is not None:
                yield (run.find(W + "t").text, run.find(f"{W}rPr/{W}b") is not None)

    paragraphs = [list(runs(p)) for p in body.iter(W + "p") if "Đậm" in "".join(t.text or "" for t in p.iter(W + "t"))]
    assert paragraphs == [[("Đậm ", True), "¹", (" vẫn đậm", True)], [("Đậm ", True), "¹", (" x", True)]]
    note_texts = ["".join(t.text for t in n.iter(W + "t")) for n in notes.iter(W + "footnote") if n.get(W + "type") is None]
    assert [t.strip() for t in note_texts] == ["chú thích", "chú **thích"]
    text = md_unescaped(md)
    assert "**Đậm** [^1] **vẫn đậm**" in text and "[^2]: chú **thích" in text
