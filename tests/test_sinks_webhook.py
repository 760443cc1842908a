"""The webhook sink against a real HTTP receiver on 127.0.0.1 (http.server in a thread)."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pydantic import SecretStr

from models import Record
from pipeline.settings import Settings
from pipeline.sinks import WebhookSink, build_sinks, verify_signature
from tests.conftest_sinks import make_record

SECRET = "khóa-bí-mật-🔑"


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A webhook receiver that answers with ``script`` statuses in turn, then 200, and keeps every request."""

    script: list[int] = field(default_factory=list)
    delay: float = 0.0
    requests: list[Delivery] = field(default_factory=list)
    port: int = 0
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/directives"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(Delivery(dict(self.headers.items()), body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.script.pop(0) if receiver.script else 200
                reply = f"trạng thái {status}".encode()
                try:
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


def free_port() -> int:
    """A port nobody listens on (for 'receiver down'); bound and released, so it is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sink(url: str, tmp_path: Path, **kwargs: float) -> WebhookSink:
    options: dict[str, float] = {"timeout": 2.0, "retries": 3, "backoff": 0.01} | kwargs
    return WebhookSink(
        url,
        SECRET,
        tmp_path / "outbox.sqlite3",
        timeout=options["timeout"],
        retries=int(options["retries"]),
        backoff=options["backoff"],
    )


def outbox_rows(tmp_path: Path) -> list[tuple[str, str, str, int, int | None, str]]:
    """The outbox read with the sqlite3 module, not through the sink."""
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as conn:
        return conn.execute(
            "select delivery_id, sha256, state, attempts, last_status, last_error from outbox order by rowid"
        ).fetchall()


def test_delivery_is_signed_and_carries_the_record(receiver: Receiver, tmp_path: Path) -> None:
    record = make_record()
    with sink(receiver.url, tmp_path) as s:
        s.write(record)
    assert len(receiver.requests) == 1
    req = receiver.requests[0]
    assert req.headers["Content-Type"] == "application/json"
    expected = hmac.new(SECRET.encode("utf-8"), req.body, hashlib.sha256).hexdigest()
    assert req.headers["X-Directives-Signature"] == f"sha256={expected}"
    assert req.headers["X-Directives-Sha256"] == record.source.sha256
    assert uuid.UUID(req.headers["X-Directives-Delivery"]).version == 4
    assert "Ủy ban nhân dân tỉnh Lào Cai".encode() in req.body  # UTF-8, not \u escapes
    assert Record.model_validate(json.loads(req.body.decode("utf-8"))) == record
    assert outbox_rows(tmp_path) == []


def test_verify_signature_for_receivers() -> None:
    body = '{"subject":"Hỏa tốc"}'.encode()
    header = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert verify_signature(body, header, SECRET)
    assert verify_signature(body, header, SECRET.encode())
    assert not verify_signature(body + b" ", header, SECRET)  # body changed in transit
    assert not verify_signature(body, header, "other secret")
    assert not verify_signature(body, None, SECRET)
    assert not verify_signature(body, header.removeprefix("sha256="), SECRET)
    assert not verify_signature(body, "sha256=ở", SECRET)  # non-ASCII header does not crash


def test_5xx_twice_then_200_is_delivered_once_with_retries(receiver: Receiver, tmp_path: Path) -> None:
    receiver.script = [500, 503]
    with sink(receiver.url, tmp_path) as s:
        s.write(make_record())
    assert len(receiver.requests) == 3
    # A retry is the same delivery: same id and same bytes, so a receiver can deduplicate.
    assert len({r.headers["X-Directives-Delivery"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    assert outbox_rows(tmp_path) == []


def test_429_is_retried(receiver: Receiver, tmp_path: Path) -> None:
    receiver.script = [429]
    with sink(receiver.url, tmp_path) as s:
        s.write(make_record())
    assert len(receiver.requests) == 2
    assert outbox_rows(tmp_path) == []


def test_retries_are_bounded_then_kept_in_outbox(receiver: Receiver, tmp_path: Path) -> None:
    receiver.script = [500] * 10
    record = make_record()
    with sink(receiver.url, tmp_path, retries=2) as s:
        s.write(record)
    assert len(receiver.requests) == 3  # first attempt and two retries
    [(delivery_id, sha, state, attempts, status, error)] = outbox_rows(tmp_path)
    assert (sha, state, attempts, status) == (record.source.sha256, "pending", 3, 500)
    assert "trạng thái 500" in error
    assert delivery_id == receiver.requests[0].headers["X-Directives-Delivery"]


def test_receiver_down_goes_to_outbox_and_is_delivered_next_run(tmp_path: Path) -> None:
    port = free_port()
    record = make_record()
    url = f"http://127.0.0.1:{port}/hooks/directives"
    started = time.monotonic()
    with sink(url, tmp_path, retries=2) as s:
        s.write(record)  # no exception: the record is not lost, it waits
        s.write(make_record("b.pdf", content="b"))  # receiver presumed down: queued at once
    assert time.monotonic() - started < 5
    rows = outbox_rows(tmp_path)
    assert [(r[1], r[2], r[4]) for r in rows] == [
        (record.source.sha256, "pending", None),
        (make_record(content="b").source.sha256, "pending", None),
    ]
    assert "ConnectError" in rows[0][5]

    later = Receiver(port=port).start()  # the receiver comes back
    try:
        with sink(url, tmp_path):  # opening the sink flushes the outbox
            pass
        assert [r.headers["X-Directives-Sha256"] for r in later.requests] == [r[1] for r in rows]
        assert [r.headers["X-Directives-Delivery"] for r in later.requests] == [r[0] for r in rows]
        first = later.requests[0]
        assert verify_signature(first.body, first.headers["X-Directives-Signature"], SECRET)
        assert Record.model_validate_json(first.body) == record
        assert outbox_rows(tmp_path) == []
    finally:
        later.stop()


def test_queued_deliveries_follow_a_moved_receiver(receiver: Receiver, tmp_path: Path) -> None:
    old_url = f"http://127.0.0.1:{free_port()}/old"
    with sink(old_url, tmp_path, retries=0) as s:
        s.write(make_record())
    assert len(outbox_rows(tmp_path)) == 1
    with sink(receiver.url, tmp_path):  # the operator points webhook_url at the new receiver
        pass
    assert len(receiver.requests) == 1 and outbox_rows(tmp_path) == []


def test_a_newer_record_supersedes_a_queued_one(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/directives"
    with sink(url, tmp_path, retries=0) as s:
        s.write(make_record(subject="bản cũ"))
        s.write(make_record(subject="bản mới"))
    [row] = outbox_rows(tmp_path)
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as conn:
        (body,) = conn.execute("select body from outbox").fetchone()
    assert json.loads(body)["subject"] == "bản mới"
    assert row[1] == make_record().source.sha256


def test_4xx_is_kept_as_rejected_with_the_response_text(receiver: Receiver, tmp_path: Path) -> None:
    receiver.script = [422]
    with sink(receiver.url, tmp_path) as s:
        s.write(make_record())
    assert len(receiver.requests) == 1  # not retried within the run: it would be refused again
    [(_id, _sha, state, attempts, status, error)] = outbox_rows(tmp_path)
    assert (state, attempts, status) == ("rejected", 1, 422)
    assert error == "HTTP 422: trạng thái 422"

    # Next run (the receiver was fixed): tried again and delivered.
    with sink(receiver.url, tmp_path):
        pass
    assert len(receiver.requests) == 2
    assert outbox_rows(tmp_path) == []


def test_a_slow_receiver_times_out_into_the_outbox(receiver: Receiver, tmp_path: Path) -> None:
    receiver.delay = 1.0
    with sink(receiver.url, tmp_path, timeout=0.2, retries=1) as s:
        s.write(make_record())
    [(_id, _sha, state, attempts, _status, error)] = outbox_rows(tmp_path)
    assert (state, attempts) == ("pending", 2)
    assert "Timeout" in error


def test_webhook_from_settings_keeps_its_outbox_in_data_dir(receiver: Receiver, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        sinks=["webhook"],
        webhook_url=receiver.url,
        webhook_secret=SecretStr(SECRET),
        webhook_backoff=0.01,
    )
    [s] = build_sinks(settings)
    with s:
        s.write(make_record())
    assert (tmp_path / "outbox.sqlite3").is_file()
    assert len(receiver.requests) == 1
