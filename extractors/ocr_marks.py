"""OCR's slips of a mark, mended by phrase: "Sửa đối, bỗ sung" → "Sửa đổi, bổ sung".

Tesseract reads the letters of a scanned page well and their tone and vowel marks less well: it
takes a hook for an acute ("đối" for "đổi"), a tilde for a hook ("bỗ" for "bổ"). Administrative
Vietnamese repeats a few hundred phrases whose letters, without marks, have one reading only
("bo sung" is "bổ sung" and nothing else such documents print). On text read by OCR, a run of words
that spells one of those phrases without marks takes the phrase's marks, letter by letter, keeping the
case OCR read ("SỬA ĐỐI" → "SỬA ĐỔI"). Nothing else changes: a word outside the phrases, or a phrase
whose letters differ (not only its marks), is left as read.

The phrases, each beside a slip OCR made of it, are ``data/ocr_marks.json``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from pipeline import regex_cache
from pipeline.normalize import normalize_text, strip_accents


@cache
def phrases() -> list[tuple[str, str]]:
    """(phrase, a slip OCR made of it), from ``data/ocr_marks.json``."""
    raw = json.loads(resources.files("extractors").joinpath("data/ocr_marks.json").read_text("utf-8"))
    return [(normalize_text(p), normalize_text(slip)) for p, slip in raw["phrases"]]


def _key(text: str) -> str:
    return strip_accents(text).lower()


@cache
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every phrase's unmarked letters (longest first), and the phrase of each."""
    by_key: dict[str, str] = {}
    for phrase, _ in phrases():
        by_key.setdefault(_key(phrase), phrase)
    keys = sorted(by_key, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k in keys)
    return regex_cache.compile(rf"(?<!\w)(?:{alternation})(?!\w)"), by_key


def _marked_like(read: str, phrase: str) -> str:
    """``phrase``'s letters in ``read``'s case, ``read``'s spacing kept (the two match without marks)."""
    words = iter(phrase.split())
    out = []
    for piece in re.split(r"(\s+)", read):
        if not piece or piece.isspace():
            out.append(piece)
            continue
        right = next(words)
        out.append("".join(r.upper() if c.isupper() else r.lower() for c, r in zip(piece, right, strict=True)))
    return "".join(out)


def mend(text: str) -> str:
    """``text`` (read by OCR) with the marks of the phrases it spells without them.

    >>> mend("Sửa đối, bỗ sung một số điều của các Thông tư quy định về đăng ký, kiếm định phương tiện")
    'Sửa đổi, bổ sung một số điều của các Thông tư quy định về đăng ký, kiểm định phương tiện'
    >>> mend("TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG THÀNH PHÓ HỒ CHÍ MINH")
    'TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG THÀNH PHỐ HỒ CHÍ MINH'
    """
    key = _key(text)
    if len(key) != len(text):
        return text  # a character that does not strip one-to-one: positions would not line up
    pattern, by_key = _table()
    out: list[str] = []
    last = 0
    for m in pattern.finditer(key):
        read = text[m.start() : m.end()]
        phrase = by_key[" ".join(m.group().split())]
        out.append(text[last : m.start()])
        out.append(_marked_like(read, phrase))
        last = m.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)
