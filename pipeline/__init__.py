"""vn-directives: read Vietnamese official documents into structured records.

>>> from pipeline import extract
>>> record = extract("samples/cv-ubnd-tinh.pdf")   # doctest: +SKIP
>>> record.issuer.name, record.code                   # doctest: +SKIP

The names below are imported on first use, so ``pipeline.settings`` or ``pipeline.sinks`` load
without pulling in every reader and extractor.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.errors import DirectivesError
    from pipeline.layout import Layout, Paragraph
    from pipeline.readers import read
    from pipeline.stages import extract, extract_layout

_LAZY = {
    "DirectivesError": "pipeline.errors",
    "extract": "pipeline.stages",
    "extract_layout": "pipeline.stages",
    "Layout": "pipeline.layout",
    "Paragraph": "pipeline.layout",
    "read": "pipeline.readers",
}

__all__ = ["DirectivesError", "Layout", "Paragraph", "extract", "extract_layout", "read"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        # cache it, so later lookups are plain attribute reads
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
