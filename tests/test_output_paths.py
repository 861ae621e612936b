"""Where `-o` sends a document: the thing the clerk named, never a file put in its place (issue 13).

Devices and pipes are written to as a shell's `>` would; links are written through; standard output is `-`;
a folder may be named before it exists; new files follow the umask; SIGTERM stops a batch as Ctrl-C does; and
temporary files a killed run left behind are removed by the next run in that folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import zipfile

import pytest
from conftest import posix_only
from test_bad_inputs import CORPUS, OLD_OUTPUT, invoke, leftovers, valid_copy

from cchc_docgen import output


def docgen(*args, **kwargs) -> subprocess.CompletedProcess:
    """The real command in a child process (standard output kept apart from standard error)."""
    return subprocess.run([sys.executable, "-m", "cchc_docgen", *map(str, args)], capture_output=True, timeout=60,
                          **kwargs)


def is_docx(data: bytes) -> bool:
    return data[:2] == b"PK" and b"word/document.xml" in data


def test_a_character_device_is_written_to_not_replaced(tmp_path):
    try:
        os.mknod(tmp_path / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    result = invoke("render", valid_copy(tmp_path), "-o", tmp_path / "null")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(tmp_path / "null").st_mode)


@posix_only("/dev/null")
def test_dev_null_stays_a_device():
    before = os.stat("/dev/null")
    result = invoke("render", CORPUS / "valid.yaml", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_mode == before.st_mode


def test_dash_is_standard_output(tmp_path):
    result = docgen("render", valid_copy(tmp_path), "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert is_docx(result.stdout)
    assert "Đã tạo đầu ra chuẩn (mẫu quy" in result.stderr.decode()
    assert not (tmp_path / "-").exists()


def test_markdown_to_standard_output(tmp_path):
    result = docgen("render", valid_copy(tmp_path), "-o", "-", "-f", "md", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.decode("utf-8").startswith("**"), result.stdout[:200]


@posix_only("/dev/stdout")
def test_dev_stdout_redirected_to_a_file(tmp_path):
    data = valid_copy(tmp_path)
    target = tmp_path / "qua-stdout.docx"
    target.write_bytes(OLD_OUTPUT * 1000)  # longer than the report: what `>` truncates must not survive
    with open(target, "wb") as stdout:
        done = subprocess.run([sys.executable, "-m", "cchc_docgen", "render", str(data), "-o", "/dev/stdout"],
                              stdout=stdout, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    content = target.read_bytes()
    assert is_docx(content) and OLD_OUTPUT not in content
    zipfile.ZipFile(target).testzip()


@posix_only("symbolic links (Windows needs administrator rights)")
def test_a_link_is_written_through(tmp_path):
    data = valid_copy(tmp_path)
    (tmp_path / "that.docx").write_bytes(OLD_OUTPUT)
    link = tmp_path / "link.docx"
    link.symlink_to("that.docx")
    result = invoke("render", data, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "that.docx"
    assert is_docx((tmp_path / "that.docx").read_bytes()) and not leftovers(tmp_path)


@posix_only("symbolic links (Windows needs administrator rights)")
def test_a_dangling_link_creates_its_target(tmp_path):
    data = valid_copy(tmp_path)
    (tmp_path / "out").mkdir()
    link = tmp_path / "link.docx"
    link.symlink_to(tmp_path / "out" / "new.docx")
    result = invoke("render", data, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and is_docx((tmp_path / "out" / "new.docx").read_bytes())


@posix_only("symbolic links (Windows needs administrator rights)")
def test_a_loop_of_links_is_an_error(tmp_path):
    (tmp_path / "a.docx").symlink_to("b.docx")
    (tmp_path / "b.docx").symlink_to("a.docx")
    result = invoke("render", valid_copy(tmp_path), "-o", tmp_path / "a.docx")
    assert result.exit_code == 1
    assert "liên kết tượng trưng (symlink) vòng quanh" in result.output and "Traceback" not in result.output


@posix_only("named pipes (mkfifo)")
def test_a_pipe_without_a_reader_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "ong"
    os.mkfifo(fifo)
    result = invoke("render", valid_copy(tmp_path), "-o", fifo)
    assert result.exit_code == 1
    assert "không ghi được vào" in result.output and "không có chương trình nào đang đọc" in result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@posix_only("named pipes (mkfifo)")
def test_a_pipe_with_a_reader_gets_the_document(tmp_path):
    fifo = tmp_path / "ong"
    os.mkfifo(fifo)
    received = []
    reader_open = threading.Event()

    def read():
        # O_NONBLOCK: opening a pipe's read end with no writer does not wait; the read below then does.
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        reader_open.set()
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as pipe:
            chunks = []
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                chunk = pipe.read()
                if chunk:
                    chunks.append(chunk)
                elif chunks:
                    break
                else:
                    time.sleep(0.05)  # no writer yet
            received.append(b"".join(chunks))

    thread = threading.Thread(target=read)
    thread.start()
    reader_open.wait(5)
    result = docgen("render", valid_copy(tmp_path), "-o", fifo)
    thread.join(30)
    assert result.returncode == 0, result.stderr.decode()
    assert received and is_docx(received[0])


def test_a_folder_named_with_a_trailing_slash_is_made(tmp_path):
    result = invoke("render", valid_copy(tmp_path), "-o", f"{tmp_path}/ket-qua/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ket-qua").is_dir() and is_docx((tmp_path / "ket-qua" / "valid.docx").read_bytes())
    assert f"Đã tạo {tmp_path}/ket-qua/valid.docx" in result.output


def test_many_files_to_standard_output_is_refused(tmp_path):
    data = valid_copy(tmp_path)
    result = invoke("render", data, data.with_name("hai.yaml"), "-o", "-")
    assert result.exit_code == 1 and "không in ra đầu ra chuẩn (-o -)" in result.output


@posix_only("symbolic links (Windows needs administrator rights)")
def test_an_input_linked_to_another_jobs_output_is_refused_before_anything_is_written(tmp_path):
    inputs, out = tmp_path / "du-lieu", tmp_path / "ket-qua"
    inputs.mkdir()
    out.mkdir()
    shutil.copy(CORPUS / "valid.yaml", inputs / "a.yaml")
    (out / "a.md").write_bytes((CORPUS / "valid.yaml").read_bytes())
    (inputs / "z.yaml").symlink_to(out / "a.md")
    before = (out / "a.md").read_bytes()
    result = invoke("render", inputs, "-o", out, "-f", "md")
    assert result.exit_code == 1
    assert f"tệp kết quả {out / 'a.md'} chính là tệp dữ liệu {inputs / 'z.yaml'}" in result.output, result.output
    assert (out / "a.md").read_bytes() == before and sorted(p.name for p in out.iterdir()) == ["a.md"]


@pytest.mark.parametrize("umask, mode", [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_a_new_file_follows_the_umask(tmp_path, umask, mode):
    data = valid_copy(tmp_path)
    done = docgen("render", data, "-o", tmp_path / "moi.docx", preexec_fn=lambda: os.umask(umask))
    assert done.returncode == 0, done.stderr.decode()
    assert stat.S_IMODE(os.stat(tmp_path / "moi.docx").st_mode) == mode


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = tmp_path / ".bao-cao.docx.999999999.abcd1234.tmp"  # no process has that number
        alive = tmp_path / f".bao-cao.docx.{sleeper.pid}.efgh5678.tmp"  # a run still writing
        other = tmp_path / ".ghi-chu.999999999.txt"  # not ours
        for path in (dead, alive, other):
            path.write_bytes(b"part of a document")
        output._SWEPT.clear()
        result = invoke("render", valid_copy(tmp_path), "-o", tmp_path / "bao-cao.docx")
        assert result.exit_code == 0, result.output
        assert not dead.exists() and alive.exists() and other.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


@posix_only("process groups and SIGTERM")
def test_sigterm_stops_a_batch_leaving_whole_files_only(tmp_path):
    inputs, out = tmp_path / "du-lieu", tmp_path / "ket-qua"
    inputs.mkdir()
    for n in range(400):
        shutil.copy(CORPUS / "valid.yaml", inputs / f"don-vi-{n:03}.yaml")
    process = subprocess.Popen([sys.executable, "-m", "cchc_docgen", "render", str(inputs), "-o", str(out), "-j", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 3:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGTERM)  # as a service manager or a CI timeout does: the whole group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Đã dừng." in stderr.decode() and "Traceback" not in stderr.decode()
    written = list(out.glob("*.docx"))
    assert 3 <= len(written) < 400
    for path in written:
        assert zipfile.ZipFile(path).testzip() is None
    assert not leftovers(out)


def test_a_reader_that_leaves_early_is_no_internal_error(tmp_path):
    """`docgen validate … | head -1`: the pipe closes before docgen has written everything."""
    data = valid_copy(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "cchc_docgen", "validate", *[str(data)] * 50],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(60)
    assert "lỗi nội bộ" not in stderr.lower() and "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
