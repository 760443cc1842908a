"""The fast engine: words, boxes, fonts and ruling lines through PDFium's text page and page
objects (pypdfium2), a few milliseconds a page."""

from __future__ import annotations

import ctypes
from functools import cache
from pathlib import Path
from typing import Any

from pipeline import limits, regex_cache
from pipeline.errors import UnreadableFile
from pipeline.readers.pdf.words import Figure, PageWords, Rule, Word, add_rules, style_of_font


def pdfium_error(path: Path, exc: Exception) -> UnreadableFile:
    import pypdfium2.raw as pdfium_c

    code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return UnreadableFile(path, "the PDF is protected by a password (encrypted)")
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return UnreadableFile(path, "the PDF uses an unsupported security handler (encrypted)")
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return UnreadableFile(path, "the PDF is damaged (its internal structure cannot be read)")
    if code == pdfium_c.FPDF_ERR_FILE:
        return UnreadableFile(path, "the PDF file cannot be opened")
    return UnreadableFile(path, f"the PDF cannot be opened ({exc})")


def open_pdfium(path: Path):  # type: ignore[no-untyped-def]  # pypdfium2 has partial stubs
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise pdfium_error(path, exc) from exc
    if len(doc) == 0:
        doc.close()
        raise UnreadableFile(path, "the PDF has no pages")
    limits.check_pages(path, len(doc), doc.close)
    return doc


# A run of printing characters: PDFium separates words by spaces, line ends (CR LF) and, for a
# character it cannot map, U+FFFF.
_TOKEN = regex_cache.compile(r"[^\s\x00-\x1f\uffff]+")
_HAS_DIGIT = regex_cache.compile(r"\d")


@cache
def _calls() -> tuple[Any, Any, Any, Any]:
    """PDFium's per-character calls of the words loop (loose box, font size, font info, text object),
    declared again with plain addresses (``c_void_p``) for their pointer arguments.

    pypdfium2's own declarations check every pointer argument against its pointer classes, which is
    about half a microsecond a call, and the loop makes three calls a word (65,000 words in the
    200-page bench PDF). The functions are the same; the text page is passed by its address, which
    stays valid while the text page is open.
    """
    import pypdfium2.raw as pdfium_c

    def declare(fn: Any, restype: Any, *argtypes: Any) -> Any:
        address = ctypes.cast(fn, ctypes.c_void_p).value or 0
        return ctypes.CFUNCTYPE(restype, *argtypes)(address)

    ptr, num = ctypes.c_void_p, ctypes.c_int
    return (
        declare(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ptr, num, ptr),
        declare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double, ptr, num),
        declare(pdfium_c.FPDFText_GetFontInfo, ctypes.c_ulong, ptr, num, ptr, ctypes.c_ulong, ptr),
        declare(pdfium_c.FPDFText_GetTextObject, ptr, ptr, num),
    )


class _TextPage:
    """One page's characters through PDFium, read with a few calls per word, never per character
    except where a word must be split (a raised digit, a hyphen at a line end)."""

    def __init__(self, page, textpage) -> None:  # type: ignore[no-untyped-def]
        import pypdfium2.raw as pdfium_c

        self.handle = textpage.raw
        self.count = textpage.count_chars()
        self.height = page.get_height()
        calls = _calls()
        self.address = ctypes.cast(self.handle, ctypes.c_void_p).value
        self.get_box, self.get_size, self.get_font, self.get_object = calls
        self.get_weight = pdfium_c.FPDFText_GetFontWeight
        self.rect = pdfium_c.FS_RECTF()
        self.rect_p = ctypes.byref(self.rect)
        self.buf = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.flags_p = ctypes.byref(self.flags)
        self.fonts: dict[bytes, tuple[bool, bool, str]] = {}
        text = textpage.get_text_range() if self.count > 0 else ""
        if len(text) != self.count:  # surrogate pairs or generated chars shifted the indices: char by char
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(self.handle, i)) for i in range(self.count))
        # PDFium reports a hyphen that ends a line as U+FFFE ("1874/QĐ" U+FFFE "UBND" where the
        # code breaks over two lines): print it as the "-" it is, and end the word there
        self.text = text.replace("\ufffe", "-")

    def style(self, i: int) -> tuple[bool, bool, str]:
        """(bold, italic, font name) of character ``i``, one look-up per font."""
        self.get_font(self.address, i, self.buf, 128, self.flags_p)
        return self.fonts.get(self.buf.value) or self._font(i)

    def _font(self, i: int) -> tuple[bool, bool, str]:
        """The style of the font in :attr:`buf` (just read for character ``i``), remembered."""
        key = self.buf.value
        name = key.decode("latin-1")
        bold, italic = style_of_font(name)
        # PDF font flags: bit 7 (64) italic, bit 19 (262144) force bold; the weight is the
        # font's own (its descriptor), so one look-up per font, not per word
        bold = bold or bool(self.flags.value & 262144) or self.get_weight(self.handle, i) >= 600
        italic = italic or bool(self.flags.value & 64)
        got = self.fonts[key] = (bold, italic, name)
        return got

    def words(self) -> list[Word]:
        """Every word of the page. Most words hold no hyphen and no digit: those take four calls and
        no Python beyond them (this loop is the reader's hottest); the others go through
        :meth:`_pieces`."""
        words: list[Word] = []
        append = words.append
        text, handle, height, fonts = self.text, self.address, self.height, self.fonts
        get_box, get_size, get_font, get_object = self.get_box, self.get_size, self.get_font, self.get_object
        rect, rect_p, buf, flags_p = self.rect, self.rect_p, self.buf, self.flags_p
        has_digit = _HAS_DIGIT.search
        # the last word's font, the height of its first character's box and its size: a word in the same
        # font whose first box is as tall is in the same size (a loose box is the font's ascent to
        # descent at that size), so its size needs no call of its own
        last_font: bytes = b""
        last_height = -1.0
        last_size = 0.0
        # the text object (one Tj/TJ run, in one font) of the last word's first character: a word that
        # starts in the same object is in the same font, so asking for the object (one call, no copy)
        # spares the font look-up for nine words in ten
        last_object: int | None = None
        key = b""
        style = (False, False, "")
        for m in _TOKEN.finditer(text):
            token = m.group()
            s, e = m.span()
            if "-" in token or (e - s > 1 and not token.isalpha() and has_digit(token)):
                self._pieces(s, e, words)
                continue
            get_box(handle, s, rect_p)
            x0, top, bottom = rect.left, rect.top, rect.bottom
            first_height = top - bottom
            if e - s > 1:
                get_box(handle, e - 1, rect_p)
                if rect.top > top:
                    top = rect.top
                if rect.bottom < bottom:
                    bottom = rect.bottom
            obj = get_object(handle, s)
            if obj is None or obj != last_object:
                get_font(handle, s, buf, 128, flags_p)
                key = buf.value
                style = fonts.get(key) or self._font(s)
                last_object = obj
            bold, italic, font = style
            if key != last_font or abs(first_height - last_height) > 0.01:
                last_size = round(get_size(handle, s), 1)
                last_font, last_height = key, first_height
            append(Word(token, x0, rect.right, height - top, height - bottom, last_size, bold, italic, font))
        return words

    def _pieces(self, s: int, e: int, words: list[Word]) -> None:
        """Emit text[s:e], cut after a hyphen that ends a line and where the size changes in a word
        holding a digit."""
        pieces = self._line_breaks(s, e) if "-" in self.text[s:e] else ((s, e),)
        for ps, pe in pieces:
            size = round(self.get_size(self.address, ps), 1)
            if pe - ps == 1 or not _HAS_DIGIT.search(self.text, ps, pe):
                words.append(self.word(ps, pe, size))
            else:
                self._split_sizes(ps, pe, size, words)

    def word(self, s: int, e: int, size: float) -> Word:
        rect, handle = self.rect, self.address
        self.get_box(handle, s, self.rect_p)
        x0, top, bottom = rect.left, rect.top, rect.bottom
        if e - 1 != s:
            self.get_box(handle, e - 1, self.rect_p)
            top, bottom = max(top, rect.top), min(bottom, rect.bottom)
        bold, italic, font = self.style(s)
        return Word(self.text[s:e], x0, rect.right, self.height - top, self.height - bottom, size, bold, italic, font)

    def _line_breaks(self, s: int, e: int) -> list[tuple[int, int]]:
        """The token text[s:e] cut after each hyphen whose next character sits on another line (below,
        or back to the left): a code broken over two lines is two words until the lines rejoin it."""
        pieces: list[tuple[int, int]] = []
        start = s
        i = self.text.find("-", s, e - 1)
        while i >= 0:
            if self._breaks_line(i):
                pieces.append((start, i + 1))
                start = i + 1
            i = self.text.find("-", i + 1, e - 1)
        pieces.append((start, e))
        return pieces

    def _breaks_line(self, i: int) -> bool:
        """Does the character after index ``i`` sit on another line (below, or back to the left)?"""
        rect = self.rect
        self.get_box(self.address, i, self.rect_p)
        bottom, right = rect.bottom, rect.right
        self.get_box(self.address, i + 1, self.rect_p)
        return bool(rect.top < bottom or rect.left < right - 1.0)

    def _split_sizes(self, s: int, e: int, first: float, words: list[Word]) -> None:
        """Emit text[s:e] split where the font size changes inside it. Only words holding a digit can
        change size in a way that matters (a raised footnote marker glued to a word, "vụ¹"), so only
        those are probed char by char."""
        run_start, run_size = s, first
        for i in range(s + 1, e):
            size = round(self.get_size(self.address, i), 1)
            if abs(size - run_size) > 0.25:
                words.append(self.word(run_start, i, run_size))
                run_start, run_size = i, size
        words.append(self.word(run_start, e, run_size))


def _pdfium_page_words(page, textpage) -> list[Word]:  # type: ignore[no-untyped-def]
    """Words of one page via PDFium: text once, then a few calls per word (not per char)."""
    reader = _TextPage(page, textpage)
    return reader.words() if reader.count > 0 else []


def _pdfium_page_drawing(page, height: float) -> tuple[list[Rule], list[Figure]]:  # type: ignore[no-untyped-def]
    """Ruling lines and images of a page via PDFium's page objects: straight subpaths of painted
    paths, and where each image object is placed.

    A subpath with a curve in it is a drawing, not a border, and is skipped whole, as the
    pdfplumber engine (pdfminer splits paths into subpaths) does.
    """
    import pypdfium2.raw as pdfium_c

    rules: list[Rule] = []
    figures: list[Figure] = []
    wanted = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_IMAGE)
    matrix = pdfium_c.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    fx, fy = ctypes.c_float(), ctypes.c_float()

    def walk(count: int, get, outer: tuple[float, ...], depth: int) -> None:  # type: ignore[no-untyped-def]
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in wanted:
                continue
            pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
            a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
            oa, ob, oc, od, oe, of = outer
            m = (
                a * oa + b * oc,
                a * ob + b * od,
                c * oa + d * oc,
                c * ob + d * od,
                e * oa + f * oc + oe,
                e * ob + f * od + of,
            )
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                if depth < 3:  # content wrapped in a form XObject (pdfminer flattens it too)
                    walk(
                        pdfium_c.FPDFFormObj_CountObjects(obj),
                        lambda k, o=obj: pdfium_c.FPDFFormObj_GetObject(o, k),
                        m,
                        depth + 1,
                    )
                continue
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                # an image fills the unit square its matrix maps onto the page
                xs = (m[4], m[0] + m[4], m[2] + m[4], m[0] + m[2] + m[4])
                ys = (m[5], m[1] + m[5], m[3] + m[5], m[1] + m[3] + m[5])
                figures.append(Figure(min(xs), height - max(ys), max(xs), height - min(ys)))
                continue
            pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
            if not fill.value and not stroke.value:
                continue
            subpath: list[tuple[float, float]] = []
            curved = False
            for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
                seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
                pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(fx), ctypes.byref(fy))
                x, y = fx.value, fy.value
                point = (m[0] * x + m[2] * y + m[4], height - (m[1] * x + m[3] * y + m[5]))
                kind = pdfium_c.FPDFPathSegment_GetType(seg)
                if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                    if not curved:
                        add_rules(subpath, rules)
                    subpath, curved = [point], False
                    continue
                curved = curved or kind == pdfium_c.FPDF_SEGMENT_BEZIERTO
                subpath.append(point)
                if pdfium_c.FPDFPathSegment_GetClose(seg) and subpath:
                    subpath.append(subpath[0])
            if not curved:
                add_rules(subpath, rules)

    raw = page.raw
    walk(pdfium_c.FPDFPage_CountObjects(raw), lambda k: pdfium_c.FPDFPage_GetObject(raw, k), (1, 0, 0, 1, 0, 0), 0)
    return rules, figures


def pdfium_pages(path: Path, max_pages: int | None = None) -> list[PageWords]:
    doc = open_pdfium(path)
    pages: list[PageWords] = []
    try:
        for index in range(len(doc) if max_pages is None else min(len(doc), max_pages)):
            try:
                page = doc[index]
                textpage = page.get_textpage()
            except Exception as exc:  # PdfiumError on a damaged page object
                raise UnreadableFile(path, f"page {index + 1} of the PDF is damaged ({exc})") from exc
            try:
                width, height = page.get_size()
                words = _pdfium_page_words(page, textpage)
                rules, figures = _pdfium_page_drawing(page, height)
                stamped = _has_printed_annotations(page)
            finally:
                textpage.close()
                page.close()
            if stamped:
                words += _annotation_words(doc, index, words)
            pages.append(PageWords(index + 1, width, height, words, rules, figures))
    finally:
        doc.close()
    return pages


def _has_printed_annotations(page) -> bool:  # type: ignore[no-untyped-def]
    """Does the page carry annotations that print (a signature widget, a stamp), other than links?"""
    import pypdfium2.raw as pdfium_c

    raw = page.raw
    for k in range(pdfium_c.FPDFPage_GetAnnotCount(raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(raw, k)
        try:
            kind = pdfium_c.FPDFAnnot_GetSubtype(annot)
            flags = pdfium_c.FPDFAnnot_GetFlags(annot)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
        if kind not in (pdfium_c.FPDF_ANNOT_LINK, pdfium_c.FPDF_ANNOT_POPUP) and flags & pdfium_c.FPDF_ANNOT_FLAG_PRINT:
            return True
    return False


def _annotation_words(doc, index: int, words: list[Word]) -> list[Word]:  # type: ignore[no-untyped-def]
    """The words printed by a page's annotations, which PDFium's text page leaves out: the số and day
    an e-office system stamps into the blanks after signing ("Số: 453" / "/TB-UBND"), a
    digital-signature note. The page is flattened (its printing annotations become page content) and
    read again; what was not there before is the annotations' text, each word where it prints.

    The flattening changes the document in memory only; the page is read before and after it.
    """
    import pypdfium2.raw as pdfium_c

    page = doc[index]
    try:
        if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_PRINT) != pdfium_c.FLATTEN_SUCCESS:
            return []
    finally:
        page.close()
    page = doc[index]
    textpage = page.get_textpage()
    try:
        after = _pdfium_page_words(page, textpage)
    finally:
        textpage.close()
        page.close()
    seen: dict[tuple[str, float, float], int] = {}
    for w in words:
        key = (w.text, round(w.x0), round(w.top))
        seen[key] = seen.get(key, 0) + 1
    added: list[Word] = []
    for w in after:
        key = (w.text, round(w.x0), round(w.top))
        if seen.get(key, 0) > 0:
            seen[key] -= 1
        else:
            added.append(w)
    return added


def annotation_words(path: Path, numbers: list[int]) -> dict[int, list[Word]]:
    """The words the given pages' annotations print (see :func:`_annotation_words`), by page number:
    for an engine that reads only the page content (pdfplumber)."""
    doc = open_pdfium(path)
    out: dict[int, list[Word]] = {}
    try:
        for number in numbers:
            page = doc[number - 1]
            textpage = page.get_textpage()
            try:
                words = _pdfium_page_words(page, textpage)
                stamped = _has_printed_annotations(page)
            finally:
                textpage.close()
                page.close()
            if stamped:
                out[number] = _annotation_words(doc, number - 1, words)
    finally:
        doc.close()
    return out
