"""Find the tasks of an outline: which items, paragraphs, sentences and table rows ask someone to act.

This step decides *what* is a task and records *where* each one would inherit from; it resolves nothing
(:mod:`extractors.tasks.resolve` does). Each :class:`Found` keeps its own clause (who its words name), its
span, and a :class:`Context` chain: the attribute block that describes it, the item above that only assigns
("2. Giao Sở Nội vụ chủ trì ...:"), a unit heading ("1. Công an tỉnh"), the sentence that introduces the
items ("... yêu cầu các cơ quan, đơn vị ... sau:"), a heading's time ("... đến tháng 6/2027"), and at the
root the recipients (Kính gửi).

What is not a task (``shared/spec/annotation.md``, issue 8): headings and titles; items of aims, situation,
budget and other non-assignment sections; attribute lines; an item that only assigns; rules, criteria and
definitions ("Trường hợp ... thì ... vẫn là ...", "Số giường ... nằm trong ..."); in a Hướng dẫn or Quy định,
any rule that names no one to act outside its "Tổ chức thực hiện" section; a quyết định's approving and
execution articles; the closing formula and the "nếu có khó khăn, vướng mắc, báo cáo ..." clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from extractors.agencies import canonical
from extractors.deadlines import find_deadline, find_recurrence, find_report_to, patterns
from extractors.numbering import Item
from extractors.tasks import attributes, tables
from extractors.tasks.attributes import Attributes
from extractors.tasks.clauses import (
    Clause,
    addressee,
    explicit_assignment,
    intro,
    lead_clause,
    parenthetical,
    split_names,
    starts_agency,
    support_mentions,
)
from extractors.tasks.cues import clean, cues, is_upper, sentences
from extractors.tasks.deadlines import expression_deadline
from extractors.tasks.outline import is_title
from models import Span
from pipeline import regex_cache
from pipeline.layout import Paragraph

# kinds of heading that are sections of a document, never a task of their own
_SECTION_KINDS = {"phan", "chuong", "muc", "part", "roman"}


@dataclass
class Context:
    """What the items below inherit: who leads and supports, and when (as written and as a date)."""

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    when: str = ""  # a time expression for the items ("Thời gian thực hiện: Quý II/2026")
    deadline: str | None = None
    recurrence: str | None = None
    report_to: str | None = None
    source: str = "root"  # recipients, intro, assign, unit, attributes, heading, item, closing
    assigned: bool = False  # the items below were assigned by name (a rule of a Hướng dẫn under it is a task)
    parent: Context | None = None

    def chain(self) -> list[Context]:
        out: list[Context] = []
        ctx: Context | None = self
        while ctx is not None:
            out.append(ctx)
            ctx = ctx.parent
        return out

    def is_assigned(self) -> bool:
        return any(c.assigned for c in self.chain())


@dataclass
class Found:
    """A task as found: its ordinal, words and span, who its words name, and where it inherits from."""

    ordinal: str
    text: str
    span: Span
    clause: Clause
    context: Context
    row: tables.Row | None = None
    later: list[str] = field(default_factory=list)  # who later sentences name (see resolve.who)


@dataclass(frozen=True)
class Scope:
    """How the items at this level are read: the part's mode, and the section they are in."""

    mode: str  # "plan", "guidance", "decision", "appendix"
    non_task: bool = False  # inside "MỤC ĐÍCH, YÊU CẦU", "KINH PHÍ" ...
    execution: bool = False  # inside "TỔ CHỨC THỰC HIỆN" (a Hướng dẫn's items there assign)


def span_of(paras: list[Paragraph]) -> Span:
    return Span(start=paras[0].start, end=paras[-1].end)


def time_context(parent: Context, text: str, year: int | None, source: str) -> Context:
    """A context carrying the deadline, recurrence and report recipient of ``text`` (a head that assigns)."""
    report = find_report_to(text, cues().report_heads)
    return Context(
        when=text,
        deadline=find_deadline(text, year),
        recurrence=find_recurrence(text),
        report_to=report.name if report else None,
        source=source,
        parent=parent,
    )


class Finder:
    """Walks an outline and collects :class:`Found` tasks (and warnings about unreadable tables)."""

    def __init__(self, year: int | None) -> None:
        self.year = year
        self.found: list[Found] = []
        self.warnings: list[str] = []

    # --- the tree ---------------------------------------------------------------------------------

    def walk(self, items: list[Item], ctx: Context, scope: Scope) -> None:
        for item, item_ctx, own in self._described(items, ctx):
            self.item(item, item_ctx, scope, own)

    def _described(self, items: list[Item], ctx: Context) -> list[tuple[Item, Context, bool]]:
        """Each non-attribute item with the context of the attribute block that describes it: its own lines,
        else the next block among its siblings (a block with no item of its own holds for the items above
        it back to the previous block)."""
        own: list[Attributes | None] = []
        for i, item in enumerate(items):
            if attributes.is_attribute(item) or (i and own[i - 1] is None and attributes.extends(item, items[i - 1])):
                own.append(None)  # an attribute line, or a line that runs on a time expression above it
                continue
            kids = attributes.lines_of(item.children)
            lines = [p for p in item.continuation if attributes.label(p.text) is not None]
            own.append(attributes.read(kids, lines) if kids or lines else Attributes())
        out: list[tuple[Item, Context, bool]] = []
        for i, item in enumerate(items):
            mine = own[i]
            if mine is None:
                continue
            if mine:
                out.append((item, self._block(ctx, mine), True))
                continue
            block = self._next_block(items, own, i)
            out.append((item, self._block(ctx, block) if block else ctx, False))
        return out

    def _next_block(self, items: list[Item], own: list[Attributes | None], i: int) -> Attributes | None:
        for j in range(i + 1, len(items)):
            if own[j] is None:  # a run of attribute items: one block
                run = []
                for k in range(j, len(items)):
                    if own[k] is not None:
                        break
                    run.append(items[k])
                block = attributes.read(run)
                return block or None
            if own[j]:
                return own[j]
        return None

    def _block(self, ctx: Context, block: Attributes) -> Context:
        when = block.when
        return Context(
            lead=block.lead,
            support=block.support,
            when=when,
            deadline=expression_deadline(when, self.year) if when else None,
            recurrence=find_recurrence(when) if when else None,
            source="attributes",
            assigned=bool(block.lead),
            parent=ctx,
        )

    # --- one item ---------------------------------------------------------------------------------

    def item(self, item: Item, ctx: Context, scope: Scope, own_attributes: bool) -> None:
        """One item: an article of a decision, a heading, an item that only assigns, or a task."""
        if item.kind == "dieu":
            self.article(item, ctx, scope)
        else:
            self.plain(item, ctx, scope, own_attributes)

    def plain(self, item: Item, ctx: Context, scope: Scope, own_attributes: bool) -> None:
        """An item read as in a plan: a heading, an item that only assigns, or a task (and what is under it)."""
        c = cues()
        head = clean(item.head)
        clause = unit_name(item) or lead_clause(head)
        if not clause.explicit:
            inner = parenthetical(head)
            if inner is not None:
                clause = Clause(inner.lead, inner.support, True, False, 0, head, inner.how)
        rest, found_tables, unread = self._own_paragraphs(item)
        if unread:
            self._warn_table(item)
        children = [ch for ch in item.children]
        heading = is_title(item) and not clause.explicit
        # a heading with its own attribute lines is a task of its own ("1. Cài đặt hệ thống phần mềm" + "- Thời
        # gian thực hiện: ..."); a section's heading ("I. CÔNG TÁC QUÁN TRIỆT") stays a heading
        if heading and (not own_attributes or item.kind in _SECTION_KINDS or is_upper(head)):
            self.heading(item, head, rest, found_tables, children, ctx, scope)
            return
        if clause.explicit and clause.assign_only and (children or rest or found_tables):
            self.assigner(item, head, clause, rest, found_tables, children, ctx, scope)
            return
        lead_ctx = ctx
        if clause.explicit:
            lead_ctx = Context(
                lead=clause.lead,
                support=clause.support,
                source="item",
                assigned=explicit_assignment(head, strict=True) or scope.mode != "guidance",
                parent=ctx,
            )
        child_ctx = lead_ctx
        last = introducer(rest[-1].text) if rest else None
        opening = intro(head) if last is None else None
        introduction = last or opening
        if introduction is not None and introduction.lead != clause.lead:
            child_ctx = self._intro_context(introduction, clean(rest[-1].text if last else head), lead_ctx, scope)
        is_task = self.reads_as_task(head, clause, ctx, scope)
        if clause.assign_only and not clause.explicit and (children or rest):
            is_task = False  # "10. Các cơ quan, đơn vị sau đây chịu trách nhiệm ...:" introduces who does what
        if is_task and head.endswith(":") and not clause.explicit and c.statement_open.match(head):
            is_task = False  # "2. Một số lưu ý trong triển khai thực hiện ...:" introduces, asks nothing
        if is_task:
            # the whole item, its lead included ("Sở Tư pháp: Phối hợp với ...", "Đề nghị X: ...")
            body = clean(item.paragraphs[0].text[item.text_start :].strip().strip("*").strip())
            words = [body, *(clean(p.text) for p in rest if not (last is not None and p is rest[-1]))]
            text = " ".join(w for w in words if w)
            paras = [item.paragraphs[0], *[p for p in rest if not (last is not None and p is rest[-1])]]
            self.add(item.ordinal, text, span_of(paras), clause, ctx)
        for table in found_tables:
            self.table(table, item.ordinal, child_ctx)
        self.walk(children, child_ctx, scope)

    def heading(
        self,
        item: Item,
        head: str,
        rest: list[Paragraph],
        found_tables: list[tables.Table],
        children: list[Item],
        ctx: Context,
        scope: Scope,
    ) -> None:
        """A heading ("II. NHIỆM VỤ VÀ GIẢI PHÁP", "3. Về các kiến nghị, đề xuất"): no task itself; its section's
        kind and its time pass down, and the paragraphs under it are tasks when they read as tasks."""
        c = cues()
        sub = scope
        if c.execution_section.match(head):
            sub = replace(scope, execution=True, non_task=False)
        elif c.non_task_section.match(head):
            sub = replace(scope, non_task=True)
        child_ctx = ctx
        deadline = find_deadline(head, self.year)
        if deadline:
            child_ctx = Context(when=head, deadline=deadline, source="heading", parent=ctx)
        self._under(item, rest, found_tables, children, child_ctx, sub)

    def assigner(
        self,
        item: Item,
        head: str,
        clause: Clause,
        rest: list[Paragraph],
        found_tables: list[tables.Table],
        children: list[Item],
        ctx: Context,
        scope: Scope,
    ) -> None:
        """An item that only assigns ("2. Giao Sở Nội vụ chủ trì, phối hợp với ...:", "1. Công an tỉnh"): its
        lead, support and time pass to what is under it; the paragraphs under it are its tasks."""
        unit = not clause.action
        base = time_context(ctx, head, self.year, "unit" if unit else "assign")
        base.lead, base.support = clause.lead, clause.support
        # under a unit's name in a Hướng dẫn ("1.3. Đảng ủy cơ sở"), the bullets are the steps of a procedure
        base.assigned = scope.mode != "guidance" or explicit_assignment(head, strict=True)
        self._under(item, rest, found_tables, children, base, scope)

    def _under(
        self,
        item: Item,
        rest: list[Paragraph],
        found_tables: list[tables.Table],
        children: list[Item],
        ctx: Context,
        scope: Scope,
    ) -> None:
        """What stands under a heading or an assigning item: its paragraphs (tasks each), the paragraph that
        introduces its sub-items ("Trong đó giao Giám đốc Công an tỉnh chỉ đạo thực hiện:"), tables, sub-items."""
        child_ctx = ctx
        if rest and (found := introducer(rest[-1].text)) is not None:
            child_ctx = self._intro_context(found, clean(rest[-1].text), ctx, scope)
            rest = rest[:-1]
        self.paragraphs(item, rest, children, ctx, scope)
        for table in found_tables:
            self.table(table, item.ordinal, child_ctx)
        self.walk(children, child_ctx, scope)

    def paragraphs(self, item: Item, rest: list[Paragraph], children: list[Item], ctx: Context, scope: Scope) -> None:
        """The unnumbered paragraphs under a heading or a unit's name, each a task when it reads as one:
        one paragraph is the item's task ("1. Ban Chỉ đạo quốc gia" + its paragraph → "1"), several are its
        sub-tasks ("2. Bộ Quốc phòng" + three paragraphs → "2.1", "2.2", "2.3")."""
        # a paragraph ending with ":" introduces what follows; it is no task of its own
        picked = [(p, lead_clause(clean(p.text))) for p in rest if clean(p.text) and not clean(p.text).endswith(":")]
        picked = [(p, cl) for p, cl in picked if self.reads_as_task(clean(p.text), cl, ctx, scope)]
        first_free = max((ch.position for ch in children), default=0)
        for i, (para, clause) in enumerate(picked, start=1):
            if len(picked) == 1:
                ordinal = item.ordinal
            else:
                ordinal = f"{item.ordinal}.{first_free + i}"
            text = clean(para.text)
            if not clause.explicit:
                found = addressee(text)
                if found is not None and found.explicit and not found.body_start:
                    clause = found
            self.add(ordinal, text, span_of([para]), clause, ctx)

    def article(self, item: Item, ctx: Context, scope: Scope) -> None:
        """A quyết định's article (Điều). One that decides ("Điều 1. Thành lập ...", "Ban hành kèm theo ...")
        or closes ("... chịu trách nhiệm thi hành Quyết định này./.") assigns nothing, though a later sentence
        of it may ("Giao Sở ... chủ trì ..."); one that approves a plan holds the plan's items under it; one
        that assigns ("Điều 2. Giao Văn phòng UBND tỉnh chủ trì ...", "Điều 2. Tổ công tác có nhiệm vụ:") is
        read as an item of a plan."""
        c = cues()
        # "Điều 1." on a line of its own, its words in the next paragraph; an article's words over two lines
        # ("... chịu trách nhiệm thi hành" / "Quyết định này.")
        head = clean(item.head) or (clean(item.continuation[0].text) if item.continuation else "")
        whole = clean(" ".join([head, *(p.text for p in item.continuation[1 if not item.head.strip() else 0 :])]))
        plan = replace(scope, mode="plan")
        if c.approving_opener.match(head):
            self._later_assignment(item, ctx)
            self.walk(item.children, Context(source="attached", parent=ctx), plan)
            return
        if c.decision_opener.match(head) or _closes_decision(head) or _closes_decision(whole):
            self._later_assignment(item, ctx)
            self.walk(item.children, ctx, replace(plan, non_task=True))
            return
        clause = lead_clause(head)
        if clause.explicit or explicit_assignment(head) or is_title(item):
            self.plain(item, ctx, plan, False)
            return
        self.walk(item.children, ctx, replace(plan, non_task=True))

    def _later_assignment(self, item: Item, ctx: Context) -> None:
        text = clean(" ".join([item.head, *(p.text for p in item.continuation)]))
        for _start, sentence in sentences(text)[1:]:
            clause = lead_clause(sentence)
            if clause.explicit and not clause.assign_only and not cues().closing.match(clause.action):
                self.add(item.ordinal, sentence, span_of(item.paragraphs), clause, ctx)
                return

    # --- what reads as a task -----------------------------------------------------------------------

    def reads_as_task(self, text: str, clause: Clause, ctx: Context, scope: Scope) -> bool:
        """Does an item's (or paragraph's) text ask someone to act, given the section it is in?"""
        c = cues()
        if not text:
            return False
        if clause.explicit and c.closing.match(clause.action):
            return False
        if not clause.explicit and (_closes_decision(text) or c.closing.match(text)):
            return False
        if closing_clause(text):
            return False
        if is_upper(text) or _ANSWERABLE.search(sentences(text)[0][1]):
            return (
                False  # a name block in capitals ("BAN KIỂM PHIẾU"); who answers for what ("... chịu trách nhiệm về")
            )
        if scope.non_task:
            if scope.mode == "guidance":
                return explicit_assignment(text, strict=True)
            # "7. Kinh phí thực hiện" / "- Bộ Quốc phòng chỉ đạo, hướng dẫn ... lập dự toán": a named body that acts
            named = clause.explicit and bool(clause.lead) and named_body(clause.lead[0])
            return explicit_assignment(text) or (named and not c.non_task_section.match(text))
        if not clause.explicit and c.non_task_section.match(text) and ":" in text[:70]:
            return False  # "Kinh phí thực hiện Kế hoạch này: Do ngân sách nhà nước đảm bảo ..."
        if not _not_rule(text, scope, ctx):
            return False
        if clause.explicit and _tells(text, clause):
            return False  # "..., các cơ quan, đơn vị, địa phương đã quán triệt và triển khai ...": done, not asked
        return not statement(text, clause)

    def _intro_context(self, found: Clause, text: str, parent: Context, scope: Scope) -> Context:
        text = clean(sentences(text)[-1][1])  # the introducing sentence: an earlier one may date something else
        ctx = time_context(parent, text, self.year, "intro")
        ctx.lead, ctx.support = (found.lead, found.support) if found.explicit else ([], found.support)
        ctx.assigned = bool(found.lead) and (
            scope.mode != "guidance" or explicit_assignment(text[found.body_start :], strict=True)
        )
        return ctx

    # --- what an item owns ----------------------------------------------------------------------------

    def _own_paragraphs(self, item: Item) -> tuple[list[Paragraph], list[tables.Table], bool]:
        """The item's unnumbered paragraphs without its attribute lines and task tables, the tables, and
        whether a table could not be read."""
        paras = [p for p in item.continuation if attributes.label(p.text) is None]
        found, rest, unread = tables.take(paras)
        if found or unread:
            # "Các nhiệm vụ cụ thể như sau:" only introduces the table
            rest = [p for p in rest if not clean(p.text).endswith(":")]
        if unread and is_title(item):
            rest = []
        return rest, found, unread

    def _warn_table(self, item: Item) -> None:
        message = (
            f"Mục {item.ordinal}: có một bảng không đọc được thành nhiệm vụ (không thấy dòng tiêu đề cột "
            "Nội dung / Thời gian / Chủ trì); hãy đối chiếu bản gốc. (A table in this section could not be "
            "read as tasks.)"
        )
        if message not in self.warnings:
            self.warnings.append(message)

    # --- adding ---------------------------------------------------------------------------------------

    def add(
        self, ordinal: str, text: str, span: Span, clause: Clause, ctx: Context, row: tables.Row | None = None
    ) -> None:
        text = clean(text)
        if not text:
            return
        later: list[str] = []
        for _start, sentence in sentences(text)[1:]:
            found = lead_clause(sentence)
            if found.explicit and not found.assign_only and found.how != "colon":
                # a later sentence that opens with its own agency names who else must act in the item ("...
                # Cơ quan Ủy ban Kiểm tra Trung ương ... cụ thể hóa ..."); with no lead of its own, who acts
                later += [n for n in found.lead if n not in later]
                if not clause.explicit:
                    break
        self.found.append(Found(ordinal, text, span, clause, ctx, row, later))

    def table(self, table: tables.Table, base: str, ctx: Context, start: int = 0) -> None:
        for row in tables.rows(table, base, start):
            clause = lead_clause(row.content) if not row.lead else Clause(row.lead, row.support, True)
            self.add(row.ordinal, row.content, span_of([row.paragraph]), clause, ctx, row)

    def sentences_of(self, paras: list[Paragraph], ctx: Context, scope: Scope) -> list[Paragraph]:
        """Tasks from the sentences of an unnumbered body; returns the paragraphs left (for reporting)."""
        c = cues()
        left: list[Paragraph] = []
        found_tables, paras, _unread = tables.take(paras)
        for table in found_tables:
            self.table(table, "", ctx, start=len(self.found))
        n = len(self.found)
        # did the last paragraph end with a task's sentence (a note in brackets between them aside)?
        after_task = False
        for para in paras:
            text = clean(para.text)
            if after_task and _NOTE.match(text):
                left.append(para)
                continue  # "(Có đề cương chi tiết gửi kèm)" between a task and the sentence that says when it is due
            if c.preamble.match(text) and not text.endswith(":") and addressee(text) is None:
                after_task = False
                continue
            got = False
            last: int | None = None  # where the sentence of the paragraph's last task starts
            for start, sentence in sentences(para.text):
                s = clean(sentence)
                clause = addressee(s, issuer_speaks=True)
                if after_task and start == 0 and _follow_up(s) and (clause is None or not clause.explicit):
                    # "... đề nghị các bộ, ngành xây dựng báo cáo sơ kết ..." / "Báo cáo sơ kết ... gửi về Ủy ban Dân
                    # tộc trước ngày 15 tháng 5 năm 2021": the paragraph saying when the task is due is part of it
                    previous = self.found.pop()
                    span = Span(start=previous.span.start, end=para.start + start + len(sentence))
                    self.add(previous.ordinal, f"{previous.text} {s}", span, previous.clause, ctx)
                    got = True
                    continue
                if last is not None and _follow_up(s) and (clause is None or not clause.explicit):
                    # "... rà soát các cơ sở gây ô nhiễm. Kết quả báo cáo Chủ tịch UBND tỉnh trước ngày 15/4/2013.":
                    # the sentence after a task that says when and to whom its result goes is part of it
                    previous = self.found.pop()
                    first_start = last
                    merged = para.text[first_start : start + len(sentence)]
                    span = Span(start=para.start + first_start, end=para.start + start + len(sentence))
                    self.add(previous.ordinal, merged, span, previous.clause, ctx)
                    last = None
                    continue
                last = None
                if clause is None or not clause.explicit or c.closing.match(clause.action):
                    continue
                if not clause.action and clause.assign_only:
                    continue  # a bare name ("ỦY BAN NHÂN DÂN TỈNH NINH THUẬN" above the căn cứ) asks nothing
                if c.conditional.search(s) or s.endswith(":") or closing_clause(s):
                    continue
                if not _asks(s, clause) or _tells(s, clause):
                    continue  # "Báo Đấu thầu ngày 26/3/2019 đưa tin, ...": a report of facts
                if scope.mode == "guidance" and not explicit_assignment(s[clause.body_start :], strict=True):
                    continue
                n += 1
                got = True
                span = Span(start=para.start + start, end=para.start + start + len(sentence))
                self.add(str(n), s, span, clause, ctx)
                last = start
            after_task = last is not None
            if not got:
                left.append(para)
        return left


# a sentence that only says when, and to whom, a task's result goes: "Kết quả báo cáo Chủ tịch UBND tỉnh trước
# ngày 15/4/2013.", "Báo cáo kết quả về Sở Nội vụ trước ngày 30/6/2026.", "Hoàn thành trước ngày 31/12/2026."
_FOLLOW_UP = regex_cache.compile(
    r"^(?:Kết\s+quả(?:\s+thực\s+hiện)?|Báo\s+cáo\s+(?:kết\s+quả|sơ\s+kết|tổng\s+kết)|Hoàn\s+thành|Thời\s+gian\s+hoàn\s+thành|Thời\s+hạn)\b",
    re.IGNORECASE,
)


# a note in brackets on a paragraph of its own: "(Có đề cương chi tiết gửi kèm)", "(gửi kèm theo Phụ lục)"
_NOTE = regex_cache.compile(r"^\([^()]{1,120}\)\.?$")


def _follow_up(sentence: str) -> bool:
    return bool(_FOLLOW_UP.match(sentence)) and find_deadline(sentence) is not None


def introducer(text: str) -> Clause | None:
    """What a paragraph ending with ":" says of the items it introduces: its addressee ("... yêu cầu các sở
    thực hiện các nội dung sau:"), or at least who to work with ("Chủ trì phối hợp với các đơn vị liên quan
    triển khai thực hiện kế hoạch, cụ thể:"); None for a paragraph that introduces nothing."""
    text = clean(text)
    if not text.endswith(":"):
        return None
    found = intro(text)
    if found is not None and found.explicit:
        return found
    support = support_mentions(sentences(text)[-1][1])
    return Clause(support=support) if support else None


def named_body(name: str) -> bool:
    """A body named by its own name ("Bộ Quốc phòng", "Sở Y tế"), not a group or a role ("Các đơn vị", "Đảng viên")."""
    if re.match(r"(?:các|những|mỗi|tất\s+cả)\s", name, re.IGNORECASE):
        return False
    return bool(cues().head.match(name)) and canonical(name).group is False


def unit_name(item: Item) -> Clause | None:
    """A short heading that is the name of who acts, whatever verb-like words the name holds: "5.3. Các khoa
    tham gia khảo sát", "5. Các phòng ban tham gia đào tạo" (then its bullets or paragraphs)."""
    head = clean(item.head).strip("*").strip()
    if not (item.children or item.continuation) or head.endswith((".", ";", ":", ",")) or len(head.split()) > 8:
        return None
    c = cues()
    if is_upper(head) or c.non_task_section.match(head) or c.cue.match(head) or c.stop.search(head):
        return None
    if not starts_agency(head, 0, actors=True):
        return None
    return Clause(split_names(head), [], True, True, 0, "", "unit")


# "Người ký văn bản là người chịu trách nhiệm về thể thức ...": who answers for what, no action asked
_ANSWERABLE = regex_cache.compile(
    r"(?<![^\W\d_])(?:là\s+(?:người|cơ\s+quan|đơn\s+vị)\s+)chịu\s+trách\s+nhiệm\s+(?:về|trước)", re.IGNORECASE
)


def _asks(sentence: str, clause: Clause) -> bool:
    """A sentence of an unnumbered body asks someone to act: a cue ("giao", "đề nghị", "yêu cầu"), an
    obligation ("có trách nhiệm", "phải"), or an agency that leads ("chủ trì")."""
    c = cues()
    if c.cue.search(sentence) or c.obligation.search(sentence) or clause.how in {"cue", "chu_tri", "colon"}:
        return True
    return bool(_WEAK.search(sentence))


def _tells(sentence: str, clause: Clause) -> bool:
    """A sentence that tells what happened, without a cue or an obligation that asks: it opens as a report
    ("Nhờ sự chủ động của các cấp, ... tiếp tục duy trì ổn định"), or what its agency does is already done
    ("..., các cơ quan, đơn vị, địa phương đã quán triệt và triển khai thực hiện ...")."""
    c = cues()
    # a cue that asks someone ("đề nghị các sở ..."), not one a phrase holds ("nhiệm vụ được giao")
    asked = any(starts_agency(sentence, m.end(), relaxed=True, actors=True) for m in c.cue.finditer(sentence))
    if asked or c.obligation.search(sentence):
        return False
    return bool(c.report_open.match(sentence) or re.match(r"(?i:đã)\s", clause.action.lstrip()))


_WEAK = regex_cache.compile(r"(?<![^\W\d_])(?:phải|cần|khẩn\s+trương|tiếp\s+tục)(?![^\W\d_])", re.IGNORECASE)


def _not_rule(text: str, scope: Scope, ctx: Context) -> bool:
    """Outside its "Tổ chức thực hiện" section, a rule of a Hướng dẫn or Quy định is a task only when it
    assigns by name (or sits under an item that does)."""
    if scope.mode != "guidance" or scope.execution or ctx.is_assigned():
        return True
    return explicit_assignment(text, strict=True)


def statement(text: str, clause: Clause) -> bool:
    """A rule, fact or criterion rather than a request: it opens with "Trường hợp", "Việc", "Số ..." and asks
    no one ("Trường hợp người bệnh ... thì lần khám đó vẫn là KCB trái tuyến.")."""
    c = cues()
    text = text.lstrip("\"“”'( ")
    first = sentences(text)[0][1]
    if _EFFECT.search(first) and not c.cue.match(first):
        return True  # "Hướng dẫn này có hiệu lực từ ngày ký, thay thế Hướng dẫn số 11-HD/VPTW ..."
    if clause.explicit:
        return False
    if not (c.statement_open.match(text) or (_PASSIVE.match(first) and _noun_first(first))):
        return False
    # a cue that asks someone ("đề nghị đơn vị làm thủ tục"), not a noun it makes ("Hồ sơ đề nghị như ...")
    asked = any(starts_agency(first, m.end(), relaxed=True, actors=True) for m in c.cue.finditer(first))
    if asked or c.obligation.search(first) or _WEAK.search(first):
        return False
    found = addressee(first)
    return not (found is not None and found.explicit)


@lru_cache(maxsize=4096)
def _noun_first(text: str) -> bool:
    """Does the sentence open with a noun (underthesea's tag): "Dữ liệu điện tử ... được tích hợp", not "Rà soát
    việc kê thêm giường so với giường được phê duyệt" or "Cho phép sinh viên được mang ..."."""
    from extractors.tagger import pos_tag

    tagged = pos_tag(text[:40])
    return bool(tagged) and tagged[0][1] in {"N", "Np", "Nc", "Nu"}


# when a document takes effect and what it replaces: no one is asked to act
_EFFECT = regex_cache.compile(
    r"(?<![^\W\d_])có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+(?:kể\s+)?(?:từ|sau)(?![^\W\d_])", re.IGNORECASE
)


# a subject and a passive verb before any comma: "Dữ liệu điện tử ... được tích hợp trên ...", "Kinh phí thực
# hiện Đề án được bảo đảm từ ..." (what is, not who must act)
_PASSIVE = regex_cache.compile(r"^[^,;:]{3,90}?\sđược\s(?!giao|phân\s+công)", re.IGNORECASE)


# "Quá trình thực hiện nếu có khó khăn, vướng mắc ..., báo cáo ..." / "nếu có vấn đề chưa rõ, các đơn vị gửi ý
# kiến về ...": what to do if something goes wrong closes a plan; it is no task (corpus NOTES: r004 III.5, kh753 7.3)
_IF_TROUBLE = regex_cache.compile(
    r"(?:nếu|trường\s+hợp|khi)\s+có\s+(?:gì\s+)?(?:khó\s+khăn|vướng\s+mắc|phát\s+sinh|vấn\s+đề|gì\s+chưa)"
    r"|(?:nếu|trường\s+hợp|khi)\s+(?:phát\s+sinh|gặp)\s+(?:khó\s+khăn|vướng\s+mắc)",
    re.IGNORECASE,
)


def closing_clause(text: str) -> bool:
    """The "if there is trouble, report" clause that closes a plan (when it is the whole item)."""
    head = text[:160]
    return bool(_IF_TROUBLE.search(head)) and bool(
        re.search(r"báo\s+cáo|gửi|phản\s+ánh|liên\s+hệ|trao\s+đổi|thông\s+tin\s+về", text, re.IGNORECASE)
    )


# where an execution clause's action starts: "... và ông Nguyễn Văn A | chịu trách nhiệm thi hành ..."
_EXECUTION_START = regex_cache.compile(r"(?<![^\W\d_])(?:có|chịu)\s+trách\s+nhiệm(?![^\W\d_])", re.IGNORECASE)


def _closes_decision(head: str) -> bool:
    """Whether ``head`` ends with a quyết định's execution clause.

    >>> _closes_decision("Bộ trưởng Bộ Nội vụ và ông Nguyễn Văn A chịu trách nhiệm thi hành Quyết định này./.")
    True
    """
    starts = [m.start() for m in _EXECUTION_START.finditer(head)]
    return bool(starts) and bool(re.match(str(patterns()["closing_execution"]), head[starts[-1] :], re.IGNORECASE))


__all__ = ["Context", "Finder", "Found", "Scope"]
