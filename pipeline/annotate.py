"""Show a record in its source (đối chiếu): the document's text with what was extracted marked on it.

A reviewer checking a record should not have to hunt for where a task or a citation came from.
This renders the normalized text as HTML with spaCy's displaCy, marking

* the record's own spans: each task (``TASK 2.1 → Sở Nội vụ``) and each mention of each cited
  instrument (``REF 22-KH/TU``), exactly the offsets stored in the record;
* what the spaCy pipeline (:mod:`extractors.nlp`: underthesea word segmentation and the rule
  components) finds: INSTRUMENT, AGENCY, DATE, DEADLINE.

Both live in one ``Doc`` built on ``Layout.text``, so the offsets in the record, the spaCy spans
and the page agree. This is the slow, thorough view (underthesea runs on the whole text, about
45k characters a second); ``extract`` never calls it.
"""

from __future__ import annotations

from spacy import displacy
from spacy.tokens import Doc, Span

from extractors.nlp import LABELS, get_nlp
from models import Record
from pipeline.layout import Layout

SPANS_KEY = "review"
COLORS = {
    "INSTRUMENT": "#f9d6a5",
    "AGENCY": "#b7e1cd",
    "DATE": "#d9d2e9",
    "DEADLINE": "#f4a6a6",
}


def _char_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    # a record span may start or end inside a token (a footnote marker glued to a word): widen it
    return doc.char_span(start, end, label=label, alignment_mode="expand")


def review_doc(layout: Layout, record: Record) -> Doc:
    """The text of ``layout`` as a spaCy ``Doc`` with the record's and the pipeline's spans under
    ``doc.spans["review"]``."""
    doc = get_nlp(segment=True)(layout.text)
    spans: list[Span] = [s for label in LABELS for s in doc.spans.get(label, [])]
    for task in record.tasks:
        if task.span is not None:
            who = ", ".join(task.lead) or "?"
            span = _char_span(doc, task.span.start, task.span.end, f"TASK {task.ordinal} → {who}")
            if span is not None:
                spans.append(span)
    for ref in record.references:
        for mention in ref.spans:
            span = _char_span(doc, mention.start, mention.end, f"REF {ref.code}")
            if span is not None:
                spans.append(span)
    doc.spans[SPANS_KEY] = spans
    return doc


def review_html(layout: Layout, record: Record) -> str:
    """A standalone HTML page: the document with every span marked."""
    doc = review_doc(layout, record)
    colors = dict(COLORS)
    colors.update({s.label_: "#c9daf8" for s in doc.spans[SPANS_KEY] if s.label_.startswith("TASK")})
    colors.update({s.label_: "#fff2cc" for s in doc.spans[SPANS_KEY] if s.label_.startswith("REF")})
    html: str = displacy.render(
        doc,
        style="span",
        page=True,
        minify=True,
        options={"spans_key": SPANS_KEY, "colors": colors},
    )
    return html
