"""Readers: one file in, the document's :class:`~pipeline.lines.Lines` out; :func:`read` adds the grammar.

The readers are a registry (:data:`READERS`): each entry names a format, the media type it reports, the
file suffixes it is looked for under, a sniff of the first bytes that recognises its content, and the
function that reads it. Which reader runs is decided by the content, not only the name, so a PDF saved
as ".doc" by a scanner still reads; the batch's list of suffixes (:func:`suffixes`) and the clerk's "which
formats are read" message (:func:`formats`) come from the same entries, so they cannot drift.

Adding a format is one entry here and one module with its ``read_*_lines`` function.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.errors import UnreadableFile, UnsupportedFormat
from pipeline.layout import Layout
from pipeline.lines import Lines

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
DOC = "application/msword"
RTF = "application/rtf"
PDF = "application/pdf"
HTML = "text/html"

Sniff = Callable[[bytes, Path], str | None]
Read = Callable[[Path, str], Lines]


@dataclass(frozen=True)
class Reader:
    """One format: what the clerk calls it, the media type, the suffixes, how to recognise it, how to read it."""

    label: str  # as a clerk names the format: "PDF", "Word (.doc)"
    media_type: str
    suffixes: tuple[str, ...]
    sniff: Sniff  # the media type when the first bytes are this format's (None: not this one)
    read: Read


# --- sniffs: the first bytes of a file --------------------------------------------------------------


def _sniff_pdf(head: bytes, path: Path) -> str | None:
    return PDF if head.startswith(b"%PDF") else None


def _zip_names(path: Path) -> set[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return set(zf.namelist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(path, "the file looks like a DOCX but its zip container is damaged") from exc


def _sniff_docx(head: bytes, path: Path) -> str | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    names = _zip_names(path)
    if "word/document.xml" in names or "[Content_Types].xml" in names or path.suffix.lower() == ".docx":
        return DOCX  # a Word package, perhaps a broken one: the DOCX reader says precisely what is wrong
    return None


def _sniff_odt(head: bytes, path: Path) -> str | None:
    if head.startswith(b"PK\x03\x04") and "content.xml" in _zip_names(path) and path.suffix.lower() == ".odt":
        return ODT
    return None


def _sniff_doc(head: bytes, path: Path) -> str | None:
    if not head.startswith(b"\xd0\xcf\x11\xe0"):
        return None
    # an OLE container: an old .doc, or a password-protected .docx; the DOCX reader tells which
    from pipeline.readers.docx import check_container

    try:
        check_container(path)
    except UnsupportedFormat:
        return DOC  # not encrypted: a Word 97-2003 file, LibreOffice reads it
    return DOCX


def _sniff_rtf(head: bytes, path: Path) -> str | None:
    return RTF if head.startswith(b"{\\rtf") else None


def _sniff_html(head: bytes, path: Path) -> str | None:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or path.suffix.lower() in (".htm", ".html"):
        return HTML
    return None


def _sniff_text(head: bytes, path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text"):
        return "text/plain"
    if suffix in (".md", ".markdown"):
        return "text/markdown"
    return None


# --- reads (imported on first use: a batch of PDFs never loads python-docx) -------------------------------


def _read_pdf(path: Path, media_type: str) -> Lines:
    from pipeline.readers.pdf import read_pdf_lines

    return read_pdf_lines(path)


def _read_docx(path: Path, media_type: str) -> Lines:
    from pipeline.readers.docx import read_docx_lines

    return read_docx_lines(path)


def _read_office(path: Path, media_type: str) -> Lines:
    from pipeline.readers.office import read_office_lines

    return read_office_lines(path, media_type)


def _read_html(path: Path, media_type: str) -> Lines:
    from pipeline.readers.html import read_html_lines

    return read_html_lines(path)


def _read_text(path: Path, media_type: str) -> Lines:
    from pipeline.readers.text import read_text_lines

    return read_text_lines(path, media_type)


READERS: tuple[Reader, ...] = (
    Reader("PDF", PDF, (".pdf",), _sniff_pdf, _read_pdf),
    Reader("DOCX", DOCX, (".docx",), _sniff_docx, _read_docx),
    Reader("ODT", ODT, (".odt",), _sniff_odt, _read_office),
    Reader("DOC", DOC, (".doc",), _sniff_doc, _read_office),
    Reader("RTF", RTF, (".rtf",), _sniff_rtf, _read_office),
    Reader("HTML", HTML, (".htm", ".html"), _sniff_html, _read_html),
    Reader("TXT", "text/plain", (".txt", ".text"), _sniff_text, _read_text),
    Reader("MD", "text/markdown", (".md", ".markdown"), _sniff_text, _read_text),
)


@cache
def suffixes() -> frozenset[str]:
    """Every suffix a reader is looked for under (".pdf", ".docx", ...): what a batch picks from a folder."""
    return frozenset(s for reader in READERS for s in reader.suffixes)


def formats() -> str:
    """The formats that are read, as a clerk is told: "PDF, DOCX, ODT, DOC, RTF, HTML, TXT, MD"."""
    return ", ".join(reader.label for reader in READERS)


def sniff(path: Path) -> str:
    """The media type of ``path`` from its first bytes (and its suffix for text and HTML)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot open the file ({exc.strerror or exc})") from exc
    if not head:
        raise UnreadableFile(path, "the file is empty (0 bytes)")
    for reader in READERS:
        media_type = reader.sniff(head, path)
        if media_type is not None:
            return media_type
    if head.startswith(b"PK\x03\x04"):
        raise UnsupportedFormat(path, "a zip archive that is not a Word (DOCX) document")
    raise UnsupportedFormat(path, f"unsupported file type '{path.suffix or 'no extension'}' (read: {formats()})")


def reader_for(media_type: str) -> Reader:
    return next(r for r in READERS if r.media_type == media_type)


def read_lines(path: str | Path) -> Lines:
    """The lines of ``path``, read by the reader its content calls for (no zones yet)."""
    p = Path(path)
    if not p.is_file():
        raise UnreadableFile(p, "no such file" if not p.exists() else "not a regular file")
    media_type = sniff(p)
    return reader_for(media_type).read(p, media_type)


def read(path: str | Path) -> Layout:
    """Read ``path`` into a zoned :class:`Layout`: its lines through the document grammar."""
    from pipeline.grammar import layout

    return layout(read_lines(path))
