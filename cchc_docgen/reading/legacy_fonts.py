"""Vietnamese text typed with the pre-Unicode font encodings TCVN3 (ABC, ".VnTime") and VNI ("VNI-Times"), pasted
into a data file as if it were Unicode: "Uû ban nh©n d©n" (TCVN3) or "UÛy ban nhaân daân" (VNI) for "Uỷ ban nhân
dân". Such text prints as gibberish in the report; `detect` recognises it and `convert` turns it into Unicode.

Both encodings put Vietnamese letters on the byte values 0xA1–0xFF, which a copy from a document in those fonts
delivers as the Latin-1 characters of the same numbers. TCVN3 gives each toned letter one byte; VNI writes an
ASCII vowel followed by one byte for its marks (and has single bytes for đ, ư, ơ and the toned i, y).
"""

from __future__ import annotations

import re
import sys
import unicodedata

# TCVN 5712:1993 (VN3, the ABC fonts) byte → letter, the lowercase set and the uppercase letters it has (the
# capitals of toned letters are typed as lowercase in a capitals font, .VnTimeH). 0xB0–0xB4 (combining tones,
# printed as "°±²³´") are left out: they are no letter, and "30°" is common in real text.
TCVN3 = dict(zip(
    "¡¢£¤¥¦§¨©ª«¬\xad®"
    "µ¶·¸¹" "»¼½¾Æ" "ÇÈÉÊË" "ÌÎÏÐÑ" "ÒÓÔÕÖ" "×ØÜÝÞ" "ßáâãä" "åæçèé" "êëìíî" "ïñòóô" "õö÷øù" "úûüýþ"
    "¯º¿ÀÁÂÃÄÅÍÙÚÛàðÿ",
    "ĂÂÊÔƠƯĐăâêôơưđ"
    "àảãáạ" "ằẳẵắặ" "ầẩẫấậ" "èẻẽéẹ" "ềểễếệ" "ìỉĩíị" "òỏõóọ" "ồổỗốộ" "ờởỡớợ" "ùủũúụ" "ừửữứự" "ỳỷỹýỵ"
    "ẰẲẴẮẦẨẪẤỀỂỄẾỒỔỖỐ",
    strict=True))

# VNI-Windows. Letters of one byte: đ, ư, ơ, the toned i and ỵ.
_VNI_SINGLE = dict(zip("ñÑöÖôÔìíæóòÌÍÆÓÒîÎ", "đĐưƯơƠìíỉĩịÌÍỈĨỊỵỴ", strict=True))
# The other letters: a vowel (a, e, o, u, y, or ư, ơ above) followed by one byte for its marks, lowercase after a
# small letter and capital after a capital; the byte of a circumflex or a breve also carries the tone.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_MARKS = {
    "ùÙ": _ACUTE, "øØ": _GRAVE, "ûÛ": _HOOK, "õÕ": _TILDE, "ïÏ": _DOT,
    "âÂ": _CIRCUMFLEX, "áÁ": _CIRCUMFLEX + _ACUTE, "àÀ": _CIRCUMFLEX + _GRAVE, "åÅ": _CIRCUMFLEX + _HOOK,
    "ãÃ": _CIRCUMFLEX + _TILDE, "äÄ": _CIRCUMFLEX + _DOT,
    "êÊ": _BREVE, "éÉ": _BREVE + _ACUTE, "èÈ": _BREVE + _GRAVE, "úÚ": _BREVE + _HOOK, "üÜ": _BREVE + _TILDE,
    "ëË": _BREVE + _DOT,
}


def _vni_letters() -> dict[str, str]:
    """Unicode letter → its VNI spelling, for every Vietnamese letter VNI writes as vowel + mark byte."""
    letters = {}
    single_byte_of = {letter: byte for byte, letter in _VNI_SINGLE.items()}
    for base in "aeouyAEOUYưƯơƠ":
        for (small, capital), marks in _VNI_MARKS.items():
            if (marks[0] == _CIRCUMFLEX and base not in "aeoAEO") or (marks[0] == _BREVE and base not in "aA"):
                continue
            letter = unicodedata.normalize("NFC", base + marks)
            if len(letter) == 1 and letter not in single_byte_of:
                letters[letter] = single_byte_of.get(base, base) + (capital if base.isupper() else small)
    return letters


VNI = {**{letter: byte for byte, letter in _VNI_SINGLE.items()}, **_vni_letters()}
# Reading VNI: the longest spelling first ("ôù" is ớ, "ô" alone ơ). A capital vowel takes the capital mark byte:
# "Uû" is no VNI (it is TCVN3's "Uỷ").
_FROM_VNI = {spelled: letter for letter, spelled in VNI.items()}
_VNI_SPELLING = re.compile("|".join(map(re.escape, sorted(_FROM_VNI, key=len, reverse=True))))

# Latin-1 letters that are Vietnamese letters too: in Unicode Vietnamese text these are ordinary.
VIETNAMESE_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
# Characters of a legacy-font text that Vietnamese Unicode text does not hold: the bytes of the two encodings that
# are no Vietnamese letter in Latin-1.
_FOREIGN = (set(TCVN3) | set("".join(_VNI_SINGLE)) | set("".join(_VNI_MARKS))) - VIETNAMESE_LATIN1 - set("×÷")
MARKERS = re.compile(f"[{''.join(sorted(_FOREIGN))}]")


# Vowel pairs VNI writes ("aâ" for â, "eã" for ễ) that Vietnamese Unicode text never holds ("oá", "uâ" it does).
VNI_ONLY_PAIR = re.compile("[aeAE][âáàãêéèÂÁÀÃÊÉÈ]|[oO][âêÂÊ]")
# Whether a whole file may hold such text, on its UTF-8 bytes before anything is decoded: a legacy-only character
# or a VNI-only pair anywhere.
# CPython keeps a text whose characters are all in Latin-1 (but not all ASCII) one byte per character, and says so
# in its size: a text of n characters takes LATIN1_BASE + n bytes, which no ASCII text (a smaller header) nor wider
# text (two or four bytes per character) does. Checking that size costs nothing, where looking at every character
# of every text of a clean file cost a render milliseconds; legacy text is Latin-1 only, real Vietnamese never.
LATIN1_BASE = sys.getsizeof("\xe9") - 1


def latin1_only(text: str) -> bool:
    """Whether `text` has a non-ASCII character and all its characters are within Latin-1 (U+0000–U+00FF)."""
    return sys.getsizeof(text) == LATIN1_BASE + len(text)


def from_tcvn3(text: str) -> str:
    return "".join(TCVN3.get(char, char) for char in text)


def from_vni(text: str) -> str:
    return _VNI_SPELLING.sub(lambda match: _FROM_VNI[match.group()], text)


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 (the inverse of from_tcvn3, for tests)."""
    reverse = {letter: byte for byte, letter in TCVN3.items()}
    return "".join(reverse.get(char, char) for char in text)


def to_vni(text: str) -> str:
    """Unicode → VNI (the inverse of from_vni, for tests)."""
    return "".join(VNI.get(char, char) for char in text)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# The vowel groups of Vietnamese syllables (toneless), longest first.
_NUCLEI = sorted("a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy "
                 "ưa ưi ưu ươ yê iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu".split(), key=len, reverse=True)
_SYLLABLE = re.compile("(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?(?:" + "|".join(_NUCLEI) + ")"
                       "(?:ch|ng|nh|[cmnpt])?")


def _plausible(word: str) -> bool:
    """Whether a word reads as one Vietnamese syllable: onset, one to three vowels, coda, at most one tone."""
    parts = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in parts if c in _TONES)
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    return tones <= 1 and _SYLLABLE.fullmatch(bare) is not None


_WORD = re.compile(r"[^\W\d_]+")


def _score(text: str) -> int:
    """Syllables that read as Vietnamese minus those that do not, among the words with a non-ASCII letter."""
    score = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            score += 1 if _plausible(word) else -1
    return score


def detect(text: str) -> tuple[str, str] | None:
    """(encoding name, the text in Unicode) when `text` looks like TCVN3 or VNI pasted as Latin-1; None for real
    Unicode text. Only text entirely within Latin-1 with a legacy-only character next to a letter is tried; it is
    converted both ways, and a conversion counts only when it leaves no legacy-only character and reads as
    Vietnamese syllables better than the text as it is."""
    if not latin1_only(text):
        return None
    if not any((m.start() > 0 and text[m.start() - 1].isalpha()) or (m.end() < len(text) and text[m.end()].isalpha())
               for m in MARKERS.finditer(text)) and not VNI_ONLY_PAIR.search(text):
        return None
    best = None
    for name, convert in (("TCVN3", from_tcvn3), ("VNI", from_vni)):
        converted = convert(text)
        if MARKERS.search(converted):
            continue
        score = _score(converted)
        # On a tie the shorter result wins: VNI's two-byte letters merged, which TCVN3 text never has.
        rank = (score, -len(converted))
        if score > 0 and score > _score(text) and (best is None or rank > best[0]):
            best = (rank, name, converted)
    return (best[1], best[2]) if best else None
