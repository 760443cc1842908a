"""Corpus figures, per form: extract every document of ``../shared/corpus/docs`` and score each form apart.

    .venv/bin/python bench/corpus.py                     # every form, table of headline figures
    .venv/bin/python bench/corpus.py --forms text docx   # some forms only
    .venv/bin/python bench/corpus.py --verbose           # and score.py's per-document misses
    .venv/bin/python bench/corpus.py --json bench/results/corpus.json

Forms (see ``../shared/corpus/README.md``):

=========  ==========================================================================
form       documents
=========  ==========================================================================
text       ``rNNN.txt`` and ``seed003.txt``: the text exactly as it was found
docx       ``*-docx.docx``: rendered in the standard form, through LibreOffice
pdf        ``*-pdf.pdf``: the same, born-digital PDF
scan       ``*-scan.pdf``: image-only renderings, plus the real scan ``kh753-scan.pdf``
real-pdf   the other PDFs, as received from government portals; scored again in two parts:
           ``real-digital`` (their text layer read) and ``real-scan`` (their body read by OCR,
           told by the record's scan warning), since the issue's figures hold scans apart
=========  ==========================================================================

Records are made in a pool of processes (one document each, with the library's ``extract``);
a document that fails or raises counts as a missing prediction and is listed with its reason.
The predictions stay in ``--keep DIR`` (default: a temporary folder) for ``score.py --verbose``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SCORE = SHARED / "tools" / "score.py"
FORMS = ("text", "docx", "pdf", "scan", "real-pdf")
# the real PDFs again, by how their body was read (the record's scan warning says OCR read it)
SUBFORMS = {"real-pdf": ("real-digital", "real-scan")}
SCAN_WARNING = "Văn bản quét"


def form_of(name: str) -> str:
    if name.endswith("-docx"):
        return "docx"
    if name.endswith("-pdf"):
        return "pdf"
    if name.endswith("-scan"):
        return "scan"
    if (name[:1] == "r" and name[1:4].isdigit()) or name.startswith("seed"):
        return "text"
    return "real-pdf"


def _extract_one(path: str) -> tuple[str, str | None, str | None, float]:
    """(name, record JSON or None, error or None, seconds)."""
    sys.path.insert(0, str(ROOT))
    from pipeline import extract
    from pipeline.errors import DirectivesError

    name = Path(path).stem
    t0 = time.perf_counter()
    try:
        record = extract(path)
        return name, record.model_dump_json(indent=1), None, time.perf_counter() - t0
    except DirectivesError as exc:
        return name, None, f"failed: {exc.reason}", time.perf_counter() - t0
    except Exception as exc:  # an internal error: counted apart
        return name, None, f"INTERNAL {type(exc).__name__}: {exc}", time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--forms", nargs="*", default=list(FORMS), choices=FORMS)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the predictions here (PRED/FORM/NAME.json)")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--json", type=Path, help="write the figures per form here")
    ap.add_argument("--only", nargs="*", help="document names (stems) to run, e.g. r004 r004-pdf")
    args = ap.parse_args(argv)
    if not (CORPUS / "gold").is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2

    docs = sorted(
        p
        for p in (CORPUS / "docs").iterdir()
        if (CORPUS / "gold" / f"{p.stem}.gold.json").exists() and form_of(p.stem) in args.forms
    )
    if args.only:
        docs = [p for p in docs if p.stem in set(args.only)]
    keep = args.keep or Path(tempfile.mkdtemp(prefix="corpus-"))
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(SHARED / "tools"))
    import score  # type: ignore[import-not-found]

    errors: dict[str, str] = {}
    seconds: dict[str, float] = {}
    with ProcessPoolExecutor(args.workers) as pool:
        # slow scans first, so the pool stays busy
        order = sorted(docs, key=lambda p: form_of(p.stem) not in ("scan", "real-pdf"))
        for name, record, error, secs in pool.map(_extract_one, [str(p) for p in order]):
            form = form_of(name)
            seconds[name] = secs
            gold_dir, pred_dir = keep / form / "gold", keep / form / "pred"
            gold_dir.mkdir(parents=True, exist_ok=True)
            pred_dir.mkdir(parents=True, exist_ok=True)
            (gold_dir / f"{name}.gold.json").write_bytes((CORPUS / "gold" / f"{name}.gold.json").read_bytes())
            if record is None:
                errors[name] = error or "?"
                continue
            (pred_dir / f"{name}.json").write_text(record + "\n", encoding="utf-8")
            if form in SUBFORMS:
                scanned = any(w.startswith(SCAN_WARNING) for w in json.loads(record).get("warnings", []))
                sub = SUBFORMS[form][1 if scanned else 0]
                for kind, text in (("gold", (gold_dir / f"{name}.gold.json").read_text(encoding="utf-8")),):
                    (keep / sub / kind).mkdir(parents=True, exist_ok=True)
                    (keep / sub / kind / f"{name}.gold.json").write_text(text, encoding="utf-8")
                (keep / sub / "pred").mkdir(parents=True, exist_ok=True)
                (keep / sub / "pred" / f"{name}.json").write_text(record + "\n", encoding="utf-8")

    figures: dict[str, dict[str, object]] = {}
    print(
        f"{'form':<13}{'docs':>5} {'header':>7} {'recip':>6} {'noinh':>6} {'refs':>6} {'rdate':>6} {'riss':>6} "
        f"{'tasks':>6} {'lead':>6} {'supp':>6} {'dl':>6} {'fail':>5}"
    )
    for form in [part for name in args.forms for part in (name, *SUBFORMS.get(name, ()))]:
        if not (keep / form).is_dir():
            continue
        r = score.score(keep / form / "gold", keep / form / "pred")
        failed = sorted(n for n in errors if form_of(n) == form)  # (a sub-form's failures are its form's)
        fig = {
            "documents": r["documents"],
            "header": r["header_accuracy"],
            "recipients": r["lists_f1"]["recipients"],
            "distribution": r["lists_f1"]["distribution"],
            "references": r["references_prf"][2],
            "reference_date": r["reference_date_accuracy"],
            "reference_issuer": r["reference_issuer_accuracy"],
            "tasks": r["tasks_prf"][2],
            "lead": r["task_lead_f1"],
            "support": r["task_support_f1"],
            "deadline": r["task_deadline_accuracy"],
            "failed": {n: errors[n] for n in failed},
        }
        figures[form] = fig
        print(
            f"{form:<13}{r['documents']:>5} "
            + " ".join(
                f"{float(fig[k]):6.3f}"  # type: ignore[arg-type]
                for k in (
                    "header",
                    "recipients",
                    "distribution",
                    "references",
                    "reference_date",
                    "reference_issuer",
                    "tasks",
                    "lead",
                    "support",
                    "deadline",
                )
            )
            + f" {len(failed):>5}"
        )
        if args.verbose:
            subprocess.run(
                [sys.executable, str(SCORE), str(keep / form / "gold"), str(keep / form / "pred"), "--verbose"],
                check=False,
            )
    for name, err in sorted(errors.items()):
        print(f"  {name}: {err}")
    internal = sum(1 for e in errors.values() if e.startswith("INTERNAL"))
    print(f"internal errors: {internal}; predictions in {keep}")
    if args.json:
        args.json.write_text(
            json.dumps({"figures": figures, "seconds": seconds}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
