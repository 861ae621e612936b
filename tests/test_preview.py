"""`docgen xem` (issue 17.3): a preview server on 127.0.0.1 that shows the report as HTML with the findings beside it,
makes it again when the data file or a template is saved (the page asks for the version and reloads), shows the
located errors while the file is broken, refuses requests that do not name the loopback, and stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import EXAMPLES, posix_only
from test_html import CHROMIUM
from test_template_safety import CORPUS, HEAD


@pytest.fixture
def serve(tmp_path):
    """Start `docgen xem` on a free port; yields (url, process); stops it after the test."""
    started = []

    def start(data, *options):
        process = subprocess.Popen([sys.executable, "-m", "cchc_docgen", "xem", str(data), "--cong", "0", "--khong-mo",
                                    *map(str, options)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   encoding="utf-8", cwd=tmp_path)
        started.append(process)
        first = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", first)
        assert url, first
        assert first == (f"Đang xem trước {data} tại {url.group(0)} (tự cập nhật khi lưu tệp dữ liệu hoặc mẫu). "
                         "Ctrl-C để dừng.\n")
        return url.group(0), process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


def get(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def next_version(url: str, seen: str, seconds: float = 10) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        version = get(url + "phien-ban")[1]
        if version != seen:
            return version
        time.sleep(0.1)
    pytest.fail(f"the page was not made again within {seconds} s")


def save(path, text: str) -> None:
    """Write as an editor saves; the modification time moves on even on a coarse clock."""
    path.write_text(text, encoding="utf-8")
    later = time.time() + 2
    os.utime(path, (later, later))


def test_the_report_with_its_findings_made_again_on_each_save(tmp_path, serve):
    data = tmp_path / "bao-cao.yaml"
    shutil.copy(EXAMPLES / "thach-quy-q3-2024.yaml", data)
    url, _ = serve(data)
    status, page = get(url)
    assert status == 200
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "Trần Văn Minh" in page
    assert '<h2>Kiểm tra số liệu: không có lỗi</h2>' in page
    assert get(url + "phien-ban") == (200, "1")
    assert 'var shown = "1";' in page and 'fetch("/phien-ban"' in page  # how the page knows to reload

    text = data.read_text(encoding="utf-8")
    save(data, text.replace("ho_ten: Trần Văn Minh", "ho_ten: Trần Văn Mạnh"))
    assert next_version(url, "1") == "2"
    assert "Trần Văn Mạnh" in get(url)[1]

    # broken: the located error instead of the document, with the line it is on
    broken = text.replace("    tiep_nhan: 537", "    tiep_nhan: [537")
    save(data, broken)
    assert next_version(url, "2") == "3"
    page = get(url)[1]
    assert "CỘNG HÒA" not in page and "<h2>Tệp dữ liệu đang có lỗi: 1 lỗi</h2>" in page
    line = broken.splitlines().index("    tiep_nhan: [537") + 2  # the reader stops on the line after
    assert f'<a href="vscode://file{data.resolve().as_posix()}:{line}:' in page
    assert "lỗi cú pháp YAML: danh sách [ … ] chưa đóng" in page

    save(data, text)
    assert next_version(url, "3") == "4"
    assert "Trần Văn Minh" in get(url)[1]


def test_a_saved_template_is_read_again(tmp_path, serve):
    folder = tmp_path / "mau"
    folder.mkdir()
    template = folder / "quy.md.j2"
    save(template, HEAD + "Xin chào lần một.\n")
    url, _ = serve(CORPUS / "valid.yaml", "--templates", folder)
    assert "Xin chào lần một." in get(url)[1]
    save(template, HEAD + "Xin chào lần hai.\n")
    next_version(url, "1")
    assert "Xin chào lần hai." in get(url)[1]


def test_only_the_loopback_is_served(tmp_path, serve):
    url, _ = serve(CORPUS / "valid.yaml")
    port = url.rsplit(":", 1)[1].strip("/")
    assert get(url, host=f"localhost:{port}")[0] == 200
    assert get(url, host="bao-cao.example:80") == (403, "Chỉ xem được từ chính máy này (127.0.0.1).")
    assert get(url + "khong-co")[0] == 404


@posix_only("Ctrl-C is sent as SIGINT")
def test_ctrl_c_stops_it(tmp_path, serve):
    url, process = serve(CORPUS / "valid.yaml")
    process.send_signal(signal.SIGINT)
    assert process.wait(10) == 0
    assert process.stdout.read() == "Đã dừng xem trước.\n"


def test_a_busy_port_is_said(tmp_path, serve):
    url, _ = serve(CORPUS / "valid.yaml")
    port = url.rsplit(":", 1)[1].strip("/")
    result = subprocess.run([sys.executable, "-m", "cchc_docgen", "xem", str(CORPUS / "valid.yaml"), "--cong", port,
                             "--khong-mo"], capture_output=True, text=True, encoding="utf-8", timeout=30)
    assert result.returncode == 1
    assert re.fullmatch(rf"Lỗi: không mở được cổng {port} trên 127\.0\.0\.1 \(.+\): cổng đang được dùng\? chọn cổng "
                        r"khác bằng --cong, hoặc --cong 0 để lấy một cổng còn trống\n", result.stderr), result.stderr


@pytest.mark.skipif(CHROMIUM is None, reason="cần Chromium (headless) để xem trang trong trình duyệt")
def test_chromium_shows_the_page_and_its_change(tmp_path, serve):
    data = tmp_path / "bao-cao.yaml"
    shutil.copy(EXAMPLES / "thach-quy-q3-2024.yaml", data)
    url, _ = serve(data)

    def dom() -> str:
        return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                               f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom", url],
                              capture_output=True, text=True, encoding="utf-8", timeout=120).stdout

    first = dom()
    assert "Trần Văn Minh" in first and "Kiểm tra số liệu: không có lỗi" in first
    save(data, data.read_text(encoding="utf-8").replace("ho_ten: Trần Văn Minh", "ho_ten: Trần Văn Mạnh"))
    next_version(url, "1")
    assert "Trần Văn Mạnh" in dom()
