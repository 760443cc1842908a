"""The slow, independent engine: pdfplumber's ``extract_words`` and its painted lines (about 50 ms a
page); the tests check it gives the same document as the PDFium engine."""

from __future__ import annotations

import itertools
from pathlib import Path

from pipeline.errors import UnreadableFile
from pipeline.readers.pdf.words import Figure, PageWords, Rule, Word, add_rules, style_of_font


def pdfplumber_pages(path: Path, max_pages: int | None = None) -> list[PageWords]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many types on damaged files; pdfplumber wraps them
        causes = [exc, *exc.args]
        if any(isinstance(c, PDFPasswordIncorrect) for c in causes):
            raise UnreadableFile(path, "the PDF is protected by a password (encrypted)") from exc
        if any(isinstance(c, PDFSyntaxError) for c in causes):
            raise UnreadableFile(path, "the PDF is damaged (its internal structure cannot be read)") from exc
        raise UnreadableFile(path, f"the PDF is damaged and cannot be read ({type(exc).__name__})") from exc
    pages: list[PageWords] = []
    stamped: list[int] = []  # pages with annotations
    with pdf:
        if not pdf.pages:
            raise UnreadableFile(path, "the PDF has no pages")
        for page in pdf.pages[:max_pages]:
            words = []
            for w in page.extract_words(extra_attrs=["size", "fontname"]):
                bold, italic = style_of_font(str(w["fontname"]))
                words.append(
                    Word(
                        str(w["text"]),
                        float(w["x0"]),
                        float(w["x1"]),
                        float(w["top"]),
                        float(w["bottom"]),
                        round(float(w["size"]), 1),
                        bold,
                        italic,
                        str(w["fontname"]),
                    )
                )
            figures = [
                Figure(float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"])) for im in page.images
            ]
            pages.append(
                PageWords(
                    page.page_number, float(page.width), float(page.height), words, _plumber_page_rules(page), figures
                )
            )
            if page.annots:
                stamped.append(page.page_number)
    if stamped:
        # pdfminer, like PDFium's text page, reads no annotation's appearance: PDFium flattens them
        from pipeline.readers.pdf.pdfium import annotation_words

        for number, added in annotation_words(path, stamped).items():
            pages[number - 1].words += added
    return pages


def _plumber_page_rules(page) -> list[Rule]:  # type: ignore[no-untyped-def]
    """Ruling lines of a page via pdfplumber: the straight subpaths of its painted lines, rectangles
    and curves (the same strokes the PDFium engine reads)."""
    rules: list[Rule] = []
    for obj in itertools.chain(page.lines, page.rects, page.curves):
        if not (obj.get("stroke") or obj.get("fill")):
            continue
        path = obj.get("path") or []
        if any(cmd[0] == "c" or cmd[0] == "v" or cmd[0] == "y" for cmd in path):
            continue  # a curve: a drawing, not a border
        points: list[tuple[float, float]] = []
        for cmd in path:
            if cmd[0] == "h" and points:
                points.append(points[0])
            elif len(cmd) > 1:
                x, top = cmd[-1]
                points.append((float(x), float(top)))
        add_rules(points, rules)
    return rules
