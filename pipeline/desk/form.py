"""The record as a form a clerk corrects, and the form back into a record.

Field names of the posted form::

    issuer_name issuer_parent doc_type code place issued_date subject urgency confidentiality
    recipients distribution                  (one entry a line)
    signer_authority signer_title signer_name
    ref-N-doc_type ref-N-code ref-N-issued_date ref-N-issuer ref-N-from ref-N-delete
    task-N-ordinal task-N-text task-N-lead task-N-support task-N-deadline task-N-recurrence
    task-N-report_to task-N-from task-N-delete  (lead and support: one agency a line)
    arrival_date routed_to note              (the register: ngày đến, đơn vị/người nhận, ghi chú)

``*-N-from`` is the row's index in the record the form was made from (empty for a row the clerk
added), so spans, ids, aliases and canonical agency names of untouched rows are kept. Dates are
typed as a clerk writes them ("30/6/2026", "6/2026", "2026") or in ISO; the number and ký hiệu
come from the code (``extractors.header.parse_code``), so the three never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from pydantic import ValidationError

from extractors.agencies import canonical
from extractors.header import parse_code
from models import Agency, Record, Reference, Task, task_id
from models.record import Authority, Confidentiality, Urgency
from pipeline.desk.errors import FormInvalid
from pipeline.desk.marks import ref_key, task_keys
from pipeline.desk.register import clerk_date

URGENCIES: tuple[str, ...] = get_args(Urgency)
CONFIDENTIALITIES: tuple[str, ...] = get_args(Confidentiality)
AUTHORITIES: tuple[str, ...] = get_args(Authority)

HEADER_FIELDS = (
    "issuer_name",
    "issuer_parent",
    "doc_type",
    "code",
    "place",
    "issued_date",
    "subject",
    "urgency",
    "confidentiality",
    "signer_authority",
    "signer_title",
    "signer_name",
)
TASK_FIELDS = ("ordinal", "text", "lead", "support", "deadline", "recurrence", "report_to", "from", "delete")
REF_FIELDS = ("doc_type", "code", "issued_date", "issuer", "from", "delete")

# Which field a warning of the extractors is about, by how it starts (the texts are in
# extractors/header.py); a warning about a numbered section ("Mục 2: ...") goes beside that task.
WARNING_FIELDS: tuple[tuple[str, str], ...] = (
    ("Không đọc được tên cơ quan ban hành", "issuer_name"),
    ("Số văn bản", "code"),
    ("Không tìm thấy dòng 'Số:'", "code"),
    ("Ngày ban hành", "issued_date"),
    ("Không tìm thấy địa danh", "issued_date"),
    ("Không thấy tên loại", "doc_type"),
)
_SECTION_WARNING = re.compile(r"^Mục (?P<ordinal>[\w.]+):")  # "Mục 2.1: có một bảng không đọc được ..."

# "30/6/2026", "30-06-2026", "30.6.2026"; "6/2026"; ISO "2026-06-30", "2026-06", "2026"
_DMY = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$")
_MY = re.compile(r"^(?P<m>\d{1,2})[/.-](?P<y>\d{4})$")
_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


def parse_clerk_date(text: str, *, full: bool = False) -> str | None:
    """A date typed by a clerk, as ISO with reduced precision; None when blank; ValueError when wrong.

    >>> parse_clerk_date("30/6/2026"), parse_clerk_date("6/2026"), parse_clerk_date("2026-06"), parse_clerk_date(" ")
    ('2026-06-30', '2026-06', '2026-06', None)
    >>> parse_clerk_date("31/2/2026")
    Traceback (most recent call last):
    ValueError: không có ngày 31/2/2026 / no such date
    """
    text = text.strip()
    if not text:
        return None
    m = _DMY.match(text) or _ISO.match(text) or _MY.match(text)
    if m is None:
        raise ValueError(f"'{text}' không phải một ngày (ghi ngày/tháng/năm, ví dụ 30/6/2026) / not a date")
    parts = m.groupdict()
    year, month, day = int(parts["y"]), parts.get("m"), parts.get("d")
    if full and (month is None or day is None):
        raise ValueError(f"cần đủ ngày, tháng, năm (ví dụ 30/6/2026), không phải '{text}' / a full date is needed")
    try:
        if day is not None and month is not None:
            return date(year, int(month), int(day)).isoformat()
        if month is not None:
            date(year, int(month), 1)
            return f"{year:04d}-{int(month):02d}"
    except ValueError:
        raise ValueError(f"không có ngày {text} / no such date") from None
    return f"{year:04d}"


def _lines(text: str) -> list[str]:
    """One entry a line, bullets and the final ';' or '.' a clerk may type removed."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^[-–•+*]\s*", "", line.strip())
        line = re.sub(r"[;.]$", "", line).strip()
        if line:
            out.append(line)
    return out


@dataclass
class Row:
    """A reference or task row of the form: its values as typed, where it came from, its errors."""

    index: int
    key: str | None  # the mark key it shares with the source view (None for a row the clerk added)
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class FormState:
    """What the form shows: every value as a clerk reads it, errors and warnings beside the fields."""

    values: dict[str, str]
    refs: list[Row]
    tasks: list[Row]
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # field → warnings; "document" for the rest


def _warnings(record: Record, task_rows: list[Row]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    by_ordinal = {row.values["ordinal"]: row for row in task_rows}
    for warning in record.warnings:
        section = _SECTION_WARNING.match(warning)
        if section and section.group("ordinal").rstrip(".") in by_ordinal:
            by_ordinal[section.group("ordinal").rstrip(".")].warnings.append(warning)
            continue
        where = next((name for start, name in WARNING_FIELDS if warning.startswith(start)), "document")
        out.setdefault(where, []).append(warning)
    return out


def form_of(record: Record, *, arrival_date: date, routed_to: str | None, note: str | None) -> FormState:
    """The form for ``record``, with the register's fields (ngày đến, đơn vị nhận, ghi chú)."""
    values = {
        "issuer_name": record.issuer.name or "",
        "issuer_parent": record.issuer.parent or "",
        "doc_type": record.doc_type or "",
        "code": record.code or "",
        "number": record.number or "",
        "symbol": record.symbol or "",
        "place": record.place or "",
        "issued_date": clerk_date(record.issued_date),
        "subject": record.subject or "",
        "urgency": record.urgency or "",
        "confidentiality": record.confidentiality or "",
        "recipients": "\n".join(record.recipients),
        "distribution": "\n".join(record.distribution),
        "signer_authority": record.signer.authority or "",
        "signer_title": record.signer.title or "",
        "signer_name": record.signer.name or "",
        "arrival_date": clerk_date(arrival_date.isoformat()),
        "routed_to": routed_to or "",
        "note": note or "",
    }
    refs = [
        Row(
            i,
            ref_key(r.code),
            {
                "doc_type": r.doc_type or "",
                "code": r.code,
                "issued_date": clerk_date(r.issued_date),
                "issuer": r.issuer or "",
                "from": str(i),
                "delete": "",
            },
        )
        for i, r in enumerate(record.references)
    ]
    keys = task_keys(t.ordinal for t in record.tasks)
    tasks = [
        Row(
            i,
            keys[i],
            {
                "id": t.id,
                "ordinal": t.ordinal,
                "text": t.text,
                "lead": "\n".join(t.lead),
                "support": "\n".join(t.support),
                "deadline": clerk_date(t.deadline),
                "recurrence": t.recurrence or "",
                "report_to": t.report_to or "",
                "from": str(i),
                "delete": "",
            },
        )
        for i, t in enumerate(record.tasks)
    ]
    return FormState(values, refs, tasks, warnings=_warnings(record, tasks))


def _rows(data: Mapping[str, str], prefix: str, names: tuple[str, ...]) -> list[Row]:
    indexes = sorted({int(m.group(1)) for k in data if (m := re.match(rf"^{prefix}-(\d+)-", k))})
    return [Row(n, None, {name: data.get(f"{prefix}-{n}-{name}", "") for name in names}) for n in indexes]


def _copies(rows: list[Row]) -> list[Row]:
    return [Row(r.index, r.key, dict(r.values)) for r in rows]


def read_form(data: Mapping[str, str], base: Record, shown: FormState) -> FormState:
    """The posted form as typed (so a form with errors comes back with what the clerk wrote).

    A field the post does not carry at all keeps its value in ``shown`` (the form as the page
    showed it), and so do the references or the tasks when no row of them is posted: a browser
    posts every field, empty or not, so only a hand-made request leaves some out, and it must not
    erase the record's other fields by doing so.
    """
    values = {
        name: data.get(name, shown.values.get(name, "")) for name in (*HEADER_FIELDS, "recipients", "distribution")
    }
    values.update({name: data.get(name, shown.values.get(name, "")) for name in ("arrival_date", "routed_to", "note")})
    refs = _rows(data, "ref", REF_FIELDS) if any(k.startswith("ref-") for k in data) else _copies(shown.refs)
    tasks = _rows(data, "task", TASK_FIELDS) if any(k.startswith("task-") for k in data) else _copies(shown.tasks)
    for row in refs:
        row.key = ref_key(row.values["code"]) if row.values["code"] else None
    keys = task_keys(row.values["ordinal"] for row in tasks)
    for row, key in zip(tasks, keys, strict=True):
        row.key = key
    return FormState(values, refs, tasks, warnings=_warnings(base, tasks))


def _base_item(items: list[Any], raw: str) -> Any | None:
    return items[int(raw)] if raw.isdigit() and int(raw) < len(items) else None


def _agencies(names: list[str], before: list[str], found: list[Agency]) -> list[Agency]:
    """Agencies of a task with canonical names: kept for names that did not change, looked up for new ones."""
    if names == before:
        return found
    known = {a.name: a for a in found}
    return [known.get(name) or canonical(name).model_copy(update={"name": name}) for name in names]


def _date_field(state: FormState, errors: dict[str, str], key: str, raw: str, *, full: bool = False) -> str | None:
    try:
        return parse_clerk_date(raw, full=full)
    except ValueError as exc:
        errors[key] = str(exc)
        return None


def record_from_form(state: FormState, base: Record) -> tuple[Record, date, str | None, str | None]:
    """The confirmed record and the register's (ngày đến, đơn vị nhận, ghi chú); FormInvalid when a
    field cannot be saved (``state`` then carries the errors beside the fields)."""
    v = state.values
    errors: dict[str, str] = {}
    issued = _date_field(state, errors, "issued_date", v["issued_date"])
    arrival = _date_field(state, errors, "arrival_date", v["arrival_date"], full=True)
    if arrival is None and "arrival_date" not in errors:
        errors["arrival_date"] = "cần ngày đến (ví dụ 05/03/2026) / the arrival date is needed"
    for key, allowed in (
        ("urgency", URGENCIES),
        ("confidentiality", CONFIDENTIALITIES),
        ("signer_authority", AUTHORITIES),
    ):
        if v[key] and v[key] not in allowed:
            errors[key] = f"chọn một trong: {', '.join(allowed)} / choose one of them"
    code = " ".join(v["code"].split())
    parts = parse_code(code) if code else None

    references: list[Reference] = []
    for row in state.refs:
        if row.values["delete"] or not row.values["code"].strip():
            continue
        ref_date = _date_field(state, row.errors, "issued_date", row.values["issued_date"])
        before = _base_item(base.references, row.values["from"])
        ref_fields: dict[str, Any] = {
            "doc_type": row.values["doc_type"].strip() or None,
            "code": row.values["code"].strip(),
            "issued_date": ref_date,
            "issuer": row.values["issuer"].strip() or None,
        }
        references.append(before.model_copy(update=ref_fields) if before else Reference(**ref_fields))

    tasks: list[Task] = []
    for row in state.tasks:
        if row.values["delete"]:
            continue
        text = " ".join(row.values["text"].split())
        ordinal = row.values["ordinal"].strip()
        if not text:
            row.errors["text"] = "nhiệm vụ cần có nội dung (hoặc đánh dấu xóa) / a task needs its text"
        if not ordinal:
            row.errors["ordinal"] = "cần số thứ tự, ví dụ 1.2 / the task needs its number"
        deadline = _date_field(state, row.errors, "deadline", row.values["deadline"])
        lead, support = _lines(row.values["lead"]), _lines(row.values["support"])
        before = _base_item(base.tasks, row.values["from"])
        fields: dict[str, Any] = {
            "ordinal": ordinal,
            "text": text,
            "lead": lead,
            "support": support,
            "deadline": deadline,
            "recurrence": row.values["recurrence"].strip() or None,
            "report_to": row.values["report_to"].strip() or None,
        }
        if before is not None:
            fields["lead_agencies"] = _agencies(lead, before.lead, before.lead_agencies)
            fields["support_agencies"] = _agencies(support, before.support, before.support_agencies)
            tasks.append(before.model_copy(update=fields))
        else:
            fields["lead_agencies"] = _agencies(lead, [], [])
            fields["support_agencies"] = _agencies(support, [], [])
            tasks.append(Task(id=task_id(base.source.sha256, ordinal or "?"), **fields))
    row_errors = {
        f"{prefix}-{row.index}-{name}": message
        for prefix, rows in (("ref", state.refs), ("task", state.tasks))
        for row in rows
        for name, message in row.errors.items()
    }
    errors.update(row_errors)
    if errors:
        state.errors = errors
        raise FormInvalid(errors)
    try:
        record = base.model_copy(
            update={
                "issuer": base.issuer.model_copy(
                    update={"name": v["issuer_name"].strip() or None, "parent": v["issuer_parent"].strip() or None}
                ),
                "doc_type": v["doc_type"].strip() or None,
                "number": parts.number if parts else None,
                "symbol": parts.symbol if parts else None,
                "code": parts.code if parts else None,
                "place": v["place"].strip() or None,
                "issued_date": issued,
                "subject": " ".join(v["subject"].split()) or None,
                "urgency": v["urgency"] or None,
                "confidentiality": v["confidentiality"] or None,
                "recipients": _lines(v["recipients"]),
                "references": references,
                "tasks": tasks,
                "signer": base.signer.model_copy(
                    update={
                        "authority": v["signer_authority"] or None,
                        "title": v["signer_title"].strip() or None,
                        "name": v["signer_name"].strip() or None,
                    }
                ),
                "distribution": _lines(v["distribution"]),
            }
        )
        record = Record.model_validate(record.model_dump())  # model_copy does not validate
    except ValidationError as exc:
        state.errors = {".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}
        raise FormInvalid(state.errors) from exc
    assert arrival is not None
    routed = " ".join(v["routed_to"].split()) or None
    note = v["note"].strip() or None
    return record, date.fromisoformat(arrival), routed, note
