"""The language data of the fixed parts of an official document (thể thức): every cue phrase the readers, the
document grammar (:mod:`pipeline.grammar`) and the header / closing extractors test a line against, in one
place — the quốc hiệu, "Số:", the place and date, "V/v", "Kính gửi", "Nơi nhận", the signing prefixes, the type
names, a web page's title and notes, a Công báo running head, a digital-signature note, a receiving stamp.

Each pattern has an example of what it matches beside it; ``tests/test_header.py`` and ``tests/test_grammar.py``
hold more.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from pipeline import regex_cache
from pipeline.normalize import strip_accents


@cache
def doc_types() -> dict[str, list[str]]:
    """Tên loại văn bản → ký hiệu codes, from ``extractors/data/doc_types.json`` (loaded once)."""
    data = json.loads(resources.files("extractors").joinpath("data/doc_types.json").read_text("utf-8"))
    types: dict[str, list[str]] = data["types"]
    return types


@cache
def _type_by_upper() -> dict[str, str]:
    return {name.upper(): name for name in doc_types()}


@cache
def _type_by_code() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, codes in doc_types().items():
        for code in codes:
            out.setdefault(code.upper(), name)
    return out


def type_from_title(line: str) -> str | None:
    """ "KẾ HOẠCH" → "Kế hoạch"; a line that is only a type name in capitals (a colon after it, as in
    "QUYẾT ĐỊNH:" before the articles, is not a title). An OCR'd or re-typed title whose letters
    came apart or lost a mark is still the type: "K ÉT LUẬN" → "Kết luận", "Q U Y Ế T  Đ Ị N H",
    "KE HOACH" (compared without marks and spaces, where no two type names fold alike).

    >>> type_from_title("K ÉT LUẬN"), type_from_title("KẾT LUẬN:"), type_from_title("Kế hoạch")
    ('Kết luận', None, None)
    """
    s = re.sub(r"\s+", " ", line.strip().strip("*").strip())
    if not s or s != s.upper() or s.endswith(":"):
        return None
    return _type_by_upper().get(s) or (_type_by_folded().get(_folded(s)) if len(s) <= 40 else None)


def _folded(text: str) -> str:
    return re.sub(r"[\s.]+", "", strip_accents(text).upper()).replace("Đ", "D")


@cache
def _type_by_folded() -> dict[str, str]:
    seen: dict[str, list[str]] = {}
    for name in doc_types():
        seen.setdefault(_folded(name), []).append(name)
    return {key: names[0] for key, names in seen.items() if len(names) == 1}


def is_type_line(line: str) -> bool:
    return type_from_title(line) is not None


def type_from_code(symbol: str) -> str | None:
    """The type a ký hiệu names: "KH-UBND" → "Kế hoạch", "KH/TU" → "Kế hoạch", "UBND-NC" → None."""
    head = re.split(r"[-/]", symbol, maxsplit=1)[0]
    return _type_by_code().get(head.upper())


# "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ĐẢNG CỘNG SẢN VIỆT NAM",
# matched without diacritics so OCR damage ("CỌNG HÒA XÃ HỘI", "CỘNG HÒA XàHỘI") still finds the quốc hiệu
# and the Youth Union's "ĐOÀN TNCS HỒ CHÍ MINH", which heads its documents as the Party's title heads the
# Party's (right of the committee, "Số: 225-KH/TWĐTN"): only in capitals and not after a word that cites it
# ("... văn bản của Đoàn TNCS Hồ Chí Minh", "CỦA ĐOÀN TNCS HỒ CHÍ MINH" in a trích yếu)
_YOUTH_UNION_BARE = (
    r"(?-i:(?<!CUA )(?<!VE )(?<!CHO )(?<!VOI )(?<!TRONG )"
    r"DOAN\s+(?:TNCS|THANH\s+NIEN\s+CONG\s+SAN)\s+HO\s+CHI\s+MINH(?![A-Za-z]))"
)
NATIONAL_TITLE_BARE = regex_cache.compile(
    r"CONG\s*HOA\s+XA\s*HOI|DOC\s+LAP\s*[-–—]?\s*TU\s+DO|DANG\s+CONG\s+SAN\s+VIET\s+NAM|" + _YOUTH_UNION_BARE,
    re.IGNORECASE,
)
_PARTY_TITLE_BARE = regex_cache.compile(r"DANG\s+CONG\s+SAN\s+VIET\s+NAM|" + _YOUTH_UNION_BARE, re.IGNORECASE)


# A copy that lost every hyphen (a document-sharing site's PDF-to-text): the tiêu ngữ with nothing between its
# three parts, "Độc lập  Tự do  Hạnh phúc", and every code glued, "1961/QĐUBND", "61/2018/NĐCP", "445KL/TU"
MOTTO_WITHOUT_DASHES = regex_cache.compile(r"Độc\s+lập\s+Tự\s+do\s+Hạnh\s+phúc", re.IGNORECASE)


@cache
def glued_codes() -> re.Pattern[str]:
    """A ký hiệu whose hyphen is gone: the type's code glued to the issuer's ("1961/QĐUBND" → groups
    "1961/", "QĐ", "UBND"), or a Party number to its type ("445KL/TU" → "445", "KL", "/TU")."""
    codes = sorted({c for cs in doc_types().values() for c in cs}, key=len, reverse=True)
    types = "|".join(re.escape(c) for c in codes)
    return regex_cache.compile(
        rf"(?<![\w/])(?P<head>\d+[a-zđ]?/(?:\d{{4}}/)?)(?P<type>{types})(?P<issuer>[A-ZĐ][A-ZĐ&]*[a-z]?[A-ZĐ]*)(?![\w-])"
        rf"|(?<![\w/])(?P<number>\d+)(?P<ptype>{types})(?P<party>/[A-ZĐ]{{2,}})(?![\w-])"
    )


def restore_hyphens(text: str) -> str:
    """``text`` with the hyphens of its codes put back, when its tiêu ngữ shows they were all lost.

    >>> restore_hyphens("Độc lập  Tự do  Hạnh phúc\\nSố: 1961/QĐUBND; Nghị định 61/2018/NĐCP; Số 445KL/TU")
    'Độc lập  Tự do  Hạnh phúc\\nSố: 1961/QĐ-UBND; Nghị định 61/2018/NĐ-CP; Số 445-KL/TU'
    """
    if not MOTTO_WITHOUT_DASHES.search(text):
        return text

    def put_back(m: re.Match[str]) -> str:
        if m.group("number"):
            return f"{m.group('number')}-{m.group('ptype')}{m.group('party')}"
        if len(m.group("issuer")) < 2:
            return m.group()
        return f"{m.group('head')}{m.group('type')}-{m.group('issuer')}"

    return glued_codes().sub(put_back, text)


# the whole quốc hiệu, accents stripped: "CONG HOA XA HOI CHU NGHIA VIET NAM"
_QUOC_HIEU_BARE = regex_cache.compile(r"^\s*CONG\s*HOA\s+XA\s*HOI\s+CHU\s*NGHIA\s+VIET\s*NAM\s*", re.IGNORECASE)


def after_quoc_hieu(line: str) -> str:
    """What a line holds after the whole quốc hiệu: the issuer's second line, when a copy ran the header's two
    columns into one ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM SỞ GIÁO DỤC VÀ ĐÀO TẠO"); "" when nothing follows.

    >>> after_quoc_hieu("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    'SỞ GIÁO DỤC VÀ ĐÀO TẠO'
    """
    bare = strip_accents(line)
    m = _QUOC_HIEU_BARE.match(bare) if len(bare) == len(line) else None
    return line[m.end() :].strip() if m else ""


def is_national_title(line: str) -> bool:
    """Quốc hiệu, tiêu ngữ or the Party's title line (never part of the issuer)."""
    return bool(NATIONAL_TITLE_BARE.search(strip_accents(line)))


def opens_with_national_title(line: str) -> bool:
    """A line that is the quốc hiệu, tiêu ngữ or Party title, not a sentence citing it ("Căn cứ Hiến pháp nước
    Cộng hòa xã hội chủ nghĩa Việt Nam")."""
    return len(line) <= 60 and bool(NATIONAL_TITLE_BARE.match(strip_accents(line.strip())))


def is_party_title(line: str) -> bool:
    """ "ĐẢNG CỘNG SẢN VIỆT NAM": the document is a Party document."""
    return bool(_PARTY_TITLE_BARE.search(strip_accents(line)))


# "Lào Cai, ngày 05 tháng 3 năm 2026", "Hà Nội, ngày    tháng    năm 2026"
# and as OCR glues the day to it: "Tp. Hồ Chí Minh, ngày22tháng 01 năm 2013"
PLACE_DATE = regex_cache.compile(r"^(?P<place>[^,\d]{2,60}?)\s*,\s*ngày(?:\b|(?=\d)).*\bnăm\b", re.IGNORECASE)
# the start of a place-and-date line that wrapped before "năm": "Thành phố Hồ Chí Minh, ngày 05"
PLACE_DATE_START = regex_cache.compile(r"^[^,\d]{2,60}?\s*,\s*ngày(?:\b|(?=\d))", re.IGNORECASE)


def join_wrapped_date(lines: list[str]) -> list[str]:
    """Join a place-and-date line that a narrow cell wrapped ("..., ngày 05 tháng 3" / "năm 2026")."""
    out: list[str] = []
    for line in lines:
        if out and PLACE_DATE_START.match(out[-1]) and not PLACE_DATE.search(out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


# a place-and-date one space after the number, as a converter joins the two cells of a row:
# "Số: 454/UBND-NCTH Vị Thanh, ngày 6 tháng 4 năm 2011" (the place starts with a capital; no place holds a "/",
# while a ký hiệu printed with spaces does: "Số: 225 - KH/TWĐTN-CTTN Hà Nội, ngày 16 tháng 5 năm 2024")
PLACE_DATE_INSIDE = regex_cache.compile(r"\s(?=[A-ZĐÀ-Ỹ][^,\d/]{1,58}?,\s*ngày\b.*\bnăm\b)")
# a decorative rule glued to a cell's text: "Số: 131/2018/TT-BTC ---------------", "------- Độc lập - Tự do"
_RULE_EDGE = regex_cache.compile(r"^[-_=*]{3,}\s+|\s+[-_=*]{3,}$")


def split_side_by_side(line: str) -> list[str]:
    """A header line holding both cells of a row, one space apart, split into its cells' texts.

    >>> split_side_by_side("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    ['ỦY BAN NHÂN DÂN', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']
    >>> split_side_by_side("Số: 73/UBND-TH Hậu Giang, ngày 12 tháng 1 năm 2018")
    ['Số: 73/UBND-TH', 'Hậu Giang, ngày 12 tháng 1 năm 2018']
    """
    line = _RULE_EDGE.sub("", line.strip())
    bare = strip_accents(line)
    m = NATIONAL_TITLE_BARE.search(bare) if len(bare) == len(line) else None
    if m and line[: m.start()].strip():
        return [*split_side_by_side(line[: m.start()]), line[m.start() :].strip()]
    if NUMBER_LINE.match(line) and (d := PLACE_DATE_INSIDE.search(line)):
        return [line[: d.start()].strip(), line[d.end() :].strip()]
    return [line] if line else []


# "Số: 125/UBND-KT", "Số 33-KH/TU", "Số:     /UBND-NC", "Số : 2917 /SGDĐT-VP", "Số: 15/2026/QĐ-UBND",
# and OCR's "Số: Á$3/KH-DCT" (a handwritten number): everything after "Số" that holds a "/" or "-"
# and OCR's "Số : 44 DN-UBND" (the "/" lost): a number, a space, a ký hiệu with a "-"
# and as an older document or the Quốc hội's prints it, after its type: "Nghị quyết số: 653/2019/UBTVQH14"
NUMBER_LINE = regex_cache.compile(
    r"^(?:(?:Nghị\s+quyết|Quyết\s+định|Chỉ\s+thị|Nghị\s+định|Thông\s+tư|Pháp\s+lệnh|Luật)\s+(?=số\s*:))?"
    r"Số\s*[:;.]?\s*(?P<code>[^\s/-]*\s*[/-].*?|\d+\s+[A-ZĐ][^\s/]*-\S+)\s*$",
    re.IGNORECASE,
)
# "V/v tiếp tục triển khai ...", "V/v: ...", "V/V ...", "Về việc ..." (V/v abbreviates "về việc";
# the trích yếu is kept without it)
# and as OCR and old typists leave it: "Vv chế độ ...", "V.v ...", in quotes: '"Vv chế độ ...',
# and "Về: tham gia ý kiến ..."
SUBJECT_LINE = regex_cache.compile(
    r"^(?:[\"“]|(?P<paren>\())?(?:V\s*[/.]?\s*[vV]\b|Về\s+việc\b|Về(?=\s*:))\s*:?\s*(?P<rest>.*?)(?(paren)\)|)$"
)  # and in brackets: "(V/v Tăng cường giám sát trong phòng thi)"
# "Kính gửi: Sở Y tế.", "Kính gửi:", "Kính gửi - Bộ Nội vụ;", and as a copy glues it: "Kínhgửi: Sở Tài chính"
KINH_GUI = regex_cache.compile(r"^Kính\s*gửi\s*:?\s*(?P<rest>.*)$", re.IGNORECASE | re.S)
# "Nơi nhận:", "Nơi nhận :", "- Nơi nhận:", and as OCR drops a mark: "Noi nhận:", "Nơi nhân:"
NOI_NHAN = regex_cache.compile(r"^[-\s]*N[oơ]i\s*nh[aậâ]n\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
# "Lưu: VT, NC (Ng).", "Lưu VPĐU.", "- Lưu: VT."
LUU = regex_cache.compile(r"^[-\s]*Lưu\b", re.IGNORECASE)
# signer authority: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "T/M BAN THƯỜNG VỤ", "TL. BỘ TRƯỞNG", "Q. GIÁM ĐỐC"
# and with the space after the dot lost: "TM.UBND XÃ ĐỨC TÂN"
AUTHORITY_LINE = regex_cache.compile(
    r"^(?P<auth>TM|KT|TL|TUQ|Q|T/M|K/T|T/L|T\.M|K\.T|T\.L)(?:\s*[./]\s*|\s+)(?P<rest>[A-ZĐÀ-Ỹ].*)$"
)
# the thẩm quyền ban hành line between a quyết định's trích yếu and its căn cứ, in capitals: "CHỦ TỊCH ỦY BAN NHÂN
# DÂN TỈNH LÂM ĐỒNG", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", "GIÁM ĐỐC SỞ ...", "BỘ TRƯỞNG BỘ TÀI CHÍNH", "BAN THƯỜNG VỤ TỈNH
# ỦY"; a trích yếu printed in capitals over several lines ends where one starts
ISSUING_AUTHORITY = regex_cache.compile(
    r"^(?:CHỦ\s+TỊCH|ỦY\s+BAN|UBND|HỘI\s+ĐỒNG|HĐND|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|GIÁM\s+ĐỐC|(?:TỔNG\s+)?CỤC\s+TRƯỞNG"
    r"|VIỆN\s+TRƯỞNG|HIỆU\s+TRƯỞNG|CHÁNH\s|TRƯỞNG\s+BAN|BAN\s+THƯỜNG\s+VỤ|BAN\s+CHẤP\s+HÀNH|BỘ\s+CHÍNH\s+TRỊ"
    r"|BAN\s+BÍ\s+THƯ|CHÍNH\s+PHỦ|TỈNH\s+ỦY|THÀNH\s+ỦY|HUYỆN\s+ỦY|ĐẢNG\s+ỦY)\b"
)
# urgency and confidentiality marks (độ khẩn, độ mật), alone on a line
URGENCY = regex_cache.compile(r"^(HỎA\s+TỐC(?:\s+HẸN\s+GIỜ)?|THƯỢNG\s+KHẨN|KHẨN)$", re.IGNORECASE)
CONFIDENTIALITY = regex_cache.compile(r"^(TUYỆT\s+MẬT|TỐI\s+MẬT|MẬT)$", re.IGNORECASE)

AUTHORITY_CANON = {
    "TM": "TM.", "T/M": "TM.", "T.M": "TM.",
    "KT": "KT.", "K/T": "KT.", "K.T": "KT.",
    "TL": "TL.", "T/L": "TL.", "T.L": "TL.",
    "TUQ": "TUQ.", "Q": "Q.",
}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# What a PDF or a scan prints that is not the document (pipeline.readers.pdf, pipeline.readers.ocr):
# digital-signature notes, the Công báo's running head, the receiving office's "ĐẾN" stamp.
# Matched on text without diacritics (strip_accents), so OCR's lost marks still match.
# (Self-contained section of the PDF/OCR readers; to be merged into the language-data module.)
# ---------------------------------------------------------------------------------------------

# a line of a digital-signature note (chữ ký số) that a signing system prints over the signed copy:
# "Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "Email: thongtinchinhphu@chinhphu.vn", "Cơ quan: VĂN PHÒNG CHÍNH PHỦ",
# "Thời gian ký: 29.04.2026 16:35:55 +07:00", "Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
# "Ngày ký: 2026-02-05 16:36:10 +07:00", "Chức vụ: Phó Chủ tịch", "Đơn vị: Sở Nội vụ"
SIGNATURE_NOTE_LINE_BARE = regex_cache.compile(
    r"^(?:Nguoi\s*ky|Ky\s*boi|E-?mail|Co\s*quan|Chuc\s*vu|Don\s*vi|Thoi\s*gian\s*ky|Ngay\s*(?:gio\s*)?ky)\s*:",
    re.IGNORECASE,
)
# the two lines that make a block of such lines a signature note: who signed ("Người ký: ...", "Ký bởi: ...")
# and when ("Thời gian ký: ...", "Ngày ký: ...")
SIGNATURE_NOTE_SIGNER_BARE = regex_cache.compile(r"^(?:Nguoi\s*ky|Ky\s*boi)\s*:", re.IGNORECASE)
SIGNATURE_NOTE_TIME_BARE = regex_cache.compile(r"^(?:Thoi\s*gian\s*ky|Ngay\s*(?:gio\s*)?ky)\s*:", re.IGNORECASE)
# the Công báo's running head over each page of a reprint (its page number beside it is the gazette's):
# "CÔNG BÁO/Số 302/Ngày 02-06-2026", "CÔNG BÁO/Số 88 + 89/Ngày 06-02-2026", "CÔNG BÁO / Số 302 / Ngày 02 - 06 - 2026"
GAZETTE_HEAD_BARE = regex_cache.compile(
    r"^CONG\s*BAO\s*[/|]?\s*So\s*[\d\s+]+[/|]?\s*Ngay\s*\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}$", re.IGNORECASE
)
# the receiving office's stamp (dấu "ĐẾN", văn bản đến) on a scanned copy, its title alone on a line:
# "ĐẾN", "ĐẾN:", "CÔNG VĂN ĐẾN", "VĂN BẢN ĐẾN"
RECEIVED_TITLE_BARE = regex_cache.compile(r"^(?:(?:CONG\s*VAN|VAN\s*BAN)\s+)?DEN\s*:?$")
# its fields, each alone on its line as the stamp prints them and a clerk fills them in: "Số: 1234", "Số đến: 1234",
# "Ngày: 05/5/2026", "Ngày 05.5.26", "Giờ: 9h30", "Giờ: 14:05", "Giờ 9 giờ 30", "Chuyển: P. Tổng hợp",
# "Lưu hồ sơ số: 12"
RECEIVED_NUMBER_BARE = regex_cache.compile(r"^So\s*(?:den)?\s*[:.]?\s*(?P<value>\d{1,6})\s*$", re.IGNORECASE)
RECEIVED_DATE_BARE = regex_cache.compile(
    r"^Ngay\s*(?:den)?\s*[:.]?\s*(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>\d{2}|\d{4})\s*$",
    re.IGNORECASE,
)
RECEIVED_TIME_BARE = regex_cache.compile(
    r"^Gio\s*(?:den)?\s*[:.]?\s*(?P<hour>\d{1,2})\s*(?:(?:h|g|gio|:|\.)\s*(?P<minute>\d{1,2})?)?\s*(?:phut|p)?\s*$",
    re.IGNORECASE,
)
RECEIVED_OTHER_BARE = regex_cache.compile(r"^(?:Chuyen|Luu\s*ho\s*so(?:\s*so)?)\s*[:.]", re.IGNORECASE)


# words that open an organisation's name: a header line starting with one begins a new level
# ("UBND TỈNH NINH BÌNH" / "SỞ TÀI CHÍNH" are two levels; "ỦY BAN NHÂN DÂN" / "TỈNH LÀO CAI" one)
ORG_HEADS = (
    "SỞ", "BỘ", "BAN", "CỤC", "TỔNG CỤC", "CHI CỤC", "VỤ", "VIỆN", "HỌC VIỆN", "TRƯỜNG", "ĐẠI HỌC",
    "TRUNG TÂM", "VĂN PHÒNG", "PHÒNG", "THANH TRA", "KHO BẠC", "CÔNG AN", "BỘ CHỈ HUY", "BỆNH VIỆN",
    "HỘI", "LIÊN ĐOÀN", "ĐOÀN", "TẬP ĐOÀN", "CÔNG TY", "ỦY BAN", "UBND", "HĐND", "HỘI ĐỒNG", "ĐẢNG ỦY",
    "ĐẢNG BỘ", "TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY", "CHI BỘ", "CHÍNH PHỦ", "QUỐC HỘI", "THỦ TƯỚNG", "BÁO",
    "ĐÀI", "QUỸ", "ĐẢNG ĐOÀN", "BAN CÁN SỰ", "CÔNG ĐOÀN", "LIÊN HIỆP", "HỢP TÁC XÃ", "NGÂN HÀNG",
    "TIỂU BAN", "TỔ CÔNG TÁC", "CHI NHÁNH", "TÒA ÁN", "MẶT TRẬN", "BẢO HIỂM XÃ HỘI", "NHÀ XUẤT BẢN",
    "THƯ VIỆN", "PHÂN HIỆU",
)  # fmt: skip
_ORG_HEAD = regex_cache.compile(r"^(?:" + "|".join(ORG_HEADS) + r")\b")
_HEAD_KEYS = tuple(strip_accents(h).replace(" ", "") for h in ORG_HEADS)


def starts_org_name(line: str, loose: bool = False) -> bool:
    """Does ``line`` open an organisation's name ("SỞ TÀI CHÍNH", "Ủy ban nhân dân tỉnh")? Case does not
    matter; ``loose`` also ignores diacritics and spaces, for OCR ("BÔ CÔNG THƯƠNG", "TRƯỜN G ĐẠI HỌC")."""
    if _ORG_HEAD.match(line.upper()):
        return True
    return loose and strip_accents(line.upper()).replace(" ", "").startswith(_HEAD_KEYS)


# ---------------------------------------------------------------------------------------------
# The document grammar's cues (pipeline.grammar): where the header ends, where the closing begins,
# what a line of the page is. One copy each; readers never test these themselves.
# ---------------------------------------------------------------------------------------------

# running text that opens the body: "Căn cứ Luật ...", "Thực hiện Kế hoạch số ...", "Theo đề nghị của ...",
# "Xét đề nghị ...", "Để triển khai ...", "Nhằm ...", "Ngày 05/3/2026, ...", "Trong thời gian qua, ...",
# "Trên cơ sở ...", "Qua kiểm tra ...", "Tiếp theo Công văn ...", "Sau khi ..." (and a Party document's bulleted
# căn cứ: "- Căn cứ Điều lệ Đảng;")
BODY_OPENING = regex_cache.compile(
    r"^(?:[-–+•]\s*)?(?:Căn\s+cứ|Thực\s+hiện|Thi\s+hành|Theo\b|Xét\b|Để\b|Nhằm\b|Ngày\s+\d|Trong\b|Trên\s+cơ\s+sở"
    r"|Qua\b|Tiếp\s+theo|Sau\s+khi|Hiện\s+nay|Vừa\s+qua|Năm\s+\d{4},)"
)
# two Nơi nhận entries a copy ran onto one line: "- Chủ tịch, các PCT UBND tỉnh (để b/c);- CVP, các PCVP ..."
RUN_ON_ENTRY = regex_cache.compile(r"(?<=;)\s*(?=[-–+•]\s*\S)")


# the line that opens a quyết định's articles, always a paragraph of its own: "QUYẾT ĐỊNH:", "QUYẾT NGHỊ:"
DECIDES_LINE = regex_cache.compile(r"^\s*(?:QUYẾT\s+ĐỊNH|QUYẾT\s+NGHỊ)\s*:\s*$")


@cache
def office_at_end() -> re.Pattern[str]:
    """A line that ends on an office whose body is on the next line: "... Tờ trình số 42/TTr-VPUB ngày 06/11/2018
    của Chánh Văn phòng" / "Ủy ban nhân dân tỉnh, ..." (one sentence wrapped, not two paragraphs). The offices are
    the references' ``issuer_titles`` (``data/instruments.json``): the same words that open an issuer there."""
    data = json.loads(resources.files("extractors").joinpath("data/instruments.json").read_text("utf-8"))
    titles = sorted(data["issuer_titles"], key=len, reverse=True)
    words = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in titles)
    return regex_cache.compile(rf"(?<![^\W\d_])của\s+(?:{words})\s*$")


# names that hold " - " between two words: a line that ends on the first half and a line that opens "- " with the
# second are one line wrapped ("Xét đề nghị của Giám đốc Sở Lao động" / "- Thương binh và Xã hội tại Tờ trình ..."),
# not a line and a bullet
HYPHENATED_NAME = regex_cache.compile(
    r"(?:Lao\s+động|Phát\s+thanh|Kinh\s+tế|Văn\s+hóa|Văn\s+hoá|Thi\s+đua|Quốc\s+phòng|Tài\s+chính|Khoa\s+học)\s*\n"
    r"[-–]\s*(?:Thương\s+binh|Truyền\s+hình|Xã\s+hội|Khen\s+thưởng|An\s+ninh|Ngân\s+sách|Kế\s+hoạch|Công\s+nghệ)\b",
    re.IGNORECASE,
)


# a numbered or bulleted item: "1. ", "1.2. ", "2) ", "a) ", "đ) ", "II. ", "IV- ", "- ", "+ ", "• ", "Điều 3.",
# "Chương II", "Mục 3", "Phần I", "Bước 1"
ITEM_START = regex_cache.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ][).]\s|[IVXLC]{1,6}[.)\-]\s|[-–+•●▪◦*]\s*\S"
    r"|(?:Điều|Chương|Mục|Phần|Bước)\s+[\dIVXLC]+\b)"
)
# a numbered heading or item that cannot be in a header cell: "1. ", "II. " (bullets may be: a Kính gửi list)
NUMBERED_ITEM = regex_cache.compile(r"^(?:\d+\.|[IVX]+\.)\s")
# the closing formula that ends the body: "... nghiêm túc thực hiện./.", "... để biết, thực hiện./."
CLOSING_FORMULA = regex_cache.compile(r"\./\.\s*$")
# a line that ends a sentence: "... năm 2026.", "... như sau:", "...;", "... (Có danh sách kèm theo)"
SENTENCE_END = regex_cache.compile(r"[.:;!?…)\]”\"]\s*$|\./\.$")
# a page number or a converter's page mark alone on a line: "2", "- 2 -", "Trang 2", "2/5", "--- PAGE BREAK ---",
# "--- Page 3 ---", "=== Trang 2 ==="
PAGE_MARK = regex_cache.compile(
    r"^(?:[-–]\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–])?$"
    r"|^[-=#\s]*(?:page\s*break|page\s+\d{1,3}|trang\s+\d{1,3})[-=#\s]*$",
    re.I,
)
# a decorative rule drawn with characters: "_______", "-----", "=====", "***", the Party header's lone "*"
RULE_LINE = regex_cache.compile(r"^[\s_\-‐‑–—=*·•~.]{1,120}$")
# a footnote's own marker at the head of its text: "¹ Kế hoạch số ...", "[^1]: Kế hoạch ...", "[1] ..."
FOOTNOTE_HEAD = regex_cache.compile(r"^(?:(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\[\^?(?P<num>\d{1,3})\]:?)\s*(?P<rest>\S.*)$", re.S)
# words that show a run of header text, matched without diacritics: "CỘNG HÒA", "Độc lập", "ĐẢNG CỘNG SẢN", "Số: ",
# "Số 33-KH/TU", "V/v", "ngày 05 tháng 3"
HEADER_WORDS_BARE = regex_cache.compile(
    r"cong hoa|doc lap|dang cong san|\bso\s*:|\bso\s+\d|\bv/v\b|\bngay\b.{0,12}\bthang\b", re.IGNORECASE
)
# "Kính gửi" glued after the place and date by a converter: "Hà Nội, ngày 02 tháng 02 năm 2021 Kính gửi:"
KINH_GUI_INSIDE = regex_cache.compile(r"\s(?=Kính\s*gửi\b)", re.IGNORECASE)
# the tiêu ngữ with the next cell run on after it: "Độc lập - Tự do - Hạnh phúc Số : 2917 /SGDĐT-VP ..."
MOTTO_THEN_MORE = regex_cache.compile(r"^Độc\s+lập\s*[-–—]?\s*Tự\s+do\s*[-–—]?\s*Hạnh\s+phúc(?=\s+\S)", re.IGNORECASE)


def party_title_then_date(text: str) -> int | None:
    """Where the Party's or the Youth Union's title ends when the place and date run on after it ("ĐẢNG CỘNG SẢN
    VIỆT NAM Hà Nội, ngày 29 tháng 10 năm 2013", "ĐOÀN TNCS HỒ CHÍ MINH Hà Nội, ngày ..."); else None.

    >>> party_title_then_date("ĐOÀN TNCS HỒ CHÍ MINH Hà Nội, ngày 29 tháng 10 năm 2013")
    21
    >>> party_title_then_date("ĐOÀN TNCS HỒ CHÍ MINH") is None
    True
    """
    bare = strip_accents(text)
    m = _PARTY_TITLE_BARE.match(bare) if len(bare) == len(text) else None
    return m.end() if m and PLACE_DATE_START.match(text[m.end() :].lstrip()) else None


# "V/v" glued after the number by a converter: "Số: 296/BHXH-CSYT V/v hướng dẫn ..."
SUBJECT_INSIDE = regex_cache.compile(r"\s(?=V\s*/\s*[vV]\b)")
# "Nơi nhận" glued after the last sentence: "... thực hiện./. Nơi nhận: - Như trên;"
NOI_NHAN_INSIDE = regex_cache.compile(r"(?<=\./\.)\s*(?=N[oơ]i\s*nh[aậâ]n\b)", re.IGNORECASE)
# a web site's title line above the document: "Công văn 296/BHXH-CSYT năm 2021 hướng dẫn ... do Bảo hiểm xã hội Việt
# Nam ban hành.", "Quyết định 435/QĐ-UBND năm 2020." (a crawler prints it again before each chunk of the text)
WEB_TITLE = regex_cache.compile(
    r"^(?P<title>(?:Công\s+văn|Quyết\s+định|Kế\s+hoạch|Chỉ\s+thị|Thông\s+báo|Thông\s+tư|Nghị\s+quyết|Nghị\s+định"
    r"|Hướng\s+dẫn|Kết\s+luận|Chương\s+trình|Tờ\s+trình|Báo\s+cáo|Quy\s+định|Luật|Pháp\s+lệnh|Văn\s+bản\s+hợp\s+nhất)"
    r"\s+(?:số\s+)?[\w.]+(?:[/-][\wĐđ.&]+)+\s+năm\s+\d{4}\b(?:[^.]*?\bban\s+hành\.|\.)?)(?=\s|$)"
)
# a web page's note lines before the document: "Source: https://...", "Nguồn: ...", "*Source: ...*", "Số hiệu: ...",
# "Loại văn bản: ...", "• Hiệu lực: ...", "Tình trạng: Còn hiệu lực"
WEB_NOTE = regex_cache.compile(
    r"^[*_•\s]*(?:Source|Nguồn|URL|Link|Số\s+hiệu|Loại\s+văn\s+bản|Nơi\s+ban\s+hành|Người\s+ký|Ngày\s+ban\s+hành"
    r"|Ngày\s+hiệu\s+lực|Ngày\s+có\s+hiệu\s+lực|Ngày\s+công\s+báo|Số\s+công\s+báo|Tình\s+trạng|Hiệu\s+lực|Lĩnh\s+vực)"
    r"\s*:",
    re.IGNORECASE,
)


def is_caps(line: str, letters_min: int = 2) -> bool:
    """A line in capitals: "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", "QUYẾT ĐỊNH:"; not "2020", not "Số: 12/UBND"."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= letters_min and all(c.isupper() for c in letters)


# lines that always begin a new paragraph in a header or closing cell: "Số: 12/UBND-VP", "V/v ...", "Độc lập - Tự
# do - Hạnh phúc", "CỘNG HÒA ...", "ĐẢNG CỘNG SẢN ...", "Nơi nhận", a signing line ("TM.", "KT.", "T/M"), a "- " entry,
# and the place and date ("Lào Cai, ngày 05 tháng 3 năm 2026")
CELL_START = regex_cache.compile(
    r"^(?:Số\b|V/v|Về\s+việc|Độc\s+lập|CỘNG\s+H[OÒ]À|CỘNG\s+HOÀ|ĐẢNG\s+CỘNG\s+SẢN|Nơi\s*nhận|TM\b|KT\b|TL\b|TUQ\b|T/M|K/T|T/L)"
    r"|^[-+•]\s*\S|,\s*ngày\b",
    re.IGNORECASE,
)


# the grammar's finer cues: cells a converter joined on one line, a signature or a list printed on one line,
# a name, an appendix

# "------", "_____" glued to a cell's text by a converter: "BẢO HIỂM XÃ HỘI VIỆT NAM --------"
EDGE_RULE = regex_cache.compile(r"\s*[-_=*]{3,}\s*")

# "Số:" or "Số" and a code after other text: "... TỈNH KON TUM Số: 435/QĐ-UBND", "... * Số 33-KH/TU", and glued
# to the stars under a committee's name by a copy that lost the line breaks: "TRUNG ƯƠNG***Số: 367 - QĐ/TWĐTN-VP"
NUMBER_INSIDE = regex_cache.compile(r"(?:\s|(?<=\*))(?=Số\s*[:]?\s*[\w.]*\s*[/-])")

# A type name in capitals at the start of a line, run into what follows: "QUYẾT ĐỊNH V/V BAN HÀNH ...", "KẾ HOẠCH
# Triển khai ...", "HƯỚNG DẪN VỀ THỂ THỨC VĂN BẢN CỦA ĐẢNG", and "Về việc" glued on by a copy that lost the line break
# ("QUYẾT ĐỊNHVề việc ban hành ..."). Up to five words ("CHƯƠNG TRÌNH HÀNH ĐỘNG"), the longest that names a type;
# what follows is "V/V", "Về việc" or a word that opens with a capital ("BÁO CÁO KẾT QUẢ KHẢO SÁT").
_TYPE_HEAD_WORDS = 5
_TYPE_HEAD_NEXT = regex_cache.compile(r"\s+(?:V\s*/\s*[Vv]\b|Về\s+việc\b|VỀ\s)|Về\s+việc\b")


def type_head(text: str) -> int | None:
    """Where the type name that opens ``text`` ends, when more follows it on the line; else None.

    >>> t, g = "HƯỚNG DẪN VỀ THỂ THỨC VĂN BẢN CỦA ĐẢNG", "QUYẾT ĐỊNHVề việc ban hành"
    >>> t[: type_head(t)], type_head("QUYẾT ĐỊNH"), g[: type_head(g)]
    ('HƯỚNG DẪN', None, 'QUYẾT ĐỊNH')
    """
    ends: list[int] = []
    for m in re.finditer(r"\S+", text):
        word = m.group()
        if word.isalpha() and word.isupper():
            ends.append(m.end())
        elif (glued := word.find("Về")) > 0 and word[:glued].isupper() and word[:glued].isalpha():
            ends.append(m.start() + glued)  # "ĐỊNHVề"
            break
        else:
            break
        if len(ends) == _TYPE_HEAD_WORDS:
            break
    for end in reversed(ends):
        rest = text[end:]
        if not is_type_line(text[:end]):
            continue
        nxt = re.match(r"\s+(\S+)", rest)
        if _TYPE_HEAD_NEXT.match(rest) or (nxt and nxt.group(1)[:1].isupper()):
            return end
    return None


# An OCR word shaped like a document's code: digits, then a slash and more ("23/2004/QH11", "48/2014QHI13,",
# "(112/2025/QH15)"). Tesseract's confidence in a word comes mostly from its dictionary, which holds no
# codes: an italic code read right comes back at 0-10 ("23/2004/QH11" at 0), as low as a speck. A speck
# or a stamp's edge is never digits and a slash, so a code-shaped word is kept whatever its confidence.
OCR_CODE_WORD = regex_cache.compile(r"^[(\[]?\d{1,5}[/⁄]\S{2,}$")

# a person's name at the end of a signature block run: "... PHÓ TỔNG GIÁM ĐỐC Phạm Lương Sơn"
TRAILING_NAME = regex_cache.compile(r"(?<=[A-ZĐÀ-Ỹ.,])\s+((?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+\s+){1,4}[A-ZĐÀ-Ỹ][a-zđà-ỹ]+)\s*$")

# a copy's note that the original was signed, inside a signature line: "BÍ THƯ THƯỜNG TRỰC (đã ký)",
# "(Đã ký và đóng dấu)", "[đã ký]"; not the document's text
SIGNED_NOTE = regex_cache.compile(r"\s*[(\[]\s*(?:đã\s+)?ký(?:\s+(?:tên|và|,)[^)\]]{0,30})?\s*[)\]]", re.IGNORECASE)

# a signing prefix inside a run: "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"
INNER_AUTHORITY = regex_cache.compile(r"\s(?=(?:TM|KT|TL|TUQ|T/M|K/T|T/L)\s*[./]\s*[A-ZĐÀ-Ỹ])")

# a signature block run on after the last Nơi nhận entry: "... (2b). Trung Anh BỘ TRƯỞNG, CHỦ NHIỆM Mai Tiến Dũng"
TRAILING_SIGNER = regex_cache.compile(
    r"(?<=\S)\s+(?:(?:TM|KT|TL|TUQ|T/M|K/T)\.?\s+)?(?:[A-ZĐÀ-Ỹ]{2,}[,.]?\s+)+(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+\s+){1,4}[A-ZĐÀ-Ỹ][a-zđà-ỹ]+\s*$"
)

# a Nơi nhận entry after another on one line: "Nơi nhận: - Như trên; - Lưu: VT."
NEXT_ENTRY = regex_cache.compile(r"(?<=[;:.])\s+(?=[-–+•]\s)")

# where an addressee line runs on into the body: "Kính gửi: Bộ Kế hoạch và Đầu tư. Báo Đấu thầu ngày 26 ...",
# "- Bảo hiểm xã hội Công an nhân dân. (Sau đây viết tắt là ...) Bộ Y tế có ..."
ADDRESSEE_END = regex_cache.compile(r"(?<=[^\W\d_]\.)\s+(?=[A-ZĐÀ-Ỹ(])")

# the body's first words run on after the addressee without a stop: "... trực thuộc Trung ương Thực hiện Luật ..."
BODY_INSIDE = regex_cache.compile(
    r"\s+(?=(?:Thực\s+hiện|Căn\s+cứ|Theo\s+đề\s+nghị|Để\s+|Nhằm\s+|Tiếp\s+theo|Qua\s+|Trong\s+thời\s+gian)\b)"
)

# a person's name under the title: "Nguyễn Tuấn Anh", "Lê Thị Thu Hà" (2-6 words, each capitalised)
PERSON_NAME = regex_cache.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$")

# signing prefixes spelled out: "THAY MẶT ỦY BAN NHÂN DÂN", "KÝ THAY CHỦ TỊCH", "THỪA LỆNH BỘ TRƯỞNG"
SIGNING_WORDS = regex_cache.compile(r"^(?:THAY\s+MẶT|KÝ\s+THAY|THỪA\s+LỆNH|THỪA\s+ỦY\s+QUYỀN)\s+\S")

# an appendix after the signature: "PHỤ LỤC", "Phụ lục I", "DANH MỤC ...", "(Kèm theo Quyết định số ...)"
APPENDIX_TITLE = regex_cache.compile(
    r"^(?:PHỤ\s+LỤC|Phụ\s+lục\b|DANH\s+MỤC|BIỂU\s+MẪU|Mẫu\s+số|\(?\s*Kèm\s+theo|\(?\s*Ban\s+hành\s+kèm)"
)

URL = regex_cache.compile(r"https?://|www\.", re.I)

# "Nơi nhận:" opens the list; "Nơi nhận văn bản xác định ..." is a sentence about it (a Hướng dẫn on thể thức)
NOI_NHAN_HEAD = regex_cache.compile(r"^[-\s]*N[oơ]i\s*nh[aậâ]n\s*(?::|$|[-–+•]\s|\|)", re.IGNORECASE)
