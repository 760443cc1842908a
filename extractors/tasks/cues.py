"""The cue phrases of tasks, compiled once from ``extractors/data/task_patterns.json``, and the small
text helpers every step shares (clean a task's text, fold tone marks, split sentences).

Everything here is language data or its regex form: the steps of :mod:`extractors.tasks` read
:func:`cues` and never spell a Vietnamese cue phrase of their own, so a new cue is one line of JSON.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from extractors.deadlines import patterns
from pipeline import regex_cache

_SUPERSCRIPTS = regex_cache.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
SPACES = regex_cache.compile(r"\s+")
# Sentence ends: ". " or "./." before a capital letter ("... công vụ. Chú trọng ...").
_SENTENCE_END = regex_cache.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-ỸÁ-Ỹ\"“(])")
# a word character that is a letter: "(?<![^\W\d_])" reads "not after a letter"
NOT_AFTER_LETTER = r"(?<![^\W\d_])"
NOT_BEFORE_LETTER = r"(?![^\W\d_])"


@cache
def words(key: str) -> tuple[str, ...]:
    """A list of phrases from the pattern file (read once)."""
    value = patterns()[key]
    assert isinstance(value, list), key
    return tuple(str(v) for v in value)


def alt(phrases: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of phrases, longest first, spaces matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(phrases, key=len, reverse=True))


def phrase_re(key: str, *, start: bool = False, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """The phrases of ``key`` as one regex on word boundaries (``start``: only at the start of the text)."""
    head = "^" if start else NOT_AFTER_LETTER
    return regex_cache.compile(head + "(?:" + alt(words(key)) + ")" + NOT_BEFORE_LETTER, flags)


@dataclass(frozen=True)
class Cues:
    """The compiled cues (see the ``_comment`` of each key in task_patterns.json)."""

    head: re.Pattern[str]  # an agency phrase starts here
    stop: re.Pattern[str]  # the verb that ends an agency phrase
    cue: re.Pattern[str]  # "Giao", "Đề nghị", "Yêu cầu" ... before the agency asked to act
    chu_tri: re.Pattern[str]
    phoi_hop: re.Pattern[str]
    assign_tail: re.Pattern[str]
    closing: re.Pattern[str]
    closing_open: re.Pattern[str]
    conditional: re.Pattern[str]
    non_task_section: re.Pattern[str]
    decision_opener: re.Pattern[str]
    approving_opener: re.Pattern[str]
    preamble: re.Pattern[str]
    report_heads: tuple[str, ...]
    step: re.Pattern[str]  # "Bước 1:", "Giai đoạn 2." before the item's own words
    opener: re.Pattern[str]  # "Trong quá trình thực hiện ..., " before the agency that acts
    obligation: re.Pattern[str]  # "có trách nhiệm", "phải" ...: the sentence asks someone to act
    statement_open: re.Pattern[str]  # "Trường hợp", "Việc", "Số giường" ...: a rule or a fact opens here
    report_open: re.Pattern[str]  # "Nhờ sự chủ động ...", "Tuy nhiên, ...": what happened, not what must be done
    execution_section: re.Pattern[str]  # "TỔ CHỨC THỰC HIỆN": every item there assigns
    attached: re.Pattern[str]  # the title of a document attached to a quyết định ("KẾ HOẠCH", "ĐỀ ÁN")
    heading_open: re.Pattern[str]  # "Trách nhiệm của ...", "Về ...": a heading however long


@cache
def cues() -> Cues:
    """Regexes compiled once from ``extractors/data/task_patterns.json``."""
    heads = words("agency_heads")
    need_name = words("agency_heads_need_name")
    group = words("group_determiners")
    nouns = words("group_nouns")
    places = words("place_words")
    # Matches "Sở Tài chính", "Công an tỉnh", "Ban Tổ chức", "Ủy ban nhân dân các xã", "các cơ quan,
    # đơn vị", "Người đứng đầu"; not "Ban hành", "Báo cáo", "Tổ chức hội nghị", "Phòng, chống".
    head = regex_cache.compile(
        r"(?:(?i:" + alt(group) + r")\s+(?i:" + alt(nouns) + r")" + NOT_BEFORE_LETTER + r""
        r"|(?:" + alt(heads) + r")" + NOT_BEFORE_LETTER + r""
        r"|(?:" + alt(need_name) + r")\s+(?:[A-ZĐÀ-Ỹ0-9]|(?:" + alt(places) + r")" + NOT_BEFORE_LETTER + r"))"
    )
    stop = regex_cache.compile(NOT_AFTER_LETTER + r"(?:" + alt(words("stop_verbs")) + r")" + NOT_BEFORE_LETTER)
    # not the name of a steering committee: "Trưởng Ban chỉ đạo phòng, chống thiên tai" directs no one
    cue = regex_cache.compile(NOT_AFTER_LETTER + r"(?<![Bb]an\s)(?i:" + alt(words("assign_cues")) + r")\s+")
    tail = patterns()["assign_tail"]
    assert isinstance(tail, dict)
    verbs, tnouns, mods = (alt(tail[k]) for k in ("verbs", "nouns", "modifiers"))
    # "thực hiện các nhiệm vụ, giải pháp trọng tâm sau:", "có nhiệm vụ:", "" (nothing left)
    assign_tail = regex_cache.compile(
        rf"^[\s,]*(?:(?:{verbs})\s*)*(?:tốt\s+)?(?:(?:các|một\s+số|những)\s+)?"
        rf"(?:(?:{tnouns})(?:\s*(?:,|và)\s*(?:{tnouns}))*)?(?:\s*(?:{mods}))*\s*:?\s*$",
        re.IGNORECASE,
    )
    # the generic closing formula, or a quyết định's execution clause ("... chịu trách nhiệm thi hành
    # Quyết định này./."): both close the document and assign nothing new
    closing = regex_cache.compile(
        "(?:" + str(patterns()["closing_generic"]) + ")|(?:" + str(patterns()["closing_execution"]) + ")",
        re.IGNORECASE,
    )
    return Cues(
        head=head,
        stop=stop,
        cue=cue,
        # OCR drops or swaps a tone mark on these two key cues ("chủ tri", "phôi hợp"): accept the
        # spellings that differ only by their marks
        chu_tri=regex_cache.compile(
            r"\s*(?:được\s+giao\s+)?(?:làm\s+)?(?i:c)h[ủuúù]\s+tr[ìiíị](?![^\W\d_])\s*(?:thực\s+hiện\s*)?"
        ),
        # ", phối hợp với Sở Tài chính", " và phối hợp cùng các cơ quan liên quan", ", phối hợp các đơn vị, địa
        # phương liên quan", "kết hợp với Công an tỉnh" (no "với": the agency must follow at once)
        phoi_hop=regex_cache.compile(
            r"[\s,]*(?:và\s+)?(?:(?:tham\s+gia|chủ\s+động)\s+)?(?:(?i:ph)[ốôoóồổ]i|(?i:k)ết)\s+h[ợơoọớ]p"
            r"\s+(?:(?:chặt\s+chẽ|cụ\s+thể|thường\s+xuyên|tốt)\s+)?(?:(?:với|cùng|vói)\s+)?"
        ),
        assign_tail=assign_tail,
        closing=closing,
        closing_open=phrase_re("closing_openers", start=True),
        conditional=regex_cache.compile(str(patterns()["conditional_report"]), re.IGNORECASE),
        non_task_section=regex_cache.compile(
            r"^(?:về\s+)?(?:(?:các|một\s+số|những)\s+)?(?:"
            + alt(words("non_task_sections"))
            + r")"
            + NOT_BEFORE_LETTER,
            re.IGNORECASE,
        ),
        decision_opener=phrase_re("decision_non_task_openers", start=True),
        approving_opener=phrase_re("approving_openers", start=True),
        preamble=regex_cache.compile(
            r"^[-–+•\s]*(?:" + alt(words("preamble_openers")) + r")" + NOT_BEFORE_LETTER, re.IGNORECASE
        ),
        report_heads=(*heads, *need_name, "các", "Các"),
        step=regex_cache.compile(r"^(?i:" + alt(words("step_labels")) + r")\s+\d{1,2}\s*[:.\-–]+\s*"),
        opener=regex_cache.compile(r"^(?i:" + alt(words("adverbial_openers")) + r")(?![^\W\d_])[^,;:.]{0,150},\s+"),
        obligation=phrase_re("obligation_cues"),
        statement_open=phrase_re("statement_openers", start=True),
        report_open=phrase_re("report_openers", start=True),
        execution_section=phrase_re("execution_sections", start=True),
        attached=regex_cache.compile(r"^(?:" + alt(words("attached_titles")) + r")(?=$|[.:]\s)"),
        heading_open=phrase_re("heading_openers", start=True),
    )


@lru_cache(maxsize=16384)
def clean(text: str) -> str:
    """Task text as shown: footnote markers removed, whitespace collapsed ("công vụ¹." → "công vụ.")."""
    return SPACES.sub(" ", _SUPERSCRIPTS.sub("", text)).strip()


def fold(text: str) -> str:
    """Lower case without tone marks: OCR damages the marks of header cells ("phôi hợp")."""
    s = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return SPACES.sub(" ", "".join(ch for ch in s if not unicodedata.combining(ch))).strip()


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of ``text`` with their offsets: "Sở A rà soát. Sở B báo cáo." → two."""
    return list(_sentences(text))


@lru_cache(maxsize=8192)
def _sentences(text: str) -> tuple[tuple[int, str], ...]:
    out: list[tuple[int, str]] = []
    pos = 0
    for part in _SENTENCE_END.split(text):
        start = text.index(part, pos)
        out.append((start, part))
        pos = start + len(part)
    return tuple(out)


def is_upper(text: str) -> bool:
    """Every letter of ``text`` is a capital ("II. NHIỆM VỤ VÀ GIẢI PHÁP")."""
    return text == text.upper() and text != text.lower()
