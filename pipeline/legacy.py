"""Legacy 8-bit Vietnamese fonts (phông chữ cũ) → Unicode.

Before Unicode, Vietnamese offices typed with fonts that put Vietnamese letters in the
Latin-1 code points of an ordinary 8-bit font. The file stores those code points, so any
reader gets Latin-1 gibberish:

* **TCVN3 / ABC** (TCVN 5712:1993 VN3; fonts ".VnTime", ".VnArial", ...): one byte per
  letter, "Uû ban nh©n d©n tØnh" is "Uỷ ban nhân dân tỉnh". Only lower-case toned letters
  and seven bare capitals (Ă Â Ê Ô Ơ Ư Đ) exist, so capitals are typed in the "H" fonts
  (".VnTimeH"): the same byte values drawn as capitals ("uû ban" shows "ỦY BAN").
* **VNI-Windows** (fonts "VNI-Times", "VNI-Helve", ...): a base letter followed by a mark
  byte, "UÛy ban nhaân daân tænh" is "Ủy ban nhân dân tỉnh"; "ñ" is "đ", "ô"/"ö" are "ơ"/"ư".

Readers call :func:`encoding_for_font` on a run's or a character's font name when they have
one, and :func:`detect` on the text when the font names are lost (plain text, PDFs whose
producer renamed the fonts). Conversion runs before :func:`pipeline.normalize.normalize_text`,
because normalization drops U+00AD, which is TCVN3's "ư".

The tables are data (below): TCVN3 as glibc's TCVN5712-1 converter reads the VN3 subset, VNI
as the xvnkb keyboard's table lists it. ``tests/test_legacy.py`` checks the first against
``iconv`` and the second, letter by letter, against a rule-based VNI encoder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

from pipeline import regex_cache

Encoding = Literal["tcvn3", "tcvn3_caps", "vni"]

# The name a clerk knows the encoding by, for warnings.
LABELS: dict[Encoding, str] = {"tcvn3": "TCVN3", "tcvn3_caps": "TCVN3", "vni": "VNI"}

# ---------------------------------------------------------------------------------------------
# TCVN3 (ABC): one code point per letter. Rows are a vowel and its five tones in the order
# bare, huyền, sắc, hỏi, ngã, nặng (as the rows of the standard list them).
# ---------------------------------------------------------------------------------------------
_TCVN3_ROWS: tuple[tuple[str, str], ...] = (
    ("µ¸¶·¹", "àáảãạ"),
    ("¨»¾¼½Æ", "ăằắẳẵặ"),
    ("©ÇÊÈÉË", "âầấẩẫậ"),
    ("®", "đ"),
    ("ÌÐÎÏÑ", "èéẻẽẹ"),
    ("ªÒÕÓÔÖ", "êềếểễệ"),
    ("×ÝØÜÞ", "ìíỉĩị"),
    ("ßãáâä", "òóỏõọ"),
    ("«åèæçé", "ôồốổỗộ"),
    ("¬êíëìî", "ơờớởỡợ"),
    ("ïóñòô", "ùúủũụ"),
    ("\u00adõøö÷ù", "ưừứửữự"),  # U+00AD (soft hyphen) is "ư"
    ("úýûüþ", "ỳýỷỹỵ"),
    ("¡¢£¤¥¦§", "ĂÂÊÔƠƯĐ"),
)
TCVN3: dict[str, str] = {legacy: uni for row in _TCVN3_ROWS for legacy, uni in zip(*row, strict=True)}

# ---------------------------------------------------------------------------------------------
# VNI-Windows: base letter + mark. Marks come in a lower-case and an upper-case form (the font
# draws them over the matching base), e.g. "aù" = "á", "AÙ" = "Á".
# ---------------------------------------------------------------------------------------------
_SAC, _HUYEN, _HOI, _NGA, _NANG = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
# mark byte (lower, upper) → combining marks it adds to the base
_VNI_TONES = {("ù", "Ù"): _SAC, ("ø", "Ø"): _HUYEN, ("û", "Û"): _HOI, ("õ", "Õ"): _NGA, ("ï", "Ï"): _NANG}
_VNI_HATS = {
    ("â", "Â"): "",
    ("á", "Á"): _SAC,
    ("à", "À"): _HUYEN,
    ("å", "Å"): _HOI,
    ("ã", "Ã"): _NGA,
    ("ä", "Ä"): _NANG,
}
_VNI_BREVES = {
    ("ê", "Ê"): "",
    ("é", "É"): _SAC,
    ("è", "È"): _HUYEN,
    ("ú", "Ú"): _HOI,
    ("ü", "Ü"): _NGA,
    ("ë", "Ë"): _NANG,
}
# letters VNI stores as one byte of their own
_VNI_SINGLE = {
    "ô": "ơ",
    "Ô": "Ơ",
    "ö": "ư",
    "Ö": "Ư",
    "ñ": "đ",
    "Ñ": "Đ",
    "í": "í",
    "Í": "Í",
    "ì": "ì",
    "Ì": "Ì",
    "æ": "ỉ",
    "Æ": "Ỉ",
    "ó": "ĩ",
    "Ó": "Ĩ",
    "ò": "ị",
    "Ò": "Ị",
    "î": "ỵ",
    "Î": "Ỵ",
}


def _vni_table() -> dict[str, str]:
    table = dict(_VNI_SINGLE)

    def add(base: str, shown: str, marks: dict[tuple[str, str], str], extra: str = "") -> None:
        for pair, tone in marks.items():
            for mark in pair:  # either case of the mark: the base decides the letter's case
                table[base + mark] = unicodedata.normalize("NFC", shown + extra + tone)

    for base in "aeouyAEOUY":
        add(base, base, _VNI_TONES)
    for base, shown in (("ô", "o"), ("Ô", "O"), ("ö", "u"), ("Ö", "U")):  # ơ, ư take tones too
        add(base, shown, _VNI_TONES, _HORN)
    for base in "aeoAEO":
        add(base, base, _VNI_HATS, _CIRCUMFLEX)
    for base in "aA":
        add(base, base, _VNI_BREVES, _BREVE)
    # "yï" is not how VNI writes "ỵ" (it has its own byte "î"), but keyboards emit it: keep it
    return table


VNI: dict[str, str] = _vni_table()

_TCVN3_RE = regex_cache.compile("[" + re.escape("".join(TCVN3)) + "]")
# longest match first, so "aù" wins over nothing and "ôù" over "ô"
_VNI_RE = regex_cache.compile("|".join(re.escape(k) for k in sorted(VNI, key=len, reverse=True)))


def convert(text: str, encoding: Encoding) -> str:
    """``text`` typed in a legacy font, as Unicode (NFC; tone placement left as typed).

    >>> convert("Uû ban nh©n d©n tØnh", "tcvn3")
    'Uỷ ban nhân dân tỉnh'
    >>> convert("uû ban nh©n d©n", "tcvn3_caps")
    'UỶ BAN NHÂN DÂN'
    >>> convert("UÛy ban nhaân daân tænh", "vni")
    'Ủy ban nhân dân tỉnh'
    """
    if encoding == "vni":
        return _VNI_RE.sub(lambda m: VNI[m.group()], text)
    out = _TCVN3_RE.sub(lambda m: TCVN3[m.group()], text)
    if encoding == "tcvn3_caps":
        # the H fonts draw every letter as a capital; keep characters whose upper case is
        # longer than one ("ß" → "SS") as they are, so offsets into the text stay put
        out = "".join(c.upper() if len(c.upper()) == 1 else c for c in out)
    return out


# ---------------------------------------------------------------------------------------------
# Font names
# ---------------------------------------------------------------------------------------------

# "ABCDEF+.VnTime": the subset tag a PDF producer puts before an embedded font's name
_SUBSET_TAG = regex_cache.compile(r"^[A-Z]{6}\+")
# "VNI-Times-Bold", ".VnTimeH,BoldItalic", ".VnArial Narrow Italic": the style after the family
_STYLE_SUFFIX = regex_cache.compile(
    r"(?:[-, ]*(?:Bold|Italic|Oblique|Regular|Normal|Roman|MT|PS|BoldItalic|BoldOblique|It|Bd|BdIt))+$",
    re.IGNORECASE,
)
# ".VnTime", ".VnArialH", "VnTime" (a producer that dropped the dot), not "VNtimes" / "Vnexpress"
_TCVN3_FONT = regex_cache.compile(r"^(?:\.[Vv][Nn]|Vn(?=[A-Z]))")
# "VNI-Times", "VNI-Helve", "VNI Times", "VNI_Avo"
_VNI_FONT = regex_cache.compile(r"^VNI[-_ ]", re.IGNORECASE)


@cache
def encoding_for_font(fontname: str | None) -> Encoding | None:
    """The legacy encoding a font name implies, or None for a Unicode (or unknown) font.

    Cached: the PDF reader asks for every word, and a document uses a handful of fonts.

    >>> encoding_for_font("ABCDEF+.VnTimeH,Bold")
    'tcvn3_caps'
    >>> encoding_for_font("VNI-Times-Bold")
    'vni'
    >>> encoding_for_font("TimesNewRomanPS-BoldMT") is None
    True
    """
    if not fontname:
        return None
    name = _SUBSET_TAG.sub("", fontname.strip().replace("#2E", ".").replace("#20", " "))
    if _VNI_FONT.match(name):
        return "vni"
    if not _TCVN3_FONT.match(name):
        return None
    family = _STYLE_SUFFIX.sub("", name).rstrip()
    return "tcvn3_caps" if family.endswith("H") else "tcvn3"


# ---------------------------------------------------------------------------------------------
# Detection by content
# ---------------------------------------------------------------------------------------------

# Letters only Unicode Vietnamese has (no legacy font can produce them): ă đ ĩ ũ ơ ư and the
# precomposed toned letters U+1EA0-U+1EF9.
UNICODE_VIETNAMESE = regex_cache.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
# TCVN3 tells: its symbol-range letters ("nh©n", "®·", "tr\xadêng"), or a Latin-1 capital
# inside a lower-case word ("ViÖt", "tØnh", "lËp"), which no real spelling has.
#
# Both patterns open with the one class of every character a tell can hinge on, and check what
# stands before (or after) it by lookarounds: a pattern opening with a character class is scanned
# for that class by the regex engine's C loop, while an alternation of pairs is tried pair by pair
# at every character (detect() scans every PDF page: 140 µs a page for VNI, now 16 µs).
_TCVN3_TELL = regex_cache.compile(
    r"[¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾Æ-ÖØ-Þ×](?:(?<=[¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾])|(?<=[a-zß-öø-ÿ][Æ-ÖØ-Þ×]))"
)
# VNI tells, each a mark byte where no Western spelling puts that letter: a tone byte after a
# vowel ("aø", "uû", "öï"; not "où", "goût", "naïf", "aún", which French and Spanish spell), a
# circumflex byte after a/e/o ("aâ", "eá", "oä"; not "oà"/"oá": Unicode "hoà"/"toán"), a breve
# byte after "a" ("aê", "aé"), "ñ" opening a word ("ñoàng" = "đồng"), "ö" before "ô"/"u"
# ("ñöôïc" = "được", "Löu" = "Lưu"), "æ" ending "tænh"/"chæ" ("tỉnh", "chỉ").
_VNI_TELL = regex_cache.compile(
    r"[øõØÕùÙûÛïÏâáàåãäÂÁÀÅÃÄêéèüëÊÉÈÜËñÑæÆöÖ]"
    r"(?:(?<=[aeouyôöAEOUYÔÖ][øõØÕ])|(?<=[aeuyôöAEUYÔÖ][ùÙ])|(?<=[auyôöAUYÔÖ][ûÛ])|(?<=[eouyôöEOUYÔÖ][ïÏ])"
    r"|(?<=[aeAE][âáàåãäÂÁÀÅÃÄ])|(?<=[oO][âåäÂÅÄ])|(?<=[aA][êéèüëÊÉÈÜË])"
    r"|(?<=[ñÑ])(?<![^\W\d_].)(?=[a-zA-Zô-öÔ-Ö])|(?<=[öÖ])(?=[ôuÔU])|(?<=[tTnNhH][æÆ])(?:nh|NH)?\b)"
)
_EDGE_PUNCT = "\"'()[]{}<>,.;:!?“”‘’…-–—/"
MIN_TELLS = 3  # fewer telling words than this is too little to act on
MIN_SHARE = 0.2  # Vietnamese marks most syllables; a fifth is far above any Western text


def _words(text: str) -> list[str]:
    words = (w.strip(_EDGE_PUNCT) for w in text.split())
    return [w for w in words if len(w) >= 2]


def detect(text: str) -> Encoding | None:
    """The legacy encoding ``text`` was typed in, judged from its characters alone, or None.

    Fires only when at least :data:`MIN_TELLS` words, and at least :data:`MIN_SHARE` of all
    words, carry an encoding's tells, and the text has far fewer words with letters only
    Unicode Vietnamese has. TCVN3 is never reported as ``tcvn3_caps``: content cannot tell
    the capitals-only fonts apart.

    >>> detect("Céng hoµ x· héi chñ nghÜa ViÖt Nam")
    'tcvn3'
    >>> detect("Cộng hoà xã hội chủ nghĩa Việt Nam") is None
    True
    """
    # A tell inside a word is a tell in the whole text too (a word's edges are spaces or stripped
    # punctuation, never letters), so text with no tell at all, any Unicode or Western page, is
    # answered by two scans instead of three regex calls per word (a 200-page PDF: 0.4 s).
    if not _TCVN3_TELL.search(text) and not _VNI_TELL.search(text):
        return None
    words = _words(text)
    if not words:
        return None
    unicode_words = sum(1 for w in words if UNICODE_VIETNAMESE.search(w))
    scores: list[tuple[int, Encoding]] = [
        (sum(1 for w in words if _TCVN3_TELL.search(w)), "tcvn3"),
        (sum(1 for w in words if _VNI_TELL.search(w)), "vni"),
    ]
    tells, encoding = max(scores)
    if tells < MIN_TELLS or tells < MIN_SHARE * len(words) or unicode_words * 2 > tells:
        return None
    return encoding


def convert_unless_unicode(text: str, encoding: Encoding) -> str:
    """Convert ``text`` line by line, leaving lines that are already Unicode Vietnamese alone
    (a document can mix a retyped Unicode header with a legacy body)."""
    return "\n".join(line if UNICODE_VIETNAMESE.search(line) else convert(line, encoding) for line in text.split("\n"))


def fix_text(text: str) -> tuple[str, Encoding | None]:
    """Detect a legacy encoding in ``text`` and convert it; (text unchanged, None) otherwise."""
    encoding = detect(text)
    if encoding is None:
        return text, None
    return convert_unless_unicode(text, encoding), encoding


# TCVN3 puts "ư" at 0xAD, the soft hyphen: PDF producers drop it (LibreOffice does) or PDF
# readers take it for a hyphen (WinAnsiEncoding names 0xAD "hyphen"). Three places where the
# loss is certain, because Vietnamese spelling has no such syllable otherwise:
# "ph-ờng" (a hyphen inside a lower-case word) → "phường"
_U_AS_HYPHEN = regex_cache.compile(r"(?<=[a-zđà-ỹ])-(?=[a-zđà-ỹ])")
# "phờng", "trớc", "hơu": ơ before -ng/-c/-u only ever follows ư ("phường", "trước", "hươu")
_U_BEFORE_O = regex_cache.compile(r"(?<=[bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX])([ơờớởỡợ])(?=(?:ng|c|u)\b)")
# "Nh", "thng": a syllable with no vowel lost its "ư" ("Như", "thưng")
_U_ONLY_VOWEL = regex_cache.compile(r"^([NTCKP]h|[nctkp]h|[Tt]r|[Nn]g)(ng|n)?$")


def restore_lost_u(word: str) -> str:
    """A TCVN3 word from a PDF with the "ư" its producer or reader lost put back where certain.

    >>> restore_lost_u("phờng"), restore_lost_u("ph-ờng"), restore_lost_u("Nh")
    ('phường', 'phường', 'Như')
    """
    word = _U_AS_HYPHEN.sub("ư", word)
    word = _U_BEFORE_O.sub(r"ư\1", word)
    return _U_ONLY_VOWEL.sub(r"\1ư\2", word)


_CASED = regex_cache.compile(r"[^\W\d_]")


def restore_caps(line: str) -> str:
    """A short all-lower-case line typed in a capitals-only TCVN3 font (".VnTimeH") whose name was
    lost, in capitals: official documents never start a header or signer line in lower case
    ("ủy ban nhân dân" → "ỦY BAN NHÂN DÂN"). Other lines come back unchanged."""
    letters = _CASED.findall(line)
    if not letters or any(c.isdigit() for c in line) or len(line.split()) > 20:
        return line
    if not all(c.islower() for c in letters):
        return line
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in line)


def fix_runs(texts: Sequence[str], fonts: Sequence[str | None]) -> tuple[list[str], set[Encoding]]:
    """Convert pieces of text (PDF words, Word runs) by their fonts.

    A piece whose font is a legacy font is converted by that font. When no piece names a legacy
    font (the producer dropped or replaced the names), the pieces are judged together by
    :func:`detect` and, if it fires, every piece that is not already Unicode Vietnamese is
    converted. Returns the pieces and the encodings that were applied.
    """
    used: set[Encoding] = set()
    # a page's words name a handful of fonts: ask once per font whether any is a legacy one
    by_font = {f: encoding_for_font(f) for f in set(fonts)}
    if any(by_font.values()):
        out: list[str] = []
        for text, font in zip(texts, fonts, strict=True):
            encoding = by_font[font]
            if encoding is not None:
                converted = convert(text, encoding)
                if converted != text:
                    used.add(encoding)
                text = converted
            out.append(text)
        return out, used
    encoding = detect(" ".join(texts))
    if encoding is None:
        return list(texts), used
    used.add(encoding)
    return [t if UNICODE_VIETNAMESE.search(t) else convert(t, encoding) for t in texts], used


# Bytes 0x80-0x9F as Windows-1252 reads them (curly quotes, dashes), the five it leaves
# undefined as Latin-1: legacy fonts put no letters there, but typists' punctuation is there.
_C1 = str.maketrans({chr(b): bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)})


def decode_bytes(data: bytes) -> str:
    """8-bit text typed in a legacy font, as the code points the font was given."""
    return data.decode("latin-1").translate(_C1)


# ---------------------------------------------------------------------------------------------
# Text files: which decoding gives Vietnamese
# ---------------------------------------------------------------------------------------------

TextEncoding = Literal["utf-8", "utf-16", "windows-1258", "tcvn3", "vni"]

# The five tone marks; a syllable carries at most one.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# A Vietnamese syllable with its tone removed: initial consonant, one to three vowels, final
# ("nghiệp" → ngh+iê+p, "được" → đ+ươ+c, "khuyến" → kh+uyê+n, "gì" → g+i).
_SYLLABLE = regex_cache.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?[aăâeêioôơuưy]{1,3}(?:ch|nh|ng|[cmnpt])?"
)
_LETTERS = regex_cache.compile(r"[^\W\d_]+")
SAMPLE_CHARS = 100_000  # enough text to judge an encoding; the rest is only converted


def is_syllable(word: str) -> bool:
    """True when ``word`` (one word, any case) is spelt as a Vietnamese syllable can be.

    >>> is_syllable("Nghiệp"), is_syllable("được"), is_syllable("hoµ"), is_syllable("ViÖt")
    (True, True, False, False)
    """
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(1 for c in nfd if c in _TONES) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    return _SYLLABLE.fullmatch(base) is not None


def vietnamese_score(text: str) -> int:
    """How much of ``text`` reads as Vietnamese: words with a non-ASCII letter that are valid
    syllables, minus those that are not (mojibake: "Céng hoµ", "ViÖt", "nhaø"). Plain ASCII words
    count for nothing, since every decoding of a file agrees on them."""
    score = 0
    for word in _LETTERS.findall(text):
        if word.isascii():
            continue
        score += 1 if is_syllable(word) else -1
    return score


def decode_text(data: bytes, path: str | Path) -> tuple[str, TextEncoding]:
    """The text of a text file and the encoding it was written in.

    UTF-16 is taken from its byte-order mark and UTF-8 when the bytes decode as UTF-8; an 8-bit
    file is tried as Windows-1258 (Vietnamese Windows, tone marks as combining characters), as
    TCVN3 and as VNI, and the decoding under which most words are Vietnamese syllables wins
    (:func:`vietnamese_score`): TCVN3's tells (a capital inside a word, "ViÖt") are also what
    Windows-1258's combining marks look like when read as Latin-1, so first guesses are not
    enough. A UTF-8 or UTF-16 file may still hold legacy-font code points (a converter that
    kept ".VnTime" text): it is converted when that reads clearly better as Vietnamese.

    >>> decode_text("Cộng hòa".encode("utf-8"), "x.txt")
    ('Cộng hòa', 'utf-8')
    """
    from pipeline.errors import UnreadableFile

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _with_legacy(data.decode("utf-16"), "utf-16")
    if b"\x00" in data[:4096]:
        raise UnreadableFile(path, "this looks like a binary file, not text")
    try:
        return _with_legacy(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    raw = decode_bytes(data)  # the code points a legacy font was given
    candidates: list[tuple[TextEncoding, Callable[[str], str]]] = [
        ("tcvn3", lambda t: convert(t, "tcvn3")),
        ("vni", lambda t: convert(t, "vni")),
    ]
    best_text: str | None = None
    best: TextEncoding = "windows-1258"
    best_score: int | None = None
    try:
        best_text = unicodedata.normalize("NFC", data.decode("cp1258"))
        best_score = vietnamese_score(best_text[:SAMPLE_CHARS])
    except UnicodeDecodeError:
        pass  # bytes Windows-1258 leaves undefined: not Vietnamese Windows text
    sample = raw[:SAMPLE_CHARS]
    for encoding, conv in candidates:
        score = vietnamese_score(conv(sample))
        # a legacy reading must win clearly: a Windows-1258 file read as TCVN3 scores a few
        # accidental syllables, a real TCVN3 file read as Windows-1258 scores far below zero
        if best_score is None or score > best_score + MIN_TELLS:
            best, best_score, best_text = encoding, score, None
    if best_text is not None:
        return best_text, best
    if best_score is None:
        raise UnreadableFile(path, "the text is in an unknown character encoding (save it as UTF-8)")
    if best == "tcvn3" or best == "vni":
        return convert(raw, best), best
    return raw, best


def _with_legacy(text: str, encoding: TextEncoding) -> tuple[str, TextEncoding]:
    """A Unicode file's text, converted when its characters are a legacy font's code points."""
    sample = text[:SAMPLE_CHARS]
    as_is = vietnamese_score(sample)
    best_score, best = as_is, None
    legacy_encodings: tuple[Literal["tcvn3", "vni"], ...] = ("tcvn3", "vni")
    for legacy_encoding in legacy_encodings:
        score = vietnamese_score(convert_unless_unicode(sample, legacy_encoding))
        if score > best_score + MIN_TELLS and detect(sample) == legacy_encoding:
            best_score, best = score, legacy_encoding
    if best is None:
        return text, encoding
    return convert_unless_unicode(text, best), best


def warnings_for(encoding: str) -> list[str]:
    """The reader's warning for a text decoded from a legacy font, none for a Unicode or Windows text."""
    if encoding in LABELS:
        return [warning([encoding])]
    return []


def warning(encodings: Iterable[Encoding]) -> str:
    """The note a reader adds to ``Layout.warnings`` after converting (Vietnamese / English)."""
    names = ", ".join(sorted({LABELS[e] for e in encodings}))
    return (
        f"Văn bản dùng phông chữ cũ ({names}), đã chuyển sang Unicode; kiểm tra lại dấu. / "
        f"The document uses a legacy font ({names}); converted to Unicode — check the diacritics."
    )
