"""The stage order: read (lines) → grammar (zones) → header → recipients → signer → distribution → references → tasks.

``from pipeline import extract`` is the entry point; this module holds the stages it runs and is the one
place the record is assembled. Each stage is a function of the :class:`~pipeline.layout.Layout` that
returns what it found; what a stage needs from an earlier one (references: the trích yếu and the
document's own code; tasks: the year, the recipients, the type and the document key) is an argument,
so the order between stages is in their signatures.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extractors import distribution, header, recipients, references, signer, tasks
from models import Record, Source
from pipeline.errors import UnreadableFile
from pipeline.layout import Layout
from pipeline.readers import read


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_layout(layout: Layout, source: Source) -> Record:
    """Run every extractor over an already-read layout and assemble the record."""
    head = header.extract(layout)
    addressees = recipients.extract(layout)
    signature = signer.extract(layout)
    cited = references.extract(layout, subject=head.subject, own_code=head.code)
    work = tasks.extract(
        layout,
        key=source.sha256,
        year=tasks.document_year(head.issued_date, layout),
        recipients=addressees,
        doc_type=head.doc_type,
        issuer=head.issuer.name,
    )
    return Record(
        source=source,
        issuer=head.issuer,
        doc_type=head.doc_type,
        number=head.number,
        symbol=head.symbol,
        code=head.code,
        place=head.place,
        issued_date=head.issued_date,
        subject=head.subject,
        urgency=head.urgency,
        confidentiality=head.confidentiality,
        recipients=addressees,
        references=cited,
        tasks=work.tasks,
        reporting=work.reporting,
        signer=signature.signer,
        distribution=distribution.extract(layout),
        received=layout.received,
        warnings=[*layout.warnings, *head.warnings, *signature.warnings, *work.warnings],
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one document is read and extracted.

    A long document makes hundreds of thousands of objects (a 200-page PDF: 65,000 words, their lines,
    paragraphs and spans) that all stay alive until the record is made, so the collector's passes over
    them free nothing: its full passes took ~160 ms of that PDF's 1.6 s. Reference counting frees
    everything as usual meanwhile, and a cycle made meanwhile goes at the next pass after the pause.
    Only the call that paused the collector resumes it (a pause another thread holds is left alone).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read_and_extract(path: str | Path) -> tuple[Layout, Record]:
    """Read one document; return its layout (the normalized text the record's spans point into)
    and its validated record."""
    p = Path(path)
    with collector_paused():
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
