"""Tasks (nhiệm vụ được giao): who must do what, by when, from the body's items or sentences.

Rules are those of ``shared/spec/annotation.md``:

* a task is a numbered or bulleted item (or, in an unnumbered body, a sentence) that asks an
  agency to act; section titles ("II. NHIỆM VỤ VÀ GIẢI PHÁP"), items of aims sections
  ("I. MỤC ĐÍCH, YÊU CẦU"), căn cứ lines, attribute lines ("- Thời gian thực hiện: ...") and the
  closing formula ("... nghiêm túc triển khai thực hiện./.") are not;
* an item that only assigns ("2. Giao Sở Nội vụ chủ trì, phối hợp với ...:", "Sở Tài chính:") is
  not a task; its sub-items are and inherit its lead (chủ trì) and support (phối hợp);
* lead: the agency after "Giao" / "Đề nghị" / "Yêu cầu", before "chủ trì" / "có trách nhiệm" /
  a verb, or before the colon at the head of the item; else the addressee of the sentence that
  introduces the items ("... yêu cầu các cơ quan, đơn vị và địa phương ... sau:"); else the
  recipients (Kính gửi);
* deadline, recurrence and report_to come from :mod:`extractors.deadlines`.

The closing paragraph's "báo cáo ..." becomes a document-level :class:`ReportingDuty`.
Everything here is regex over short strings (no tokenizer): a page costs well under a millisecond.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache

from extractors.agencies import canonical, find_agencies, split_agencies
from extractors.deadlines import cell_deadline, find_deadline, find_recurrence, find_report_to, patterns
from extractors.numbering import Item, Marker, build_tree, parse_marker
from models import ReportingDuty, Span, Task, task_id
from pipeline.layout import Layout, Paragraph

_SUPERSCRIPTS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_SPACES = re.compile(r"\s+")
# Sentence ends: ". " or "./." before a capital letter ("... công vụ. Chú trọng ...").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-ỸÁ-Ỹ\"“(])")


def _list(key: str) -> list[str]:
    value = patterns()[key]
    assert isinstance(value, list)
    return [str(v) for v in value]


def _alt(words: list[str]) -> str:
    """Regex alternation of phrases, longest first, spaces matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Cues:
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
    attribute: re.Pattern[str]
    attribute_kind: dict[str, str]
    preamble: re.Pattern[str]
    report_heads: tuple[str, ...]
    step: re.Pattern[str]  # "Bước 1:", "Giai đoạn 2." before the item's own words
    opener: re.Pattern[str]  # "Trong quá trình thực hiện ..., " before the agency that acts


@cache
def cues() -> _Cues:
    """Regexes compiled once from ``extractors/data/task_patterns.json``."""
    heads = _list("agency_heads")
    need_name = _list("agency_heads_need_name")
    group = _list("group_determiners")
    nouns = _list("group_nouns")
    places = _list("place_words")
    # Matches "Sở Tài chính", "Công an tỉnh", "Ban Tổ chức", "Ủy ban nhân dân các xã", "các cơ quan,
    # đơn vị", "Người đứng đầu"; not "Ban hành", "Báo cáo", "Tổ chức hội nghị", "Phòng, chống".
    head = re.compile(
        r"(?:(?i:" + _alt(group) + r")\s+(?i:" + _alt(nouns) + r")(?![^\W\d_])"
        r"|(?:" + _alt(heads) + r")(?![^\W\d_])"
        r"|(?:" + _alt(need_name) + r")\s+(?:[A-ZĐÀ-Ỹ0-9]|(?:" + _alt(places) + r")(?![^\W\d_])))"
    )
    stop = re.compile(r"(?<![^\W\d_])(?:" + _alt(_list("stop_verbs")) + r")(?![^\W\d_])")
    cue = re.compile(r"(?<![^\W\d_])(?i:" + _alt(_list("assign_cues")) + r")\s+")
    tail = patterns()["assign_tail"]
    assert isinstance(tail, dict)
    verbs, tnouns, mods = (_alt(tail[k]) for k in ("verbs", "nouns", "modifiers"))
    # "thực hiện các nhiệm vụ, giải pháp trọng tâm sau:", "có nhiệm vụ:", "" (nothing left)
    assign_tail = re.compile(
        rf"^[\s,]*(?:(?:{verbs})\s*)*(?:tốt\s+)?(?:(?:các|một\s+số|những)\s+)?"
        rf"(?:(?:{tnouns})(?:\s*(?:,|và)\s*(?:{tnouns}))*)?(?:\s*(?:{mods}))*\s*:?\s*$",
        re.IGNORECASE,
    )
    # the generic closing formula, or a quyết định's execution clause ("... chịu trách nhiệm thi hành
    # Quyết định này./."): both close the document and assign nothing new
    closing = re.compile(
        "(?:" + str(patterns()["closing_generic"]) + ")|(?:" + str(patterns()["closing_execution"]) + ")",
        re.IGNORECASE,
    )
    closing_open = re.compile(r"^(?:" + _alt(_list("closing_openers")) + r")", re.IGNORECASE)
    conditional = re.compile(str(patterns()["conditional_report"]), re.IGNORECASE)
    non_task = re.compile(r"^(?:" + _alt(_list("non_task_sections")) + r")(?![^\W\d_])", re.IGNORECASE)
    opener = re.compile(r"^(?:" + _alt(_list("decision_non_task_openers")) + r")(?![^\W\d_])", re.IGNORECASE)
    labels = patterns()["attribute_labels"]
    assert isinstance(labels, dict)
    kind_of = {str(w).lower(): str(k) for k, words in labels.items() for w in words}
    # "- Cơ quan chủ trì: Sở Nội vụ.", "Thời gian thực hiện: Quý II/2026"
    attribute = re.compile(r"^(?P<label>" + _alt(list(kind_of)) + r")\s*:\s*(?P<value>.*)$", re.IGNORECASE | re.S)
    preamble = re.compile(r"^[-–+•\s]*(?:" + _alt(_list("preamble_openers")) + r")(?![^\W\d_])", re.IGNORECASE)
    report_heads = tuple(heads + need_name + ["các", "Các"])
    step = re.compile(r"^(?i:" + _alt(_list("step_labels")) + r")\s+\d{1,2}\s*[:.\-–]\s*")
    return _Cues(
        head=head,
        stop=stop,
        cue=cue,
        # OCR drops or swaps a tone mark on these two key cues ("chủ tri", "phôi hợp"): accept the
        # spellings that differ only by their marks
        chu_tri=re.compile(r"\s*(?:được\s+giao\s+)?(?:làm\s+)?ch[ủuúù]\s+tr[ìiíị](?![^\W\d_])\s*(?:thực\s+hiện\s*)?"),
        # ", phối hợp với Sở Tài chính", " và phối hợp cùng các cơ quan liên quan", ", phối hợp các đơn vị, địa
        # phương liên quan" (no "với": _support_at still wants an agency right after)
        phoi_hop=re.compile(
            r"[\s,]*(?:và\s+)?(?i:ph)[ốôoóồổ]i\s+h[ợơoọớ]p\s+(?:chặt\s+chẽ\s+)?(?:(?:với|cùng|vói)\s+)?"
        ),
        assign_tail=assign_tail,
        closing=closing,
        closing_open=closing_open,
        conditional=conditional,
        non_task_section=non_task,
        decision_opener=opener,
        attribute=attribute,
        attribute_kind=kind_of,
        preamble=preamble,
        report_heads=report_heads,
        step=step,
        opener=re.compile(r"^(?i:" + _alt(_list("adverbial_openers")) + r")(?![^\W\d_])[^,;:.]{0,150},\s+"),
    )


def clean(text: str) -> str:
    """Task text as shown: footnote markers removed, whitespace collapsed ("công vụ¹." → "công vụ.")."""
    return _SPACES.sub(" ", _SUPERSCRIPTS.sub("", text)).strip()


def _starts_agency(text: str, pos: int, relaxed: bool = False) -> bool:
    """Does an agency name start at ``pos``? ``relaxed`` (after "Giao", "Đề nghị") accepts a
    lower-case head ("đề nghị người đứng đầu các cơ quan")."""
    c = cues()
    if c.head.match(text, pos):
        return True
    if relaxed and pos < len(text):
        upper = text[:pos] + text[pos].upper() + text[pos + 1 :]
        if c.head.match(upper, pos):
            return True
    return any(start == pos for start, _end, _name in find_agencies(text[pos : pos + 120]) if start == 0)


def agency_phrase(text: str, pos: int) -> tuple[str, int] | None:
    """The agency phrase starting at ``pos`` and where it ends: up to the verb that starts the action.

    "Giao Sở Nội vụ chủ trì" → ("Sở Nội vụ", ...); "các cơ quan, đơn vị và địa phương tập trung ..." →
    ("các cơ quan, đơn vị và địa phương", ...). "tổ chức" after a comma, "các" or "và" is a noun in
    an enumeration ("các cơ quan, tổ chức, cá nhân"), not the verb.
    """
    c = cues()
    end = len(text)
    for m in c.stop.finditer(text, pos):
        before = text[pos : m.start()].rstrip()
        if not before:
            continue
        word = _SPACES.sub(" ", m.group(0))
        if word == "tổ chức" and re.search(r"(?:,|các|và)$", before):
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
        if punct.group(0) == ";" and _starts_agency(text, after):
            pos_p = after
            continue
        if punct.group(0) == ":" and _LIST_COLON.search(text, pos, punct.start()) and text[after : after + 1].isupper():
            pos_p = after
            continue
        end = punct.start()
        break
    name = text[pos:end].strip(" ,")
    if not name or len(name) > 300:
        return None
    return name, pos + len(text[pos:end].rstrip(" ,"))


def _group_noun_ending(text: str, pos: int, start: int, end: int) -> bool:
    window = text[max(pos, start - 20) : end].lower()
    return any(window.endswith(noun) and len(noun) > end - start for noun in _list("group_nouns"))


# An introduction whose items name their own agencies: "Các cơ quan, đơn vị sau đây", "các sở, ngành sau".
_FOLLOWING = re.compile(r"(?<![^\W\d_])sau(?:\s+đây)?$")


@cache
def _apposition() -> re.Pattern[str]:
    # " - cơ quan thường trực Ban vì sự tiến bộ phụ nữ tỉnh giúp Ban ... " after a lead: what the agency is,
    # up to the verb that starts the action ("tham mưu"); never past a sentence end or ";"
    verbs = _alt(_list("stop_verbs"))
    return re.compile(r"\s+[-–]\s+(?:(?![A-ZĐÀ-Ỹ])[^.;:]{0,150}?\s)??(?=(?:" + verbs + r")(?![^\W\d_]))")


# Words no agency name holds: "Ủy ban nhân dân tỉnh có ý kiến như sau:" is an introduction, not "X:".
_NOT_A_NAME = re.compile(r"(?<![^\W\d_])(?:có\s+ý\s+kiến|như\s+sau|kết\s+luận|thông\s+báo|đã|sẽ|đang)(?![^\W\d_])")

# The issuer introducing its own view: "có ý kiến như sau:", "có ý kiến:".
_OPINION_INTRO = re.compile(r"^có\s+ý\s+kiến(?:\s+(?:như\s+)?sau)?\s*:?\s*$", re.IGNORECASE)

# Where an agency phrase ends at the latest: ":", ";", a sentence end, " - " before a small letter
# ("Sở Nội vụ - tham mưu ..."); " - " before a capital is inside a name ("Khoa Tài chính - Kế toán"),
# and so is "các tổ chức chính trị - xã hội".
_PHRASE_END = re.compile(r"[:;]|\.(?:\s|$)|\s-\s(?![A-ZĐÀ-Ỹ]|xã\s+hội)")
# "Giám đốc các sở: Nội vụ, Tư pháp" — a colon that opens the names of a group, not the item's body.
_LIST_COLON = re.compile(r"(?i:các)\s+(?i:sở|bộ|ngành|cơ quan|đơn vị|ban)\s*$")


def split_names(phrase: str) -> list[str]:
    """Split an enumeration of agencies with :func:`split_agencies`. A last name that runs on into
    words the gazetteer does not know is cut at the end of the agency it starts with ("Bộ Chỉ huy
    Bộ đội Biên phòng tỉnh mở đợt ..." → "Bộ Chỉ huy Bộ đội Biên phòng tỉnh")."""
    out = split_agencies(phrase.strip(" ,."))
    if out and len(out[-1].split()) > 10:
        found = find_agencies(out[-1])
        if found and found[0][0] == 0 and len(out[-1][found[0][1] :].split()) >= 4:
            out[-1] = found[0][2]
    return out


@dataclass
class Clause:
    """Who an item or sentence addresses: lead (chủ trì), support (phối hợp), and what is left."""

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    explicit: bool = False  # the text names its own lead
    assign_only: bool = False  # nothing but the assignment ("Sở Tài chính:", "Giao X chủ trì, ...:")
    body_start: int = 0  # where the task's own words start (after "Sở X:")
    action: str = ""  # the words after the lead (and support)


def _support_at(text: str, pos: int) -> tuple[list[str], int]:
    m = cues().phoi_hop.match(text, pos)
    # after "phối hợp với", "các ..." is always someone ("các chủ rừng", "các hộ kinh doanh")
    if not m or not (_starts_agency(text, m.end(), relaxed=True) or re.match(r"(?:các|những)\s", text[m.end() :])):
        return [], pos
    found = agency_phrase(text, m.end())
    if not found:
        return [], pos
    name, end = found
    return split_names(name), end


def _find_support(text: str) -> list[str]:
    """ "phối hợp với X" anywhere in the first sentence (an item that inherits its lead)."""
    first = _SENTENCE_END.split(text, maxsplit=1)[0]
    for m in re.finditer(r"(?i:ph)[ốôoóồổ]i\s+h[ợơoọớ]p", first):
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
    c = cues()
    step = c.step.match(text)  # "Bước 1: Phòng Đào tạo cung cấp ..."
    m = c.cue.match(text, step.end() if step else 0)
    pos = m.end() if m else (step.end() if step else 0)
    if not _starts_agency(text, pos, relaxed=bool(m)):
        return _after_opener(text) or Clause(support=_find_support(text))
    found = agency_phrase(text, pos)
    if not found:
        return Clause(support=_find_support(text))
    name, end = found
    lead = split_names(name)
    if _FOLLOWING.search(name) and text.rstrip().endswith(":"):
        # "Các cơ quan, đơn vị sau đây chịu trách nhiệm tổ chức thực hiện Kế hoạch:": the items under it
        # name who does what; it introduces them and leads nothing itself
        return Clause(assign_only=True)
    apposition = _apposition().match(text, end)
    if apposition:
        end = apposition.end()  # "Sở Kế hoạch và Đầu tư - cơ quan thường trực Ban ... tham mưu ..."
    rest = text[end:]
    if rest.lstrip().startswith(":") and not _NOT_A_NAME.search(name):
        body = end + rest.index(":") + 1
        action = text[body:].strip()
        return Clause(lead, [], True, not action, body + (len(text[body:]) - len(text[body:].lstrip())), action)
    support: list[str] = []
    after = end
    ct = c.chu_tri.match(text, end)
    if ct:
        after = ct.end()
    sup, sup_end = _support_at(text, after)
    if sup:
        support, after = sup, sup_end
    elif not ct:
        support = _find_support(text[end:])
    action = text[after:].strip(" ,")
    assign_only = not action or (text.rstrip().endswith(":") and bool(c.assign_tail.match(action)))
    if not m and not ct and action and not c.stop.match(action):
        # "Sở Tài chính năm 2026 ..." is not a lead clause: the name must run into a verb.
        return Clause(support=_find_support(text))
    if not m and _OPINION_INTRO.match(action):
        # "Tổng cục Thuế có ý kiến như sau:" is the issuer speaking, not an agency asked to act;
        # "Giao các Bộ: ... có ý kiến đối với đề xuất ..." is a task
        return Clause(support=_find_support(text))
    if action and not assign_only:
        _more_agents(action, lead, support)
    return Clause(lead, support, True, assign_only, 0, action)


def _more_agents(action: str, lead: list[str], support: list[str]) -> None:
    """An item is one task; a clause after ";" that opens with its own agency names another who must
    act in it ("Sở Tài chính chủ trì thẩm định ...; Sở Xây dựng hướng dẫn định mức." → lead both), or
    one who only "phối hợp" ("...; các sở, ngành liên quan phối hợp thực hiện." → support)."""
    for part in action.split(";")[1:]:
        part = part.strip()
        if not part or not _starts_agency(part, 0):
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
    """The lead after an opening clause: "Trong quá trình thực hiện nếu có vấn đề chưa rõ, các đơn vị
    gửi ý kiến về ..." → "các đơn vị"; the task's text keeps the opening clause."""
    m = cues().opener.match(text)
    if not m:
        return None
    clause = lead_clause(text[m.end() :])
    if not clause.explicit or clause.assign_only or clause.body_start:
        return None
    return clause


def addressee(sentence: str) -> Clause | None:
    """The agency a sentence asks to act, wherever the cue stands:
    "Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị và địa phương tập trung ..." → lead
    ["các cơ quan, đơn vị và địa phương"]. The last cue followed by an agency wins ("trên cơ sở
    đề nghị của Sở Nội vụ, UBND tỉnh yêu cầu các sở ..." → "các sở ...")."""
    c = cues()
    best: Clause | None = None
    for m in c.cue.finditer(sentence):
        if not _starts_agency(sentence, m.end(), relaxed=True):
            continue
        clause = lead_clause(sentence[m.start() :])
        if clause.explicit:
            clause.body_start += m.start()
            best = clause
    if best is None:
        clause = lead_clause(sentence)
        if clause.explicit:
            return clause
    return best


def _sentences(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for part in _SENTENCE_END.split(text):
        start = text.index(part, pos)
        out.append((start, part))
        pos = start + len(part)
    return out


# ---------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    """What an item passes to its sub-items: lead, support, and for an assignment-only item its
    deadline, recurrence and report_to."""

    lead: list[str]
    support: list[str] = field(default_factory=list)
    deadline: str | None = None
    recurrence: str | None = None
    report_to: str | None = None
    non_task: bool = False  # inside "MỤC ĐÍCH, YÊU CẦU" or a deciding Điều


@dataclass
class _Builder:
    key: str  # the document's sha256: task ids derive from it and the ordinal
    year: int | None
    recipients: list[str]
    tasks: list[Task] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def add(
        self,
        ordinal: str,
        text: str,
        lead: list[str],
        support: list[str],
        span: Span,
        ctx: _Ctx | None,
        deadline: str | None = None,
        recurrence: str | None = None,
    ) -> None:
        text = clean(text)
        if not text:
            return
        deadline = deadline or find_deadline(text, self.year) or (ctx.deadline if ctx else None)
        recurrence = recurrence or find_recurrence(text) or (ctx.recurrence if ctx else None)
        report = find_report_to(text, cues().report_heads)
        report_to = report.name if report else (ctx.report_to if ctx else None)
        sha = self.key
        self.tasks.append(
            Task(
                id=task_id(sha, ordinal),
                ordinal=ordinal,
                text=text,
                lead=lead,
                support=support,
                deadline=deadline,
                recurrence=recurrence,
                report_to=report_to,
                lead_agencies=[canonical(n) for n in lead],
                support_agencies=[canonical(n) for n in support],
                span=span,
            )
        )


def _is_title(item: Item) -> bool:
    """ "II. NHIỆM VỤ VÀ GIẢI PHÁP", "1. Mục đích", "2. Công tác tuyên truyền": a heading, no action.

    A longer heading ("3. Đối tượng, phạm vi, hình thức và thời gian khảo sát") is a title too when
    it names a non-assignment section or holds no action verb at all.
    """
    head = clean(item.head)
    if not head or head.endswith((".", ";", ":", "./.")):
        return False
    letters = [ch for ch in head if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        return True
    if not (item.children or item.continuation):
        return False
    words = len(head.split())
    if words <= 10:
        return True
    c = cues()
    return words <= 20 and (bool(c.non_task_section.match(head)) or not c.stop.search(head))


def _attribute(item: Item) -> tuple[str, str] | None:
    m = cues().attribute.match(clean(item.head))
    if not m:
        return None
    return cues().attribute_kind[_SPACES.sub(" ", m.group("label")).lower()], m.group("value").strip()


def _span(paras: list[Paragraph]) -> Span:
    return Span(start=paras[0].start, end=paras[-1].end)


def _intro(text: str) -> Clause | None:
    """The addressee of a sentence introducing a list ("... yêu cầu X thực hiện các nội dung sau:")."""
    text = clean(text)
    if not text.endswith(":"):
        return None
    last = _sentences(text)[-1][1]
    return addressee(last)


# --- task tables (bảng phân công nhiệm vụ) -----------------------------------------------------

# A body table row as the readers give it, cells joined with " | ":
# "1 | Ban hành kế hoạch | Trước ngày 27/6/2026 | Sở Nội vụ | Sở Tài chính" (an empty last cell leaves " |").
_ROW_NUMBER = re.compile(r"^(\d{1,3})\s*[.)]?$")


def _cells(text: str) -> list[str] | None:
    """The cells of a table row, or None for a paragraph that is not one."""
    if "|" not in text:
        return None
    cells = [c.strip() for c in text.strip().split("|")]
    return cells if len(cells) >= 2 else None


def _fold(text: str) -> str:
    """Lower case without tone marks: OCR damages the marks of header cells ("phôi hợp")."""
    s = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return _SPACES.sub(" ", "".join(ch for ch in s if not unicodedata.combining(ch))).strip()


@dataclass(frozen=True)
class _Columns:
    """Which cell of a task table's rows holds what."""

    content: int
    ordinal: int | None = None
    deadline: int | None = None
    lead: int | None = None
    support: int | None = None
    lead_and_support: int | None = None  # "Đơn vị chủ trì/phối hợp": the first name leads


@cache
def _column_words() -> list[tuple[str, tuple[str, ...]]]:
    value = patterns()["table_columns"]
    assert isinstance(value, dict)
    return [(str(kind), tuple(str(w) for w in words)) for kind, words in value.items()]


def table_columns(cells: list[str]) -> _Columns | None:
    """The columns of a task table from its header row, or None when the row is not one:
    "STT | Nội dung công việc | Thời gian thực hiện | Cơ quan chủ trì | Cơ quan phối hợp"."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = _fold(cell)
        if not key or len(key) > 60:
            continue
        for kind, words in _column_words():
            hit = key in words if kind == "ordinal" else any(w in key for w in words)
            if hit:
                found.setdefault(kind, i)
                break
    if "content" not in found or not {"deadline", "lead", "lead_and_support"} & found.keys():
        return None
    return _Columns(**found)


def _header_as_text(text: str) -> bool:
    """A task table's header row read as running text: three kinds of column named in a short line."""
    key = _fold(text)
    if len(key.split()) > 20:
        return False
    kinds = {kind for kind, words in _column_words() if kind != "ordinal" and any(w in key for w in words)}
    if re.match(r"^(?:stt|tt)\b", key):
        kinds.add("ordinal")
    return len(kinds) >= 3


def take_tables(paras: list[Paragraph]) -> tuple[list[tuple[_Columns, list[Paragraph]]], list[Paragraph], bool]:
    """Split paragraphs into task tables (header columns, data rows) and the rest; the flag says
    some rows belonged to no readable table."""
    tables: list[tuple[_Columns, list[Paragraph]]] = []
    rest: list[Paragraph] = []
    unread = False
    cols: _Columns | None = None
    swallow = False  # under a header the reader could not split, every line is the table's
    for p in paras:
        cells = _cells(p.text)
        if swallow or (cells is None and _header_as_text(p.text)):
            # "STT Nội dung Thời gian Cơ quan chủ Cơ quan phối công việc thực hiện trì hợp": a PDF or
            # OCR reader ran the cells of each line together; the rows after it are not text either
            unread, swallow, cols = True, True, None
            continue
        if cells is None:
            cols = None
            rest.append(p)
            continue
        header = table_columns(cells)
        if header is not None:
            cols = header
            tables.append((header, []))
        elif cols is not None:
            tables[-1][1].append(p)
        else:
            unread = True
    return tables, rest, unread


def _table_tasks(b: _Builder, cols: _Columns, rows: list[Paragraph], base: str, ctx: _Ctx) -> None:
    """One task per row of a task table: ordinal from the section and the row's number, lead and
    support from their columns (an empty lead cell is a cell merged with the one above), deadline
    from the time column."""
    prefix = f"{base}." if base else ""
    n = 0
    group = ""
    groups = 0
    above: tuple[list[str], list[str]] | None = None
    for para in rows:
        cells = _cells(para.text) or []

        def cell(i: int | None, cells: list[str] = cells) -> str:
            return clean(cells[i]) if i is not None and i < len(cells) else ""

        content = cell(cols.content)
        if not content:
            continue
        when, lead_cell, support_cell = cell(cols.deadline), cell(cols.lead), cell(cols.support)
        both = cell(cols.lead_and_support)
        number = _ROW_NUMBER.match(cell(cols.ordinal))
        if not (when or lead_cell or support_cell or both) and number is None:
            # "I | NHIỆM VỤ CHUNG | | |": a group row; the rows under it count from 1 again
            groups += 1
            group, n = f"{groups}.", 0
            continue
        n = int(number.group(1)) if number else n + 1
        lead, support = _row_agencies(lead_cell, support_cell, both)
        if not lead and above is not None and (cols.lead is not None or cols.lead_and_support is not None):
            lead, support = above[0], support or above[1]
        if lead:
            above = (lead, support)
        b.add(
            f"{prefix}{group}{n}",
            content,
            lead or ctx.lead,
            support if lead else (support or ctx.support),
            _span([para]),
            ctx,
            deadline=cell_deadline(when, b.year) if when else None,
            recurrence=find_recurrence(when) if when else None,
        )


def _row_agencies(lead_cell: str, support_cell: str, both: str) -> tuple[list[str], list[str]]:
    lead = split_names(lead_cell) if lead_cell else []
    support = split_names(support_cell) if support_cell else []
    if both:
        clause = lead_clause(both)
        if clause.explicit and clause.support:
            return clause.lead, clause.support  # "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính"
        names = split_names(both)
        lead, support = lead or names[:1], support or names[1:]
    return lead, support


class _Walker:
    def __init__(self, builder: _Builder, is_decision: bool) -> None:
        self.b = builder
        self.is_decision = is_decision

    def walk(self, items: list[Item], ctx: _Ctx) -> None:
        for item in items:
            self.item(item, ctx)

    def item(self, item: Item, ctx: _Ctx) -> None:
        c = cues()
        head = clean(item.head)
        if _attribute(item) is not None:
            return  # applied to the parent by _apply_attributes
        clause = lead_clause(head)
        attrs = self._attributes(item)
        if "lead" in attrs:
            clause.lead, clause.explicit = split_names(attrs["lead"]), True
        if "support" in attrs:
            clause.support = split_names(attrs["support"])
        own_deadline = find_deadline(attrs["deadline"], self.b.year) if "deadline" in attrs else None

        children = [ch for ch in item.children if _attribute(ch) is None]
        title = _is_title(item) and not clause.explicit
        non_task = ctx.non_task or (title and bool(c.non_task_section.match(head)))

        # A quyết định's Điều that decides something itself ("Điều 1. Thành lập ...") assigns
        # nothing; a later sentence may ("Chánh Văn phòng ... chịu trách nhiệm thi hành ...").
        if item.kind == "dieu" and c.decision_opener.match(head):
            self._decision_sentences(item)
            self.walk(children, _Ctx(ctx.lead, non_task=True))
            return

        lead = clause.lead if clause.explicit else ctx.lead
        support = clause.support if clause.explicit else (clause.support or ctx.support)

        continuation, tables = self._tables(item, title)
        intro = _intro(continuation[-1].text) if continuation else None
        if intro is None:
            intro = _intro(head) if not clause.assign_only else None
        child_ctx = _Ctx(lead, support, non_task=non_task)
        if clause.assign_only or "lead" in attrs:
            child_ctx.deadline = own_deadline or find_deadline(head, self.b.year)
            child_ctx.recurrence = find_recurrence(head)
            report = find_report_to(head, c.report_heads)
            child_ctx.report_to = report.name if report else None
        if intro is not None and intro.explicit and not (clause.explicit and intro.lead == clause.lead):
            child_ctx.lead, child_ctx.support = intro.lead, intro.support

        is_task = True
        if title or (non_task and not clause.explicit):
            is_task = False
        if clause.assign_only and (children or continuation):
            is_task = False
        if clause.explicit and c.closing.match(clause.action):
            is_task = False
        elif not clause.explicit and _closes_decision(head):
            # "Điều 3. Bộ trưởng Bộ Nội vụ, ... và ông Nguyễn Văn A chịu trách nhiệm thi hành Quyết định
            # này./.": the execution clause closes the document even when its addressees (a person
            # named) are not read as a lead
            is_task = False

        own_paras = [item.paragraphs[0], *continuation]
        if clause.assign_only and continuation and not children:
            # "1. Sở Nội vụ:" followed by unnumbered paragraphs: each paragraph is a sub-task.
            for i, para in enumerate(continuation, start=1):
                self.b.add(
                    f"{item.ordinal}.{i}",
                    para.text,
                    lead,
                    support,
                    _span([para]),
                    child_ctx,
                )
        elif title and continuation and not children and not non_task:
            # "1. Công tác tuyên truyền" + a paragraph of action: the paragraph is the task.
            text = " ".join(p.text for p in continuation)
            sub = addressee(clean(text))
            if sub is not None and sub.explicit:
                lead, support = sub.lead, sub.support
            self.b.add(item.ordinal, text, lead, support, _span(continuation), ctx)
        elif is_task:
            first = item.paragraphs[0].text[item.text_start :].strip().strip("*").strip()
            body = clean(first)[clause.body_start :] if clause.body_start else clean(first)
            text = " ".join([body, *(p.text for p in continuation if not (intro and p is continuation[-1]))])
            parent_ctx = ctx if not clause.explicit else None
            self.b.add(item.ordinal, text, lead, support, _span(own_paras), parent_ctx)
            if own_deadline and self.b.tasks and self.b.tasks[-1].ordinal == item.ordinal:
                self.b.tasks[-1].deadline = self.b.tasks[-1].deadline or own_deadline
        for cols, rows in tables:
            _table_tasks(self.b, cols, rows, item.ordinal, child_ctx)
        self.walk(children, child_ctx)

    def _tables(self, item: Item, title: bool) -> tuple[list[Paragraph], list[tuple[_Columns, list[Paragraph]]]]:
        """The item's own paragraphs without its task tables, and the tables. A table whose header
        names no task columns (or that OCR broke into pieces) is left out of the task's text and
        reported in ``warnings``; under a title it takes the title's whole text with it."""
        tables, rest, unread = take_tables(list(item.continuation))
        if tables or unread:
            # "Các nhiệm vụ cụ thể như sau:" only introduces the table
            rest = [p for p in rest if not clean(p.text).endswith(":")]
        if unread:
            if title:
                rest = []
            self.b.warn(
                f"Mục {item.ordinal}: có một bảng không đọc được thành nhiệm vụ (không thấy dòng tiêu đề cột "
                "Nội dung / Thời gian / Chủ trì); hãy đối chiếu bản gốc. (A table in this section could not be "
                "read as tasks.)"
            )
        return rest, tables

    def _attributes(self, item: Item) -> dict[str, str]:
        out: dict[str, str] = {}
        for ch in item.children:
            attr = _attribute(ch)
            if attr is not None and attr[0] not in out:
                # the deadline keeps its label, which is the cue ("Thời gian thực hiện: Quý II/2026")
                out[attr[0]] = clean(ch.head) if attr[0] == "deadline" else attr[1]
        return out

    def _decision_sentences(self, item: Item) -> None:
        text = clean(" ".join([item.head, *(p.text for p in item.continuation)]))
        for _start, sentence in _sentences(text)[1:]:
            clause = lead_clause(sentence)
            if clause.explicit and not clause.assign_only and not cues().closing.match(clause.action):
                self.b.add(item.ordinal, sentence, clause.lead, clause.support, _span(item.paragraphs), None)
                return


# where an execution clause's action starts: "... và ông Nguyễn Văn A | chịu trách nhiệm thi hành ..."
_EXECUTION_START = re.compile(r"(?<![^\W\d_])(?:có|chịu)\s+trách\s+nhiệm(?![^\W\d_])", re.IGNORECASE)


def _closes_decision(head: str) -> bool:
    """Whether ``head`` ends with a quyết định's execution clause.

    >>> _closes_decision("Bộ trưởng Bộ Nội vụ và ông Nguyễn Văn A chịu trách nhiệm thi hành Quyết định này./.")
    True
    """
    starts = [m.start() for m in _EXECUTION_START.finditer(head)]
    return bool(starts) and bool(re.match(str(patterns()["closing_execution"]), head[starts[-1] :], re.IGNORECASE))


def document_year(issued_date: str | None, layout: Layout) -> int | None:
    """The year a "trước ngày 15/7" belongs to: the issue year, else the latest year in the text."""
    if issued_date and issued_date[:4].isdigit():
        return int(issued_date[:4])
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", layout.text)]
    return max(years) if years else None


def _body(layout: Layout, addressees: list[str]) -> list[Paragraph]:
    """Body paragraphs after the Kính gửi block, without the recipients' own lines."""
    paras = layout.zone("body") or [
        p for p in layout.zone("unknown") if not p.text.lstrip("*").lower().startswith("nơi nhận")
    ]
    recipients = {clean(r).lower().strip(" ;.") for r in addressees}
    out: list[Paragraph] = []
    in_recipients = False
    for p in paras:
        t = clean(p.text).strip("*").strip()
        if re.match(r"^kính\s+gửi", t, re.IGNORECASE):
            out = []  # everything before Kính gửi is the title block
            in_recipients = True
            continue
        bare = re.sub(r"^[-–•+]\s*", "", t).strip(" ;.").lower()
        # "- Công an tỉnh, Bộ Chỉ huy quân sự tỉnh;": the Kính gửi list runs on in short dash lines.
        if in_recipients and re.match(r"^[-–•+]", t) and len(t) < 200 and t.endswith((";", ".", ",")):
            continue
        in_recipients = False
        if bare in recipients:
            continue
        if re.match(r"^(?:nơi\s+nhận)", t, re.IGNORECASE):
            break
        out.append(p)
    return out


# A căn cứ line even when bulleted: "- Căn cứ Điều lệ Đảng;", "- Theo đề nghị của Văn phòng Trung ương Đảng,".
_CAN_CU = re.compile(r"^(?:căn\s+cứ|theo\s+đề\s+nghị|xét\s+đề\s+nghị|xét\s+tờ\s+trình)(?![^\W\d_])", re.IGNORECASE)


def _markers(paras: list[Paragraph]) -> list[Marker | None]:
    """Each paragraph's marker; căn cứ lines and anything before the first real item are preamble."""
    c = cues()
    out: list[Marker | None] = []
    seen_item = False
    for p in paras:
        # a table row is never an item, whatever its first cell starts with ("a) Rà soát | Quý II | ...")
        marker = parse_marker(p.text) if _cells(p.text) is None else None
        if marker is not None and not seen_item:
            rest = p.text[marker.end :].strip()
            bullet = marker.kind in {"dash", "plus", "bullet"}
            if _CAN_CU.match(rest) or (bullet and c.preamble.match(rest) and rest.endswith((",", ";"))):
                marker = None  # "- Căn cứ Điều lệ Đảng;" is a căn cứ line, not an item
        if marker is not None:
            seen_item = True
        out.append(marker)
    for i, p in enumerate(paras[:-1]):
        nxt = out[i + 1]
        if out[i] is None and nxt is not None and nxt.kind in _UNIT_CHILDREN and _unit_heading(p.text):
            out[i] = Marker("unit", None, 0)
    return out


# kinds of item that may follow a bare unit-name heading line
_UNIT_CHILDREN = {"dash", "plus", "bullet", "letter"}


def _unit_heading(text: str) -> bool:
    """A bare line naming the unit the next bullets are for: "Trung tâm Quản lý chất lượng",
    "Phòng Đào tạo và Phòng Công tác sinh viên:" (no marker, no action, no sentence end)."""
    t = clean(text).strip("*").strip()
    if not t or len(t.split()) > 14 or t.endswith((".", ";", ",")) or t[:1].islower():
        return False
    clause = lead_clause(t)
    return clause.explicit and clause.assign_only and not clause.action


def _closing_start(paras: list[Paragraph], markers: list[Marker | None]) -> int:
    """Index of the first closing paragraph: unnumbered paragraphs after the last item, except
    that the first of them continues the last item unless it reads as a closing."""
    c = cues()
    last = max((i for i, m in enumerate(markers) if m is not None), default=-1)
    if last < 0:
        return len(paras)
    # a table after the last item belongs to it, with the line that introduces it
    rows = [i for i in range(last + 1, len(paras)) if _cells(paras[i].text) is not None]
    if rows and all(_cells(p.text) is not None or clean(p.text).endswith(":") for p in paras[last + 1 : rows[-1]]):
        last = rows[-1]
    start = last + 1
    if start < len(paras):
        t = clean(paras[start].text)
        closing_like = (
            t.endswith("/.")
            or bool(c.closing_open.match(t))
            or bool(c.conditional.search(t))
            or addressee(t) is not None
        )
        if not closing_like:
            start += 1
    return start


def _reporting(paras: list[Paragraph], fallback: list[str]) -> list[ReportingDuty]:
    """The closing paragraph's duty to report ("... kịp thời báo cáo UBND tỉnh (qua ...) ...")."""
    c = cues()
    duties: list[ReportingDuty] = []
    for para in paras:
        who = fallback
        for start, sentence in _sentences(para.text):
            sentence = clean(sentence)
            clause = addressee(sentence)
            if clause is not None and clause.explicit:
                who = clause.lead
            report = find_report_to(sentence, c.report_heads)
            if report is None:
                continue
            duties.append(
                ReportingDuty(
                    text=sentence,
                    who=who,
                    report_to=report.name,
                    deadline=find_deadline(sentence),
                    recurrence=find_recurrence(sentence),
                    span=Span(start=para.start + start, end=para.start + start + len(sentence)),
                )
            )
    return duties


def _unnumbered(paras: list[Paragraph], builder: _Builder) -> list[Paragraph]:
    """Tasks from the sentences of an unnumbered body; returns the paragraphs left for reporting."""
    c = cues()
    left: list[Paragraph] = []
    tables, paras, _unread = take_tables(paras)
    for cols, rows in tables:
        _table_tasks(builder, cols, rows, "", _Ctx(list(builder.recipients)))
    n = len(builder.tasks)
    for para in paras:
        text = clean(para.text)
        if c.preamble.match(text) and text.endswith(":") is False and addressee(text) is None:
            continue
        found = False
        for start, sentence in _sentences(para.text):
            s = clean(sentence)
            clause = addressee(s)
            if clause is None or not clause.explicit or c.closing.match(clause.action):
                continue
            if not clause.action and clause.assign_only:
                continue  # a bare name ("ỦY BAN NHÂN DÂN TỈNH NINH THUẬN" above the căn cứ) asks nothing
            if c.conditional.search(s) or s.endswith(":"):
                continue
            cue = c.cue.search(s)
            body = s[cue.start() :] if cue and cue.start() > 0 and cue.start() <= clause.body_start + 60 else s
            body = body[:1].upper() + body[1:]
            n += 1
            found = True
            builder.add(
                str(n),
                body,
                clause.lead,
                clause.support,
                Span(start=para.start + start, end=para.start + start + len(sentence)),
                None,
            )
        if not found:
            left.append(para)
    return left


_BULLETS = {"dash", "plus", "bullet"}


def _after_findings(paras: list[Paragraph], markers: list[Marker | None], first: int, end: int) -> int:
    """Where the items start when bullets before them only state findings: a letter lists what an inspection
    found ("- Một số Cục Thuế có tỷ lệ hoàn thành thấp ...") and then, in a paragraph of its own, introduces
    the real items ("Tổng cục Thuế yêu cầu Cục Thuế các tỉnh ... thực hiện một số giải pháp sau:"). The
    bullets before such an introduction are preamble; a numbered item before it keeps the list as it is."""
    for i in range(first, end):
        if (m := markers[i]) is not None:
            if m.kind not in _BULLETS:
                return first
            continue
        intro = _intro(paras[i].text)
        if intro is not None and intro.explicit and any(m is not None for m in markers[i + 1 : end]):
            return next(j for j in range(i + 1, end) if markers[j] is not None)
    return first


def _title_lines(lines: list[str]) -> int:
    """How many lines at the head of a roman heading's paragraph are its title, 0 for none.

    ["I. NHIỆM VỤ TRỌNG TÂM CỦA", "CÁC ĐƠN VỊ", "Các sở, ngành thực hiện:"] → 2 (the capital lines);
    ["I. Nhiệm vụ chung", "Ban Chỉ huy Phòng, chống", "thiên tai ... tập trung thực hiện:"] → 1 (a short line
    that ends in no punctuation, then a new sentence); ["I. Sở Tài chính", "Tỉnh ..."] → 0 (it names a lead).
    """
    caps = 0
    for line in lines:
        letters = [ch for ch in line if ch.isalpha()]
        if not letters or not all(ch.isupper() for ch in letters):
            break
        caps += 1
    if max(caps, 1) >= len(lines):
        return 0  # every line in capitals: one title, nothing under it
    rest = lines[max(caps, 1)]
    if not rest[:1].isupper():
        return 0  # "I. Nhiệm vụ của các cơ quan" + "thuộc tỉnh": the title itself runs on
    if caps:
        return caps if caps < len(lines) else 0
    marker = parse_marker(lines[0])
    first = lines[0][marker.end :].strip() if marker else ""
    if not first or len(first.split()) > 8 or first.endswith((".", ";", ":", ",")) or lead_clause(first).explicit:
        return 0
    return 1


# a capital word that may open the sentence under a heading: "Nhiệm vụ chung | Ban Chỉ huy ..."
_CAPITAL_WORD = re.compile(r"(?<=\s)[A-ZĐÀ-Ỹ]")


def _title_end(text: str, start: int) -> int:
    """Where a roman heading ends when a reader joined its line with the sentence under it (no lines left):
    "I. Nhiệm vụ chung Ban Chỉ huy ... các cấp tập trung thực hiện một số công việc sau:" → before "Ban".
    Only a short title with no punctuation, followed by a sentence that names its own lead and
    introduces the bullets; 0 when there is none."""
    if not text.rstrip().endswith(":") or len(text[start:].split()) < 12:
        return 0
    for m in _CAPITAL_WORD.finditer(text, start, start + 80):
        title = text[start : m.start()].strip()
        if not title:
            continue  # the title's own first word
        if len(title.split()) > 8 or re.search(r"[.,;:()]", title):
            return 0
        intro = _intro(text[m.start() :])
        if intro is not None and intro.explicit and not intro.body_start:
            return m.start()
    return 0


def _split_headings(paras: list[Paragraph]) -> list[Paragraph]:
    """A roman heading printed on its own line(s) but read into one paragraph with the sentence under it
    ("I. Nhiệm vụ chung" + "Ban Chỉ huy ... tập trung thực hiện một số công việc sau:") is split so the
    heading is a title and the sentence introduces its bullets, instead of one long item read as a task."""
    out: list[Paragraph] = []
    for p in paras:
        marker = parse_marker(p.text)
        cut = 0
        if marker is not None and marker.kind == "roman":
            if len(p.lines) >= 2 and " ".join(p.lines) == p.text:
                k = _title_lines(p.lines)
                cut = len(" ".join(p.lines[:k])) if k else 0
            else:
                cut = _title_end(p.text, marker.end)
        if not cut:
            out.append(p)
            continue
        title, rest = p.text[:cut].rstrip(), p.text[cut:].lstrip()
        out.append(replace(p, text=title, lines=[title], end=p.start + len(title)))
        out.append(replace(p, text=rest, lines=[rest], start=p.end - len(rest)))
    return out


@dataclass
class Tasks:
    """What the tasks stage finds: the tasks, the document-level reporting duties, and warnings."""

    tasks: list[Task] = field(default_factory=list)
    reporting: list[ReportingDuty] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def extract(
    layout: Layout,
    *,
    key: str,
    year: int | None = None,
    recipients: list[str] | None = None,
    doc_type: str | None = None,
) -> Tasks:
    """The tasks of the body of ``layout``.

    ``key`` is the document's sha256 (task ids derive from it), ``year`` the year a date without one belongs to
    (:func:`document_year`), ``recipients`` the Kính gửi addressees (who leads an item that names nobody), and
    ``doc_type`` the document's type (a quyết định's deciding articles are not tasks).
    """
    addressees = list(recipients or [])
    paras = _split_headings(_body(layout, addressees))
    builder = _Builder(key, year, addressees)
    if not paras:
        return Tasks()
    markers = _markers(paras)
    closing_at = _closing_start(paras, markers)
    first = next((i for i, m in enumerate(markers) if m is not None), None)
    if first is not None:
        first = _after_findings(paras, markers, first, closing_at)
    if first is None:
        left = _unnumbered(paras, builder)
        return Tasks(builder.tasks, _reporting(left[-2:], addressees), builder.warnings)
    preamble = paras[:first]
    intro = None
    for p in reversed(preamble):
        intro = _intro(p.text)
        if intro is not None or clean(p.text):
            break
    root_lead = intro.lead if intro is not None and intro.explicit else addressees
    root = _Ctx(root_lead, intro.support if intro is not None else [])
    items = build_tree(paras[first:closing_at], markers[first:closing_at])
    is_decision = (doc_type or "").lower() == "quyết định"
    _Walker(builder, is_decision).walk(items, root)
    return Tasks(builder.tasks, _reporting(paras[closing_at:], root_lead), builder.warnings)
