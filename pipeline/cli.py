"""The ``directives`` command: a thin layer over the library.

    directives extract FILE... [--format json|jsonl] [--out DIR]
    directives schema
    directives layout FILE          (how the reader saw the page: zones and paragraphs)
    directives annotate FILE --html OUT  (the desk's document view of FILE as a standalone page)
    directives watch / batch / serve (see ``pipeline.cli_flows``)
    directives api / export edxml (see ``pipeline.cli_api``)
    directives desk [export-gold DIR | hash-password] (see ``pipeline.cli_desk``)

A file that cannot be read gives one line on stderr naming the file and the reason, the other
files are still processed, and the exit status is 1. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import DirectivesError


def _record_json(record: object, indent: int | None) -> str:
    from models import Record

    assert isinstance(record, Record)
    return record.model_dump_json(indent=indent)


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline import extract

    failures = 0
    out_dir: Path | None = args.out
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    jsonl_out = None
    if out_dir and args.format == "jsonl":
        jsonl_out = (out_dir / "records.jsonl").open("a", encoding="utf-8")
    try:
        for name in args.files:
            path = Path(name)
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
            if args.format == "jsonl":
                line = _record_json(record, None)
                if jsonl_out:
                    jsonl_out.write(line + "\n")
                else:
                    print(line)
            else:
                text = _record_json(record, 1)
                if out_dir:
                    (out_dir / f"{path.stem}.json").write_text(text + "\n", encoding="utf-8")
                else:
                    print(text)
    finally:
        if jsonl_out:
            jsonl_out.close()
    return 1 if failures else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from models import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=1))
    return 0


def cmd_layout(args: argparse.Namespace) -> int:
    from pipeline import read

    try:
        layout = read(args.file)
    except DirectivesError as exc:
        print(f"directives: {exc.path}: {exc.reason}", file=sys.stderr)
        return 1
    for p in layout.paragraphs:
        note = f"[{p.note}]" if p.note else ""
        print(f"{p.zone:<13} {note}{' | '.join(p.lines) if p.zone != 'body' else p.text}")
    for w in layout.warnings:
        print(f"warning: {w}")
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    from pipeline.annotate import review_html
    from pipeline.stages import read_and_extract

    try:
        layout, record = read_and_extract(args.file)
    except DirectivesError as exc:
        print(f"directives: {exc.path}: {exc.reason}", file=sys.stderr)
        return 1
    html = review_html(layout, record)
    if args.html:
        args.html.write_text(html, encoding="utf-8")
    else:
        print(html)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="directives",
        description="Read Vietnamese official documents (PDF, DOCX, text) into structured records.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print the record of each FILE")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=["json", "jsonl"], default="json")
    p.add_argument("--out", type=Path, help="write NAME.json per file (or records.jsonl) into DIR")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("schema", help="print the JSON Schema of the record")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("layout", help="show how the reader laid out FILE (zones and paragraphs)")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_layout)

    p = sub.add_parser(
        "annotate", help="the record shown in its source: the desk's document view as a standalone HTML page"
    )
    p.add_argument("file", type=Path)
    p.add_argument("--html", type=Path, help="write the page here (default: stdout)")
    p.set_defaults(func=cmd_annotate)

    try:
        from pipeline import cli_flows
    except ImportError:
        cli_flows = None  # type: ignore[assignment]
    if cli_flows is not None:
        cli_flows.register(sub)
    from pipeline import cli_api  # directives api / export edxml

    cli_api.register(sub)
    from pipeline import cli_desk  # directives desk

    cli_desk.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
