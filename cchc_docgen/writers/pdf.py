"""PDF: the .docx of the document, converted by LibreOffice running headless, fonts embedded.

Reports are signed and sent through the e-office system as PDF; Word's own layout of the .docx is what the PDF
shows, so LibreOffice (which lays out .docx as Word does) converts it rather than a second layout of ours.
`--pdfa` asks for PDF/A-2b, the archival form signing tools and document archives expect.

LibreOffice is found on PATH, else in its usual Windows and macOS install folders (DOCGEN_SOFFICE names it where
it is elsewhere). Each conversion runs with a profile folder of its own, so that a LibreOffice the officer has
open (whose profile is locked) neither receives the job nor blocks it; many documents are converted in one
LibreOffice start (`convert`), which is how a batch converts its files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from cchc_docgen.errors import DocgenError

SOFFICE_VARIABLE = "DOCGEN_SOFFICE"
_INSTALL_FOLDERS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
NOT_INSTALLED = (
    "không tìm thấy LibreOffice (lệnh soffice) để chuyển văn bản sang PDF; chưa ghi tệp nào. Cài LibreOffice rồi "
    "chạy lại: trên Ubuntu/Debian 'sudo apt install libreoffice-writer', trên Windows và macOS tải bộ cài tại "
    f"https://www.libreoffice.org/download/ (đã cài ở thư mục khác thì đặt biến môi trường {SOFFICE_VARIABLE} là "
    "đường dẫn tới soffice). Hoặc sinh tệp .docx rồi lưu thành PDF trong Word."
)
# LibreOffice's start (a few seconds, more for a fresh profile on a busy machine) and then each document.
START_SECONDS = 120
SECONDS_PER_DOCUMENT = 30
# PDF/A-2b: the PDF export filter's SelectPdfVersion 2; fonts are embedded in every PDF LibreOffice writes.
_PDFA_OPTIONS = {"SelectPdfVersion": {"type": "long", "value": "2"}}


def find_soffice() -> str:
    """The LibreOffice program to run; a DocgenError telling what to install when there is none."""
    named = os.environ.get(SOFFICE_VARIABLE)
    if named:
        if Path(named).is_file() and os.access(named, os.X_OK):
            return named
        raise DocgenError(f"biến môi trường {SOFFICE_VARIABLE} trỏ tới '{named}', nhưng ở đó không có chương trình "
                          f"LibreOffice (soffice) chạy được")
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _INSTALL_FOLDERS:
        if Path(candidate).is_file():
            return candidate
    raise DocgenError(NOT_INSTALLED)


def _filter(pdfa: bool) -> str:
    # The JSON form of filter options is LibreOffice 7.4's and later; older ones convert without PDF/A
    # (the result is checked below, so that is an error, not a silent plain PDF).
    return "pdf:writer_pdf_Export" + (":" + json.dumps(_PDFA_OPTIONS, separators=(",", ":")) if pdfa else "")


def convert(documents: list[bytes], pdfa: bool = False) -> list[bytes | DocgenError]:
    """Each .docx in `documents` as PDF (or the DocgenError saying why that one could not be converted), in one
    start of LibreOffice. A problem of LibreOffice itself (missing, too slow) is raised for all of them."""
    results = convert_with_libreoffice(documents, ".docx", _filter(pdfa), ".pdf", "PDF")
    for index, made in enumerate(results):
        if pdfa and isinstance(made, bytes) and b"<pdfaid:part>2</pdfaid:part>" not in made:
            results[index] = DocgenError("LibreOffice đã tạo PDF nhưng không phải PDF/A-2b (--pdfa cần LibreOffice "
                                         "7.4 trở lên)")
    return results


def convert_with_libreoffice(documents: list[bytes], suffix: str, target: str, made_suffix: str,
                             what: str) -> list[bytes | DocgenError]:
    """Each document (files ending in `suffix`) converted by LibreOffice's `--convert-to target` into a file
    ending in `made_suffix`, in one start; `what` names the result in messages ("PDF", "Word (.docx)")."""
    program = find_soffice()
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as work:
        folder = Path(work)
        inputs = []
        for number, content in enumerate(documents, start=1):
            inputs.append(folder / f"van-ban-{number:04d}{suffix}")
            inputs[-1].write_bytes(content)
        out = folder / "ket-qua"
        command = [program, f"-env:UserInstallation={(folder / 'ho-so').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", target, "--outdir", str(out), *map(str, inputs)]
        said = _run(command, START_SECONDS + SECONDS_PER_DOCUMENT * len(documents), what)
        results: list[bytes | DocgenError] = []
        for source in inputs:
            made = out / f"{source.stem}{made_suffix}"
            if not made.is_file() or made.stat().st_size == 0:
                results.append(DocgenError(f"LibreOffice không chuyển được văn bản sang {what}" + _last_words(said)))
            else:
                results.append(made.read_bytes())
        return results


def _run(command: list[str], seconds: int, what: str = "PDF") -> str:
    """Run LibreOffice, stopping it (and the soffice.bin it starts) after `seconds` or on Ctrl-C. Returns what
    it printed."""
    own_group = {"start_new_session": True} if os.name == "posix" else {
        "creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   **own_group)
    except OSError as exc:
        raise DocgenError(f"không chạy được LibreOffice ({command[0]}): {exc.strerror or exc}") from None
    try:
        said, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise DocgenError(f"LibreOffice chưa chuyển xong sang {what} sau {seconds} giây nên đã bị dừng; chưa ghi tệp "
                          "nào. Đóng các cửa sổ LibreOffice đang treo rồi chạy lại.") from None
    except BaseException:  # Ctrl-C, SIGTERM: LibreOffice stops with us
        _stop(process)
        raise
    return said.decode("utf-8", "replace")


def _stop(process: subprocess.Popen) -> None:
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
    else:  # the soffice.exe launcher and the soffice.bin it started, together
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        process.kill()
    process.wait()


def _last_words(said: str) -> str:
    lines = [line for line in said.splitlines() if line.strip() and "javaldx" not in line]
    errors = [line for line in lines if "rror" in line] or lines[-2:]
    return (": " + " / ".join(line.strip() for line in errors)) if errors else ""


def write(document, pdfa: bool = False) -> bytes:
    """The document as PDF: its .docx (a Word form's own package, or the .docx writer's), converted."""
    from cchc_docgen.writers import write as write_format

    result = convert([write_format(document, "docx")], pdfa)[0]
    if isinstance(result, DocgenError):
        raise result
    return result
