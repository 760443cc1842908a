"""Which paragraphs hold tasks, and how to read them.

* :func:`body` — the body after the Kính gửi block, without the recipients' own lines, up to Nơi nhận;
* :func:`parts` — the body cut where another document starts inside it: a plan attached to a quyết định
  ("CHƯƠNG TRÌNH HÀNH ĐỘNG ... (Ban hành kèm theo Quyết định số ...)") and each appendix ("PHỤ LỤC");
* :func:`mode_of` — how a part is read: ``plan`` (plans, letters, notices: every item that asks someone to
  act), ``guidance`` (Hướng dẫn, Quy định, Thông tư ...: a rule assigns nothing; only an explicit
  assignment or an item of its "Tổ chức thực hiện" section is a task), ``decision`` (a quyết định's
  articles: only an article that assigns), ``appendix`` (only the rows of task tables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.tasks.cues import clean, cues, is_upper, words
from pipeline import regex_cache
from pipeline.layout import Layout, Paragraph

# "PHỤ LỤC", "Phụ lục I", "PHỤ LỤC 2", "Phụ lục số 01" on a line of its own
_APPENDIX = regex_cache.compile(r"^(?:PHỤ\s+LỤC|Phụ\s+lục)(?:\s+(?:số\s+)?[IVX\d]{1,4})?\s*[.:]?$")
# the note under an attached document's title: "(Ban hành kèm theo Quyết định số 435/QĐ-UBND ...)"
_ATTACHED_NOTE = regex_cache.compile(
    r"\(\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\s+(?:Quyết\s+định|Nghị\s+quyết)", re.IGNORECASE
)
_ARTICLE = regex_cache.compile(r"^(?:\*\*)?(?:Điều|ĐIỀU)\s+\d{1,3}\s*[.:]")
# "... chịu trách nhiệm thi hành Quyết định này./." closes a quyết định's articles
_EXECUTION = regex_cache.compile(
    r"(?:có|chịu)\s+trách\s+nhiệm\s+(?:tổ\s+chức\s+)?thi\s+hành\s+(?:Quyết|Nghị)\s+(?:định|quyết)\s+này", re.IGNORECASE
)


@dataclass
class Part:
    """A run of body paragraphs read one way (see the module docstring for ``mode``)."""

    mode: str
    paragraphs: list[Paragraph]
    prefix: str = ""  # ordinal prefix of an appendix's rows ("PL")
    attached: bool = False  # a document attached to a quyết định: its items are numbered afresh


def body(layout: Layout, addressees: list[str]) -> list[Paragraph]:
    """Body paragraphs after the Kính gửi block, without the recipients' own lines."""
    paras = layout.zone("body") or [
        p for p in layout.zone("unknown") if not p.text.lstrip("*").lower().startswith("nơi nhận")
    ]
    recipients = {clean(r).lower().strip(" ;.") for r in addressees}
    out: list[Paragraph] = []
    in_recipients = False
    stop = _distribution_start(paras)
    sections = False  # a numbered section seen: a "Kính gửi" after it is an example, not the letter's own
    for p in paras[:stop]:
        t = clean(p.text).strip("*").strip()
        if _KINH_GUI.match(t) and not sections:
            out = []  # everything before Kính gửi is the title block
            in_recipients = True
            continue
        sections = sections or bool(_SECTION_MARKER.match(t))
        bare = _DASH.sub("", t).strip(" ;.").lower()
        # "- Công an tỉnh, Bộ Chỉ huy quân sự tỉnh;": the Kính gửi list runs on in short dash lines.
        if in_recipients and _DASH.match(t) and len(t) < 200 and t.endswith((";", ".", ",")):
            continue
        in_recipients = False
        if bare in recipients:
            continue
        out.append(p)
    return out


_KINH_GUI = regex_cache.compile(r"^kính\s*gửi", re.IGNORECASE)
_NOI_NHAN = regex_cache.compile(r"^nơi\s+nhận", re.IGNORECASE)
_DASH = regex_cache.compile(r"^[-–•+]\s*")
_SECTION_MARKER = regex_cache.compile(r"^(?:[IVX]{1,5}\s*[.\-–]|\d{1,2}\s*[.\-–/)]|Điều\s+\d)\s*\S")


def _distribution_start(paras: list[Paragraph]) -> int:
    """Where a Nơi nhận list left in the body starts: a "Nơi nhận" line after which no numbered section
    follows (a Hướng dẫn that explains how to write "Nơi nhận:" goes on with its sections)."""
    for i, p in enumerate(paras):
        t = clean(p.text).strip("*").strip()
        if (
            "nhận" in t[:12].lower()
            and _NOI_NHAN.match(t)
            and not any(_SECTION_MARKER.match(clean(q.text)) for q in paras[i + 1 :])
        ):
            return i
    return len(paras)


def mode_of(doc_type: str | None) -> str:
    """How a document of this type is read: "guidance", "decision" or "plan"."""
    kind = (doc_type or "").strip().lower()
    if kind in words("guidance_types"):
        return "guidance"
    if kind in words("decision_types"):
        return "decision"
    return "plan"


def _attached_title(text: str) -> str | None:
    """The type of a document that starts here inside a quyết định ("CHƯƠNG TRÌNH HÀNH ĐỘNG" → "chương
    trình hành động"), also when a reader ran its title lines together ("CHƯƠNG TRÌNH HÀNH ĐỘNG. TRIỂN KHAI
    KẾ HOẠCH SỐ 119-KH/TU ...")."""
    t = clean(text).strip("*").strip()
    if not is_upper(t):
        return None
    m = cues().attached.match(t)
    return m.group(0).lower() if m else None


def parts(paras: list[Paragraph], doc_type: str | None) -> list[Part]:
    """The body cut into its own part, an attached plan (in a quyết định) and appendices."""
    mode = mode_of(doc_type)
    out: list[Part] = [Part(mode, [])]
    seen_article = False
    appendices = 0
    for i, p in enumerate(paras):
        t = clean(p.text).strip("*").strip()
        if _APPENDIX.match(t):
            appendices += 1
            out.append(Part("appendix", [p], "PL" if appendices == 1 else f"PL{appendices}"))
            continue
        if _ARTICLE.match(t):
            seen_article = True
        current = out[-1]
        title = _attached_title(t) if (seen_article and current.mode == "decision") else None
        if title is not None and _attached_follows(paras, i):
            kind = "guidance" if title.split()[0] in {"quy", "hướng"} else "plan"
            out.append(Part(kind, [p], attached=True))
            continue
        current.paragraphs.append(p)
        if current.mode == "decision" and seen_article and _EXECUTION.search(t) and i + 1 < len(paras):
            # after the execution clause that closes the articles, whatever is numbered is an attached plan
            out.append(Part("plan", [], attached=True))
    return [part for part in out if part.paragraphs]


def _attached_follows(paras: list[Paragraph], i: int) -> bool:
    """An attached document's title is followed within a few lines by its "(Ban hành kèm theo ...)" note
    or by its first section ("I. MỤC ĐÍCH, YÊU CẦU")."""
    for p in paras[i + 1 : i + 5]:
        t = clean(p.text)
        if _ATTACHED_NOTE.search(t) or re.match(r"^(?:I|1)\s*[.\-–]\s+\S", t):
            return True
    return False
