"""docs/ is generated from the code (tools/make_docs.py) and must be up to date; the lists it reads are true."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from conftest import EXAMPLES, ROOT
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE

from cchc_docgen.authoring import lint
from cchc_docgen.composing import compose
from cchc_docgen.composing.header import layout_variables
from cchc_docgen.domain import compute
from cchc_docgen.reading import loader
from cchc_docgen.reading.validate import load_schema
from cchc_docgen.templating.library import library_for


def _make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "tools" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_docs = _make_docs()


def test_docs_are_up_to_date():
    for name, text in make_docs.generate().items():
        path = ROOT / "docs" / name
        assert path.is_file(), f"docs/{name} chưa có: chạy python tools/make_docs.py"
        assert path.read_text(encoding="utf-8") == text, f"docs/{name} đã cũ: chạy python tools/make_docs.py"


def test_the_check_option_reports_stale_docs():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_docs.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_filter_function_and_variable_is_documented():
    text = make_docs.generate()["tham-chieu-mau.md"]
    env = library_for().env
    for name in [*env.filters, *env.globals]:
        if name not in DEFAULT_FILTERS and name not in DEFAULT_NAMESPACE:
            assert f"### `{name}`" in text, name
    for name in lint.HELPERS:
        assert f"### `{name}`" in text, name
    for name in [*lint.layout_variables(), *lint.DERIVED_VARIABLES, "so_lieu.ho_so.tiep_nhan", "noi_dung.the_che"]:
        assert f"| `{name}` |" in text, name
    assert "| `{{ 11341\\|ty_le(14446) }}` | 78,51% |" in text  # examples come from the docstrings
    assert "| `ke-hoach` | — | can_cu, mo_dau, muc_dich, yeu_cau, cac_muc, to_chuc_thuc_hien, ket_luan | — |" in text


def _paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,)
            yield from _paths(item, path + (key,))


def test_the_computed_variables_are_exactly_what_compute_adds():
    loaded = loader.load(EXAMPLES / "thach-quy-q3-2024.yaml")
    context = compute.compute(loaded.data)
    shape = lint._Shape(load_schema())
    added = set()
    for path in _paths(context):
        parent_open = shape.fields(path[:-1]) is None and not lint._known_child(shape, path)
        if not lint._known_child(shape, path) and not parent_open:
            added.add(".".join(path))
    assert added == set(lint.DERIVED_VARIABLES)


def test_the_layout_variables_are_what_compose_gives_the_layout_and_each_is_described():
    library = library_for()
    loaded = loader.load(EXAMPLES / "thach-quy-q3-2024.yaml")
    document = compose.compose(compute.compute(loaded.data), library.get("quy"))
    assert set(lint.layout_variables()) == set(layout_variables(document.header)) | {"noi_dung"}
    undescribed = set(lint.layout_variables()) - set(lint.LAYOUT_VARIABLES)
    assert not undescribed, f"mô tả các biến bố cục này trong lint.LAYOUT_VARIABLES: {undescribed}"
