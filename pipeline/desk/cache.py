"""What the document page shows of a file, read once and kept: its layout, its reading, its pages.

The store keeps records, not layouts; the page needs the layout (the text the spans point into,
the paragraphs' page boxes) and the spans of that very reading. So the first time a file is
shown, it is read again (:func:`pipeline.stages.read_and_extract`), its paragraphs placed on
their pages (:func:`pipeline.desk.pages.locate_paragraphs` when the reader gave no boxes), and
the result kept as ``desk_dir/sources/<sha256>.json``; page images go beside it as
``<sha256>/<page>.png``. The marks come from that reading's own spans, so the text and its marks
always agree, whatever code read the record in the store.

A file is only shown if it still has the sha256 the store knows: a file replaced at the same
path is refused rather than shown under another document's record.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from models import Record
from pipeline.desk.errors import SourceUnavailable
from pipeline.desk.pages import locate_paragraphs, page_sizes, render_page
from pipeline.errors import DirectivesError
from pipeline.layout import Box, Layout, Paragraph
from pipeline.sinks import atomic_write_bytes

CACHE_VERSION = 1
PDF = "application/pdf"


@dataclass
class Shown:
    """A file as the document page shows it."""

    sha256: str
    path: str
    layout: Layout
    record: Record  # this file's own reading: its spans index ``layout.text``
    page_sizes: list[tuple[float, float]]  # points, for PDFs; empty otherwise

    @property
    def is_pdf(self) -> bool:
        return self.layout.media_type == PDF and bool(self.page_sizes)


def layout_to_json(layout: Layout) -> dict[str, Any]:
    return {
        "path": layout.path,
        "media_type": layout.media_type,
        "pages": layout.pages,
        "scanned": layout.scanned,
        "warnings": layout.warnings,
        "text": layout.text,
        "paragraphs": [
            {
                "text": p.text,
                "zone": p.zone,
                "lines": p.lines,
                "page": p.page,
                "note": p.note,
                "cells": p.cells,
                "start": p.start,
                "end": p.end,
                "boxes": [asdict(b) for b in p.boxes],
            }
            for p in layout.paragraphs
        ],
    }


def layout_from_json(data: dict[str, Any]) -> Layout:
    paragraphs = [
        Paragraph(
            text=p["text"],
            zone=p["zone"],
            lines=p["lines"],
            page=p["page"],
            note=p["note"],
            cells=p["cells"],
            start=p["start"],
            end=p["end"],
            boxes=[Box(**b) for b in p["boxes"]],
        )
        for p in data["paragraphs"]
    ]
    layout = Layout(
        path=data["path"],
        media_type=data["media_type"],
        paragraphs=paragraphs,
        pages=data["pages"],
        warnings=data["warnings"],
        scanned=data["scanned"],
        text=data["text"],  # as the extractors saw it (the spans index this very text)
    )
    return layout


def place_on_pages(path: Path, layout: Layout) -> list[tuple[float, float]]:
    """The page sizes of a PDF, its paragraphs the reader gave no boxes (a footnote, say) placed on
    its pages from the text layer; nothing for other formats."""
    if layout.media_type != PDF:
        return []
    sizes = page_sizes(path)
    if not layout.scanned and not all(p.boxes for p in layout.paragraphs):
        locate_paragraphs(path, layout)
    return sizes


def read_for_display(path: Path) -> tuple[Layout, Record, list[tuple[float, float]]]:
    """Read a file as the page shows it: layout, reading, page sizes (boxes placed for PDFs)."""
    from pipeline.stages import read_and_extract

    layout, record = read_and_extract(path)
    return layout, record, place_on_pages(path, layout)


class SourceCache:
    """Files read for display, by sha256, under ``root`` (``desk_dir/sources``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks[key]

    def _file(self, sha: str) -> Path:
        return self.root / f"{sha}.json"

    def has(self, sha: str) -> bool:
        """True when the file was read for display before (the page can show it at once)."""
        return self._file(sha).is_file()

    def get(self, sha: str, path: str) -> Shown:
        """The file ``path`` (which must still have this ``sha``) as shown, read once."""
        cached = self._file(sha)
        with self._lock(sha):
            if cached.is_file():
                data = json.loads(cached.read_text(encoding="utf-8"))
                if data.get("version") == CACHE_VERSION:
                    return Shown(
                        sha,
                        data["path"],
                        layout_from_json(data["layout"]),
                        Record.model_validate(data["record"]),
                        [(float(w), float(h)) for w, h in data["page_sizes"]],
                    )
            file = Path(path)
            if not file.is_file():
                raise SourceUnavailable(path, "tệp không còn ở chỗ cũ (đã bị chuyển hoặc xóa) / file moved or deleted")
            try:
                layout, record, sizes = read_for_display(file)
            except DirectivesError as exc:
                raise SourceUnavailable(path, exc.reason) from exc
            if record.source.sha256 != sha:
                raise SourceUnavailable(
                    path, "tệp ở chỗ này đã bị thay bằng tệp khác / the file at this path was replaced by another"
                )
            data = {
                "version": CACHE_VERSION,
                "path": path,
                "layout": layout_to_json(layout),
                "record": record.model_dump(mode="json"),
                "page_sizes": sizes,
            }
            atomic_write_bytes(cached, json.dumps(data, ensure_ascii=False).encode("utf-8"))
            return Shown(sha, path, layout, record, sizes)

    def page_image(self, shown: Shown, page: int) -> Path:
        """The PNG of page ``page`` (1-based) of a shown PDF, rendered once."""
        if not shown.is_pdf or not 1 <= page <= len(shown.page_sizes):
            raise SourceUnavailable(shown.path, f"không có trang {page} / no page {page}")
        image = self.root / shown.sha256 / f"{page}.png"
        with self._lock(f"{shown.sha256}:{page}"):
            if not image.is_file():
                file = Path(shown.path)
                if not file.is_file():
                    raise SourceUnavailable(shown.path, "tệp không còn ở chỗ cũ / file moved or deleted")
                atomic_write_bytes(image, render_page(file, page))
        return image
