"""References (văn bản được dẫn chiếu): every instrument the document cites by type and number.

Two steps, as in eyecite:

* :func:`find_mentions` reads one piece of text and returns candidate :class:`Mention` objects —
  full citations ("Kế hoạch số 33-KH/TU ngày 16/01/2026 của Ban Thường vụ Tỉnh ủy"), short
  re-mentions by type and number only ("Kế hoạch 164") and alias definitions ("(sau đây gọi
  tắt là Kế hoạch 164)"), each with its span;
* :func:`resolve` merges mentions of one instrument into one :class:`models.Reference`: one per
  distinct code (a Party code like "33-KH/TU" restarts each term, so the same code with two
  different dates is two instruments), issuer and date taken from the fullest mention, short
  forms and aliases resolved to the citation they stand for and counted as mentions.

Everything is compiled regex (no word segmentation): a document's citations are found in well
under a millisecond per page. A law cited by name only ("Luật Tổ chức chính quyền địa phương")
has no number and is not a reference; the document's own number is not one either.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from extractors.agencies import find_agencies
from extractors.dates import parse_date
from extractors.patterns import doc_types
from models import Reference, Span
from pipeline import regex_cache
from pipeline.layout import Layout

MentionKind = Literal["full", "short", "alias"]

# zones whose text can cite an instrument; Nơi nhận and the signature block never do
_SCANNED_ZONES = ("header_left", "header_right", "body", "footnote", "unknown")


@dataclass
class Mention:
    """One citation in the text: its kind, what it says, and where it stands in ``Layout.text``."""

    kind: MentionKind
    start: int
    end: int
    doc_type: str | None = None
    code: str | None = None  # số and ký hiệu as printed, spaces removed: "33-KH/TU"
    number: str | None = None  # the số part alone, for short forms: "164"
    issued_date: str | None = None
    issuer: str | None = None
    subject: str | None = None
    alias: str | None = None  # for kind == "alias": the defined short name
    block: int = 0  # which scanned piece of text (paragraph) it stands in

    @property
    def fullness(self) -> tuple[int, int, int, int]:
        """How much the mention says, compared in order: a date, an issuer, the longer issuer
        ("Ban Thường vụ Tỉnh ủy Lào Cai" over "Ban Thường vụ Tỉnh ủy"), a subject. The fullest
        mention gives the reference its date and issuer."""
        return (
            self.issued_date is not None,
            self.issuer is not None,
            len(self.issuer or ""),
            self.subject is not None,
        )


@dataclass
class _Resolved:
    mentions: list[Mention] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)

    @property
    def best(self) -> Mention:
        full = [m for m in self.mentions if m.kind == "full"]
        return max(full, key=lambda m: m.fullness)  # first of the fullest: max keeps the first

    @property
    def date(self) -> str | None:
        return next((m.issued_date for m in self.mentions if m.issued_date), None)


@cache
def _data() -> dict[str, Any]:
    text = resources.files("extractors").joinpath("data/instruments.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _type_names() -> dict[str, str]:
    """Lower-case type name → its normal-case name: "kế hoạch" → "Kế hoạch"."""
    names = [*doc_types(), *_data()["extra_types"]]
    return {n.lower(): n for n in names}


def _flex(words: str) -> str:
    return r"\s+".join(re.escape(w) for w in words.split())


def _bare(ch: str) -> str:
    """A letter without its marks: "á" → "a", "ô" → "o", "đ" → "d"."""
    return "d" if ch == "đ" else unicodedata.normalize("NFD", ch)[0]


def _flex_marks(words: str) -> str:
    """Like :func:`_flex`, and each marked letter may also lose its marks, as OCR reads them:
    "Thông báo" matches "Thông bao", "Thong bao"."""

    def letter(ch: str) -> str:
        low = ch.lower()
        return f"[{low}{_bare(low)}]" if _bare(low) != low else re.escape(ch)

    return r"\s+".join("".join(letter(ch) for ch in w) for w in words.split())


def _fold(text: str) -> str:
    return "".join(_bare(ch) for ch in re.sub(r"\s+", " ", text).lower())


# số and ký hiệu: a number, then "/" or "-" groups that are a year or start with a capital.
# Matches "22-KH/TU", "164/KH-UBND", "30/2020/NĐ-CP", "64/2025/QH15", "02/2011/TTLT-VPCP-BNV",
# "2917 /SGDĐT-VP"; never a date ("13/12/2025": "12" is neither a year nor a capital group).
# and with an en dash a typist put for the hyphen ("08 –HD/BTCTU"), a Party office's lower-case tail
# ("2587-CV/VPTW/nb"), a number with a letter after it ("30c/NQ-CP", "36a/NQ-CP"), a "U" a legacy font or OCR
# printed as "Ư" ("13-NQ/TƯ", as the document's own number reads)
_CODE = (
    r"(?P<code>\d{1,5}(?-i:[a-zđ])?"
    r"(?:\s?[/\-–—]\s?(?:\d{4}(?![\w])|(?-i:[A-ZĐ])[A-Za-zĐđƯ0-9&]*))+(?:/(?-i:[a-z]{1,3})(?![\w]))?)"
)
# a standard cited by its number: "Tiêu chuẩn TCVN 6909:2001", "QCVN 102:2016/BTTTT", "ISO 9001:2015"
_STANDARD = regex_cache.compile(
    r"(?<!\w)(?P<type>Tiêu\s+chuẩn\s+|Quy\s+chuẩn(?:\s+kỹ\s+thuật)?(?:\s+quốc\s+gia)?\s+)?"
    r"(?P<code>(?P<kind>TCVN|QCVN|ISO)\s?\d{2,5}(?:-\d{1,4})*(?::\d{4})?(?:/[A-ZĐ][A-ZĐ0-9&-]*)?)(?![\w:])"
)
# the kinds :data:`_STANDARD` names, as written (no standard is cited in text that holds none: "TCVN 6909:2001")
_STANDARD_KINDS = ("TCVN", "QCVN", "ISO")
# ", ngày 05/3/2020", " ngày 01 tháng 6 năm 2009", " ban hành ngày 5-3-2020"
_DATE = regex_cache.compile(
    r"\s*,?\s*(?:(?:được\s+)?ban\s+hành\s+)?ngày\s+"
    r"(?P<date>\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
    re.IGNORECASE,
)
# " của Bộ Chính trị", ", do UBND tỉnh"
_ISSUER_INTRO = regex_cache.compile(r"\s*,?\s*(?:của|do)\s+", re.IGNORECASE)
# " khóa XIII" after "Ban Chấp hành Trung ương Đảng", " Khóa XVII" after "HĐND tỉnh"
_TERM = regex_cache.compile(r"\s+(?i:khóa)\s+[IVXLC]+(?!\w)")
# one more number of the same type in an enumeration: "; số 94/2018/NĐ-CP", ", số 97/2018/NĐ-CP", " và số 56/2020/NĐ-CP"
_MORE = regex_cache.compile(rf"(?:\s*[,;]\s*(?:và\s+)?|\s+và\s+)số\s*:?\s*{_CODE}(?![\w/-])", re.IGNORECASE)
# how far an enumeration item's own words may run before the next "; số ...": its date, issuer and trích yếu
_MORE_GAP = 300
# " về việc triển khai ...", " về tăng cường ...", " V/v ..."
_SUBJECT = regex_cache.compile(r"\s*,?\s*(?:về\s+việc|về|v/v)\s+(?P<subject>[^;()\n]+)", re.IGNORECASE)
# between two issuers of a liên tịch act: " và ", ", "
_JOINT = regex_cache.compile(r"\s+và\s+|\s*,\s*")
_SUBJECT_END = regex_cache.compile(r"\.(?:\s|$)|\./\.")
_SUBJECT_MAX = 250


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(full, named-law, short, alias, listed) patterns, compiled once from the data files."""
    data = _data()
    types = "|".join(_flex(t) for t in sorted(_type_names().values(), key=len, reverse=True))
    # "Kế hoạch số 22-KH/TU", "Chỉ thị 53-CT/TW", "Quyết định số: 15/QĐ-BNV"; with a number to follow, a type
    # or "số" whose marks OCR lost is still one ("Thông bao số 12/TB-UBND", "Công văn sô 345/UBND-KT"); a speck OCR put
    # between the type and "số" is passed over ("Luật: số 97/2015/QH13")
    loose = "|".join(_flex_marks(t) for t in sorted(_type_names().values(), key=len, reverse=True))
    # a word or two saying which kind of that type may stand before "số": "Văn bản thẩm định số 312/STP-KSTT",
    # "Báo cáo thẩm tra số 45/BCTT-KTNS" (then "số" must be there)
    qualified = r"\s+(?-i:[a-zà-ỹđ]+)(?:\s+(?-i:[a-zà-ỹđ]+))?\s+s[ốôoóồ]\s*:?\s*"
    full = regex_cache.compile(
        rf"(?<!\w)(?P<type>{loose})(?:{qualified}|\s*(?:[:,.]?\s*s[ốôoóồ]\s*:?\s*)?){_CODE}(?![\w/-])", re.IGNORECASE
    )
    # "các Nghị định của Chính phủ: số 93/2018/NĐ-CP ...; số 94/2018/NĐ-CP ...": the type (and issuer)
    # once, before a colon, then the numbers
    listed = regex_cache.compile(
        rf"(?<!\w)(?:các|những)\s+(?P<type>{types})(?P<mid>[^:;.()]{{0,80}}?)\s*:\s*(?:số\s*:?\s*)?{_CODE}(?![\w/-])",
        re.IGNORECASE,
    )
    named = "|".join(_flex(t) for t in data["named_types"])
    # "Luật Tổ chức chính quyền địa phương số 72/2025/QH15": a name between type and number
    law = regex_cache.compile(
        rf"(?<!\w)(?P<type>{named})\s+(?-i:[A-ZĐ])[^\s;.()]*(?:\s+[^\s;.()]+){{0,14}}?\s+số\s*:?\s*{_CODE}(?![\w/-])",
        re.IGNORECASE,
    )
    # "Kế hoạch 164", "Chỉ thị số 53": type and number only, resolved to a full citation or dropped
    short = regex_cache.compile(rf"(?<!\w)(?P<type>{types})\s+(?:số\s+)?(?P<number>\d{{1,5}})(?![\w/-])", re.IGNORECASE)
    phrases = "|".join(_flex(p) for p in sorted(data["alias_phrases"], key=len, reverse=True))
    # "(sau đây gọi tắt là Kế hoạch 164)", "(sau đây viết tắt là “NSVMĐT&NT”)"
    alias = regex_cache.compile(
        rf"\(\s*(?:{phrases})\s*:?\s*[\"“']?(?P<alias>[^()\"”']{{1,80}}?)[\"”']?\s*\)", re.IGNORECASE
    )
    return full, law, short, alias, listed


@cache
def _issuer_stop() -> re.Pattern[str]:
    # where a free-text issuer ends: "Ban Chỉ đạo 35 Trung ương về ..." → "Ban Chỉ đạo 35 Trung ương"
    words = "|".join(_flex(w) for w in sorted(_data()["issuer_stops"], key=len, reverse=True))
    return regex_cache.compile(rf"\s*[,;:()\n.]|\s+(?:{words})(?!\w)", re.IGNORECASE)


@cache
def _title() -> re.Pattern[str]:
    # an office before a known body: "Bộ trưởng ", "Chủ tịch ", "Chánh Văn phòng "
    words = "|".join(_flex(w) for w in sorted(_data()["issuer_titles"], key=len, reverse=True))
    return regex_cache.compile(rf"(?:{words})\s+")


def _clean_code(code: str) -> str:
    """ "2917 /SGDĐT-VP" → "2917/SGDĐT-VP", "08 –HD/BTCTU" → "08-HD/BTCTU"."""
    return re.sub(r"\s+", "", code).replace("–", "-").replace("—", "-")


def code_key(code: str) -> str:
    """The comparison key of a code: spaces removed, case folded ("33-kh/tu" = "33-KH/TU")."""
    return _clean_code(code).upper()


def _issuer_at(text: str, pos: int, joint: bool = False) -> tuple[str, int] | None:
    """The issuer written at ``pos`` (just after "của"): a known agency, else text up to a stop.

    ``joint``: a liên tịch act has several issuers ("của Văn phòng Chính phủ và Bộ Nội vụ").
    """
    window = text[pos : pos + 160]
    found = find_agencies(window)
    if found and found[0][0] > 0 and _title().fullmatch(window[: found[0][0]]):
        # "Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn": the office is part of the issuer
        found[0] = (0, found[0][1], window[: found[0][1]])
    if found and found[0][0] == 0:
        end = found[0][1]
        term = _TERM.match(window, end)
        if term:
            end = term.end()
        for nxt in found[1:] if joint else []:
            if not _JOINT.fullmatch(window[end : nxt[0]]):
                break
            end = nxt[1]
        return window[:end], pos + end
    stop = _issuer_stop().search(window)
    end = stop.start() if stop else len(window)
    name = window[:end].strip()
    # a free-text issuer is a capitalised name of a few words, not a clause
    if not name or not name[0].isupper() or len(name.split()) > 12:
        return None
    return name, pos + end


def _tail(text: str, pos: int, joint: bool = False) -> tuple[str | None, str | None, str | None, int]:
    """Date, issuer and subject written after a code at ``pos``, and where they end."""
    date: str | None = None
    issuer: str | None = None
    subject: str | None = None
    for _ in range(2):  # "ngày ... của ..." and, less often, "của ... ngày ..."
        m = _DATE.match(text, pos)
        if m and date is None:
            date = parse_date("ngày " + m.group("date"))
            pos = m.end()
        m2 = _ISSUER_INTRO.match(text, pos)
        if m2 and issuer is None:
            found = _issuer_at(text, m2.end(), joint)
            if found:
                issuer, pos = found
    m3 = _SUBJECT.match(text, pos)
    if m3:
        s = m3.group("subject")
        end = _SUBJECT_END.search(s)
        s = s[: end.start()] if end else s
        if len(s) > _SUBJECT_MAX:
            s = s[:_SUBJECT_MAX].rsplit(" ", 1)[0]
        subject = s.strip().rstrip(",") or None
        pos = m3.start("subject") + len(s)
    return date, issuer, subject, pos


# the issuer written before the act: "Xét đề nghị của Sở Xây dựng tại | Tờ trình số 191/TTr-SXD",
# "theo đề nghị của Giám đốc Sở Tài chính tại | Tờ trình số 160/TTr-STC"; no "của" inside the name
_ISSUER_BEFORE = regex_cache.compile(
    r"(?<![^\W\d_])của\s+(?P<who>(?:(?!(?<![^\W\d_])của\s)[^;:.()\n\r]|[\n\r](?!\s*[\n\r])){3,140}?)"
    r"\s+tại\s+(?:(?:các|các\s+văn\s+bản|văn\s+bản)\s+)?$",
    re.IGNORECASE,
)


# the issuer as the subject of "ban hành" just before the act: "Ngày 21/04/2015, Thủ tướng Chính phủ đã ban hành |
# Chỉ thị số 06/CT-TTg", "Sở Giáo dục và Đào tạo đã ban hành | Công văn số 2062/SGDĐT-KHTC"; with the day it
# was issued, when the clause opens with it
# ... or of "có" ("Bộ Y tế có | Công văn số 627/BYT-BH", "ngày 16/8/2018 Bộ Lao động - Thương binh và Xã hội đã có |
# Công văn số 3395/LĐTBXH-KHTC"), the day before it with or without its comma, the clause after a bracket too
_ISSUED_BY_BEFORE = regex_cache.compile(
    r"(?:^|[,;.:)]\s+|\n)(?:(?i:ngày)\s+(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
    r"\s*,?\s*)?(?P<who>(?-i:[A-ZĐÀ-Ỹ])[^;:.,()\n]{2,120}?)\s+(?:(?:đã|vừa)\s+)?(?P<verb>ban\s+hành|có)\s+"
    r"(?:(?:các|văn\s+bản)\s+)?$",
)


def _issued_by_before(text: str, start: int) -> tuple[str | None, str | None]:
    """(issuer, date) written as the clause before a citation at ``start`` says who issued it, and when.

    >>> _issued_by_before("Ngày 21/04/2015, Thủ tướng Chính phủ đã ban hành Chỉ thị số 06/CT-TTg", 49)
    ('Thủ tướng Chính phủ', '2015-04-21')
    """
    m = _ISSUED_BY_BEFORE.search(text[max(0, start - 180) : start])
    if m is None or len(m.group("who").split()) > 14:
        return None, None
    who = re.sub(r"\s+", " ", m.group("who")).strip()
    if m.group("verb") == "có" and not any(start == 0 for start, _end, _name in find_agencies(who)):
        return None, None  # "Trường hợp đơn vị có Công văn ...": "có" after a clause, not after who issued it
    date = parse_date("ngày " + m.group("date")) if m.group("date") else None
    return who, date


def _issuer_before(text: str, start: int) -> str | None:
    """The issuer named just before a citation at ``start`` ("... của X tại Tờ trình số ...").

    >>> _issuer_before("Theo đề nghị của Sở Xây dựng tại Tờ trình số 191/TTr-SXD", 33)
    'Sở Xây dựng'
    """
    m = _ISSUER_BEFORE.search(text[max(0, start - 160) : start])
    if m is None:
        return None
    who = re.sub(r"\s+", " ", m.group("who")).strip()
    # a name, capitalised and short, not a clause
    if not who[:1].isupper() or len(who.split()) > 14:
        return None
    return who


def _type_name(written: str) -> str:
    """The type's printed name, also for one OCR wrote without its marks ("Thông bao" → "Thông báo")."""
    return _type_names().get(re.sub(r"\s+", " ", written).lower()) or _folded_types().get(_fold(written), written)


@cache
def _folded_types() -> dict[str, str]:
    return {_fold(k): v for k, v in _type_names().items()}


def _next_in_list(text: str, pos: int, full: re.Pattern[str]) -> re.Match[str] | None:
    """The next "; số CODE" of an enumeration after ``pos``, unless the sentence ends or another
    typed citation comes first ("...; Thông tư số 18/2016/TT-BTC" is its own type)."""
    window = text[pos : pos + _MORE_GAP]
    stop = _SENTENCE_BREAK_DOT.search(window)
    typed = full.search(window)
    limit = min(stop.start() if stop else len(window), typed.start() if typed else len(window))
    m = _MORE.search(text, pos)
    if m is None or m.start() > pos + limit:
        return None
    return m


# a sentence end inside an enumeration ("...công nghệ. Số 5 ..."), not the "." of a date or code
_SENTENCE_BREAK_DOT = regex_cache.compile(r"\.(?:\s|$)")


# where a code may stand: a number, then "/", "-" or an en dash ("30/2020", "33-KH", "08 –HD", "30c/NQ")
_CODE_HINT = regex_cache.compile(r"\d[a-zđ]?\s?[/\-–—]")
# where a short form may stand: a number after a space ("Kế hoạch 164", "Chỉ thị số 53"); a short form's
# number always follows one, so text without it is not searched for the type names
_SPACED_DIGIT = regex_cache.compile(r"\s\d")


def find_mentions(text: str, offset: int = 0, block: int = 0) -> list[Mention]:
    """Candidate citations in ``text`` (offsets shifted by ``offset``, tagged ``block``), in order.

    >>> [(m.kind, m.code, m.issued_date) for m in find_mentions("Căn cứ Nghị định số 30/2020/NĐ-CP, ngày 05/3/2020")]
    [('full', '30/2020/NĐ-CP', '2020-03-05')]
    """
    full, law, short, alias, listed = _patterns()
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], doc_type: str, start: int, inherited: str | None) -> None:
        code = _clean_code(m.group("code"))
        # a liên tịch act or a quy chế phối hợp has two issuers: "của Sở Tài chính và Sở Xây dựng"
        joint = "liên tịch" in doc_type or "phối hợp" in doc_type
        date, issuer, subject, end = _tail(text, m.end(), joint)
        if issuer is None and inherited is None:
            inherited = _issuer_before(text, start)
        if (issuer is None and inherited is None) or date is None:
            issued_by, issued_on = _issued_by_before(text, start)
            inherited = inherited or (issued_by if issuer is None else None)
            date = date or issued_on
        out.append(
            Mention(
                "full",
                offset + start,
                offset + m.end(),
                doc_type=doc_type,
                code=code,
                number=re.split(r"[/-]", code, maxsplit=1)[0],
                issued_date=date,
                issuer=issuer or inherited,
                subject=subject,
                block=block,
            )
        )
        taken.append((start, m.end()))
        # "...; số 94/2018/NĐ-CP ngày ...": the next numbers of an enumeration are acts of the same type
        more = _next_in_list(text, max(end, m.end()), full)
        if more is not None and not any(more.start() < e and s < more.end() for s, e in taken):
            add(more, doc_type, more.start(), inherited)

    # most paragraphs cite nothing: the long patterns only run where a code could stand (a digit before "/" or
    # "-"), the standards where one's kind is written, short forms after a spaced number, aliases in brackets
    coded = bool(_CODE_HINT.search(text))
    for m in listed.finditer(text) if coded else ():
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        head = _ISSUER_INTRO.match(m.group("mid"))
        found = _issuer_at(m.group("mid"), head.end()) if head else None
        add(m, _type_name(m.group("type")), m.start(), found[0].strip() if found else None)
    for pattern in (full, law) if coded else ():
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            add(m, _type_name(m.group("type")), m.start(), None)
    for m in _STANDARD.finditer(text) if any(kind in text for kind in _STANDARD_KINDS) else ():
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        # a standard keeps the space of its name: "TCVN 6909:2001"
        code = re.sub(r"^(TCVN|QCVN|ISO)\s?", r"\1 ", m.group("code"))
        kind = "Quy chuẩn" if m.group("kind") == "QCVN" else "Tiêu chuẩn"
        out.append(Mention("full", offset + m.start(), offset + m.end(), doc_type=kind, code=code, block=block))
        taken.append((m.start(), m.end()))
    for m in short.finditer(text) if _SPACED_DIGIT.search(text) else ():
        if not any(m.start() < e and s < m.end() for s, e in taken):
            out.append(
                Mention(
                    "short",
                    offset + m.start(),
                    offset + m.end(),
                    doc_type=_type_name(m.group("type")),
                    number=m.group("number"),
                    block=block,
                )
            )
    for m in alias.finditer(text) if "(" in text else ():
        name = m.group("alias").strip()
        out.append(Mention("alias", offset + m.start(), offset + m.end(), alias=name, block=block))
    out.sort(key=lambda x: x.start)
    _share_issuers(out, text, offset)
    return out


# between two citations joined under one issuer, after the first's day (:data:`_DATE`): "và" or a comma
# ("Công văn số 4216/UBND-NC ngày 02/12/2021 và Công văn số 4478/UBND-NC ngày 18/11/2022 của Chủ tịch UBND tỉnh":
# both are the Chủ tịch's)
_JOINED = regex_cache.compile(r"\s*(?:,|và)\s*")


def _share_issuers(mentions: list[Mention], text: str, offset: int) -> None:
    """A citation that names no issuer, joined by "và" or a comma to the next of its type, which does, shares its
    issuer."""
    for a, b in reversed(list(itertools.pairwise(mentions))):
        # of one type ("Luật ..., Nghị định ... của Chính phủ": the law is not the Chính phủ's)
        if a.kind == b.kind == "full" and a.doc_type == b.doc_type and a.issuer is None and b.issuer is not None:
            day = _DATE.match(text, a.end - offset)
            if _JOINED.fullmatch(text, day.end() if day else a.end - offset, b.start - offset):
                a.issuer = b.issuer


# a sentence ends between a citation and an alias: "...; " or ". " (not the "." of a date)
_SENTENCE_BREAK = regex_cache.compile(r";|\.(?:\s|$)")


def _between(texts: list[tuple[int, str]], block: int, start: int, end: int) -> str:
    """The text of ``texts[block]`` between two ``Layout.text`` offsets."""
    if not 0 <= block < len(texts):
        return ""
    off, text = texts[block]
    return text[start - off : end - off]


def _common_date(dated: list[Mention]) -> str | None:
    """The date most mentions give a code printed with two (a typo, or a second act the text merges); ties go to
    the first mention's."""
    counts: dict[str, int] = {}
    for m in dated:
        counts[m.issued_date or ""] = counts.get(m.issued_date or "", 0) + 1
    top = max(counts.values())
    return next(m.issued_date for m in dated if counts[m.issued_date or ""] == top)


# OCR's misreadings inside a code, each one character for one so spans stay put: the fraction slash or a "%" for
# "/" ("97⁄2015/QH13", "112/2025%QH15"), "I" or "l" for "1" after the letters of a ký hiệu ("QHI3" → "QH13")
_OCR_SLASH = regex_cache.compile(r"(?<=\d)[⁄%](?=[\dA-ZĐ])")
_OCR_ONE = regex_cache.compile(r"(?<=/[A-ZĐ]{2})[Il](?=\d)|(?<=/[A-ZĐ]{2}\d)[Il](?!\w)")


def _ocr_codes(text: str) -> str:
    return _OCR_ONE.sub("1", _OCR_SLASH.sub("/", text)) if any(c in text for c in "⁄%Il") else text


def _other_issuer(group: _Resolved, issuer: str) -> bool:
    """Does ``group`` name an issuer other than ``issuer`` (compared without case or marks)?"""

    def same(a: str, b: str) -> bool:
        # "Ban Thường vụ Tỉnh ủy" and "Ban Thường vụ Tỉnh ủy Lào Cai" are one committee named short and long;
        # "Bộ trưởng Bộ Lao động - Thương binh và Xã hội" is the ministry, named by its head
        fa, fb = _fold(a), _fold(b)
        return fa in fb or fb in fa

    known = [m.issuer for m in group.mentions if m.issuer]
    return bool(known) and not any(same(k, issuer) for k in known)


def resolve(mentions: list[Mention], texts: list[tuple[int, str]], own_code: str | None = None) -> list[Reference]:
    """Merge mentions (in document order) into one :class:`Reference` per instrument.

    ``texts`` are the scanned pieces as ``(offset, text)``, searched for later uses of aliases.
    """
    groups: list[_Resolved] = []
    by_code: dict[str, list[_Resolved]] = {}
    for m in mentions:
        if m.kind != "full" or m.code is None:
            continue
        key = code_key(m.code)
        if own_code and key == own_code:
            continue
        same = by_code.setdefault(key, [])
        # once per distinct code (annotation.md), even when a text prints it with two dates ("59-NQ/TW ngày
        # 24/01/2025" in the căn cứ, "ngày 24 tháng 01 năm 2024" further on): the fullest, first mention gives its
        # date and issuer. A Party number restarts with each committee, so the same code of another issuer
        # ("33-KH/TU" of the Ban Thường vụ Tỉnh ủy Lào Cai and of Yên Bái) is another act.
        target: _Resolved | None = None
        if m.issuer:
            target = next((g for g in same if not _other_issuer(g, m.issuer)), None)
        elif same:
            target = same[-1]  # a re-mention without its issuer is the latest act with that code
        if target is None:
            target = _Resolved()
            same.append(target)
            groups.append(target)
        target.mentions.append(m)
    # aliases: a definition names the full citation just before it in the same sentence
    # ("Kế hoạch số 164/KH-UBND ... về ... (sau đây gọi tắt là Kế hoạch 164)"); a definition
    # with no citation before it ("Thành lập Tổ công tác ... (sau đây gọi là Tổ công tác)")
    # names something else
    owner = {id(m): g for g in groups for m in g.mentions}
    full_sorted = sorted((m for g in groups for m in g.mentions), key=lambda m: m.start)
    alias_defs: list[tuple[Mention, _Resolved]] = []
    for m in mentions:
        if m.kind != "alias" or not m.alias:
            continue
        before = [f for f in full_sorted if f.end <= m.start and f.block == m.block]
        if before and not _SENTENCE_BREAK.search(_between(texts, m.block, before[-1].end, m.start)):
            g = owner[id(before[-1])]
            g.aliases.append(m.alias)
            alias_defs.append((m, g))
    taken = [(m.start, m.end) for m in mentions if m.kind in ("full", "alias")]
    # short forms: "Kế hoạch 164" → the latest earlier act of that type and number. The acts by type and
    # number are listed once (a short form adds no full mention, so no act's best mention changes here)
    # rather than every act's best mention worked out again for each short form
    by_number: dict[tuple[str | None, str | None], list[_Resolved]] = {}
    for g in groups:
        by_number.setdefault((g.best.doc_type, g.best.number), []).append(g)
    for m in mentions:
        if m.kind != "short" or any(m.start < te and ts < m.end for ts, te in taken):
            continue
        cands = by_number.get((m.doc_type, m.number), [])
        earlier = [g for g in cands if g.mentions[0].start < m.start]
        pool = earlier or cands
        if pool:
            pool[-1].mentions.append(m)
            taken.append((m.start, m.end))
    # later uses of an alias ("NSVMĐT&NT", "Kế hoạch 164") count as mentions of its act
    for definition, g in alias_defs:
        alias = definition.alias or ""
        if len(alias) < 2:
            continue
        pat = regex_cache.compile(rf"(?<!\w){re.escape(alias)}(?!\w)")
        for off, text in texts:
            # the alias as a plain substring first: most paragraphs never use it
            for a in pat.finditer(text) if alias in text else ():
                s, e = off + a.start(), off + a.end()
                if s < definition.end or any(s < te and ts < e for ts, te in taken):
                    continue
                g.mentions.append(Mention("alias", s, e, alias=alias))
                taken.append((s, e))
    return [_reference(g) for g in groups]


def _reference(g: _Resolved) -> Reference:
    best = g.best
    fulls = [m for m in g.mentions if m.kind == "full"]
    # a specific type name wins over the generic "Văn bản"
    doc_type = best.doc_type
    if doc_type == "Văn bản":
        doc_type = next((m.doc_type for m in fulls if m.doc_type != "Văn bản"), doc_type)
    dated = [m for m in fulls if m.issued_date]
    issuers = [m for m in fulls if m.issuer]
    # a trích yếu in capitals prints "19/CT-TTG"; the body's "19/CT-TTg" is the code as issued
    code = next((m.code for m in fulls if m.code and m.code != m.code.upper()), best.code)
    return Reference(
        doc_type=doc_type,
        code=code or "",
        issued_date=_common_date(dated)
        if len({m.issued_date for m in dated}) > 1
        else (best.issued_date or (max(dated, key=lambda m: m.fullness).issued_date if dated else None)),
        issuer=_as_written(
            best.issuer or (max(issuers, key=lambda m: m.fullness).issuer if issuers else None), issuers
        ),
        mentions=len(g.mentions),
        subject=best.subject or next((m.subject for m in fulls if m.subject), None),
        aliases=list(dict.fromkeys(g.aliases)),
        spans=[Span(start=m.start, end=m.end) for m in sorted(g.mentions, key=lambda m: m.start) if m.end > 0],
    )


def _as_written(issuer: str | None, mentions: list[Mention]) -> str | None:
    """An issuer named in the capitals of a trích yếu ("THỦ TƯỚNG CHÍNH PHỦ") yields to the body's "Thủ tướng
    Chính phủ" where another mention writes it so."""
    if not issuer or not issuer.isupper():
        return issuer
    return next((m.issuer for m in mentions if m.issuer and not m.issuer.isupper()), issuer)


def extract(layout: Layout, subject: str | None = None, own_code: str | None = None) -> list[Reference]:
    """Every instrument cited in the header (trích yếu), body and footnotes, once each.

    ``subject`` is the trích yếu as the header stage joined it (a citation the layout split oddly is still
    found there); ``own_code`` is the document's own code, which is never a reference of itself.
    """
    texts = [(p.start, p.text) for p in layout.paragraphs if p.zone in _SCANNED_ZONES]
    if layout.scanned:
        texts = [(off, _ocr_codes(text)) for off, text in texts]
    mentions: list[Mention] = []
    for i, (off, text) in enumerate(texts):
        mentions += find_mentions(text, off, i)
    if subject:
        seen = {code_key(m.code) for m in mentions if m.code}
        for m in find_mentions(subject):
            if m.code and code_key(m.code) not in seen:
                m.start = m.end = 0  # not locatable in layout.text: no span
                m.block = -1
                mentions.insert(0, m)
    own = code_key(own_code) if own_code and re.match(r"\d", own_code) else None
    return resolve(mentions, texts, own)
