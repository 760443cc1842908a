"""The ``directives`` command: a thin layer over the library.

    directives extract FILE... [--format json|jsonl] [--out DIR]
                                    (several records: one JSON array, or JSON Lines)
    directives schema
    directives layout FILE          (how the reader saw the page: zones and paragraphs)
    directives annotate FILE --html OUT  (the desk's document view of FILE as a standalone page)
    directives watch / batch / serve (see ``pipeline.cli_flows``)
    directives api / export edxml (see ``pipeline.cli_api``)
    directives desk [export-gold DIR | hash-password] (see ``pipeline.cli_desk``)

A file that cannot be read gives one line on stderr naming the file and the reason, the other
files are still processed, and the exit status is 1. No traceback reaches the user. Symbolic
links are not followed (the same rule as the batch and the inbox).
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


def _free_record_name(out_dir: Path, wanted: Path, source: Path) -> Path:
    """``wanted`` in ``out_dir``, unless it holds the record of another input: then ``NAME (2).json``...

    A re-run for the same input replaces its record; a record of another file is never overwritten.
    """
    from pipeline.filenames import fit

    candidate, n = out_dir / wanted, 2
    while candidate.exists():
        try:
            held = json.loads(candidate.read_text(encoding="utf-8"))["source"]["path"]
        except (OSError, ValueError, KeyError, TypeError):
            held = None
        if held == str(source):
            return candidate
        candidate = out_dir / wanted.parent / fit(wanted.stem, f" ({n}).json")
        n += 1
    return candidate


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline import extract, limits
    from pipeline.inputs import refuse_irregular

    if limits.settings_given():  # else limits.current() is the defaults, without loading pydantic-settings
        from pipeline.settings import SettingsError, get_settings

        try:
            limits.configure(limits.Limits.from_settings(get_settings()))
        except SettingsError as exc:
            print(f"directives: {exc}", file=sys.stderr)
            return 2
    paths = [Path(name) for name in args.files]
    failures = 0
    out_dir: Path | None = args.out
    names: dict[Path, Path] = {}
    if out_dir:
        from pipeline.batch import output_names  # (the batch's module: its workers and sinks cost ~0.03 s)

        names = output_names(paths, None)  # cv-khan.pdf.json and cv-khan.docx.json when stems meet
        out_dir.mkdir(parents=True, exist_ok=True)
    jsonl_out = None
    if out_dir and args.format == "jsonl":
        jsonl_out = (out_dir / "records.jsonl").open("a", encoding="utf-8")
    # several records on stdout are one JSON array, printed as each is read
    array = args.format == "json" and not out_dir and len(paths) > 1
    printed = 0
    if array:
        print("[")
    try:
        for path in paths:
            try:
                refuse_irregular(path)  # a symbolic link is not followed, here as in a batch
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
                continue
            text = _record_json(record, 1)
            if out_dir:
                target = _free_record_name(out_dir, names[path], path)
                try:
                    from pipeline.sinks.base import atomic_write_text

                    atomic_write_text(target, text + "\n")
                except OSError as exc:
                    failures += 1
                    print(f"directives: {path}: cannot write {target} ({exc.strerror or exc})", file=sys.stderr)
            elif array:
                print(("," if printed else "") + text)
                printed += 1
            else:
                print(text)
    finally:
        if array:
            print("]")
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


# this module's own commands; the others are registered by pipeline.cli_flows, cli_api and cli_desk
OWN_COMMANDS = ("extract", "schema", "layout", "annotate")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``directives`` parser; for ``command``, one of :data:`OWN_COMMANDS`, without the other modules'
    commands (importing them to register theirs costs ~10 ms, a twentieth of a one-page extract)."""
    parser = argparse.ArgumentParser(
        prog="directives",
        description="Read Vietnamese official documents (PDF, DOCX, text) into structured records.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "extract",
        help="print the record of each FILE",
        description="Print the record of each FILE: one JSON object for one file, one JSON array for "
        "several, or one line each with --format jsonl. With --out, NAME.json per file (NAME.pdf.json "
        "when two files share a stem; a record of another input is never overwritten).",
    )
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
    if command in OWN_COMMANDS:
        return parser

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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv[0] if argv else None)
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passthrough", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra  # `directives worker` hands what it does not know to `prefect worker start`
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
