"""Typed models of the document record (``shared/spec/record.md``)."""

from models.record import (
    SCHEMA_VERSION,
    Agency,
    Issuer,
    Received,
    Record,
    Reference,
    ReportingDuty,
    Signer,
    Source,
    Span,
    Task,
    json_schema,
    task_id,
)

__all__ = [
    "SCHEMA_VERSION",
    "Agency",
    "Issuer",
    "Received",
    "Record",
    "Reference",
    "ReportingDuty",
    "Signer",
    "Source",
    "Span",
    "Task",
    "json_schema",
    "task_id",
]
