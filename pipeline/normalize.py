"""Text normalization shared by every reader: one spelling for one word.

* Unicode NFC (Word and PDFs often carry decomposed "ủ" = "u" + U+0309 + U+0306 ...);
* tone marks in the modern placement: "Uỷ" → "Ủy", "hoà" → "hòa" (the scorer and the
  gazetteer compare on this form);
* non-breaking, thin and zero-width spaces → plain space or nothing;
* Latin "Ð"/"ð" (eth, emitted by legacy fonts and OCR) → "Đ"/"đ".
"""

from __future__ import annotations

import re
import unicodedata

from pipeline import regex_cache

# "hoà", "Uỷ" (mark on the second vowel of a final oa/oe/uy) → "hòa", "Ủy", the placement the
# contract asks for; "quý" keeps its mark (qu is a consonant), "hoàng" is not final.
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
# the second vowel must carry the tone alone and end the syllable: a letter or another
# combining mark after it ("hoặc" = o + a + dot below + breve + c) means it is not a final oa/uy
_END = r"(?![^\W\d_]|[\u0300-\u036f])"
_OLD_TONE = regex_cache.compile(
    r"([oO])([aAeE])([" + _TONES + r"])" + _END + r"|(?<![qQ])([uU])([yY])([" + _TONES + r"])" + _END
)
# the same syllables as NFC text spells them, "oà", "Uỷ": a vowel, then the second vowel and its tone in one
# character. Text already in NFC that holds none has nothing to move (most lines of a modern document), so it
# is not decomposed and recomposed for nothing
_OLD_TONE_NFC = regex_cache.compile(
    "[oO]["
    + "".join(unicodedata.normalize("NFC", v + t) for v in "aAeE" for t in _TONES)
    + "]|[uU]["
    + "".join(unicodedata.normalize("NFC", v + t) for v in "yY" for t in _TONES)
    + "]"
)
_SPACES = regex_cache.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_ZERO_WIDTH = regex_cache.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


def _move_tone(m: re.Match[str]) -> str:
    first, second, tone = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    return first + tone + second


def normalize_text(text: str) -> str:
    """Normalize ``text`` to NFC with modern tone placement and plain spaces.

    >>> normalize_text("Uỷ ban nhân dân") == "Ủy ban nhân dân"
    True
    >>> normalize_text("CỘNG HOÀ") == "CỘNG HÒA"
    True
    """
    if "\u00d0" in text or "\u00f0" in text:  # str.translate looks up every character: 0.2 us each
        text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    if unicodedata.is_normalized("NFC", text) and not _OLD_TONE_NFC.search(text):
        return text
    # decompose so the tone is a separate combining mark we can move, then recompose
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_TONE.sub(_move_tone, decomposed)
    return unicodedata.normalize("NFC", moved)


def fold(text: str) -> str:
    """A comparison key: normalized, lower case, single spaces, no trailing punctuation."""
    s = normalize_text(text).lower()
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"[\s;,.:]+$", "", s)


def _bare_table() -> dict[int, str]:
    """Each precomposed Latin letter with marks (À to ỹ, Đ) → its letter, each combining mark → nothing."""
    table: dict[int, str] = {ord("Đ"): "D", ord("đ"): "d"}
    for code in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base:
            table[code] = base
    for code in range(0x0300, 0x0370):
        table[code] = ""
    return table


_BARE = _bare_table()


def strip_accents(text: str) -> str:
    """Vietnamese without diacritics ("Đ" → "D"), for fuzzy keys: one table lookup per character (this runs on
    every line of every document).

    >>> strip_accents("Đảng Cộng sản Việt Nam")
    'Dang Cong san Viet Nam'
    """
    return text.translate(_BARE)


# A text that ends inside a code or a range broken at its hyphen: "1874/QĐ-", "2021-"
_GLUED_HYPHEN = regex_cache.compile(r"\w-$")


def ends_in_glued_hyphen(text: str) -> bool:
    """Does ``text`` end inside a code or a range broken at its hyphen ("1874/QĐ-" / "UBND")? Vietnamese
    words are never hyphenated, codes and ranges are. Only the tail is searched: the line joiners ask it
    of the text joined so far, once for every line they add.

    >>> ends_in_glued_hyphen("Quyết định số 1874/QĐ-"), ends_in_glued_hyphen("Sở Lao động -")
    (True, False)
    """
    return _GLUED_HYPHEN.search(text, len(text) - 3) is not None


def sentence_case(text: str) -> str:
    """Normal case for an all-capitals line: "KẾ HOẠCH" → "Kế hoạch", "PHÓ CHỦ TỊCH" → "Phó Chủ tịch" is
    not derivable in general, so this only lowers everything after the first letter; callers that
    know proper nouns (``extractors.names``) fix those up."""
    s = text.strip()
    return s[:1].upper() + s[1:].lower() if s else s
