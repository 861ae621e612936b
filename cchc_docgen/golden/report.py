"""The results of `docgen check` for machines: JUnit XML (one testcase per data file), JSON, and GitHub Actions
annotations (`::error file=…,line=…::`) pointing at the data file."""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path
from xml.etree import ElementTree as ET

from cchc_docgen.golden.check import (
    DIFFERENT,
    ERROR,
    MISSING,
    STATUS_TEXT,
    CaseResult,
    exit_code,
)

SUITE = "docgen check"
KIND_TEXT = {DIFFERENT: "khác tệp đối chiếu", MISSING: "thiếu tệp đối chiếu", ERROR: "lỗi dữ liệu hoặc mẫu"}
_LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): ")


def _failure_text(result: CaseResult) -> str:
    lines = list(result.lines)
    if result.status == ERROR and result.findings and lines and lines[0].startswith("--strict"):
        lines += [str(f) for f in result.findings]
    return "\n".join(lines)


def write_junit(results: list[CaseResult], path: Path) -> None:
    """JUnit XML as CI systems read it: <testsuites><testsuite><testcase>, a difference or a missing golden as
    <failure>, a case that could not be rendered as <error>, consistency findings in <system-out>."""
    failures = sum(1 for r in results if r.status in (DIFFERENT, MISSING))
    errors = sum(1 for r in results if r.status == ERROR)
    seconds = f"{sum(r.seconds for r in results):.3f}"
    counts = {"tests": str(len(results)), "failures": str(failures), "errors": str(errors), "time": seconds}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {
        "name": SUITE, **counts, "skipped": "0", "hostname": socket.gethostname() or "localhost",
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S")})
    for result in results:
        case = ET.SubElement(suite, "testcase", {"classname": SUITE, "name": str(result.data),
                                                 "file": str(result.data), "time": f"{result.seconds:.3f}"})
        if result.failed:
            tag = "error" if result.status == ERROR else "failure"
            first = result.lines[0] if result.lines else STATUS_TEXT[result.status]
            element = ET.SubElement(case, tag, {"message": f"{KIND_TEXT[result.status]}: {first}",
                                                "type": KIND_TEXT[result.status]})
            element.text = _failure_text(result)
        if result.findings and result.status != ERROR:
            ET.SubElement(case, "system-out").text = "\n".join(str(f) for f in result.findings)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")


def write_json(results: list[CaseResult], path: Path) -> None:
    """{"exit_code", "counts", "cases": [{"data", "status", "lines", "findings", "seconds"}]}; status in English
    words a script can test (match, different, missing, error, created, updated, unchanged)."""
    names = {"khớp": "match", DIFFERENT: "different", MISSING: "missing", ERROR: "error", "tạo": "created",
             "cập nhật": "updated", "không đổi": "unchanged"}
    counts: dict[str, int] = {}
    for result in results:
        counts[names[result.status]] = counts.get(names[result.status], 0) + 1
    report = {
        "exit_code": exit_code(results),
        "counts": counts,
        "cases": [{"data": str(r.data), "status": names[r.status], "status_text": STATUS_TEXT[r.status],
                   "lines": r.lines, "findings": [str(f) for f in r.findings], "seconds": round(r.seconds, 3)}
                  for r in results],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(results: list[CaseResult]) -> list[str]:
    """One `::error` line per failed case, at the data file and, when the error names one, its line."""
    out = []
    for result in results:
        if not result.failed:
            continue
        line = column = None
        texts = list(result.lines) + [str(f) for f in result.findings]
        for text in texts:
            found = _LOCATION.match(text)
            if found and Path(found["file"]) == Path(result.data):
                line, column = found["line"], found["column"]
                break
        place = f"file={_escape_property(str(result.data))}"
        place += f",line={line},col={column}" if line else ""
        title = f"docgen check: {KIND_TEXT[result.status]}"
        out.append(f"::error {place},title={_escape_property(title)}::{_escape_data(_failure_text(result))}")
    return out

