"""Placeholder: zone assignment for readers that cannot tell (plain text)."""

from __future__ import annotations

from pipeline.layout import Layout


def assign(layout: Layout) -> None:
    """Give every ``unknown`` paragraph a zone by its content."""
