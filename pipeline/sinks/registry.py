"""The sinks' registry: every sink is one entry (name, builder, required settings).

Everything that lists sinks derives from :data:`SINKS`: the names the settings accept, the
settings a switched-on sink must have, what ``build_sinks`` opens, and which sinks are guarded
by an outbox and a circuit breaker (:mod:`pipeline.sinks.delivery`) because the server they
write to can be away. A new sink is one more :class:`SinkEntry` here.

This module imports nothing heavy at import time (the settings validate against it); each
builder imports its sink when it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.settings import Settings
    from pipeline.sinks.base import Sink


@dataclass(frozen=True)
class SinkEntry:
    """One kind of sink.

    ``requires`` names the settings that must be set when the sink is switched on (checked when
    the settings load, so a missing address fails at start, not on the first document).
    ``guarded``: the sink writes to a server (a database) that may be away; its records go
    through the outbox and circuit breaker, so none is lost or waits on it.
    """

    name: str
    build: Callable[[Settings], Sink]
    description: str
    requires: tuple[str, ...] = ()
    guarded: bool = False


def _json(settings: Settings) -> Sink:
    from pipeline.sinks.files import JsonSink

    return JsonSink(settings.json_dir)


def _jsonl(settings: Settings) -> Sink:
    from pipeline.sinks.files import JsonlSink

    return JsonlSink(settings.jsonl_path)


def _csv(settings: Settings) -> Sink:
    from pipeline.sinks.files import CsvSink

    return CsvSink(settings.csv_path)


def _sqlite(settings: Settings) -> Sink:
    from pipeline.sinks.sql import SqlSink, sqlite_url

    return SqlSink(sqlite_url(Path(settings.sqlite_path)), name="sqlite")


def _postgres(settings: Settings) -> Sink:
    from pipeline.sinks.sql import SqlSink

    assert settings.postgres_url is not None  # required setting, checked at load
    return SqlSink(with_connect_timeout(settings.postgres_url), name="postgres")


def with_connect_timeout(url: str, seconds: int = 10) -> str:
    """A libpq URL that gives up connecting after ``seconds`` (libpq's default is to wait for ever,
    which a server lost behind a firewall turns into a hang) unless the URL sets its own."""
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.get_driver_name() not in ("psycopg", "psycopg2"):
        return url
    if "connect_timeout" in parsed.query:
        return url
    return parsed.update_query_dict({"connect_timeout": str(seconds)}).render_as_string(hide_password=False)


def _webhook(settings: Settings) -> Sink:
    from pipeline.sinks.webhook import WebhookSink

    assert settings.webhook_url is not None and settings.webhook_secret is not None  # required settings
    return WebhookSink(
        settings.webhook_url,
        settings.webhook_secret.get_secret_value(),
        settings.outbox_path,
        timeout=settings.webhook_timeout,
        retries=settings.webhook_retries,
        backoff=settings.webhook_backoff,
    )


SINKS: dict[str, SinkEntry] = {
    entry.name: entry
    for entry in (
        SinkEntry("json", _json, "one file per document in records/"),
        SinkEntry("jsonl", _jsonl, "one line per task with its document's fields"),
        SinkEntry("csv", _csv, "one row per task, UTF-8 with BOM so Excel shows Vietnamese correctly"),
        SinkEntry("sqlite", _sqlite, "tables documents, doc_references, tasks in an SQLite file", guarded=True),
        SinkEntry("postgres", _postgres, "the same tables in PostgreSQL", requires=("postgres_url",), guarded=True),
        # the webhook keeps its own outbox (a delivery id per record, signed bodies, rejected answers)
        SinkEntry(
            "webhook",
            _webhook,
            "POST of each record as signed JSON, retried, kept in its outbox when the receiver is down",
            requires=("webhook_url", "webhook_secret"),
        ),
    )
}

SINK_NAMES: tuple[str, ...] = tuple(SINKS)
