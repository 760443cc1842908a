"""Where finished records go: files, databases, a webhook. Several at once, chosen by settings.

>>> from pipeline.settings import get_settings
>>> from pipeline.sinks import open_sinks
>>> with open_sinks(get_settings()) as sinks:          # doctest: +SKIP
...     sinks.write(record)

Every sink is idempotent per document (keyed by ``source.sha256``): writing the same document
again replaces what it stored, so a re-run never duplicates records or tasks. The sinks are
registered in :mod:`pipeline.sinks.registry`; those marked ``guarded`` there are opened behind
an outbox and a circuit breaker (:mod:`pipeline.sinks.delivery`).

The sink classes are imported on first use (``from pipeline.sinks import SqlSink``), so the
settings, which validate sink names against the registry, do not pull in SQLAlchemy or httpx.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from models import Record
from pipeline.sinks.base import Sink, SinkBase, SinkError, atomic_write_bytes, atomic_write_text
from pipeline.sinks.delivery import DeliveryError, Guarded, deliver, flush_all, pending
from pipeline.sinks.registry import SINK_NAMES, SINKS, SinkEntry

if TYPE_CHECKING:
    from pipeline.settings import Settings
    from pipeline.sinks.files import CsvSink, JsonlSink, JsonSink, record_filename, task_rows
    from pipeline.sinks.sql import SqlSink, sqlite_url
    from pipeline.sinks.webhook import WebhookSink, sign, verify_signature

__all__ = [
    "SINKS",
    "SINK_NAMES",
    "CsvSink",
    "DeliveryError",
    "Guarded",
    "JsonSink",
    "JsonlSink",
    "MultiSink",
    "Sink",
    "SinkBase",
    "SinkEntry",
    "SinkError",
    "SqlSink",
    "WebhookSink",
    "atomic_write_bytes",
    "atomic_write_text",
    "build_sink",
    "build_sinks",
    "deliver",
    "flush_all",
    "open_sinks",
    "pending",
    "record_filename",
    "sign",
    "sqlite_url",
    "task_rows",
    "verify_signature",
]

_LAZY = {
    "CsvSink": "pipeline.sinks.files",
    "JsonSink": "pipeline.sinks.files",
    "JsonlSink": "pipeline.sinks.files",
    "record_filename": "pipeline.sinks.files",
    "task_rows": "pipeline.sinks.files",
    "SqlSink": "pipeline.sinks.sql",
    "sqlite_url": "pipeline.sinks.sql",
    "WebhookSink": "pipeline.sinks.webhook",
    "sign": "pipeline.sinks.webhook",
    "verify_signature": "pipeline.sinks.webhook",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def build_sink(name: str, settings: Settings) -> Sink:
    """Open one sink by its registry name; a guarded one behind its outbox and circuit breaker."""
    try:
        entry = SINKS[name]
    except KeyError:
        raise SinkError(name, "settings", "unknown sink", f"Choose from {', '.join(SINK_NAMES)}") from None
    missing = [field for field in entry.requires if not getattr(settings, field)]
    if missing:
        raise SinkError(name, "settings", f"{', '.join(missing)} not set", f"Set DIRECTIVES_{missing[0].upper()}")
    if entry.guarded:
        return Guarded(name, lambda: entry.build(settings), settings.sink_outbox_path, cooldown=settings.sink_cooldown)
    return entry.build(settings)


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
