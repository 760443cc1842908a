"""Benchmark reading born-digital PDFs against PDFium's plain text (đo tốc độ đọc PDF), by page count.

Builds PDFs of 1, 10, 50 and 200 pages by concatenating the pages of the born-digital samples and corpus
PDFs (pypdfium2's ``import_pages``), then times, in one process, interleaved so that machine noise hits
every column alike, repeated ``-n`` times (medians):

* ``pdfium``      open the file and pull every page's plain text with pypdfium2 (the floor);
* ``engine``      the words, boxes, fonts, rules and images of every page (``page_words``);
* ``lines``       those words into the positioned lines of the contract (``to_lines``): with ``engine``,
  :func:`read_pdf_lines`;
* ``zones``       the document grammar over the lines (``pipeline.grammar.layout``);
* ``extractors``  every extractor over the zoned layout (``extract_layout``);
* ``extract``     the whole :func:`pipeline.extract` (read, zones, extractors, the record), timed apart.

    .venv/bin/python bench/bench_pdf.py                        # 1, 10, 50, 200 pages, 5 runs
    .venv/bin/python bench/bench_pdf.py --pages 1 10 -n 9 --json bench/results/pdf.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from models import Source  # noqa: E402
from pipeline.readers.pdf import page_words, to_lines  # noqa: E402
from pipeline.stages import extract, extract_layout  # noqa: E402


def pdfium_text(path: Path) -> int:
    """The floor: open and pull every page's text, nothing else."""
    doc = pdfium.PdfDocument(str(path))
    chars = 0
    for page in doc:
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
    doc.close()
    return chars


def sources() -> list[Path]:
    """The born-digital samples and corpus PDFs that extract without an error (a document the extractors
    fail on would stop every run it is part of)."""
    files = sorted((ROOT / "samples").glob("*.pdf"))
    corpus = ROOT.parent / "shared" / "corpus" / "docs"
    if corpus.is_dir():
        files += sorted(corpus.glob("*-pdf.pdf"))
    ok = []
    for path in files:
        try:
            extract(path)
        except Exception as exc:  # an extractor's bug is reported, not benchmarked
            print(f"(left out {path.name}: {type(exc).__name__}: {exc})", file=sys.stderr)
            continue
        ok.append(path)
    return ok


def build(pages: int, into: Path) -> Path:
    """A born-digital PDF of ``pages`` pages, the source PDFs' pages one after the other."""
    out = pdfium.PdfDocument.new()
    files = sources()
    k = 0
    while len(out) < pages:
        src = pdfium.PdfDocument(str(files[k % len(files)]))
        out.import_pages(src, list(range(min(len(src), pages - len(out)))))
        src.close()
        k += 1
    path = into / f"bench-{pages}.pdf"
    out.save(str(path))
    out.close()
    return path


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return (time.perf_counter() - start) * 1000, value


COLUMNS = ["pdfium", "engine", "lines", "zones", "extractors", "extract"]


def measure(path: Path) -> dict[str, float]:
    from pipeline.grammar import layout as grammar

    source = Source(path=str(path), sha256="0" * 64, media_type="application/pdf")
    got: dict[str, float] = {}
    got["pdfium"], _ = timed(lambda: pdfium_text(path))
    got["engine"], pages = timed(lambda: page_words(path))
    got["lines"], lines = timed(lambda: to_lines(pages, path))  # type: ignore[arg-type]
    got["zones"], zoned = timed(lambda: grammar(lines))  # type: ignore[arg-type]
    got["extractors"], _ = timed(lambda: extract_layout(zoned, source))  # type: ignore[arg-type]
    got["extract"], _ = timed(lambda: extract(path))
    return got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="*", type=int, default=[1, 10, 50, 200])
    parser.add_argument("-n", "--repeat", type=int, default=5, help="runs per page count (default 5)")
    parser.add_argument("--json", type=Path, help="also save the results as JSON here")
    args = parser.parse_args(argv)

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {n: build(n, Path(tmp)) for n in args.pages}
        for path in paths.values():  # warm every code path: imports, the NLP models, font caches
            measure(path)
        samples: dict[int, list[dict[str, float]]] = {n: [] for n in args.pages}
        for _ in range(args.repeat):
            for n, path in paths.items():
                samples[n].append(measure(path))
        for n in args.pages:
            medians = {c: statistics.median(s[c] for s in samples[n]) for c in COLUMNS}
            rows.append({"pages": n, "ms": medians})

    print(f"median ms over {args.repeat} runs (ratio to pdfium); read = engine + lines")
    head = f"{'pages':>6}" + "".join(f"{c:>18}" for c in COLUMNS) + f"{'read+zones+extr.':>20}"
    print(head)
    for row in rows:
        ms = row["ms"]
        floor = ms["pdfium"]
        whole = ms["engine"] + ms["lines"] + ms["zones"] + ms["extractors"]
        row["grammar_extract_ms"] = whole
        line = f"{row['pages']:>6}" + "".join(f"{ms[c]:>10.1f} ({ms[c] / floor:4.1f}×)" for c in COLUMNS)
        line += f"{whole:>12.1f} ({whole / floor:4.1f}×)"
        print(line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"repeat": args.repeat, "rows": rows}, indent=2), encoding="utf-8")
        print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
