"""Delivering records to sinks: every sink written even when one fails, and a guard for the sinks
whose server can be away — an outbox and a circuit breaker.

:func:`deliver` writes one record to every sink, retrying each briefly; one sink failing never
keeps the record from the others.

:class:`Guarded` wraps a sink that writes to a server (SQLite on a share, PostgreSQL; see
``guarded`` in :mod:`pipeline.sinks.registry`):

* **circuit breaker** — the first write that fails opens the circuit for ``cooldown`` seconds;
  while it is open, records go straight to the outbox without waiting on the server, so a
  batch keeps its pace when the database is lost (before: every later document waited ~1.5 s
  on retries). The first write after the cooldown is the probe: it succeeds and the circuit
  closes, or it fails and the circuit stays open for another cooldown.
* **outbox** — records the sink could not take wait in an SQLite file (``sink_outbox_path``,
  one row per sink and document: a newer record of the same document replaces the queued one,
  so each is delivered once). When the circuit closes again, in the batch as in the inbox,
  the outbox is sent, oldest first. What is still queued when a run ends is sent by the next
  run of any command that opens the sink (the watcher does it every cooldown).
* the sink itself is opened lazily: a database that is down when a run starts only trips the
  circuit; records wait and the run goes on.

Writing to a :class:`Guarded` sink raises only when the outbox itself cannot be written (the
disk is full): then the record is in neither place and the caller must keep the document.

Inspect the outbox with ``sqlite3 data/sink-outbox.sqlite3 'select sink, sha256, attempts,
last_error from outbox'``.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from models import Record
from pipeline.sinks.base import Sink, SinkBase, SinkError

log = logging.getLogger("pipeline.sinks.delivery")

DEFAULT_COOLDOWN = 30.0
# An entry that failed this often while the sink took other records is not waiting for the
# server: it is left for an operator (it stays in the outbox, tried again once per run).
POISON_ATTEMPTS = 5


class DeliveryError(Exception):
    """A record could not be written to one of the sinks after retries (transient: try again later)."""

    def __init__(self, sink: str, cause: BaseException) -> None:
        self.sink = sink
        self.cause = cause
        super().__init__(f"sink {sink}: {type(cause).__name__}: {cause}")


def sink_name(sink: object) -> str:
    """A short name for logs and reports."""
    return str(getattr(sink, "name", type(sink).__name__))


def deliver(
    record: Record,
    sinks: Sequence[Sink],
    *,
    attempts: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> list[DeliveryError]:
    """Write ``record`` to every sink, retrying each a few times; return the sinks that still failed.

    One sink failing does not stop the others: the database should not miss a record because
    the webhook receiver is down. Sinks are idempotent per document (sha256), since a retry may
    follow a write that did land before its connection dropped. A :class:`Guarded` sink never
    needs the retries: it queues instead of failing.
    """
    errors: list[DeliveryError] = []
    for sink in sinks:
        for attempt in range(1, attempts + 1):
            try:
                sink.write(record)
                break
            except Exception as exc:
                name = sink_name(sink)
                if attempt == attempts or isinstance(sink, Guarded):
                    log.error("sink %s failed for %s after %d attempts: %s", name, record.source.path, attempt, exc)
                    errors.append(DeliveryError(name, exc))
                    break
                log.warning("sink %s failed for %s (attempt %d): %s", name, record.source.path, attempt, exc)
                sleep(backoff * 2 ** (attempt - 1))
    return errors


def flush_all(sinks: Sequence[Sink], *, force: bool = False) -> int:
    """Send what the guarded sinks (and the webhook's outbox) hold; how many records went out."""
    sent = 0
    for sink in sinks:
        try:
            if isinstance(sink, Guarded):
                sent += sink.flush(force=force)
            elif hasattr(sink, "flush_outbox") and force:
                sent += int(sink.flush_outbox())
        except Exception:
            log.exception("flushing the outbox of %s failed", sink_name(sink))
    return sent


def pending(sinks: Sequence[Sink]) -> dict[str, int]:
    """Records waiting in the outbox, per guarded sink (only those with some)."""
    counts: dict[str, int] = {}
    for sink in sinks:
        if isinstance(sink, Guarded):
            n = sink.pending()
            if n:
                counts[sink.name] = n
    return counts


# --- the outbox -----------------------------------------------------------------------------

_SCHEMA = """
create table if not exists outbox (
    sink text not null,
    sha256 text not null,
    record text not null,          -- the record as JSON
    version integer not null,      -- bumped when a newer record replaces a queued one
    queued_at text not null,
    attempts integer not null default 0,
    last_error text not null default '',
    primary key (sink, sha256)
);
"""


class RecordOutbox:
    """Records waiting for a sink, in an SQLite file shared by every process on the machine."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit: each statement commits by itself, so a crash never loses a queued record
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("pragma journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def put(self, sink: str, record: Record, error: str) -> None:
        self._db.execute(
            """insert into outbox (sink, sha256, record, version, queued_at, attempts, last_error)
               values (?, ?, ?, 1, ?, 0, ?)
               on conflict(sink, sha256) do update set record = excluded.record,
                   version = outbox.version + 1, last_error = excluded.last_error""",
            (sink, record.source.sha256, record.model_dump_json(), _now(), error),
        )

    def entries(self, sink: str) -> list[tuple[str, str, int]]:
        """(sha256, record JSON, version), entries that failed least first, then oldest first."""
        rows = self._db.execute(
            "select sha256, record, version from outbox where sink = ? order by attempts, queued_at, rowid", (sink,)
        ).fetchall()
        return [(str(a), str(b), int(c)) for a, b, c in rows]

    def remove(self, sink: str, sha256: str, version: int | None = None) -> None:
        """Drop a delivered entry, unless another process queued a newer record of it meanwhile."""
        if version is None:
            self._db.execute("delete from outbox where sink = ? and sha256 = ?", (sink, sha256))
        else:
            self._db.execute(
                "delete from outbox where sink = ? and sha256 = ? and version = ?", (sink, sha256, version)
            )

    def failed(self, sink: str, sha256: str, error: str) -> None:
        self._db.execute(
            "update outbox set attempts = attempts + 1, last_error = ? where sink = ? and sha256 = ?",
            (error, sink, sha256),
        )

    def count(self, sink: str) -> int:
        (n,) = self._db.execute("select count(*) from outbox where sink = ?", (sink,)).fetchone()
        return int(n)

    def close(self) -> None:
        self._db.close()


# --- the guard ------------------------------------------------------------------------------


class Guarded(SinkBase):
    """A sink behind an outbox and a circuit breaker (see the module docstring)."""

    def __init__(
        self,
        name: str,
        open_sink: Callable[[], Sink],
        outbox_path: Path,
        *,
        cooldown: float = DEFAULT_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.name = name
        self.cooldown = cooldown
        self._open_sink = open_sink
        self._clock = clock
        self._sink: Sink | None = None
        self._open_until = 0.0  # the circuit is open (writes are queued) until this time
        self.last_error = ""
        try:
            self.outbox = RecordOutbox(outbox_path)
        except (OSError, sqlite3.Error) as exc:
            raise SinkError(
                name, str(outbox_path), f"cannot open the outbox ({exc})", "Check the disk and permissions"
            ) from exc
        if self._connect():
            self.flush()

    # -- public -------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True while writes go straight to the outbox."""
        return self._clock() < self._open_until

    def write(self, record: Record) -> None:
        with self._lock:
            if self.is_open or (self._sink is None and not self._connect()):
                self._queue(record, self.last_error or "the circuit is open")
                return
            assert self._sink is not None
            try:
                self._sink.write(record)
            except Exception as exc:
                self._trip(exc)
                self._queue(record, self.last_error)
                return
            self._safely(lambda: self.outbox.remove(self.name, record.source.sha256))
            if self.outbox.count(self.name):
                self.flush()

    def flush(self, *, force: bool = False) -> int:
        """Send the queued records, oldest first; how many were delivered.

        Nothing is tried while the circuit is open, unless ``force`` (the end of a batch: one
        probe, whatever the cooldown). The first failure before anything got through opens the
        circuit and stops; a failure after others got through is that record's own (counted,
        skipped, kept).
        """
        with self._lock:
            if self.is_open and not force:
                return 0
            if self._sink is None and not self._connect():
                return 0
            assert self._sink is not None
            delivered = 0
            for sha, body, version in self.outbox.entries(self.name):
                try:
                    record = Record.model_validate_json(body)
                    self._sink.write(record)
                except Exception as exc:
                    if delivered == 0:
                        self._trip(exc)
                        return 0
                    self.outbox.failed(self.name, sha, f"{type(exc).__name__}: {exc}")
                    continue
                self.outbox.remove(self.name, sha, version)
                delivered += 1
            self._open_until = 0.0
            if delivered:
                log.info("%s: the outbox delivered %d record(s)", self.name, delivered)
            return delivered

    def pending(self) -> int:
        with self._lock:
            return self.outbox.count(self.name)

    def close(self) -> None:
        with self._lock:
            try:
                if self._sink is not None:
                    self._sink.close()
            finally:
                self._sink = None
                self.outbox.close()

    # -- internals ----------------------------------------------------------------------

    def _connect(self) -> bool:
        try:
            self._sink = self._open_sink()
        except Exception as exc:
            self._trip(exc)
            return False
        return True

    def _trip(self, exc: BaseException) -> None:
        first = not self.is_open
        self.last_error = f"{type(exc).__name__}: {exc}"
        self._open_until = self._clock() + self.cooldown
        if first:
            log.warning(
                "%s is unavailable (%s); records wait in the outbox %s and are sent when it is back "
                "(next try in %.0fs)",
                self.name,
                self.last_error,
                self.outbox.path,
                self.cooldown,
            )
        if self._sink is not None:
            # a fresh connection for the probe: a pool full of dead connections only delays it
            try:
                self._sink.close()
            except Exception:
                log.debug("closing %s after a failure", self.name, exc_info=True)
            self._sink = None

    def _queue(self, record: Record, error: str) -> None:
        self._safely(lambda: self.outbox.put(self.name, record, error))

    def _safely(self, action: Callable[[], None]) -> None:
        try:
            action()
        except sqlite3.Error as exc:
            raise SinkError(
                self.name,
                str(self.outbox.path),
                f"cannot write the outbox ({exc})",
                "Check the disk; the document is kept and sent again on the next run",
            ) from exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
