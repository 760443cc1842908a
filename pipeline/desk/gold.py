"""Corrections become measurements: confirmed records written as the corpus's gold records.

``directives desk export-gold DIR`` writes, for every document a clerk confirmed,

* ``DIR/gold/NAME.gold.json``: the confirmed record in the gold format of ``shared/corpus/gold``
  (the contract's fields, no source, spans, ids or canonical names);
* ``DIR/extracted/NAME.json``: the record as the machine read it before the clerk's correction,

so ``python shared/tools/score.py DIR/gold DIR/extracted`` measures the extractor on the office's
own documents. NAME is the file's name and the document's id ("cong-van-125-5f389a15"), unique
and stable: exporting again rewrites the same files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from models import Record
from pipeline.desk.revisions import EvaluationCase, evaluation_cases
from pipeline.sinks import atomic_write_bytes
from pipeline.store import Store

GOLD_TASK_FIELDS = ("ordinal", "text", "lead", "support", "deadline", "recurrence", "report_to")
GOLD_REFERENCE_FIELDS = ("doc_type", "code", "issued_date", "issuer", "mentions")


def gold_of(record: Record) -> dict[str, Any]:
    """A record in the gold format (``shared/spec/record.md`` fields only, as the corpus writes them)."""
    data = record.model_dump(mode="json")
    return {
        "schema_version": data["schema_version"],
        "issuer": data["issuer"],
        "doc_type": data["doc_type"],
        "number": data["number"],
        "symbol": data["symbol"],
        "code": data["code"],
        "place": data["place"],
        "issued_date": data["issued_date"],
        "subject": data["subject"],
        "urgency": data["urgency"],
        "confidentiality": data["confidentiality"],
        "recipients": data["recipients"],
        "references": [{k: r[k] for k in GOLD_REFERENCE_FIELDS} for r in data["references"]],
        "tasks": [{k: t[k] for k in GOLD_TASK_FIELDS} for t in data["tasks"]],
        "signer": data["signer"],
        "distribution": data["distribution"],
    }


def case_name(case: EvaluationCase) -> str:
    stem = Path(case.confirmed.source.path).stem
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-") or "document"
    return f"{stem}-{case.document_id[:8]}"


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def export_gold(store: Store, out: Path) -> list[str]:
    """Write every evaluation case under ``out``; the names written, in register order."""
    names = []
    for case in evaluation_cases(store):
        name = case_name(case)
        atomic_write_bytes(out / "gold" / f"{name}.gold.json", _json(gold_of(case.confirmed)))
        atomic_write_bytes(out / "extracted" / f"{name}.json", _json(case.extracted.model_dump(mode="json")))
        names.append(name)
    return names
