"""Jinja's idioms in a text template keep the ward's content (issue 20, item 3).

A template folder overrides the national `quy` with the idiom under test and renders the Thạch Quý example; the
report must be the golden one with exactly the template's own addition. What khoi() leaves in the output is an
internal marker: any one the template escapes, alters, keeps back or prints outside the body is a located error,
never text in the document.
"""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, ROOT, run_cli

EXAMPLE = EXAMPLES / "thach-quy-q3-2024.yaml"
GOLDEN = (ROOT / "tests" / "golden" / "thach-quy-q3-2024.md").read_text(encoding="utf-8")
EVALUATION = "# III. ĐÁNH GIÁ CHUNG\n"
BASE = "templates/quoc-gia/_bao_cao_dinh_ky.md.j2"
# The line of the national base where the evaluation's own content is placed, where its misuse is reported.
BASE_DANH_GIA = BASE + ":" + str(1 + (ROOT / BASE).read_text(encoding="utf-8").splitlines().index('{{ khoi("danh_gia") }}'))

# The national block, written out again by each idiom (the sections the ward fills in for the evaluation).
EVALUATION_BLOCK = """# {{ ten_muc("danh_gia", "Đánh giá chung") }}
{{ khoi("danh_gia") }}
## {{ ten_muc("uu_diem", "Ưu điểm") }}
{{ khoi("uu_diem") }}
## {{ ten_muc("ton_tai", "Tồn tại, hạn chế") }}
{{ khoi("ton_tai") }}
## {{ ten_muc("nguyen_nhan", "Nguyên nhân") }}
{{ khoi("nguyen_nhan") }}
"""


def render(tmp_path, files: dict[str, str]):
    folder = tmp_path / "mau"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out.md"
    result = run_cli("render", EXAMPLE, "--templates", folder, "-f", "md", "-o", out)
    return result, (out.read_text(encoding="utf-8") if out.exists() else None)


def override(block: str) -> dict[str, str]:
    return {"quy.md.j2": '{% extends "quoc-gia/quy.md.j2" %}\n{% block danh_gia %}\n' + block + "{% endblock %}\n"}


def golden_with(before_evaluation: str = "", evaluation_heading: str = EVALUATION) -> str:
    return GOLDEN.replace(EVALUATION, before_evaluation + evaluation_heading)


IDIOMS = {
    # the reported bug: the ward's evaluation vanished and "\# Đánh giá chung  16:" was printed instead
    "super": (override("Đoạn thêm trước phần đánh giá.\n{{ super() }}\n"),
              golden_with("Đoạn thêm trước phần đánh giá.\n\n")),
    # a block the parent does not have is printed only where self.<block>() asks for it
    "self.block": ({"quy.md.j2": '{% extends "quoc-gia/quy.md.j2" %}\n'
                                 "{% block danh_gia %}\nĐoạn thêm.\n{{ self.phan_danh_gia() }}\n{% endblock %}\n"
                                 "{% block phan_danh_gia %}\n" + EVALUATION_BLOCK + "{% endblock %}\n"},
                   golden_with("Đoạn thêm.\n\n")),
    "include": ({"quy.md.j2": '{% extends "quoc-gia/quy.md.j2" %}\n{% block danh_gia %}\n'
                              '{% include "_danh_gia.md.j2" %}\n{% endblock %}\n',
                 "_danh_gia.md.j2": EVALUATION_BLOCK.replace("Đánh giá chung", "Đánh giá chung của phường")},
                golden_with(evaluation_heading="# III. ĐÁNH GIÁ CHUNG CỦA PHƯỜNG\n")),
    "macro in the same file": ({"quy.md.j2": '{% extends "quoc-gia/quy.md.j2" %}\n'
                                             "{% macro muc(key, ten) %}\n## {{ ten_muc(key, ten) }}\n"
                                             "{{ khoi(key) }}\n{% endmacro %}\n"
                                             "{% block danh_gia %}\n"
                                             '# {{ ten_muc("danh_gia", "Đánh giá chung") }}\n{{ khoi("danh_gia") }}\n'
                                             '{{ muc("uu_diem", "Ưu điểm") }}\n{{ muc("ton_tai", "Tồn tại, hạn chế") }}\n'
                                             '{{ muc("nguyen_nhan", "Nguyên nhân") }}\n{% endblock %}\n'},
                               golden_with()),
    "imported macro": ({"quy.md.j2": '{% extends "quoc-gia/quy.md.j2" %}\n'
                                     '{% import "_muc.md.j2" as m with context %}\n'
                                     "{% block danh_gia %}\n"
                                     '# {{ ten_muc("danh_gia", "Đánh giá chung") }}\n{{ khoi("danh_gia") }}\n'
                                     '{{ m.muc("uu_diem", "Ưu điểm") }}\n{{ m.muc("ton_tai", "Tồn tại, hạn chế") }}\n'
                                     '{{ m.muc("nguyen_nhan", "Nguyên nhân") }}\n{% endblock %}\n',
                        "_muc.md.j2": "{% macro muc(key, ten) %}\n## {{ ten_muc(key, ten) }}\n{{ khoi(key) }}\n"
                                      "{% endmacro %}\n"},
                       golden_with()),
    "caller": ({"quy.md.j2": '{% extends "quoc-gia/quy.md.j2" %}\n'
                             "{% macro khung() %}\nĐoạn mở.\n{{ caller() }}\n{% endmacro %}\n"
                             "{% block danh_gia %}\n{% call khung() %}\n" + EVALUATION_BLOCK + "{% endcall %}\n"
                             "{% endblock %}\n"},
               golden_with("Đoạn mở.\n\n")),
    "set capture": (override("{% set cu %}{{ super() }}{% endset %}\nĐoạn thêm.\n{{ cu }}\n"),
                    golden_with("Đoạn thêm.\n\n")),
    "set capture of data text": (override("{% set ten %}{{ co_quan.ten_goi }}{% endset %}\n"
                                          "Ghi chú của {{ ten }}.\n{{ super() }}\n"),
                                 golden_with("Ghi chú của UBND phường Thạch Quý.\n\n")),
    "filter": (override("{% filter upper %}\n{{ super() }}\n{% endfilter %}\n"),
               golden_with().replace("## 1. Ưu điểm", "## 1. ƯU ĐIỂM").replace("## 2. Tồn tại, hạn chế",
                                     "## 2. TỒN TẠI, HẠN CHẾ").replace("## 3. Nguyên nhân", "## 3. NGUYÊN NHÂN")),
}


@pytest.mark.parametrize("idiom", IDIOMS)
def test_an_idiom_keeps_the_wards_content(tmp_path, idiom):
    files, expected = IDIOMS[idiom]
    result, report = render(tmp_path, files)
    assert result.exit_code == 0, result.output
    assert report == expected


def test_printing_captured_content_twice_places_it_twice(tmp_path):
    result, report = render(tmp_path, override("{% set cu %}{{ super() }}{% endset %}\n{{ cu }}\n{{ cu }}\n"))
    assert result.exit_code == 0, result.output
    evaluation = GOLDEN[GOLDEN.index(EVALUATION):GOLDEN.index("# IV. ")]
    assert evaluation + evaluation.replace("# III. ", "# IV. ") in report
    assert "# V. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ TỚI" in report


def test_an_import_without_context_is_told_to_add_it(tmp_path):
    files = IDIOMS["imported macro"][0]
    files = {**files, "quy.md.j2": files["quy.md.j2"].replace(" with context", "")}
    result, _ = render(tmp_path, files)
    assert result.exit_code == 1
    assert result.output == ("Lỗi: mẫu 'quy' dùng biến không có: 'ten_muc' is undefined; tệp macro được {% import %} "
                             "cần 'with context' để dùng ten_muc(), ví dụ "
                             '{% import "_macro.md.j2" as m with context %}\n')


MARKER_ERRORS = {
    "joined with ~": (override('{{ "Thêm: " ~ super() }}\n'), BASE_DANH_GIA,
                      "mẫu 'quy': nội dung mục 'danh_gia' (khoi) bị in ra như chữ thường, nên nội dung của đơn vị sẽ "
                      "bị mất: kết quả của khoi(), super(), macro hay {% set %}…{% endset %} phải được in nguyên "
                      "{{ … }}, không qua phép nối '~', bộ lọc hay hàm xử lý chuỗi"),
    "through a text filter": (override("{{ super()|trim }}\n"), BASE_DANH_GIA,
                              "mẫu 'quy': nội dung mục 'danh_gia' (khoi) bị in ra như chữ thường"),
    "altered by a filter block": (override('{% filter replace(":", "-") %}\n{{ super() }}\n{% endfilter %}\n'), None,
                                  "mẫu 'quy': dấu đặt chỗ mà khoi() để lại đã bị sửa (bởi một bộ lọc như replace "
                                  "hay một hàm xử lý chuỗi), nên nội dung của đơn vị sẽ bị mất: kết quả của khoi(), "
                                  "super() hoặc macro chỉ được in nguyên"),
    "kept in a variable": (override('{% set bo = khoi("danh_gia") %}\n# Đánh giá\n{{ khoi("uu_diem") }}\n'
                                    '{{ khoi("ton_tai") }}\n{{ khoi("nguyen_nhan") }}\n'), "quy.md.j2:3",
                           "mẫu 'quy': nội dung mục 'danh_gia' do khoi('danh_gia') tạo ra không được in vào văn bản "
                           "(giữ trong một biến mà không in ra?), nên nội dung của đơn vị sẽ bị mất"),
    "in the title": ({"quy.md.j2": '{% extends "quoc-gia/quy.md.j2" %}\n'
                                   '{% block trich_yeu %}{{ khoi("danh_gia") }}{% endblock %}\n'}, "quy.md.j2:2",
                     "mẫu 'quy': khoi('danh_gia') nằm trong phần '::: trich_yeu'; nội dung của đơn vị chỉ đặt được "
                     "trong phần '::: noi_dung'"),
    "written by the template": (override("Ký tự \ue000 lạ.\n{{ super() }}\n"), None,
                                "mẫu 'quy' in ra ký tự nội bộ U+E000 (dấu đặt chỗ của khoi): 'Ký tự <U+E000> lạ.'; "
                                "mẫu không được tự viết ký tự này"),
}


@pytest.mark.parametrize("case", MARKER_ERRORS)
def test_a_marker_left_in_the_output_is_a_located_error(tmp_path, case):
    files, where, message = MARKER_ERRORS[case]
    result, report = render(tmp_path, files)
    assert result.exit_code == 1 and report is None
    lines = result.output.splitlines()
    assert len(lines) == 1 and "\ue000" not in result.output
    prefix = "Lỗi: "
    if where is not None:
        location, _, rest = lines[0][len(prefix):].partition(": ")
        assert location.endswith(where), lines[0]
        assert rest.startswith(message)
    else:
        assert lines[0] == prefix + message


def test_the_wards_own_private_use_character_is_text(tmp_path):
    data = tmp_path / "data.yaml"
    data.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "Một bộ phận người dân", "Ký hiệu \ue000123456789:0:\ue000 một bộ phận người dân", 1), encoding="utf-8")
    out = tmp_path / "out.md"
    result = run_cli("render", data, "-f", "md", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Ký hiệu \ue000123456789:0:\ue000 một bộ phận người dân" in out.read_text(encoding="utf-8")
