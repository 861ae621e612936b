"""Vietnam's provinces and centrally governed cities, to tell a misspelt `tinh` from one docgen has no templates of.

A unit's `tinh` (or `--tinh`) picks its province's template folder; a province without one uses the national
base, as it should. A name that is no province at all ("Ha Tinhh") would do the same without a word, and the
clerk would never learn that the province's layout was left out: that is what this list is for.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The 63 provinces and cities before the 2025 merger (reports of 2024 and early 2025 name them), and the one
# name the merger made new ("Huế", the city that was Thừa Thiên Huế); the 34 units after it keep names from this
# list.
NAMES = (
    "An Giang", "Bà Rịa – Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hồ Chí Minh", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang",
    "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Huế",
)
# How a name may start: "Tỉnh Quảng Ninh", "Thành phố Hà Nội", "TP. Hồ Chí Minh".
_PREFIX = re.compile(r"^(tinh|thanh-pho|tp)-")


def province_slug(name: str) -> str:
    """'Quảng Ninh' → 'quang-ninh', the folder name of a province's templates."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def folder_name(name: str) -> str:
    """The folder of a province's templates: its name's slug without "Tỉnh" / "Thành phố" / "TP." in front
    ("Tỉnh Quảng Ninh" → 'quang-ninh')."""
    return _PREFIX.sub("", province_slug(name))


_BY_SLUG = {folder_name(name): name for name in NAMES}


def is_province(name: str) -> bool:
    """Whether `name` is a province or centrally governed city, written with or without its diacritics and its
    "Tỉnh" / "Thành phố" / "TP." ("Quang Ninh", "thành phố Hà Nội")."""
    return folder_name(name) in _BY_SLUG


@lru_cache(maxsize=64)  # a tổng hợp asks it for each of its communes, all of one province
def closest(name: str) -> str | None:
    """The province whose name `name` most likely misspells ("Ha Tinhh" → "Hà Tĩnh"), or None."""
    import difflib

    found = difflib.get_close_matches(folder_name(name), list(_BY_SLUG), n=1, cutoff=0.75)
    return _BY_SLUG[found[0]] if found else None


def misspelling_of(name: str) -> str | None:
    """The province `name` misspells, when it is none itself ("Ha Tinhh" → "Hà Tĩnh"); None for a province, and
    for a name like none (a made-up example's province is taken as meant)."""
    return None if is_province(name) else closest(name)
