"""The deadlines as an iCalendar feed (RFC 5545), so they show in a calendar (/tasks.ics).

One all-day event per open task with a deadline, on the last day the deadline allows, with three
display alarms: 7, 3 and 1 days before, at 09:00 (an all-day event starts at midnight, so
"-P6DT15H" is 09:00 seven days before). A task led by two agencies is one event naming both.
Overdue tasks stay in the feed for 30 days; it reaches a year ahead.

Written by hand rather than with a library because the format is small and the rules that trip
calendars are few: CRLF line ends, lines folded at 75 octets without splitting a UTF-8
character, and ``\\``, ``;``, ``,`` and newlines escaped in text values. The tests read the feed
back with a strict reader of their own (``tests/ical_reader.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from pipeline.desk.deadlines import DueTask
from pipeline.desk.register import clerk_date

PRODID = "-//vn-directives//Ban van thu//VI"
ALARMS = (("-P6DT15H", 7), ("-P2DT15H", 3), ("-PT15H", 1))  # (trigger, days before)


def escape_text(value: str) -> str:
    r"""A TEXT value (RFC 5545 §3.3.11): ``\``, ``;``, ``,`` and newlines escaped.

    >>> escape_text("Sở Nội vụ; Sở Tài chính, UBND\nhuyện")
    'Sở Nội vụ\\; Sở Tài chính\\, UBND\\nhuyện'
    """
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (§3.1): CRLF and a space, never inside a UTF-8 character.

    >>> fold("SUMMARY:" + "ệ" * 30).count("\\r\\n ")
    1
    """
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with the space
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def calendar(tasks: Iterable[DueTask], *, now: datetime, base_url: str, name: str = "Thời hạn nhiệm vụ") -> str:
    """The feed of ``tasks`` (open, with a deadline)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    stamp = _stamp(now)
    for task in tasks:
        agencies = task.leads
        if task.due_by is None:
            continue
        day = date.fromisoformat(task.due_by)
        who = ", ".join(agencies)
        summary = f"Hạn: {_short(task.text, 70)} ({who})"
        written = clerk_date(task.deadline)
        details = [
            f"Nhiệm vụ {task.ordinal} của văn bản {task.code or '(chưa có số)'} — {task.issuer or ''}".rstrip(" —"),
            task.text,
            f"Chủ trì: {who}",
            f"Hạn trong văn bản: {written}"
            + ("" if written == clerk_date(task.due_by) else f" (đến hết {clerk_date(task.due_by)})"),
        ]
        url = f"{base_url.rstrip('/')}/documents/{task.document_id}#task-{task.id}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{task.id}@vn-directives",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_date(day)}",
            f"DTEND;VALUE=DATE:{_date(day + timedelta(days=1))}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(chr(10).join(details))}",
            f"CATEGORIES:{','.join(escape_text(a) for a in agencies)}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
        ]
        for trigger, days in ALARMS:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{escape_text(f'Còn {days} ngày: {summary}')}",
                f"TRIGGER:{trigger}",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
