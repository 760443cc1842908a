"""Prefect flows and deployments: the only module that imports Prefect.

Flows call the library (:mod:`pipeline.batch`, :mod:`pipeline.inbox`); they add what an
operator needs on top: runs, retries and failures visible in the Prefect UI, and schedules.

* :func:`process_file` — one document → record → sinks.
* :func:`batch` — a folder, one task run per document, run concurrently. Extraction is
  CPU-bound Python, so the tasks (threads) hand the work to the worker runtime
  (:class:`pipeline.workers.WorkerPool`, with its time and memory limits) and wait on it: both
  cores work, and Prefect's bookkeeping stays in this process. Byte-identical files are read
  once, as in the library batch.
* :func:`watch` — the inbox watcher as a long-running flow.
* :func:`process_chunk` — one chunk of a batch spread over a work pool (the ``process-chunk``
  deployment): a worker reads its documents (:func:`pipeline.chunks.run_chunk`).
* :func:`pool_batch` — ``directives batch DIR --pool NAME``: cuts the folder into chunks, starts a
  ``process-chunk`` run per chunk, runs again a chunk whose worker died or that failed, and writes
  the local batch's report.
* :func:`deploy` and :func:`ensure_pool` — ``directives deploy``: the pool and the deployments of
  ``prefect.yaml`` on the server at ``PREFECT_API_URL``.
* :func:`serve_deployments` — ``directives serve``: the watcher (restarted every 10 minutes, so
  a crash costs at most one interval) and the cron batch (in the office's time zone, setting
  ``timezone``), served with :func:`prefect.serve`.

Retries: delivery to sinks is retried (a database or webhook can be briefly down); a bad
document is not (reading it again gives the same answer).

Without ``PREFECT_API_URL`` the flows run against Prefect's ephemeral local server.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Without PREFECT_API_URL a run starts Prefect's temporary server, which migrates its database first: on a
# busy two-core machine that takes longer than the 20 s Prefect waits by default, and the run fails before
# it began. Set before Prefect is imported (it reads its settings then); an operator's own value wins.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE as NO_CACHE
from prefect.client.schemas.objects import State
from prefect.futures import wait as wait_futures
from prefect.logging import get_logger
from prefect.schedules import Cron, Interval
from prefect.task_runners import ThreadPoolTaskRunner

from models import Record
from pipeline import chunks as chunking
from pipeline.batch import (
    BatchItem,
    BatchReport,
    clerk_note,
    find_documents,
    first_of_each_content,
    load_sinks,
    output_names,
    record_json,
)
from pipeline.settings import Settings, get_settings
from pipeline.sinks.base import Sink, atomic_write_text
from pipeline.sinks.delivery import DeliveryError, deliver, flush_all, pending
from pipeline.workers import Failure, WorkerPool, unexpected_failure

# Threads that run batch tasks: more than the CPU count, so while some wait on the process
# pool others talk to the Prefect API; the process pool alone bounds CPU use.
TASK_THREADS = 16
WATCH_RESTART = timedelta(minutes=10)


class DocumentRejected(Exception):
    """A document that cannot give a record (the clerk text is the message). Never retried.

    The library's own errors are not raised across tasks: they do not survive pickling.
    """

    def __init__(self, text: str, kind: str = "DirectivesError", reason: str = "") -> None:
        super().__init__(text)
        self.kind = kind
        self.reason = reason or text

    def __reduce__(self) -> tuple[Any, ...]:
        return (DocumentRejected, (str(self), self.kind, self.reason))

    @classmethod
    def of(cls, failure: Failure) -> DocumentRejected:
        return cls(failure.clerk_text, failure.kind, failure.reason)


class NotDone(Exception):
    """A document of a batch that was stopped (SIGTERM, Ctrl-C) before it was read. Never retried."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: the batch was stopped before this file was read")
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (NotDone, (self.path,))


def _retry_only_delivery(task: Any, task_run: Any, state: State[Any]) -> bool:
    """Retry a task only when a sink failed, never because the document is bad."""
    try:
        state.result()
    except DeliveryError:
        return True
    except BaseException:
        return False
    return False


# --- shared state for the tasks of one process --------------------------------------------

_pool_lock = threading.Lock()
_pools: dict[int, WorkerPool] = {}
_sinks_lock = threading.Lock()
_sinks: list[Sink] | None = None


# one retry policy for every task that delivers: a database or webhook briefly down is retried
# with growing waits; a document that cannot be read is not (see _retry_only_delivery)
DELIVERY_RETRIES: dict[str, Any] = {
    "cache_policy": NO_CACHE,
    "retries": 3,
    "retry_delay_seconds": [2, 10, 30],
    "retry_condition_fn": _retry_only_delivery,
}


# Set when a signal asks the running flow to stop; tasks that have not started then do nothing.
_stopping = threading.Event()


@contextlib.contextmanager
def _stop_on_signals(on_stop: Callable[[str], None]) -> Iterator[None]:
    """While a flow runs in the main thread, SIGTERM and Ctrl-C call ``on_stop`` instead of
    killing it (Prefect's own handler would end the run mid-document); restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        on_stop(signal.Signals(signum).name)

    before = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, previous in before.items():
            signal.signal(sig, previous)


def _pool(workers: int) -> WorkerPool:
    """One worker pool per worker count per process, started on first use (~1 s) and reused."""
    with _pool_lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = _pools[workers] = WorkerPool(workers)
        return pool


def _open_sinks(settings: Settings) -> list[Sink]:
    """The configured sinks, opened once per process (sinks are thread-safe)."""
    global _sinks
    with _sinks_lock:
        if _sinks is None:
            _sinks = load_sinks(settings)
        return _sinks


def _report_before_reading(found: Any, duplicates: dict[Path, tuple[Path, str]]) -> BatchReport:
    """A batch's report holding what is known before any document is read: the files skipped, the
    entries refused (links, folders named like documents) and the copies of a file in the batch."""
    from pipeline.errors import NotARegularFile

    report = BatchReport(skipped=found.skipped)
    for path, reason in found.refused:
        report.add(BatchItem(path, None, clerk_note(str(path), NotARegularFile, reason), 0.0))
    for path, (first, sha) in duplicates.items():  # the same bytes as a file read in this batch
        report.add(BatchItem(path, None, None, 0.0, duplicate_of=first, sha256=sha))
    return report


# --- tasks --------------------------------------------------------------------------------


@task(name="extract", cache_policy=NO_CACHE)
def extract_document(path: str, workers: int = 1) -> Record:
    """Read one document in a worker process (under the time and memory limits); a bad one fails the task."""
    extracted = _pool(workers).extract(Path(path))
    if extracted.record is None:
        assert extracted.failure is not None
        get_run_logger().warning("%s: %s", path, extracted.failure.reason)
        raise DocumentRejected.of(extracted.failure)
    record: Record = extracted.record
    return record


@task(name="deliver", **DELIVERY_RETRIES)
def deliver_record(record: Record, out_path: str | None = None, use_sinks: bool = True) -> str | None:
    """Write the record to ``out_path`` and to the sinks; a sink failure fails the task (and retries)."""
    if out_path is not None:
        target = Path(out_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, record_json(record))
    if use_sinks:
        # deliver() already retried each sink briefly; a task retry waits longer between rounds.
        errors = deliver(record, _open_sinks(get_settings()), attempts=1)
        if errors:
            raise errors[0]
    return out_path


@task(name="document", task_run_name="{path}", **DELIVERY_RETRIES)
def process_document(path: str, out_path: str | None, workers: int, use_sinks: bool) -> str | None:
    """One document of a batch: read it in the pool, write its record, deliver it to the sinks."""
    if _stopping.is_set():
        raise NotDone(path)
    try:
        extracted = _pool(workers).extract(Path(path))
    except (CancelledError, RuntimeError) as exc:  # the pool was stopped under it
        raise NotDone(path) from exc
    if extracted.record is None:
        assert extracted.failure is not None
        if not extracted.failure.expected:
            get_run_logger().error("%s: unexpected error\n%s", path, extracted.failure.detail)
        raise DocumentRejected.of(extracted.failure)
    return deliver_record.fn(extracted.record, out_path, use_sinks)


# --- flows --------------------------------------------------------------------------------


@flow(name="process-file", log_prints=True)
def process_file(path: str, out_dir: str | None = None, sinks: bool = True) -> dict[str, Any]:
    """One document → its record → ``out_dir/NAME.json`` (when given) and the configured sinks."""
    record = extract_document(path)
    out_path = str(Path(out_dir) / f"{Path(path).stem}.json") if out_dir else None
    deliver_record(record, out_path, sinks)
    return {
        "path": path,
        "sha256": record.source.sha256,
        "code": record.code,
        "tasks": len(record.tasks),
        "record": out_path,
    }


@flow(name="batch", task_runner=ThreadPoolTaskRunner(max_workers=TASK_THREADS))  # type: ignore[arg-type]
def batch(
    folder: str | None = None,
    out_dir: str | None = None,
    workers: int | None = None,
    recursive: bool = False,
    all_files: bool = False,
    sinks: bool = True,
) -> dict[str, Any]:
    """Every document of ``folder``: one task run each, read in parallel by a process pool.

    Records go to ``out_dir`` (``NAME.json``; default ``data_dir/batches/TIME``) and to the
    sinks; failures are listed in ``out_dir/failed.csv`` and ``errors.txt``. A bad document fails its own task run and
    nothing else; the flow fails only when records could not be delivered to the sinks.
    """
    logger = get_run_logger()
    settings = get_settings()
    n_workers = workers or settings.batch_workers
    folder = folder or str(settings.batch_dir)  # a scheduled run reads its machine's batch_dir
    root = Path(folder)
    out = Path(out_dir) if out_dir else settings.data_dir / "batches" / time.strftime("%Y%m%d-%H%M%S")
    found = find_documents(root, recursive=recursive, all_files=all_files)
    documents, duplicates = first_of_each_content(found.documents)
    names = output_names(documents, root)
    logger.info("%d documents in %s (%d skipped), %d workers", len(documents), folder, len(found.skipped), n_workers)
    if sinks:
        _open_sinks(settings)  # open before the tasks start: a wrong setting fails once, here
    report = _report_before_reading(found, duplicates)
    start = time.perf_counter()
    grace = settings.stop_grace_seconds

    def stop(name: str) -> None:
        # first signal: no new document starts; those being read get the grace time, then stop
        if report.interrupted is None:
            report.interrupted = name
            logger.warning("%s: stopping the batch (documents being read get %.0f s)", name, grace)
            _stopping.set()
            timer = threading.Timer(grace, lambda: _pool(n_workers).close(cancel=True))
            timer.daemon = True
            timer.start()
        else:
            _pool(n_workers).close(cancel=True)

    _stopping.clear()
    with _stop_on_signals(stop):
        futures = [process_document.submit(str(path), str(out / names[path]), n_workers, sinks) for path in documents]
        wait_futures(futures)
    if _stopping.is_set():
        with _pool_lock:  # a stopped pool is not reused by the next run in this process
            _pools.pop(n_workers, None)
        _stopping.clear()
    delivery_failed = 0
    for path, future in zip(documents, futures, strict=True):
        state = future.state
        item = BatchItem(path, None, None, 0.0)
        if state.is_completed():
            # records are in out_dir; the flow holds none in memory
            item.record_path = out / names[path]
            report.total += 1
            report.ok += 1
            continue
        try:
            future.result()
        except NotDone:
            item.not_done = True
        except DocumentRejected as exc:
            item.failure = Failure(exc.kind, exc.reason, str(exc), expected=True)
        except DeliveryError as exc:
            delivery_failed += 1
            item.record_path = out / names[path]
            item.delivery_errors = [exc]
        except Exception as exc:
            item.failure = unexpected_failure(str(path), exc)
        report.add(item)
    if sinks:
        opened = _open_sinks(settings)
        flush_all(opened, force=True)
        report.delivery_pending = pending(opened)
    report.seconds = time.perf_counter() - start
    report.write(out)
    summary = {"folder": folder, "out_dir": str(out), **report.summary()}
    logger.info("batch done: %s", summary)
    if delivery_failed:
        raise RuntimeError(
            f"{delivery_failed} records were written to {out} but not delivered to the sinks; see {out / 'failed.csv'}"
        )
    return summary


@flow(name="watch-inbox")
def watch(
    inbox: str | None = None,
    processed_dir: str | None = None,
    failed_dir: str | None = None,
    poll: bool | None = None,
    once: bool = False,
    workers: int | None = None,
    run_for: float | None = None,
) -> dict[str, int]:
    """Run the inbox watcher (:class:`pipeline.inbox.Inbox`) until stopped, or for ``run_for`` seconds.

    A scheduled deployment uses ``run_for`` so the watcher restarts on a fresh run regularly:
    a crashed watcher is back within one interval, and each run's counts show in the UI. Two
    overlapping runs are safe: watchers never claim the same file.
    """
    from pipeline.inbox import Inbox, InboxResult

    logger = get_run_logger()
    overrides = {"inbox": inbox, "processed_dir": processed_dir, "failed_dir": failed_dir, "poll": poll}
    settings = get_settings(**{k: v for k, v in overrides.items() if v is not None})

    def report(result: InboxResult) -> None:
        level = logger.info if result.outcome != "failed" else logger.warning
        level("%s %s → %s%s", result.outcome, result.name, result.dest, f" ({result.reason})" if result.reason else "")

    inbox_ = Inbox(settings, workers=workers, on_result=report)
    stop = threading.Event()
    timer = threading.Timer(run_for, stop.set) if run_for else None
    if timer is not None:
        timer.daemon = True
        timer.start()

    signals: list[str] = []

    def on_signal(name: str) -> None:
        # `serve` stopping: the files being read finish (stop_grace_seconds), the rest goes back;
        # a second signal puts them back at once
        logger.warning("%s: stopping the watcher", name)
        signals.append(name)
        inbox_.stop(name, abort=len(signals) > 1)

    try:
        with _stop_on_signals(on_signal):
            stats = inbox_.run(stop, once=once)
    finally:
        stop.set()
        if timer is not None:
            timer.cancel()
        inbox_.close()
    return {
        "processed": stats.processed,
        "failed": stats.failed,
        "duplicate": stats.duplicate,
        "put_back": stats.put_back,
    }


@flow(name="process-chunk", log_prints=True)
def process_chunk(
    chunk: str,
    paths: list[str],
    names: list[str],
    out_dir: str,
    sinks: bool = True,
    workers: int | None = None,
) -> dict[str, Any]:
    """One chunk of a batch spread over a work pool, on whichever worker took it.

    Records go to ``out_dir`` under ``names``, one outcome line per document to
    ``out_dir/.chunks/CHUNK.jsonl``; documents an earlier run of this chunk did are not read again.
    A worker that cannot see the files fails the run at once, saying which (never retried here:
    :func:`pool_batch` decides whether another run, perhaps on another worker, is worth it).
    """
    from dataclasses import asdict

    settings = get_settings()
    stop = threading.Event()
    logger = get_run_logger()

    def on_signal(name: str) -> None:
        # the worker cancelling the run, or shutting down: the documents being read finish
        logger.warning("%s: stopping %s (the documents being read finish)", name, chunk)
        stop.set()

    with _stop_on_signals(on_signal):
        result = chunking.run_chunk(chunk, paths, names, out_dir, settings, use_sinks=sinks, workers=workers, stop=stop)
    logger.info(
        "%s on %s: %d read, %d failed, %d already done",
        chunk,
        result.worker,
        result.read,
        result.failed,
        result.skipped_done,
    )
    summary = asdict(result)
    atomic_write_text(
        chunking.resolve_on_worker(out_dir, settings.shared_dir) / chunking.CHUNKS_DIR / f"{chunk}.done.json",
        json.dumps(summary, ensure_ascii=False) + "\n",
    )
    return summary


class PoolNotReady(RuntimeError):
    """``batch --pool`` cannot start: no server, or no ``process-chunk`` deployment for the pool."""


@dataclass
class _ChunkRun:
    """What the machine that started a pool batch knows of one chunk."""

    chunk: chunking.Chunk
    attempts: int = 0
    run_id: Any = None
    state: str = "new"
    beat: str | None = None
    beat_seen: float = 0.0
    waiting_noted: bool = False
    runs: list[str] = field(default_factory=list)
    final: bool = False
    lost: str | None = None


def pool_batch(
    folder: Path,
    *,
    out_dir: Path,
    pool: str | None = None,
    chunk_size: int | None = None,
    recursive: bool = False,
    all_files: bool = False,
    sinks: bool = True,
    workers: int | None = None,
    settings: Settings | None = None,
    stop: threading.Event | None = None,
    on_event: Callable[[str], None] | None = None,
    poll: float = 1.0,
) -> BatchReport:
    """Read ``folder`` on the workers of a work pool; write and return the local batch's report.

    The documents are found, de-duplicated and named as a local batch does, cut into chunks, and
    each chunk becomes a run of ``process-chunk/POOL``. A chunk whose run failed or crashed, or
    whose worker stopped beating for ``chunk_stale_seconds``, is run again (``chunk_attempts`` in
    all); its documents already done are not read again. ``stop`` (set from a signal handler)
    cancels the runs not finished and reports their documents ``not_done``.
    """
    from uuid import uuid4

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.exceptions import ObjectNotFound
    from prefect.states import Cancelling, Crashed

    settings = settings or get_settings()
    pool = pool or settings.pool
    size = chunk_size or settings.chunk_size
    stop = stop or threading.Event()
    say = on_event or (lambda text: None)
    start = time.perf_counter()
    found = find_documents(folder, recursive=recursive, all_files=all_files)
    documents, duplicates = first_of_each_content(found.documents)
    names = output_names(documents, folder)
    report = _report_before_reading(found, duplicates)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / chunking.CHUNKS_DIR).mkdir(exist_ok=True)
    plan = chunking.plan(documents, names, size, settings.shared_dir)
    originals = {names[p].as_posix(): p for p in documents}
    out_for_workers = chunking.path_for_workers(out_dir, settings.shared_dir)
    batch_key = uuid4().hex[:12]
    runs = [_ChunkRun(chunk) for chunk in plan]

    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(f"process-chunk/{pool}")
        except ObjectNotFound:
            raise PoolNotReady(
                f"no deployment process-chunk/{pool} on the Prefect server at {_api_url()}: "
                f"run `directives deploy --pool {pool}` first, then start workers "
                f"(`directives worker --pool {pool}`)"
            ) from None

        def submit(run: _ChunkRun) -> None:
            run.attempts += 1
            flow_run = client.create_flow_run_from_deployment(
                deployment.id,
                parameters={
                    "chunk": run.chunk.id,
                    "paths": list(run.chunk.paths),
                    "names": list(run.chunk.names),
                    "out_dir": out_for_workers,
                    "sinks": sinks,
                    "workers": workers,
                },
                name=f"{folder.name or folder}-{run.chunk.id}-{run.attempts}",
                tags=["directives", "batch", f"batch-{batch_key}"],
                idempotency_key=f"{batch_key}-{run.chunk.id}-{run.attempts}",
            )
            run.run_id, run.state, run.beat_seen = flow_run.id, "SCHEDULED", time.monotonic()
            run.runs.append(str(flow_run.id))

        def again(run: _ChunkRun, why: str) -> None:
            if run.attempts < settings.chunk_attempts:
                say(
                    f"{run.chunk.id}: {why}; running it again (attempt {run.attempts + 1} of {settings.chunk_attempts})"
                )
                submit(run)
            else:
                say(f"{run.chunk.id}: {why}; no attempts left")
                run.final, run.lost = True, f"{why} ({run.attempts} attempts)"

        for run in runs:
            submit(run)
        say(f"{len(documents)} documents in {len(runs)} chunks of up to {size} on pool {pool}")
        while not all(run.final for run in runs) and not stop.is_set():
            active = {run.run_id: run for run in runs if not run.final}
            flow_runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(active))))
            now = time.monotonic()
            for flow_run in flow_runs:
                run = active[flow_run.id]
                state = flow_run.state
                kind = state.type.value if state is not None else "SCHEDULED"
                beat = _read_beat(out_dir, run.chunk.id)
                if beat != run.beat or kind != run.state:  # a beat, or a new state: signs of life
                    run.beat, run.beat_seen = beat, now
                if kind != run.state and kind == "RUNNING":
                    say(f"{run.chunk.id}: running on {(beat or '?').split(' ')[0]}")
                run.state = kind
                if kind == "COMPLETED":
                    unread = len(run.chunk.names) - len(chunking.read_outcomes(out_dir, run.chunk.id))
                    if unread > 0:  # its run was stopped part-way (a worker shutting down)
                        again(run, f"its run ended with {unread} documents unread")
                        continue
                    run.final = True
                    say(f"{run.chunk.id}: done ({len(run.chunk.names)} documents)")
                elif kind in ("FAILED", "CRASHED", "CANCELLED"):
                    message = (state.message or kind.lower()) if state is not None else kind.lower()
                    again(run, f"its run ended {kind.lower()}: {message}")
                elif kind in ("RUNNING", "PENDING", "CANCELLING"):
                    if now - run.beat_seen > settings.chunk_stale_seconds:
                        why = f"its worker has not been seen for {settings.chunk_stale_seconds:.0f} s"
                        client.set_flow_run_state(run.run_id, Crashed(message=f"directives: {why}"), force=True)
                        again(run, why)
                elif not run.waiting_noted and now - run.beat_seen > 30:
                    for other in runs:  # said once for the batch, not once per chunk
                        other.waiting_noted = True
                    online = workers_of_pool(pool)
                    say(
                        f"{run.chunk.id}: waiting for a free worker ({len(online)} online on pool {pool})"
                        if online
                        else f"no worker of pool {pool} is online: start one with `directives worker --pool {pool}`"
                    )
            if not all(run.final for run in runs):
                stop.wait(poll)
        if stop.is_set():
            for run in runs:
                if not run.final:
                    with contextlib.suppress(Exception):
                        client.set_flow_run_state(run.run_id, Cancelling(message="the batch was stopped"), force=True)
            report.interrupted = report.interrupted or "stopped"

    lost = {run.chunk.id: run.lost for run in runs if run.lost}
    chunking.assemble(report, plan, originals, out_dir, lost)
    report.delivery_pending = _pending_of(out_dir, runs)
    report.seconds = time.perf_counter() - start
    report.write(out_dir)
    atomic_write_text(
        out_dir / chunking.CHUNKS_DIR / "chunks.json",
        json.dumps(
            [
                {
                    "chunk": run.chunk.id,
                    "documents": len(run.chunk.names),
                    "attempts": run.attempts,
                    "flow_runs": run.runs,
                    "state": run.state,
                    "lost": run.lost,
                    "workers": sorted(_workers_of(out_dir, run.chunk.id)),
                }
                for run in runs
            ],
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
    )
    return report


def _read_beat(out_dir: Path, chunk_id: str) -> str | None:
    try:
        return chunking.heartbeat_path(out_dir, chunk_id).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _workers_of(out_dir: Path, chunk_id: str) -> set[str]:
    return {str(o.get("worker")) for o in chunking.read_outcomes(out_dir, chunk_id).values()}


def _pending_of(out_dir: Path, runs: Sequence[_ChunkRun]) -> dict[str, int]:
    """Records the chunks' sinks still hold in their outboxes, as each chunk's last run reported."""
    total: dict[str, int] = {}
    for run in runs:
        try:
            done = json.loads((out_dir / chunking.CHUNKS_DIR / f"{run.chunk.id}.done.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for name, n in (done.get("delivery_pending") or {}).items():
            total[name] = max(total.get(name, 0), int(n))
    return {name: n for name, n in total.items() if n}


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value() or "(PREFECT_API_URL is not set)")


# --- the work pool and its deployments (directives deploy) ---------------------------------


def ensure_pool(name: str) -> bool:
    """Create the process work pool ``name`` on the server when it is missing; True when created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
            return False
        except ObjectNotFound:
            pass
        client.create_work_pool(
            WorkPoolCreate(
                name=name,
                type="process",
                base_job_template=ProcessWorker.get_default_base_job_template(),
                description="vn-directives: the inbox watcher, the scheduled batch and batch chunks",
            )
        )
        return True


def workers_of_pool(name: str) -> list[str]:
    """The names of the workers the server has seen on pool ``name`` that are online."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return sorted(
            w.name for w in client.read_workers_for_work_pool(name) if str(w.status).upper().endswith("ONLINE")
        )


# --- deployments --------------------------------------------------------------------------


def deployments(settings: Settings) -> Sequence[Any]:
    """The watcher (a run every 10 minutes that watches for 10 minutes) and the cron batch."""
    # the first run is started by serve_deployments as soon as the deployment exists; the schedule
    # takes over one interval later (an anchor a few seconds ahead was missed whenever Prefect's
    # scheduler came round after it, leaving the inbox unwatched for ten minutes)
    watcher = watch.to_deployment(
        name="inbox",
        schedule=Interval(WATCH_RESTART, anchor_date=datetime.now(UTC) + WATCH_RESTART),
        parameters={"run_for": WATCH_RESTART.total_seconds()},
        description=f"Watch {settings.inbox}: records to {settings.processed_dir}, failures to {settings.failed_dir}.",
        tags=["directives", "inbox"],
    )
    nightly = batch.to_deployment(
        name="scheduled",
        # in the office's time zone: "0 22 * * *" is 22:00 in Hà Nội, not 22:00 UTC (05:00 there)
        schedule=Cron(settings.batch_cron, timezone=settings.timezone),
        parameters={"folder": str(settings.batch_dir)},
        description=f"Read every document in {settings.batch_dir} ({settings.batch_cron}, {settings.timezone}).",
        tags=["directives", "batch"],
    )
    return [watcher, nightly]


def serve_deployments(settings: Settings | None = None) -> None:
    """Register and serve the deployments until stopped (``directives serve``); the watcher runs at once."""
    from prefect import serve

    starter = threading.Thread(target=_watch_now, name="watch-now", daemon=True)
    starter.start()
    serve(*deployments(settings or get_settings()))


def _watch_now(timeout: float = 300.0) -> None:
    """Start a run of the watcher as soon as `serve` has registered its deployment."""
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            run_deployment(name="watch-inbox/inbox", timeout=0)
            return
        except ObjectNotFound:
            time.sleep(1)
        except Exception as exc:  # the API not up yet, a restart: try again shortly
            time.sleep(2)
            last = exc
    get_logger("directives").error("could not start the inbox watcher at once: %s", last)


if __name__ == "__main__":
    serve_deployments()
