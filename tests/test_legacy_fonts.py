"""TCVN3 and VNI text pasted into a data file: the conversion tables, and detection without false alarms."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import EXAMPLES

from cchc_docgen.reading import legacy_fonts

LETTERS = ("aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ")
SEEDS = Path("/work/shared/seeds")


def test_vni_round_trips_every_vietnamese_letter_in_both_cases():
    for letters in (LETTERS, LETTERS.upper()):
        assert legacy_fonts.from_vni(legacy_fonts.to_vni(letters)) == letters
    assert all(legacy_fonts.to_vni(c) != c for c in LETTERS + LETTERS.upper() if not c.isascii() and c not in "ìíÌÍ")


def test_tcvn3_round_trips_every_lowercase_letter():
    # TCVN3 (.VnTime) has no capitals of toned letters (a capitals font, .VnTimeH, shows the lowercase bytes).
    assert legacy_fonts.from_tcvn3(legacy_fonts.to_tcvn3(LETTERS)) == LETTERS
    assert legacy_fonts.from_tcvn3(legacy_fonts.to_tcvn3("ĂÂÊÔƠƯĐ")) == "ĂÂÊÔƠƯĐ"


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv")
def test_tcvn3_table_is_glibc_s_tcvn5712_1():
    codes = bytes(c for c in range(0xA1, 0x100) if not 0xB0 <= c <= 0xB4)
    done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=codes, capture_output=True)
    if done.returncode:
        pytest.skip("iconv has no TCVN5712-1")
    expected = unicodedata.normalize("NFC", done.stdout.decode())
    assert legacy_fonts.from_tcvn3(codes.decode("latin-1")) == expected


@pytest.mark.parametrize("text, encoding, unicode", [
    ("Uû ban nh©n d©n", "TCVN3", "Uỷ ban nhân dân"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "TCVN3", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "TCVN3", "Độc lập - Tự do - Hạnh phúc"),
    ("Phã Chñ tÞch", "TCVN3", "Phó Chủ tịch"),
    ("UÛy ban nhaân daân", "VNI", "Ủy ban nhân dân"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "VNI", "Độc lập - Tự do - Hạnh phúc"),
    ("Nguyeãn Vaên An", "VNI", "Nguyễn Văn An"),
])
def test_legacy_text_is_detected_and_converted(text, encoding, unicode):
    assert legacy_fonts.detect(text) == (encoding, unicode)


@pytest.mark.parametrize("text", ["Phó Chủ tịch", "Ông Bá", "Müller", "Señor Ñandú", "© 2024 Microsoft®", "30°C",
                                  "3×4", "Hà Nội", "UBND", ""])
def test_real_text_is_not_flagged(text):
    assert legacy_fonts.detect(text) is None


def test_no_example_or_seed_report_is_flagged():
    files = sorted(EXAMPLES.glob("*.yaml")) + (sorted(SEEDS.glob("*")) if SEEDS.is_dir() else [])
    assert files
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            for piece in [line, *line.split(":")]:
                assert legacy_fonts.detect(piece.strip()) is None, (path.name, piece)
