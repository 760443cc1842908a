"""Footnotes (chú thích): the ones a reader found, and the ones a converter wrote into the body as text.

A reader that knows a line is a footnote says so (``Line.note``: DOCX's footnotes part, a PDF page foot in
small type, a layout text's numbered page foot). Converters also write footnotes as plain paragraphs
("¹ Kế hoạch số ...", Markdown "[^1]: ..."): such a row is a footnote when the body cites its marker
("... công vụ¹"), or when it is written in Markdown's footnote form. The body text around it, which the
converter cut at the page foot where the footnote stood, is joined again by the paragraph step.
"""

from __future__ import annotations

from collections.abc import Sequence

from extractors import patterns
from pipeline.grammar.rows import Row
from pipeline.layout import Paragraph

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")


def mark_text_notes(rows: Sequence[Row]) -> None:
    """Rows of the body that are footnotes written as text: zone ``footnote``, their marker in ``note``."""
    body = "\n".join(r.text for r in rows if r.zone in ("body", "header") and not r.first.note)
    for row in rows:
        if row.zone not in ("body", "closing") or row.cell or row.first.note:
            continue
        m = patterns.FOOTNOTE_HEAD.match(row.text)
        if m is None:
            continue
        sup = m.group("sup")
        # a superscript heading a paragraph is a footnote's own marker (the body's may be lost); "[1]" only is
        # when the body cites it
        if not sup and f"[{m.group('num')}]" not in body.replace(row.text, ""):
            continue
        note = sup.translate(_FROM_SUPERSCRIPT) if sup else m.group("num")
        row.zone = "footnote"
        first = row.runs[0]
        first.note = note
        first.text = m.group("rest").strip() if len(row.runs) == 1 else first.text[m.start("rest") :].strip()


def paragraphs(rows: Sequence[Row]) -> list[Paragraph]:
    """One ``footnote`` paragraph per marker, in the order the notes come."""
    out: list[Paragraph] = []
    for row in rows:
        for run in row.runs:
            if run.note is None:
                continue
            text = run.text.strip()
            if not text:
                continue
            if out and out[-1].note == run.note:  # a note's next line
                out[-1].lines.append(text)
                out[-1].text = f"{out[-1].text} {text}"
                continue
            out.append(
                Paragraph(
                    text=text,
                    zone="footnote",
                    lines=[text],
                    bold=run.bold,
                    italic=run.italic,
                    size=run.size,
                    align=run.align,
                    page=run.page,
                    note=run.note or None,
                )
            )
    return out
