"""What every sink shares: the :class:`Sink` protocol, its error type, and atomic file writes."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol, Self, runtime_checkable

from models import Record, Task
from pipeline.filenames import temp_name

try:  # POSIX: serialise writers across processes (the watcher and a batch run may overlap).
    import fcntl
except ImportError:  # pragma: no cover - Windows: one writing process per file, see _file_lock
    fcntl = None  # type: ignore[assignment]


class SinkError(Exception):
    """A record could not be stored; the message names the sink, the target and what to check."""

    def __init__(self, sink: str, target: str, reason: str, advice: str) -> None:
        self.sink = sink
        self.target = target
        self.reason = reason
        self.advice = advice
        super().__init__(f"{sink} sink ({target}): {reason}. {advice}")


@runtime_checkable
class Sink(Protocol):
    """Somewhere a finished record goes. Opening happens in the constructor.

    ``write`` stores one record, replacing whatever that document (by ``source.sha256``) had
    stored before, so running a document twice never duplicates it. ``close`` releases files,
    connections and clients; using a sink as a context manager closes it on the way out.
    """

    name: str

    def write(self, record: Record) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class SinkBase:
    """Context-manager plumbing and a thread lock, so concurrent tasks in one process take turns."""

    name = "sink"

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def write(self, record: Record) -> None:  # pragma: no cover - every sink overrides it
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release by default."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so a reader sees the old file or the new one, never half of one.

    The one atomic write of the project (records, notes, reports, task tables). The temporary
    file lives in the same directory (``os.replace`` is atomic only within one file system), has
    a short name whatever the length of ``path``'s (:func:`pipeline.filenames.temp_name`), and is
    fsynced before the rename, so a power cut cannot leave an empty file under the real name.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(temp_name(path.name))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some network file systems refuse
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[IO[bytes]]:
    """Hold an exclusive lock on ``<path>.lock`` across processes (POSIX ``flock``).

    Where ``fcntl`` is missing (Windows) only the in-process lock applies, so run one writing
    process per output file there.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "ab") as fh:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield fh
        finally:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def task_fields(task: Task) -> dict[str, object]:
    """A task's own columns, as every tabular sink (CSV, JSONL, SQL) stores them."""
    return {
        "id": task.id,
        "ordinal": task.ordinal,
        "text": task.text,
        "lead": list(task.lead),
        "support": list(task.support),
        "deadline": task.deadline,
        "recurrence": task.recurrence,
        "report_to": task.report_to,
    }
