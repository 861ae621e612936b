"""Golden-file checks (`docgen check`): render each case and compare it with its approved ("golden") files.

The comparison is of what a reader sees, not of XML: both .docx files are read the way Word lays them out —
the body's paragraphs (style, text, and the formatting that shows: bold, italic, underline, size, font,
alignment, indents, spacing), tables cell by cell, footnotes by number, page headers and footers, and page
setup (paper size, orientation, margins) — and every difference is reported in Vietnamese with where it is:

    tests/golden/thach-quy-q3-2024.docx: đoạn 57 (mục "2. Cải cách thủ tục hành chính"): "… 537 hồ sơ …" → "… 538 hồ sơ …"
    tests/golden/thach-quy-q3-2024.docx: đề mục "I. CÔNG TÁC CHỈ ĐẠO …": mất chữ đậm

A golden .md, when there is one, is compared line by line the same way. Two files that differ only where nothing
shows (zip compression, document properties) match; `--update` still rewrites such a golden, so it stays the
exact output. Effective formatting is resolved through the style chain (document defaults → paragraph style
and its bases → character style → direct formatting), so a layout whose heading style loses its bold is caught
at every heading, and the same difference at many places is reported once with the first places it occurs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cchc_docgen.errors import DocgenError
from cchc_docgen.golden.diff import Difference, compare_docx, compare_md, summarize

DATA_SUFFIXES = (".yaml", ".yml")


# --- running the check --------------------------------------------------------------------------


def data_files(paths) -> list[Path]:
    """The data files named: a folder stands for every .yaml/.yml file directly in it, in name order."""
    out, seen = [], set()
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file())
            if not found:
                raise DocgenError(f"không có tệp dữ liệu (.yaml) nào trong thư mục {path}")
        else:
            found = [path]
        for item in found:
            if item.resolve() not in seen:
                seen.add(item.resolve())
                out.append(item)
    return out


@dataclass
class CaseResult:
    data: Path
    status: str  # "khớp", "khác", "thiếu", "lỗi", "tạo", "cập nhật", "không đổi"
    lines: list[str] = field(default_factory=list)


def _compare(kind: str, old: bytes, new: bytes) -> list[Difference]:
    if kind == "docx":
        return compare_docx(old, new)
    try:
        old_text = old.decode("utf-8")
    except UnicodeDecodeError:
        return [Difference("", "tệp đối chiếu không phải văn bản UTF-8")]
    return compare_md(old_text, new.decode("utf-8"))


def check_case(data: Path, golden_dir: Path, library, template_name: str | None, update: bool) -> CaseResult:
    """Render one data file and compare it with (or, updating, write) its goldens."""
    from cchc_docgen.pipeline import Pipeline
    from cchc_docgen.writers import write

    pipeline = Pipeline(library=library)
    try:
        document = pipeline.compose(pipeline.prepare(pipeline.read(data), template_name))  # once, for both formats
        outputs = {fmt: write(document, fmt) for fmt in ("docx", "md")}
        return _against_goldens(data, golden_dir, outputs, update)
    except DocgenError as exc:
        return CaseResult(data, "lỗi", str(exc).splitlines())
    except OSError as exc:  # a golden that cannot be read
        return CaseResult(data, "lỗi", [f"không đọc được {exc.filename}: {exc.strerror}"])


def _against_goldens(data: Path, golden_dir: Path, outputs: dict[str, bytes], update: bool) -> CaseResult:
    from cchc_docgen.output import write_atomically

    goldens = {fmt: golden_dir / f"{data.stem}.{fmt}" for fmt in ("docx", "md")}
    is_new = not goldens["docx"].exists()
    if not update:
        if is_new:
            return CaseResult(data, "thiếu", [f"{goldens['docx']}: chưa có tệp đối chiếu (golden) cho {data}"])
        lines = []
        for fmt, golden in goldens.items():
            if golden.exists():
                differences = _compare(fmt, golden.read_bytes(), outputs[fmt])
                lines.extend(f"{golden}: {line}" for line in summarize(differences))
        return CaseResult(data, "khác" if lines else "khớp", lines)

    lines, written = [], []
    golden_dir.mkdir(parents=True, exist_ok=True)
    for fmt, golden in goldens.items():
        if golden.exists():
            old = golden.read_bytes()
            if old == outputs[fmt]:
                continue
            differences = summarize(_compare(fmt, old, outputs[fmt]))
            write_atomically(golden, outputs[fmt])
            written.append(golden)
            lines.extend(f"{golden}: {line}" for line in differences)
            if not differences:
                lines.append(f"{golden}: chỉ khác ở phần không hiển thị (thuộc tính tệp, cách nén)")
        elif is_new:  # a new case gets both goldens; an existing case keeps the .md left out on purpose
            write_atomically(golden, outputs[fmt])
            written.append(golden)
    if not written:
        return CaseResult(data, "không đổi")
    names = ", ".join(str(p) for p in written)
    return CaseResult(data, "tạo" if is_new else "cập nhật", [names] if is_new else lines)


def run(paths, golden_dir: Path, library, template_name: str | None, update: bool, echo: Callable[[str], None],
        update_command: str = "") -> int:
    """Check (or update) every case; print a report through `echo`; return the exit code (0: all match)."""
    files = data_files(paths)
    stems: dict[str, Path] = {}
    counts: dict[str, int] = {}
    for data in files:
        if data.stem in stems:
            result = CaseResult(data, "lỗi", [f"trùng tên với {stems[data.stem]}: cả hai dùng chung tệp đối chiếu "
                                             f"{golden_dir / (data.stem + '.docx')}; hãy đổi tên một tệp"])
        else:
            stems[data.stem] = data
            result = check_case(data, golden_dir, library, template_name, update)
        counts[result.status] = counts.get(result.status, 0) + 1
        _print_case(result, echo)
    total = len(files)
    if update:
        names = {"tạo": "tạo mới", "cập nhật": "cập nhật", "không đổi": "không đổi", "lỗi": "lỗi"}
        parts = [f"{counts[s]} {name}" for s, name in names.items() if counts.get(s)]
        echo(f"\nĐã xử lý {total} tệp dữ liệu: " + ", ".join(parts) + ".")
        return 1 if counts.get("lỗi") else 0
    names = {"khác": "khác tệp đối chiếu", "thiếu": "chưa có tệp đối chiếu", "lỗi": "lỗi"}
    parts = [f"{counts.get('khớp', 0)} khớp"] + [f"{counts[s]} {name}" for s, name in names.items() if counts.get(s)]
    echo(f"\nĐã kiểm tra {total} tệp dữ liệu: " + ", ".join(parts) + ".")
    if counts.get("khác") or counts.get("thiếu"):
        echo("Nếu các thay đổi trên là đúng ý, duyệt (tạo hoặc cập nhật tệp đối chiếu) bằng lệnh:")
        echo(f"  {update_command}" if update_command else "  docgen check … --update")
    return 0 if counts.get("khớp", 0) == total else 1


STATUS_TEXT = {"khớp": "khớp", "khác": "KHÁC tệp đối chiếu", "thiếu": "THIẾU tệp đối chiếu", "lỗi": "LỖI",
               "tạo": "đã tạo", "cập nhật": "đã cập nhật", "không đổi": "không đổi"}


def _print_case(result: CaseResult, echo) -> None:
    if result.status == "tạo":
        echo(f"{result.data}: đã tạo {result.lines[0]}")
        return
    echo(f"{result.data}: {STATUS_TEXT[result.status]}")
    for line in result.lines:
        echo(f"  {line}")
