"""What the desk's tests share: settings over a temporary data folder, a store filled the way the
inbox fills it (real samples through the real sinks), the desk served by uvicorn on a free port,
and Debian's chromium driven by Playwright.

Not a conftest: test modules import what they use.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from pipeline import extract
from pipeline.settings import Settings, get_settings
from pipeline.sinks import open_sinks
from tests.conftest import SAMPLES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def desk_settings(data: Path, **overrides: Any) -> Settings:
    """Settings writing under ``data``: the JSON, SQLite and CSV sinks, the desk's folder beside them."""
    values: dict[str, Any] = {"data_dir": data, "sinks": ["json", "sqlite", "csv"]}
    values.update(overrides)
    return get_settings(**values)


def fill(settings: Settings, names: Sequence[str]) -> None:
    """Read each sample and write its record to every configured sink, as the inbox does."""
    with open_sinks(settings) as sinks:
        for name in names:
            sinks.write(extract(SAMPLES / name))


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 on a free port; yields its base URL."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the desk did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """Debian's chromium under Playwright (skipped outside CI when it is not installed)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            raise RuntimeError("chromium is missing: ./setup.sh test installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
