"""How the API reads one document: in the worker runtime's pool, never in the event loop.

The one place the API touches the worker runtime (:class:`pipeline.workers.WorkerPool`): the
batch and the inbox use the same pool and the same outcome (:class:`pipeline.workers.Extracted`),
with the same time, memory and size limits, so a document reads the same whichever door it came
in by.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, BinaryIO

from pipeline.errors import (
    DirectivesError,
    FileTooLarge,
    NotAnOfficialDocument,
    NotARegularFile,
    NoText,
    TimedOut,
    TooLarge,
    UnreadableFile,
    UnsupportedFormat,
)
from pipeline.workers import Extracted, WorkerPool

# HTTP status of each way a document can fail, by the project's error type (the worker returns
# its class name); anything else is an internal error (500).
STATUS_BY_KIND: dict[str, int] = {
    UnsupportedFormat.__name__: 415,
    FileTooLarge.__name__: 413,
    NotAnOfficialDocument.__name__: 422,
    UnreadableFile.__name__: 422,
    NoText.__name__: 422,
    NotARegularFile.__name__: 422,
    TooLarge.__name__: 413,  # past max_part_mb, max_pages, max_text_mb or worker_memory_mb
    TimedOut.__name__: 422,  # past document_seconds
    "ReaderCrashed": 422,
}

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_CHUNK = 1 << 20


def read_in_pool(pool: WorkerPool, path: Path, display: str) -> Extracted:
    """Extract ``path`` in ``pool`` and wait for it: call from a worker thread, never the event loop."""
    return pool.extract(path, display)


def safe_name(name: str | None) -> str:
    """A file name fit to keep on disk: the last path part, NFC, no characters Windows refuses."""
    base = unicodedata.normalize("NFC", Path(name or "").name)
    return _UNSAFE_NAME.sub("_", base).strip(" .")[:120] or "document"


@dataclass(frozen=True)
class Upload:
    """A file as it arrived in a request, not yet kept: its stream and the name the sender gave."""

    stream: BinaryIO
    name: str


@dataclass(frozen=True)
class Saved:
    """An upload kept on disk under ``path`` (named by its content), as the clerk named it."""

    path: Path
    name: str
    sha256: str
    size: int


def save_upload(stream: BinaryIO, name: str, uploads: Path, max_bytes: int) -> Saved:
    """Copy an upload into ``uploads/YYYY-MM-DD/<sha12>-<name>``, refusing it past ``max_bytes``.

    The copy is kept: the record's ``source.path`` names it, and the edXML export attaches it. The
    same file sent again the same day (same bytes, same name) is there already and is not written
    again: a stream that can seek (the server spools every upload) is hashed before it is copied.
    """
    shown = safe_name(name)
    day = uploads / date.today().isoformat()
    day.mkdir(parents=True, exist_ok=True)
    if stream.seekable():
        start = stream.tell()
        sha, size = _copy(stream, None, shown, max_bytes)
        target = day / f"{sha[:12]}-{shown}"
        with contextlib.suppress(OSError):
            if target.stat().st_size == size:
                return Saved(target, shown, sha, size)
        stream.seek(start)
    with tempfile.NamedTemporaryFile(dir=day, prefix=".upload-", delete=False) as tmp:
        try:
            sha, size = _copy(stream, tmp, shown, max_bytes)
        except BaseException:
            tmp.close()
            Path(tmp.name).unlink(missing_ok=True)
            raise
    target = day / f"{sha[:12]}-{shown}"
    Path(tmp.name).replace(target)
    return Saved(target, shown, sha, size)


def _copy(stream: BinaryIO, into: IO[bytes] | None, shown: str, max_bytes: int) -> tuple[str, int]:
    """Read ``stream`` to its end (writing it to ``into`` when given): its sha256 and size."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_large(shown, max_bytes)
        digest.update(chunk)
        if into is not None:
            into.write(chunk)
    return digest.hexdigest(), size


def too_large(name: str, max_bytes: int) -> FileTooLarge:
    return FileTooLarge(name, f"the file is larger than the {max_bytes / 1_000_000:g} MB this server accepts")


def keep_failed(saved: Saved, failed_dir: Path, clerk_text: str) -> Path:
    """Move an upload that could not be read to ``failed_dir`` beside ``NAME.error.txt`` (nothing is lost)."""
    failed_dir.mkdir(parents=True, exist_ok=True)
    target = failed_dir / f"{uuid.uuid4().hex[:8]}-{saved.name}"
    shutil.move(saved.path, target)
    target.with_name(target.name + ".error.txt").write_text(clerk_text, encoding="utf-8")
    return target


def check_server_path(raw: str, roots: list[Path], max_bytes: int) -> Path:
    """The file a JSON body names, if it lies under one of ``roots`` and is small enough.

    Raises :class:`PermissionError` (403) outside the roots, the project's errors otherwise.
    """
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise PermissionError(f"{raw}: give an absolute path")
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root.expanduser().resolve()) for root in roots):
        allowed = ", ".join(str(r) for r in roots) or "none (api_read_roots is empty)"
        raise PermissionError(f"{raw}: outside the folders this server may read ({allowed})")
    if not resolved.is_file():
        raise UnreadableFile(raw, "no such file" if not resolved.exists() else "not a regular file")
    if resolved.stat().st_size > max_bytes:
        raise too_large(raw, max_bytes)
    return resolved


def failure_line(error: DirectivesError) -> str:
    """What ``directives extract`` prints for this error: ``directives: NAME: reason``."""
    return f"directives: {error.path}: {error.reason}"
