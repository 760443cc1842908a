"""Where a born-digital PDF's extract time goes: reading against the extractors (đo thời gian từng bước).

For each born-digital PDF (default: ``samples/*.pdf`` and the corpus's ``*-pdf.pdf`` and real PDFs that have
a text layer; image-only files are skipped: their time is OCR's), in one process, interleaved, repeated N
times, it times one pass of what :func:`pipeline.stages.extract_layout` runs:

* ``read``      :func:`pipeline.readers.read` (the reader's lines and the grammar's zones);
* ``header`` ``recipients`` ``signer`` ``distribution`` ``references`` ``tasks``: each extractor on that layout.

Prints medians in ms per page, and the extractors' share of the whole (target: below a quarter), the
tasks stage's share apart; ``--json FILE`` saves them. Caches of the extractors (gazetteer lookups,
underthesea tags of a phrase) are cleared before every run, so a repeat costs what a new document would;
``--warm`` keeps them, as a batch that has seen the same agencies before does.

    .venv/bin/python bench/bench_stages.py                  # samples + corpus born-digital PDFs
    .venv/bin/python bench/bench_stages.py -n 7 --json bench/results/stages.json
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors import (  # noqa: E402
    agencies,
    distribution,
    header,
    numbering,
    recipients,
    references,
    signer,
    tasks,
)
from extractors.tasks import attributes, clauses, cues, find, tables  # noqa: E402
from pipeline.errors import DirectivesError  # noqa: E402
from pipeline.layout import Layout  # noqa: E402
from pipeline.readers import read  # noqa: E402

STAGES = ("read", "header", "recipients", "signer", "distribution", "references", "tasks")
EXTRACTORS = STAGES[1:]


def default_files() -> list[Path]:
    files = sorted((ROOT / "samples").glob("*.pdf"))
    corpus = ROOT.parent / "shared" / "corpus" / "docs"
    if corpus.is_dir():
        files += sorted(p for p in corpus.glob("*.pdf") if not p.stem.endswith("-scan"))
    return files


def _clear_caches() -> None:
    """Forget what earlier documents taught the extractors' caches (a new document starts cold)."""
    for module in (agencies, numbering, clauses, cues, attributes, find, tables):
        for value in vars(module).values():
            # lru caches hold what one document taught; @cache ones hold the language data, loaded once
            if isinstance(value, functools._lru_cache_wrapper) and value.cache_parameters()["maxsize"] is not None:
                value.cache_clear()


def one_pass(path: Path, cold: bool = True) -> dict[str, float]:
    """ms spent in each stage of one extract of ``path`` (``cold``: with the extractors' caches cleared)."""
    if cold:
        _clear_caches()
    out: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = fn()
        out[name] = (time.perf_counter() - start) * 1000
        return value

    layout: Layout = timed("read", lambda: _read(path))
    head = timed("header", lambda: header.extract(layout))
    addressees = timed("recipients", lambda: recipients.extract(layout))
    timed("signer", lambda: signer.extract(layout))
    timed("distribution", lambda: distribution.extract(layout))
    timed("references", lambda: references.extract(layout, subject=head.subject, own_code=head.code))
    timed(
        "tasks",
        lambda: tasks.extract(
            layout,
            key="0" * 64,
            year=tasks.document_year(head.issued_date, layout),
            recipients=addressees,
            doc_type=head.doc_type,
            issuer=head.issuer.name,
        ),
    )
    return out


def _read(path: Path) -> Layout:
    """The reader and the grammar: everything before the first extractor."""
    return read(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="PDFs (default: samples + corpus born-digital PDFs)")
    parser.add_argument("-n", "--repeat", type=int, default=5, help="runs per file (default 5)")
    parser.add_argument("--json", type=Path, help="also save the results as JSON here")
    parser.add_argument(
        "--warm", action="store_true", help="keep the caches between runs (a batch that saw these names before)"
    )
    args = parser.parse_args(argv)

    files: list[tuple[Path, int]] = []
    for path in args.files or default_files():
        try:
            layout = read(path)
            if layout.scanned:
                print(f"skip {path.name}: image only (OCR)", file=sys.stderr)
                continue
            one_pass(path)  # warm: imports, models, font caches
        except DirectivesError as exc:
            print(f"skip {path.name}: {exc.reason}", file=sys.stderr)
            continue
        files.append((path, layout.pages or 1))
    if not files:
        parser.error("no born-digital PDFs to measure")

    samples: dict[str, dict[str, list[float]]] = {p.name: {s: [] for s in STAGES} for p, _ in files}
    gc.disable()  # a collection in the middle of one stage would charge it to that stage
    try:
        for _ in range(args.repeat):
            for path, _pages in files:
                for stage, ms in one_pass(path, cold=not args.warm).items():
                    samples[path.name][stage].append(ms)
                gc.collect()
    finally:
        gc.enable()

    rows: list[dict[str, Any]] = []
    for path, pages in files:
        medians = {s: statistics.median(v) / pages for s, v in samples[path.name].items()}
        rows.append({"file": path.name, "pages": pages, "ms_per_page": medians})
    total_pages = sum(r["pages"] for r in rows)
    overall = {s: sum(r["ms_per_page"][s] * r["pages"] for r in rows) / total_pages for s in STAGES}

    def share(ms: dict[str, float], stages: tuple[str, ...]) -> float:
        return sum(ms[s] for s in stages) / sum(ms.values())

    state = "warm caches" if args.warm else "caches cleared before each document"
    print(f"median ms per page over {args.repeat} runs, {state}; share = extractors / (read + extractors)")
    head = f"{'file':<24}{'pages':>6}" + "".join(f"{s[:10]:>11}" for s in STAGES) + f"{'share':>8}{'tasks':>8}"
    print(head)
    for row in rows:
        ms = row["ms_per_page"]
        line = f"{row['file'][:23]:<24}{row['pages']:>6}" + "".join(f"{ms[s]:>11.2f}" for s in STAGES)
        print(line + f"{share(ms, EXTRACTORS):>8.2f}{share(ms, ('tasks',)):>8.2f}")
    line = f"{'ALL (page-weighted)':<24}{total_pages:>6}" + "".join(f"{overall[s]:>11.2f}" for s in STAGES)
    print(line + f"{share(overall, EXTRACTORS):>8.2f}{share(overall, ('tasks',)):>8.2f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {
            "repeat": args.repeat,
            "warm": args.warm,
            "files": rows,
            "overall_ms_per_page": overall,
            "extractors_share": share(overall, EXTRACTORS),
            "tasks_share": share(overall, ("tasks",)),
        }
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
