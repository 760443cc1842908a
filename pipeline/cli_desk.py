"""``directives desk``: the clerk's desk, and what goes with it.

    directives desk [--host 127.0.0.1] [--port 8765]   serve the desk (pipeline.desk)
    directives desk export-gold DIR                   confirmed records as gold records, to score
    directives desk hash-password                     a password hash for the desk_users setting

Bound to 127.0.0.1 (the default) the desk needs no sign-in. Bound to any other address it
refuses to start until ``desk_users`` holds at least one user, so the office network never gets
a desk anyone can confirm records on.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from pipeline.cli_api import is_loopback


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``desk`` to the ``directives`` command."""
    p = subparsers.add_parser(
        "desk",
        help="serve the clerk's desk: review and confirm records, the register of incoming documents, deadlines",
        description="Serve the clerk's desk (Vietnamese web pages) over the store the inbox and batch write. "
        "Listening beyond 127.0.0.1 needs at least one user in the desk_users setting.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.set_defaults(func=cmd_desk)
    steps = p.add_subparsers(dest="desk_command")
    g = steps.add_parser(
        "export-gold",
        help="write every confirmed record as a gold record (DIR/gold) beside the machine's reading (DIR/extracted)",
        description="Score the extractor on the office's own documents: "
        "python ../shared/tools/score.py DIR/gold DIR/extracted",
    )
    g.add_argument("out", type=Path, metavar="DIR")
    g.set_defaults(func=cmd_export_gold)
    h = steps.add_parser("hash-password", help="print the hash of a password, for desk_users")
    h.add_argument("--stdin", action="store_true", help="read the password from standard input (one line)")
    h.set_defaults(func=cmd_hash_password)


def _settings() -> Any:
    from pipeline.settings import SettingsError, get_settings

    try:
        return get_settings()
    except SettingsError as exc:
        print(f"directives: {exc}", file=sys.stderr)
        return None


def cmd_desk(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return 2
    if not is_loopback(args.host) and not settings.desk_users:
        print(
            f"directives: refusing to serve the desk on {args.host} without users: add one to desk_users "
            "(directives desk hash-password gives the hash) / không mở bàn văn thư ra mạng khi chưa khai báo "
            "người dùng (desk_users)",
            file=sys.stderr,
        )
        return 2
    import uvicorn

    from pipeline.desk.app import create_app

    app = create_app(settings)
    login = "sign-in required" if settings.desk_users else "no sign-in: this machine only"
    print(f"directives: desk on http://{args.host}:{args.port} ({login})", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def cmd_export_gold(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return 2
    from pipeline.desk.gold import export_gold
    from pipeline.store import Store, store_url

    with Store(store_url(settings)) as store:
        names = export_gold(store, args.out)
    print(f"directives: {len(names)} confirmed document(s) → {args.out}/gold, {args.out}/extracted", file=sys.stderr)
    for name in names:
        print(name)
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    from pipeline.desk.auth import hash_password

    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mật khẩu / password: ")
        if getpass.getpass("Nhập lại / again: ") != password:
            print("directives: the two passwords differ", file=sys.stderr)
            return 1
    if not password:
        print("directives: empty password", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0
