"""The inbox watcher: each dropped file from its claim to its final move (see :mod:`pipeline.inbox`)."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from models import Record
from pipeline.filenames import stale_temps
from pipeline.inbox.files import (
    NOTE_SUFFIXES,
    PROCESSING,
    claim,
    forget_claim,
    lock,
    move_no_clobber,
    new_token,
    numbered,
    original_name,
    put_back,
    stem_and_suffix,
)
from pipeline.inbox.ledger import LEDGER_NAME, DocumentRow, FileRow, Ledger, Outcome
from pipeline.inbox.watch import Arrivals, Watched
from pipeline.sinks.base import Sink, atomic_write_text
from pipeline.sinks.delivery import deliver, flush_all
from pipeline.workers import Extracted, Failure, WorkerPool, extract_one, unexpected_failure

if TYPE_CHECKING:
    from pipeline.settings import Settings

log = logging.getLogger("pipeline.inbox")

# How often ``.processing/`` is looked at for files a dead watcher left behind, and how often
# records whose sink delivery failed are sent again.
ORPHAN_SCAN_SECONDS = 5.0
REDELIVER_SECONDS = 60.0
# The least stillness before a file is read a second time (see _should_recheck).
RECHECK_MIN_SETTLE = 5.0


def _now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def setup_log(data_dir: Path) -> Path:
    """Send the inbox's log to ``data_dir/logs/inbox.log`` (once per file per process)."""
    path = (data_dir / "logs" / "inbox.log").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    for logger_name in ("pipeline.inbox", "pipeline.batch", "pipeline.workers", "pipeline.sinks.delivery"):
        logger = logging.getLogger(logger_name)
        logger.setLevel(logging.INFO)
        if not any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
            handler = logging.FileHandler(path, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(process)d] %(message)s"))
            logger.addHandler(handler)
    return path


@dataclass
class _Job:
    """A claimed file, from claim to its final move."""

    token: str
    name: str  # the name the clerk gave it (in full, even when the claim had to shorten it)
    path: Path  # .processing/TOKEN~NAME
    fd: int | None
    claimed_at: float
    arrived_at: float  # when it settled (monotonic), for latency figures
    last_change: float = 0.0  # wall-clock time of its last change when claimed
    stat: tuple[int, int] | None = None  # (size, mtime_ns) when it was hashed
    sha256: str | None = None
    future: Future[Extracted] | None = None
    rechecks: int = 0
    settling: Watched | None = None  # waiting to settle again before a second reading


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
    put_back: int = 0  # claimed but not read when the watcher stopped: back in the inbox
    interrupted: str | None = None
    results: list[InboxResult] = field(default_factory=list)


class Inbox:
    """Watches ``settings.inbox`` and turns each dropped file into a record or a clear failure.

    ``sinks`` default to :func:`pipeline.sinks.build_sinks`; ``workers`` (default
    ``settings.batch_workers``) documents are read at once in worker processes, each under the
    limits of the settings (time, memory, size).
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
        from pipeline.limits import Limits

        self.settings = settings
        self.inbox = (inbox or settings.inbox).resolve()
        self.processed_dir = (processed_dir or settings.processed_dir).resolve()
        self.failed_dir = (failed_dir or settings.failed_dir).resolve()
        self.processing = self.inbox / PROCESSING
        self.stable_seconds = settings.stable_seconds
        self.recheck_seconds = settings.recheck_seconds
        self.grace = settings.stop_grace_seconds
        self.poll_interval = settings.poll_interval
        self.poll = settings.poll if poll is None else poll
        self.workers = workers or settings.batch_workers
        self.limits = Limits.from_settings(settings)
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
        self._wake = threading.Event()
        own = {PROCESSING} | {d.name for d in (self.processed_dir, self.failed_dir) if d.parent == self.inbox}
        self.arrivals = Arrivals(
            self.inbox,
            settle=self.stable_seconds,
            poll=self.poll,
            poll_interval=self.poll_interval,
            own_folders=own,
            wake=self._wake,
        )
        self._jobs: dict[str, _Job] = {}
        self._errors: dict[str, int] = {}
        self._noted_folders: set[str] = set()
        self._pool: WorkerPool | None = None
        self._stop = threading.Event()
        self._abort = threading.Event()

    # --- the loop ------------------------------------------------------------------------

    def stop(self, reason: str = "stopped", *, abort: bool = False) -> None:
        """Stop watching (safe from a signal handler): files being read get ``stop_grace_seconds``
        to finish, then the rest is put back in the inbox; ``abort`` puts it back at once."""
        if self.stats.interrupted is None:
            self.stats.interrupted = reason
        self._stop.set()
        if abort:
            self._abort.set()
        self._wake.set()

    def run(self, stop: threading.Event | None = None, *, once: bool = False) -> InboxStats:
        """Watch until stopped (:meth:`stop`, or ``stop`` set), or with ``once`` until the inbox is
        empty and idle.

        Documents being read when it stops finish within the grace time; what is left is put
        back in the inbox (or, when its name was taken meanwhile, left in ``.processing/`` for
        the next start). A kill is recovered on the next start.
        """
        external = stop or threading.Event()
        log.info(
            "watching %s (processed → %s, failed → %s, settle %.1fs, %s, %d workers)",
            self.inbox,
            self.processed_dir,
            self.failed_dir,
            self.stable_seconds,
            "polling" if self.poll else "notifications",
            self.workers,
        )
        self._pool = WorkerPool(self.workers, self.limits)
        if not once:
            self.arrivals.start()
        next_orphan_scan = 0.0
        next_redeliver = 0.0
        next_flush = time.monotonic() + self.settings.sink_cooldown
        next_rescan = 0.0
        stop_deadline: float | None = None
        try:
            while True:
                now = time.monotonic()
                if external.is_set() and not self._stop.is_set():
                    self.stop("stopped")
                stopping = self._stop.is_set()
                if stopping:
                    stop_deadline = stop_deadline or now + self.grace
                    if self._abort.is_set() or now >= stop_deadline or not self._jobs:
                        break
                if not stopping and now >= next_orphan_scan:
                    self._adopt_orphans()
                    next_orphan_scan = now + ORPHAN_SCAN_SECONDS
                if now >= next_redeliver:
                    self._redeliver()
                    next_redeliver = now + REDELIVER_SECONDS
                if now >= next_flush:
                    flush_all(self.sinks)
                    next_flush = now + self.settings.sink_cooldown
                if not stopping and (self.arrivals.dirty or now >= next_rescan or self.arrivals.watched):
                    self.arrivals.dirty = False
                    for folder in self.arrivals.scan(now):
                        self._note_folder(folder)
                    next_rescan = now + self.poll_interval
                if not stopping:
                    self._claim_ready(time.monotonic())
                self._settle_rechecks(time.monotonic())
                self._collect()
                # --once leaves behind only files it could not take (reported in the log).
                if once and not self._jobs and self.arrivals.all_backing_off():
                    break
                timeout = self._next_timeout(time.monotonic(), next_rescan, stop_deadline)
                self._wake.wait(timeout)
                self._wake.clear()
        finally:
            self.arrivals.stop()
            self._pool.close(cancel=bool(self._jobs))
            self._pool = None
            self._put_back_all()
            log.info(
                "stopped%s: %d processed, %d failed, %d duplicates, %d put back",
                f" ({self.stats.interrupted})" if self.stats.interrupted else "",
                self.stats.processed,
                self.stats.failed,
                self.stats.duplicate,
                self.stats.put_back,
            )
        return self.stats

    def close(self) -> None:
        for sink in self.sinks:
            try:
                sink.close()
            except Exception:
                log.exception("closing sink failed")
        self.ledger.close()

    def _next_timeout(self, now: float, next_rescan: float, stop_deadline: float | None) -> float:
        deadlines = [next_rescan]
        if stop_deadline is not None:
            deadlines.append(stop_deadline)
        if len(self._jobs) < self._claim_limit():
            due = self.arrivals.next_due(now)
            if due is not None:
                deadlines.append(due)
        if any(job.settling for job in self._jobs.values()):
            deadlines.append(now + 0.25)
        # Completed extractions wake the loop through their done-callback; this is only a backstop.
        return min(max(0.02, min(deadlines) - now), 1.0 if self._jobs else self.poll_interval)

    def _put_back_all(self) -> None:
        """Files claimed but not committed when the watcher stops go back where the clerk put them."""
        for job in list(self._jobs.values()):
            committed = False
            try:
                committed = self.ledger.file(job.token) is not None
            except sqlite3.Error:
                committed = True  # cannot tell: leave it to the next start's recovery
            self._release(job)
            if committed:
                continue
            if put_back(job.path, self.inbox, job.name):
                forget_claim(self.processing, job.token)
                self.stats.put_back += 1
                log.info("put back %s (the watcher stopped before it was read)", job.name)
            else:
                log.info("left %s in %s for the next start", job.name, PROCESSING)

    # --- claiming ------------------------------------------------------------------------

    def _claim_limit(self) -> int:
        """Claim no more than the pool can start soon, leaving the rest for other watchers."""
        return max(4, self.workers * 4)

    def _claim_ready(self, now: float) -> None:
        budget = self._claim_limit() - len(self._jobs)
        for name, watched in self.arrivals.ready(now):
            if budget <= 0:
                return
            if not self.arrivals.still(name, watched, now):
                continue
            token = new_token()
            try:
                # The claim: atomic within one file system; the loser of a race gets ENOENT.
                claimed = claim(self.inbox / name, self.processing, token)
            except FileNotFoundError:
                self.arrivals.forget(name, "taken by another watcher")
                continue
            except OSError as exc:
                if self.arrivals.failed_claim(name, now, exc) is not None:
                    self._note_unclaimable(name, exc)
                continue
            self.arrivals.forget(name)
            budget -= 1
            log.info("claimed %s (stable %.2fs) as %s", name, now - watched.since, claimed.name)
            self._begin(token, name, claimed, arrived_at=watched.since, last_change=watched.mtime_ns / 1e9)

    def _note_unclaimable(self, name: str, exc: OSError) -> None:
        """Tell the clerk, once, about a file the watcher keeps failing to take (it stays in the inbox)."""
        stem, _ = stem_and_suffix(name)
        _, note_name = numbered(stem, ".error.txt", 1)
        note = self.failed_dir / note_name
        text = (
            f"Tệp / File: {name}\n"
            f"Lỗi: Chương trình không lấy được tệp này khỏi hộp thư đến ({exc.strerror or exc}); tệp vẫn nằm ở đó. "
            "Kiểm tra quyền truy cập của tệp hoặc đóng chương trình đang mở tệp; chương trình sẽ tự thử lại.\n"
            f"Error: the watcher cannot take this file from the inbox ({exc.strerror or exc}); it is still there. "
            "Check the file's permissions or close the program holding it; the watcher keeps trying.\n"
        )
        try:
            if not note.exists():
                atomic_write_text(note, text)
        except OSError:
            log.exception("cannot write the note %s", note)

    def _note_folder(self, folder: str) -> None:
        """A folder dropped into the inbox is not entered; the clerk is told once, beside the failures."""
        if folder in self._noted_folders:
            return
        self._noted_folders.add(folder)
        note = self.failed_dir / numbered(folder, ".error.txt", 1)[1]
        if note.exists():
            return
        text = (
            f"Thư mục / Folder: {folder}\n"
            "Lỗi: Đây là một thư mục, không phải tệp văn bản; chương trình không đọc các thư mục trong hộp thư đến. "
            "Chép từng tệp văn bản trong thư mục vào hộp thư đến.\n"
            "Error: this is a folder, not a document; folders in the inbox are not read. "
            "Drop the documents inside it, one by one, into the inbox.\n"
        )
        try:
            atomic_write_text(note, text)
            log.warning("%s in the inbox is a folder; noted in %s", folder, note)
        except OSError:
            log.exception("cannot write the note %s", note)

    def _adopt_orphans(self) -> None:
        """Take up files in ``.processing/`` whose watcher died (after a crash or SIGKILL)."""
        try:
            names = sorted(os.listdir(self.processing))
        except OSError as exc:
            log.error("cannot list %s: %s", self.processing, exc)
            return
        for entry in names:
            if entry.startswith("."):
                continue
            parsed = original_name(self.processing, entry)
            if parsed is None:
                continue
            token, name = parsed
            if token in self._jobs:
                continue
            path = self.processing / entry
            try:
                fd = lock(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                if not os.path.lexists(path):
                    continue
                log.info("recovering %s without a lock (%s)", entry, exc)
                fd = None
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
        last_change: float = 0.0,
        fd: int | None = None,
        locked: bool = False,
    ) -> None:
        job = _Job(token, name, path, fd, time.monotonic(), arrived_at, last_change)
        if not locked:
            try:
                job.fd = lock(path)
            except OSError:
                job.fd = None  # unreadable, or a symbolic link: the clerk is told why below
            else:
                if job.fd is None:
                    return  # another watcher's recovery got it first; it is theirs now
        self._jobs[token] = job
        try:
            self._start(job)
        except Exception as exc:
            self._fail_unexpectedly(job, exc)

    def _start(self, job: _Job) -> None:
        from pipeline.errors import NotARegularFile, UnreadableFile
        from pipeline.inputs import irregular_reason
        from pipeline.stages import sha256_of

        row = self.ledger.file(job.token)
        if row is not None:
            # The outcome was committed before a crash: finish what the ledger says.
            log.info("resuming %s: outcome %s already recorded", job.name, row.outcome)
            self._complete(job, row)
            return
        reason = irregular_reason(job.path)
        if reason is not None:  # a symbolic link: never followed, never hashed
            self._commit(job, "failed", failure=_failure(job.name, NotARegularFile, reason))
            return
        try:
            st = os.stat(job.path)
            job.stat = (st.st_size, st.st_mtime_ns)
            job.sha256 = sha256_of(job.path)
        except OSError as exc:
            reason = f"cannot read the file ({exc.strerror or exc})"
            self._commit(job, "failed", failure=_failure(job.name, UnreadableFile, reason))
            return
        first = self.ledger.document(job.sha256)
        if first is not None and first.token != job.token:
            self._commit(job, "duplicate", first=first)
            return
        assert self._pool is not None
        job.future = self._pool.submit(job.path, display=job.name)
        job.future.add_done_callback(lambda _f: self._wake.set())

    def _collect(self) -> None:
        for job in list(self._jobs.values()):
            future = job.future
            if future is None or not future.done():
                continue
            job.future = None
            if future.cancelled():
                continue  # the pool was stopped: the file is put back
            extracted = future.result()
            try:
                if self._should_recheck(job, extracted.failure):
                    continue
                if extracted.record is not None:
                    self._commit(job, "processed", record=extracted.record)
                else:
                    assert extracted.failure is not None
                    self._commit(job, "failed", failure=extracted.failure)
            except Exception as exc:
                self._fail_unexpectedly(job, exc)

    def _should_recheck(self, job: _Job, failure: Failure | None) -> bool:
        """Read a file once more after it settles when it changed while it was read, or when it
        reads as damaged within ``recheck_seconds`` of its last change (a copy that paused for
        longer than the settle time and goes on: the rest of the file is still coming)."""
        if job.rechecks >= 1:
            return False
        try:
            st = os.stat(job.path)
        except OSError:
            return False
        changed = job.stat is not None and (st.st_size, st.st_mtime_ns) != job.stat
        recent = time.time() - st.st_mtime_ns / 1e9 < self.recheck_seconds
        damaged = failure is not None and failure.expected and failure.kind not in ("TimedOut", "TooLarge")
        if not (changed or (damaged and recent)):
            return False
        job.rechecks += 1
        # It was still for the settle time and then changed (or was cut short): its copy pauses for
        # longer than that, so the second reading waits for twice the longest pause seen.
        need = max(2 * self.stable_seconds, RECHECK_MIN_SETTLE)
        job.settling = Watched(st.st_size, st.st_mtime_ns, time.monotonic(), need=need)
        why = "changed while it was read" if changed else f"reads as damaged ({failure.reason if failure else ''})"
        log.info("%s %s right after it arrived; reading it again once it settles", job.name, why)
        return True

    def _settle_rechecks(self, now: float) -> None:
        """Start the second reading of files that have settled again."""
        for job in list(self._jobs.values()):
            settling = job.settling
            if settling is None:
                continue
            try:
                st = os.stat(job.path)
            except OSError as exc:
                job.settling = None
                self._fail_unexpectedly(job, exc)
                continue
            if (st.st_size, st.st_mtime_ns) != (settling.size, settling.mtime_ns):
                settling.need = max(settling.need, 2 * (now - settling.since))
                settling.size, settling.mtime_ns, settling.since = st.st_size, st.st_mtime_ns, now
                continue
            if now - settling.since < settling.need:
                continue
            job.settling = None
            job.sha256 = None
            try:
                self._start(job)
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
        """A (dest, note, stem_key) in ``folder`` that no file and no ledger row uses: ``NAME (2)``...

        Names are shortened to fit the file system with every note suffix (a 240-character name)."""
        stem, suffix = stem_and_suffix(name)
        n = 1
        while True:
            candidate, dest_name = numbered(stem, suffix, n)
            n += 1
            stem_key = str(folder / candidate)
            if self.ledger.stem_reserved(db, stem_key):
                continue
            taken = [folder / dest_name] + [folder / f"{candidate}{s}" for s in NOTE_SUFFIXES.values()]
            if any(os.path.lexists(p) for p in taken):
                continue
            return folder / dest_name, folder / f"{candidate}{NOTE_SUFFIXES[outcome]}", stem_key

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
                (job.token, job.name, job.sha256, outcome, stem_key, str(dest), str(note), note_text, _now_iso()),
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
                from pipeline.batch import record_json

                atomic_write_text(row.note, record_json(record))
            else:
                atomic_write_text(row.note, row.note_text or "")
            for stale in stale_temps(row.note):  # a watcher killed while it wrote this note
                stale.unlink(missing_ok=True)
        move_no_clobber(job.path, row.dest)
        forget_claim(self.processing, job.token)
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
        # a guarded sink (a database) that is away takes the record into its outbox: delivered
        # from here on, it is the outbox's to send
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


def _failure(display: str, error: type, reason: str) -> Failure:
    err = error(display, reason)
    return Failure(error.__name__, reason, err.for_clerk(), expected=True)


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
