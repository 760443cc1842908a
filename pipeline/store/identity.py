"""Which document a record is: the identity that makes a PDF and a DOCX of one directive one document.

A document is identified by its issuer, its code (số/ký hiệu) and its issued date together —
Party numbers restart each term, so "33-KH/TU" alone names several documents. When any of the
three is blank (a draft with "Số: /KH-UBND", a scan whose date OCR lost), the record cannot be
matched safely with another file, and the file's sha256 identifies it instead: two files wrongly
merged would lose one document's tasks, which is worse than a duplicate a clerk can see.

>>> document_identity_of("Ủy ban nhân dân tỉnh Thái Nguyên", "125/UBND-NC", "2026-03-05", "ab12")
'ủy ban nhân dân tỉnh thái nguyên|125/UBND-NC|2026-03-05'
>>> document_identity_of(None, "125/UBND-NC", "2026-03-05", "ab12")
'sha256:ab12'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from models import Record

_SPACES = re.compile(r"\s+")
# spaces a reader may leave around the slash or hyphen of a code: "125 / UBND - NC"
_CODE_SPACES = re.compile(r"\s*([/\-–])\s*")


def fold(text: str) -> str:
    """NFC, single spaces, case-folded: how names are compared (``"Sở  NỘI VỤ"`` → ``"sở nội vụ"``)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def _code_key(code: str) -> str:
    """A code as compared: no spaces around its separators, en dash as hyphen, upper case."""
    text = _CODE_SPACES.sub(lambda m: "-" if m.group(1) == "–" else m.group(1), unicodedata.normalize("NFC", code))
    return _SPACES.sub(" ", text).strip().upper()


def document_identity_of(issuer: str | None, code: str | None, issued_date: str | None, sha256: str) -> str:
    """``issuer|code|date`` normalised, or ``sha256:<hex>`` when one of the three is blank."""
    if issuer and issuer.strip() and code and code.strip() and issued_date and issued_date.strip():
        return f"{fold(issuer)}|{_code_key(code)}|{issued_date.strip()}"
    return f"sha256:{sha256}"


def document_identity(record: Record) -> str:
    """The identity of the document ``record`` was read from (see the module docstring)."""
    return document_identity_of(record.issuer.name, record.code, record.issued_date, record.source.sha256)


def document_id(identity: str) -> str:
    """A short, stable, URL-safe id for an identity: 20 hex digits of its sha256."""
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20]


def store_task_id(doc_id: str, ordinal: str, occurrence: int = 1) -> str:
    """A task's id in the store, from its document and its ordinal (so every form of it agrees).

    ``occurrence`` counts repeats of one ordinal in a document ("1." under I and again under II):
    the first keeps the plain id, so adding a task elsewhere never renumbers the others.
    """
    key = f"{doc_id}:{ordinal}" if occurrence == 1 else f"{doc_id}:{ordinal}#{occurrence}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]
