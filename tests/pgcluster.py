"""A throwaway PostgreSQL cluster the tests may stop and start, on a port of its own.

"PostgreSQL lost during a batch" has to be a real server going away. The machine's main server
on 5432 is shared by other people's tests, so it is never stopped: this makes a private cluster
(``initdb`` in a temporary folder, a free port, its socket in that folder) with the server
binaries the Debian ``postgresql`` package installed, and stops it for good at the end.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def available() -> bool:
    return _binaries() is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Cluster:
    """``with Cluster() as pg: ... pg.stop() ... pg.start()``; ``pg.url`` for SQLAlchemy."""

    def __init__(self, database: str = "directives") -> None:
        bindir = _binaries()
        if bindir is None:
            raise RuntimeError("PostgreSQL server binaries are not installed (apt install postgresql)")
        self.bin = bindir
        # a folder of its own in /tmp: the server account must reach it, and pytest's are private
        self.base = Path(tempfile.mkdtemp(prefix="directives-pg-"))
        self.dir = self.base / "pgdata"
        self.port = free_port()
        self.database = database
        self.log = self.base / "postgres.log"
        # initdb refuses to run as root: run the server as the postgres account when we are root
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self._as, *cmd], capture_output=True, text=True, timeout=120, check=check)

    def __enter__(self) -> Cluster:
        self.dir.mkdir(parents=True)
        self.log.touch()
        if self._as:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
            os.chmod(self.base, 0o755)
        self._run(str(self.bin / "initdb"), "-D", str(self.dir), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database)
        return self

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server now: ``immediate`` is a crash as clients see it (connections cut)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", mode, "-w", "stop", check=False)

    def is_up(self) -> bool:
        done = self._run(str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), check=False)
        return done.returncode == 0

    def count(self, table: str) -> int:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={self.database}") as conn:
            try:
                row = conn.execute(f"select count(*) from {table}").fetchone()  # table names are ours
            except psycopg.errors.UndefinedTable:
                return 0  # no sink has opened the database yet
            return int(row[0]) if row else 0

    def __exit__(self, *exc: object) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            shutil.rmtree(self.base)


def wait_until(condition: object, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False
