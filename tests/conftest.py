"""Shared helpers: render through the real CLI and read the .docx the way a reviewer would."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from cchc_docgen.cli import main

# Compiled templates are cached between runs; the tests keep theirs apart from the user's cache.
os.environ.setdefault("DOCGEN_CACHE_DIR", tempfile.mkdtemp(prefix="docgen-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data_examples"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def posix_only(reason: str):
    """A test of something Windows does not have (devices, pipes, Unix permissions, process groups...)."""
    return pytest.mark.skipif(os.name != "posix", reason=f"POSIX only: {reason}")


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def thach_quy(tmp_path_factory):
    """The Thạch Quý example rendered once as .docx and .md."""
    out = tmp_path_factory.mktemp("thach-quy")
    docx_path, md_path = out / "tq.docx", out / "tq.md"
    for path, fmt in ((docx_path, "docx"), (md_path, "md")):
        result = run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", path, "--format", fmt)
        assert result.exit_code == 0, result.output
    return docx_path, md_path


def part_xml(docx_path: Path, name: str):
    with zipfile.ZipFile(docx_path) as z:
        return etree.fromstring(z.read(name))


def paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(W + "t"))


def footnotes(docx_path: Path) -> list[str]:
    """Texts of the real footnotes (separators left out), in the order of their references in the body."""
    with zipfile.ZipFile(docx_path) as z:
        if "word/footnotes.xml" not in z.namelist():
            return []
    notes = {n.get(W + "id"): paragraph_text(n).strip()
             for n in part_xml(docx_path, "word/footnotes.xml").iter(W + "footnote") if n.get(W + "type") is None}
    body = part_xml(docx_path, "word/document.xml")
    return [notes[ref.get(W + "id")] for ref in body.iter(W + "footnoteReference")]


BASE_LAYOUT = ROOT / "templates" / "quoc-gia" / "bo-cuc.docx"


def layout_variant(folder: Path, change=lambda name, data: data, *, add=None, name: str = "bo-cuc.docx") -> Path:
    """A copy of the national base layout in `folder`/`name` with `change(part name, bytes)` applied to each part
    (None drops the part) and the parts in `add` ({name: bytes}) added."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    with zipfile.ZipFile(BASE_LAYOUT) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                out.writestr(info.filename, data)
        for part, data in (add or {}).items():
            out.writestr(part, data)
    return target


def in_part(part: str, edit):
    """A layout change: `edit(bytes) -> bytes` applied to one part, the others kept."""
    return lambda name, data: edit(data) if name == part else data


def with_body_xml(extra: bytes):
    """A layout change: `extra` appended at the end of the document body."""
    return in_part("word/document.xml", lambda data: data.replace(b"</w:body>", extra + b"</w:body>"))
