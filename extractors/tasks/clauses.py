"""Who an item or a sentence asks to act: the lead (chủ trì) and the support (phối hợp).

* :func:`lead_clause` reads the head of an item: "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính:" →
  lead ["Sở Nội vụ"], support ["Sở Tài chính"], nothing left (it only assigns); "Sở Tài chính: tổng hợp ..."
  → lead ["Sở Tài chính"], the task's words after the colon;
* :func:`addressee` finds the agency a sentence asks to act wherever its cue stands ("UBND tỉnh yêu cầu
  các cơ quan, đơn vị ... thực hiện các nội dung sau:");
* :func:`support_mentions` collects every "phối hợp với X" of a task's text;
* :func:`parenthetical` reads an assignment in brackets at the end of an item ("... (Giao Công an tỉnh chủ
  trì, phối hợp với Sở Tư pháp)").

An agency phrase runs from the agency's first word to the verb that starts the action. The stop verbs
are data; where none stands between the name and the action ("Phòng ban nhắc nhở sinh viên ..."),
underthesea's part-of-speech tags decide the word boundary, on that short phrase only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from extractors.agencies import agency_at, find_agencies, name_vocabulary, split_agencies
from extractors.deadlines import patterns
from extractors.tasks.cues import NOT_BEFORE_LETTER, SPACES, alt, clean, cues, sentences, words
from pipeline import regex_cache

# An introduction whose items name their own agencies: "Các cơ quan, đơn vị sau đây", "các sở, ngành sau".
_FOLLOWING = regex_cache.compile(r"(?<![^\W\d_])sau(?:\s+đây)?$")

# Words no agency name holds: "Ủy ban nhân dân tỉnh có ý kiến như sau:" is an introduction, not "X:".
_NOT_A_NAME = regex_cache.compile(
    r"(?<![^\W\d_])(?:có\s+ý\s+kiến|như\s+sau|kết\s+luận|thông\s+báo|đã|sẽ|đang)(?![^\W\d_])"
)

# The issuer introducing its own view: "có ý kiến như sau:", "có ý kiến:".
_OPINION_INTRO = regex_cache.compile(r"^có\s+ý\s+kiến(?:\s+(?:như\s+)?sau)?\s*:?\s*$", re.IGNORECASE)

# Where an agency phrase ends at the latest: ":", ";", a sentence end, "(" of a remark, " - " before a small
# letter ("Sở Nội vụ - tham mưu ..."); " - " before a capital is inside a name ("Khoa Tài chính - Kế toán"),
# and so is "các tổ chức chính trị - xã hội".
_PHRASE_END = regex_cache.compile(r"[:;]|\.(?:\s|$)|\s-\s(?![A-ZĐÀ-Ỹ]|xã\s+hội)")
# "Giám đốc các sở: Nội vụ, Tư pháp" — a colon that opens the names of a group, not the item's body.
_LIST_COLON = regex_cache.compile(r"(?i:các)\s+(?i:sở|bộ|ngành|cơ quan|đơn vị|ban)\s*$")
# An official's title alone before a colon, the agencies after it: "Giao Giám đốc: Sở Văn hóa, Thể thao và Du lịch,
# Sở Thông tin và Truyền thông, Đài Phát thanh - Truyền hình tỉnh phối hợp ..." (the heads of those agencies: the
# agencies lead)
_TITLE_COLON = regex_cache.compile(r"(?:Giám\s+đốc|Thủ\s+trưởng|Chủ\s+tịch|Trưởng|Hiệu\s+trưởng)\s*:\s*(?=[A-ZĐ])")
# A verb that is also a noun inside an enumeration: "các cơ quan, tổ chức, cá nhân", "cấp ủy, lãnh đạo cơ quan".
_NOUN_VERBS = ("tổ chức", "lãnh đạo")
# Verbs the tagger finds inside a name, never its boundary: "các đơn vị có liên quan", "các đơn vị trực thuộc",
# "Các phòng ban tham gia đào tạo", "các cơ quan chuyên trách"
_NAME_VERBS = {
    "liên quan",
    "trực thuộc",
    "thuộc",
    "tham gia",
    "chuyên trách",
    "phụ trách",
    "quản lý",
    "được",
    "có",
    "ủy",
    "uỷ",
    "thường trực",
}
# "chỉ đạo" names who is steered, not who leads, unless the steered agency is given the lead at once:
# "Chỉ đạo Sở Y tế chủ trì ..." → Sở Y tế; "Chỉ đạo các cấp đưa nội dung ..." → whoever is asked to steer.
_STEER = regex_cache.compile(r"^(?:chỉ\s+đạo|phân\s+công|cử)\s", re.IGNORECASE)
# "(... chủ trì ...)", "(Giao Công an tỉnh tham mưu)" at the end of an item
_BRACKET = regex_cache.compile(r"\(([^()]{4,400})\)[\s.;]*$")


@dataclass
class Clause:
    """Who an item or sentence addresses: lead (chủ trì), support (phối hợp), and what is left."""

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    explicit: bool = False  # the text names its own lead
    assign_only: bool = False  # nothing but the assignment ("Sở Tài chính:", "Giao X chủ trì, ...:")
    body_start: int = 0  # where the task's own words start (after "Sở X:")
    action: str = ""  # the words after the lead (and support)
    how: str = ""  # how the lead is named: "cue" ("Giao X"), "colon" ("X: ..."), "chu_tri" ("X chủ trì"), "verb"


_INSTRUMENT = regex_cache.compile(r"Bộ\s+[Ll]uật(?![^\W\d_])")


@cache
def _actor() -> re.Pattern[str]:
    # "Khoa nhận hồ sơ", "Sinh viên truy cập ...", "Cán bộ, nhân viên ... có trách nhiệm", "giám thị", and an
    # abbreviated body ("P.ĐTĐH gửi danh sách ...", "BHXH các tỉnh ...")
    nouns = alt(words("actor_nouns"))
    return regex_cache.compile(
        r"(?:(?i:(?:các|những|mỗi|tất\s+cả)\s+)?(?i:"
        + nouns
        + r")"
        + NOT_BEFORE_LETTER
        + r"|(?P<abbr>[A-ZĐ]{1,3}\.?[A-ZĐ]{2,}(?:&[A-ZĐ]+)?)(?=\s)"
        + r")"
    )


def starts_agency(text: str, pos: int, relaxed: bool = False, actors: bool = False) -> bool:
    """Does an agency name start at ``pos``? ``relaxed`` (after "Giao", "Đề nghị") accepts a
    lower-case head ("đề nghị người đứng đầu các cơ quan"); ``actors`` (the head of an item or a cell)
    accepts who acts without being an agency ("Khoa", "Sinh viên", "P.ĐTĐH")."""
    c = cues()
    if _INSTRUMENT.match(text, pos):
        return False  # "Bộ Luật hình sự năm 2015": an instrument, not a ministry
    if c.head.match(text, pos):
        return True
    if (
        actors
        and (m := _actor().match(text, pos))
        and (m.group("abbr") is None or text[m.end() :].lstrip()[:1].islower())
    ):
        return True  # an abbreviation is a body only when a lower-case word (its verb) follows: not "QUAN ĐIỂM"
    if relaxed and pos < len(text):
        upper = text[:pos] + text[pos].upper() + text[pos + 1 :]
        if c.head.match(upper, pos):
            return True
    return agency_at(text, pos)


def _group_noun_ending(text: str, pos: int, start: int, end: int) -> bool:
    window = text[max(pos, start - 20) : end].lower()
    return any(window.endswith(noun) and len(noun) > end - start for noun in words("group_nouns"))


def agency_phrase(text: str, pos: int, *, tagged: bool = True) -> tuple[str, int] | None:
    """The agency phrase starting at ``pos`` and where it ends: up to the verb that starts the action.

    "Giao Sở Nội vụ chủ trì" → ("Sở Nội vụ", ...); "các cơ quan, đơn vị và địa phương tập trung ..." →
    ("các cơ quan, đơn vị và địa phương", ...). "tổ chức" or "lãnh đạo" after a comma, "các" or "và" is a
    noun in an enumeration ("các cơ quan, tổ chức, cá nhân"), not the verb.
    """
    c = cues()
    end = len(text)
    if titled := _TITLE_COLON.match(text, pos):
        pos = titled.end()
    for m in c.stop.finditer(text, pos):
        before = text[pos : m.start()].rstrip()
        if not before:
            continue
        word = SPACES.sub(" ", m.group(0))
        if word in _NOUN_VERBS and re.search(r"(?:,|(?i:các)|và)$", before):
            continue
        if _group_noun_ending(text, pos, m.start(), m.end()):
            continue  # "Các chủ đầu tư": the verb "đầu tư" closes a group noun here
        end = m.start()
        break
    pos_p = pos
    while True:
        punct = _PHRASE_END.search(text, pos_p, end)
        if punct is None:
            break
        after = punct.end()
        while after < len(text) and text[after] == " ":
            after += 1
        # "Chánh Văn phòng UBND tỉnh; Giám đốc các sở: Nội vụ, Tư pháp; ..." is one enumeration.
        if punct.group(0) == ";" and starts_agency(text, after):
            pos_p = after
            continue
        if punct.group(0) == ":" and _LIST_COLON.search(text, pos, punct.start()) and text[after : after + 1].isupper():
            pos_p = after
            continue
        end = punct.start()
        break
    raw = text[pos:end]
    cut = _verb_boundary(raw.rstrip(" ,")) if tagged else None
    if cut is not None:
        raw = raw[:cut]
    name = raw.strip(" ,")
    if not name or len(name) > 300:
        return None
    return name, pos + len(raw.rstrip(" ,"))


def _verb_boundary(phrase: str) -> int | None:
    """Where a run-on agency phrase meets its verb, when no stop verb told: the first lower-case verb
    underthesea tags after a noun ("Phòng ban | nhắc nhở sinh viên ..."). Short phrases, whole gazetteer
    names and groups are left alone; the tagger runs only on the few phrases that need it."""
    n = len(phrase.split())
    if n < 3:
        return None
    vocabulary = _name_words()
    if all(w in vocabulary for w in re.findall(r"[^\W\d_]+", phrase) if w[:1].islower()):
        return None  # every small word is one names are made of: no verb inside
    if _all_names(phrase):
        return None  # the gazetteer reads the whole phrase as names
    return _tagged_boundary(phrase)


@cache
def _name_words() -> frozenset[str]:
    """Syllables names are made of: the gazetteer's, and the group nouns, places and actors of the pattern file."""
    extra = [*words("group_nouns"), *words("place_words"), *words("actor_nouns"), *words("group_determiners")]
    return name_vocabulary() | {w.lower() for text in extra for w in re.findall(r"[^\W\d_]+", text)}


_BETWEEN_NAMES = regex_cache.compile(r"^[\s,;]*(?:(?:và|cùng|hoặc)\s+)?[\s,;]*$")


def _all_names(phrase: str) -> bool:
    """Is the phrase nothing but gazetteer names and the separators between them?"""
    pos = 0
    for start, end, _name in find_agencies(phrase):
        if start < pos or not _BETWEEN_NAMES.match(phrase[pos:start]):
            return False
        pos = end
    return pos > 0 and bool(_BETWEEN_NAMES.match(phrase[pos:]))


@lru_cache(maxsize=2048)
def _tagged_boundary(phrase: str) -> int | None:
    from extractors.tagger import pos_tag  # ~0.4 s to load, once; ~1 ms a phrase

    pos = 0
    seen_noun = False
    # the tagger's cost is per word: a name and its verb are in the first dozen words
    for word, tag in pos_tag(" ".join(phrase.split()[:12]) if len(phrase) > 80 else phrase):
        start = phrase.find(word, pos)
        if start < 0:
            return None
        pos = start + len(word)
        if tag in {"N", "Np", "Nc", "Ny", "L", "M"}:
            seen_noun = True
        elif tag == "V" and seen_noun and word[:1].islower() and word not in _NOUN_VERBS and word not in _NAME_VERBS:
            if _group_noun_ending(phrase, 0, start, pos):
                continue  # "Các chủ đầu tư": "đầu tư" ends a group noun
            return start
        elif tag in {"E", "C", "CH"} and word not in {",", "và", "-", "–", "của", "thuộc", "trực thuộc", "ở", "tại"}:
            return None  # a preposition the name may hold: leave the phrase as the stop verbs cut it
    return None


def split_names(phrase: str) -> list[str]:
    """Split an enumeration of agencies with :func:`split_agencies` ("Sở Tài chính, Sở Nội vụ và Công an
    tỉnh" → three; "Các sở, ban, ngành thuộc UBND tỉnh" → one)."""
    return split_agencies(phrase.strip(" ,."))


@cache
def _apposition() -> re.Pattern[str]:
    # " - cơ quan thường trực Ban vì sự tiến bộ phụ nữ tỉnh giúp Ban ... " after a lead: what the agency is,
    # up to the verb that starts the action ("tham mưu"); never past a sentence end or ";"
    verbs = alt(words("stop_verbs"))
    return regex_cache.compile(r"\s+[-–]\s+(?:(?![A-ZĐÀ-Ỹ])[^.;:]{0,150}?\s)??(?=(?:" + verbs + r")(?![^\W\d_]))")


# what may follow "phối hợp" without "với": a body ("các sở", "Phòng CNTT", "phòng CNTT"), not a verb
_SUPPORT_NOUN = regex_cache.compile(
    r"(?:các|những)\s|(?:phòng|ban|sở|đơn\s+vị|cơ\s+quan|cán\s+bộ|lực\s+lượng|địa\s+phương|trung\s+tâm|khoa|tổ)"
    + NOT_BEFORE_LETTER,
    re.IGNORECASE,
)


def _support_at(text: str, pos: int) -> tuple[list[str], int]:
    """The agencies of a "phối hợp (với) X" starting at ``pos``, and where they end."""
    m = cues().phoi_hop.match(text, pos)
    if not m:
        return [], pos
    with_word = re.search(r"(?:với|cùng|vói)\s*$", m.group(0)) is not None
    at = m.end()
    if cues().stop.match(text, at):
        return [], pos  # "phối hợp tổ chức thực hiện": the verb, nobody named
    if not (starts_agency(text, at, relaxed=True) or _SUPPORT_NOUN.match(text, at) or with_word):
        return [], pos
    found = agency_phrase(text, at)
    if not found:
        return [], pos
    name, end = found
    if not with_word and not name[:1].isupper() and not _SUPPORT_NOUN.match(name):
        return [], pos
    return split_names(name), end


def support_mentions(text: str) -> list[str]:
    """Everyone the text says to work with: every "phối hợp (chặt chẽ) với X", "kết hợp với Y".

    >>> support_mentions("Phối hợp với Công an tỉnh kiểm tra ...; phối hợp với Văn phòng UBND tỉnh tham mưu.")
    ['Công an tỉnh', 'Văn phòng UBND tỉnh']
    """
    out: list[str] = []
    for m in re.finditer(r"(?i:ph)[ốôoóồổ]i\s+h[ợơoọớ]p|(?i:k)ết\s+h[ợơoọớ]p", text):
        names, _end = _support_at(text, m.start())
        for name in names:
            if name not in out:
                out.append(name)
    return out


def _first_support(text: str) -> list[str]:
    """ "phối hợp với X" in the first sentence (an item that inherits its lead)."""
    first = sentences(text)[0][1] if text else ""
    for m in re.finditer(r"(?i:ph)[ốôoóồổ]i\s+h[ợơoọớ]p|(?i:k)ết\s+h[ợơoọớ]p", first):
        names, end = _support_at(first, m.start())
        if end > m.start():
            return names
    return []


def lead_clause(text: str) -> Clause:
    """Parse the lead at the head of an item's text.

    >>> c = lead_clause("Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính:")
    >>> c.lead, c.support, c.assign_only
    (['Sở Nội vụ'], ['Sở Tài chính'], True)
    """
    found = _lead_clause(text)  # the steps ask about the same heads again and again: each gets its own copy
    return replace(found, lead=list(found.lead), support=list(found.support))


@lru_cache(maxsize=8192)
def _lead_clause(text: str) -> Clause:
    c = cues()
    step = c.step.match(text)  # "Bước 1: Phòng Đào tạo cung cấp ..."
    m = c.cue.match(text, step.end() if step else 0)
    pos = m.end() if m else (step.end() if step else 0)
    if not starts_agency(text, pos, relaxed=bool(m), actors=True):
        return _after_opener(text) or Clause(support=_first_support(text))
    found = _obliged_phrase(text, pos) or agency_phrase(text, pos)
    if not found:
        return Clause(support=_first_support(text))
    name, end = found
    lead = split_names(name)
    if _FOLLOWING.search(name) and text.rstrip().endswith(":"):
        # "Các cơ quan, đơn vị sau đây chịu trách nhiệm tổ chức thực hiện Kế hoạch:": the items under it
        # name who does what; it introduces them and leads nothing itself
        return Clause(assign_only=True)
    if not lead:
        return Clause(support=_first_support(text))
    apposition = _apposition().match(text, end)
    if apposition:
        end = apposition.end()  # "Sở Kế hoạch và Đầu tư - cơ quan thường trực Ban ... tham mưu ..."
    rest = text[end:]
    if rest.lstrip().startswith(":") and not _NOT_A_NAME.search(name):
        body = end + rest.index(":") + 1
        action = text[body:].strip()
        start = body + (len(text[body:]) - len(text[body:].lstrip()))
        return Clause(lead, [], True, not action, start, action, "colon")
    support: list[str] = []
    after = end
    ct = c.chu_tri.match(text, end)
    if ct:
        after = ct.end()
    sup, sup_end = _support_at(text, after)
    if sup:
        support, after = sup, sup_end
    elif not ct:
        support = _first_support(text[end:])
    action = text[after:].strip(" ,")
    assign_only = not action or (text.rstrip().endswith(":") and bool(c.assign_tail.match(action)))
    if m and _STEER.match(m.group(0)) and not ((ct or sup) and c.head.match(text, pos)):
        # "Chỉ đạo các cấp đưa nội dung ...", "Phân công cán bộ đầu mối phối hợp ...": who is steered or
        # detailed does not lead the item, unless a body is given the lead at once ("Chỉ đạo Sở Y tế chủ trì")
        return Clause(support=support)
    if not m and not ct and action and not c.stop.match(action) and not c.obligation.match(action):
        if not _verb_first(action):
            # "Sở Tài chính năm 2026 ..." is not a lead clause: the name must run into a verb.
            return Clause(support=_first_support(text))
    if not m and _OPINION_INTRO.match(action):
        # "Tổng cục Thuế có ý kiến như sau:" is the issuer speaking, not an agency asked to act;
        # "Giao các Bộ: ... có ý kiến đối với đề xuất ..." is a task
        return Clause(support=_first_support(text))
    if action and not assign_only:
        _more_agents(action, lead, support)
    how = "cue" if m else ("chu_tri" if ct and ct.group(0).strip() else "verb")
    return Clause(lead, support, True, assign_only, 0, action, how)


_OBLIGED = regex_cache.compile(r"(?<![^\W\d_])(?:có|chịu)\s+trách\s+nhiệm|có\s+nhiệm\s+vụ(?![^\W\d_])")


def _obliged_phrase(text: str, pos: int) -> tuple[str, int] | None:
    """The whole subject before an obligation in the same clause: "Cán bộ, nhân viên được giao soạn thảo văn
    bản | có trách nhiệm ...", "Chánh văn phòng hoặc người được giao phụ trách công tác văn phòng | có trách
    nhiệm ..." (the stop verbs and tags inside describe who is meant)."""
    ob = _OBLIGED.search(text, pos)
    if ob is None or ob.start() == pos:
        return None
    subject = text[pos : ob.start()]
    if re.search(r"[;:.()]", subject) or len(subject.split()) > 16 or cues().chu_tri.search(subject):
        return None
    if cues().phoi_hop.search(subject) or re.search(r"(?<![^\W\d_])(?:là|thì|nếu|khi)(?![^\W\d_])", subject):
        return None
    name = subject.strip(" ,")
    return (name, pos + len(subject.rstrip(" ,"))) if name else None


@lru_cache(maxsize=4096)
def _verb_first(action: str) -> bool:
    """Does ``action`` open with a verb (underthesea's tag), as in "Khoa | nhận hồ sơ xét tốt nghiệp"?"""
    if not re.match(r"[^\W\d_]", action):
        return False  # "." or a number: no verb
    from extractors.tagger import pos_tag

    tagged = pos_tag(action[:60])
    return bool(tagged) and tagged[0][1] == "V" and tagged[0][0][:1].islower()


def _more_agents(action: str, lead: list[str], support: list[str]) -> None:
    """An item is one task; a clause after ";" that opens with its own agency names another who must
    act in it ("Sở Tài chính chủ trì thẩm định ...; Sở Xây dựng hướng dẫn định mức." → lead both), or
    one who only "phối hợp" ("...; các sở, ngành liên quan phối hợp thực hiện." → support)."""
    for part in action.split(";")[1:]:
        part = part.strip()
        if not part or not starts_agency(part, 0):
            continue
        found = agency_phrase(part, 0)
        if found is None:
            continue
        name, end = found
        rest = part[end:].lstrip(" ,")
        if not rest or _NOT_A_NAME.search(name):
            continue
        names = split_names(name)
        if cues().phoi_hop.match(part, end) and not _support_at(part, end)[0]:
            support.extend(n for n in names if n not in support)
        elif cues().stop.match(rest):
            lead.extend(n for n in names if n not in lead)


def _after_opener(text: str) -> Clause | None:
    """The lead after an opening clause: "Để bảo đảm tiến độ, Sở Tài chính chủ trì ..." → "Sở Tài chính";
    "Căn cứ quy định tại Điều 3 ..., theo chức năng, nhiệm vụ, các Bộ, ngành, địa phương ... xây dựng ..." →
    "các Bộ, ngành, địa phương ..." (the first comma after which an agency acts). The task keeps its text."""
    m = cues().opener.match(text)
    if not m:
        return None
    for at in [m.end(), *(sep.end() for sep in re.finditer(r",\s+", text[: m.end() + 200]) if sep.end() > m.end())]:
        if not starts_agency(text, at, actors=True):
            continue
        clause = lead_clause(text[at:])
        if clause.explicit and not clause.assign_only and not clause.body_start:
            return clause
    return None


# a cue inside a relative clause names who was given a task before, not who is asked now: "Thực hiện
# nhiệm vụ giao cho Sở Nội vụ (...), Sở Nội vụ xây dựng ..."
_RELATIVE = regex_cache.compile(r"(?<![^\W\d_])(?:nhiệm\s+vụ|được|đã|vừa|đã\s+được|như)\s*$", re.IGNORECASE)


@cache
def _self_presentation() -> re.Pattern[str]:
    return regex_cache.compile(str(patterns()["self_presentation"]), re.IGNORECASE)


def addressee(sentence: str, *, issuer_speaks: bool = False) -> Clause | None:
    """The agency a sentence asks to act, wherever the cue stands:
    "Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị và địa phương tập trung ..." → lead
    ["các cơ quan, đơn vị và địa phương"]. The last cue followed by an agency wins ("trên cơ sở
    đề nghị của Sở Nội vụ, UBND tỉnh yêu cầu các sở ..." → "các sở ..."). With ``issuer_speaks`` (the
    sentence that introduces a whole document), a subject presenting its own document ("Ban Chỉ đạo quốc
    gia xây dựng kế hoạch thực hiện như sau:") is no addressee."""
    c = cues()
    best: Clause | None = None
    for m in c.cue.finditer(sentence):
        if _RELATIVE.search(sentence, max(0, m.start() - 16), m.start()):
            continue
        if not starts_agency(sentence, m.end(), relaxed=True):
            continue
        clause = lead_clause(sentence[m.start() :])
        if clause.explicit:
            clause.body_start += m.start()
            best = clause
    if best is None:
        clause = lead_clause(sentence)
        if clause.explicit:
            if issuer_speaks and _self_presentation().match(clause.action):
                return None
            return clause
        # "..., đòi hỏi Văn phòng Trung ương Đảng và các văn phòng tỉnh ủy tiếp tục ...", "..., các sở,
        # ngành tập trung ...": an agency that acts after the sentence's opening clause
        for sep in re.finditer(r"[,;]\s+", sentence):
            at = sep.end()
            if at >= len(sentence) or not starts_agency(sentence, at):
                continue
            clause = lead_clause(sentence[at:])
            if clause.explicit and not clause.body_start and _acts(clause.action):
                if issuer_speaks and _self_presentation().match(clause.action):
                    return None
                clause.body_start += at
                return clause
    return best


def _acts(action: str) -> bool:
    """The words after an agency read as its action (an obligation cue or a stop verb opens them)."""
    return bool(cues().obligation.match(action) or cues().stop.match(action))


def parenthetical(text: str) -> Clause | None:
    """An assignment in brackets at the end of an item: "Xây dựng Quy chế ... (Giao Công an tỉnh chủ trì,
    phối hợp với Văn phòng UBND tỉnh; Sở Tư pháp và các cơ quan, tổ chức có liên quan tham mưu)." →
    lead ["Công an tỉnh"], support the others."""
    m = _BRACKET.search(text)
    if not m:
        return None
    inner = m.group(1).strip()
    clause = lead_clause(inner)
    if not clause.explicit or not (cues().cue.match(inner) or cues().chu_tri.search(inner)):
        return None
    return clause


def explicit_assignment(text: str, *, strict: bool = False) -> bool:
    """Does the text itself ask a named agency to act: "Giao X ...", "Đề nghị X ...", "X có trách nhiệm
    ...", "X chủ trì ...", "X: ..."? (A rule of a Hướng dẫn that names nobody, or a "phải" that states a
    rule, does not.) "là người chịu trách nhiệm về ..." (answerable for) is not an assignment. ``strict``
    (the rules of a Hướng dẫn) wants "Giao" / "Đề nghị" or an obligation ("có trách nhiệm"): there "X chủ trì
    tổ chức lễ ..." and "X: Lập danh sách ..." state who does which step of a procedure.

    >>> explicit_assignment("Ban Tổ chức Thành ủy có trách nhiệm thẩm định hồ sơ."), explicit_assignment(
    ...     "Ban Thường vụ Đảng ủy xã xét, đề nghị Ban Thường vụ Thành ủy tặng Huy hiệu Đảng.")
    (True, False)
    """
    c = cues()
    if not (
        c.cue.search(text) or c.obligation.search(text) or (not strict and (":" in text or c.chu_tri.search(text)))
    ):
        return parenthetical(text) is not None  # nothing that assigns: no need to read the lead
    if parenthetical(text) is not None:
        return True
    clause = lead_clause(text)
    if not clause.explicit:
        return False
    if clause.how == "cue" or (not strict and clause.how in {"colon", "chu_tri"}):
        return True
    return bool(c.obligation.match(clause.action)) and not _ANSWERABLE.match(clause.action)


# "chịu trách nhiệm về thể thức ..." states who answers for something; it asks nothing
_ANSWERABLE = regex_cache.compile(r"^(?:là\s+người\s+)?chịu\s+trách\s+nhiệm\s+(?:về|trước)", re.IGNORECASE)


def intro(text: str, *, issuer_speaks: bool = False) -> Clause | None:
    """The addressee of a sentence introducing a list ("... yêu cầu X thực hiện các nội dung sau:")."""
    text = clean(text)
    if not text.endswith(":"):
        return None
    last = sentences(text)[-1][1]
    return addressee(last, issuer_speaks=issuer_speaks)
