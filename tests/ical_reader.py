"""A strict reader of iCalendar text (RFC 5545) for the tests: it refuses what calendars refuse.

Written for the tests, not shared with the writer (``pipeline.desk.ics``), so a rule the writer
gets wrong is not read back wrong the same way: lines must end in CRLF and fold at 75 octets
(§3.1), every property must be ``NAME *(;PARAM=VALUE):VALUE`` (§3.1), components must nest
(BEGIN/END), TEXT values are unescaped by §3.3.11 (and a lone backslash is an error), DATE and
DURATION values are parsed by §3.3.4 / §3.3.6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

# "DTSTART;VALUE=DATE:20260630": a name, its parameters, a value
_NAME = re.compile(r"^(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;[A-Za-z0-9-]+=(?:\"[^\"]*\"|[^;:,\"]*))*):(?P<value>.*)$")
_DURATION = re.compile(
    r"^(?P<sign>[+-])?P(?:(?P<w>\d+)W|(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?)$"
)


@dataclass
class Component:
    name: str
    properties: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> str:
        values = [v for n, _, v in self.properties if n == name]
        assert len(values) == 1, f"{self.name} has {len(values)} {name}"
        return values[0]

    def params(self, name: str) -> dict[str, str]:
        return next(p for n, p, _ in self.properties if n == name)

    def walk(self, name: str) -> list[Component]:
        found = [c for c in self.children if c.name == name]
        for child in self.children:
            found += child.walk(name)
        return found


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            nxt = value[i + 1 : i + 2]
            if nxt in ("\\", ";", ","):
                out.append(nxt)
            elif nxt in ("n", "N"):
                out.append("\n")
            else:
                raise ValueError(f"bad escape in {value!r}")
            i += 2
            continue
        if ch in ";,":
            raise ValueError(f"unescaped {ch!r} in a TEXT value {value!r}")
        out.append(ch)
        i += 1
    return "".join(out)


def split_text_list(value: str) -> list[str]:
    """A comma-separated list of TEXT values (CATEGORIES)."""
    return [unescape(part) for part in re.split(r"(?<!\\),", value)]


def parse_date(value: str) -> date:
    assert re.fullmatch(r"\d{8}", value), value
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def parse_duration(value: str) -> timedelta:
    m = _DURATION.match(value)
    assert m, f"not a duration: {value}"
    g = {k: int(v) if v and k != "sign" else 0 for k, v in m.groupdict().items()}
    span = timedelta(weeks=g["w"], days=g["d"], hours=g["h"], minutes=g["m"], seconds=g["s"])
    return -span if m.group("sign") == "-" else span


def read(text: str) -> Component:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "lines must end in CRLF"
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            assert logical, "a continuation line first"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[Component] = []
    root: Component | None = None
    for line in logical:
        m = _NAME.match(line)
        assert m, f"not a content line: {line!r}"
        name, value = m.group("name").upper(), m.group("value")
        params = dict(p.split("=", 1) for p in m.group("params").split(";")[1:])
        if name == "BEGIN":
            component = Component(value.upper())
            if stack:
                stack[-1].children.append(component)
            else:
                assert root is None, "one VCALENDAR"
                root = component
            stack.append(component)
        elif name == "END":
            assert stack and stack[-1].name == value.upper(), f"END:{value} closes nothing"
            stack.pop()
        else:
            assert stack, f"{name} outside a component"
            stack[-1].properties.append((name, params, value))
    assert root is not None and not stack, "unclosed component"
    return root
