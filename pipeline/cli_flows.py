"""``directives watch``, ``directives batch`` and ``directives serve``.

    directives watch [INBOX] [--processed DIR] [--failed DIR] [--poll] [--once] [--prefect]
    directives batch DIR [--out DIR] [--workers N] [--recursive] [--prefect]
    directives serve

``watch`` is the clerk's command: it runs the library watcher (:mod:`pipeline.inbox`) until
Ctrl-C; ``--prefect`` runs the same watcher as a Prefect flow so it shows in the Prefect UI.
``batch`` reads a folder with a process pool and a progress bar; ``--prefect`` runs it as a
Prefect flow with one task per document. ``serve`` registers the watcher and the nightly
batch as Prefect deployments and serves them (see ``flows.py``).

Prefect is imported only inside the handlers that need it, so ``directives extract`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``watch``, ``batch`` and ``serve`` to the ``directives`` command."""
    p = subparsers.add_parser(
        "watch",
        help="watch a folder: each document dropped in gets its record beside it in processed/",
        description="Watch INBOX (default: the inbox setting). Each file dropped there is read once "
        "it stops growing; it moves to processed/YYYY-MM-DD/ beside its record NAME.json, or to "
        "failed/ with NAME.error.txt saying what went wrong. Stop with Ctrl-C.",
    )
    p.add_argument("inbox", nargs="?", type=Path, help="the folder clerks drop documents into")
    p.add_argument("--processed", type=Path, help="where read documents go (default INBOX/processed)")
    p.add_argument("--failed", type=Path, help="where unreadable documents go (default INBOX/failed)")
    p.add_argument("--poll", action="store_true", help="scan instead of OS notifications (network shares)")
    p.add_argument("--once", action="store_true", help="process what is in the inbox now, then exit")
    p.add_argument("--workers", type=int, help="documents read at once (default: batch_workers setting)")
    p.add_argument("--stable-seconds", type=float, help="how long a file must stop growing before it is read")
    p.add_argument("--prefect", action="store_true", help="run as a Prefect flow (visible in the Prefect UI)")
    p.set_defaults(func=cmd_watch)

    p = subparsers.add_parser(
        "batch",
        help="read every document of a folder in parallel",
        description="Read every document in DIR with a pool of processes. Records go to --out (NAME.json "
        "per document) and to the configured sinks; failures are listed in OUT/failed.csv and "
        "OUT/errors.txt. Exit status 1 when any document failed.",
    )
    p.add_argument("folder", type=Path, metavar="DIR")
    p.add_argument("--out", type=Path, help="where records and the report go (default data_dir/batches/TIME)")
    p.add_argument("--workers", type=int, help="processes (default: batch_workers setting, the CPU count)")
    p.add_argument("--recursive", "-r", action="store_true", help="include sub-folders")
    p.add_argument("--all", dest="all_files", action="store_true", help="try every file, not only document suffixes")
    p.add_argument("--no-sinks", action="store_true", help="write only to --out, not to the configured sinks")
    p.add_argument("--prefect", action="store_true", help="run as a Prefect flow, one task per document")
    p.set_defaults(func=cmd_batch)

    p = subparsers.add_parser(
        "serve",
        help="serve the watcher and the scheduled batch as Prefect deployments",
        description="Register the inbox watcher and the batch (cron: batch_cron setting, folder: batch_dir) "
        "as Prefect deployments and run them until stopped. With PREFECT_API_URL set, they go to that "
        "server; without it, a local Prefect server (UI included) is started for them on --port, "
        "because schedules need Prefect's scheduler, which the temporary in-process server lacks.",
    )
    p.add_argument("--port", type=int, default=4200, help="port of the local Prefect server (default 4200)")
    p.set_defaults(func=cmd_serve)


def _settings(**overrides: Any) -> Settings | None:
    from pipeline.settings import SettingsError, get_settings

    try:
        return get_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        print(f"directives: {exc}", file=sys.stderr)
        return None


def prefect_environment(settings: Settings) -> None:
    """Point Prefect at ``settings.prefect_home`` unless the operator already chose a home.

    Must run before Prefect is imported: it reads its settings at import time.
    """
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home.resolve()))
    settings.prefect_home.mkdir(parents=True, exist_ok=True)


def _stop_on_signals(stop: threading.Event) -> None:
    """First Ctrl-C (or SIGTERM from a service manager): finish the documents being read, then exit."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        print("stopping after the documents being read (Ctrl-C again to abort)", file=sys.stderr)
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def cmd_watch(args: argparse.Namespace) -> int:
    settings = _settings(
        inbox=args.inbox,
        processed_dir=args.processed,
        failed_dir=args.failed,
        poll=True if args.poll else None,
        stable_seconds=args.stable_seconds,
    )
    if settings is None:
        return 2
    if args.prefect:
        prefect_environment(settings)
        import flows

        counts = flows.watch(
            inbox=str(settings.inbox),
            processed_dir=str(settings.processed_dir),
            failed_dir=str(settings.failed_dir),
            poll=settings.poll,
            once=args.once,
            workers=args.workers,
        )
        print(counts)
        return 0

    from rich.console import Console

    from pipeline.inbox import Inbox, InboxResult

    console = Console(stderr=True, highlight=False)
    styles = {"processed": "green", "failed": "red", "duplicate": "yellow"}

    def show(result: InboxResult) -> None:
        when = datetime.now().strftime("%H:%M:%S")
        tail = f" ({result.reason})" if result.reason else ""
        console.print(f"{when} [{styles[result.outcome]}]{result.outcome:<9}[/] {result.name} → {result.dest}{tail}")

    inbox = Inbox(settings, workers=args.workers, on_result=show)
    stop = threading.Event()
    _stop_on_signals(stop)
    console.print(
        f"watching {inbox.inbox} → {inbox.processed_dir} | {inbox.failed_dir} (log: {inbox.log_path})"
        + ("" if args.once else "; Ctrl-C to stop")
    )
    try:
        stats = inbox.run(stop, once=args.once)
    finally:
        inbox.close()
    console.print(f"{stats.processed} processed, {stats.failed} failed, {stats.duplicate} duplicates")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return 2
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"directives: {folder}: not a folder", file=sys.stderr)
        return 2
    workers = args.workers or settings.batch_workers
    out_dir: Path = args.out or settings.data_dir / "batches" / datetime.now().strftime("%Y%m%d-%H%M%S")

    if args.prefect:
        prefect_environment(settings)
        import flows

        summary = flows.batch(
            folder=str(folder),
            out_dir=str(out_dir),
            workers=workers,
            recursive=args.recursive,
            all_files=args.all_files,
            sinks=not args.no_sinks,
        )
        print(summary)
        return 1 if summary["failed"] else 0

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from pipeline.batch import Sink, load_sinks, run_batch

    console = Console(stderr=True, highlight=False)
    sinks: list[Sink] = [] if args.no_sinks else load_sinks(settings)
    try:
        batch = run_batch(
            folder,
            out_dir=out_dir,
            workers=workers,
            sinks=sinks,
            recursive=args.recursive,
            all_files=args.all_files,
        )
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task(f"reading {folder}", total=len(batch))
            for item in batch:
                if not item.ok:
                    reason = item.failure.reason if item.failure else "; ".join(map(str, item.delivery_errors))
                    progress.console.print(f"[red]failed[/] {item.path}: {reason}")
                progress.advance(task)
    finally:
        for sink in sinks:
            sink.close()
    report = batch.report
    console.print(
        f"{report.ok} ok, {len(report.failed)} failed, {len(report.skipped)} skipped "
        f"in {report.seconds:.1f}s ({report.docs_per_second:.1f} documents/s, {workers} workers) → {out_dir}"
    )
    if report.failed:
        console.print(f"failures listed in {out_dir / 'failed.csv'} and {out_dir / 'errors.txt'}")
    return 1 if report.failed else 0


def start_prefect_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    """Start ``prefect server start`` on 127.0.0.1:``port`` (its home and log in the data directory)
    and wait until it answers; raise RuntimeError with the log's tail if it does not."""
    log_path = settings.data_dir / "logs" / "prefect-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    prefect_cli = Path(sys.executable).with_name("prefect")
    command = [str(prefect_cli), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    log = log_path.open("ab")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    health = f"http://127.0.0.1:{port}/api/health"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            import urllib.request  # only here: `directives extract` never pays for it

            with urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
    raise RuntimeError(f"the Prefect server did not start on port {port}; its log ({log_path}) ends:\n{tail}")


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return 2
    prefect_environment(settings)
    server: subprocess.Popen[bytes] | None = None
    if not os.environ.get("PREFECT_API_URL"):
        # the temporary in-process server has no scheduler: the watcher and the nightly batch would
        # never run; a real local server schedules them and shows every run in its UI
        try:
            server = start_prefect_server(settings, args.port)
        except RuntimeError as exc:
            print(f"directives: {exc}", file=sys.stderr)
            return 1
        os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{args.port}/api"
        print(f"directives: Prefect server and UI at http://127.0.0.1:{args.port}", file=sys.stderr)
    import flows

    try:
        flows.serve_deployments(settings)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 0
