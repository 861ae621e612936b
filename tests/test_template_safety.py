"""Templates cannot read files, import modules or reach Python internals (issue 7.3).

A template author's own folder (`--templates DIR`) holds templates that try; each attempt must end in a clean
error: exit 1, a Vietnamese message, no traceback, nothing secret in the message or in any output file.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import layout_variant, posix_only, run_cli, with_body_xml
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


# --- runaway arithmetic and loops ------------------------------------------------------------------------------

def _refused_in_time(tmp_path, body, seconds, message="", env=None):
    """In a child process that is killed after `seconds` (C-level work, a huge string, ignores signals) and whose
    peak memory is measured: refused with `message`, within the time and within 500 MB."""
    folder = tmp_path / "mau"
    folder.mkdir(exist_ok=True)
    (folder / "quy.md.j2").write_text(HEAD + body + "\n", encoding="utf-8")
    out = tmp_path / "out.md"
    stderr_path = tmp_path / "stderr.txt"
    with open(stderr_path, "wb") as stderr:
        child = subprocess.Popen([sys.executable, "-m", "cchc_docgen", "render", str(CORPUS / "valid.yaml"),
                                  "--templates", str(folder), "-o", str(out), "-f", "md"],
                                 stdout=subprocess.DEVNULL, stderr=stderr, env={**os.environ, **(env or {})})
        returncode, peak_kb = _wait_measured(child, seconds)
    stderr_text = stderr_path.read_text(encoding="utf-8")
    assert returncode == 1 and stderr_text.startswith("Lỗi:"), stderr_text
    assert "lỗi nội bộ" not in stderr_text.lower() and not out.exists()
    assert message in stderr_text, stderr_text
    assert peak_kb < 500 * 1024, f"peak memory {peak_kb} KB"
    return stderr_text


def _wait_measured(child, seconds):
    """The child's exit code and peak resident memory (KB, from wait4's rusage); killed after `seconds`."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
            return child.returncode, usage.ru_maxrss
        if time.monotonic() > deadline:
            child.kill()
            child.wait()
            pytest.fail(f"no answer within {seconds} s")
        time.sleep(0.02)


@posix_only("os.wait4 measures the child's peak memory")
def test_a_huge_string_repetition_is_stopped(tmp_path):
    _refused_in_time(tmp_path, "{{ 'a' * 10**8 }}", 10)


@posix_only("os.wait4 measures the child's peak memory")
def test_nested_loops_are_stopped(tmp_path):
    _refused_in_time(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", 10)


def test_printing_a_huge_number_is_a_template_error(attempt):
    result, written = attempt("{{ (2**1000000)|string|length }}")
    assert_clean_refusal(result, written)


@pytest.mark.parametrize("body, message", [
    # Jinja's `is sequence` test catches Exception: the time budget must still stop the loop
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% if i is sequence %}{% endif %}{% endfor %}"
     "{% endfor %}", "chạy quá 5 giây mà chưa xong"),
    ("{{ '%0300000000d' % 1 }}", "phép định dạng '%' đòi độ rộng 300.000.000 ký tự"),
    ("{{ '%*d' % (300000000, 1) }}", "phép định dạng '%' đòi độ rộng 300.000.000 ký tự"),
    ("{{ '%0300000000d'|format(1) }}", "phép định dạng '%' đòi độ rộng 300.000.000 ký tự"),
    ("{{ 'x'|center(300000000) }}", "bộ lọc center đòi độ rộng 300.000.000 ký tự"),
    ("{{ 'x'.center(300000000) }}", "str.center đòi độ rộng 300.000.000 ký tự"),
    ("{{ 'x'.zfill(300000000) }}", "str.zfill đòi độ rộng 300.000.000 ký tự"),
    ("{{ '{:0300000000d}'.format(1) }}", "phép định dạng format đòi độ rộng 300.000.000 ký tự"),
    ("{{ '{:{w}}'.format(1, w=10**9) }}", "phép định dạng format đòi độ rộng 1.000.000.000 ký tự"),
    ("{{ ('x\n' * 1000)|indent(10**6) }}", "bộ lọc indent đòi độ rộng"),
    ("{{ ('a' * 1000000).replace('a', 'b' * 1000) }}", "phép thay thế tạo ra 1.000.000.000 ký tự"),
    ("{{ ('a' * 1000000)|replace('a', 'b' * 1000) }}", "phép thay thế tạo ra 1.000.000.000 ký tự"),
    ("{% set x = ['a' * 1000000] * 100000 %}{{ x|join }}", "ghép nối ra 100.000.000.000 ký tự"),
    ("{% set x = ['a' * 1000000] * 100000 %}{{ ''.join(x) }}", "ghép nối ra 100.000.000.000 ký tự"),
    ("{% set ns = namespace(x='a' * 1000000) %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
     "tạo ra một đoạn chữ dài 32.000.000 ký tự"),
    ("{% set ns = namespace(x='a' * 1000000) %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
     "phép cộng tạo ra 32.000.000 phần tử"),
    ("{% set l = [1] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}",
     "danh sách dài quá 1.000.000 phần tử"),
    ("{{ [1]|batch(10**9, 'x')|list }}", "bộ lọc batch đòi độ rộng 1.000.000.000 ký tự"),
    ("{% set x = 'a' * 1000000 %}{% for i in range(25) %}{{ x }}{% endfor %}", "in ra 25.000.0"),
], ids=["is-sequence-loop", "percent-width", "percent-star", "format-filter", "center-filter", "str-center",
        "str-zfill", "str-format", "str-format-nested", "indent", "str-replace", "replace-filter", "join-filter",
        "str-join", "concat-doubling", "plus-doubling", "list-extend-doubling", "batch", "printed-too-much"])
@posix_only("os.wait4 measures the child's peak memory")
def test_hostile_templates_are_stopped_within_limits(tmp_path, body, message):
    # A budget of 5 s: each limit must be what stops its case, however slow the machine is today.
    _refused_in_time(tmp_path, body, 10, message, env={"DOCGEN_TEMPLATE_SECONDS": "5"})


def test_a_template_with_100000_headings_is_pruned_in_time(tmp_path):
    """Headings with nothing under them are dropped; for 100,000 of them that took 17 s (quadratic)."""
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "quy.md.j2").write_text(HEAD + "{% for i in range(100000) %}## Mục {{ i }}\n{% endfor %}Kết thúc.\n",
                                      encoding="utf-8")
    out = tmp_path / "out.md"
    result = subprocess.run([sys.executable, "-m", "cchc_docgen", "render", str(CORPUS / "valid.yaml"), "--templates",
                             str(folder), "-o", str(out), "-f", "md"], capture_output=True, text=True, timeout=10)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Mục 99999" not in text and "Kết thúc." in text


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf", "abc", "1.5s"])
@posix_only("os.wait4 measures the child's peak memory")
def test_a_bad_template_time_budget_is_refused(tmp_path, value):
    _refused_in_time(tmp_path, "Xin chào.", 10, f"biến môi trường DOCGEN_TEMPLATE_SECONDS='{value}' không hợp lệ",
                     env={"DOCGEN_TEMPLATE_SECONDS": value})


@posix_only("os.wait4 measures the child's peak memory")
def test_a_time_budget_with_a_decimal_comma(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_TEMPLATE_SECONDS", "0,5")
    stderr = _refused_in_time(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                                        "{% endfor %}", 10, "chạy quá 0,5 giây mà chưa xong")
    assert "DOCGEN_TEMPLATE_SECONDS" in stderr


# --- links out of a template folder ----------------------------------------------------------------------------

@posix_only("symbolic links (Windows needs administrator rights)")
def test_an_include_linked_out_of_the_folder_is_refused(tmp_path):
    folder = tmp_path / "mau"
    folder.mkdir()
    (tmp_path / "bi-mat.txt").write_text(SECRET + "\n", encoding="utf-8")
    (folder / "_x.md.j2").symlink_to(tmp_path / "bi-mat.txt")
    (folder / "quy.md.j2").write_text(HEAD + "{% include '_x.md.j2' %}\n", encoding="utf-8")
    out = tmp_path / "out.md"
    result = invoke("render", CORPUS / "valid.yaml", "--templates", folder, "-o", out, "-f", "md")
    assert_clean_refusal(result, out.read_text(encoding="utf-8") if out.exists() else "")
    assert f"tệp mẫu {folder / '_x.md.j2'} trỏ ra ngoài thư mục mẫu (tới {tmp_path / 'bi-mat.txt'})" in result.output
    linted = invoke("lint", "--templates", folder, "quy")
    assert linted.exit_code == 1, linted.output
    assert f"{folder / 'quy.md.j2'}:6: lỗi: tệp mẫu {folder / '_x.md.j2'} trỏ ra ngoài thư mục mẫu" in linted.output


@posix_only("symbolic links (Windows needs administrator rights)")
def test_a_link_inside_the_folder_still_works(tmp_path):
    folder = tmp_path / "mau"
    (folder / "chung").mkdir(parents=True)
    (folder / "chung" / "loi-chao.md.j2").write_text("Lời chào từ tệp dùng chung.\n", encoding="utf-8")
    (folder / "_x.md.j2").symlink_to(folder / "chung" / "loi-chao.md.j2")
    (folder / "quy.md.j2").write_text(HEAD + "{% include '_x.md.j2' %}\n", encoding="utf-8")
    out = tmp_path / "out.md"
    result = invoke("render", CORPUS / "valid.yaml", "--templates", folder, "-o", out, "-f", "md")
    assert result.exit_code == 0, result.output
    assert "Lời chào từ tệp dùng chung." in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["bo-cuc.docx", "cau-hinh.yaml", "quy.md.j2"])
@posix_only("symbolic links (Windows needs administrator rights)")
def test_a_layout_settings_or_template_linked_out_of_the_folder_is_refused(tmp_path, name):
    outside = tmp_path / "ngoai"
    outside.mkdir()
    source = {"bo-cuc.docx": layout_variant(outside), "cau-hinh.yaml": outside / "cau-hinh.yaml",
              "quy.md.j2": outside / "quy.md.j2"}[name]
    if name == "cau-hinh.yaml":
        source.write_text("ten: Tỉnh Bí Mật\n", encoding="utf-8")
    elif name == "quy.md.j2":
        source.write_text(HEAD + "Xin chào.\n", encoding="utf-8")
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / name).symlink_to(source)
    out = tmp_path / "out.docx"
    result = invoke("render", CORPUS / "valid.yaml", "--templates", folder, "-o", out)
    assert result.exit_code == 1, result.output
    assert f"{folder / name} trỏ ra ngoài thư mục mẫu (tới {source})" in result.output
    assert not out.exists() and "Traceback" not in result.output


# --- the compiled-code cache -----------------------------------------------------------------------------------

def _render_with_cache(cache, out):
    """A one-shot render in a child process (in-process, a layout is compiled once and never read back)."""
    return subprocess.run([sys.executable, "-m", "cchc_docgen", "render", str(CORPUS / "valid.yaml"), "-o", str(out)],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "DOCGEN_CACHE_DIR": str(cache)})


def _plant(cache):
    """Replace every compiled layout part in `cache` with code that prints PLANTED instead."""
    import marshal

    from cchc_docgen.writers.docx import layout_env

    planted = marshal.dumps(layout_env().compile("PLANTED", "word/document.xml"))
    files = list(cache.glob("layout-code-*.bin"))
    assert files, "the first render cached no compiled layout"
    for path in files:
        path.write_bytes(planted)
    return files


@pytest.mark.parametrize("weakness", ["folder-writable-by-all", "file-writable-by-all", "none"])
@posix_only("Unix file owners and permissions")
def test_code_planted_in_a_cache_anyone_can_write_is_not_run(tmp_path, weakness):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    assert _render_with_cache(cache, first).returncode == 0
    files = _plant(cache)
    if weakness == "folder-writable-by-all":
        cache.chmod(0o777)
    elif weakness == "file-writable-by-all":
        for path in files:
            path.chmod(0o666)
    result = _render_with_cache(cache, second)
    if weakness == "none":  # the cache is trusted, so the planted code runs: proof the test plants what is read
        assert result.returncode != 0 or b"PLANTED" in _document_xml(second)
    else:
        assert result.returncode == 0, result.stderr
        assert second.read_bytes() == first.read_bytes()


def _document_xml(path):
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")
