"""Pydantic models of the document record: the contract in ``shared/spec/record.md``.

Field names and meanings here are read by downstream trackers and by the scorer; add fields
freely, never rename or drop one without bumping ``SCHEMA_VERSION``. The JSON Schema printed
by ``directives schema`` is generated from these classes.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Authority = Literal["TM.", "KT.", "Q.", "TL.", "TUQ."]
Urgency = Literal["Khẩn", "Thượng khẩn", "Hỏa tốc"]
Confidentiality = Literal["Mật", "Tối mật", "Tuyệt mật"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Span(_Model):
    """A character range ``[start, end)`` in the document's normalized text (``Layout.text``)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Source(_Model):
    """Where the record came from."""

    path: str
    sha256: str
    media_type: str
    pages: int | None = None


class Issuer(_Model):
    """Cơ quan ban hành and its cơ quan chủ quản (the line above it)."""

    name: str | None = None
    parent: str | None = None


class Signer(_Model):
    """The signature block: quyền hạn (TM./KT./...), chức vụ and họ tên."""

    name: str | None = None
    title: str | None = None
    authority: Authority | None = None


class Agency(_Model):
    """An agency as written in the text, with the canonical gazetteer name when one matched."""

    name: str
    canonical: str | None = None
    group: bool = False
    score: float | None = None


class Received(_Model):
    """The receiving office's "ĐẾN" stamp (dấu đến) on a scanned copy: its registration of arrival."""

    number: str | None = None  # Số đến
    date: str | None = None  # Ngày, ISO
    time: str | None = None  # Giờ, "HH:MM"


class Reference(_Model):
    """A cited instrument (văn bản được dẫn chiếu), once per distinct ``code``."""

    doc_type: str | None = None
    code: str
    issued_date: str | None = None
    issuer: str | None = None
    mentions: int = 1
    subject: str | None = None
    aliases: list[str] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)


class Task(_Model):
    """An assigned task (nhiệm vụ): who leads (chủ trì), who supports (phối hợp), by when."""

    id: str
    ordinal: str
    text: str
    lead: list[str] = Field(default_factory=list)
    support: list[str] = Field(default_factory=list)
    deadline: str | None = None
    recurrence: str | None = None
    report_to: str | None = None
    lead_agencies: list[Agency] = Field(default_factory=list)
    support_agencies: list[Agency] = Field(default_factory=list)
    span: Span | None = None


class ReportingDuty(_Model):
    """A document-level duty to report (usually the closing paragraph)."""

    text: str
    who: list[str] = Field(default_factory=list)
    report_to: str | None = None
    deadline: str | None = None
    recurrence: str | None = None
    span: Span | None = None


class Record(_Model):
    """One document's structured record."""

    schema_version: str = SCHEMA_VERSION
    source: Source
    issuer: Issuer = Field(default_factory=Issuer)
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    code: str | None = None
    place: str | None = None
    issued_date: str | None = None
    subject: str | None = None
    urgency: Urgency | None = None
    confidentiality: Confidentiality | None = None
    recipients: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    reporting: list[ReportingDuty] = Field(default_factory=list)
    signer: Signer = Field(default_factory=Signer)
    distribution: list[str] = Field(default_factory=list)
    received: Received | None = None
    warnings: list[str] = Field(default_factory=list)

    def document_key(self) -> str:
        """Issuer, code and date together: Party numbers restart each term, so code alone is not unique."""
        return f"{self.issuer.name or ''}|{self.code or ''}|{self.issued_date or ''}"


def task_id(sha256: str, ordinal: str) -> str:
    """A task id stable across runs: the document's sha256 and the task's ordinal."""
    return hashlib.sha256(f"{sha256}:{ordinal}".encode()).hexdigest()[:16]


def json_schema() -> dict[str, object]:
    """The JSON Schema of the record, generated from the models."""
    return Record.model_json_schema()
