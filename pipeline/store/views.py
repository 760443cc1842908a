"""What the store answers with: documents with their sources, tasks with their agencies, pages of them.

Pydantic models, so the API's OpenAPI schema and the desk's templates read the same shapes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class SourceView(BaseModel):
    """A file that carried the document (tệp nguồn)."""

    sha256: str
    path: str
    media_type: str
    pages: int | None = None
    first_seen: datetime
    last_seen: datetime


class DocumentSummary(BaseModel):
    """A document's header fields, as lists show it."""

    id: str = Field(description="stable id of the document (issuer, code, date), used in URLs")
    issuer: str | None = None
    doc_type: str | None = None
    code: str | None = None
    issued_date: str | None = None
    subject: str | None = None
    urgency: str | None = None


class DocumentView(DocumentSummary):
    """One document: its fields, every source file, and the whole record of the source read last."""

    identity: str = Field(description="issuer|code|date as compared, or sha256:<hex> when one is blank")
    place: str | None = None
    sources: list[SourceView]
    record: dict[str, Any] = Field(description="the record, as `directives extract` prints it")
    created_at: datetime
    updated_at: datetime


class AgencyView(BaseModel):
    """An agency of a task: chủ trì (lead) or phối hợp (support)."""

    role: Literal["lead", "support"]
    name: str = Field(description="as written in the document")
    canonical: str | None = Field(default=None, description="the gazetteer name, when one matched")
    group: bool = False


class TaskView(BaseModel):
    """One task (nhiệm vụ) with its agencies and the document it came from."""

    id: str
    document: DocumentSummary
    ordinal: str
    text: str
    lead: list[str]
    support: list[str]
    agencies: list[AgencyView]
    deadline: str | None = None
    due_by: str | None = Field(default=None, description="last day of the deadline ('2026-03' → 2026-03-31)")
    recurrence: str | None = None
    report_to: str | None = None


class Page(BaseModel, Generic[T]):
    """A page of results; ``total`` counts every match, not only this page."""

    total: int
    limit: int
    offset: int
    items: list[T]
    next: str | None = Field(
        default=None, description="pass as `after` for the page that follows (task lists); null on the last page"
    )


class Stored(BaseModel):
    """What writing one record did."""

    document_id: str
    created: bool = Field(description="True when no document of that identity was stored before")
    sources: list[SourceView] = Field(default_factory=list, description="every file of the document, oldest first")
