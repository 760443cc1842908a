"""The header (phần đầu văn bản): cơ quan ban hành, số và ký hiệu, địa danh and ngày, tên loại
and trích yếu, độ khẩn and độ mật.

Reads the ``header_left`` / ``header_right`` zones and the first body paragraphs (where typed
documents print "KẾ HOẠCH" and the trích yếu under it).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from extractors import ocr_marks, patterns
from extractors.casing import normal_case, unspeck
from extractors.dates import parse_long
from models import Issuer
from models.record import Confidentiality, Urgency
from pipeline import regex_cache
from pipeline.errors import NotAnOfficialDocument
from pipeline.layout import Layout, Paragraph
from pipeline.normalize import strip_accents

# a line that ends mid-name: "SỞ NÔNG NGHIỆP VÀ" / "MÔI TRƯỜNG"
# an issuer line that cannot end a name: "... VÀ", "THƯỜNG TRỰC" (over "HĐND - UBND TỈNH HÒA BÌNH"), "ỦY BAN THƯỜNG VỤ"
# (over "QUỐC HỘI")
_DANGLING = regex_cache.compile(r"(\bVÀ|\bCỦA|,|-|^THƯỜNG\s+TRỰC|^ỦY\s+BAN\s+THƯỜNG\s+VỤ)$")
# two levels of a header a copy ran onto one line: "UBND HUYỆN THÁI THỤY PHÒNG GIÁO DỤC & ĐÀO TẠO"
_TWO_LEVELS = regex_cache.compile(
    r"^(?P<upper>(?:UBND|ỦY\s+BAN\s+NHÂN\s+DÂN)\s+(?:TỈNH|THÀNH\s+PHỐ|TP\.?|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN)\s+"
    r"\S.*?)\s+(?P<lower>(?:SỞ|PHÒNG|BAN|TRƯỜNG|TRUNG\s+TÂM|VĂN\s+PHÒNG|THANH\s+TRA|CHI\s+CỤC|BỆNH\s+VIỆN)\s+\S.*)$"
)
_DECORATION = regex_cache.compile(r"^[\s_\-–—=*.·]*$")


@dataclass
class HeaderLines:
    """The header's lines sorted into their parts."""

    issuer: list[str] = field(default_factory=list)
    number: str | None = None
    subject: list[str] = field(default_factory=list)
    place_date: str | None = None
    party: bool = False
    loose: list[str] = field(default_factory=list)  # left-cell lines under the number, no "V/v"
    national: bool = False  # a quốc hiệu / tiêu ngữ / Party title line was seen
    marks: list[str] = field(default_factory=list)


def _lines(paras: list[Paragraph]) -> list[str]:
    return [ln.strip() for p in paras for ln in p.lines if ln.strip()]


# a line holding only a piece of the date: "tháng", "tháng 8", "năm 2016", "ngày"
_DATE_PIECE = regex_cache.compile(r"^(?:ngày|tháng|năm)(?:\s+\d{1,4})?$", re.IGNORECASE)
# "Số:" alone, its code on the next line of the cell ("Số:" / "/TTr-VPCP" in a draft whose number is blank)
_NUMBER_ALONE = regex_cache.compile(r"^Số\s*[:;.]?$", re.IGNORECASE)
_CODE_REST = regex_cache.compile(r"^(?:\d[\w.]*\s*)?[/-]\s*\S")


def _number_rejoined(lines: list[str]) -> list[str]:
    """The cell's lines with a lone "Số:" joined to the code on the line under it."""
    out: list[str] = []
    for line in lines:
        if out and _NUMBER_ALONE.match(out[-1]) and _CODE_REST.match(line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def sort_header(layout: Layout) -> HeaderLines:
    """Sort the header cells' lines into issuer / number / V/v subject / place-date / marks."""
    out = HeaderLines()
    # a converter may join a row's two cells with one space ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ...")
    left = [cell for line in _lines(layout.zone("header_left")) for cell in patterns.split_side_by_side(line)]
    right = [cell for line in _lines(layout.zone("header_right")) for cell in patterns.split_side_by_side(line)]
    in_subject = False
    pieces: list[str] = []  # the day's, month's and year's words a copy put on lines of their own
    for line in _number_rejoined(left) + patterns.join_wrapped_date(right):
        if _DECORATION.match(line):
            continue
        if _DATE_PIECE.match(line) and out.number is not None and not in_subject:
            pieces.append(line)  # "Hà Nội, ngày" / "tháng" / "năm 2016": a draft's blank day and month
            continue
        if patterns.is_national_title(line):
            rest = patterns.after_quoc_hieu(line)
            if rest.isupper() and patterns.starts_org_name(rest) and line not in left:
                out.issuer.append(rest)  # the left column's next line, run into the quốc hiệu by a copy
            out.national = True
            out.party = out.party or patterns.is_party_title(line)
            in_subject = False
            continue
        if patterns.URGENCY.match(line) or patterns.CONFIDENTIALITY.match(line):
            out.marks.append(line)
            continue
        # the place and date, or its start alone when the rest was handwritten or lost ("Hà Nội, ngày tháng")
        dated = patterns.PLACE_DATE.search(line) or (line in right and patterns.PLACE_DATE_START.match(line))
        if dated and out.place_date is None:
            out.place_date = line
            in_subject = False
            continue
        m = patterns.NUMBER_LINE.match(line)
        if m and out.number is None:
            out.number = m.group("code")
            in_subject = False
            continue
        v = patterns.SUBJECT_LINE.match(line)
        if v:
            out.subject = [v.group("rest")] if v.group("rest") else []
            in_subject = True
            continue
        if in_subject:
            out.subject.append(line)
            continue
        if out.number is None and line not in out.issuer and line in left:
            out.issuer.append(line)
        elif out.number is not None and line in left:
            out.loose.append(line)
    if pieces and out.place_date is not None:
        out.place_date = patterns.join_wrapped_date([out.place_date, *pieces])[0]
    if out.party and not out.subject and out.loose and not header_types(out.loose):
        # a Party công văn prints its trích yếu under the number with no "V/v" (HD36); a state document's
        # loose lines there are other things ("Số hồ sơ: 58")
        out.subject = out.loose
    return out


# an office before the body it heads in the thẩm quyền line: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LAI CHÂU", "BỘ TRƯỞNG
# BỘ TÀI CHÍNH", "GIÁM ĐỐC SỞ NỘI VỤ"
_OFFICE_HEAD = regex_cache.compile(
    r"^(?:CHỦ\s+TỊCH|BỘ\s+TRƯỞNG|GIÁM\s+ĐỐC|(?:TỔNG\s+)?CỤC\s+TRƯỞNG|VIỆN\s+TRƯỞNG|HIỆU\s+TRƯỞNG|TRƯỞNG\s+BAN)\s+"
)


def _authority_rejoined(first: str, after: str) -> str | None:
    """The thẩm quyền line a copy broke after its first word, joined ("ỦY" / "BAN NHÂN DÂN TỈNH QUẢNG BÌNH"); else
    None."""
    if len(first) > 4 or not _is_caps(first):
        return None
    joined = f"{first} {after.strip()}"
    return joined if _is_caps(joined) and patterns.ISSUING_AUTHORITY.match(joined) else None


def _issuing_authority(layout: Layout) -> str | None:
    """The issuing body the thẩm quyền line under a typed title names ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X" →
    "Ủy ban nhân dân tỉnh X"), for a header whose issuer cell a converter dropped."""
    paras = layout.zone("body")[:12]
    for n, para in enumerate(paras):
        line = para.lines[0].strip() if para.lines else para.text
        if n + 1 < len(paras):
            line = _authority_rejoined(line, paras[n + 1].text) or line
        if not (patterns.is_caps(line) and patterns.ISSUING_AUTHORITY.match(line)) or len(line) > 90:
            continue
        body = _OFFICE_HEAD.sub("", line)
        if patterns.starts_org_name(body) and not patterns.is_type_line(body):
            return normal_case(body)
    return None


# a local body's name without the place it serves: never a whole issuer ("Ủy ban nhân dân" / "tỉnh Ninh Bình")
_BARE_BODY = regex_cache.compile(r"^(?:Ủy\s+ban\s+nhân\s+dân|Hội\s+đồng\s+nhân\s+dân|UBND|HĐND)$", re.IGNORECASE)

_PLACE = regex_cache.compile(r"^(?P<place>[^,\d]{2,60}?)\s*,\s*ngày", re.IGNORECASE)
# an appendix's heading names the document it goes with: "(Kèm theo Quyết định số 109/QĐ-BTC ngày 21/01/2026 của
# Bộ Tài chính)", "(Ban hành kèm theo Kế hoạch số 25/KH-UBND ngày 05/3/2026)"
_APPENDIX_OF = regex_cache.compile(
    r"\(\s*(?:Ban\s+hành\s+)?kèm\s+theo\s+[^()]{0,40}?số\s*:?\s*[^\s/]*\s*[_.…]*\s*/\s*(?P<sym>[^\s,;()]+)\s*,?\s*"
    r"ngày\s+(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})",
    re.IGNORECASE,
)


def _appendix_date(layout: Layout, symbol: str | None, header_date: str | None) -> str | None:
    """The date an appendix's "Kèm theo ..." heading gives the document, when the header's is blank or handwritten
    (its day or month missing) and the heading names the document's own ký hiệu and a date that agrees with
    what the header shows."""
    if not symbol or (header_date and len(header_date) == 10):
        return None
    own = strip_accents(symbol).upper().replace(" ", "")
    for para in layout.zone("body"):
        if "kèm theo" not in para.text.lower():
            continue
        for m in _APPENDIX_OF.finditer(para.text):
            if strip_accents(m.group("sym")).upper().rstrip(".") != own:
                continue
            iso = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
            if header_date and not iso.startswith(header_date):
                continue  # the heading's date contradicts what the header printed
            return iso
    return None


def header_types(lines: list[str]) -> bool:
    """Does any of ``lines`` name a document type ("KẾ HOẠCH")? Then they are not a trích yếu."""
    return any(patterns.is_type_line(line) for line in lines)


# OCR splits a word at a letter it is unsure of: "TRƯỜN G", "CON G"; no Vietnamese word is a lone consonant
_LONE_CONSONANT = regex_cache.compile(r"(?<=[^\W\d_]) ([BCDĐGHKLMNPQRSTVX])(?=\s|$)")


def _starts_org(line: str, scanned: bool) -> bool:
    """Does ``line`` open an organisation's name? Exact on clean text; without diacritics and spaces
    after OCR ("BÔ CÔNG THƯƠNG", "TRƯỜN G ĐẠI HỌC")."""
    return patterns.starts_org_name(line, loose=scanned)


@lru_cache(maxsize=1)
def _flattened(text: str) -> tuple[str, str]:
    """``text`` on one line, and the same without diacritics or case: worked out once for the issuer and
    its parent (a 200-page body is 400,000 characters)."""
    flat = re.sub(r"\s+", " ", text)
    return flat, strip_accents(flat).lower()


def _marked_letters(text: str) -> int:
    """How many letters of ``text`` carry a diacritic (or are "đ")."""
    return sum(1 for a, b in zip(text, strip_accents(text), strict=False) if a != b)


def respell_from(name: str, text: str) -> str:
    """``name`` as ``text`` spells it, matching without diacritics or case.

    OCR reads the small bold capitals of the header worse than the body, and the body usually
    names its own issuer ("Trường Đại học Công Thương Thành phố Hồ Chí Minh ban hành ..."): the
    spelling found most often there replaces the header's guess. No match: ``name`` unchanged.

    >>> body = "Nay Trường Đại học Công Thương Thành phố Hồ Chí Minh ban hành"
    >>> respell_from("Trường Đại học Cong thương thành phó hò chí minh", body)
    'Trường Đại học Công Thương Thành phố Hồ Chí Minh'
    >>> respell_from("Sở Giáo dục và Đào tạo", "Sở Giao duc và Đao tao báo cáo")  # a body that lost its marks
    'Sở Giáo dục và Đào tạo'
    """
    flat, flat_key = _flattened(text)
    key = strip_accents(re.sub(r"\s+", " ", name).strip()).lower()
    if not key or len(flat_key) != len(flat):
        return name  # a character that does not strip one-to-one: positions would not line up
    marked = _marked_letters(name)
    spellings = Counter(
        spelled
        for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", flat_key)
        # a name the body prints in capitals (the thẩm quyền line) says nothing of its diacritics' case, and a body
        # that lost its marks ("Sở Giao duc và Đao tao", a copy's loose marks dropped) takes none from the header
        if not (spelled := flat[m.start() : m.start() + len(key)]).isupper() and _marked_letters(spelled) >= marked
    )
    return spellings.most_common(1)[0][0] if spellings else name


# "Ủy ban" whose "Ủ" a copy or OCR lost (or read as "U"): "Y BAN NHÂN DÂN", "UY BAN NHÂN DÂN"
_LOST_U = regex_cache.compile(r"^(?:Y|UY)(?=\s+BAN\s+NHÂN\s+DÂN\b)|^(?:Y|Uy)(?=\s+ban\s+nhân\s+dân\b)")


def _levels(line: str) -> list[str]:
    """A header line that holds two levels, split: "UBND HUYỆN THÁI THỤY PHÒNG GIÁO DỤC & ĐÀO TẠO"."""
    m = _TWO_LEVELS.match(line.strip()) if line.isupper() else None
    return [m.group("upper"), m.group("lower")] if m else [line]


def split_issuer(lines: list[str], scanned: bool = False, body: str = "") -> Issuer:
    """Group issuer lines into names: the last is the issuer, the one above it the parent.

    >>> split_issuer(["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"]).name
    'Ủy ban nhân dân tỉnh Lào Cai'
    >>> split_issuer(["UBND TỈNH NINH BÌNH", "SỞ TÀI CHÍNH"]).parent
    'UBND tỉnh Ninh Bình'

    After OCR (``scanned``), split words are mended, and a name is written as the gazetteer
    spells it ("BÔ CÔNG THƯƠNG" → "Bộ Công Thương") or else as the ``body`` text spells it.
    """
    names: list[list[str]] = []
    lines = [part for line in lines for part in _levels(line)]
    for line in lines:
        line = line.strip(" *.:;,_-–—|")  # OCR's specks at a line's ends: ". TRƯỜNG ĐẠI HỌC"
        line = _LOST_U.sub("ỦY", line)  # "Y BAN NHÂN DÂN TỈNH KON TUM": a copy lost the "Ủ"
        if scanned:
            line = unspeck(line)  # "SỞ NỘI VỤ te"
            line = _LONE_CONSONANT.sub(r"\1", line)
        if not line:
            continue
        if scanned and names and len(line) <= 3 and line.islower() and names[-1][-1].isupper():
            continue  # "te" on a line of its own under "SỞ NỘI VỤ": the rule under the name, read as letters
        starts_new = _starts_org(line, scanned) and not (names and _DANGLING.search(names[-1][-1]))
        if not names or starts_new:
            names.append([line])
        else:
            names[-1].append(line)
    joined = [normal_case(" ".join(n)) for n in names]
    if scanned:
        from extractors.agencies import canonical

        joined = [canonical(name).canonical or ocr_marks.mend(respell_from(name, body)) for name in joined]
    elif body:
        # a diacritic the header lost or a typist slipped ("Truyen thông", "Truyển thông") comes back from the
        # body's own spelling of the name, where it differs from the header only in its marks
        joined = [respell_from(name, body) for name in joined]
    if not joined:
        return Issuer()
    return Issuer(name=joined[-1], parent=" ".join(joined[:-1]) or None)


# a piece of a code: "2917", "/SGDĐT-VP", "15/2026/QĐ-UBND", "33-KH/TU", "/", "-HD/BTCTU"
_CODE_TOKEN = regex_cache.compile(r"^[/\-–]?[\wĐđ][\wĐđ&./\-–]*$|^[/\-–]$")


def _code_tokens(raw: str) -> str:
    """What follows "Số" up to where the code ends: OCR's stamp or signature noise after it ("01/TB-BGH á — .")
    is not part of it. A token of one lower-case letter, or one without a letter or digit, ends the code."""
    kept: list[str] = []
    for token in raw.split():
        if kept and (not _CODE_TOKEN.match(token) or (len(token) == 1 and token.isalpha() and token.islower())):
            break
        kept.append(token)
    return " ".join(kept) if kept else raw


class Code(NamedTuple):
    """Số and ký hiệu: ``number`` is None when blank or unreadable (``unreadable`` holds what was seen)."""

    number: str | None
    symbol: str | None
    code: str
    unreadable: str | None = None


def _respell_type_code(parts: Code) -> Code:
    """The type's abbreviation at the head of a ký hiệu as it is spelled, where OCR lost its mark ("QD-BTC" is
    "QĐ-BTC": no type is abbreviated "QD")."""
    if not parts.symbol:
        return parts
    head = re.split(r"[-/]", parts.symbol, maxsplit=1)[0]
    if patterns.type_from_code(head) is not None:
        return parts
    bare = strip_accents(head).upper()
    codes = (c for names in patterns.doc_types().values() for c in names)
    known = next((c for c in codes if strip_accents(c).upper() == bare), None)
    if known is None:
        return parts
    symbol = known + parts.symbol[len(head) :]
    return parts._replace(symbol=symbol, code=parts.code.replace(parts.symbol, symbol))


def parse_code(raw: str) -> Code:
    """(number, symbol, code) from what follows "Số".

    >>> parse_code("125/UBND-KT")[:3], parse_code("     /UBND-NC")[:3], parse_code("33-KH/TU")[:3]
    (('125', 'UBND-KT', '125/UBND-KT'), (None, 'UBND-NC', '/UBND-NC'), ('33', 'KH/TU', '33-KH/TU'))
    >>> parse_code("15/2026/QĐ-UBND")[:3]
    ('15', 'QĐ-UBND', '15/2026/QĐ-UBND')
    >>> parse_code("Á$3/KH-DCT")  # OCR of a handwritten number: the ký hiệu is still good
    Code(number=None, symbol='KH-DCT', code='/KH-DCT', unreadable='Á$3')
    """
    if lost := re.match(r"^(\d+)\s+([A-ZĐ][^\s/]*-\S+)$", raw.strip()):
        # "44 DN-UBND": OCR lost the "/" between số and ký hiệu; the code stays as printed
        return Code(lost.group(1), lost.group(2), lost.group(1) + lost.group(2))
    # a dash in a code is a hyphen, however the copy typed it ("2865/GDĐT –KT&KĐCL")
    code = re.sub(r"\s+", "", _code_tokens(raw)).rstrip(".,;").replace("–", "-").replace("—", "-")
    # Party form "33-KH/TU": the number is joined to the type by "-", the issuer follows "/"
    party = re.match(r"^(?P<n>[^/-]*)-(?P<sym>[^/-]+/.+)$", code)
    state = re.match(r"^(?P<n>[^/]*?)(?:/(?P<y>\d{4}))?/(?P<sym>.+)$", code)
    m = party or state
    if not m:
        return Code(None, code or None, code)
    number = m.group("n")
    # a number may carry a letter: "30c/NQ-CP", "36a/NQ-CP"
    if number and not (number.isdigit() or re.fullmatch(r"\d+[a-zđ]", number)):
        # not a number: handwriting or a smudge read by OCR; keep the ký hiệu, drop the guess
        return Code(None, m.group("sym"), code[len(number) :], unreadable=number)
    return Code(number or None, m.group("sym"), code)


# a trích yếu line that cannot end there: "... QUY CHẾ LÀM VIỆC CỦA", "... PHỐI HỢP GIỮA", "... TRỰC THUỘC",
# "(được sửa đổi, bổ sung bởi"
_LINKING_END = regex_cache.compile(
    r"(?:(?<!\w)(?:CỦA|VỀ|VÀ|CHO|VỚI|TẠI|THUỘC|GIỮA|ĐỐI VỚI|TRONG|TRÊN|CÁC|NĂM|BỞI)|[,\-–])$"
)
# A trích yếu goes on, however long, while it hangs on a linking word or an open bracket; up to these.
_MOST_HANGING_LINES = 16
_MOST_HANGING_CHARS = 1200


def _hanging(subject: list[str]) -> bool:
    """Is the trích yếu so far left unfinished: a linking word at its end, or a bracket not closed
    ("... (được sửa đổi, bổ sung bởi" / "Nghị định số 306/2025/NĐ-CP) tiếp tục có hiệu lực toàn bộ")?"""
    if not subject:
        return False
    text = " ".join(subject)
    return bool(_LINKING_END.search(subject[-1].upper())) or text.count("(") > text.count(")")


# the "Về" that opens a trích yếu, as OCR reads it: "và việc công bố ...", "Vẻ việc"
_OCR_VE_VIEC = regex_cache.compile(r"^[Vv]\w?\s+(?=việc\s)")


def _unquote(subject: str) -> str:
    """Quotes an old typist put around the whole trích yếu ('"Vv chế độ ... nhân dân"') go, and so does a stray
    one at either end; a quoted title that ends it stays whole ('phê duyệt Đề án “Phát triển du lịch”')."""
    s = subject.strip()
    if len(s) > 1 and s[0] in '"“' and s[-1] in '"”' and sum(s.count(q) for q in '"“”') == 2:
        return s[1:-1].strip()
    if sum(s.count(q) for q in '"“”') % 2:
        if s[:1] in '"“”':
            return s[1:].strip()
        if s[-1:] in '"“”':
            return s[:-1].strip()
    return s


def _is_subject_end(line: str, subject: list[str], party: bool = False) -> bool:
    """Where the trích yếu under a type name stops: running text, "Kính gửi", or an all-caps line
    (the thẩm quyền ban hành "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ..." of a quyết định; a Party document has
    none, and "HỘI NGHỊ LẦN THỨ BẢY" / "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH (KHÓA XVI)" is one trích yếu)."""
    # a web copy prints the trích yếu itself in capitals: a line in capitals under one goes on, unless it is
    # the thẩm quyền line
    # (an authority-like line still goes on after a line ending in a linking word: "... QUY CHẾ LÀM VIỆC CỦA" /
    # "ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG")
    caps_goes_on = (
        bool(subject)
        and _is_caps(subject[-1])
        and (party or not patterns.ISSUING_AUTHORITY.match(line) or bool(_LINKING_END.search(subject[-1])))
    )
    # ... and never goes on in a sentence that starts with a capital ("Thi hành Nghị định số ..."); a lower-case
    # word may carry on after it ("HỘI NGHỊ LẦN THỨ BẢY ..." / "về xây dựng hệ thống ...")
    # (but "Về việc ..." under "KẾT QUẢ KHẢO SÁT" goes on: it is the trích yếu's own second part)
    sentence_after_caps = (
        bool(subject)
        and _is_caps(subject[-1])
        and line[:1].isupper()
        and not _is_caps(line)
        and not patterns.SUBJECT_LINE.match(line)
    )
    return bool(
        patterns.KINH_GUI.match(line)
        or sentence_after_caps
        # "- Căn cứ Điều lệ Đảng ...": a Party document's căn cứ are bulleted; the trích yếu's own first line
        # may open with a verb ("HƯỚNG DẪN" / "Thực hiện quy trình, thủ tục ...") when it is short
        or re.match(r"^(?:[-–+•]\s*)?(Căn cứ|Thi hành|Xét|Ngày \d|\d+\.|[IVX]+\.)", line)
        or (bool(re.match(r"^(?:[-–+•]\s*)?(Thực hiện|Theo|Để|Nhằm)\b", line)) and (bool(subject) or len(line) > 160))
        # a long line is running text, but a trích yếu in capitals on one line (a web copy) is not
        or (len(line) > 250 and not _is_caps(line) and (bool(subject) or not patterns.SUBJECT_LINE.match(line)))
        or (line == line.upper() and subject and not caps_goes_on)
        or _too_long(subject)
    )


def _too_long(subject: list[str]) -> bool:
    """Past the length of a trích yếu (8 lines, 450 characters), unless it still hangs, up to a larger bound."""
    chars = sum(len(x) for x in subject)
    if len(subject) < 8 and chars <= 450:
        return False
    return not (_hanging(subject) and len(subject) < _MOST_HANGING_LINES and chars < _MOST_HANGING_CHARS)


def _is_caps(line: str) -> bool:
    """A line in capitals: "TRIỂN KHAI CÁC GIẢI PHÁP", "VỀ"; not "2020"."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _new_sentence(line: str, last: str) -> bool:
    """Does ``line``, opening the next paragraph, start a sentence of its own after the trích yếu line ``last``
    (both in sentence case, the trích yếu not left hanging on a linking word)?"""
    return (
        line[:1].isupper()
        and not _is_caps(line)
        and not _is_caps(last)
        and not _LINKING_END.search(last.upper())
        and not patterns.SUBJECT_LINE.match(line)
    )


def _typed_title(layout: Layout, party: bool = False) -> tuple[str | None, list[str]]:
    """A typed document's name ("KẾ HOẠCH") and the trích yếu lines under it."""
    body = layout.zone("body")[:10]
    for i, para in enumerate(body):
        lines = [ln.strip() for ln in para.lines if ln.strip()]
        if not lines:
            continue
        doc_type = patterns.type_from_title(lines[0])
        if doc_type is None and (head := patterns.type_head(lines[0])):
            # the type name and its trích yếu on one line: "HƯỚNG DẪN VỀ THỂ THỨC VĂN BẢN", "BÁO CÁO KẾT QUẢ KHẢO SÁT"
            doc_type = patterns.type_from_title(lines[0][:head])
            lines = [lines[0][:head], lines[0][head:].strip(), *lines[1:]]
        if doc_type is None:
            continue
        subject: list[str] = []
        runs = [lines[1:]] + [
            [ln.strip() for ln in nxt.lines if ln.strip()]
            for nxt in body[i + 1 : i + 9]
            # the trích yếu is bold under a bold type name; plain text after it is the body
            if not (para.bold and nxt.bold is False)
        ]
        flat = [(k, j, ln) for k, run in enumerate(runs) for j, ln in enumerate(run)]
        for n, (k, j, line) in enumerate(flat):
            if _is_subject_end(line, subject, party):
                break
            # the thẩm quyền line broken after its first word by a copy ("ỦY" / "BAN NHÂN DÂN TỈNH QUẢNG BÌNH")
            if subject and not party and n + 1 < len(flat) and _authority_rejoined(line, flat[n + 1][2]):
                if not _LINKING_END.search(subject[-1]):
                    break
            if k and not j and subject and _new_sentence(line, subject[-1]) and not _hanging(subject):
                break  # a paragraph of its own opening with a capital: the body ("Nhân dịp Đại hội ...")
            if not subject and (v := patterns.SUBJECT_LINE.match(line)) and not line.lower().startswith("về"):
                line = v.group("rest")  # "QUYẾT ĐỊNH / V/v trợ cấp ...": the trích yếu without "V/v"
                if v.group("paren"):
                    subject.append(line)
                    break  # "(V/v Tăng cường ...)": the bracket closes the trích yếu
            subject.append(line)  # a web copy may print the trích yếu in capitals: kept as printed
        return doc_type, subject
    return None, []


_URGENCY: dict[str, Urgency] = {"KHẨN": "Khẩn", "THƯỢNG KHẨN": "Thượng khẩn"}
_CONFIDENTIALITY: dict[str, Confidentiality] = {"MẬT": "Mật", "TỐI MẬT": "Tối mật", "TUYỆT MẬT": "Tuyệt mật"}


def _marks(header: HeaderLines, layout: Layout) -> tuple[Urgency | None, Confidentiality | None]:
    candidates = header.marks + [ln.strip() for p in layout.zone("body")[:4] for ln in p.lines]
    urgency: Urgency | None = None
    confidentiality: Confidentiality | None = None
    for line in candidates:
        if urgency is None and (m := patterns.URGENCY.match(line)):
            word = re.sub(r"\s+", " ", m.group(1)).upper()
            urgency = _URGENCY.get(word, "Hỏa tốc")
        if confidentiality is None and (m := patterns.CONFIDENTIALITY.match(line)):
            confidentiality = _CONFIDENTIALITY[re.sub(r"\s+", " ", m.group(1)).upper()]
    return urgency, confidentiality


@dataclass
class Header:
    """What the header stage finds: the record's header fields and the warnings about them."""

    issuer: Issuer = field(default_factory=Issuer)
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    code: str | None = None
    place: str | None = None
    issued_date: str | None = None
    subject: str | None = None
    urgency: Urgency | None = None
    confidentiality: Confidentiality | None = None
    warnings: list[str] = field(default_factory=list)


def extract(layout: Layout) -> Header:
    """The header fields of ``layout``, with a warning for each part that could not be read.

    Raises :class:`NotAnOfficialDocument` when nothing of an official header is there.
    """
    header = sort_header(layout)
    if not (header.national or header.number or header.place_date):
        raise NotAnOfficialDocument(
            layout.path, "no official header found (no quốc hiệu, no 'Số:' line, no place and date)"
        )
    out = Header()
    body = " ".join(p.text for p in layout.zone("body"))
    out.issuer = split_issuer(header.issuer, scanned=layout.scanned, body=body)
    if (out.issuer.name is None or _BARE_BODY.match(out.issuer.name)) and (authority := _issuing_authority(layout)):
        # a converter dropped the header's left column, or its second line ("ỦY BAN NHÂN DÂN" / "TỈNH NINH BÌNH"):
        # the thẩm quyền line under the title names the issuer whole
        if out.issuer.name is None or authority.lower().startswith(out.issuer.name.lower()):
            out.issuer = Issuer(name=authority, parent=out.issuer.parent)
    if out.issuer.name and _BARE_BODY.match(out.issuer.name):
        out.warnings.append(
            f"Tên cơ quan ban hành thiếu địa danh ({out.issuer.name}): dòng thứ hai của ô tên cơ quan có thể đã mất "
            "khi sao chép (the issuer's name has no place: its second header line may have been lost in the copy)."
        )
    if out.issuer.name is None:
        out.warnings.append("Không đọc được tên cơ quan ban hành (issuer not found in the header).")
    if header.number is not None:
        parts = parse_code(header.number)
        if layout.scanned:
            parts = _respell_type_code(parts)
        out.number, out.symbol, out.code = parts.number, parts.symbol, parts.code
        if parts.unreadable:
            out.warnings.append(
                f"Số văn bản không đọc được ('{parts.unreadable}'): có thể viết tay hoặc bị mờ "
                "(the number could not be read: handwritten or blurred)."
            )
        elif out.number is None:
            out.warnings.append(
                "Số văn bản để trống: có thể là bản chưa đóng số (number left blank: possibly a draft or an "
                "unregistered copy)."
            )
    else:
        out.warnings.append("Không tìm thấy dòng 'Số:' (document number not found).")
    if header.place_date:
        m = patterns.PLACE_DATE.search(header.place_date) or _PLACE.match(header.place_date)
        # the stars under a Party or Youth Union heading, run onto the place ("*** TP. Hồ Chí Minh, ngày ...")
        out.place = m.group("place").strip().lstrip("*_-–—·. ").strip() or None if m else None
        found = parse_long(header.place_date)
        out.issued_date = found.iso if found else None
        appendix = _appendix_date(layout, out.symbol, out.issued_date)
        if appendix:
            out.issued_date = appendix
            out.warnings.append(
                f"Ngày ban hành lấy từ dòng 'Kèm theo' của phụ lục ({appendix}): ngày ở phần đầu để trống hoặc viết "
                "tay (issue date taken from the appendix's 'Kèm theo' line: the header's date is blank or handwritten)."
            )
        elif found and len(found.iso) < 10:
            out.warnings.append(
                f"Ngày ban hành chưa đầy đủ ({found.iso}): ngày/tháng để trống (issue date left partly blank)."
            )
    else:
        out.warnings.append("Không tìm thấy địa danh và ngày ban hành (place and date not found).")
    doc_type, typed_subject = _typed_title(layout, header.party)
    if header.subject:
        out.subject = " ".join(header.subject)
        # a Party document's trích yếu stands under its number: its type, when no title names it, is
        # the one its ký hiệu names ("445-KL/TU": Kết luận); a công văn's ký hiệu names none
        out.doc_type = doc_type or patterns.type_from_code(out.symbol or "") or "Công văn"
    elif doc_type:
        out.doc_type = doc_type
        out.subject = " ".join(typed_subject) or None
    else:
        guessed = patterns.type_from_code(out.symbol or "")
        out.doc_type = guessed or "Công văn"
        out.warnings.append(
            "Không thấy tên loại văn bản; suy ra từ ký hiệu "
            f"(document type not printed; taken from the code: {out.doc_type})."
        )
    if out.subject:
        # quotes an old typist put around the trích yếu ('"Vv chế độ ... nhân dân"') are not part of it, nor the
        # colon of a "V/v" printed on a line of its own ("V/v" / ": Thực hiện quy định về hóa đơn.")
        out.subject = _unquote(re.sub(r"\s+", " ", out.subject)).lstrip(": ") or None
        if out.subject and layout.scanned:  # OCR's slips of a mark in its set phrases ("Sửa đối, bỗ sung")
            out.subject = ocr_marks.mend(_OCR_VE_VIEC.sub("Về ", out.subject))
    out.urgency, out.confidentiality = _marks(header, layout)
    return out
