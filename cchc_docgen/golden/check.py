"""Golden-file checks (`docgen check`): render each case and compare it with its approved ("golden") files.

The comparison is of what a reader sees, not of XML (golden/docx_view.py reads both .docx files the way Word
lays them out, golden/diff.py compares them): text, effective formatting, page setup, table geometry,
numbering, headers and footers with their fields, footnotes, pictures and the document properties Word shows.
Every difference is reported in Vietnamese with where it is:

    tests/golden/thach-quy-q3-2024.docx: đoạn 57 (mục "2. Cải cách thủ tục hành chính"): "… 537 hồ sơ …" → "… 538 hồ sơ …"
    tests/golden/thach-quy-q3-2024.docx: đề mục "I. CÔNG TÁC CHỈ ĐẠO …": mất chữ đậm

A golden .md, when there is one, is compared line by line the same way. Two files that differ only where nothing
shows (zip compression, the order of parts) match; `--update` still rewrites such a golden, so it stays the exact
output.

Each case ends in one status, and the run's exit code is that of the gravest status met (EXIT_CODES): one case
that cannot be rendered never stops the others from being checked.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cchc_docgen.errors import DocgenError
from cchc_docgen.golden.diff import Difference, compare_docx, compare_md, summarize

MAX_MARKDOWN_BYTES = 64 * 1024 * 1024  # a golden .md larger than this is not one of ours

# status → exit code. Gravest first: a case that could not be rendered (3) says nothing about its golden;
# a missing golden (4) needs approving; a difference (1) needs reading.
MATCH, DIFFERENT, MISSING, ERROR = "khớp", "khác", "thiếu", "lỗi"
CREATED, UPDATED, UNCHANGED = "tạo", "cập nhật", "không đổi"
EXIT_CODES = {ERROR: 3, MISSING: 4, DIFFERENT: 1}
EXIT_USAGE = 2


@dataclass
class CaseResult:
    data: Path
    status: str  # MATCH, DIFFERENT, MISSING, ERROR, CREATED, UPDATED, UNCHANGED
    lines: list[str] = field(default_factory=list)  # the differences, or the error, as printed
    findings: list = field(default_factory=list)  # the consistency checks' findings (checks.Finding)
    seconds: float = 0.0
    new_docx: bytes | None = None  # the new document of a case that differs (for --anh's pictures)

    @property
    def failed(self) -> bool:
        return self.status in EXIT_CODES


def exit_code(results: list[CaseResult]) -> int:
    codes = {EXIT_CODES[r.status] for r in results if r.failed}
    for code in (3, 4, 1):
        if code in codes:
            return code
    return 0


def unique_data_files(files: list[Path]) -> list[Path]:
    """The same file named twice (a folder and a file in it) is checked once."""
    out, seen = [], set()
    for path in files:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            out.append(path)
    return out


def _compare(kind: str, old: bytes, new: bytes, ignore) -> list[Difference]:
    if kind == "docx":
        return compare_docx(old, new, ignore)
    if len(old) > MAX_MARKDOWN_BYTES:
        return [Difference("", f"tệp đối chiếu lớn bất thường ({len(old) // (1024 * 1024)} MB): không phải văn bản "
                               "docgen sinh ra")]
    try:
        old_text = old.decode("utf-8")
    except UnicodeDecodeError:
        return [Difference("", "tệp đối chiếu không phải văn bản UTF-8")]
    return compare_md(old_text, new.decode("utf-8"))


def check_case(data: Path, golden_dir: Path, library, template_name: str | None, update: bool,
               strict: bool = False, ignore=frozenset()) -> CaseResult:
    """Render one data file and compare it with (or, updating, write) its goldens. Never raises: whatever goes
    wrong is this case's result."""
    from cchc_docgen.domain import checks
    from cchc_docgen.pipeline import Pipeline
    from cchc_docgen.writers import write

    started = time.perf_counter()
    pipeline = Pipeline(library=library)
    findings: list = []
    try:
        prepared = pipeline.prepare(pipeline.read(data), template_name)
        document = pipeline.compose(prepared)  # once, for both formats
        findings = pipeline.findings(prepared)
        if strict and findings:
            result = CaseResult(data, ERROR, [f"--strict: dữ liệu còn {checks.summary(findings)}"], findings)
        else:
            outputs = {fmt: write(document, fmt) for fmt in ("docx", "md")}
            result = _against_goldens(data, golden_dir, outputs, update, ignore)
            result.findings = findings
    except DocgenError as exc:
        result = CaseResult(data, ERROR, str(exc).splitlines(), findings)
    except OSError as exc:  # a golden that cannot be read or written
        result = CaseResult(data, ERROR, [f"không đọc/ghi được {exc.filename}: {exc.strerror}"], findings)
    except Exception as exc:  # a bug of ours: this case fails, the others are still checked
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        result = CaseResult(data, ERROR, [f"lỗi nội bộ của docgen ({type(exc).__name__}: {exc}); đặt DOCGEN_DEBUG=1 "
                                          "để xem chi tiết và báo lỗi cho nhóm phát triển"], findings)
    result.seconds = time.perf_counter() - started
    return result


def _against_goldens(data: Path, golden_dir: Path, outputs: dict[str, bytes], update: bool, ignore) -> CaseResult:
    from cchc_docgen.output import write_atomically

    goldens = {fmt: golden_dir / f"{data.stem}.{fmt}" for fmt in ("docx", "md")}
    is_new = not goldens["docx"].exists()
    if not update:
        if is_new:
            return CaseResult(data, MISSING, [f"{goldens['docx']}: chưa có tệp đối chiếu (golden) cho {data}"])
        lines = []
        for fmt, golden in goldens.items():
            if golden.exists():
                differences = _compare(fmt, golden.read_bytes(), outputs[fmt], ignore)
                lines.extend(f"{golden}: {line}" for line in summarize(differences))
        if lines:
            return CaseResult(data, DIFFERENT, lines, new_docx=outputs["docx"])
        return CaseResult(data, MATCH, lines)

    lines, written = [], []
    golden_dir.mkdir(parents=True, exist_ok=True)
    for fmt, golden in goldens.items():
        if golden.exists():
            old = golden.read_bytes()
            if old == outputs[fmt]:
                continue
            differences = summarize(_compare(fmt, old, outputs[fmt], frozenset()))
            write_atomically(golden, outputs[fmt])
            written.append(golden)
            lines.extend(f"{golden}: {line}" for line in differences)
            if not differences:
                lines.append(f"{golden}: chỉ khác ở phần không hiển thị (cách nén, thứ tự các phần trong tệp)")
        elif is_new:  # a new case gets both goldens; an existing case keeps the .md left out on purpose
            write_atomically(golden, outputs[fmt])
            written.append(golden)
    if not written:
        return CaseResult(data, UNCHANGED)
    names = ", ".join(str(p) for p in written)
    return CaseResult(data, CREATED if is_new else UPDATED, [names] if is_new else lines)


def run(files: list[Path], golden_dir: Path, library, template_name: str | None, update: bool,
        echo: Callable[[str], None], update_command: str = "", strict: bool = False, ignore=frozenset(),
        warn: Callable[[str], None] | None = None) -> list[CaseResult]:
    """Check (or update) every case, printing each as it is done through `echo` (the consistency checks'
    findings through `warn`, as render prints them); the results, for the exit code and the reports."""
    warn = warn or echo
    stems: dict[str, Path] = {}
    results = []
    for data in files:
        if data.stem in stems:
            result = CaseResult(data, ERROR, [f"trùng tên với {stems[data.stem]}: cả hai dùng chung tệp đối chiếu "
                                              f"{golden_dir / (data.stem + '.docx')}; hãy đổi tên một tệp"])
        else:
            stems[data.stem] = data
            result = check_case(data, golden_dir, library, template_name, update, strict, ignore)
        results.append(result)
        if not strict:
            for finding in result.findings:
                warn(str(finding))
        _print_case(result, echo)
    _print_summary(results, update, echo, update_command)
    return results


STATUS_TEXT = {MATCH: "khớp", DIFFERENT: "KHÁC tệp đối chiếu", MISSING: "THIẾU tệp đối chiếu", ERROR: "LỖI",
               CREATED: "đã tạo", UPDATED: "đã cập nhật", UNCHANGED: "không đổi"}


def _print_case(result: CaseResult, echo) -> None:
    if result.status == CREATED:
        echo(f"{result.data}: đã tạo {result.lines[0]}")
        return
    echo(f"{result.data}: {STATUS_TEXT[result.status]}")
    for line in result.lines:
        echo(f"  {line}")
    if result.status == ERROR and result.findings and result.lines[0].startswith("--strict"):
        for finding in result.findings:
            echo("  " + str(finding).replace("\n", "\n  "))


def _print_summary(results: list[CaseResult], update: bool, echo, update_command: str) -> None:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    if update:
        names = {CREATED: "tạo mới", UPDATED: "cập nhật", UNCHANGED: "không đổi", ERROR: "lỗi"}
        parts = [f"{counts[s]} {name}" for s, name in names.items() if counts.get(s)]
        echo(f"\nĐã xử lý {len(results)} tệp dữ liệu: " + ", ".join(parts) + ".")
        return
    names = {DIFFERENT: "khác tệp đối chiếu", MISSING: "chưa có tệp đối chiếu", ERROR: "lỗi"}
    parts = [f"{counts.get(MATCH, 0)} khớp"] + [f"{counts[s]} {name}" for s, name in names.items() if counts.get(s)]
    echo(f"\nĐã kiểm tra {len(results)} tệp dữ liệu: " + ", ".join(parts) + ".")
    if counts.get(DIFFERENT) or counts.get(MISSING):
        echo("Nếu các thay đổi trên là đúng ý, duyệt (tạo hoặc cập nhật tệp đối chiếu) bằng lệnh:")
        echo(f"  {update_command}" if update_command else "  docgen check … --update")
