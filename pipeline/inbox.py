"""The watched folder (hộp thư đến): clerks drop documents in, records come out beside them.

What happens to a file dropped into ``INBOX/``:

1. It is watched until it stops growing (size and mtime unchanged for ``stable_seconds``), so
   a copy still arriving over the network is never read half-written. Office lock files
   (``~$x.docx``), partial downloads (``.part``, ``.crdownload``, ``.tmp``) and dotfiles are
   ignored; sub-folders (``processed/``, ``failed/`` live there by default) are not entered.
2. It is claimed by an atomic ``os.rename`` into ``INBOX/.processing/TOKEN~NAME``: when two
   watchers race for one file, one rename wins and the other fails and moves on.
3. It is read with :func:`pipeline.extract` in a worker process.
4. Success: the record is written to ``processed/YYYY-MM-DD/NAME.json``, the file moves beside
   it as ``processed/YYYY-MM-DD/NAME.pdf``, and the record goes to the configured sinks.
   Failure: the file moves to ``failed/NAME.pdf`` with ``failed/NAME.error.txt`` saying in
   Vietnamese and English what went wrong and what to do.
   Same content as a document already processed (same sha256): no second record; the file
   moves to ``processed/YYYY-MM-DD/NAME.pdf`` with ``NAME.duplicate.txt`` naming the first.
   A name already taken gets a suffix (``NAME (2).pdf``); nothing is ever overwritten.

The ledger (``data_dir/inbox-ledger.sqlite3``, SQLite in WAL mode, kept on local disk because
SQLite locking is unreliable on network shares) remembers each claimed file's outcome and
each distinct document's record. The outcome is committed before any file is moved, and
every step after it is idempotent, so a watcher killed at any point (SIGKILL included)
finishes the job on restart: files left in ``.processing/`` are taken up again, and one whose
outcome is already in the ledger is just moved where the ledger says. Each file being worked
on is held with an advisory lock, so a second watcher adopts only files whose owner died.

Every action is logged with a timestamp to ``data_dir/logs/inbox.log`` (with tracebacks of
unexpected errors, which clerks never see).

Nothing here imports Prefect; ``flows.py`` wraps :meth:`Inbox.run` as a flow.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from models import Record
from pipeline.batch import (
    Extracted,
    ExtractorPool,
    Failure,
    Sink,
    deliver,
    extract_one,
    is_temporary_name,
    record_json,
    unexpected_failure,
    write_json_atomic,
)

if TYPE_CHECKING:
    from pipeline.settings import Settings

try:  # advisory locks: POSIX only; without them a restart still recovers, only live adoption is off
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("pipeline.inbox")

PROCESSING = ".processing"
LEDGER_NAME = "inbox-ledger.sqlite3"
Outcome = Literal["processed", "failed", "duplicate"]

# Notes written beside a moved file; a name is free only when none of them exists.
NOTE_SUFFIXES: dict[Outcome, str] = {
    "processed": ".json",
    "failed": ".error.txt",
    "duplicate": ".duplicate.txt",
}

# How often ``.processing/`` is looked at for files a dead watcher left behind, and how often
# records whose sink delivery failed are sent again.
ORPHAN_SCAN_SECONDS = 5.0
REDELIVER_SECONDS = 60.0
# A file that cannot be claimed (no permission, locked by another program) is retried after this.
CLAIM_BACKOFF_SECONDS = 10.0


def _now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _new_token() -> str:
    """Unique per claim, so two files named alike never meet in ``.processing/``; no ``~`` in it."""
    return f"{time.time_ns():x}-{os.getpid()}-{secrets.token_hex(3)}"


def split_claimed(name: str) -> tuple[str, str] | None:
    """``TOKEN~NAME`` → (TOKEN, NAME), or None for a name that is not one of our claims."""
    token, sep, original = name.partition("~")
    return (token, original) if sep and token and original else None


def setup_log(data_dir: Path) -> Path:
    """Send the inbox's log to ``data_dir/logs/inbox.log`` (once per file per process)."""
    path = (data_dir / "logs" / "inbox.log").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    for logger_name in ("pipeline.inbox", "pipeline.batch"):
        logger = logging.getLogger(logger_name)
        logger.setLevel(logging.INFO)
        if not any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
            handler = logging.FileHandler(path, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(process)d] %(message)s"))
            logger.addHandler(handler)
    return path


# --- the ledger -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileRow:
    """The committed outcome of one claimed file."""

    token: str
    name: str
    sha256: str | None
    outcome: Outcome
    dest: Path
    note: Path
    note_text: str | None


@dataclass(frozen=True)
class DocumentRow:
    """The first file that gave a record for one content (sha256)."""

    sha256: str
    token: str
    name: str
    record: Path
    source: Path
    delivered: bool
    created: str


class Ledger:
    """SQLite in WAL mode: what became of each claimed file and each distinct document.

    Its write lock (``BEGIN IMMEDIATE``) is also what serializes choosing names among watchers
    on one machine: a name is taken when a file of that stem exists or the ledger reserved it.
    """

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS files (
        token TEXT PRIMARY KEY,      -- the claim: .processing/TOKEN~NAME
        name TEXT NOT NULL,          -- the name the clerk gave the file
        sha256 TEXT,                 -- NULL when the file could not be read at all
        outcome TEXT NOT NULL,       -- processed | failed | duplicate
        stem_key TEXT NOT NULL UNIQUE, -- folder/stem reserved for the file and its note
        dest TEXT NOT NULL,          -- where the file goes
        note TEXT NOT NULL,          -- the record (.json) or the note (.error.txt / .duplicate.txt)
        note_text TEXT,              -- the note's text, to write it again after a crash
        created TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS documents (
        sha256 TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        name TEXT NOT NULL,
        record TEXT NOT NULL,
        source TEXT NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
    );
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit mode: transactions are explicit, so BEGIN IMMEDIATE means what it says.
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives a killed process (SIGKILL included) without an
        # fsync per commit, which halved the watcher's throughput. A power cut may lose the
        # last commits; files are still never lost (they move only after a commit), at worst
        # content dropped again after such a cut gets a second record.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(self.SCHEMA)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def file(self, token: str) -> FileRow | None:
        row = self._db.execute(
            "SELECT token, name, sha256, outcome, dest, note, note_text FROM files WHERE token = ?", (token,)
        ).fetchone()
        if row is None:
            return None
        return FileRow(row[0], row[1], row[2], row[3], Path(row[4]), Path(row[5]), row[6])

    def document(self, sha256: str, db: sqlite3.Connection | None = None) -> DocumentRow | None:
        row = (
            (db or self._db)
            .execute(
                "SELECT sha256, token, name, record, source, delivered, created FROM documents WHERE sha256 = ?",
                (sha256,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return DocumentRow(row[0], row[1], row[2], Path(row[3]), Path(row[4]), bool(row[5]), row[6])

    def stem_reserved(self, db: sqlite3.Connection, stem_key: str) -> bool:
        return db.execute("SELECT 1 FROM files WHERE stem_key = ?", (stem_key,)).fetchone() is not None

    def mark_delivered(self, sha256: str) -> None:
        self._db.execute("UPDATE documents SET delivered = 1 WHERE sha256 = ?", (sha256,))

    def undelivered(self) -> list[DocumentRow]:
        rows = self._db.execute("SELECT sha256 FROM documents WHERE delivered = 0").fetchall()
        return [doc for (sha,) in rows if (doc := self.document(sha)) is not None]

    def counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT outcome, count(*) FROM files GROUP BY outcome").fetchall()
        return {outcome: n for outcome, n in rows}

    def close(self) -> None:
        self._db.close()


# --- moving files -----------------------------------------------------------------------


def move_no_clobber(src: Path, dst: Path) -> None:
    """Move ``src`` to ``dst`` (a name reserved for it), never replacing an existing file.

    Idempotent: when ``src`` is gone and ``dst`` exists, the move already happened before a
    crash. Across file systems (processed/ on another disk) it copies, syncs, then deletes.
    """
    if not src.exists():
        if dst.exists():
            return
        raise FileNotFoundError(errno.ENOENT, "vanished before it could be moved", str(src))
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        # link() fails if dst exists, where rename() would silently replace it.
        os.link(src, dst)
        os.unlink(src)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES):
            raise
    if dst.exists():
        raise FileExistsError(errno.EEXIST, "destination exists", str(dst))
    if _same_device(src, dst.parent):
        os.rename(src, dst)
        return
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.part")
    shutil.copy2(src, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.rename(tmp, dst)
    os.unlink(src)


def _same_device(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def _lock(path: Path) -> int | None:
    """Open ``path`` and take a non-blocking exclusive advisory lock on it.

    Returns the descriptor (hold it while working on the file; the kernel drops the lock when
    the process dies, however it dies), or None when another live process holds the lock.
    Raises OSError when the file cannot be opened at all.
    """
    fd = os.open(path, os.O_RDONLY)
    if fcntl is None:  # pragma: no cover - Windows
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    # The file may have been finished and moved by its owner between our open() and flock().
    try:
        if os.fstat(fd).st_ino != os.stat(path).st_ino:
            os.close(fd)
            return None
    except FileNotFoundError:
        os.close(fd)
        return None
    return fd


# --- the watcher ------------------------------------------------------------------------


@dataclass
class _Watched:
    """A file in the inbox being watched until it stops growing."""

    size: int
    mtime_ns: int
    since: float  # monotonic time this (size, mtime) was first seen
    not_before: float = 0.0  # claim back-off after a failed rename


@dataclass
class _Job:
    """A claimed file, from claim to its final move."""

    token: str
    name: str
    path: Path  # .processing/TOKEN~NAME
    fd: int | None
    claimed_at: float
    arrived_at: float  # when it stopped growing (monotonic), for latency figures
    sha256: str | None = None
    future: Future[Extracted] | None = None
    crashes: int = 0


@dataclass(frozen=True)
class InboxResult:
    """What became of one file: reported to the ``on_result`` callback and logged."""

    name: str
    outcome: Outcome
    dest: Path
    note: Path
    seconds: float  # from the file's arrival (it stopped growing) to its final move
    reason: str | None = None


@dataclass
class InboxStats:
    processed: int = 0
    failed: int = 0
    duplicate: int = 0
    results: list[InboxResult] = field(default_factory=list)


class Inbox:
    """Watches ``settings.inbox`` and turns each dropped file into a record or a clear failure.

    ``sinks`` default to :func:`pipeline.sinks.build_sinks`; ``workers`` (default
    ``settings.batch_workers``) documents are read at once in worker processes.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        inbox: Path | None = None,
        processed_dir: Path | None = None,
        failed_dir: Path | None = None,
        sinks: Sequence[Sink] | None = None,
        workers: int | None = None,
        poll: bool | None = None,
        on_result: Callable[[InboxResult], None] | None = None,
    ) -> None:
        self.settings = settings
        self.inbox = (inbox or settings.inbox).resolve()
        self.processed_dir = (processed_dir or settings.processed_dir).resolve()
        self.failed_dir = (failed_dir or settings.failed_dir).resolve()
        self.processing = self.inbox / PROCESSING
        self.stable_seconds = settings.stable_seconds
        self.poll_interval = settings.poll_interval
        self.poll = settings.poll if poll is None else poll
        self.workers = workers or settings.batch_workers
        self.on_result = on_result
        for folder in (self.inbox, self.processing, self.processed_dir, self.failed_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.log_path = setup_log(settings.data_dir)
        self.ledger = Ledger(settings.data_dir.resolve() / LEDGER_NAME)
        if sinks is None:
            from pipeline.batch import load_sinks

            sinks = load_sinks(settings)
        self.sinks = list(sinks)
        self.stats = InboxStats()
        self._watched: dict[str, _Watched] = {}
        self._jobs: dict[str, _Job] = {}
        self._errors: dict[str, int] = {}
        self._wake = threading.Event()
        self._dirty = True
        self._pool: ExtractorPool | None = None
        self._observer: object | None = None

    # --- the loop ------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None, *, once: bool = False) -> InboxStats:
        """Watch until ``stop`` is set (or, with ``once``, until the inbox is empty and idle).

        In-flight documents are always finished before returning, so stopping never strands
        a file (and a kill is recovered on the next start).
        """
        stop = stop or threading.Event()
        log.info(
            "watching %s (processed → %s, failed → %s, stable %.1fs, %s, %d workers)",
            self.inbox,
            self.processed_dir,
            self.failed_dir,
            self.stable_seconds,
            "polling" if self.poll else "notifications",
            self.workers,
        )
        self._pool = ExtractorPool(self.workers)
        if not once:
            self._start_observer()
        next_orphan_scan = 0.0
        next_redeliver = 0.0
        next_rescan = 0.0
        try:
            while True:
                now = time.monotonic()
                if now >= next_orphan_scan:
                    self._adopt_orphans()
                    next_orphan_scan = now + ORPHAN_SCAN_SECONDS
                if now >= next_redeliver:
                    self._redeliver()
                    next_redeliver = now + REDELIVER_SECONDS
                if self._dirty or now >= next_rescan or self._watched:
                    self._dirty = False
                    self._scan(now)
                    next_rescan = now + self.poll_interval
                if not stop.is_set():
                    self._claim_ready(time.monotonic())
                self._collect()
                if stop.is_set() and not self._jobs:
                    break
                # --once leaves behind only files it could not take (reported in the log).
                if once and not self._jobs and all(w.not_before for w in self._watched.values()):
                    break
                timeout = self._next_timeout(time.monotonic(), next_rescan)
                self._wake.wait(timeout)
                self._wake.clear()
        finally:
            # Interrupted with work in hand: unlock it so the next start (or another watcher)
            # takes it up from .processing/.
            for job in list(self._jobs.values()):
                self._release(job)
            self._stop_observer()
            self._pool.close(cancel=True)
            self._pool = None
            log.info(
                "stopped: %d processed, %d failed, %d duplicates",
                self.stats.processed,
                self.stats.failed,
                self.stats.duplicate,
            )
        return self.stats

    def close(self) -> None:
        for sink in self.sinks:
            try:
                sink.close()
            except Exception:
                log.exception("closing sink failed")
        self.ledger.close()

    def _next_timeout(self, now: float, next_rescan: float) -> float:
        deadlines = [next_rescan]
        if len(self._jobs) < self._claim_limit():
            for watched in self._watched.values():
                deadlines.append(max(watched.since + self.stable_seconds, watched.not_before))
        # Completed extractions wake the loop through their done-callback; this is only a backstop.
        return min(max(0.02, min(deadlines) - now), 1.0 if self._jobs else self.poll_interval)

    def _start_observer(self) -> None:
        """Notifications make pickup prompt; the periodic rescan is what guarantees it (events
        are lost on overflow, and never arrive for files written from another machine)."""
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        inbox = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                inbox._dirty = True
                inbox._wake.set()

        observer = None
        if not self.poll:
            try:
                observer = Observer()
                observer.schedule(Handler(), str(self.inbox), recursive=False)
                observer.start()
            except OSError as exc:
                log.warning("file notifications unavailable (%s); polling every %.1fs", exc, self.poll_interval)
                observer = None
        if observer is None:
            observer = PollingObserver(timeout=self.poll_interval)
            observer.schedule(Handler(), str(self.inbox), recursive=False)
            observer.start()
        self._observer = observer

    def _stop_observer(self) -> None:
        observer = self._observer
        if observer is not None:
            observer.stop()  # type: ignore[attr-defined]
            observer.join(timeout=5)  # type: ignore[attr-defined]
            self._observer = None

    # --- watching for stable files -------------------------------------------------------

    def _scan(self, now: float) -> None:
        seen: set[str] = set()
        try:
            entries = list(os.scandir(self.inbox))
        except OSError as exc:
            log.error("cannot list the inbox %s: %s", self.inbox, exc)
            return
        for entry in entries:
            name = entry.name
            if is_temporary_name(name):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("cannot stat %s: %s", name, exc)
                continue
            seen.add(name)
            watched = self._watched.get(name)
            if watched is None:
                self._watched[name] = _Watched(st.st_size, st.st_mtime_ns, now)
                log.info("arrived %s (%d bytes)", name, st.st_size)
            elif (watched.size, watched.mtime_ns) != (st.st_size, st.st_mtime_ns):
                watched.size, watched.mtime_ns, watched.since = st.st_size, st.st_mtime_ns, now
        for name in set(self._watched) - seen:
            del self._watched[name]
            log.info("gone %s (deleted or moved away before it was read)", name)

    def _claim_limit(self) -> int:
        """Claim no more than the pool can start soon, leaving the rest for other watchers."""
        return max(4, self.workers * 4)

    def _claim_ready(self, now: float) -> None:
        budget = self._claim_limit() - len(self._jobs)
        for name, watched in sorted(self._watched.items(), key=lambda kv: kv[1].since):
            if budget <= 0:
                return
            if now - watched.since < self.stable_seconds or now < watched.not_before:
                continue
            src = self.inbox / name
            try:
                st = src.stat()
            except FileNotFoundError:
                del self._watched[name]
                log.info("gone %s (deleted or taken by another watcher)", name)
                continue
            if (st.st_size, st.st_mtime_ns) != (watched.size, watched.mtime_ns):
                watched.size, watched.mtime_ns, watched.since = st.st_size, st.st_mtime_ns, now
                continue
            token = _new_token()
            claimed = self.processing / f"{token}~{name}"
            try:
                # The claim: atomic within one file system; the loser of a race gets ENOENT.
                os.rename(src, claimed)
            except FileNotFoundError:
                del self._watched[name]
                log.info("gone %s (taken by another watcher)", name)
                continue
            except OSError as exc:
                watched.not_before = now + CLAIM_BACKOFF_SECONDS
                log.warning("cannot take %s yet (%s); retrying in %.0fs", name, exc, CLAIM_BACKOFF_SECONDS)
                continue
            del self._watched[name]
            budget -= 1
            log.info("claimed %s (stable %.2fs) as %s", name, now - watched.since, claimed.name)
            self._begin(token, name, claimed, arrived_at=watched.since)

    def _adopt_orphans(self) -> None:
        """Take up files in ``.processing/`` whose watcher died (after a crash or SIGKILL)."""
        try:
            names = sorted(os.listdir(self.processing))
        except OSError as exc:
            log.error("cannot list %s: %s", self.processing, exc)
            return
        for entry in names:
            parsed = split_claimed(entry)
            if parsed is None or entry.startswith("."):
                continue
            token, name = parsed
            if token in self._jobs:
                continue
            path = self.processing / entry
            try:
                fd = _lock(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("cannot open %s to recover it: %s", entry, exc)
                fd = None
                if not path.exists():
                    continue
            else:
                if fd is None:
                    continue  # a live watcher is working on it
            log.info("recovering %s left in %s", name, PROCESSING)
            self._begin(token, name, path, arrived_at=time.monotonic(), fd=fd, locked=True)

    # --- one file ------------------------------------------------------------------------

    def _begin(
        self,
        token: str,
        name: str,
        path: Path,
        *,
        arrived_at: float,
        fd: int | None = None,
        locked: bool = False,
    ) -> None:
        job = _Job(token, name, path, fd, time.monotonic(), arrived_at)
        if not locked:
            try:
                job.fd = _lock(path)
            except OSError:
                job.fd = None  # unreadable: hashing fails below and the clerk is told why
            else:
                if job.fd is None:
                    return  # another watcher's recovery got it first; it is theirs now
        self._jobs[token] = job
        try:
            self._start(job)
        except Exception as exc:
            self._fail_unexpectedly(job, exc)

    def _start(self, job: _Job) -> None:
        row = self.ledger.file(job.token)
        if row is not None:
            # The outcome was committed before a crash: finish what the ledger says.
            log.info("resuming %s: outcome %s already recorded", job.name, row.outcome)
            self._complete(job, row)
            return
        try:
            from pipeline.stages import sha256_of

            job.sha256 = sha256_of(job.path)
        except OSError as exc:
            self._commit(job, "failed", failure=self._unreadable(job, exc))
            return
        first = self.ledger.document(job.sha256)
        if first is not None and first.token != job.token:
            self._commit(job, "duplicate", first=first)
            return
        assert self._pool is not None
        job.future = self._pool.submit(job.path, display=job.name)
        job.future.add_done_callback(lambda _f: self._wake.set())

    def _unreadable(self, job: _Job, exc: OSError) -> Failure:
        from pipeline.errors import UnreadableFile

        err = UnreadableFile(job.name, f"cannot read the file ({exc.strerror or exc})")
        return Failure(type(err).__name__, err.reason, err.for_clerk(), expected=True)

    def _collect(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        from pipeline.batch import crashed

        for job in list(self._jobs.values()):
            future = job.future
            if future is None or not future.done():
                continue
            job.future = None
            try:
                extracted = future.result()
            except BrokenProcessPool as exc:
                # A reader died (and took its pool with it): retry this file once in a fresh pool.
                assert self._pool is not None
                self._pool.restart(self._pool.generation)
                if job.crashes >= 1:
                    extracted = crashed(job.path, job.name, exc)
                else:
                    job.crashes += 1
                    job.future = self._pool.submit(job.path, display=job.name)
                    job.future.add_done_callback(lambda _f: self._wake.set())
                    continue
            try:
                if extracted.record is not None:
                    self._commit(job, "processed", record=extracted.record)
                else:
                    assert extracted.failure is not None
                    self._commit(job, "failed", failure=extracted.failure)
            except Exception as exc:
                self._fail_unexpectedly(job, exc)

    def _fail_unexpectedly(self, job: _Job, exc: Exception) -> None:
        """A bug or an environment problem (disk full, permissions) while handling ``job``.

        The file is left in ``.processing/`` and unlocked so the next orphan scan retries it;
        if even committing a failure is impossible, retrying later is all that can be done.
        """
        count = self._errors[job.token] = self._errors.get(job.token, 0) + 1
        log.exception("error while handling %s (%d); it stays in %s and will be retried", job.name, count, PROCESSING)
        if count >= 3 and self.ledger.file(job.token) is None:
            # The same error every time is not transient: give the clerk an answer.
            try:
                self._commit(job, "failed", failure=unexpected_failure(job.name, exc))
                return
            except Exception:
                log.exception("could not even move %s to failed/", job.name)
        self._release(job)

    def _release(self, job: _Job) -> None:
        if job.fd is not None:
            os.close(job.fd)
            job.fd = None
        self._jobs.pop(job.token, None)

    def _reserve(self, db: sqlite3.Connection, folder: Path, name: str, outcome: Outcome) -> tuple[Path, Path, str]:
        """A (dest, note, stem_key) in ``folder`` that no file and no ledger row uses: ``NAME (2)``..."""
        src = Path(name)
        stem, suffix = src.stem, src.suffix
        n = 1
        while True:
            candidate = stem if n == 1 else f"{stem} ({n})"
            n += 1
            stem_key = str(folder / candidate)
            if self.ledger.stem_reserved(db, stem_key):
                continue
            taken = [folder / f"{candidate}{suffix}"] + [folder / f"{candidate}{s}" for s in NOTE_SUFFIXES.values()]
            if any(p.exists() for p in taken):
                continue
            return folder / f"{candidate}{suffix}", folder / f"{candidate}{NOTE_SUFFIXES[outcome]}", stem_key

    def _commit(
        self,
        job: _Job,
        outcome: Outcome,
        *,
        record: Record | None = None,
        failure: Failure | None = None,
        first: DocumentRow | None = None,
    ) -> None:
        """Decide names and commit the outcome in one transaction, then carry it out."""
        today = datetime.now().strftime("%Y-%m-%d")
        with self.ledger.transaction() as db:
            if outcome == "processed" and job.sha256 is not None:
                # Another watcher may have committed the same content while we were reading it.
                other = self.ledger.document(job.sha256, db)
                if other is not None and other.token != job.token:
                    outcome, first, record = "duplicate", other, None
            folder = self.failed_dir if outcome == "failed" else self.processed_dir / today
            dest, note, stem_key = self._reserve(db, folder, job.name, outcome)
            note_text: str | None = None
            if outcome == "failed":
                assert failure is not None
                note_text = failure.clerk_text
            elif outcome == "duplicate":
                assert first is not None
                note_text = duplicate_note(job.name, job.sha256 or "", first)
            db.execute(
                "INSERT INTO files (token, name, sha256, outcome, stem_key, dest, note, note_text, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job.token,
                    job.name,
                    job.sha256,
                    outcome,
                    stem_key,
                    str(dest),
                    str(note),
                    note_text,
                    _now_iso(),
                ),
            )
            if outcome == "processed":
                db.execute(
                    "INSERT INTO documents (sha256, token, name, record, source, delivered, created)"
                    " VALUES (?, ?, ?, ?, ?, 0, ?)",
                    (job.sha256, job.token, job.name, str(note), str(dest), _now_iso()),
                )
        if failure is not None and not failure.expected and failure.detail:
            log.error("unexpected error reading %s:\n%s", job.name, failure.detail.rstrip())
        row = FileRow(job.token, job.name, job.sha256, outcome, dest, note, note_text)
        self._complete(job, row, record=record, reason=failure.reason if failure else None)

    def _complete(self, job: _Job, row: FileRow, *, record: Record | None = None, reason: str | None = None) -> None:
        """Carry out a committed outcome; every step is skipped when already done (recovery)."""
        if not row.note.exists():
            row.note.parent.mkdir(parents=True, exist_ok=True)
            if row.outcome == "processed":
                if record is None:
                    # Killed between the commit and writing the record: read the file again.
                    extracted = extract_one(job.path, job.name)
                    if extracted.record is None:
                        raise RuntimeError(f"{job.name} no longer reads the same: {extracted.failure}")
                    record = extracted.record
                record.source.path = str(row.dest)
                write_json_atomic(row.note, record_json(record))
            else:
                write_json_atomic(row.note, row.note_text or "")
        move_no_clobber(job.path, row.dest)
        seconds = time.monotonic() - job.arrived_at
        self._release(job)
        log.info("%s %s → %s (%.2fs after it arrived)", row.outcome, row.name, row.dest, seconds)
        if row.outcome == "processed" and row.sha256 is not None:
            doc = self.ledger.document(row.sha256)
            if doc is not None and doc.token == row.token and not doc.delivered:
                self._deliver(doc, record)
        result = InboxResult(row.name, row.outcome, row.dest, row.note, seconds, reason)
        setattr(self.stats, row.outcome, getattr(self.stats, row.outcome) + 1)
        self.stats.results.append(result)
        if self.on_result is not None:
            self.on_result(result)

    def _deliver(self, doc: DocumentRow, record: Record | None) -> None:
        if not self.sinks:
            self.ledger.mark_delivered(doc.sha256)
            return
        if record is None:
            record = Record.model_validate_json(doc.record.read_text(encoding="utf-8"))
        errors = deliver(record, self.sinks)
        if errors:
            log.error(
                "record of %s not delivered (%s); retrying within %.0fs",
                doc.name,
                "; ".join(map(str, errors)),
                REDELIVER_SECONDS,
            )
        else:
            self.ledger.mark_delivered(doc.sha256)

    def _redeliver(self) -> None:
        """Send again records whose sinks failed (or whose watcher died before sending them)."""
        for doc in self.ledger.undelivered():
            if doc.token in self._jobs or not doc.record.exists():
                continue
            try:
                self._deliver(doc, None)
            except Exception:
                log.exception("redelivering %s failed", doc.name)


def duplicate_note(name: str, sha256: str, first: DocumentRow) -> str:
    """The clerk's note beside a file whose content was already processed."""
    return (
        f"Tệp / File: {name}\n"
        f"Tệp này trùng nội dung với văn bản đã xử lý trước đó: {first.name} (lúc {first.created}). "
        "Không tạo bản ghi mới; không cần làm gì thêm.\n"
        f"Kết quả / Record: {first.record}\n"
        f"This file has the same content as {first.name}, processed at {first.created}. "
        "No second record was made; nothing to do.\n"
        f"sha256: {sha256}\n"
    )
