"""The worker runtime the batch, the inbox and the Prefect flows share.

One document is read in a worker process and comes back as an :class:`Extracted`: a record or a
:class:`Failure`, never an exception, whatever happened — the reader refused the file, a bug,
the process crashed, it ran past the time limit or the memory limit. The :class:`WorkerPool`
keeps ``workers`` such processes and replaces any that dies or is stopped.

Why processes of our own rather than ``ProcessPoolExecutor``: a document that hangs a reader
must be stopped without stopping the others, and an executor cannot kill one of its workers.
Here each worker has its own pipe, so the pool can:

* stop a worker past ``document_seconds`` (the whole process group: OCR and LibreOffice
  processes it started go with it) and fail its document with that reason;
* stop a worker whose memory (with its children's) passes ``worker_memory_mb``;
* retry a document once when its worker crashed (the OOM killer may pick any process), and fail
  it with a clear reason when it crashes again; the other workers never notice.

Workers exit when the process that started them dies, even by SIGKILL: each holds the read end
of a pipe whose only write end is the parent's, and a thread in the worker kills its process
group when that pipe closes; on Linux the kernel also kills it when its parent (the forkserver,
which exits with our process) dies. A kill -9 of a watcher therefore leaves no process behind.

Workers start from a ``forkserver`` that already imported the extraction stack (fast to start,
and never a fork of a parent holding threads and locks: the watcher and Prefect run several).

    >>> with WorkerPool(2) as pool:                                 # doctest: +SKIP
    ...     outcome = pool.extract(Path("cv.pdf"))
    ...     outcome.record or outcome.failure.reason
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import itertools
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
import weakref
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_any
from multiprocessing.process import BaseProcess
from pathlib import Path

from models import Record
from pipeline.limits import Limits, configure, current, size_text

log = logging.getLogger("pipeline.workers")

# Attempts at one document whose worker crashed (not stopped by a limit): the second attempt
# runs in a fresh process; an innocent document whose worker the OOM killer chose succeeds.
CRASH_ATTEMPTS = 2
# How often the memory of busy workers is looked at.
MEMORY_POLL_SECONDS = 0.25
# Workers that die before they are ready, in a row, before the pool gives up starting more.
MAX_START_FAILURES = 3
# Documents sent ahead to a worker: the next one is there when it finishes, without waiting for a
# round trip through the parent (which also writes records and talks to the sinks).
PREFETCH = 2


# --- one document -----------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """Why one document has no record, in the words each audience needs.

    ``expected`` is True for the project's own errors (a bad document: retrying will not help)
    and False for anything else (a bug, a full disk, a crashed reader). ``detail`` holds the
    traceback for the log; it is never shown to a clerk.
    """

    kind: str
    reason: str
    clerk_text: str
    expected: bool
    detail: str = ""


@dataclass(frozen=True)
class Extracted:
    """The outcome of reading one document in a worker: a record or a failure, never both."""

    path: Path
    record: Record | None
    failure: Failure | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.record is not None


def unexpected_failure(display: str, exc: BaseException, detail: str = "") -> Failure:
    """A :class:`Failure` for an exception that is not one of ours: short, bilingual, no traceback."""
    first_line = (str(exc).strip().splitlines() or [""])[0][:200]
    reason = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    clerk_text = (
        f"Tệp / File: {display}\n"
        "Lỗi: Chương trình gặp lỗi nội bộ khi đọc tệp này (không phải lỗi của văn bản). "
        "Không cần gửi lại; báo cho bộ phận kỹ thuật, chi tiết đã được ghi vào nhật ký.\n"
        f"Error: internal error while reading this file ({reason}). "
        "No need to drop it again; tell IT support, the details are in the log.\n"
    )
    return Failure(kind=type(exc).__name__, reason=reason, clerk_text=clerk_text, expected=False, detail=detail)


def failure_of(exc: BaseException, display: str) -> Failure:
    """A :class:`Failure` from one of the project's errors (the file's own fault) or any other exception."""
    from pipeline.errors import DirectivesError

    if isinstance(exc, DirectivesError):
        exc.path = display
        return Failure(type(exc).__name__, exc.reason, exc.for_clerk(), True, traceback.format_exc())
    return unexpected_failure(display, exc, traceback.format_exc())


def extract_one(path: str | Path, display: str | None = None) -> Extracted:
    """Run :func:`pipeline.extract` on one file and catch everything into an :class:`Extracted`.

    Exceptions are turned into plain data here because the project's errors do not survive
    pickling back to the parent (their ``__init__`` takes two arguments). ``display`` is the
    name the clerk knows the file by (the inbox renames files while it works on them); it
    replaces the working path in the clerk's text. A symbolic link or a folder is refused.
    """
    from pipeline.inputs import refuse_irregular
    from pipeline.stages import extract

    p = Path(path)
    shown = display or str(p)
    start = time.perf_counter()
    try:
        refuse_irregular(p)
        record = extract(p)
    except Exception as exc:
        return Extracted(p, None, failure_of(exc, shown), time.perf_counter() - start)
    return Extracted(p, record, None, time.perf_counter() - start)


def _stopped(path: Path, display: str | None, kind: str, reason: str, advice_error: type) -> Extracted:
    shown = display or str(path)
    err = advice_error(shown, reason)
    return Extracted(path, None, Failure(kind, reason, err.for_clerk(), expected=True), 0.0)


def timed_out(path: Path, display: str | None, seconds: float) -> Extracted:
    """The outcome for a document whose reader ran past the time limit and was stopped."""
    from pipeline.errors import TimedOut

    reason = f"reading it took longer than {seconds:.0f} s, the time limit for one document (setting document_seconds)"
    return _stopped(path, display, "TimedOut", reason, TimedOut)


def out_of_memory(path: Path, display: str | None, used: int, limit: int) -> Extracted:
    """The outcome for a document whose reader grew past the memory limit and was stopped."""
    from pipeline.errors import TooLarge

    reason = (
        f"reading it needed more than {size_text(limit)} of memory ({size_text(used)} when stopped), "
        "the limit for one document (setting worker_memory_mb)"
    )
    return _stopped(path, display, "TooLarge", reason, TooLarge)


def crashed(path: Path, display: str | None, detail: str) -> Extracted:
    """The outcome for a document whose reader process died on every attempt."""
    shown = display or str(path)
    failure = Failure(
        kind="ReaderCrashed",
        reason="the reader process crashed on this file",
        clerk_text=(
            f"Tệp / File: {shown}\n"
            "Lỗi: Chương trình đọc tệp bị dừng đột ngột khi mở tệp này (tệp có thể bị hỏng). "
            "Mở thử tệp trên máy, lưu lại bản mới rồi gửi lại; nếu vẫn lỗi, báo bộ phận kỹ thuật.\n"
            "Error: the reader process crashed on this file (it may be damaged). "
            "Open it on a computer, save a fresh copy and drop it again; "
            "if it fails again, tell IT support.\n"
        ),
        expected=False,
        detail=detail,
    )
    return Extracted(path, None, failure, 0.0)


# --- the worker process ------------------------------------------------------------------


def _mp_context() -> multiprocessing.context.BaseContext:
    """``forkserver`` where it exists (see the module docstring), ``spawn`` elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.warm"])
        return ctx
    return multiprocessing.get_context("spawn")


PR_SET_PDEATHSIG = 1


def _die_with_parent(lifeline: Connection) -> None:
    """Make this worker (and what it started) die when the parent does, however the parent dies."""
    set_parent_death_signal(signal.SIGKILL)

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv_bytes()  # returns only when the parent's end closes: it died or stopped us
        with contextlib.suppress(OSError):
            os.killpg(os.getpgrp(), signal.SIGKILL)
        os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def _worker_main(conn: Connection, lifeline: Connection, limits: Limits) -> None:
    """A worker: read documents sent over ``conn`` until told to stop (None) or the pipe closes."""
    # Its own process group: the pool stops a worker with the OCR/LibreOffice processes it
    # started, and a Ctrl-C at the terminal reaches only the parent, which decides what stops.
    with contextlib.suppress(OSError):
        os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(lifeline)
    configure(limits)
    import pipeline.stages  # noqa: F401  (already imported by the forkserver: instant)

    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job_id, path, display = message
        conn.send(("start", job_id))  # its time limit counts from here, not from when it was sent
        outcome = extract_one(path, display)
        try:
            conn.send(("done", job_id, outcome))
        except (EOFError, OSError):
            return
        except Exception as exc:  # a record that does not pickle: report it, do not die
            conn.send(("done", job_id, Extracted(Path(path), None, unexpected_failure(display or path, exc), 0.0)))


# --- the pool ----------------------------------------------------------------------------


@dataclass
class _Job:
    id: int
    path: Path
    display: str | None
    future: Future[Extracted]
    attempts: int = 0


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    lifeline: Connection  # the parent's write end: closing it kills the worker
    ready: bool = False
    sent: deque[_Job] = field(default_factory=deque)  # sent to it, in the order it reads them
    job: _Job | None = None  # the one it is reading now
    started: float = 0.0  # monotonic time it started reading ``job``
    dying: bool = False  # stopped by us; waiting for it to exit
    spawned: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.process.pid or 0


_live_pools: weakref.WeakSet[WorkerPool] = weakref.WeakSet()


@atexit.register
def _close_live_pools() -> None:
    """At interpreter exit, before multiprocessing's own handler joins its children."""
    for pool in list(_live_pools):
        with contextlib.suppress(Exception):
            pool.close(cancel=True)


class WorkerPool:
    """``workers`` reader processes with the limits of ``limits`` (default: the settings').

    Thread-safe: the Prefect batch flow submits from many task threads at once. Futures never
    raise; they are cancelled only by :meth:`close` with ``cancel=True``.
    """

    def __init__(self, workers: int, limits: Limits | None = None) -> None:
        self.workers = max(1, workers)
        self.limits = limits or current()
        self.restarts = 0  # workers replaced after a crash or a limit
        self._ctx = _mp_context()
        self._lock = threading.Lock()
        self._queue: deque[_Job] = deque()
        self._slots: list[_Worker] = []
        self._ids = itertools.count(1)
        self._closing = False
        self._cancel = False
        self._start_failures = 0
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._thread = threading.Thread(target=self._run, name="worker-pool", daemon=True)
        _live_pools.add(self)
        self._thread.start()

    # -- public -------------------------------------------------------------------------

    def submit(self, path: str | Path, display: str | None = None) -> Future[Extracted]:
        """Queue one document; its future gets the :class:`Extracted` (it never raises)."""
        with self._lock:
            if self._closing:
                raise RuntimeError("the worker pool is closed")
            job = _Job(next(self._ids), Path(path), display, Future())
            self._queue.append(job)
            # Straight to an idle worker from this thread: waking the dispatcher only to send it
            # costs one more thread wake-up (0.2-0.6 ms on a busy machine) on every document. The
            # dispatcher needs no word of it: the worker's "start" wakes it, and what no worker
            # could take waits for it in the queue.
            self._dispatch()
            queued = bool(self._queue)
        if queued:
            self._wake()
        return job.future

    def extract(self, path: str | Path, display: str | None = None) -> Extracted:
        """Read one document in the pool and wait for its outcome."""
        return self.submit(path, display).result()

    def pids(self) -> list[int]:
        """The worker processes alive now (for tests and operators)."""
        with self._lock:
            return [w.pid for w in self._slots if w.pid]

    def running(self) -> dict[int, Path]:
        """The document each busy worker process is reading, by process id."""
        with self._lock:
            return {w.pid: w.job.path for w in self._slots if w.job is not None and not w.dying}

    def busy(self) -> int:
        with self._lock:
            return sum(len(w.sent) for w in self._slots) + len(self._queue)

    def close(self, *, cancel: bool = False) -> None:
        """Stop the pool. Without ``cancel``, queued and running documents finish first; with it,
        queued ones are cancelled and running ones stopped (their futures are cancelled)."""
        with self._lock:
            self._closing = True
            self._cancel = self._cancel or cancel
        self._wake()
        if self._thread is not threading.current_thread():
            self._thread.join()
        _live_pools.discard(self)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close(cancel=exc_info[0] is not None)

    # -- the dispatcher thread ----------------------------------------------------------

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_w, b"x")

    def _run(self) -> None:
        resolved: list[tuple[Future[Extracted], Extracted | None]] = []
        try:
            while True:
                with self._lock:
                    if self._closing and (self._cancel or self._idle()):
                        break
                    self._fill(resolved)
                    conns = {w.conn: w for w in self._slots}
                    sentinels = {w.process.sentinel: w for w in self._slots}
                    timeout = self._timeout()
                self._resolve(resolved)
                ready = wait_any([*conns, *sentinels, self._wake_r], timeout)
                with contextlib.suppress(BlockingIOError, OSError):
                    while os.read(self._wake_r, 4096):
                        pass
                with self._lock:
                    for obj in ready:
                        worker = conns.get(obj) if isinstance(obj, Connection) else None
                        if worker is not None and worker in self._slots:
                            self._receive(worker, resolved)
                    for obj in ready:
                        worker = sentinels.get(obj) if isinstance(obj, int) else None
                        if worker is not None and worker in self._slots:
                            self._died(worker, resolved)
                    self._check_limits(resolved)
                self._resolve(resolved)
        except Exception:
            log.exception("the worker pool's dispatcher failed")
        finally:
            with self._lock:
                for job in self._queue:
                    resolved.append((job.future, None))
                self._queue.clear()
                for worker in self._slots:
                    resolved += [(job.future, None) for job in worker.sent]
                    worker.sent.clear()
                    worker.job = None
                slots, self._slots = self._slots, []
            self._resolve(resolved)
            _stop_workers(slots)
            os.close(self._wake_r)
            os.close(self._wake_w)

    def _idle(self) -> bool:
        return not self._queue and all(not w.sent for w in self._slots)

    def _resolve(self, resolved: list[tuple[Future[Extracted], Extracted | None]]) -> None:
        """Set futures outside the lock: their callbacks may submit again."""
        while resolved:
            future, outcome = resolved.pop(0)
            if future.done():
                continue
            if outcome is None:
                future.cancel()
            else:
                future.set_result(outcome)

    def _fill(self, resolved: list[tuple[Future[Extracted], Extracted | None]]) -> None:
        """Start missing workers and hand queued documents to idle ones."""
        if not self._closing:
            live = [w for w in self._slots if not w.dying]
            while len(live) < self.workers and self._start_failures < MAX_START_FAILURES:
                worker = self._spawn()
                if worker is None:
                    break
                self._slots.append(worker)
                live.append(worker)
            if self._start_failures >= MAX_START_FAILURES and not any(w.ready for w in self._slots):
                # Nothing can read: fail what waits rather than let it wait for ever.
                while self._queue:
                    job = self._queue.popleft()
                    exc = RuntimeError("the reader processes cannot start (see the log)")
                    failure = unexpected_failure(job.display or str(job.path), exc)
                    resolved.append((job.future, Extracted(job.path, None, failure, 0.0)))
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand queued documents to ready workers (under the lock)."""
        for depth in range(1, PREFETCH + 1):  # one each first, so idle workers are served before any queues two
            for worker in self._slots:
                if not self._queue:
                    return
                if worker.ready and not worker.dying and len(worker.sent) < depth:
                    job = self._queue.popleft()
                    if job.future.cancelled():
                        continue
                    try:
                        worker.conn.send((job.id, str(job.path), job.display))
                    except (OSError, EOFError):
                        self._queue.appendleft(job)
                        self._kill(worker)
                        continue
                    worker.sent.append(job)

    def _spawn(self) -> _Worker | None:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        life_r, life_w = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child_conn, life_r, self.limits), name="directives-reader", daemon=True
        )
        try:
            process.start()
        except Exception:
            log.exception("cannot start a reader process")
            self._start_failures += 1
            for c in (parent_conn, child_conn, life_r, life_w):
                c.close()
            return None
        # the worker holds its own copies now; ours would keep its pipes open after it died
        child_conn.close()
        life_r.close()
        return _Worker(process, parent_conn, life_w)

    def _timeout(self) -> float | None:
        now = time.monotonic()
        busy = [w for w in self._slots if w.job is not None and not w.dying]
        if not busy:
            return None if not any(w.dying for w in self._slots) else 0.5
        deadline = min(w.started + self.limits.document_seconds for w in busy)
        return max(0.0, min(deadline - now, MEMORY_POLL_SECONDS))

    def _receive(self, worker: _Worker, resolved: list[tuple[Future[Extracted], Extracted | None]]) -> bool:
        """Take one message from ``worker``; False when its pipe is closed (it died)."""
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            return False  # it died: its sentinel says so
        except Exception as exc:  # an outcome that does not unpickle
            job, worker.job = worker.job, None
            if job is not None:
                with contextlib.suppress(ValueError):
                    worker.sent.remove(job)
                failure = unexpected_failure(job.display or str(job.path), exc, traceback.format_exc())
                resolved.append((job.future, Extracted(job.path, None, failure, 0.0)))
            return True
        if message[0] == "ready":
            worker.ready = True
            self._start_failures = 0
        elif message[0] == "start":
            worker.job = next((job for job in worker.sent if job.id == message[1]), None)
            worker.started = time.monotonic()
        elif message[0] == "done":
            job = next((job for job in worker.sent if job.id == message[1]), None)
            if job is not None:
                worker.sent.remove(job)
                if worker.job is job:
                    worker.job = None
                resolved.append((job.future, message[2]))
        return True

    def _requeue_waiting(self, worker: _Worker) -> None:
        """Documents sent to ``worker`` that it had not started go back to the front of the queue."""
        waiting = [job for job in worker.sent if job is not worker.job]
        worker.sent.clear()
        self._queue.extendleft(reversed(waiting))

    def _died(self, worker: _Worker, resolved: list[tuple[Future[Extracted], Extracted | None]]) -> None:
        while not worker.dying and worker.sent:
            try:
                if not worker.conn.poll(0):
                    break
            except (EOFError, OSError):
                break
            if not self._receive(worker, resolved):  # it may have answered before it died
                break
        worker.process.join(timeout=1)
        code = worker.process.exitcode
        if worker.ready:
            # what it started (tesseract, LibreOffice) is still in its group: stop that too
            with contextlib.suppress(OSError):
                os.killpg(worker.pid, signal.SIGKILL)
        self._slots.remove(worker)
        _close(worker)
        if not worker.ready and not worker.dying:
            self._start_failures += 1
            log.error("a reader process died while starting (exit code %s)", code)
        job, worker.job = worker.job, None
        if self._closing:
            resolved += [(waiting.future, None) for waiting in worker.sent]
            worker.sent.clear()
            return
        self._requeue_waiting(worker)
        self.restarts += 1
        if job is None:
            return
        job.attempts += 1
        log.warning("the reader process of %s died (exit code %s, attempt %d)", job.path, code, job.attempts)
        if job.attempts < CRASH_ATTEMPTS:
            self._queue.appendleft(job)
        else:
            resolved.append((job.future, crashed(job.path, job.display, f"exit code {code}")))

    def _check_limits(self, resolved: list[tuple[Future[Extracted], Extracted | None]]) -> None:
        now = time.monotonic()
        for worker in self._slots:
            job = worker.job
            if job is None or worker.dying:
                continue
            if now - worker.started > self.limits.document_seconds:
                log.warning("%s ran past the time limit (%.0fs); its reader is stopped", job.path, now - worker.started)
                resolved.append((job.future, timed_out(job.path, job.display, self.limits.document_seconds)))
                self._kill(worker)
                continue
            used = group_memory(worker.pid)
            if used > self.limits.worker_memory_bytes:
                log.warning("%s needed %s of memory, over the limit; its reader is stopped", job.path, size_text(used))
                limit = self.limits.worker_memory_bytes
                resolved.append((job.future, out_of_memory(job.path, job.display, used, limit)))
                self._kill(worker)

    def _kill(self, worker: _Worker) -> None:
        """Stop ``worker`` (its current document, if any, is already answered); what it had not started is
        read by another."""
        if worker.job is not None:
            with contextlib.suppress(ValueError):
                worker.sent.remove(worker.job)
            worker.job = None
        self._requeue_waiting(worker)
        worker.dying = True
        _kill_group(worker)


def _kill_group(worker: _Worker) -> None:
    pid = worker.pid
    if not pid:
        return
    try:
        if worker.ready:
            os.killpg(pid, signal.SIGKILL)  # the worker leads its own group (setpgrp at start)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except OSError:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _close(worker: _Worker) -> None:
    for conn in (worker.conn, worker.lifeline):
        with contextlib.suppress(OSError):
            conn.close()


def _stop_workers(workers: list[_Worker]) -> None:
    """Tell idle workers to exit; kill the rest; wait for all (a second at most each)."""
    for worker in workers:
        if not worker.sent and not worker.dying and worker.process.is_alive():
            with contextlib.suppress(OSError, EOFError):
                worker.conn.send(None)
        else:
            _kill_group(worker)
    deadline = time.monotonic() + 5
    for worker in workers:
        worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
        if worker.process.is_alive():
            _kill_group(worker)
            worker.process.join(timeout=1)
        _close(worker)


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (Linux ``/proc``; empty elsewhere)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return found


def _descendants(pid: int) -> Iterator[int]:
    """``pid`` and every process below it, from ``/proc/PID/task/*/children`` (Linux)."""
    stack = [pid]
    seen: set[int] = set()
    while stack:
        current_pid = stack.pop()
        if current_pid in seen:
            continue
        seen.add(current_pid)
        yield current_pid
        stack.extend(children(current_pid))


def group_memory(pid: int) -> int:
    """Resident memory in bytes of ``pid`` and the processes it started (0 where /proc is missing)."""
    total = 0
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            continue
    return total


def set_parent_death_signal(sig: int) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux ``prctl``; a no-op
    elsewhere). Call it in the child (a ``preexec_fn``, or first thing in a worker)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
