"""`docgen check` as a CI step: an exit code per situation, every case reported whatever the others do,
--strict for the consistency checks, JUnit XML and JSON results, GitHub Actions annotations, and hostile
goldens refused per case."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, ROOT, run_cli
from lxml import etree
from test_check import _edited_copy, _golden_copy

from cchc_docgen.cli import main

GOLDEN = ROOT / "tests" / "golden"
MINH_TAN = EXAMPLES / "minh-tan-q1-2025.yaml"
THACH_QUY = EXAMPLES / "thach-quy-q3-2024.yaml"
HONG_GAI = EXAMPLES / "hong-gai-6thang-2024.yaml"  # its figures carry one consistency error and five warnings
BROKEN = "mau: quy\ntinh: [\n"


def _cases(folder: Path, *, differ=False, broken=False, unapproved=False) -> Path:
    """A folder of cases meeting tests/golden: Minh Tân as approved (or with one figure changed), plus a
    broken data file and a case without a golden when asked."""
    folder.mkdir(parents=True, exist_ok=True)
    if differ:
        _edited_copy(folder, MINH_TAN, "tiep_nhan: 1186", "tiep_nhan: 1187")
    else:
        shutil.copy(MINH_TAN, folder)
    if broken:
        (folder / "hong.yaml").write_text(BROKEN, encoding="utf-8")
    if unapproved:
        shutil.copy(THACH_QUY, folder / "chua-duyet.yaml")
    return folder


# --- exit codes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("situation, kwargs, code", [
    ("all match", {}, 0),
    ("one differs", {"differ": True}, 1),
    ("one cannot be rendered", {"broken": True}, 3),
    ("one golden missing", {"unapproved": True}, 4),
    ("differs and missing: missing wins", {"differ": True, "unapproved": True}, 4),
    ("everything at once: the broken case wins", {"differ": True, "broken": True, "unapproved": True}, 3),
])
def test_exit_code_per_situation_and_every_case_reported(tmp_path, situation, kwargs, code):
    cases = _cases(tmp_path / "cases", **kwargs)
    result = run_cli("check", cases, "--golden", GOLDEN)
    assert result.exit_code == code, result.output
    status = "KHÁC tệp đối chiếu" if kwargs.get("differ") else "khớp"
    assert f"{cases}/minh-tan-q1-2025.yaml: {status}\n" in result.output
    if kwargs.get("broken"):
        assert f"{cases}/hong.yaml: LỖI\n  {cases}/hong.yaml:3:1: lỗi cú pháp YAML" in result.output
    if kwargs.get("unapproved"):
        assert f"{cases}/chua-duyet.yaml: THIẾU tệp đối chiếu\n" in result.output


def test_usage_errors_exit_2(tmp_path):
    missing = run_cli("check", tmp_path / "khong-co.yaml", "--golden", GOLDEN)
    assert missing.exit_code == 2
    assert f"Lỗi: không có tệp {tmp_path / 'khong-co.yaml'}" in missing.output
    unmatched = run_cli("check", str(tmp_path / "*.yaml"), "--golden", GOLDEN)
    assert unmatched.exit_code == 2
    assert f"Lỗi: không có tệp nào khớp mẫu tên '{tmp_path / '*.yaml'}'" in unmatched.output
    (tmp_path / "rong").mkdir()
    empty = run_cli("check", tmp_path / "rong", "--golden", GOLDEN)
    assert empty.exit_code == 2
    assert f"Lỗi: không có tệp dữ liệu (.yaml) nào trong thư mục {tmp_path / 'rong'}" in empty.output
    assert run_cli("check", MINH_TAN, "--golden", GOLDEN, "--khong-co").exit_code == 2
    assert run_cli("check", MINH_TAN).exit_code == 2  # --golden is required


def test_a_glob_is_accepted(tmp_path):
    cases = _cases(tmp_path / "cases")
    result = run_cli("check", str(cases / "*.yaml"), "--golden", GOLDEN)
    assert result.exit_code == 0, result.output
    assert "Đã kiểm tra 1 tệp dữ liệu: 1 khớp." in result.output


def test_update_exits_3_when_a_case_cannot_be_rendered_and_writes_the_others(tmp_path):
    cases = _cases(tmp_path / "cases", broken=True)
    golden = tmp_path / "golden"
    result = run_cli("check", cases, "--golden", golden, "--update")
    assert result.exit_code == 3
    assert (golden / "minh-tan-q1-2025.docx").is_file() and not (golden / "hong.docx").exists()


# --- --strict -----------------------------------------------------------------------------------------------


def test_consistency_findings_are_printed_and_fail_only_with_strict(tmp_path):
    finding = ("hong-gai-6thang-2024.yaml:547:7: lỗi: trường 'phu_luc[0].so_lieu.ho_so_dung_han': biểu '1a': "
               "tỷ lệ 'Tỷ lệ hồ sơ TTHC tiếp nhận được giải quyết đúng hạn' vượt 100%")
    plain = run_cli("check", HONG_GAI, "--golden", GOLDEN)
    assert plain.exit_code == 0, plain.output
    assert finding in plain.output and f"{HONG_GAI}: khớp" in plain.output
    strict = run_cli("check", HONG_GAI, MINH_TAN, "--golden", GOLDEN, "--strict")
    assert strict.exit_code == 3
    assert f"{HONG_GAI}: LỖI\n  --strict: dữ liệu còn 1 lỗi, 5 cảnh báo\n  {HONG_GAI.parent}/" in strict.output
    assert f"\n  {HONG_GAI.parent}/{finding}" in strict.output
    assert f"{MINH_TAN}: khớp" in strict.output  # the other case is still checked


def test_strict_fails_a_case_whose_dossiers_solved_exceed_those_received(tmp_path):
    data = _edited_copy(tmp_path / "cases", MINH_TAN, "tiep_nhan: 1186", "tiep_nhan: 10")
    result = run_cli("check", data, "--golden", GOLDEN, "--strict")
    assert result.exit_code == 3
    assert f"{data}: LỖI\n  --strict: dữ liệu còn " in result.output
    assert "lớn hơn" in result.output.split(f"{data}: LỖI", 1)[1]


# --- JUnit XML, JSON, GitHub annotations --------------------------------------------------------------------

# The shape CI systems (Jenkins, GitLab, GitHub test reporters) read: testsuites → testsuite → testcase, each
# testcase with at most one failure or error (with a message), and system-out.
JUNIT_SHAPE = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence><xs:element ref="testsuite" maxOccurs="unbounded"/></xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="time" type="xs:decimal"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:sequence><xs:element name="testcase" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType>
          <xs:sequence>
            <xs:choice minOccurs="0">
              <xs:element name="failure" type="problem"/>
              <xs:element name="error" type="problem"/>
              <xs:element name="skipped" type="problem"/>
            </xs:choice>
            <xs:element name="system-out" type="xs:string" minOccurs="0"/>
            <xs:element name="system-err" type="xs:string" minOccurs="0"/>
          </xs:sequence>
          <xs:attribute name="name" type="xs:string" use="required"/>
          <xs:attribute name="classname" type="xs:string" use="required"/>
          <xs:attribute name="time" type="xs:decimal" use="required"/>
          <xs:attribute name="file" type="xs:string"/>
        </xs:complexType>
      </xs:element></xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="xs:decimal" use="required"/>
      <xs:attribute name="timestamp" type="xs:dateTime"/>
      <xs:attribute name="hostname" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="problem">
    <xs:simpleContent><xs:extension base="xs:string">
      <xs:attribute name="message" type="xs:string"/>
      <xs:attribute name="type" type="xs:string"/>
    </xs:extension></xs:simpleContent>
  </xs:complexType>
</xs:schema>"""


def test_junit_report_validates_and_reads_back(tmp_path):
    cases = _cases(tmp_path / "cases", differ=True, broken=True, unapproved=True)
    shutil.copy(HONG_GAI, cases)
    junit = tmp_path / "ket-qua" / "junit.xml"
    result = run_cli("check", cases, "--golden", GOLDEN, "--junit", junit)
    assert result.exit_code == 3
    tree = etree.parse(str(junit))
    schema = etree.XMLSchema(etree.fromstring(JUNIT_SHAPE))
    assert schema.validate(tree), schema.error_log
    suite = tree.getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "2", "1")
    cases_read = {Path(case.get("name")).name: case for case in suite.iter("testcase")}
    assert set(cases_read) == {"chua-duyet.yaml", "hong.yaml", "hong-gai-6thang-2024.yaml", "minh-tan-q1-2025.yaml"}
    differs = cases_read["minh-tan-q1-2025.yaml"].find("failure")
    assert differs.get("type") == "khác tệp đối chiếu"
    assert '"… hồ sơ; còn 29 hồ sơ đang …" → "… hồ sơ; còn 30 hồ sơ đang …"' in differs.text  # the diff itself
    assert cases_read["chua-duyet.yaml"].find("failure").get("type") == "thiếu tệp đối chiếu"
    broken = cases_read["hong.yaml"].find("error")
    assert broken.get("message").startswith(f"lỗi dữ liệu hoặc mẫu: {cases}/hong.yaml:3:1: lỗi cú pháp YAML")
    passed = cases_read["hong-gai-6thang-2024.yaml"]
    assert passed.find("failure") is None and passed.find("error") is None
    assert "vượt 100%" in passed.find("system-out").text  # the findings travel with the case


def test_json_report(tmp_path):
    cases = _cases(tmp_path / "cases", differ=True, broken=True)
    out = tmp_path / "ket-qua.json"
    assert run_cli("check", cases, "--golden", GOLDEN, "--json", out).exit_code == 3
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["exit_code"] == 3
    assert report["counts"] == {"error": 1, "different": 1}
    by_name = {Path(case["data"]).name: case for case in report["cases"]}
    assert by_name["hong.yaml"]["status"] == "error"
    assert any("còn 30 hồ sơ" in line for line in by_name["minh-tan-q1-2025.yaml"]["lines"])


def test_github_actions_annotations_point_at_the_data_file(tmp_path):
    cases = _cases(tmp_path / "cases", differ=True, broken=True)
    args = ["check", str(cases), "--golden", str(GOLDEN)]
    result = CliRunner().invoke(main, args, env={"GITHUB_ACTIONS": "true"})
    annotations = [line for line in result.output.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 2, result.output
    hong = f"{cases}/hong.yaml".replace(":", "%3A").replace(",", "%2C")
    assert annotations[0].startswith(f"::error file={hong},line=3,col=1,title=docgen check%3A lỗi dữ liệu hoặc mẫu::"
                                     f"{cases}/hong.yaml:3:1: lỗi cú pháp YAML")
    data = f"{cases}/minh-tan-q1-2025.yaml"
    assert annotations[1].startswith(f"::error file={data},title=docgen check%3A khác tệp đối chiếu::{GOLDEN}/")
    assert "%0A" in annotations[1] and "\n" not in annotations[1]  # the whole diff, one line per annotation
    quiet = CliRunner().invoke(main, args, env={"GITHUB_ACTIONS": ""})
    assert "::error" not in quiet.output


# --- hostile goldens ---------------------------------------------------------------------------------------


def _hostile(folder: Path, build) -> Path:
    """tests/golden copied to `folder`, with Minh Tân's .docx replaced by what `build(path)` writes."""
    folder.mkdir()
    for suffix in (".docx", ".md"):
        shutil.copy(GOLDEN / f"{THACH_QUY.stem}{suffix}", folder)
    shutil.copy(GOLDEN / f"{MINH_TAN.stem}.md", folder)
    build(folder / f"{MINH_TAN.stem}.docx")
    return folder


def _many_members(path):
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(1001):
            archive.writestr(f"word/media/{number}.bin", b"")


def _bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (4 * 1024 * 1024))


def _lzma(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")


def _encrypted(path):
    _golden_copy(path.parent / "plain", MINH_TAN.stem)
    data = bytearray((path.parent / "plain" / path.name).read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # general-purpose flag: bit 0, encrypted
        start = data.find(signature)
        while start != -1:
            data[start + offset] |= 1
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    shutil.rmtree(path.parent / "plain")


@pytest.mark.parametrize("build, message", [
    (_many_members, "có 1001 phần trong tệp nén, quá giới hạn 1000 của một tệp Word"),
    (_bomb, "phần word/document.xml nén "),
    (_lzma, "phần word/document.xml nén bằng phương pháp số 14, tệp Word chỉ dùng deflate hoặc không nén"),
    (_encrypted, "được mã hóa (đặt mật khẩu): không đọc được"),
], ids=["member count", "compression ratio", "unsupported compression", "encrypted flag"])
def test_a_hostile_golden_fails_its_own_case_only(tmp_path, build, message):
    golden = _hostile(tmp_path / "golden", build)
    result = run_cli("check", MINH_TAN, THACH_QUY, "--golden", golden)
    assert result.exit_code == 1, result.output
    assert (f"{MINH_TAN}: KHÁC tệp đối chiếu\n  {golden}/{MINH_TAN.stem}.docx: tệp đối chiếu bị từ chối, không giống "
            f"một tệp Word thật: ") in result.output
    assert message in result.output
    assert f"{THACH_QUY}: khớp" in result.output


# --- validate and lint take folders and patterns, as render and check do -----------------------------------


def test_validate_takes_a_folder_and_a_pattern(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    for data in (MINH_TAN, THACH_QUY):
        shutil.copy(data, cases)
    for argument in (cases, str(cases / "*.yaml")):
        result = run_cli("validate", argument)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == [f"{cases}/minh-tan-q1-2025.yaml: không có lỗi",
                                              f"{cases}/thach-quy-q3-2024.yaml: không có lỗi"]
    (cases / "hong.yaml").write_text(BROKEN, encoding="utf-8")
    broken = run_cli("validate", cases)
    assert broken.exit_code == 1
    assert f"{cases}/thach-quy-q3-2024.yaml: không có lỗi" in broken.output  # after the broken one, in name order


@pytest.mark.parametrize("command, empty_folder, unmatched", [
    ("validate", "không có tệp dữ liệu (.yaml) nào trong thư mục {}", "không có tệp nào khớp mẫu tên '{}'"),
    ("lint", "không có tệp mẫu (.md.j2, .docx) nào trong thư mục {}", "không có tệp mẫu nào khớp mẫu tên '{}'"),
])
def test_nothing_to_check_is_a_usage_error(tmp_path, command, empty_folder, unmatched):
    (tmp_path / "rong").mkdir()
    empty = run_cli(command, tmp_path / "rong")
    assert empty.exit_code == 2
    assert "Lỗi: " + empty_folder.format(tmp_path / "rong") in empty.output
    pattern = str(tmp_path / "*.md.j2")
    no_match = run_cli(command, pattern)
    assert no_match.exit_code == 2
    assert "Lỗi: " + unmatched.format(pattern) in no_match.output


def test_lint_takes_a_folder_and_a_pattern():
    folder = ROOT / "templates" / "quoc-gia"
    whole = run_cli("lint", "--templates", folder, folder)
    assert whole.exit_code == 0, whole.output
    names = ", ".join(str(folder / n) for n in ("6thang.md.j2", "9thang.md.j2", "bo-cuc.docx", "ke-hoach.md.j2",
                                                 "kiem-tra.md.j2", "nam.md.j2", "quy.md.j2", "tong-hop.md.j2"))
    # "_bao_cao_dinh_ky.md.j2" is a part: it is linted through the templates that include it.
    assert whole.output.splitlines()[-1] == f"Đã kiểm tra {names}: không có lỗi"
    pattern = run_cli("lint", "--templates", folder, str(folder / "q*.md.j2"))
    assert pattern.exit_code == 0, pattern.output
    assert pattern.output.splitlines()[-1] == f"Đã kiểm tra {folder / 'quy.md.j2'}: không có lỗi"


def test_lint_leaves_out_the_lock_file_word_keeps_beside_an_open_form(tmp_path):
    """An author edits bo-cuc.docx in Word and lints the folder in another window: Word's "~$-cuc.docx" (its
    owner's name, no zip) is no template. Named by its own path it is still read, and refused."""
    import shutil

    folder = tmp_path / "ha-tinh"
    shutil.copytree(ROOT / "templates" / "ha-tinh", folder)
    lock = folder / "~$-cuc.docx"
    lock.write_bytes(b"\x0bNguyen Van A" + b"\x00" * 40)
    whole = run_cli("lint", folder)
    assert whole.exit_code == 0, whole.output
    assert whole.output.splitlines()[-1] == f"Đã kiểm tra {folder / 'bo-cuc.docx'}: không có lỗi"
    named = run_cli("lint", lock)
    assert named.exit_code == 1
    assert f"{lock}: lỗi: tệp bố cục hỏng hoặc không đọc được" in named.output


def test_lint_of_a_province_folder_of_settings_and_catalogs_checks_them(tmp_path):
    """A province folder may hold only cau-hinh.yaml and phu-luc/ (Quảng Ninh's): `docgen lint FOLDER` lints every
    template as that province's units get them, with its catalogs, instead of "no template file in the folder";
    a mistake in its catalog is found at its line."""
    import shutil

    folder = tmp_path / "quang-ninh"
    shutil.copytree(ROOT / "templates" / "quang-ninh", folder)
    clean = run_cli("lint", folder)
    assert clean.exit_code == 0, clean.output
    assert clean.output.splitlines()[-1] == ("Đã kiểm tra 6thang, 9thang, ke-hoach, kiem-tra, nam, quy, tong-hop: "
                                             "không có lỗi")
    folder = tmp_path / "quang-ninh-sua"  # another folder: a process reads a catalog once
    shutil.copytree(ROOT / "templates" / "quang-ninh", folder)
    catalog = folder / "phu-luc" / "1a.yaml"
    text = catalog.read_text(encoding="utf-8")
    broken = text.replace("ty_le: [nhiem_vu_hoan_thanh, nhiem_vu_de_ra]", "ty_le: [nhiem_vu_hoan_thanh, khong_co]", 1)
    assert broken != text
    catalog.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("        ty_le: [nhiem_vu_hoan_thanh, khong_co]") + 1
    found = run_cli("lint", folder)
    assert found.exit_code == 1
    assert f"{catalog}:{line}:" in found.output and "khong_co" in found.output


def test_lint_names_the_files_of_a_template_folder_that_docgen_does_not_read(tmp_path):
    """An author's 'quy.j2' or 'bo_cuc.docx' is read by nothing (or as something else), and the national base
    stands in without a word: lint says which and how to name it; notes of the author's own stay quiet."""
    import shutil

    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "cau-hinh.yaml").write_text("ten: Hà Tĩnh\n", encoding="utf-8")
    template = (ROOT / "templates" / "quoc-gia" / "quy.md.j2").read_text(encoding="utf-8")
    (folder / "quy.j2").write_text(template, encoding="utf-8")
    (folder / "nam.md").write_text(template, encoding="utf-8")
    (folder / "bo-cuc.dotx").write_bytes(b"PK")
    (folder / "cau_hinh.yml").write_text("ten: x\n", encoding="utf-8")
    shutil.copy(ROOT / "templates" / "ha-tinh" / "bo-cuc.docx", folder / "bo_cuc.docx")
    shutil.copy(ROOT / "templates" / "ha-tinh" / "bo-cuc.docx", folder / "bocuc.docx")
    shutil.copy(ROOT / "templates" / "ha-tinh" / "bo-cuc.docx", folder / "Báo cáo quý.docx")
    (folder / "README.md").write_text("# Mẫu của tỉnh\nBiến: {{ so_lieu.ho_so.tiep_nhan }}\n", encoding="utf-8")
    (folder / "vi-du.yaml").write_text("mau: quy\n", encoding="utf-8")
    for args in ([folder], ["--templates", folder]):
        result = run_cli("lint", *args)
        assert result.exit_code == 0, result.output
        warned = sorted(line.split(":")[0] for line in result.output.splitlines() if ": cảnh báo: " in line)
        assert warned == [str(folder / n) for n in ("Báo cáo quý.docx", "bo-cuc.dotx", "bo_cuc.docx", "bocuc.docx",
                                                    "cau_hinh.yml", "nam.md", "quy.j2")]
    assert (f"{folder / 'quy.j2'}: cảnh báo: docgen không đọc tệp này: mẫu nội dung phải có đuôi .md.j2 (ví dụ "
            "quy.md.j2)") in result.output
    assert (f"{folder / 'bo_cuc.docx'}: cảnh báo: docgen không đọc tệp này: tệp bố cục phải tên bo-cuc.docx"
            in result.output)
    assert (f"{folder / 'bocuc.docx'}: cảnh báo: tệp này được đọc như mẫu Word 'bocuc', không phải bố cục: tệp bố "
            "cục phải tên bo-cuc.docx") in result.output
    assert (f"{folder / 'Báo cáo quý.docx'}: cảnh báo: docgen không đọc tệp này: tên mẫu viết thường, không dấu, nối "
            "bằng '-': đổi tên thành bao-cao-quy.docx") in result.output


def test_lint_of_a_data_file_says_to_validate_it():
    result = run_cli("lint", EXAMPLES / "thach-quy-q3-2024.yaml")
    assert result.exit_code == 1
    data = EXAMPLES / "thach-quy-q3-2024.yaml"
    assert f"lỗi: {data} là tệp dữ liệu, không phải mẫu; kiểm tra tệp dữ liệu bằng: docgen validate {data}" \
        in result.output


# --- ready-made integration: pre-commit hooks and the pytest plugin ------------------------------------------


def test_pre_commit_hooks_run_the_three_commands():
    import yaml

    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {hook_id: hook["entry"] for hook_id, hook in hooks.items()} == {
        "docgen-validate": "docgen validate", "docgen-lint": "docgen lint", "docgen-check": "docgen check"}
    assert all(hook["language"] == "python" and hook["name"] for hook in hooks.values())
    # pre-commit passes the changed files to validate and lint; check is given its folders.
    check = hooks["docgen-check"]
    assert check["pass_filenames"] is False and check["args"] == ["cases", "--golden", "golden"]
    folders = {"cases": str(EXAMPLES), "golden": str(GOLDEN)}
    result = run_cli(*check["entry"].split()[1:], *(folders.get(arg, arg) for arg in check["args"]))
    assert result.exit_code == 0, result.output
    validate = run_cli(*hooks["docgen-validate"]["entry"].split()[1:], MINH_TAN, THACH_QUY)
    assert validate.exit_code == 0, validate.output
    lint = run_cli(*hooks["docgen-lint"]["entry"].split()[1:], ROOT / "templates" / "quoc-gia" / "quy.md.j2")
    assert lint.exit_code == 0, lint.output


PYPROJECT = """
[tool.pytest.ini_options]
docgen_golden = "golden"
docgen_cases = ["cases"]
"""


def _template_repository(root: Path) -> Path:
    (root / "cases").mkdir(parents=True)
    (root / "golden").mkdir()
    for data in (MINH_TAN, THACH_QUY):
        shutil.copy(data, root / "cases")
        for suffix in (".docx", ".md"):
            shutil.copy(GOLDEN / f"{data.stem}{suffix}", root / "golden")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return root


def _pytest(root: Path, *args):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "cchc_docgen.golden.pytest_plugin", "-q",
                           "-p", "no:cacheprovider", *args], cwd=root, env=env, capture_output=True, text=True)


def test_the_pytest_plugin_gives_one_test_per_case(tmp_path):
    root = _template_repository(tmp_path / "repo")
    passed = _pytest(root)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "2 passed" in passed.stdout
    _edited_copy(root / "cases", MINH_TAN, "tiep_nhan: 1186", "tiep_nhan: 1187")
    failed = _pytest(root)
    assert failed.returncode == 1
    assert "1 failed, 1 passed" in failed.stdout
    assert (f'{root}/golden/minh-tan-q1-2025.docx: đoạn 42 (mục "2.2.2. Tiếp nhận, giải quyết hồ sơ thủ tục hành '
            'chính"): "… hồ sơ; còn 29 hồ sơ đang …" → "… hồ sơ; còn 30 hồ sơ đang …"') in failed.stdout
    assert "Nếu thay đổi là đúng ý, duyệt bằng: pytest --docgen-update" in failed.stdout
    approved = _pytest(root, "--docgen-update")
    assert approved.returncode == 0, approved.stdout
    assert _pytest(root).returncode == 0


def test_the_pytest_plugin_is_inert_without_settings(tmp_path):
    root = _template_repository(tmp_path / "repo")
    (root / "pyproject.toml").write_text("[tool.pytest.ini_options]\n", encoding="utf-8")
    result = _pytest(root)
    assert result.returncode == 5, result.stdout  # no tests collected
