"""Placeholder until the references extractor lands."""

from __future__ import annotations

from models import Record
from pipeline.layout import Layout


def apply(layout: Layout, record: Record) -> None:
    """Fill the record's references (not implemented yet)."""
