"""Compiled regular expressions kept between runs, so a short ``directives extract`` does not recompile them.

    from pipeline import regex_cache

    PATTERN = regex_cache.compile(r"(?<!\\w)Số\\s*:", re.IGNORECASE)   # instead of re.compile(...)

Python's ``re.compile`` is two steps: a parser and a compiler written in pure Python (``re._parser``,
``re._compiler``) turn the pattern into a list of integers, the *sre code*, and the C engine
(``_sre.compile``) builds the pattern object from that code. The extractors' ~250 patterns (the agency
gazetteer's alone is 21,000 characters) cost ~0.2 s of the pure-Python step in every fresh process,
while ``_sre.compile`` of the same code takes microseconds. This module keeps the output of the first
step in one file and, on a hit, does only the second: the same code gives the same pattern object
(``Pattern.__eq__`` compares the pattern, the flags and the code; ``tests/test_regex_cache.py`` checks that
and that cached patterns match as ``re.compile``'s do on the samples).

The file holds, per ``(pattern, flags)``: the final flags (with the pattern's inline flags), the code,
the number of groups and the group names. It is keyed as a whole by the interpreter (``sys.version``,
``_sre.MAGIC`` and ``_sre.CODESIZE``), so another Python ignores it; a pattern whose text changed is just a
new key. It is read once, on the first call; new patterns are written back at exit, merged with what
another process may have written meanwhile (past a size budget, only what this process used, so edited
patterns' old code does not pile up), into a temporary file renamed over the old one (never a
half-written file). Within a process a pattern is compiled once and the same object returned again, as
``re``'s own cache does. Anything unexpected (no file, a file from another Python, a truncated or corrupt one,
code that ``_sre`` refuses, a read-only cache folder) falls back to plain ``re.compile``: the cache can make
a run faster, never different.

Where: ``$DIRECTIVES_REGEX_CACHE`` when set (a file path; empty or ``off`` turns the cache off), else
``$XDG_CACHE_HOME/vn-directives/`` (``~/.cache/vn-directives/``). The variable is read here, not through
:mod:`pipeline.settings`, because this runs at import time of modules that must stay cheap to import.

Only for patterns that are few and stable (module constants, patterns built from the language data):
a pattern built from a document's own text would grow the file with every document; use ``re`` for those.
A pattern must also be the same text in every process: one joined from a set (whose order changes with
the hash seed) is a new key every run, so build it from a list or a sorted set.
"""

from __future__ import annotations

import _sre
import atexit
import marshal
import os
import re
import sys
import zlib
from importlib import import_module
from pathlib import Path
from typing import Any

_parser: Any
_compiler: Any
try:  # Python 3.11+ (the versions pyproject allows); before 3.11 these were sre_parse / sre_compile
    _parser, _compiler = import_module("re._parser"), import_module("re._compiler")
except ImportError:  # pragma: no cover - another Python: every call is plain re.compile
    _parser = _compiler = None

__all__ = ["compile", "path"]

_FORMAT = 1  # the layout of the file below; bump on any change
_PYTHON = " ".join(sys.version.split())  # one line (some builds' sys.version holds a newline)
_HEADER = f"vn-directives regex cache {_FORMAT} {sys.implementation.name} {_PYTHON} {_sre.MAGIC} {_sre.CODESIZE}"
# Past this much sre code (the project's patterns are ~150,000 words, ~4 ms to read), a save keeps only
# the patterns this process used: patterns that changed (an edited pattern, new language data) leave their
# old code behind, and the file must not grow with every edit.
_MAX_CODE = 500_000

# (pattern, flags) -> (final flags, code, groups - 1, group index, index group)
_Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_stored: dict[tuple[str, int], _Entry] | None = None  # what the file held, read on first use
_used: dict[tuple[str, int], _Entry] = {}  # what this process compiled or took from the file
_compiled: dict[tuple[str, int], re.Pattern[str]] = {}  # and the pattern objects, for the next call
_dirty = False


def path() -> Path | None:
    """The cache file, or None when the cache is off."""
    where = os.environ.get("DIRECTIVES_REGEX_CACHE")
    if where is not None:
        return None if where.strip().lower() in ("", "off", "0", "no", "false") else Path(where)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = f"{sys.implementation.cache_tag or sys.implementation.name}"
    return Path(base) / "vn-directives" / f"regex-{tag}.marshal"


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, served from the cache when this interpreter compiled it before."""
    flags = int(flags)
    if not isinstance(pattern, str) or flags & re.DEBUG or _parser is None:
        return re.compile(pattern, flags)
    key = (pattern, flags)
    known = _compiled.get(key)
    if known is not None:
        return known
    compiled: re.Pattern[str]
    entry = _load().get(key)
    if entry is not None:
        try:
            compiled = _sre.compile(pattern, entry[0], entry[1], entry[2], entry[3], entry[4])
        except Exception:  # code this interpreter refuses: recompile, and replace the entry
            pass
        else:
            _used[key] = entry
            _compiled[key] = compiled
            return compiled
    try:
        entry = _code(pattern, flags)
        compiled = _sre.compile(pattern, entry[0], entry[1], entry[2], entry[3], entry[4])
    except re.error:
        raise
    except Exception:  # re's internals not as this module knows them: plain re.compile, uncached
        return re.compile(pattern, flags)
    _remember(key, entry)
    _compiled[key] = compiled
    return compiled


def _code(pattern: str, flags: int) -> _Entry:
    """What ``re._compiler.compile`` hands to ``_sre.compile`` (the same steps, CPython 3.11-3.13)."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    # the opcodes are named int constants: plain ints, for marshal
    return flags | parsed.state.flags, list(map(int, code)), parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _remember(key: tuple[str, int], entry: _Entry) -> None:
    global _dirty
    _used[key] = entry
    if not _dirty:
        _dirty = True
        atexit.register(save)


def _load() -> dict[tuple[str, int], _Entry]:
    global _stored
    if _stored is None:
        where = path()
        _stored = _read(where) if where is not None else {}
    return _stored


def _read(where: Path) -> dict[tuple[str, int], _Entry]:
    """The file's entries; {} when it is missing, from another interpreter, or damaged."""
    try:
        data = where.read_bytes()
        header, _, rest = data.partition(b"\n")
        if header.decode() != _HEADER or len(rest) < 4:
            return {}
        payload, checksum = rest[:-4], rest[-4:]
        if zlib.crc32(payload).to_bytes(4, "big") != checksum:
            return {}
        entries: Any = marshal.loads(payload)
    except Exception:
        return {}
    return entries if isinstance(entries, dict) else {}


def save() -> None:
    """Write this process's new patterns to the file (run at exit; never raises)."""
    global _dirty
    where = path()
    if not _dirty or where is None:
        return
    try:
        merged = _read(where)  # another process may have added patterns since this one read the file
        merged.update(_used)
        if sum(len(entry[1]) for entry in merged.values()) > _MAX_CODE:
            merged = dict(_used)
        payload = marshal.dumps(merged)
        data = _HEADER.encode() + b"\n" + payload + zlib.crc32(payload).to_bytes(4, "big")
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = where.with_name(f"{where.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, where)
        finally:
            tmp.unlink(missing_ok=True)
    except Exception:
        return  # a read-only or full disk: the next run compiles again
    _dirty = False
