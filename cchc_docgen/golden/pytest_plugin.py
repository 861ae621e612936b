"""A pytest plugin for template repositories: `pytest` runs one test per data file against its golden, as
`docgen check` does, and a failing test shows the same Vietnamese difference lines.

Installed with cchc_docgen (entry point `pytest11`) and inert until the repository names its goldens:

    [tool.pytest.ini_options]          # or [pytest] in pytest.ini
    docgen_golden = "golden"            # folder of approved <name>.docx / <name>.md (relative to the rootdir)
    docgen_cases = ["cases"]            # folders whose .yaml/.yml files are the cases (default: ["cases"])
    docgen_templates = ["templates"]    # the repository's template folders, searched first (optional)
    docgen_strict = true                # consistency findings fail the case, as `docgen check --strict`

`pytest --docgen-update` approves: it writes the goldens of every case it runs (as `docgen check --update`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_SUFFIXES = (".yaml", ".yml")


def pytest_addoption(parser):
    parser.addini("docgen_golden", "docgen: thư mục tệp đối chiếu (bật plugin khi được đặt)", default="")
    parser.addini("docgen_cases", "docgen: các thư mục tệp dữ liệu", type="paths", default=[])
    parser.addini("docgen_templates", "docgen: các thư mục mẫu riêng", type="paths", default=[])
    parser.addini("docgen_strict", "docgen: lỗi/cảnh báo kiểm tra số liệu làm hỏng trường hợp", type="bool",
                  default=False)
    parser.addoption("--docgen-update", action="store_true",
                     help="docgen: tạo hoặc cập nhật tệp đối chiếu của các trường hợp được chạy")


def _settings(config):
    golden = config.getini("docgen_golden")
    if not golden:
        return None
    root = Path(config.rootpath)
    cases = [Path(p).resolve() for p in config.getini("docgen_cases")] or [(root / "cases").resolve()]
    return {"golden": (root / golden).resolve(), "cases": cases,
            "templates": tuple(Path(p) for p in config.getini("docgen_templates")),
            "strict": config.getini("docgen_strict"), "update": config.getoption("docgen_update")}


def pytest_configure(config):
    config._docgen = _settings(config)


def pytest_collect_file(file_path: Path, parent):
    settings = getattr(parent.config, "_docgen", None)
    if settings is None or file_path.suffix not in DATA_SUFFIXES:
        return None
    if file_path.resolve().parent not in settings["cases"]:  # only the files directly in a cases folder
        return None
    return DocgenFile.from_parent(parent, path=file_path)


class DocgenFile(pytest.File):
    def collect(self):
        yield DocgenCase.from_parent(self, name="docgen check")


class CaseFailed(Exception):
    """A case that does not match its golden (or could not be rendered): its report lines."""


class DocgenCase(pytest.Item):
    _libraries: dict = {}  # template folders → library, shared by every case of the session

    def runtest(self):
        from cchc_docgen.golden import check
        from cchc_docgen.templating.library import library_for

        settings = self.config._docgen
        key = settings["templates"]
        if key not in self._libraries:
            self._libraries[key] = library_for(key)
        result = check.check_case(self.path, settings["golden"], self._libraries[key], None, settings["update"],
                                  settings["strict"])
        if result.failed:
            lines = [f"{self.path}: {check.STATUS_TEXT[result.status]}", *(f"  {x}" for x in result.lines)]
            if result.status == check.MISSING or result.status == check.DIFFERENT:
                lines.append("Nếu thay đổi là đúng ý, duyệt bằng: pytest --docgen-update")
            raise CaseFailed("\n".join(lines))
        for finding in result.findings:
            self.add_report_section("call", "docgen", str(finding))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"docgen check {self.path.name}"
