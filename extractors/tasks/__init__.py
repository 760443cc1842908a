"""Tasks (nhiệm vụ được giao): who must do what, by when, from the body's items, sentences and tables.

The steps, one module each, in the order :func:`extract` runs them:

=================  ==================================================================================
step               what it decides
=================  ==================================================================================
``scope``          which paragraphs hold tasks: the body after Kính gửi; a plan attached to a quyết định;
                   appendices; how each part is read (plan, guidance, decision, appendix)
``outline``        the items (đề mục) and how they nest; headings; unit-name lines; closing paragraphs
``find``           which items, paragraphs, sentences and table rows are tasks, and the context each
                   would inherit from (nothing is resolved yet)
``clauses``        who a text names: the lead (chủ trì) and the support (phối hợp)
``attributes``     attribute lines and blocks ("- Cơ quan chủ trì: ...", "3. Thời gian thực hiện: ...")
``tables``         task tables and appendices: one task per row
``deadlines``      which part of a block's time expression holds for which item
``resolve``        what each task inherits: lead, support, deadline, recurrence, report recipient
``reporting``      the closing paragraphs' duties to report
=================  ==================================================================================

Rules are those of ``shared/spec/annotation.md``; the cue phrases are data
(``extractors/data/task_patterns.json``). Everything is regex over short strings, with underthesea's
part-of-speech tags only where a run-on agency name needs its word boundary: a page costs about a
millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.agencies import canonical
from extractors.deadlines import find_deadline
from extractors.tasks import outline, reporting, resolve, scope, tables
from extractors.tasks.clauses import addressee, intro

# (the function cues() is not imported here: the package's name ``cues`` is its module)
from extractors.tasks.cues import clean, sentences
from extractors.tasks.cues import cues as compiled_cues
from extractors.tasks.find import Context, Finder, Scope
from models import ReportingDuty, Task
from pipeline.layout import Layout, Paragraph


@dataclass
class Tasks:
    """What the tasks stage finds: the tasks, the document-level reporting duties, and warnings."""

    tasks: list[Task] = field(default_factory=list)
    reporting: list[ReportingDuty] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def document_year(issued_date: str | None, layout: Layout) -> int | None:
    """The year a "trước ngày 15/7" belongs to: the issue year, else the latest year in the text."""
    if issued_date and issued_date[:4].isdigit():
        return int(issued_date[:4])
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", layout.text)]
    return max(years) if years else None


def extract(
    layout: Layout,
    *,
    key: str,
    year: int | None = None,
    recipients: list[str] | None = None,
    doc_type: str | None = None,
    issuer: str | None = None,
) -> Tasks:
    """The tasks of the body of ``layout``.

    ``key`` is the document's sha256 (task ids derive from it), ``year`` the year a date without one belongs to
    (:func:`document_year`), ``recipients`` the Kính gửi addressees (who leads an item that names nobody),
    ``doc_type`` the document's type (how its body is read: a Hướng dẫn's rules and a quyết định's deciding
    articles are not tasks), ``issuer`` the issuing body (a sentence in which it speaks of itself assigns
    nothing to it).
    """
    addressees = list(recipients or [])
    finder = Finder(year)
    duties: list[ReportingDuty] = []
    for part in scope.parts(scope.body(layout, addressees), doc_type):
        if part.mode == "appendix":
            for table in tables.take(part.paragraphs)[0]:
                finder.table(table, part.prefix, Context(source="appendix"))
            continue
        root = Context(lead=[] if part.attached else addressees, source="recipients")
        closing, who = _read_part(part, finder, root, issuer, year)
        if not part.attached:
            duties += reporting.duties(closing, who, year)
    return Tasks(resolve.tasks(finder.found, key, year), duties, finder.warnings)


def _read_part(
    part: scope.Part, finder: Finder, root: Context, issuer: str | None, year: int | None
) -> tuple[list[Paragraph], list[str]]:
    """Find the tasks of one part; returns its closing paragraphs and whom they address by default."""
    preamble, items, closing = outline.build(part.paragraphs)
    if not items:
        return finder.sentences_of(preamble, root, Scope(part.mode)), root.lead
    introduction = None
    for p in reversed(preamble):
        introduction = intro(p.text, issuer_speaks=True)
        if introduction is not None or clean(p.text):
            break
    if introduction is not None and introduction.explicit and not _is_issuer(introduction.lead, issuer):
        text = clean(sentences(clean(preamble[-1].text))[-1][1])  # the introducing sentence, not its paragraph
        root = Context(
            lead=introduction.lead,
            support=introduction.support,
            when=text,
            deadline=find_deadline(text, year),
            source="intro",
            # a Hướng dẫn's introduction addresses its readers; its rules still assign nothing
            assigned=part.mode != "guidance",
            parent=root,
        )
    else:
        root = _closing_request(closing, root, year)
    finder.walk(items, root, Scope(part.mode))
    return closing, root.lead


def _closing_request(closing: list[Paragraph], root: Context, year: int | None) -> Context:
    """A closing request that names who and by when, for items introduced by nobody: "Đề nghị Văn phòng
    UBND tỉnh, Sở Tư pháp ... có văn bản góp ý dự thảo và gửi về Sở Nội vụ chậm nhất ngày 27/8/2025./."."""
    for para in closing[:2]:
        first = clean(sentences(para.text)[0][1])
        if not compiled_cues().cue.match(first):
            continue
        found = addressee(first)
        deadline = find_deadline(first, year)
        if found is None or not found.explicit or deadline is None:
            continue
        return Context(lead=found.lead, when=first, deadline=deadline, source="closing", parent=root)
    return root


def _is_issuer(lead: list[str], issuer: str | None) -> bool:
    """The issuer speaking of its own work ("Sở Nội vụ xây dựng các dự thảo gửi lấy ý kiến ... như sau:"), not
    an addressee asked to act."""
    if not issuer or len(lead) != 1:
        return False
    a, b = canonical(lead[0]), canonical(issuer)
    if a.canonical and b.canonical:
        return a.canonical == b.canonical
    return lead[0].lower() == issuer.lower()


__all__ = ["Tasks", "document_year", "extract"]
