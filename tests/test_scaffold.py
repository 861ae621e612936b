"""docgen new (a commented data skeleton that validates and renders as it is) and docgen schema."""

from __future__ import annotations

import json
import re

import docx
import jsonschema
import pytest
import yaml
from conftest import run_cli

from cchc_docgen.reading import loader, validate
from cchc_docgen.reading.validate import load_schema

TEMPLATES = ["quy", "6thang", "9thang", "nam", "kiem-tra", "ke-hoach"]
FIELD = re.compile(r"^(\s*)([a-z_0-9]+):")


def new(*args) -> str:
    result = run_cli("new", *args)
    assert result.exit_code == 0, result.output
    return result.output


def uncomment_block(text: str, key: str) -> str:
    """Switch on the commented-out block `# key:` (and its description) the way an editor's toggle does."""
    lines = text.split("\n")
    start = lines.index(f"# {key}:")
    while start > 0 and lines[start - 1].startswith("# # "):
        start -= 1
    end = start
    while end < len(lines) and lines[end].startswith("#"):
        end += 1
    return "\n".join(lines[:start] + [line[2:] for line in lines[start:end]] + lines[end:])


@pytest.mark.parametrize("province", [None, "Hà Tĩnh", "Quảng Ninh"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_the_skeleton_validates_and_renders_as_it_is(tmp_path, template, province):
    text = new("-t", template, *(["--tinh", province] if province else []), "--nam", "2025")
    data = tmp_path / f"{template}.yaml"
    data.write_text(text, encoding="utf-8")
    checked = run_cli("validate", "--strict", data)
    assert checked.exit_code == 0, checked.output
    for fmt in ("docx", "md"):
        out = tmp_path / f"out.{fmt}"
        result = run_cli("render", data, "-o", out, "-f", fmt)
        assert result.exit_code == 0, result.output
    md = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "Số:      /" in md and "ngày     tháng     năm 2025" in md  # the clerk's blanks
    assert "……" in md and "None" not in md
    assert "Như trên;" in md  # the skeleton has Kính gửi, so Nơi nhận starts with "- Như trên;" (Decree 30)
    assert docx.Document(str(tmp_path / "out.docx")).tables


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_field_has_a_vietnamese_comment_above_it(template):
    lines = new("-t", template, "--tinh", "Quảng Ninh").split("\n")
    fields = 0
    for index, line in enumerate(lines):
        bare = re.sub(r"^(\s*)(# )+", r"\1", line)  # a field of a commented-out block counts too
        m = FIELD.match(bare)
        if not m or line.lstrip().startswith("- "):
            continue
        fields += 1
        above = lines[index - 1].strip()
        assert above.startswith("#") and len(above) > 4, (index, line)
    assert fields > 30
    assert lines[0].startswith("# yaml-language-server: $schema=file://")


def test_only_the_sections_a_template_uses():
    def sections(text):
        body = text[text.index("\nnoi_dung:"):]
        return [m.group(2) for m in (FIELD.match(line) for line in body.split("\n")[2:]) if m and m.group(1) == "  "]

    quy = sections(new("-t", "quy"))
    assert quy[:3] == ["chi_dao", "van_ban_chi_dao", "ke_hoach"] and quy[-3:] == ["phuong_huong", "kien_nghi", "ket_luan"]
    kiem_tra = sections(new("-t", "kiem-tra"))
    assert kiem_tra[0] == "dac_diem" and "phuong_huong" not in kiem_tra
    assert sections(new("-t", "ke-hoach")) == ["can_cu", "mo_dau", "muc_dich", "yeu_cau", "cac_muc",
                                               "to_chuc_thuc_hien", "ket_luan"]
    plan = new("-t", "ke-hoach")
    assert "# so_lieu:" not in plan  # a plan writes no standard sentence from figures
    assert '  trich_yeu: "……"' in plan  # the plan's title is the ward's to write


def test_the_commented_blocks_are_ready_to_switch_on(tmp_path):
    text = uncomment_block(uncomment_block(new("-t", "quy", "--tinh", "Quảng Ninh"), "so_lieu"), "phu_luc")
    data = yaml.safe_load(text)
    assert set(data["so_lieu"]) == {"nhiem_vu_ke_hoach", "nhiem_vu_duoc_giao", "ho_so", "can_bo", "dich_vu_cong",
                                    "tuyen_truyen"}
    assert [p["bieu"] for p in data["phu_luc"]] == ["1a", "cchc"]
    validate.validate(loader.loads(text, "x.yaml"))  # the schema accepts the switched-on blocks
    without_figures = uncomment_block(new("-t", "quy", "--tinh", "Quảng Ninh"), "phu_luc")
    path = tmp_path / "pl.yaml"
    path.write_text(without_figures, encoding="utf-8")
    assert run_cli("validate", path).exit_code == 0  # every catalog id is one the catalog knows


def test_the_year_and_unknown_templates():
    assert "  nam: 2031\n" in new("-t", "nam", "--nam", "2031")
    result = run_cli("new", "-t", "khong-co")
    assert result.exit_code == 1 and "không có mẫu 'khong-co'" in result.output


@pytest.mark.parametrize("today, quarter, year, title", [
    ("2026-11-28", 4, 2026, "quý IV năm 2026 và phương hướng, nhiệm vụ quý I năm 2027"),
    ("2026-02-03", 1, 2026, "quý I năm 2026 và phương hướng, nhiệm vụ quý II năm 2026"),
    ("2026-07-01", 3, 2026, "quý III năm 2026 và phương hướng, nhiệm vụ quý IV năm 2026"),
])
def test_a_quarterly_skeleton_is_for_the_quarter_a_clerk_writes_now(tmp_path, today, quarter, year, title):
    """`docgen new -t quy` on 28 November is the fourth quarter's report: its number, its data window (Decree
    09/2019: 15/9 to 14/12), and the default title the skeleton quotes all say so."""
    import datetime as dt

    from cchc_docgen.authoring import scaffold
    from cchc_docgen.templating.library import library_for

    text = scaffold.skeleton(library_for((), None), "quy", today=dt.date.fromisoformat(today))
    data = yaml.safe_load(text)
    assert (data["ky_bao_cao"]["so"], data["ky_bao_cao"]["nam"]) == (quarter, year)
    start, end = scaffold.fmt.period_window("quy", quarter, year)
    assert f'  # tu_ngay: "{start.isoformat()}"\n' in text and f'  # den_ngay: "{end.isoformat()}"\n' in text
    assert title in " ".join(line.lstrip("# ") for line in text.splitlines() if line.lstrip().startswith("#"))
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    assert run_cli("validate", path).exit_code == 0


def test_another_year_starts_at_its_first_quarter():
    period = yaml.safe_load(new("-t", "quy", "--nam", "2031"))["ky_bao_cao"]
    assert (period["so"], period["nam"]) == (1, 2031)


# --- docgen schema -------------------------------------------------------------------------------------------

def test_schema_prints_the_json_schema():
    result = run_cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.output) == load_schema()


@pytest.mark.parametrize("template, present, absent", [
    ("kiem-tra", ["dac_diem", "the_che", "ket_luan"], ["phuong_huong", "can_cu"]),
    ("ke-hoach", ["can_cu", "to_chuc_thuc_hien", "ket_luan"], ["the_che", "tthc"]),
    ("quy", ["phuong_huong", "ket_qua_khac"], ["dac_diem", "muc_dich"]),
])
def test_schema_for_a_template_lists_only_its_sections(template, present, absent):
    schema = json.loads(run_cli("schema", "-t", template).output)
    sections = schema["properties"]["noi_dung"]["properties"]
    assert all(s in sections for s in present) and not any(s in sections for s in absent)
    assert schema["properties"]["noi_dung"]["additionalProperties"] is False
    jsonschema.Draft202012Validator.check_schema(schema)
    skeleton = yaml.safe_load(new("-t", template))
    jsonschema.validate(skeleton, schema)
    other = "dac_diem" if template != "kiem-tra" else "can_cu"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**skeleton, "noi_dung": {other: []}}, schema)
