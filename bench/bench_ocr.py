"""Benchmark the OCR reader against plain tesseract on the same pages (đo tốc độ đọc bản quét).

For each scanned PDF (default: the OCR fixtures and the corpus scans), interleaved, repeated ``-n``
times (medians, seconds per page):

* ``tesseract``  what a user would run by hand: every page rendered at 300 dpi in grey with pypdfium2,
  then ``tesseract PAGE.png - -l vie --psm 3`` (the command-line program, one page after the other,
  its default threads);
* ``read``       :func:`pipeline.readers.pdf.read_pdf_lines`: render, table rules, OCR (pages in
  parallel), the receiving stamp, the handwritten blanks and the lines.

    .venv/bin/python bench/bench_ocr.py                  # fixtures + corpus scans, 3 runs
    .venv/bin/python bench/bench_ocr.py -n 1 a.pdf --json bench/results/ocr.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from pipeline.readers.pdf import read_pdf_lines  # noqa: E402


def default_files() -> list[Path]:
    files = [
        ROOT / "tests" / "fixtures" / "ocr" / "portal-scan.pdf",
        ROOT / "tests" / "fixtures" / "ocr" / "task_table-scan.pdf",
    ]
    corpus = ROOT.parent / "shared" / "corpus" / "docs"
    if corpus.is_dir():
        files += [*sorted(corpus.glob("*-scan.pdf")), corpus / "nq_115_ba_vi.pdf", corpus / "tt_37_bca_vehicle.pdf"]
    return [f for f in files if f.is_file()]


def plain_tesseract(path: Path) -> int:
    """Render every page at 300 dpi in grey and run the tesseract program on each, one after the other."""
    doc = pdfium.PdfDocument(str(path))
    chars = 0
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(len(doc)):
            page = doc[index]
            image = Path(tmp) / f"{index}.png"
            page.render(scale=300 / 72, grayscale=True).to_pil().save(image)
            page.close()
            out = subprocess.run(
                ["tesseract", str(image), "-", "-l", "vie", "--psm", "3"], capture_output=True, check=True
            )
            chars += len(out.stdout)
    doc.close()
    return chars


def timed(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("-n", "--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    files = args.files or default_files()
    read_pdf_lines(files[0])  # imports, tesseract's first start
    rows = []
    for path in files:
        doc = pdfium.PdfDocument(str(path))
        pages = len(doc)
        doc.close()
        plain, ours = [], []
        for _ in range(args.repeat):
            plain.append(timed(plain_tesseract, path))
            ours.append(timed(read_pdf_lines, path))
        rows.append(
            {"file": path.name, "pages": pages, "tesseract": statistics.median(plain), "read": statistics.median(ours)}
        )
    print(f"median seconds over {args.repeat} runs")
    print(f"{'file':<28}{'pages':>6}{'tesseract':>12}{'read':>10}{'read/tesseract':>16}")
    for row in rows:
        print(
            f"{row['file'][:27]:<28}{row['pages']:>6}{row['tesseract']:>12.2f}{row['read']:>10.2f}"
            f"{row['read'] / row['tesseract']:>15.2f}×"
        )
    total_plain = sum(r["tesseract"] for r in rows)
    total_read = sum(r["read"] for r in rows)
    pages = sum(r["pages"] for r in rows)
    print(f"{'ALL':<28}{pages:>6}{total_plain:>12.2f}{total_read:>10.2f}{total_read / total_plain:>15.2f}×")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"repeat": args.repeat, "files": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
