"""``directives watch``, ``directives batch`` and ``directives serve``.

    directives watch [INBOX] [--processed DIR] [--failed DIR] [--poll] [--once] [--prefect]
    directives batch DIR [--out DIR] [--workers N] [--recursive] [--prefect]
    directives serve
    directives deploy [--pool NAME]
    directives worker [--pool NAME] [--name NAME] [--limit N] [prefect worker start options]
    directives batch DIR --pool NAME [--chunk N]

``watch`` is the clerk's command: it runs the library watcher (:mod:`pipeline.inbox`) until
Ctrl-C; ``--prefect`` runs the same watcher as a Prefect flow so it shows in the Prefect UI.
``batch`` reads a folder with a process pool and a progress bar; ``--prefect`` runs it as a
Prefect flow with one task per document. ``serve`` registers the watcher and the nightly
batch as Prefect deployments and serves them (see ``flows.py``). ``deploy`` registers the
deployments of ``prefect.yaml`` on a work pool, ``worker`` starts a worker on it, and ``batch
--pool`` spreads a folder over the pool's workers in chunks (:mod:`pipeline.chunks`).

Prefect is imported only inside the handlers that need it, so ``directives extract`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
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
    p.add_argument(
        "--pool",
        metavar="NAME",
        help="spread the batch over the workers of this Prefect work pool (PREFECT_API_URL; see directives deploy)",
    )
    p.add_argument("--chunk", type=int, metavar="N", help="documents per flow run with --pool (default: chunk_size)")
    p.set_defaults(func=cmd_batch)

    p = subparsers.add_parser(
        "deploy",
        help="register the watcher, the scheduled batch and process-chunk on a Prefect work pool",
        description="Create the process work pool (--pool, default: the pool setting) on the Prefect server at "
        "PREFECT_API_URL when it is missing, and register the deployments of prefect.yaml on it: "
        "process-chunk/POOL (the chunks of `directives batch --pool`), watch-inbox/inbox and batch/scheduled.",
    )
    p.add_argument("--pool", metavar="NAME", help="the work pool (default: the pool setting, 'directives')")
    p.add_argument("--file", type=Path, help="the prefect.yaml to deploy (default: ./prefect.yaml, else the project's)")
    p.set_defaults(func=cmd_deploy)

    p = subparsers.add_parser(
        "worker",
        help="start a Prefect worker on the work pool (prefect worker start)",
        description="Start a process worker on the pool (default: the pool setting) of the server at PREFECT_API_URL; "
        "it takes chunks, watcher and batch runs from the pool and runs them on this machine, in this working "
        "directory (its directives.toml and paths). Options not listed here go to `prefect worker start` as they are.",
    )
    p.add_argument("--pool", metavar="NAME", help="the work pool (default: the pool setting, 'directives')")
    p.add_argument("--name", help="the worker's name, shown in the report of each chunk (default: Prefect's)")
    p.add_argument("--limit", type=int, default=2, help="flow runs at once on this worker (default 2)")
    p.set_defaults(func=cmd_worker, passthrough=True)

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


class Interrupts:
    """SIGTERM and Ctrl-C: the first asks ``stop`` to finish cleanly, a second to stop at once.

    ``exit_code`` is 128 + the signal's number once one arrived (130 for Ctrl-C, 143 for
    SIGTERM), so a service manager or a script sees the run was interrupted.
    """

    def __init__(self, stop: Callable[[str, bool], None], what: str) -> None:
        self.received: int | None = None
        self._stop = stop
        self._what = what
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.received is None:
            self.received = signum
            print(f"directives: {name}: {self._what} (again to stop at once)", file=sys.stderr)
            self._stop(name, False)
        else:
            print(f"directives: {name}: stopping now", file=sys.stderr)
            self._stop(name, True)

    @property
    def exit_code(self) -> int | None:
        return None if self.received is None else 128 + self.received


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
    interrupts = Interrupts(
        lambda name, now: inbox.stop(name, abort=now),
        f"finishing the documents being read (at most {settings.stop_grace_seconds:.0f} s), the rest goes back",
    )
    console.print(
        f"watching {inbox.inbox} → {inbox.processed_dir} | {inbox.failed_dir} (log: {inbox.log_path})"
        + ("" if args.once else "; Ctrl-C to stop")
    )
    try:
        stats = inbox.run(once=args.once)
    finally:
        inbox.close()
    console.print(
        f"{stats.processed} processed, {stats.failed} failed, {stats.duplicate} duplicates"
        + (f", {stats.put_back} put back in the inbox" if stats.put_back else "")
    )
    return interrupts.exit_code or 0


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

    if args.pool:
        return pool_batch(args, settings, folder, out_dir)
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

    from pipeline.batch import load_sinks, run_batch
    from pipeline.limits import Limits
    from pipeline.sinks.base import Sink
    from pipeline.sinks.delivery import pending

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
            limits=Limits.from_settings(settings),
            grace=settings.stop_grace_seconds,
        )
        interrupts = Interrupts(
            lambda name, now: batch.stop(name, abort=now),
            f"finishing the documents being read (at most {settings.stop_grace_seconds:.0f} s), then the report",
        )
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task(f"reading {folder}", total=len(batch))
            for item in batch:
                if item.status == "failed":
                    reason = item.failure.reason if item.failure else "; ".join(map(str, item.delivery_errors))
                    progress.console.print(f"[red]failed[/] {item.path}: {reason}")
                elif item.status == "duplicate":
                    progress.console.print(f"[yellow]duplicate[/] {item.path}: same content as {item.duplicate_of}")
                progress.advance(task)
        waiting = pending(sinks)
    finally:
        for sink in sinks:
            sink.close()
    report = batch.report
    console.print(
        f"{report.ok} ok, {len(report.failed)} failed, {len(report.duplicates)} duplicates, "
        f"{len(report.skipped)} skipped"
        + (f", {len(report.not_done)} not done ({report.interrupted})" if report.interrupted else "")
        + f" in {report.seconds:.1f}s ({report.docs_per_second:.1f} documents/s, {workers} workers) → {out_dir}"
    )
    if report.failed or report.not_done:
        console.print(f"failures listed in {out_dir / 'failed.csv'} and {out_dir / 'errors.txt'}")
    for name, n in waiting.items():
        console.print(
            f"{n} records wait in the outbox for {name} (it was unavailable); the next batch or the watcher "
            f"sends them when it is back ({settings.sink_outbox_path})"
        )
    if interrupts.exit_code is not None:
        return interrupts.exit_code
    return 1 if report.failed else 0


def _pool_settings(what: str) -> Settings | None:
    """The settings for a command that talks to a work pool's server, with Prefect's home set; None
    (the reason printed) when they do not load or PREFECT_API_URL is not set."""
    settings = _settings()
    if settings is None:
        return None
    if not os.environ.get("PREFECT_API_URL"):
        print(
            f"directives: {what} needs the Prefect server the workers use: set PREFECT_API_URL "
            "(for example http://prefect.internal:4200/api; see the README, 'Beyond one machine')",
            file=sys.stderr,
        )
        return None
    prefect_environment(settings)
    return settings


def pool_batch(args: argparse.Namespace, settings: Settings, folder: Path, out_dir: Path) -> int:
    """``directives batch DIR --pool NAME``: the folder in chunks over the pool's workers."""
    import threading

    if _pool_settings("batch --pool") is None:
        return 2
    import flows

    stop = threading.Event()
    interrupts = Interrupts(lambda name, now: stop.set(), "cancelling the chunks not finished, then the report")

    def say(text: str) -> None:
        print(f"{datetime.now():%H:%M:%S} {text}", file=sys.stderr)

    try:
        report = flows.pool_batch(
            folder,
            out_dir=out_dir,
            pool=args.pool,
            chunk_size=args.chunk,
            recursive=args.recursive,
            all_files=args.all_files,
            sinks=not args.no_sinks,
            workers=args.workers,
            settings=settings,
            stop=stop,
            on_event=say,
        )
    except flows.PoolNotReady as exc:
        print(f"directives: {exc}", file=sys.stderr)
        return 2
    print(
        f"{report.ok} ok, {len(report.failed)} failed, {len(report.duplicates)} duplicates, "
        f"{len(report.skipped)} skipped"
        + (f", {len(report.not_done)} not done ({report.interrupted})" if report.interrupted else "")
        + f" in {report.seconds:.1f}s ({report.docs_per_second:.1f} documents/s, pool {args.pool}) → {out_dir}",
        file=sys.stderr,
    )
    if report.failed or report.not_done:
        print(f"failures listed in {out_dir / 'failed.csv'} and {out_dir / 'errors.txt'}", file=sys.stderr)
    if interrupts.exit_code is not None:
        return interrupts.exit_code
    return 1 if report.failed else 0


def project_prefect_file(given: Path | None) -> Path | None:
    """The prefect.yaml to deploy: the one given, ./prefect.yaml, or the one beside ``flows.py``."""
    if given is not None:
        return given if given.is_file() else None
    import importlib.util

    candidates = [Path("prefect.yaml")]
    spec = importlib.util.find_spec("flows")
    if spec is not None and spec.origin:
        candidates.append(Path(spec.origin).with_name("prefect.yaml"))
    return next((c for c in candidates if c.is_file()), None)


def cmd_deploy(args: argparse.Namespace) -> int:
    settings = _pool_settings("deploy")
    if settings is None:
        return 2
    prefect_file = project_prefect_file(args.file)
    if prefect_file is None:
        print(
            f"directives: no prefect.yaml {'at ' + str(args.file) if args.file else 'here or beside flows.py'}; "
            "run from the project's folder or pass --file",
            file=sys.stderr,
        )
        return 2
    pool = args.pool or settings.pool
    import flows

    try:
        created = flows.ensure_pool(pool)
    except Exception as exc:  # the server unreachable, refused: say so, never a traceback
        print(f"directives: cannot reach the Prefect server at {os.environ['PREFECT_API_URL']}: {exc}", file=sys.stderr)
        return 1
    print(f"directives: work pool {pool} {'created' if created else 'exists'}", file=sys.stderr)
    env = os.environ.copy()
    env.update(
        DIRECTIVES_POOL=pool,
        DIRECTIVES_BATCH_CRON=settings.batch_cron,
        DIRECTIVES_TIMEZONE=settings.timezone,
    )
    env.pop("DIRECTIVES_WORKDIR", None)  # filled in on each worker when a run starts, never here
    prefect_cli = Path(sys.executable).with_name("prefect")
    command = [str(prefect_cli), "--no-prompt", "deploy", "--all", "--prefect-file", str(prefect_file.resolve())]
    done = subprocess.run(command, cwd=prefect_file.resolve().parent, env=env, check=False)
    if done.returncode == 0:
        print(
            f"directives: deployed process-chunk/{pool}, watch-inbox/inbox and batch/scheduled on pool {pool}; "
            f"start workers with `directives worker --pool {pool}`",
            file=sys.stderr,
        )
    return done.returncode


def cmd_worker(args: argparse.Namespace) -> int:
    """Become ``prefect worker start`` (exec: a signal or kill reaches the worker itself)."""
    settings = _pool_settings("worker")
    if settings is None:
        return 2
    pool = args.pool or settings.pool
    env = os.environ.copy()
    # runs start in this working directory (prefect.yaml's pull step), with this machine's settings
    env["DIRECTIVES_WORKDIR"] = str(Path.cwd())
    if args.name:
        env["DIRECTIVES_WORKER_NAME"] = args.name
    # look for runs every second, not every 10 s (Prefect's default): a chunk waits less for a free worker
    env.setdefault("PREFECT_WORKER_QUERY_SECONDS", "1")
    prefect_cli = Path(sys.executable).with_name("prefect")
    command = [str(prefect_cli), "worker", "start", "--pool", pool, "--type", "process", "--limit", str(args.limit)]
    if args.name:
        command += ["--name", args.name]
    command += list(getattr(args, "extra", []))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)
    return 0  # not reached


def start_prefect_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    """Start ``prefect server start`` on 127.0.0.1:``port`` (its home and log in the data directory)
    and wait until it answers; raise RuntimeError with the log's tail if it does not."""
    log_path = settings.data_dir / "logs" / "prefect-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    prefect_cli = Path(sys.executable).with_name("prefect")
    command = [str(prefect_cli), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    log = log_path.open("ab")
    # its own session: a Ctrl-C at the terminal reaches only `serve`, which stops it in order
    proc = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
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
    stop_group(proc, 10)
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
    raise RuntimeError(f"the Prefect server did not start on port {port}; its log ({log_path}) ends:\n{tail}")


def die_with_parent() -> None:
    """In a child, before it runs: the kernel sends it SIGTERM when `serve` dies, even by kill -9
    (Linux; elsewhere nothing happens and `serve`'s own shutdown is what stops it)."""
    from pipeline.workers import set_parent_death_signal

    set_parent_death_signal(signal.SIGTERM)


def stop_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM to the process group ``proc`` leads, then SIGKILL after ``grace`` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            # the leader is gone; anything it left in its group goes too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            return
        except subprocess.TimeoutExpired:
            continue


def cmd_serve(args: argparse.Namespace) -> int:
    from pipeline.settings import SettingsError, ensure_folders

    settings = _settings()
    if settings is None:
        return 2
    try:
        for line in ensure_folders(settings):
            print(f"directives: {line}", file=sys.stderr)
    except SettingsError as exc:
        print(f"directives: {exc}", file=sys.stderr)
        return 2
    prefect_environment(settings)
    server: subprocess.Popen[bytes] | None = None
    stopping: list[bool] = []
    interrupts = Interrupts(
        lambda name, now: stopping.append(now), "stopping the watcher, the batch and the Prefect server"
    )
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
    print(
        f"directives: serving the inbox watcher ({settings.inbox}) and the batch over {settings.batch_dir} "
        f"at '{settings.batch_cron}' ({settings.timezone}); Ctrl-C to stop",
        file=sys.stderr,
    )
    # Prefect's runner serves in a child of its own: its flow runs (the watcher) are its children,
    # and stopping it with SIGTERM stops them in order; Ctrl-C reaches only this process.
    runner = subprocess.Popen(
        [sys.executable, "-c", "import flows; flows.serve_deployments()"],
        env=os.environ.copy(),
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    code = 0
    try:
        while runner.poll() is None and not stopping and not (server is not None and server.poll() is not None):
            with contextlib.suppress(subprocess.TimeoutExpired):
                runner.wait(timeout=1)
        if not stopping:
            print("directives: the Prefect runner or server stopped by itself; see the logs", file=sys.stderr)
            code = 1
    finally:
        stop_runner(runner, settings.stop_grace_seconds, stopping)
        if server is not None:
            stop_group(server, 20)
    return interrupts.exit_code or code


def stop_runner(runner: subprocess.Popen[bytes], grace: float, stopping: list[bool]) -> None:
    """Stop Prefect's runner in order: first its flow runs (SIGTERM: the watcher lets the files being
    read finish within ``grace`` and puts the others back; a batch reports what it did not read),
    then the runner itself (SIGINT, which it takes as a clean shutdown), then whatever is left."""
    from pipeline.workers import children

    flow_runs = children(runner.pid)
    for pid in flow_runs:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace + 15
    aborted = len(stopping) > 1
    while flow_runs and time.monotonic() < deadline:
        flow_runs = [pid for pid in flow_runs if _alive(pid)]
        if len(stopping) > 1 and not aborted:  # a second Ctrl-C: put back now
            aborted = True
            for pid in flow_runs:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
        time.sleep(0.2)
    if runner.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(runner.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            runner.wait(timeout=30)
    stop_group(runner, 5)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
