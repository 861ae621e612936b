"""The template authors' guides (docs/huong-dan-tac-gia-mau.md, …) are executed, so they cannot go stale.

A guide marks what a reader would type: a fenced block preceded by `<!-- tệp: PATH -->` is a file the reader
writes (written, in order, into a fresh folder); one preceded by `<!-- chạy -->` holds `docgen …` commands run
there, each of which must succeed; `<!-- chạy, lỗi: TEXT -->` is a command that must fail saying TEXT. Every
other block is only shown.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT
from test_bad_inputs import invoke

GUIDES = sorted((ROOT / "docs").glob("huong-dan-*.md"))
_STEP = re.compile(r"<!-- (tệp: (?P<path>[^ ]+)|(?P<run>chạy)(, lỗi: (?P<error>.+?))?) -->\n```[a-z]*\n(?P<body>.*?)```",
                   re.S)


def steps(guide: Path):
    return [m.groupdict() for m in _STEP.finditer(guide.read_text(encoding="utf-8"))]


def test_there_is_a_guide_with_steps():
    assert GUIDES and all(steps(g) for g in GUIDES)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.stem)
def test_the_guide_runs_as_written(guide, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "du-lieu-mau.yaml").write_text((ROOT / "tests" / "bad_inputs" / "valid.yaml").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    for step in steps(guide):
        if step["path"]:
            target = tmp_path / step["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step["body"], encoding="utf-8")
            continue
        for line in step["body"].splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            words = shlex.split(line)
            assert words[0] == "docgen", line
            output = None
            if ">" in words:  # docgen new … > file.yaml
                at = words.index(">")
                words, output = words[:at], words[at + 1]
            result = invoke(*words[1:])
            if step["error"]:
                assert result.exit_code != 0 and step["error"] in result.output, f"{line}\n{result.output}"
            else:
                assert result.exit_code == 0, f"{line}\n{result.output}"
                if output:
                    (tmp_path / output).write_text(result.output, encoding="utf-8")
