"""A real Prefect server on the local PostgreSQL, and process workers on its pool, for tests and bench/.

``with PrefectServer() as server:`` creates a fresh database on the PostgreSQL at 127.0.0.1:5432
(``tests.db.ADMIN``; ``./setup.sh test`` starts it), runs ``prefect server start`` on a free port
with ``PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://...`` and its own PREFECT_HOME,
and on the way out stops it and drops the database. ``server.env(...)`` is the environment a
``directives deploy`` / ``worker`` / ``batch --pool`` needs to talk to it; :func:`start_worker`
starts ``directives worker`` in its own process group, :func:`kill_tree` kills one like a machine
that died (kill -9 of the worker and every process under it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from tests.db import ADMIN, _connect
from tests.pgcluster import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


class PrefectServer:
    def __init__(self, name: str = "directives_prefect") -> None:
        self.database = f"{name}_{uuid.uuid4().hex[:10]}"
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="directives-prefect-"))
        self.log = self.home / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        base = ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        self.database_url = f"{base}/{self.database}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def env(self, **extra: str) -> dict[str, str]:
        """This process's environment without DIRECTIVES_* or PREFECT_*, pointed at this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DIRECTIVES_", "PREFECT_"))}
        env.update(
            PREFECT_API_URL=self.api_url,
            PREFECT_HOME=str(self.home / "client"),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_LOGGING_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def __enter__(self) -> PrefectServer:
        with _connect(ADMIN) as admin:
            admin.execute(f'create database "{self.database}"')
        env = self.env(
            PREFECT_HOME=str(self.home / "server"),
            PREFECT_API_DATABASE_CONNECTION_URL=self.database_url,
            PREFECT_UI_ENABLED="false",
        )
        env.pop("PREFECT_API_URL")
        command = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"the Prefect server did not start; its log ends:\n{self.log.read_text()[-2000:]}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        with _connect(ADMIN) as admin:
            admin.execute(f'drop database if exists "{self.database}" with (force)')


def directives(*args: str, env: dict[str, str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "directives"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def start_worker(name: str, env: dict[str, str], cwd: Path, limit: int = 1) -> subprocess.Popen[bytes]:
    """``directives worker --name NAME`` in its own process group, its output in ``cwd/NAME.log``."""
    log = (cwd / f"{name}.log").open("ab")
    return subprocess.Popen(
        [str(BIN / "directives"), "worker", "--name", name, "--limit", str(limit)],
        env=env,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (from /proc), children first."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(pid: int) -> None:
    """kill -9 ``pid`` and every process under it, as when its machine dies."""
    for target in [pid, *descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signal.SIGKILL)


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_tree(proc.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
