"""``directives api`` and ``directives export edxml``.

    directives api [--host 127.0.0.1] [--port 8000] [--workers N]
    directives export edxml FILE... --out DIR

``api`` serves :mod:`pipeline.api` with uvicorn; bound beyond the loopback address it refuses to
start until ``api_keys`` holds a key, so a record is never served to the office network by
accident. ``export edxml`` reads each FILE and writes ``DIR/NAME.edxml`` (QCVN 102:2016), its
source attached; like ``extract``, a file that cannot be read gives one line on stderr and
exit status 1, and the other files are still written.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path
from typing import Any

from pipeline.errors import DirectivesError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``api`` and ``export`` to the ``directives`` command."""
    p = subparsers.add_parser(
        "api",
        help="serve the HTTP API: POST a document, get its record; query documents and tasks",
        description="Serve the HTTP API (OpenAPI at /openapi.json, Swagger UI at /docs). Records go to "
        "the store (the sqlite or postgres sink) and to the other configured sinks. Listening beyond "
        "127.0.0.1 needs at least one key in the api_keys setting; clients send it as X-API-Key.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--workers", type=int, help="processes reading documents (default: batch_workers setting)")
    p.set_defaults(func=cmd_api)

    p = subparsers.add_parser("export", help="export records in a format another system imports")
    formats = p.add_subparsers(dest="format", required=True)
    e = formats.add_parser(
        "edxml",
        help="one edXML (QCVN 102:2016) message per FILE, for e-office systems",
        description="Read each FILE and write DIR/NAME.edxml, its header filled from the record and the "
        "file attached. Agencies' mã định danh come from the edxml_organ_ids setting.",
    )
    e.add_argument("files", nargs="+", metavar="FILE", type=Path)
    e.add_argument("--out", type=Path, required=True, metavar="DIR")
    e.set_defaults(func=cmd_export_edxml)


def _settings(**overrides: Any) -> Any:
    from pipeline.settings import SettingsError, get_settings

    try:
        return get_settings(**overrides)
    except SettingsError as exc:
        print(f"directives: {exc}", file=sys.stderr)
        return None


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def cmd_api(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return 2
    if not is_loopback(args.host) and not any(k.get_secret_value() for k in settings.api_keys):
        print(
            f"directives: refusing to listen on {args.host} without an API key: set api_keys in the settings "
            "(DIRECTIVES_API_KEYS='[\"...\"]'); clients then send it as X-API-Key",
            file=sys.stderr,
        )
        return 2
    import uvicorn

    from pipeline.api import create_app

    app = create_app(settings, workers=args.workers)
    print(f"directives: API on http://{args.host}:{args.port} (docs at /docs)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def cmd_export_edxml(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return 2
    from pipeline import extract
    from pipeline.edxml import edxml_message

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for path in args.files:
        try:
            record = extract(path)
        except DirectivesError as exc:
            failures += 1
            print(f"directives: {exc.path}: {exc.reason}", file=sys.stderr)
            continue
        except Exception as exc:  # a bug must not stop the other files, nor show a traceback
            failures += 1
            print(f"directives: {path}: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
            continue
        message = edxml_message(record, settings.edxml_organ_ids)
        target = out / f"{path.stem}.edxml"
        target.write_bytes(message.xml)
        for warning in message.warnings:
            print(f"directives: {path}: {warning}", file=sys.stderr)
        print(target)
    return 1 if failures else 0
