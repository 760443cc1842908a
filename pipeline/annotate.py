"""Show a record in its source (đối chiếu): the desk's document view of one file, as a standalone page.

``directives annotate FILE --html OUT`` writes what the desk's document page shows — the page
images with the box of every field, reference and task (PDF, scan), or the laid-out text with
the same marks (DOCX, text), beside the record as a read-only form — as one HTML file: its style
sheet and script embedded, its page images inlined, nothing fetched. See :mod:`pipeline.desk.marks`.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from models import Record
from pipeline.layout import Layout


def review_html(layout: Layout, record: Record, *, timezone: str = "Asia/Ho_Chi_Minh") -> str:
    """A standalone HTML page: ``record`` beside its source ``layout`` (read from ``record.source.path``)."""
    from pipeline.desk.cache import Shown, place_on_pages
    from pipeline.desk.views import standalone_document

    sizes = place_on_pages(Path(record.source.path), layout)
    shown = Shown(record.source.sha256, record.source.path, layout, record, sizes)
    return standalone_document(layout, record, shown, ZoneInfo(timezone))
