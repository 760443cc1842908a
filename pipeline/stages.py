"""The stage order: read → zones → header → recipients → signer → distribution → references → tasks.

``from pipeline import extract`` is the entry point; this module holds the stages it runs.

Each extractor is a pure function of the :class:`~pipeline.layout.Layout` (and of the
record built so far, for the fields it depends on: tasks need the recipients and the
document's year). Swapping one means replacing its entry in :data:`STAGES`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from extractors import distribution, header, recipients, references, signer, tasks
from models import Record, Source
from pipeline import zones
from pipeline.errors import UnreadableFile
from pipeline.layout import Layout
from pipeline.readers import read

Stage = Callable[[Layout, Record], None]

STAGES: list[tuple[str, Stage]] = [
    ("header", header.apply),
    ("recipients", recipients.apply),
    ("signer", signer.apply),
    ("distribution", distribution.apply),
    ("references", references.apply),
    ("tasks", tasks.apply),
]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_layout(layout: Layout, source: Source) -> Record:
    """Run every extractor over an already-read layout."""
    zones.assign(layout)
    record = Record(source=source, warnings=list(layout.warnings))
    for _name, stage in STAGES:
        stage(layout, record)
    return record


def read_and_extract(path: str | Path) -> tuple[Layout, Record]:
    """Read one document; return its layout (the normalized text the record's spans point into)
    and its validated record."""
    p = Path(path)
    layout = read(p)
    try:
        sha = sha256_of(p)
    except OSError as exc:
        raise UnreadableFile(p, f"cannot read the file ({exc.strerror or exc})") from exc
    source = Source(path=str(p), sha256=sha, media_type=layout.media_type, pages=layout.pages)
    return layout, extract_layout(layout, source)


def extract(path: str | Path) -> Record:
    """Read one document and return its validated record.

    Raises a :class:`~pipeline.errors.DirectivesError` naming the file and the reason when the
    file cannot be read; never returns a half-empty record silently (gaps go to ``warnings``).
    """
    return read_and_extract(path)[1]
