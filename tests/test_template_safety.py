"""Templates cannot read files, import modules or reach Python internals (issue 7.3).

A template author's own folder (`--templates DIR`) holds templates that try; each attempt must end in a clean
error: exit 1, a Vietnamese message, no traceback, nothing secret in the message or in any output file.
"""

from __future__ import annotations

import pytest

from conftest import run_cli
from conftest import layout_variant, with_body_xml
from test_bad_inputs import CORPUS, invoke

HEAD = "::: loai_van_ban\nBÁO CÁO\n::: trich_yeu\nBáo cáo thử\n::: noi_dung\n"
SECRET = "BÍ-MẬT-7f3a9c"
PASSWD = "root:x:0:0"


@pytest.fixture
def attempt(tmp_path):
    """Render the minimal data with a text template whose body is `body`; return (result, everything written)."""
    (tmp_path / "bi-mat.txt").write_text(SECRET + "\n", encoding="utf-8")
    folder = tmp_path / "mau"
    folder.mkdir()

    def run(body: str):
        (folder / "quy.md.j2").write_text(HEAD + body + "\n", encoding="utf-8")
        out = tmp_path / "out.md"
        result = invoke("render", CORPUS / "valid.yaml", "--templates", folder, "-o", out, "-f", "md")
        written = out.read_text(encoding="utf-8") if out.exists() else ""
        return result, written

    run.secret_path = tmp_path / "bi-mat.txt"
    return run


def assert_clean_refusal(result, written):
    output = result.output
    assert result.exit_code == 1, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert output.startswith("Lỗi:") and "Traceback" not in output and "lỗi nội bộ" not in output.lower(), output
    assert not written, "a document was written"
    for secret in (SECRET, PASSWD, "<class", "<function", "<module", " at 0x"):
        assert secret not in output, secret


# --- Python internals ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expression, attribute", [
    ("''.__class__.__mro__", "__class__"),
    ("().__class__.__base__.__subclasses__()", "__class__"),
    ("cycler.__init__.__globals__", "__init__"),
    ("joiner.__init__.__globals__.os.popen('id').read()", "__init__"),
    ("namespace.__init__.__globals__", "__init__"),
    ("lipsum.__globals__['os']", "__globals__"),
    ("ty_le.__globals__", "__globals__"),
    ("so.__module__", "__module__"),
    ("dict.mro()", "mro"),
    ("khoi.__self__.loaded", "__self__"),
    ("khoi.__func__.__globals__", "__func__"),
    ("[].pop.__self__", "__self__"),
    ("self._TemplateReference__context", "_TemplateReference__context"),
    ("''|attr('__class__')", "__class__"),
    ("'{0.__class__}'.format('')", "__class__"),
])
def test_python_internals_are_out_of_reach(attempt, expression, attribute):
    result, written = attempt("{{ " + expression + " }}")
    assert_clean_refusal(result, written)
    assert f"bị chặn khi truy cập '{attribute}'" in result.output


# --- files and modules -----------------------------------------------------------------------------------------

FILE_ATTEMPTS = [
    "{% include '../bi-mat.txt' %}",
    "{% include '{secret}' %}",
    "{% include '/etc/passwd' %}",
    "{% include '../../../../../../../../etc/passwd' %}",
    "{% include 'quoc-gia/../../../../../../../../etc/passwd' %}",
    "{% extends '/etc/passwd' %}",
    "{% import 'os' as os %}{{ os.system('id') }}",
    "{% from 'os' import system %}{{ system('id') }}",
    "{% include ['/etc/passwd', '../bi-mat.txt'] %}",
]


@pytest.mark.parametrize("body", FILE_ATTEMPTS)
def test_templates_cannot_read_files_or_import_modules(attempt, body):
    result, written = attempt(body.replace("{secret}", str(attempt.secret_path)))
    assert_clean_refusal(result, written)


@pytest.mark.parametrize("body", FILE_ATTEMPTS[:3])
def test_a_refused_include_says_what_happened(attempt, body):
    result, _ = attempt(body.replace("{secret}", str(attempt.secret_path)))
    assert "không tìm thấy" in result.output, result.output


def test_an_include_inside_the_templates_folder_still_works(attempt, tmp_path):
    (tmp_path / "mau" / "_doan.md.j2").write_text("Đoạn dùng chung của {{ co_quan.ten_goi }}.\n", encoding="utf-8")
    result, written = attempt("# Mục thử\n{% include '_doan.md.j2' %}")
    assert result.exit_code == 0, result.output
    assert "Đoạn dùng chung của UBND phường A" in written


# --- runaway templates -----------------------------------------------------------------------------------------

def test_a_huge_range_is_a_template_error(attempt):
    result, written = attempt("{{ range(10**9)|list|length }}")
    assert_clean_refusal(result, written)


def test_a_template_including_itself_is_a_template_error(attempt):
    result, written = attempt("{% include 'quy.md.j2' %}")
    assert_clean_refusal(result, written)


@pytest.mark.parametrize("expression", ["ty_le", "cycler", "''.format_map", "khoi"])
def test_an_uncalled_function_prints_no_internals(attempt, expression):
    result, written = attempt("{{ " + expression + " }}")
    for leak in ("<function", "<class", "<bound method", " at 0x", "cchc_docgen", "jinja2"):
        assert leak not in written + result.output, leak


# --- the layout .docx is a template too --------------------------------------------------------------------------

LAYOUT_FILE_ATTEMPTS = ["{% include '/etc/passwd' %}", "{% import 'os' as os %}", "{% extends '/etc/passwd' %}"]


@pytest.mark.parametrize("body", LAYOUT_FILE_ATTEMPTS)
def test_a_layout_cannot_read_files(tmp_path, body):
    layout_variant(tmp_path / "layout", with_body_xml(f"<w:p><w:r><w:t>{body}</w:t></w:r></w:p>".encode()))
    out = tmp_path / "out.docx"
    result = run_cli("render", CORPUS / "valid.yaml", "--templates", tmp_path / "layout", "-o", out)
    assert result.exit_code == 1 and PASSWD not in result.output and not out.exists()


@pytest.mark.parametrize("body", LAYOUT_FILE_ATTEMPTS)
def test_a_layout_include_is_a_clean_template_error(tmp_path, body):
    layout_variant(tmp_path / "layout", with_body_xml(f"<w:p><w:r><w:t>{body}</w:t></w:r></w:p>".encode()))
    out = tmp_path / "out.docx"
    result = run_cli("render", CORPUS / "valid.yaml", "--templates", tmp_path / "layout", "-o", out)
    assert "lỗi nội bộ" not in result.output.lower() and "tệp bố cục" in result.output, result.output


# --- runaway arithmetic and loops: still open ------------------------------------------------------------------

def _refused_in_time(tmp_path, body, seconds):
    """In a child process that is killed after `seconds`: C-level work (a huge string) ignores signals."""
    import subprocess
    import sys

    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "quy.md.j2").write_text(HEAD + body + "\n", encoding="utf-8")
    out = tmp_path / "out.md"
    result = subprocess.run([sys.executable, "-m", "cchc_docgen", "render", str(CORPUS / "valid.yaml"), "--templates",
                             str(folder), "-o", str(out), "-f", "md"], capture_output=True, text=True, timeout=seconds)
    assert result.returncode == 1 and result.stderr.startswith("Lỗi:"), result.stderr
    assert "lỗi nội bộ" not in result.stderr.lower() and not out.exists()


def test_a_huge_string_repetition_is_stopped(tmp_path):
    _refused_in_time(tmp_path, "{{ 'a' * 10**8 }}", 2.5)


def test_nested_loops_are_stopped(tmp_path):
    _refused_in_time(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", 2.5)


def test_printing_a_huge_number_is_a_template_error(attempt):
    result, written = attempt("{{ (2**1000000)|string|length }}")
    assert_clean_refusal(result, written)
