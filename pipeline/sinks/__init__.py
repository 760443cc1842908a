"""Where finished records go: files, databases, a webhook. Several at once, chosen by settings.

>>> from pipeline.settings import get_settings
>>> from pipeline.sinks import open_sinks
>>> with open_sinks(get_settings()) as sinks:          # doctest: +SKIP
...     sinks.write(record)

Every sink is idempotent per document (keyed by ``source.sha256``): writing the same document
again replaces what it stored, so a re-run never duplicates records or tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from models import Record
from pipeline.settings import Settings
from pipeline.sinks.base import Sink, SinkBase, SinkError, atomic_write_bytes
from pipeline.sinks.files import CsvSink, JsonlSink, JsonSink, record_filename, task_rows
from pipeline.sinks.sql import SqlSink, sqlite_url
from pipeline.sinks.webhook import WebhookSink, sign, verify_signature

__all__ = [
    "CsvSink",
    "JsonSink",
    "JsonlSink",
    "MultiSink",
    "Sink",
    "SinkBase",
    "SinkError",
    "SqlSink",
    "WebhookSink",
    "atomic_write_bytes",
    "build_sink",
    "build_sinks",
    "open_sinks",
    "record_filename",
    "sign",
    "sqlite_url",
    "task_rows",
    "verify_signature",
]


def _webhook(settings: Settings) -> Sink:
    if not settings.webhook_url or settings.webhook_secret is None:
        raise SinkError("webhook", "settings", "webhook_url or webhook_secret is not set", "Set both")
    return WebhookSink(
        settings.webhook_url,
        settings.webhook_secret.get_secret_value(),
        settings.outbox_path,
        timeout=settings.webhook_timeout,
        retries=settings.webhook_retries,
        backoff=settings.webhook_backoff,
    )


def _postgres(settings: Settings) -> Sink:
    if not settings.postgres_url:
        raise SinkError("postgres", "settings", "postgres_url is not set", "Set DIRECTIVES_POSTGRES_URL")
    return SqlSink(settings.postgres_url, name="postgres")


BUILDERS: dict[str, Callable[[Settings], Sink]] = {
    "json": lambda s: JsonSink(s.json_dir),
    "jsonl": lambda s: JsonlSink(s.jsonl_path),
    "csv": lambda s: CsvSink(s.csv_path),
    "sqlite": lambda s: SqlSink(sqlite_url(Path(s.sqlite_path)), name="sqlite"),
    "postgres": _postgres,
    "webhook": _webhook,
}


def build_sink(name: str, settings: Settings) -> Sink:
    """Open one sink by its settings name: json, jsonl, csv, sqlite, postgres or webhook."""
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise SinkError(name, "settings", "unknown sink", f"Choose from {', '.join(BUILDERS)}") from None
    return builder(settings)


def build_sinks(settings: Settings) -> list[Sink]:
    """Open every sink in ``settings.sinks``, in order. If one cannot open, close the others and raise."""
    opened: list[Sink] = []
    try:
        for name in settings.sinks:
            opened.append(build_sink(name, settings))
    except BaseException:
        for sink in reversed(opened):
            sink.close()
        raise
    return opened


class MultiSink(SinkBase):
    """Several sinks behind one: a record goes to all of them, even if one fails.

    A failure in one sink (the database is down) does not keep the record from the others
    (the JSON file is written); :meth:`write` then raises one :class:`SinkError` naming every
    sink that failed, so the caller can leave the document in the inbox for the next run.
    Re-writing it is harmless: every sink replaces by sha256.
    """

    name = "multi"

    def __init__(self, sinks: Iterable[Sink]) -> None:
        super().__init__()
        self.sinks = list(sinks)

    def write(self, record: Record) -> None:
        failures: list[SinkError] = []
        for sink in self.sinks:
            try:
                sink.write(record)
            except SinkError as exc:
                failures.append(exc)
            except Exception as exc:  # a bug in one sink must not keep the record from the others
                failures.append(
                    SinkError(sink.name, record.source.path, f"{type(exc).__name__}: {exc}", "Report this bug")
                )
        if len(failures) == 1:
            raise failures[0]
        if failures:
            raise SinkError(
                ", ".join(f.sink for f in failures),
                record.source.path,
                "; ".join(str(f) for f in failures),
                "Fix the sinks named above; the other sinks stored the record",
            )

    def close(self) -> None:
        errors: list[BaseException] = []
        for sink in reversed(self.sinks):
            try:
                sink.close()
            except Exception as exc:  # close the rest regardless
                errors.append(exc)
        if errors:
            raise errors[0]


def open_sinks(settings: Settings) -> MultiSink:
    """All configured sinks as one context manager: ``with open_sinks(settings) as sinks: ...``."""
    return MultiSink(build_sinks(settings))
