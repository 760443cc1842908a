"""What each page shows, gathered from the store and the desk's tables (the routes only render it).

The templates (``pipeline/desk/templates``) read these objects; the same document view is also
written as a standalone page by ``directives annotate`` (:func:`standalone_document`), its page
images inlined and its styles and script embedded, so it opens anywhere without the server.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from models import Record
from pipeline.desk import deadlines, listing
from pipeline.desk.cache import Shown
from pipeline.desk.errors import DeskError
from pipeline.desk.form import AUTHORITIES, CONFIDENTIALITIES, URGENCIES, FormState
from pipeline.desk.marks import Block, PageBox, found_keys, marks_of, page_boxes, text_blocks
from pipeline.desk.pages import render_page
from pipeline.desk.register import COLUMNS, cell_text, clerk_date
from pipeline.desk.revisions import DeskState, Revision
from pipeline.layout import Layout
from pipeline.store import SourceView

MEDIA_NAMES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "text/plain": "văn bản",
    "text/markdown": "Markdown",
    "text/html": "HTML",
}


@dataclass
class PageImage:
    number: int
    src: str
    width: float
    height: float
    boxes: list[PageBox]


@dataclass
class SourcePanel:
    """The source beside the form: page images with boxes (PDF, scan) and the laid-out text."""

    sha256: str
    path: str
    media: str
    scanned: bool
    pages: list[PageImage]
    blocks: list[Block]
    found: set[str]
    error: DeskError | None = None


def source_panel(shown: Shown, image_url: str | None) -> SourcePanel:
    """The panel for a file read for display; page images at ``image_url.format(page=n)``, or
    inlined as JPEG data when ``image_url`` is None (standalone pages)."""
    marks = marks_of(shown.layout, shown.record)
    boxes = page_boxes(shown.layout, marks, shown.page_sizes) if shown.is_pdf else {}
    pages = []
    for n, (width, height) in enumerate(shown.page_sizes if shown.is_pdf else [], start=1):
        if image_url is not None:
            src = image_url.format(page=n)
        else:
            data = base64.b64encode(render_page(Path(shown.path), n, width_px=900, image_format="JPEG")).decode()
            src = f"data:image/jpeg;base64,{data}"
        pages.append(PageImage(n, src, width, height, boxes.get(n, [])))
    return SourcePanel(
        sha256=shown.sha256,
        path=shown.path,
        media=MEDIA_NAMES.get(shown.layout.media_type, shown.layout.media_type),
        scanned=shown.layout.scanned,
        pages=pages,
        blocks=text_blocks(shown.layout, marks),
        found=found_keys(marks),
    )


def unavailable_panel(source: SourceView, error: DeskError) -> SourcePanel:
    return SourcePanel(
        source.sha256, source.path, MEDIA_NAMES.get(source.media_type, source.media_type), False, [], [], set(), error
    )


@dataclass
class DocumentPage:
    """Everything the document page shows."""

    id: str
    record: Record
    form: FormState
    sources: list[SourceView]
    shown_sha: str
    panel: SourcePanel | None  # None: loaded by the page's script (the file is being read)
    state: DeskState | None
    stale: bool
    revisions: list[Revision]
    standalone: bool = False
    flash: str | None = None
    choices: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {"urgency": URGENCIES, "confidentiality": CONFIDENTIALITIES, "authority": AUTHORITIES}
    )


def local_time(moment: datetime | None, tz: ZoneInfo) -> str:
    """A moment as the office reads it: "05/03/2026 14:07"."""
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M") if moment else ""


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pipeline.desk", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clerk_date"] = clerk_date
    env.globals.update(
        STATES=listing.STATES,
        DUE_LABELS=deadlines.DUE_LABELS,
        SHOWS=deadlines.SHOWS,
        REGISTER_COLUMNS=COLUMNS,
        cell_text=cell_text,
    )
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def static_text(name: str) -> str:
    return files("pipeline.desk").joinpath("static", name).read_text(encoding="utf-8")


def standalone_document(layout: Layout, record: Record, shown: Shown, tz: ZoneInfo) -> str:
    """The document view as one HTML file: no server, nothing fetched (``directives annotate``)."""
    from pipeline.desk.form import form_of

    form = form_of(record, arrival_date=date.today(), routed_to=None, note=None)
    page = DocumentPage(
        id="",
        record=record,
        form=form,
        sources=[],
        shown_sha=record.source.sha256,
        panel=source_panel(shown, None),
        state=None,
        stale=False,
        revisions=[],
        standalone=True,
    )
    return render(
        "document.html",
        page=page,
        tz=tz,
        local_time=local_time,
        session=None,
        login_required=False,
        css=Markup(static_text("desk.css")),
        js=Markup(static_text("desk.js")),
        title=_title(record),
    )


def _title(record: Record) -> str:
    return " ".join(x for x in (record.doc_type, record.code) if x) or Path(record.source.path).name
