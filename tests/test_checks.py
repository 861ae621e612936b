"""docgen validate: schema errors plus the domain checks (figures that contradict each other, dates, signer)."""

from __future__ import annotations

import textwrap

import pytest
from conftest import EXAMPLES, run_cli
from test_errors import MINIMAL

from cchc_docgen.domain import checks
from cchc_docgen.domain.checks import check_percentages
from cchc_docgen.pipeline import Pipeline, compute, loader
from cchc_docgen.templating.library import library_for

DATED = MINIMAL.replace("  dia_danh: A\n", "  dia_danh: A\n  ngay: 2025-03-20\n")


def validate(tmp_path, text, *args, name="w.yaml"):
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    return run_cli("validate", data, *args)


def findings(tmp_path, text):
    data = tmp_path / "f.yaml"
    data.write_text(text, encoding="utf-8")
    return Pipeline().validate(data)


# --- real cases ----------------------------------------------------------------------------------------------

def test_thach_quy_passes_with_its_task_figures():
    result = run_cli("validate", EXAMPLES / "thach-quy-q3-2024.yaml")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("thach-quy-q3-2024.yaml: không có lỗi")


def test_stated_task_total_equal_to_its_parts_passes_and_a_wrong_one_is_an_error(tmp_path):
    tasks = "so_lieu:\n  nhiem_vu_duoc_giao: {tong: %d, truoc_han: 21, dung_han: 10, trong_han: 1, qua_han: 0}\n"
    assert validate(tmp_path, DATED + tasks % 32).exit_code == 0
    result = validate(tmp_path, DATED + tasks % 33)
    assert result.exit_code == 1
    assert ("w.yaml:16:30: lỗi: trường 'so_lieu.nhiem_vu_duoc_giao.tong': tổng số nhiệm vụ được giao ghi 33 nhưng "
            "tổng các loại là 21 (truoc_han) + 10 (dung_han) + 1 (trong_han) + 0 (qua_han) = 32") in result.output


HONG_GAI = EXAMPLES / "hong-gai-6thang-2024.yaml"


@pytest.mark.skipif(not HONG_GAI.exists(), reason="the Hồng Gai example is not in this checkout")
def test_hong_gai_appendix_resolved_below_on_time_is_flagged():
    result = run_cli("validate", HONG_GAI)
    assert result.exit_code == 1
    assert "855" in result.output and "851" in result.output and "vượt 100%" in result.output
    assert "ho_so_dung_han" in result.output and "ho_so_da_giai_quyet" in result.output


APPENDIX = DATED + """phu_luc:
  - bieu: cchc
    so_lieu:
      ho_so_tiep_nhan: 860
      ho_so_da_giai_quyet: 851
      ho_so_dung_han: 855
"""


def test_appendix_ratio_above_100_percent_names_both_rows(tmp_path):
    result = validate(tmp_path, APPENDIX)
    assert result.exit_code == 1
    assert ("w.yaml:20:7: lỗi: trường 'phu_luc[0].so_lieu.ho_so_dung_han': biểu 'cchc': tỷ lệ 'Tỷ lệ hồ sơ TTHC giải "
            "quyết trước và đúng hạn' vượt 100% (855/851 = 100,47%): 'Số hồ sơ TTHC giải quyết trước và đúng hạn' "
            "(ho_so_dung_han = 855) lớn hơn 'Số hồ sơ TTHC đã giải quyết xong' (ho_so_da_giai_quyet = 851)") in result.output
    assert validate(tmp_path, APPENDIX.replace("855", "851")).exit_code == 0


def test_appendix_rows_recognised_by_name_when_the_catalog_has_no_ratio(tmp_path):
    folder = tmp_path / "mau" / "phu-luc"
    folder.mkdir(parents=True)
    (folder / "hs.yaml").write_text(textwrap.dedent("""\
        tieu_de: Hồ sơ
        chi_tieu:
          - ma: ket_qua
            ten: Kết quả giải quyết TTHC
            con:
              - {ma: xong, ten: Số hồ sơ TTHC đã giải quyết xong, don_vi: Hồ sơ}
              - {ma: dung_han, ten: Số hồ sơ TTHC giải quyết đúng và trước hạn, don_vi: Hồ sơ}
        """), encoding="utf-8")
    text = DATED + "phu_luc:\n  - bieu: hs\n    so_lieu: {xong: 851, dung_han: 855}\n"
    result = validate(tmp_path, text, "--templates", tmp_path / "mau")
    assert result.exit_code == 1
    assert ("'Số hồ sơ TTHC giải quyết đúng và trước hạn' (dung_han = 855) lớn hơn 'Số hồ sơ TTHC đã giải quyết xong' "
            "(xong = 851)") in result.output


# --- parts and totals ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("figures, where, message", [
    ("ho_so: {tiep_nhan: 10, ky_truoc_chuyen_sang: 2, da_giai_quyet: 13}", "16:66", "so_lieu.ho_so.da_giai_quyet': số hồ sơ đã giải quyết (13) lớn hơn số hồ sơ tiếp nhận cộng kỳ trước chuyển sang (10 + 2 = 12)"),
    ("ho_so: {tiep_nhan: 10, da_giai_quyet: 8, dung_han: 9}", "16:54", "so_lieu.ho_so.dung_han': số hồ sơ giải quyết trước và đúng hạn (9) lớn hơn số hồ sơ đã giải quyết (8)"),
    ("ho_so: {tiep_nhan: 10, truc_tuyen: 11, da_giai_quyet: 8}", "16:38", "so_lieu.ho_so.truc_tuyen': số hồ sơ tiếp nhận trực tuyến (11) lớn hơn số hồ sơ tiếp nhận trong kỳ (10)"),
    ("nhiem_vu_ke_hoach: {de_ra: 41, hoan_thanh: 42}", "16:46", "so_lieu.nhiem_vu_ke_hoach.hoan_thanh': số nhiệm vụ đã hoàn thành (42) lớn hơn số nhiệm vụ đề ra trong kế hoạch (41)"),
    ("dich_vu_cong:\n    thanh_toan: {dat: 267, tong: 266}", "17:23", "so_lieu.dich_vu_cong.thanh_toan.dat': hồ sơ thanh toán trực tuyến: số đạt (267) lớn hơn tổng số (266)"),
    ("can_bo: {tong: 20, dat_chuan: 21}", "16:33", "so_lieu.can_bo.dat_chuan': số cán bộ, công chức đạt chuẩn (21) lớn hơn tổng số cán bộ, công chức (20)"),
    ("ho_so:\n    tiep_nhan: 500\n    da_giai_quyet: 437\n    theo_linh_vuc: {Hộ tịch: 400, Đất đai: 40}", "19:5",
     "so_lieu.ho_so.theo_linh_vuc': tổng số hồ sơ theo lĩnh vực (400 + 40 = 440) lớn hơn số hồ sơ đã giải quyết (437)"),
])
def test_a_part_larger_than_its_total_is_an_error(tmp_path, figures, where, message):
    result = validate(tmp_path, DATED + "so_lieu:\n  " + figures + "\n")
    assert result.exit_code == 1
    assert f"w.yaml:{where}: lỗi: trường '{message}" in result.output


def test_figures_that_fit_pass(tmp_path):
    text = DATED + textwrap.dedent("""\
        so_lieu:
          ho_so: {ky_truoc_chuyen_sang: 14, tiep_nhan: 1186, truc_tuyen: 1149, da_giai_quyet: 1171, dung_han: 1169, qua_han: 2}
          dich_vu_cong: {toan_trinh: {dat: 412, tong: 418}, mot_phan: {dat: 689, tong: 731}}
          can_bo: {tong: 21, dat_chuan: 20}
        """)
    assert findings(tmp_path, text) == []


def test_a_partial_breakdown_is_a_warning_and_strict_makes_it_fail(tmp_path):
    text = DATED + "so_lieu:\n  ho_so:\n    tiep_nhan: 537\n    da_giai_quyet: 437\n    theo_linh_vuc: {Tư pháp - hộ tịch: 390, Đất đai: 28}\n"
    result = validate(tmp_path, text)
    assert result.exit_code == 0
    assert ("cảnh báo: trường 'so_lieu.ho_so.theo_linh_vuc': tổng số hồ sơ theo lĩnh vực (390 + 28 = 418) khác số hồ "
            "sơ đã giải quyết (437)") in result.output
    assert result.output.strip().endswith("w.yaml: 1 cảnh báo")
    assert validate(tmp_path, text, "--strict").exit_code == 1


# --- percentages in the text ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("17/71, đạt tỷ lệ 23,94%", []),
    ("thanh toán trực tuyến 239/266 hồ sơ, đạt tỷ lệ 89,84%", [("239/266", "89,84%", "89,85%")]),
    ("11.341/14.446 hồ sơ, đạt tỷ lệ 78,51%", []),
    ("11.341/14.446 hồ sơ, đạt tỷ lệ 78,50%", [("11.341/14.446", "78,50%", "78,51%")]),
    ("17/71 thủ tục, đạt 23,9%", []),  # one decimal shown: compared to one decimal
    ("140/140 hồ sơ, đạt tỷ lệ 100%", []),
    ("đạt tỷ lệ 90% (140/140 hồ sơ)", [("140/140", "90%", "100%")]),
    ("ước đạt 2,150 tỷ đồng/2,814 tỷ đồng, đạt 76,40%", []),
    ("ngày 12/08/2024 đạt 50%", []),  # a date is not a count pair
    ("Luật số 63/2020/QH14; 5% cán bộ", []),
    ("Quyết định số 52/2017 của UBND tỉnh đạt 100%", []),
    ("38/41 nhiệm vụ; 100% hồ sơ", []),  # a clause in between: not the same statement
])
def test_percentages_are_compared_to_the_shown_precision(text, expected):
    assert list(check_percentages(text)) == expected


def test_a_wrong_percentage_in_the_text_is_located_on_its_line(tmp_path):
    text = DATED + textwrap.dedent("""\
        noi_dung:
          chinh_quyen_so:
            - >-
              Về dịch vụ công trực tuyến, số hồ sơ có nghĩa vụ tài chính được
              thanh toán trực tuyến 239/266 hồ sơ, đạt 89,84%; số thủ tục có phát sinh hồ sơ
              17/71, đạt tỷ lệ 23,94%.
        """)
    result = validate(tmp_path, text)
    assert result.exit_code == 0
    assert ("w.yaml:19:29: cảnh báo: trường 'noi_dung.chinh_quyen_so[0]': tỷ lệ 89,84% viết cạnh 239/266 không khớp: "
            "239/266 = 89,85%\n    …toán trực tuyến 239/266 hồ sơ, đạt 89,84%; số thủ tục có…") in result.output
    assert "23,94" not in result.output


# --- dates -----------------------------------------------------------------------------------------------------

def test_document_dated_before_the_period_ends(tmp_path):
    result = validate(tmp_path, DATED.replace("2025-03-20", "2025-03-10"))
    assert result.exit_code == 1
    assert ("w.yaml:7:9: lỗi: trường 'van_ban.ngay': ngày văn bản 10/03/2025 trước ngày chốt số liệu của kỳ "
            "(14/03/2025)") in result.output


def test_period_dates_and_dates_among_the_figures(tmp_path):
    text = DATED.replace("  nam: 2025\n", "  nam: 2025\n  den_ngay: 2025-06-14\n").replace("2025-03-20", "2025-06-20") + (
        "so_lieu:\n  nhiem_vu_ke_hoach:\n    van_ban: Quyết định số 09/QĐ-UBND ngày 06/07/2025\n    de_ra: 3\n"
        "    hoan_thanh: 1\n    chu_thich: Xong ngày 31/02/2025.\n")
    out = validate(tmp_path, text).output
    assert ("w.yaml:12:13: cảnh báo: trường 'ky_bao_cao.den_ngay': ngày 14/06/2025 cách xa mốc của kỳ quý I năm 2025 "
            "theo Nghị định 09/2019/NĐ-CP (14/03/2025)") in out
    assert ("cảnh báo: trường 'so_lieu.nhiem_vu_ke_hoach.van_ban': ngày 06/07/2025 sau ngày của chính văn bản "
            "(20/06/2025)") in out
    assert "lỗi: trường 'so_lieu.nhiem_vu_ke_hoach.chu_thich': '31/02/2025' không phải là một ngày có thật" in out


def test_right_dates_and_percentages_give_no_finding(tmp_path):
    text = DATED + (
        "so_lieu:\n  nhiem_vu_ke_hoach:\n    van_ban: Quyết định số 09/QĐ-UBND ngày 06/01/2025\n    de_ra: 3\n"
        "    hoan_thanh: 1\n    chu_thich: Giải quyết 239/266 hồ sơ, đạt 89,85%; xong ngày 28/02/2025.\n")
    data = tmp_path / "clean.yaml"
    data.write_text(text, encoding="utf-8")
    loaded = loader.load(data)
    assert checks.run_checks(loaded.data, compute.compute(loaded.data), library_for()) == []


def test_a_plan_is_not_held_to_a_reporting_period(tmp_path):
    text = DATED.replace("mau: quy", "mau: ke-hoach").replace("2025-03-20", "2025-01-10").replace(
        "  dia_danh: A\n", "  dia_danh: A\n  trich_yeu: Kế hoạch CCHC năm 2025\n").replace(
        "  loai: quy\n  so: 1\n", "  loai: nam\n")
    result = validate(tmp_path, text)
    assert result.exit_code == 0, result.output


# --- the signer --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("signer, level, message", [
    ("tham_quyen: [TM. Ủy ban nhân dân, KT. Chủ tịch]\n  chuc_vu: Chủ tịch", "lỗi",
     "người ký thay (KT. CHỦ TỊCH) phải là cấp phó, nhưng chức vụ là 'Chủ tịch'"),
    ("tham_quyen: [TM. Ủy ban nhân dân, KT. Chủ tịch]\n  chuc_vu: Phó Giám đốc", "cảnh báo",
     "ký thay 'CHỦ TỊCH' nhưng chức vụ là 'Phó Giám đốc' (thường là 'Phó Chủ tịch')"),
    ("tham_quyen: [TM. Ủy ban nhân dân]\n  chuc_vu: Phó Chủ tịch", "cảnh báo",
     "chức vụ 'Phó Chủ tịch' là cấp phó nhưng thẩm quyền ký không có 'KT.' (ký thay)"),
    ("tham_quyen: [KT. Chủ tịch, TM. Ủy ban nhân dân]\n  chuc_vu: Phó Chủ tịch", "cảnh báo",
     "dòng 'TM.' (thay mặt tập thể) phải đứng đầu thẩm quyền ký"),
    ("tham_quyen: [Q. Chủ tịch]\n  chuc_vu: Chủ tịch", "cảnh báo", "'Q. CHỦ TỊCH' (quyền) nhưng chức vụ người ký cũng là"),
    ("tham_quyen: [TL. Chủ tịch]\n  chuc_vu: Chủ tịch", "cảnh báo", "'TL. CHỦ TỊCH' (thừa lệnh) nhưng chức vụ"),
])
def test_signer_authority(tmp_path, signer, level, message):
    text = DATED.replace("  chuc_vu: Chủ tịch", "  " + signer)
    result = validate(tmp_path, text)
    assert f"{level}: trường 'nguoi_ky." in result.output and message in result.output
    assert result.exit_code == (1 if level == "lỗi" else 0)


def test_a_deputy_signing_for_the_head_passes(tmp_path):
    text = DATED.replace("  chuc_vu: Chủ tịch", "  tham_quyen: [TM. Ủy ban nhân dân, KT. Chủ tịch]\n  chuc_vu: PHÓ CHỦ TỊCH")
    assert findings(tmp_path, text) == []


# --- the command and the function render calls -------------------------------------------------------------------

def test_schema_errors_and_several_files(tmp_path):
    good = tmp_path / "a.yaml"
    good.write_text(DATED, encoding="utf-8")
    bad = tmp_path / "b.yaml"
    bad.write_text(MINIMAL.replace("  ho_ten: Nguyễn Văn B\n", ""), encoding="utf-8")
    result = run_cli("validate", good, bad)
    assert result.exit_code == 1
    assert f"{good}: không có lỗi" in result.output
    assert f"{bad}:12:3: lỗi: trường 'nguoi_ky': thiếu trường bắt buộc 'ho_ten'\n{bad}: 1 lỗi" in result.output


def test_content_the_template_cannot_place_is_reported(tmp_path):
    result = validate(tmp_path, DATED + "noi_dung:\n  can_cu: ['Căn cứ Luật.']\n")
    assert result.exit_code == 1 and "mẫu 'quy' không có mục 'can_cu'" in result.output


def test_run_checks_takes_the_loaded_data_and_the_context(tmp_path):
    data = tmp_path / "r.yaml"
    data.write_text(APPENDIX, encoding="utf-8")
    loaded = loader.load(data)
    context = compute.compute(loaded.data)
    library = library_for()
    assert checks.run_checks(loaded.data, context) == []  # without the library, no appendix checks
    found = checks.run_checks(loaded.data, context, library, library.get("quy"))
    assert [f.level for f in found] == [checks.ERROR] and found[0].path == ("phu_luc", 0, "so_lieu", "ho_so_dung_han")
    assert checks.failed(found) and not checks.failed([]) and checks.summary(found) == "1 lỗi"


@pytest.mark.parametrize("text, dates", [
    ("ngày 15/3/2024 và 1/10/2024.", ["15/3/2024", "1/10/2024"]),
    ("số 112/3/2024", []),  # inside a longer number
    ("1/12/3/2024", []),  # inside a run of slashes
    ("15/3/20245", []),
    ("(31/12/2024)", ["31/12/2024"]),
    ("٣15/3/2024", []),  # after any decimal digit, as the regex's \d
])
def test_dates_found_in_text(text, dates):
    assert [written for written, _ in checks._dates_in(text)] == dates


# --- the issuing organ and the recipients (Decree 30, Phụ lục I; issue 13) ---------------------------------

AS_ABOVE = ("văn bản có 'Kính gửi' thì nơi nhận ghi '- Như trên;' đầu tiên (Nghị định 30/2020/NĐ-CP, Phụ lục I, "
            "mục II.9.b)")


@pytest.mark.parametrize("extra, expected", [
    ("kinh_gui: [UBND quận B]\nnoi_nhan:\n  danh_sach: [UBND quận B (b/c), Lưu trữ]\n",
     f"w.yaml:16:14: cảnh báo: trường 'noi_nhan.danh_sach': {AS_ABOVE}: thêm 'Như trên' làm dòng đầu của "
     "noi_nhan.danh_sach"),
    ("kinh_gui: [UBND quận B]\nnoi_nhan:\n  danh_sach:\n    - Phòng Nội vụ\n    - Như trên\n",
     f"w.yaml:17:5: cảnh báo: trường 'noi_nhan.danh_sach': {AS_ABOVE}: chuyển 'Như trên' lên dòng đầu"),
    ("kinh_gui: [UBND quận B]\nnoi_nhan:\n  luu: VT\n",
     f"w.yaml:15:1: cảnh báo: trường 'noi_nhan': {AS_ABOVE}: thêm 'Như trên' làm dòng đầu của noi_nhan.danh_sach"),
    ("noi_nhan:\n  danh_sach: [Như trên, Phòng Nội vụ]\n",
     "w.yaml:15:15: cảnh báo: trường 'noi_nhan.danh_sach[0]': 'Như trên' chỉ nói tới các nơi ở dòng 'Kính gửi', "
     "nhưng văn bản không có kinh_gui"),
], ids=["missing", "not-first", "no-list", "without-kinh-gui"])
def test_as_above_first_among_the_recipients_of_a_document_with_kinh_gui(tmp_path, extra, expected):
    result = validate(tmp_path, MINIMAL + extra)
    assert result.exit_code == 0 and expected in result.output, result.output
    assert validate(tmp_path, MINIMAL + extra, "--strict").exit_code == 1


def test_as_above_first_passes_and_nothing_is_inserted(tmp_path):
    data = MINIMAL + "kinh_gui: [UBND quận B]\nnoi_nhan:\n  danh_sach: [Như trên, Phòng Nội vụ quận (b/c)]\n"
    result = validate(tmp_path, data)
    assert result.output.strip().endswith("w.yaml: không có lỗi"), result.output
    without = MINIMAL + "kinh_gui: [UBND quận B]\nnoi_nhan:\n  danh_sach: [Phòng Nội vụ quận (b/c)]\n"
    (tmp_path / "w.yaml").write_text(without, encoding="utf-8")
    out = tmp_path / "w.md"
    assert run_cli("render", tmp_path / "w.yaml", "-o", out, "-f", "md").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Như trên" not in text and "Phòng Nội vụ quận (b/c);" in text  # the warning only offers it


@pytest.mark.parametrize("ten, expected", [
    ("[UBND phường A]", "w.yaml:3:9: cảnh báo: trường 'co_quan.ten[0]': tên cơ quan ban hành phải ghi đầy đủ, "
                        "'Ủy ban nhân dân' chứ không viết tắt 'UBND' (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.2.a)"),
    ("[Ủy ban nhân dân, HĐND phường A]", "w.yaml:3:26: cảnh báo: trường 'co_quan.ten[1]': tên cơ quan ban hành phải "
                                          "ghi đầy đủ, 'Hội đồng nhân dân' chứ không viết tắt 'HĐND'"),
    ("Ubnd phường A", "w.yaml:3:8: cảnh báo: trường 'co_quan.ten': tên cơ quan ban hành phải ghi đầy đủ, "
                      "'Ủy ban nhân dân' chứ không viết tắt 'Ubnd'"),
])
def test_an_abbreviated_issuing_organ_is_a_warning(tmp_path, ten, expected):
    result = validate(tmp_path, MINIMAL.replace("  ten: [Ủy ban nhân dân, phường A]", f"  ten: {ten}"))
    assert result.exit_code == 0 and expected in result.output, result.output


def test_the_organ_above_may_be_abbreviated(tmp_path):
    """Decree 30 allows 'UBND' in the name of the organ above (chu_quan), not in the issuing organ's own."""
    result = validate(tmp_path, MINIMAL.replace("co_quan:\n", "co_quan:\n  chu_quan: UBND quận B\n"))
    assert result.output.strip().endswith("w.yaml: không có lỗi"), result.output


# --- the province (tinh): a misspelt name silently meant the national base ------------------------------------

@pytest.mark.parametrize("tinh, expected", [
    ("Ha Tinhh", "w.yaml:1:7: cảnh báo: trường 'tinh': không có tỉnh, thành phố nào tên 'Ha Tinhh' (có phải ý bạn là "
                 "'Hà Tĩnh'?): dùng mẫu chung, không có mẫu và biểu riêng của tỉnh"),
    ("Quảng Nin", "(có phải ý bạn là 'Quảng Ninh'?)"),
    ("Thua Thein Hue", "(có phải ý bạn là 'Thừa Thiên Huế'?)"),
])
def test_a_province_that_is_none_is_said(tmp_path, tinh, expected):
    result = validate(tmp_path, f"tinh: {tinh}\n" + MINIMAL)
    assert result.exit_code == 0 and expected in result.output, result.output


@pytest.mark.parametrize("tinh", ["Hà Tĩnh", "Ha Tinh", "Tỉnh Quảng Ninh", "thành phố Hà Nội", "TP. Hồ Chí Minh",
                                  "Thanh Hoá", "Bà Rịa - Vũng Tàu", "Huế", "Bình Lâm", "Xyz"])
def test_a_province_as_a_clerk_writes_it_passes(tmp_path, tinh):
    """Real provinces however written; and names like none (the tổng hợp example's made-up Bình Lâm) as meant."""
    result = validate(tmp_path, f"tinh: {tinh}\n" + MINIMAL)
    assert result.output.strip().endswith("w.yaml: không có lỗi"), result.output


def test_a_province_prefixed_with_tinh_gets_its_templates(tmp_path):
    """'Tỉnh Quảng Ninh' is Quảng Ninh: its folder (and its Phụ lục 1a) is used, as for 'Quảng Ninh'."""
    from cchc_docgen.templating.library import TemplateLibrary

    assert TemplateLibrary((), "Tỉnh Quảng Ninh").search_path == TemplateLibrary((), "Quảng Ninh").search_path
    assert any(root.name == "quang-ninh" for root in TemplateLibrary((), "Tỉnh Quảng Ninh").search_path)


def test_an_unknown_province_option_is_said(tmp_path):
    (tmp_path / "w.yaml").write_text(MINIMAL, encoding="utf-8")
    result = run_cli("render", tmp_path / "w.yaml", "--tinh", "Ha Tinhh", "-o", tmp_path / "w.md")
    assert result.exit_code == 0, result.output
    assert ("Cảnh báo: --tinh: không có tỉnh, thành phố nào tên 'Ha Tinhh' (có phải ý bạn là 'Hà Tĩnh'?): dùng "
            "mẫu chung") in result.output
    quiet = run_cli("render", tmp_path / "w.yaml", "--tinh", "Hà Tĩnh", "-o", tmp_path / "w2.md")
    assert "Cảnh báo" not in quiet.output


# --- the title of a quarterly report (a file copied from last quarter) -----------------------------------------

@pytest.mark.parametrize("title, warned", [
    ("Kết quả CCHC quý IV năm 2024 và phương hướng, nhiệm vụ quý I năm 2025", "quý IV năm 2024"),
    ("Kết quả CCHC quý 4/2024", "quý 4/2024"),
    ("Kết quả CCHC quý I năm 2025 và phương hướng, nhiệm vụ quý II năm 2025", None),
    ("Kết quả CCHC quý I năm 2025 và phương hướng quý II", None),
    ("Kết quả CCHC quý 1/2025", None),
    ("Kết quả CCHC năm 2025", None),
])
def test_a_quarterly_title_naming_another_quarter_is_warned_of(tmp_path, title, warned):
    result = validate(tmp_path, MINIMAL.replace("  dia_danh: A\n", f"  dia_danh: A\n  trich_yeu: {title}\n"))
    assert result.exit_code == 0, result.output
    if warned:
        column = title.index(warned) + len("  trich_yeu: ") + 1
        assert (f"w.yaml:7:{column}: cảnh báo: trường 'van_ban.trich_yeu': trích yếu ghi '{warned}' nhưng kỳ báo cáo "
                "là quý I năm 2025 (kỳ tới: quý II năm 2025): trích yếu còn của kỳ khác?") in result.output
    else:
        assert "trích yếu ghi" not in result.output
