"""Reporting duties (chế độ báo cáo) of the closing paragraphs: "Quá trình tổ chức thực hiện, nếu có khó khăn,
vướng mắc, kịp thời báo cáo UBND tỉnh (qua Thanh tra tỉnh) để xem xét, giải quyết./." is no task; it is a
document-level :class:`~models.ReportingDuty` of whoever the closing addresses (else the items' addressee).
"""

from __future__ import annotations

from extractors.deadlines import find_deadline, find_recurrence, find_report_to
from extractors.tasks.clauses import addressee
from extractors.tasks.cues import clean, cues, sentences
from models import ReportingDuty, Span
from pipeline.layout import Paragraph


def duties(paras: list[Paragraph], fallback: list[str], year: int | None = None) -> list[ReportingDuty]:
    """The duties to report in ``paras`` (the closing paragraphs), one per sentence that names whom to report to."""
    c = cues()
    out: list[ReportingDuty] = []
    for para in paras:
        who = fallback
        for start, sentence in sentences(para.text):
            text = clean(sentence)
            clause = addressee(text)
            if clause is not None and clause.explicit:
                who = clause.lead
            report = find_report_to(text, c.report_heads)
            if report is None:
                continue
            out.append(
                ReportingDuty(
                    text=text,
                    who=who,
                    report_to=report.name,
                    deadline=find_deadline(text, year),
                    recurrence=find_recurrence(text),
                    span=Span(start=para.start + start, end=para.start + start + len(sentence)),
                )
            )
    return out
