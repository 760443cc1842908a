"""Readers: one file in, one :class:`pipeline.layout.Layout` out.

Which reader runs is decided by the file's content (magic bytes), not only its name, so a
PDF saved as ".doc" by a scanner still reads.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.errors import UnreadableFile, UnsupportedFormat
from pipeline.layout import Layout
from pipeline.readers import office

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def sniff(path: Path) -> str:
    """The media type of ``path`` from its first bytes (and its suffix for plain text)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot open the file ({exc.strerror or exc})") from exc
    if not head:
        raise UnreadableFile(path, "the file is empty (0 bytes)")
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableFile(path, "the file looks like a DOCX but its zip container is damaged") from exc
        if "word/document.xml" in names or "[Content_Types].xml" in names or path.suffix.lower() == ".docx":
            # a Word package, perhaps a broken one: the DOCX reader says precisely what is wrong
            return DOCX
        if "content.xml" in names and path.suffix.lower() == ".odt":
            return office.MEDIA_TYPES["odt"]
        raise UnsupportedFormat(path, "a zip archive that is not a Word (DOCX) document")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # an OLE container: an old .doc, or a password-protected .docx; the DOCX reader tells which
        from pipeline.readers.docx import check_container

        try:
            check_container(path)
        except UnsupportedFormat:
            return office.MEDIA_TYPES["doc"]  # not encrypted: a Word 97-2003 file, LibreOffice reads it
    if head.startswith(b"{\\rtf"):
        return office.MEDIA_TYPES["rtf"]
    if path.suffix.lower() in TEXT_SUFFIXES:
        return "text/plain" if path.suffix.lower() in {".txt", ".text"} else "text/markdown"
    raise UnsupportedFormat(path, f"unsupported file type '{path.suffix or 'no extension'}'")


def read(path: str | Path) -> Layout:
    """Read ``path`` into a normalized :class:`Layout` with the reader its content calls for."""
    p = Path(path)
    if not p.is_file():
        raise UnreadableFile(p, "no such file" if not p.exists() else "not a regular file")
    media_type = sniff(p)
    if media_type == "application/pdf":
        from pipeline.readers.pdf import read_pdf

        return read_pdf(p)
    if media_type.endswith("wordprocessingml.document"):
        from pipeline.readers.docx import read_docx

        return read_docx(p)
    if media_type in office.MEDIA_TYPES.values():
        return office.read_office(p, media_type)
    from pipeline.readers.text import read_text

    return read_text(p, media_type)
