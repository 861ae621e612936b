"""docs/ is generated from the code (tools/make_docs.py) and must be up to date; the lists it reads are true."""

from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT, run_cli
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


def _documented_callables():
    env = library_for().env
    for name, function in [*env.filters.items(), *env.globals.items()]:
        if name not in DEFAULT_FILTERS and name not in DEFAULT_NAMESPACE:
            yield name, function
    for name in lint.HELPERS:
        yield name, getattr(compose.Composer, name)


def test_the_reference_shows_vietnamese_descriptions_not_the_english_docstrings():
    text = make_docs.generate()["tham-chieu-mau.md"]
    for name, function in _documented_callables():
        assert make_docs.DESCRIPTIONS[name] in text, name
        prose, _ = make_docs._doc_parts(function)
        assert prose, name  # the check below would pass vacuously on an empty docstring
        for sentence in re.split(r"(?<=[.;:])\s+", prose):
            if len(sentence) > 15:
                assert sentence not in text, f"{name}: English docstring text in the reference: {sentence!r}"
        assert inspect.getdoc(function).splitlines()[0] not in text, name
    assert "Format a number" not in text and "Place the ward" not in text


def test_a_filter_without_a_vietnamese_description_stops_the_generator(monkeypatch):
    monkeypatch.delitem(make_docs.DESCRIPTIONS, "hai_so")
    with pytest.raises(KeyError, match="'hai_so' has no Vietnamese description; add one to DESCRIPTIONS"):
        make_docs.generate()


def _where(template: str, block: str) -> str:
    """`file:line` of `{% block NAME %}` in a built-in template, as the reference shows it."""
    rows = (ROOT / "templates" / template).read_text(encoding="utf-8").splitlines()
    return f"{template}:{next(i for i, row in enumerate(rows, 1) if '{% block ' + block + ' %}' in row)}"


def test_the_overridable_blocks_are_listed_with_their_line_and_content():
    text = make_docs.generate()["tham-chieu-mau.md"]
    section = text[text.index("## Các khối ghi đè được"):text.index("## Biến của bố cục")]
    assert "### Mẫu `6thang`, `9thang`, `nam`, `quy`" in section
    assert (f"| `chi_dao` | `{_where('quoc-gia/_bao_cao_dinh_ky.md.j2', 'chi_dao')}` | Đề mục “Công tác chỉ đạo, "
            "điều hành cải cách hành chính” | — | chi_dao, van_ban_chi_dao, ke_hoach, kiem_tra, tuyen_truyen, "
            "nhiem_vu_duoc_giao, sang_kien, chi_dao_khac |") in section
    assert (f"| `cau_ho_so` | `{_where('quoc-gia/_bao_cao_dinh_ky.md.j2', 'cau_ho_so')}` | Câu chuẩn viết từ "
            "`so_lieu.ho_so` | `ket_qua` | — |") in section
    # kiem-tra empties the block: its own line is shown
    assert f"| `phuong_huong` | `{_where('quoc-gia/kiem-tra.md.j2', 'phuong_huong')}` | (trống) | — | — |" in section
    assert (f"| `muc_dich_yeu_cau` | `{_where('quoc-gia/ke-hoach.md.j2', 'muc_dich_yeu_cau')}` | Đề mục “Mục đích, "
            "yêu cầu” | — | muc_dich, yeu_cau |") in section
    # Hà Tĩnh's ending changes the periodic reports but not kiem-tra, which has an ending of its own
    ending = _where("ha-tinh/_bao_cao_dinh_ky.md.j2", "ket_luan")
    assert (f"| `6thang`, `9thang`, `nam`, `quy` | `ket_luan` | `{ending}` | `{{{{ noi_dung.ket_luan }}}}`, nếu trống: "
            "Trên đây là báo cáo") in section
    assert "### Tỉnh Quảng Ninh (`templates/quang-ninh/`)\n\nKhông ghi đè khối nào" in section
    for name in library_for().names:
        for block in make_docs.template_blocks(library_for(), name):
            assert f"| `{block[0]}` |" in section, (name, block)


@pytest.mark.parametrize("example, ending", [
    ("OVERRIDE_EXAMPLE", "Trên đây là báo cáo công tác cải cách hành chính quý I năm 2025 của UBND phường Minh Tân, "
                         "kính gửi Văn phòng UBND tỉnh tổng hợp./."),
    # super() is what the national template prints: here the ward's own noi_dung.ket_luan
    ("SUPER_EXAMPLE", "của UBND phường Minh Tân, kính báo cáo UBND thành phố Đông Sơn xem xét, chỉ đạo; đề nghị các bộ "
                      "phận chuyên môn tiếp tục triển khai các nhiệm vụ quý II năm 2025./."),
])
def test_the_override_examples_render_as_the_reference_says(tmp_path, example, ending):
    example_text = getattr(make_docs, example)
    assert f"```jinja\n{example_text}```" in make_docs.generate()["tham-chieu-mau.md"]
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "quy.md.j2").write_text(example_text, encoding="utf-8")
    result = run_cli("render", EXAMPLES / "minh-tan-q1-2025.yaml", "--templates", folder, "-f", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    assert ending in result.output


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
