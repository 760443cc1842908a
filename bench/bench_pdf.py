"""Benchmark the PDF reader against PDFium's plain text extraction (đo tốc độ đọc PDF).

For each born-digital PDF, in one process and interleaved so machine noise hits every
measurement alike, repeated N times:

* ``pdfium``   open the file and pull every page's plain text with pypdfium2 (the floor);
* ``read/E``   :func:`pipeline.readers.pdf.read_pdf` with engine E (pypdfium2, pdfplumber);
* ``header``   the header record alone (read, zones, header, recipients, signer, Nơi nhận);
* ``extract``  the whole :func:`pipeline.stages.extract` (reading, every extractor, NLP),
  when the pipeline imports.

Prints medians in ms per page and the ratios to ``pdfium``; ``--json FILE`` saves them.

    .venv/bin/python bench/bench_pdf.py                 # samples/*.pdf + corpus docs
    .venv/bin/python bench/bench_pdf.py -n 9 a.pdf b.pdf --json bench/results/pdf.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers.pdf import ENGINES, read_pdf  # noqa: E402


def pdfium_text(path: Path) -> int:
    """The floor: open and pull every page's text, nothing else."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    chars = 0
    for page in doc:
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
    doc.close()
    return chars


def default_files() -> list[Path]:
    files = sorted((ROOT / "samples").glob("*.pdf"))
    corpus = ROOT.parent / "shared" / "corpus" / "docs"
    files += sorted(corpus.glob("*.pdf")) if corpus.is_dir() else []
    return files


def timed(fn: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def header_record(path: Path) -> object:
    """The header record alone (issue 2's figure): read, zones, header, recipients, signer, Nơi nhận."""
    from extractors import distribution, header, recipients, signer

    layout = read_pdf(path)
    return header.extract(layout), recipients.extract(layout), signer.extract(layout), distribution.extract(layout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="born-digital PDFs (default: samples + corpus docs)")
    parser.add_argument("-n", "--repeat", type=int, default=5, help="runs per file (default 5)")
    parser.add_argument("--json", type=Path, help="also save the results as JSON here")
    parser.add_argument("--no-extract", action="store_true", help="skip the whole-pipeline timing")
    args = parser.parse_args(argv)
    files = args.files or default_files()
    if not files:
        parser.error("no PDFs given and none found in samples/ or the corpus")

    extract: Callable[[Path], object] | None = None
    header: Callable[[Path], object] | None = None
    if not args.no_extract:
        try:
            from pipeline.stages import extract as _extract

            extract = _extract
            header = header_record
        except Exception as exc:  # the pipeline may be mid-build; the reader bench still runs
            print(f"(extract() unavailable: {exc})", file=sys.stderr)

    # warm every code path once: imports, spaCy/underthesea models, font caches
    for path in files:
        pdfium_text(path)
        for engine in ENGINES:
            read_pdf(path, engine=engine)
        if extract is not None and header is not None:
            extract(path)
            header(path)

    columns = ["pdfium", *[f"read/{e}" for e in ENGINES], *(["header", "extract"] if extract else [])]
    rows: list[dict[str, Any]] = []
    for path in files:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        pages = len(doc)
        doc.close()
        samples: dict[str, list[float]] = {c: [] for c in columns}
        for _ in range(args.repeat):
            samples["pdfium"].append(timed(pdfium_text, path))
            for engine in ENGINES:
                samples[f"read/{engine}"].append(timed(read_pdf, path, engine=engine))
            if extract is not None and header is not None:
                samples["header"].append(timed(header, path))
                samples["extract"].append(timed(extract, path))
        medians = {c: statistics.median(v) / pages for c, v in samples.items()}
        rows.append({"file": path.name, "pages": pages, "ms_per_page": medians})

    def ratio(row: dict[str, Any], col: str) -> float:
        return float(row["ms_per_page"][col] / row["ms_per_page"]["pdfium"])

    head = f"{'file':<24}{'pages':>6}" + "".join(f"{c:>16}" for c in columns)
    head += "".join(f"  {c + '/pdfium':>18}" for c in columns[1:])
    print(f"median ms per page over {args.repeat} runs")
    print(head)
    for row in rows:
        line = f"{row['file'][:23]:<24}{row['pages']:>6}"
        line += "".join(f"{row['ms_per_page'][c]:>16.2f}" for c in columns)
        line += "".join(f"{ratio(row, c):>19.1f}x" for c in columns[1:])
        print(line)
    total_pages = sum(r["pages"] for r in rows)
    overall = {c: sum(r["ms_per_page"][c] * r["pages"] for r in rows) / total_pages for c in columns}
    line = f"{'ALL (page-weighted)':<24}{total_pages:>6}" + "".join(f"{overall[c]:>16.2f}" for c in columns)
    line += "".join(f"{overall[c] / overall['pdfium']:>19.1f}x" for c in columns[1:])
    print(line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {
            "repeat": args.repeat,
            "files": rows,
            "overall_ms_per_page": overall,
            "ratios": {c: overall[c] / overall["pdfium"] for c in columns[1:]},
        }
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
