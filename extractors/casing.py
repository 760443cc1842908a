"""Normal case for names printed in capitals (issuer lines, signer titles).

Vietnamese capitalises the head of an organisation's name and the first word of each of its
function components ("Sở Nông nghiệp và Môi trường", "Sở Văn hóa, Thể thao và Du lịch"), a place
name in full ("tỉnh Lào Cai"), and fixed words such as "Đảng" or "Tỉnh ủy"; "Ủy ban nhân dân"
and "Hội đồng nhân dân" keep "nhân dân" in lower case. The word lists live in
``extractors/data/casing.json``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from pipeline import regex_cache
from pipeline.normalize import normalize_text, strip_accents


@cache
def _data() -> dict[str, list[str]]:
    raw: dict[str, list[str]] = json.loads(
        resources.files("extractors").joinpath("data/casing.json").read_text("utf-8")
    )
    return raw


def titles() -> list[str]:
    """Chức vụ as written in normal case ("Phó Chủ tịch", "Trưởng phòng"), from ``data/casing.json``."""
    return _data()["titles"]


def unspeck(line: str) -> str:
    """``line`` without a speck a text layer or OCR left at its end ("PHÓ THỦ TƯỚNGy]", "SỞ NỘI VỤ te"), when what
    comes before it is in capitals (a title, an issuer's line): up to three lower-case letters or marks."""
    k = len(line)
    while k > 0 and len(line) - k < 3 and (line[k - 1].islower() or not line[k - 1].isalnum()):
        k -= 1
    head = line[:k].rstrip()
    return head if k < len(line) and len(head) >= 4 and _is_caps(head) and not _is_caps(line) else line


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def phrases() -> list[str]:
    """Fixed spellings inside names ("Ủy ban nhân dân", "Ban Thường vụ"), from ``data/casing.json``."""
    return _data()["phrases"]


def surnames() -> list[str]:
    """The common family names ("Nguyễn", "Trần", "Lê"), from ``data/casing.json``, for mending OCR's reading of a
    signer's name."""
    return _data()["surnames"]


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _phrase_sub(text: str, phrases: list[str]) -> str:
    for phrase in sorted(phrases, key=len, reverse=True):
        low = phrase.lower()
        # most of the list is not in a given name: a substring test spares its escaping and regex look-up
        if low in text:
            text = regex_cache.compile(rf"(?<!\w){re.escape(low)}(?!\w)").sub(phrase, text)
    return text


def _cap_level(head: str) -> str:
    """ "Trường tiểu học" → "Trường Tiểu học": a school's level is written with its first letter capital."""
    first, _, level = head.partition(" ")
    return f"{first} {level[:1].upper()}{level[1:]}"


def _unit(word: str) -> str:
    """An administrative unit's word as written inside a name: "tỉnh", "thành phố", and "TP." ("TP. Hồ Chí Minh")."""
    return "TP." if word.lower() == "tp." else word.lower()


_VOWELS = frozenset("AEIOUY")


def _no_vowel(word: str) -> bool:
    """A word of two or more letters, none of them a vowel: an abbreviation ("GSQL", "XNK", "ĐT")."""
    letters = [c for c in strip_accents(word).upper() if c.isalpha()]
    return len(letters) >= 2 and not _VOWELS.intersection(letters)


def normal_case(text: str) -> str:
    """Capitals → normal case for an agency name.

    >>> normal_case("ỦY BAN NHÂN DÂN TỈNH LÀO CAI")
    'Ủy ban nhân dân tỉnh Lào Cai'
    >>> normal_case("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
    'Sở Nông nghiệp và Môi trường'
    """
    s = re.sub(r"\s+", " ", normalize_text(text).strip())
    if s != s.upper():
        return s  # already in normal case: keep as printed
    data = _data()
    abbreviations = set(data["abbreviations"])
    # abbreviations stay as printed ("UBND TỈNH NINH BÌNH" → "UBND tỉnh Ninh Bình"), the listed ones and any
    # word without a vowel, which no Vietnamese syllable is ("CỤC GSQL VỀ HẢI QUAN" → "Cục GSQL về hải quan")
    low = " ".join(w if w in abbreviations or _no_vowel(w) else w.lower() for w in s.split(" "))
    # fixed phrases first ("ủy ban nhân dân", "ban thường vụ", "tỉnh ủy", ...)
    low = _phrase_sub(low, data["phrases"])
    # organisation heads and the first word of each function component after them
    heads = sorted(data["heads"], key=len, reverse=True)
    head_re = "|".join(re.escape(h.lower()) for h in heads)
    low = re.sub(rf"^({head_re})\b", lambda m: _cap(m.group(1)), low)

    def cap_after(m: re.Match[str]) -> str:
        return m.group(1) + _cap(m.group(2))

    # "Sở nông nghiệp và môi trường" → "Sở Nông nghiệp và Môi trường"
    first_word_after_head = rf"^((?:{'|'.join(re.escape(h) for h in heads)}) )(\w+)"
    if not re.match(r"^(Ủy ban nhân dân|Hội đồng nhân dân)", low):
        low = re.sub(first_word_after_head, cap_after, low)
        low = re.sub(r"((?:,| và| &) )(\w+)", cap_after, low)  # "Giáo dục & Đào tạo" too
    # place names: everything after "tỉnh", "thành phố", "xã", "phường", "đặc khu" is a proper name
    # (the unit word may have been capitalised as the first word after a head: "Đảng bộ Tỉnh bình an" →
    # "Đảng bộ tỉnh Bình An"; "Tỉnh ủy" is a fixed phrase, not a unit)
    low = re.sub(
        r"(?<=\w )(tỉnh|thành phố|tp\.|xã(?! hội)|phường|đặc khu|huyện|quận|thị xã)(?! ủy)( .+)$",
        lambda m: _unit(m.group(1)) + " ".join(_cap(w) for w in m.group(2).split(" ")),
        low,
        flags=re.IGNORECASE,
    )
    # a school's or an education office's own name after its level: "Trường TH Diễn Thành", "Trường Mầm non Hoa
    # Ban", "Phòng GD&ĐT Diễn Châu" (no unit word such as "xã" stands before it)
    low = re.sub(
        r"^((?:Trường|Phòng) (?:TH|THCS|THPT|tiểu học|trung học cơ sở|trung học phổ thông|mầm non|mẫu giáo"
        r"|GD ?& ?ĐT|GDĐT|Giáo dục và Đào tạo|Giáo dục & Đào tạo)(?: chuyên)?)"
        r"( (?!(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường)\b).+)$",
        lambda m: _cap_level(m.group(1)) + " ".join(_cap(w) for w in m.group(2).split(" ")),
        low,
        flags=re.IGNORECASE,
    )
    # a Party committee's place: "Tỉnh ủy Lào Cai"
    low = re.sub(
        r"\b(Tỉnh ủy|Thành ủy|Huyện ủy)( .+)$",
        lambda m: m.group(1) + " ".join(_cap(w) for w in m.group(2).split(" ")),
        low,
    )
    low = _phrase_sub(low, data["proper"])
    return _cap(low)


def title_case(text: str) -> str:
    """A signer's title in normal case: "PHÓ CHỦ TỊCH" → "Phó Chủ tịch", "CHÁNH VĂN PHÒNG" →
    "Chánh Văn phòng"."""
    s = re.sub(r"\s+", " ", normalize_text(text).strip())
    if s != s.upper():
        return s
    low = _phrase_sub(s.lower(), _data()["titles"] + _data()["phrases"] + _data()["proper"])
    return _cap(low)
