"""``directives serve`` on a fresh machine: it starts a local Prefect server (schedules need its
scheduler), registers the deployments, and the scheduled inbox watcher reads a dropped file."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import SAMPLES
from tests.test_inbox import watcher_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_runs_the_scheduled_watcher(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    shutil.copy(SAMPLES / "cv-mat.pdf", inbox / "cv-mat.pdf")
    env = watcher_env(data)
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    log = (tmp_path / "serve.log").open("wb")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the Prefect server it starts is killed with it
    )
    record = inbox / "processed" / time.strftime("%Y-%m-%d") / "cv-mat.json"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not record.exists() and proc.poll() is None:
            time.sleep(1)
        output = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")
        assert record.exists(), output[-3000:]
        expected = json.loads((SAMPLES / "cv-mat.expected.json").read_text(encoding="utf-8"))
        assert json.loads(record.read_text(encoding="utf-8"))["code"] == expected["code"]
        assert f"http://127.0.0.1:{port}" in output
        assert "ERROR" not in (data / "logs" / "prefect-server.log").read_text(encoding="utf-8", errors="replace")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
