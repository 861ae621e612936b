"""Windows (issue 17.5): no POSIX-only call on a path a user takes. The template time budget works without
SIGALRM (a watchdog thread, forced here on any system), also in a thread other than the main one; a temporary file's
owner is asked about without ending it; the console prints UTF-8; `docgen new -o` writes the UTF-8 file that
PowerShell's `>` would re-encode."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time

import pytest
from conftest import EXAMPLES, ROOT, run_cli
from test_template_safety import CORPUS, HEAD

from cchc_docgen import output
from cchc_docgen.cli import utf8_console
from cchc_docgen.templating import sandbox

# Some 4 s of looping (30 million turns): far beyond the 0.5 s budget, yet a broken budget fails the test
# rather than hanging it.
RUNAWAY = "{% for i in range(10000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}"


@pytest.fixture
def no_signal_timer(monkeypatch):
    """As on Windows: no SIGALRM, so the watchdog keeps the time."""
    monkeypatch.setattr(sandbox, "SIGNAL_TIMER", False)


def runaway_template(tmp_path, body=RUNAWAY):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "quy.md.j2").write_text(HEAD + body + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("body", [RUNAWAY, "{% for i in range(10000) %}{% for j in range(3000) %}"
                                           "{% if i is sequence %}{% endif %}{% endfor %}{% endfor %}"],
                         ids=["loop", "loop-through-jinja-catching-exception"])
def test_without_a_signal_timer_a_runaway_template_is_stopped(tmp_path, monkeypatch, no_signal_timer, body):
    monkeypatch.setenv("DOCGEN_TEMPLATE_SECONDS", "0,5")
    out = tmp_path / "out.md"
    started = time.monotonic()
    result = run_cli("render", CORPUS / "valid.yaml", "--templates", runaway_template(tmp_path, body), "-o", out,
                     "-f", "md")
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert result.output == ("Lỗi: mẫu 'quy' chạy quá 0,5 giây mà chưa xong (không tính thời gian đọc nội dung của "
                             "đơn vị): vòng lặp của mẫu quá lớn hoặc không dừng?; đặt DOCGEN_TEMPLATE_SECONDS nếu "
                             "mẫu thật sự cần lâu hơn\n")
    assert not out.exists()
    assert not [t for t in threading.enumerate() if t.name == "docgen-template-budget"]


def test_without_a_signal_timer_a_report_renders_as_its_golden(tmp_path, no_signal_timer):
    out = tmp_path / "tq.md"
    assert run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-f", "md", "-o", out).exit_code == 0
    assert out.read_bytes() == (ROOT / "tests" / "golden" / "thach-quy-q3-2024.md").read_bytes()


def test_the_watchdog_pauses_while_the_wards_content_is_read(no_signal_timer):
    started = time.monotonic()
    with sandbox.template_limits(0.3):
        with sandbox.budget_paused():
            time.sleep(0.5)  # longer than the whole budget, but not the template's time
    with pytest.raises(sandbox.TemplateTimeout):
        with sandbox.template_limits(0.3):
            with sandbox.budget_paused():
                time.sleep(0.4)
            give_up = time.monotonic() + 3
            while time.monotonic() < give_up:  # the template's own time: stopped once its 0.3 s are used
                pass
    assert time.monotonic() - started < 2


def test_a_template_rendered_in_another_thread_has_a_budget_too():
    """A host application rendering in a worker thread (no signal reaches it) still gets its loop stopped."""
    caught = []

    def render():
        try:
            with sandbox.template_limits(0.3):
                give_up = time.monotonic() + 3  # (a broken budget fails the test instead of hanging it)
                while time.monotonic() < give_up:
                    pass
            caught.append("ran on")
        except sandbox.TemplateTimeout:
            caught.append("stopped")

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(5)
    assert not worker.is_alive() and caught == ["stopped"]


def test_a_living_process_is_asked_about_not_ended():
    """Looking whether the process that left a temporary file still runs must not end it (os.kill(pid, 0)
    does on Windows)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert output._process_alive(child.pid)
        time.sleep(0.2)
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()
    assert not output._process_alive(child.pid)


def test_the_console_prints_utf8_whatever_its_code_page():
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="cp1252")
    utf8_console([console])
    console.write("Lỗi: trường 'nguoi_ky.ho_ten'")
    console.flush()
    assert raw.getvalue().decode("utf-8") == "Lỗi: trường 'nguoi_ky.ho_ten'"


def test_new_writes_its_file_itself_and_never_over_one(tmp_path):
    target = tmp_path / "quy-4.yaml"
    made = run_cli("new", "--tu", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", target)
    assert made.exit_code == 0 and made.output == f"Đã tạo {target}. Kiểm tra: docgen validate {target}\n"
    text = target.read_text(encoding="utf-8")
    assert "ho_ten: Trần Văn Minh" in text and "\r" not in text
    again = run_cli("new", "-t", "quy", "-o", target)
    assert again.exit_code == 1
    assert again.output == f"Lỗi: tệp {target} đã có; docgen new không ghi đè tệp: chọn tên khác\n"
    assert target.read_text(encoding="utf-8") == text
