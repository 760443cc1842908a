"""Placeholder until the header extractor lands."""

from __future__ import annotations

from models import Record
from pipeline.layout import Layout


def apply(layout: Layout, record: Record) -> None:
    """Fill the record's header (not implemented yet)."""
