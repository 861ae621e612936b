"""docgen nhap: a report rendered to .docx, imported back and rendered again reads the same, paragraph for
paragraph (body, tables, footnotes); files that are not Word reports are refused with a Vietnamese message."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli

from cchc_docgen.golden.docx_view import ParaView, read_docx

EXAMPLES = Path(__file__).resolve().parent.parent / "data_examples"
# Reproduced exactly, header to signature and the Phụ lục after it: periodic reports (their appendix tables read back
# into phu_luc through the indicator catalogs, Quảng Ninh's 1a found in its province folder), a self-inspection
# report with lettered parts (A., B.: the template's "=" level, "B. Kết quả thực hiện" written by the template
# itself) and a plan (its organ a city, its sections II., III. the plan's own list cac_muc).
EXAMPLE_NAMES = ["thach-quy-q3-2024", "thach-ha-q3-2025", "minh-tan-q1-2025", "thach-quy-kiem-tra-2024",
                 "uong-bi-ke-hoach-thi-dua-2024", "hong-gai-6thang-2024", "minh-tan-nam-2024", "thach-quy-9thang-2024"]


def text_of(path: Path) -> list[str]:
    """Every paragraph of the document with its formatting (tables cell by cell, footnotes last)."""
    view = read_docx(path.read_bytes())
    out: list[str] = []

    def walk(blocks):
        for block in blocks:
            if isinstance(block, ParaView):
                if block.plain():
                    out.append(block.show())
            else:
                for row in block.rows:
                    for cell in row:
                        walk(cell.blocks)

    walk(view.body)
    for _, blocks in view.notes:
        walk(blocks)
    return out


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_round_trip_gives_the_same_text(tmp_path, name):
    original, data, copy = tmp_path / "goc.docx", tmp_path / "nhap.yaml", tmp_path / "ban-sao.docx"
    assert run_cli("render", EXAMPLES / f"{name}.yaml", "-o", original).exit_code == 0
    imported = run_cli("nhap", original, "-o", data)
    assert imported.exit_code == 0, imported.output
    assert "Chọn mẫu" in imported.output
    rendered = run_cli("render", data, "-o", copy)
    assert rendered.exit_code == 0, rendered.output
    assert text_of(copy) == text_of(original)
    if "phu_luc" in (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"):
        assert "\nphu_luc:\n" in data.read_text(encoding="utf-8")


def _edited(path: Path, old: str, new: str) -> None:
    """The .docx at `path` with one text of its body replaced (as an officer editing the Word file would)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = parts["word/document.xml"].decode("utf-8")
    assert document.count(old) == 1
    parts["word/document.xml"] = document.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def imported(tmp_path, name: str, edit: tuple[str, str] | None = None) -> str:
    """The data file `docgen nhap` writes for the example rendered to .docx (with one text edited in it)."""
    original, data = tmp_path / "goc.docx", tmp_path / "nhap.yaml"
    run_cli("render", EXAMPLES / f"{name}.yaml", "-o", original)
    if edit:
        _edited(original, *edit)
    assert run_cli("nhap", original, "-o", data).exit_code == 0
    return data.read_text(encoding="utf-8")


def test_appendix_rows_the_catalog_computes_are_checked(tmp_path):
    text = imported(tmp_path, "hong-gai-6thang-2024", (">42,86<", ">50<"))
    assert "# bảng phụ lục theo biểu 1a của tỉnh Quảng Ninh: tinh ghi Quảng Ninh\ntinh: Quảng Ninh\n" in text
    assert ('  # bảng phụ lục "BÁO CÁO NỘI DUNG TRIỂN KHAI CÔNG TÁC CẢI CÁCH HÀNH CHÍNH" khớp biểu 1a: số liệu vào '
            'so_lieu, ghi chú vào ghi_chu\n') in text
    assert ('  # dòng 2 (ty_le_ke_hoach) được tính tự động: văn bản ghi "50", chương trình tính "42,86"\n'
            '  - bieu: 1a\n    so_lieu:\n      van_ban_chi_dao: 6\n      nhiem_vu_de_ra: 7\n') in text


def test_judgements_are_comments_in_the_data_file(tmp_path):
    original, data = tmp_path / "goc.docx", tmp_path / "nhap.yaml"
    run_cli("render", EXAMPLES / "hong-gai-6thang-2024.yaml", "-o", original)
    result = run_cli("nhap", original, "-o", data, "-t", "6thang")
    assert result.exit_code == 0, result.output
    assert "Chọn mẫu" not in result.output
    text = data.read_text(encoding="utf-8")
    assert "  # đề mục \"III. ĐÁNH GIÁ CHUNG\" khớp mục danh_gia của mẫu\n" in text
    assert ("  # đề mục \"1. Mặt tích cực\" không khớp tiêu đề mục nào của mẫu: xếp theo thứ tự vào mục uu_diem, "
            "giữ nguyên tiêu đề của văn bản\n") in text


def test_figures_of_the_standard_sentences_go_into_so_lieu(tmp_path):
    text = imported(tmp_path, "thach-quy-q3-2024")
    assert ('so_lieu:\n  # số liệu đọc từ câu chuẩn "Kế hoạch cải cách hành chính năm 2024 của UBND phường Thạch …" '
            "(de_ra 41, hoan_thanh 38); câu để mẫu viết lại tại chỗ {cau_mau: nhiem_vu_ke_hoach} trong mục ke_hoach\n"
            "  nhiem_vu_ke_hoach:\n    de_ra: 41\n    hoan_thanh: 38\n") in text
    assert ('  # số liệu đọc từ câu chuẩn "Kết quả giải quyết thủ tục hành chính: từ ngày 15/06/2024 đế…" '
            "(tiep_nhan 537, da_giai_quyet 437, dung_han 437); câu để mẫu viết lại tại chỗ {cau_mau: ho_so} trong mục "
            "tthc\n  ho_so:\n    tiep_nhan: 537\n    da_giai_quyet: 437\n    dung_han: 437\n") in text
    assert ('  # số liệu đọc từ câu chuẩn "Về dịch vụ công trực tuyến: trong quý III năm 2024, trên Cổn…" (toan_trinh '
            "140/140, mot_phan 194/194, tthc_phat_sinh 17/71, thanh_toan 239/266); câu để mẫu viết lại tại chỗ "
            "{cau_mau: dich_vu_cong} trong mục chinh_quyen_so\n  dich_vu_cong:\n    toan_trinh:\n      dat: 140\n"
            "      tong: 140\n") in text
    # a sentence and its four list items, read together
    assert ('  # số liệu đọc từ câu chuẩn "Tổng số nhiệm vụ được giao trong quý III năm 2024: 32 nhiệm …" '
            "(truoc_han 21, dung_han 10, trong_han 1, qua_han 0); câu để mẫu viết lại tại chỗ "
            "{cau_mau: nhiem_vu_duoc_giao} trong mục nhiem_vu_duoc_giao; giao_boi đọc từ đề mục của mục "
            "nhiem_vu_duoc_giao\n  nhiem_vu_duoc_giao:\n    giao_boi: UBND thành phố và Chủ tịch UBND thành phố\n"
            "    truoc_han: 21\n    dung_han: 10\n    trong_han: 1\n    qua_han: 0\n") in text
    assert "Số nhiệm vụ hoàn thành" not in text
    for name in ("nhiem_vu_ke_hoach", "ho_so", "can_bo", "dich_vu_cong", "nhiem_vu_duoc_giao"):
        assert f"- cau_mau: {name}\n" in text, name


def test_the_tasks_sentence_with_a_note_goes_into_so_lieu_and_its_heading_gives_who_assigned_them(tmp_path):
    text = imported(tmp_path, "minh-tan-nam-2024")
    # the total is the sum of the kinds, as the example writes it: left out, the template adds them up
    assert ("  nhiem_vu_duoc_giao:\n    giao_boi: UBND thành phố và Chủ tịch UBND thành phố\n"
            "    truoc_han: 41\n    dung_han: 52\n    trong_han: 4\n    qua_han: 1\n"
            "    chu_thich: 'Nhiệm vụ quá hạn: báo cáo kết quả rà soát") in text
    assert "; giao_boi đọc từ đề mục của mục nhiem_vu_duoc_giao\n" in text
    # the template writes the heading from giao_boi: no tieu_de, and the comment no longer says it is kept
    assert ('  # đề mục "5. Tiến độ, kết quả thực hiện các nhiệm vụ được UBND thành phố và Chủ tịch UBND thành phố giao" '
            "khớp mục nhiem_vu_duoc_giao của mẫu\n  nhiem_vu_duoc_giao:\n  - cau_mau: nhiem_vu_duoc_giao\n") in text


def test_a_heading_that_would_not_come_back_stays_as_written():
    from cchc_docgen.reading.docx_report import Imported, _assigned_by_from_heading

    title = "Tiến độ, kết quả thực hiện các nhiệm vụ được UBND thành phố giao"
    figures = {"tong": 3, "dung_han": 3}
    imported = Imported("quy", {"_titles": {"nhiem_vu_duoc_giao": title}}, figures={"nhiem_vu_duoc_giao": figures},
                        notes={"nhiem_vu_duoc_giao": ["… (giữ nguyên tiêu đề của văn bản)"]},
                        figure_notes={"nhiem_vu_duoc_giao": "số liệu đọc từ câu chuẩn …"})
    _assigned_by_from_heading(imported, "nhiem_vu_duoc_giao", lambda: False)
    assert imported.data["_titles"] == {"nhiem_vu_duoc_giao": title}
    assert imported.figures == {"nhiem_vu_duoc_giao": figures}
    assert imported.notes == {"nhiem_vu_duoc_giao": ["… (giữ nguyên tiêu đề của văn bản)"]}
    _assigned_by_from_heading(imported, "nhiem_vu_duoc_giao", lambda: True)
    assert imported.data["_titles"] == {} and imported.notes == {"nhiem_vu_duoc_giao": ["…"]}
    assert imported.figures == {"nhiem_vu_duoc_giao": {"giao_boi": "UBND thành phố", "tong": 3, "dung_han": 3}}
    assert imported.figure_notes["nhiem_vu_duoc_giao"].endswith("; giao_boi đọc từ đề mục của mục nhiem_vu_duoc_giao")
    # the template's own words ("cấp trên" is what it writes without giao_boi): the heading alone is dropped
    imported = Imported("quy", {"_titles": {"nhiem_vu_duoc_giao": title.replace("UBND thành phố", "cấp trên")}},
                        figures={"nhiem_vu_duoc_giao": figures}, figure_notes={"nhiem_vu_duoc_giao": "…"})
    _assigned_by_from_heading(imported, "nhiem_vu_duoc_giao", lambda: True)
    assert imported.data["_titles"] == {} and imported.figures == {"nhiem_vu_duoc_giao": figures}
    assert imported.figure_notes == {"nhiem_vu_duoc_giao": "…"}


def test_a_tasks_sentence_that_does_not_render_back_stays_as_written_in_order(tmp_path):
    # Typed "1", where the template writes "01": the sentence would not come back word for word.
    text = imported(tmp_path, "thach-quy-q3-2024", ("trong hạn: 01 nhiệm vụ", "trong hạn: 1 nhiệm vụ"))
    assert "cau_mau: nhiem_vu_duoc_giao}" not in text and "  nhiem_vu_duoc_giao:\n    tong:" not in text
    assert ('câu "Tổng số nhiệm vụ được giao trong quý III năm 2024: 32 nhiệm …" giống câu chuẩn nhiem_vu_duoc_giao '
            "nhưng mẫu viết lại không khớp từng chữ") in text
    written = ["Tổng số nhiệm vụ được giao trong quý III năm 2024: 32 nhiệm vụ, trong đó:",
               "- Số nhiệm vụ hoàn thành trước hạn: 21 nhiệm vụ;", "- Số nhiệm vụ hoàn thành đúng hạn: 10 nhiệm vụ;",
               "- Số nhiệm vụ đang thực hiện trong hạn: 1 nhiệm vụ;", "- Số nhiệm vụ quá hạn: 0 nhiệm vụ."]
    places = [text.find(line) for line in written]
    assert -1 not in places and places == sorted(places), places


def test_tasks_that_do_not_add_up_are_imported_as_written_and_the_check_says_where(tmp_path):
    # 21 + 11 + 1 + 0 is not the 32 tasks the document gives: the figures are what it says, and validate finds it.
    text = imported(tmp_path, "thach-quy-q3-2024", ("hoàn thành đúng hạn: 10 nhiệm vụ", "hoàn thành đúng hạn: 11 nhiệm vụ"))
    assert "    tong: 32\n    truoc_han: 21\n    dung_han: 11\n" in text
    data = tmp_path / "nhap.yaml"
    result = run_cli("validate", data)
    line = text[:text.index("    tong: 32\n    truoc_han: 21")].count("\n") + 1  # the line of tong
    assert f"{data}:{line}:" in result.output and "nhiem_vu_duoc_giao.tong" in result.output, result.output


def test_a_standard_sentence_that_does_not_render_back_stays_as_written(tmp_path):
    # 538 received and 437 settled leave 101 in progress, not the 100 the document says.
    text = imported(tmp_path, "thach-quy-q3-2024", ("tiếp nhận là 537 hồ sơ", "tiếp nhận là 538 hồ sơ"))
    assert "ho_so:" not in text and "cau_mau: ho_so" not in text
    assert ('  # câu "Kết quả giải quyết thủ tục hành chính: từ ngày 15/06/2024 đế…" giống câu chuẩn ho_so nhưng mẫu '
            "viết lại không khớp từng chữ: giữ nguyên như văn bản, số liệu không đưa vào so_lieu\n") in text
    assert "tổng số hồ sơ thủ tục hành chính tiếp\n      nhận là 538 hồ sơ" in text


def refused(path: Path) -> str:
    """What `docgen nhap PATH` says when it refuses the file (exit 1, nothing written)."""
    result = run_cli("nhap", path)
    assert result.exit_code == 1
    return result.output


def test_not_a_word_file(tmp_path):
    text = tmp_path / "bao-cao.txt"
    text.write_text("BÁO CÁO", encoding="utf-8")
    assert refused(text) == (f"Lỗi: {text}: docgen nhap đọc tệp Word .docx (và .doc, .odt, .rtf khi có LibreOffice); "
                             "tệp .pdf quét không được hỗ trợ\n")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) converts .odt and .doc to .docx")
@pytest.mark.parametrize("suffix", ["odt", "doc"])
def test_an_odt_or_doc_report_is_read_through_libreoffice(tmp_path, suffix):
    docx = tmp_path / "bao-cao.docx"
    assert run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", docx).exit_code == 0
    converted = subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                                "--convert-to", suffix, "--outdir", str(tmp_path), str(docx)], capture_output=True,
                               timeout=180)
    assert converted.returncode == 0, converted.stdout
    result = run_cli("nhap", tmp_path / f"bao-cao.{suffix}", "-o", tmp_path / "du-lieu.yaml", "--kiem-tra")
    assert result.exit_code == 0, result.output
    assert ("Kiểm tra: sinh lại từ tệp dữ liệu được 94/94 đoạn của văn bản gốc đúng từng chữ (100,0%), 12/12 chú "
            "thích.") in result.output


def test_an_odt_report_without_libreoffice_says_what_to_do(tmp_path, monkeypatch):
    odt = tmp_path / "bao-cao.odt"
    odt.write_bytes(b"PK not really")
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "khong-co"))
    assert refused(odt) == (f"Lỗi: {odt}: đọc tệp .odt cần LibreOffice (để chuyển sang .docx) mà máy chưa có; mở tệp "
                            "bằng Word hoặc LibreOffice và lưu thành .docx rồi chạy lại, hoặc cài LibreOffice "
                            "(https://www.libreoffice.org/download/)\n")


def test_corrupt_word_file(tmp_path):
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert refused(broken) == (f"Lỗi: {broken}: không phải tệp Word (.docx) đọc được (tệp hỏng, đặt mật khẩu hoặc "
                             "định dạng khác; tệp .pdf quét không được hỗ trợ)\n")


def test_word_file_that_is_not_a_report(tmp_path):
    letter = tmp_path / "thu.docx"
    document = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Kính gửi anh Nam</w:t></w:r></w:p></w:body>'
                '</w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                         '</Relationships>')
        archive.writestr("word/document.xml", document)
    letter.write_bytes(buffer.getvalue())
    assert refused(letter) == (f"Lỗi: {letter}: không phải báo cáo theo Nghị định 30/2020/NĐ-CP: không thấy bảng phần "
                             "đầu văn bản (tên cơ quan bên trái, Quốc hiệu bên phải)\n")


def test_unknown_template(tmp_path):
    original = tmp_path / "goc.docx"
    run_cli("render", EXAMPLES / "thach-quy-q3-2024.yaml", "-o", original)
    result = run_cli("nhap", original, "-t", "khong-co")
    assert result.exit_code == 1
    assert result.output.startswith("Lỗi: không có mẫu 'khong-co'; các mẫu hiện có: ")
