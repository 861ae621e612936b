"""`docgen check`: every example matches its approved golden file, output is byte-identical run to run, and a
change is reported where a reader would look for it (heading, paragraph, table cell, footnote, page setup).

Whoever adds an example adds its golden, after reading it: docgen check data_examples --golden tests/golden --update
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden"
THACH_QUY = EXAMPLES / "thach-quy-q3-2024.yaml"
MINH_TAN = EXAMPLES / "minh-tan-q1-2025.yaml"
FIGURE_PARAGRAPH = "Thực hiện cơ chế một cửa, một cửa liên thông"  # the subsection holding the dossier figures


def _examples():
    return sorted(EXAMPLES.glob("*.yaml"))


def _edited_copy(folder: Path, source: Path, old: str, new: str) -> Path:
    """A copy of an example under the same name (so it meets the same golden) with one edit."""
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {source.name}"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / source.name
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def _golden_copy(folder: Path, stem: str, edit_part=None) -> Path:
    """tests/golden/<stem>.docx and .md copied to `folder`; `edit_part(name, xml) -> xml` edits the docx."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(GOLDEN / f"{stem}.md", folder)
    with zipfile.ZipFile(GOLDEN / f"{stem}.docx") as source, \
            zipfile.ZipFile(folder / f"{stem}.docx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if edit_part is not None:
                data = edit_part(info.filename, data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)
    return folder


def _lines(result, marker: str) -> list[str]:
    return [line.strip() for line in result.output.splitlines() if marker in line]


# --- the goldens ---------------------------------------------------------------------------------


@pytest.mark.parametrize("data", _examples(), ids=lambda p: p.stem)
def test_every_example_has_an_approved_golden_and_matches_it(data):
    for suffix in (".docx", ".md"):
        assert (GOLDEN / (data.stem + suffix)).is_file(), (
            f"no golden for {data.name}: read the output, then run "
            "`docgen check data_examples --golden tests/golden --update` and commit tests/golden/")
    result = run_cli("check", data, "--golden", GOLDEN)
    assert result.exit_code == 0, result.output
    assert f"{data}: khớp" in result.output


def test_golden_markdown_reads_as_a_whole_report():
    for md in sorted(GOLDEN.glob("*.md")):
        text = md.read_text(encoding="utf-8")
        assert "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**" in text, md.name
        assert re.search(r"^# (I|A)\. ", text, re.MULTILINE), md.name  # a kiểm tra report starts at "A."
        assert "./." in text and "***Nơi nhận:***" in text, md.name


# --- deterministic output -------------------------------------------------------------------------


RENDER_BOTH = """
import sys
from pathlib import Path
import cchc_docgen
for fmt in ("docx", "md"):
    Path(sys.argv[2] + "." + fmt).write_bytes(cchc_docgen.render(Path(sys.argv[1]), format=fmt).content)
"""


def test_output_is_byte_identical_on_every_run(tmp_path):
    """Another process, with another hash seed, gives the same bytes as the command run here."""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", RENDER_BOTH, str(THACH_QUY), str(tmp_path / "other")],
                   check=True, env=env, capture_output=True, cwd=ROOT)
    for fmt in ("docx", "md"):
        for name in ("first", "second"):
            result = run_cli("render", THACH_QUY, "-o", tmp_path / f"{name}.{fmt}", "-f", fmt)
            assert result.exit_code == 0, result.output
        here = (tmp_path / f"first.{fmt}").read_bytes()
        assert here == (tmp_path / f"second.{fmt}").read_bytes() == (tmp_path / f"other.{fmt}").read_bytes()


def test_docx_zip_entries_and_properties_are_fixed(tmp_path):
    for data, date in ((THACH_QUY, "2024-09-17T00:00:00Z"), (MINH_TAN, "1980-01-01T00:00:00Z")):  # Minh Tân: a draft
        out = tmp_path / f"{data.stem}.docx"
        assert run_cli("render", data, "-o", out).exit_code == 0
        with zipfile.ZipFile(out) as archive:
            infos = archive.infolist()
            assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
            assert {i.create_system for i in infos} == {3}
            assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
            core = archive.read("docProps/core.xml").decode("utf-8")
        assert re.findall(r"<dcterms:(?:created|modified)\b[^>]*>([^<]*)<", core) == [date, date]


# --- what a change looks like -----------------------------------------------------------------------


def test_a_changed_figure_names_the_paragraph_with_old_and_new_text(tmp_path):
    data = _edited_copy(tmp_path / "cases", THACH_QUY, "tiep_nhan: 537", "tiep_nhan: 538")
    result = run_cli("check", data, "--golden", GOLDEN)
    assert result.exit_code == 1
    assert f"{data}: KHÁC tệp đối chiếu" in result.output
    [line] = [x for x in _lines(result, "thach-quy-q3-2024.docx:") if "537 hồ sơ" in x]
    assert re.fullmatch(rf'{re.escape(str(GOLDEN))}/thach-quy-q3-2024\.docx: đoạn \d+ '
                        rf'\(mục "2\.2\. {FIGURE_PARAGRAPH}"\): "… [^"]*537 hồ sơ[^"]*" → "… [^"]*538 hồ sơ[^"]*"', line), line
    # The same change in the Markdown golden, by line.
    assert any("537 hồ sơ" in x and "538 hồ sơ" in x for x in _lines(result, "thach-quy-q3-2024.md: dòng "))
    # And the exact command that would approve it.
    assert f"docgen check {data} --golden {GOLDEN} --update" in result.output


def test_an_added_footnote_is_named_without_renumbering_noise(tmp_path):
    data = _edited_copy(tmp_path / "cases", THACH_QUY, "ban hành các văn bản về kiểm tra công tác CCHC",
                        "ban hành các văn bản^[Văn bản mới thêm để thử.] về kiểm tra công tác CCHC")
    result = run_cli("check", data, "--golden", GOLDEN)
    assert result.exit_code == 1
    docx_lines = _lines(result, "thach-quy-q3-2024.docx:")
    notes = [x for x in docx_lines if ": chú thích" in x]
    assert len(notes) == 1, result.output  # the later footnotes move up a number: not a difference
    assert re.search(r'chú thích 3 \(mới, ở đoạn \d+ \(mục "3\. [^"]+"\)\): "Văn bản mới thêm để thử\."', notes[0])
    # The paragraph that now refers to it shows the new mark.
    assert any("văn bản[^3] về kiểm tra" in x for x in docx_lines)
    md_lines = _lines(result, "thach-quy-q3-2024.md:")
    assert any('dòng mới "[^3]: Văn bản mới thêm để thử."' in x for x in md_lines)
    assert len(md_lines) == 2, result.output


def test_a_changed_table_cell_is_located_by_row_and_column(tmp_path):
    data = _edited_copy(tmp_path / "cases", MINH_TAN, "[2, Hộ tịch, 279, 268, 271, 271, 0, 8]",
                        "[2, Hộ tịch, 279, 268, 272, 271, 0, 8]")
    result = run_cli("check", data, "--golden", GOLDEN)
    assert result.exit_code == 1
    assert any(re.search(r'bảng "Kết quả tiếp nhận, giải quyết hồ sơ[^"]*" \(mục "[^"]+"\), dòng 4, ô 5: "271" → "272"$', x)
               for x in _lines(result, "minh-tan-q1-2025.docx:")), result.output


def _style_edit(style_id: str, inside: str, replacement: str):
    """A part edit: in styles.xml, the first match of `inside` within style `style_id` replaced (it must be there)."""
    def edit(name: str, xml: str) -> str:
        if name != "word/styles.xml":
            return xml
        pattern = rf'(<w:style [^>]*w:styleId="{style_id}".*?){inside}'
        edited = re.sub(pattern, rf"\g<1>{replacement}", xml, count=1, flags=re.S)
        assert edited != xml
        return edited
    return edit


_heading_style_not_bold = _style_edit("Muc1", "<w:b/>", '<w:b w:val="0"/>')


def test_a_layout_whose_heading_style_loses_its_bold_names_the_headings(tmp_path):
    """A template author edits the layout and the "Muc 1" style is no longer bold: every "I./II./…" heading."""
    from cchc_docgen.pipeline import Pipeline

    pipeline = Pipeline()
    layout = pipeline.prepare(pipeline.read(THACH_QUY)).template.layout_path
    templates = tmp_path / "templates"
    templates.mkdir()
    with zipfile.ZipFile(layout) as source, zipfile.ZipFile(templates / layout.name, "w") as out:
        for info in source.infolist():
            out.writestr(info, _heading_style_not_bold(info.filename, source.read(info).decode("utf-8")))
    result = run_cli("check", THACH_QUY, "--golden", GOLDEN, "--templates", templates)
    assert result.exit_code == 1
    [line] = _lines(result, "đậm")
    assert "thach-quy-q3-2024.docx: mất chữ đậm — ở " in line
    assert 'đề mục "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"' in line
    assert not _lines(result, "thach-quy-q3-2024.md:")  # Markdown has no styles: nothing to report there


def test_a_heading_not_bold_in_the_golden_is_named(tmp_path):
    """The golden's first heading has its runs made not bold: the new output's bold heading is reported."""
    def unbold_first_heading(name, xml):
        if name != "word/document.xml":
            return xml
        start = xml.index('<w:pStyle w:val="Muc1"/>')
        end = xml.index("</w:p>", start)
        return xml[:start] + xml[start:end].replace("<w:r>", '<w:r><w:rPr><w:b w:val="0"/></w:rPr>') + xml[end:]

    golden = _golden_copy(tmp_path / "golden", THACH_QUY.stem, unbold_first_heading)
    result = run_cli("check", THACH_QUY, "--golden", golden)
    assert result.exit_code == 1
    assert _lines(result, "thach-quy-q3-2024.docx:") == [
        f'{golden}/thach-quy-q3-2024.docx: đề mục "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH": thêm chữ đậm']


def test_page_setup_and_paragraph_formatting_changes_are_reported(tmp_path):
    def edit(name, xml):
        if name == "word/document.xml":
            xml = re.sub(r'(<w:pgMar\b[^>]*w:left=")\d+', r"\g<1>1418", xml, count=1)  # 25 mm in the golden
        if name == "word/styles.xml":  # the body style centred instead of justified
            xml = re.sub(r'(<w:style [^>]*w:styleId="Noidung".*?<w:jc w:val=")both', r"\1center", xml, count=1, flags=re.S)
        return xml

    golden = _golden_copy(tmp_path / "golden", THACH_QUY.stem, edit)
    result = run_cli("check", THACH_QUY, "--golden", golden)
    assert result.exit_code == 1
    lines = _lines(result, "thach-quy-q3-2024.docx:")
    assert f"{golden}/thach-quy-q3-2024.docx: trang in: lề trái 25 mm → 30 mm" in lines
    assert any("căn lề giữa → đều hai bên — ở " in x and "đoạn " in x for x in lines), lines


# --- approving, missing goldens, errors ----------------------------------------------------------------


def test_update_creates_then_refreshes_goldens_and_check_passes(tmp_path):
    cases = tmp_path / "cases"
    _edited_copy(cases, THACH_QUY, "tiep_nhan: 537", "tiep_nhan: 537")
    golden = tmp_path / "golden"
    golden.mkdir()

    missing = run_cli("check", cases, "--golden", golden)
    assert missing.exit_code == 4
    assert f"{golden}/thach-quy-q3-2024.docx: chưa có tệp đối chiếu (golden) cho {cases}/thach-quy-q3-2024.yaml" in missing.output
    assert f"docgen check {cases} --golden {golden} --update" in missing.output

    created = run_cli("check", cases, "--golden", golden, "--update")
    assert created.exit_code == 0, created.output
    assert f"đã tạo {golden}/thach-quy-q3-2024.docx, {golden}/thach-quy-q3-2024.md" in created.output
    assert run_cli("check", cases, "--golden", golden).exit_code == 0

    _edited_copy(cases, THACH_QUY, "tiep_nhan: 537", "tiep_nhan: 538")
    updated = run_cli("check", cases, "--golden", golden, "--update")
    assert updated.exit_code == 0, updated.output
    assert f"{cases}/thach-quy-q3-2024.yaml: đã cập nhật" in updated.output
    assert any("537 hồ sơ" in x and "538 hồ sơ" in x for x in _lines(updated, "thach-quy-q3-2024.docx: đoạn"))
    passed = run_cli("check", cases, "--golden", golden)
    assert passed.exit_code == 0, passed.output
    assert run_cli("check", cases, "--golden", golden, "--update").output.startswith(
        f"{cases}/thach-quy-q3-2024.yaml: không đổi")


def test_the_markdown_golden_is_optional(tmp_path):
    golden = _golden_copy(tmp_path / "golden", MINH_TAN.stem)
    (golden / f"{MINH_TAN.stem}.md").unlink()
    assert run_cli("check", MINH_TAN, "--golden", golden).exit_code == 0
    data = _edited_copy(tmp_path / "cases", MINH_TAN, "tiep_nhan: 1186", "tiep_nhan: 1187")
    assert run_cli("check", data, "--golden", golden, "--update").exit_code == 0
    assert not (golden / f"{MINH_TAN.stem}.md").exists()  # left out on purpose: not brought back


def test_a_missing_golden_folder_fails_with_the_command_to_create_it(tmp_path):
    result = run_cli("check", THACH_QUY, "--golden", tmp_path / "khong-co")
    assert result.exit_code == 4
    assert f"chưa có thư mục tệp đối chiếu {tmp_path / 'khong-co'}" in result.output
    assert "--update" in result.output


def test_a_golden_that_is_not_a_word_file_is_a_mismatch(tmp_path):
    golden = _golden_copy(tmp_path / "golden", THACH_QUY.stem)
    (golden / f"{THACH_QUY.stem}.docx").write_bytes(b"not a zip")
    result = run_cli("check", THACH_QUY, "--golden", golden)
    assert result.exit_code == 1
    assert "không đọc được tệp đối chiếu như một tệp Word (.docx)" in result.output


def test_a_data_error_fails_the_check_and_the_other_cases_are_still_checked(tmp_path):
    cases = tmp_path / "cases"
    _edited_copy(cases, MINH_TAN, "tiep_nhan: 1186", "tiep_nhan: 1186")
    (cases / "hong.yaml").write_text("mau: quy\ntinh: [\n", encoding="utf-8")
    result = run_cli("check", cases, "--golden", GOLDEN)
    assert result.exit_code == 3
    assert f"{cases}/hong.yaml: LỖI" in result.output
    assert f"{cases}/minh-tan-q1-2025.yaml: khớp" in result.output


def test_template_option_is_passed_to_rendering(tmp_path):
    result = run_cli("check", THACH_QUY, "--golden", GOLDEN, "--template", "khong-co-mau-nay")
    assert result.exit_code == 3
    assert "không có mẫu 'khong-co-mau-nay'" in result.output


def _readme_recipes():
    """The GitHub Actions steps and the GitLab job of the README's CI recipes, read as YAML."""
    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## CI for a template repository"):]
    blocks = {}
    for name in (".github/workflows/docgen-check.yml", ".gitlab-ci.yml"):
        start = section.index(f"`{name}`:")
        body = section[section.index("```yaml\n", start) + len("```yaml\n"):]
        text = body[: body.index("```")]
        assert "# REPLACE" in text, name  # the install URL is marked as the placeholder it is
        blocks[name] = yaml.safe_load(text)
    return blocks[".github/workflows/docgen-check.yml"]["jobs"]["check"]["steps"], blocks[".gitlab-ci.yml"]["docgen-check"]


def test_readme_ci_examples_are_valid_and_run_docgen_check():
    github, gitlab = _readme_recipes()
    command = "docgen check cases --golden golden --templates templates"
    assert any(step.get("run") == command for step in github)
    assert any("pip install" in step.get("run", "") for step in github)
    assert gitlab["script"] == [command] and "pip install" in gitlab["before_script"][0]


def test_readme_ci_recipes_run_as_written_in_a_template_repository(tmp_path):
    """The recipes' own commands, run by a shell in a template repository laid out as the README says: the goldens
    made by the README's command, then the CI step passes; after a change the step fails and the 'render the
    cases for review' steps leave the new outputs for the artifact."""
    github, gitlab = _readme_recipes()
    (tmp_path / "templates").mkdir()
    (tmp_path / "cases").mkdir()
    for name in ("thach-quy-q3-2024.yaml", "minh-tan-q1-2025.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / "cases" / name)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}

    def shell(script: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)

    created = shell("docgen check cases --golden golden --templates templates --update")
    assert created.returncode == 0, created.stdout + created.stderr
    runs = [step["run"] for step in github if "run" in step and "pip install" not in step["run"]]
    check, *review = runs
    assert shell(check).returncode == 0
    assert all(shell(line).returncode == 0 for line in gitlab["script"])
    data = tmp_path / "cases" / "minh-tan-q1-2025.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("ho_ten:", "ho_ten: Ông", 1), encoding="utf-8")
    failed = shell(check)
    assert failed.returncode == 1 and "minh-tan-q1-2025.yaml: KHÁC tệp đối chiếu" in failed.stdout
    for script in review:
        assert shell(script).returncode == 0, script
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "minh-tan-q1-2025.docx", "minh-tan-q1-2025.md", "thach-quy-q3-2024.docx", "thach-quy-q3-2024.md"]


def test_check_is_listed_in_help():
    result = run_cli("--help")
    assert "check" in result.output
    result = run_cli("check", "--help")
    assert result.exit_code == 0 and "--golden" in result.output and "--update" in result.output
