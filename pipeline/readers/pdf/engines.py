"""The two engines that read a PDF's words, chosen by name: ``pypdfium2`` (default, fast: a few ms
per page) reads characters and boxes through PDFium's text page; ``pdfplumber`` (slow, independent)
uses ``extract_words``. Select one with ``read_pdf(path, engine="pdfplumber")`` or
``DIRECTIVES_PDF_ENGINE=pdfplumber``. Both give the same engine-neutral :class:`PageWords`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pipeline.readers.pdf.words import PageWords

Engine = Literal["pypdfium2", "pdfplumber"]
ENGINES: tuple[Engine, ...] = ("pypdfium2", "pdfplumber")


def _pdfium(path: Path, max_pages: int | None) -> list[PageWords]:
    from pipeline.readers.pdf.pdfium import pdfium_pages

    return pdfium_pages(path, max_pages)


def _pdfplumber(path: Path, max_pages: int | None) -> list[PageWords]:
    from pipeline.readers.pdf.plumber import pdfplumber_pages

    return pdfplumber_pages(path, max_pages)


_READERS: dict[Engine, Callable[[Path, int | None], list[PageWords]]] = {
    "pypdfium2": _pdfium,
    "pdfplumber": _pdfplumber,
}


def engine_from_env() -> Engine:
    """The engine ``DIRECTIVES_PDF_ENGINE`` names (default ``pypdfium2``)."""
    value = os.environ.get("DIRECTIVES_PDF_ENGINE", "pypdfium2").strip().lower() or "pypdfium2"
    if value not in ENGINES:
        raise ValueError(f"DIRECTIVES_PDF_ENGINE must be one of {', '.join(ENGINES)}, not {value!r}")
    return "pdfplumber" if value == "pdfplumber" else "pypdfium2"


def check_engine(engine: str | None) -> Engine:
    """``engine``, or the environment's when None; a name that is no engine is a ValueError."""
    chosen = engine or engine_from_env()
    if chosen not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {chosen!r}")
    return "pdfplumber" if chosen == "pdfplumber" else "pypdfium2"


def page_words(path: Path, engine: Engine = "pypdfium2", max_pages: int | None = None) -> list[PageWords]:
    """Every page's words by ``engine``; raises :class:`UnreadableFile` on bad files."""
    return _READERS[engine](path, max_pages)
