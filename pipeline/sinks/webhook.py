"""The webhook sink: POST each record to a receiver, signed, retried, and never dropped.

Each delivery is one HTTP POST of the record as UTF-8 JSON with these headers:

``Content-Type: application/json``
``X-Directives-Signature: sha256=<hex>``
    HMAC-SHA256 of the exact body bytes, keyed with ``webhook_secret``. Receivers check it
    with :func:`verify_signature` (or the same three lines in their own language) *before*
    parsing the body.
``X-Directives-Delivery: <uuid>``
    unique per delivery and *the same on every retry of it*, so a receiver can ignore a
    delivery it already processed (a retry after a lost response).
``X-Directives-Sha256: <document sha256>``
    the document; a newer delivery for the same sha256 supersedes older ones.

Connection errors, timeouts, 5xx and 429 are retried ``webhook_retries`` times with
exponential backoff (``webhook_backoff`` doubled each time, at most 60 s; ``Retry-After`` is
honoured within that cap). A delivery that still fails goes to the *outbox*, an SQLite file
(``outbox_path``), and is sent again when a sink opens next (:meth:`WebhookSink.flush_outbox`).
A non-retryable answer (other 4xx, 3xx) is kept in the outbox as ``rejected`` with the
receiver's response text for an operator to read, and is also tried again on the next run
(the receiver may have been fixed). Rows leave the outbox only when delivered or superseded by
a newer delivery of the same document.

Inspect the outbox with ``sqlite3 data/outbox.sqlite3 'select * from outbox'``.
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from models import Record
from pipeline.sinks.base import SinkBase, SinkError

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Directives-Signature"
DELIVERY_HEADER = "X-Directives-Delivery"
SHA256_HEADER = "X-Directives-Sha256"
MAX_BACKOFF = 60.0  # seconds; keeps a long outage from stalling a run for hours per document
CIRCUIT_COOLDOWN = 60.0  # seconds during which, after a failed delivery, new ones go straight to the outbox
_RESPONSE_TEXT_LIMIT = 2000


def sign(body: bytes, secret: str | bytes) -> str:
    """The ``X-Directives-Signature`` value for ``body``: ``sha256=`` and the hex HMAC-SHA256."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str | bytes) -> bool:
    """True when ``header`` (the ``X-Directives-Signature`` value) signs ``body`` with ``secret``.

    For receivers. Pass the raw request body bytes, not re-serialised JSON (any change of
    spacing or escaping changes the HMAC)::

        if not verify_signature(request.body, request.headers.get("X-Directives-Signature"), SECRET):
            return 401

    The comparison takes constant time, so the signature cannot be guessed byte by byte.
    """
    if not header:
        return False
    return hmac.compare_digest(sign(body, secret).encode("ascii"), header.strip().encode("ascii", "replace"))


def record_body(record: Record) -> bytes:
    """The body of a delivery: the record as compact UTF-8 JSON (Vietnamese unescaped)."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Outcome:
    """How one delivery ended: ``delivered``, ``retryable`` (network, 5xx, 429) or ``rejected``."""

    state: str
    status: int | None
    detail: str
    retry_after: float = 0.0  # seconds the receiver asked us to wait (Retry-After), 0 if it did not


_SCHEMA = """
create table if not exists outbox (
    delivery_id text primary key,     -- X-Directives-Delivery, reused on every retry
    sha256 text not null,             -- the document
    url text not null,
    body blob not null,               -- exact bytes, so the signature and the id stay valid
    state text not null,              -- 'pending' (network, 5xx, 429) or 'rejected' (other answers)
    attempts integer not null,
    created_at text not null,
    last_attempt_at text not null,
    last_status integer,              -- HTTP status, null when no answer came
    last_error text not null          -- what went wrong, including the receiver's response text
);
create index if not exists ix_outbox_sha256 on outbox(sha256);
"""


class Outbox:
    """Deliveries that have not reached the receiver yet, in an SQLite file (durable, shared by processes)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: each statement commits by itself; a crash never loses a queued delivery.
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("pragma journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def put(self, delivery_id: str, sha: str, url: str, body: bytes, outcome: Outcome, attempts: int) -> None:
        """Keep a failed delivery, replacing any older one for the same document (it is out of date)."""
        now = _now()
        with self._db:
            self._db.execute("begin immediate")
            self._db.execute("delete from outbox where sha256 = ? and delivery_id <> ?", (sha, delivery_id))
            self._db.execute(
                """insert into outbox values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   on conflict(delivery_id) do update set state = excluded.state,
                       attempts = outbox.attempts + excluded.attempts,
                       last_attempt_at = excluded.last_attempt_at,
                       last_status = excluded.last_status, last_error = excluded.last_error""",
                (
                    delivery_id,
                    sha,
                    url,
                    body,
                    outcome.state,
                    attempts,
                    now,
                    now,
                    outcome.status,
                    outcome.detail,
                ),
            )

    def forget(self, sha: str) -> None:
        """Drop everything queued for a document that was just delivered in a newer version."""
        self._db.execute("delete from outbox where sha256 = ?", (sha,))

    def remove(self, delivery_id: str) -> None:
        self._db.execute("delete from outbox where delivery_id = ?", (delivery_id,))

    def entries(self) -> list[tuple[str, str, str, bytes, str]]:
        """(delivery_id, sha256, url, body, state), oldest first."""
        rows = self._db.execute(
            "select delivery_id, sha256, url, body, state from outbox order by created_at, rowid"
        ).fetchall()
        return [(str(a), str(b), str(c), bytes(d), str(e)) for a, b, c, d, e in rows]

    def close(self) -> None:
        self._db.close()


class WebhookSink(SinkBase):
    """POST every record to ``url``; see the module docstring for headers, retries and the outbox."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        outbox_path: Path,
        *,
        timeout: float = 10.0,
        retries: int = 4,
        backoff: float = 1.0,
        flush: bool = True,
    ) -> None:
        super().__init__()
        if not secret:
            raise SinkError(self.name, url, "no webhook_secret", "Set DIRECTIVES_WEBHOOK_SECRET")
        self.url = url
        self._secret = secret
        self.retries = retries
        self.backoff = backoff
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": "vn-directives"})
        self._down_until = 0.0  # monotonic time until which the receiver is presumed down
        try:
            self.outbox = Outbox(outbox_path)
        except (OSError, sqlite3.Error) as exc:
            self._client.close()
            raise SinkError(
                self.name,
                str(outbox_path),
                f"cannot open the outbox ({exc})",
                "Check the disk and permissions",
            ) from exc
        if flush:
            self.flush_outbox()

    # -- public ---------------------------------------------------------------------------

    def write(self, record: Record) -> None:
        """Deliver the record, or keep it in the outbox; raises only if the outbox cannot be written."""
        body = record_body(record)
        sha = record.source.sha256
        delivery_id = str(uuid.uuid4())
        with self._lock:
            if time.monotonic() < self._down_until:
                # The receiver just failed a full round of retries: queue without waiting again.
                self._keep(delivery_id, sha, self.url, body, Outcome("retryable", None, "receiver down, queued"), 0)
                return
            outcome, attempts = self._deliver_with_retries(delivery_id, sha, self.url, body)
            if outcome.state == "delivered":
                self._safely(lambda: self.outbox.forget(sha), delivery_id, sha, body)
                if self._down_until:
                    # The receiver is back after an outage in this (long-running) process: send
                    # what queued up meanwhile instead of waiting for the next run.
                    self._down_until = 0.0
                    self.flush_outbox()
                return
            if outcome.state == "retryable":
                self._down_until = time.monotonic() + CIRCUIT_COOLDOWN
            self._keep(delivery_id, sha, self.url, body, outcome, attempts)

    def flush_outbox(self) -> int:
        """Send every queued delivery once, oldest first; returns how many were delivered.

        Stops at the first network failure or 5xx/429: the receiver is still unwell and the rest
        would only wait out their timeouts. Rejected ones are tried too, in case the receiver
        was fixed; they stay queued if it still refuses them.
        """
        delivered = 0
        with self._lock:
            for delivery_id, sha, _queued_url, body, _state in self.outbox.entries():
                # Sent to today's webhook_url, not the one it was queued for: when an operator moves
                # the receiver, what waited in the outbox must follow it.
                url = self.url
                outcome = self._attempt(delivery_id, sha, url, body)
                if outcome.state == "delivered":
                    self.outbox.remove(delivery_id)
                    delivered += 1
                    continue
                self._keep(delivery_id, sha, url, body, outcome, 1)
                if outcome.state == "retryable":
                    log.warning("webhook outbox: %s still unreachable (%s); will retry next run", url, outcome.detail)
                    break
        if delivered:
            log.info("webhook outbox: delivered %d queued record(s)", delivered)
        return delivered

    def close(self) -> None:
        self._client.close()
        self.outbox.close()

    # -- internals ------------------------------------------------------------------------

    def _deliver_with_retries(self, delivery_id: str, sha: str, url: str, body: bytes) -> tuple[Outcome, int]:
        delay = self.backoff
        attempts = 0
        while True:
            attempts += 1
            outcome = self._attempt(delivery_id, sha, url, body)
            if outcome.state != "retryable" or attempts > self.retries:
                return outcome, attempts
            wait = min(max(delay, outcome.retry_after), MAX_BACKOFF)
            log.info("webhook %s: %s; retry %d/%d in %.1fs", url, outcome.detail, attempts, self.retries, wait)
            time.sleep(wait)
            delay = min(delay * 2, MAX_BACKOFF)

    def _attempt(self, delivery_id: str, sha: str, url: str, body: bytes) -> Outcome:
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, self._secret),
            DELIVERY_HEADER: delivery_id,
            SHA256_HEADER: sha,
        }
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:  # connection refused, DNS, timeouts, broken responses
            return Outcome("retryable", None, f"{type(exc).__name__}: {exc}")
        if 200 <= response.status_code < 300:
            return Outcome("delivered", response.status_code, "")
        detail = f"HTTP {response.status_code}: {response.text[:_RESPONSE_TEXT_LIMIT]}"
        if response.status_code == 429 or response.status_code >= 500:
            return Outcome("retryable", response.status_code, detail, _retry_after(response.headers.get("Retry-After")))
        if 300 <= response.status_code < 400:
            detail += f" (redirect to {response.headers.get('Location')}; set webhook_url to the final address)"
        return Outcome("rejected", response.status_code, detail)

    def _keep(self, delivery_id: str, sha: str, url: str, body: bytes, outcome: Outcome, attempts: int) -> None:
        state = "rejected" if outcome.state == "rejected" else "pending"
        log.warning("webhook %s: document %s not delivered (%s); kept in the outbox", url, sha[:12], outcome.detail)
        self._safely(
            lambda: self.outbox.put(
                delivery_id, sha, url, body, Outcome(state, outcome.status, outcome.detail), attempts
            ),
            delivery_id,
            sha,
            body,
        )

    def _safely(self, action: Callable[[], None], delivery_id: str, sha: str, body: bytes) -> None:
        try:
            action()
        except sqlite3.Error as exc:
            raise SinkError(
                self.name,
                str(self.outbox.path),
                f"cannot record delivery {delivery_id} of document {sha[:12]} in the outbox ({exc})",
                "Check the disk; the document stays in the inbox and is sent again on the next run",
            ) from exc


def _retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), 0 when absent or unreadable."""
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
