"""pipeline.regex_cache: a pattern served from the cache file is the pattern re.compile gives, and any damage
to the file only costs a recompile."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import regex_cache

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# inline flags, named groups, lookarounds, Vietnamese letters under IGNORECASE, verbose mode
PATTERNS: list[tuple[str, int]] = [
    (r"(?<!\w)(?P<number>\d{1,5})\s*/\s*(?P<year>\d{4})?(?P<kind>[A-ZĐ][A-ZĐ0-9&-]*)(?![\w/-])", 0),
    (r"(?<!\w)(?:Ủy\s+ban\s+nhân\s+dân|UBND)\s+(?:tỉnh|thành\s+phố)\s+[^\W\d_]+", re.IGNORECASE),
    (r"\s+(?i:khóa)\s+[IVXLC]+(?!\w)", 0),
    (r"(?m)^\s*(?:\d+|[a-zđ])[.)]\s+", 0),
    (
        r"""(?x) ngày \s+ (?P<d>\d{1,2}) \s+ tháng \s+ (?P<m>\d{1,2})  # the day, the month
        \s+ năm \s+ (?P<y>\d{4})""",
        re.IGNORECASE,
    ),
    (r"[Kk]ính\s+gửi\s*:?", re.MULTILINE | re.DOTALL),
]


@pytest.fixture
def cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache of its own in tmp_path, and the module's memory of the real one set aside."""
    where = tmp_path / "regex.marshal"
    monkeypatch.setenv("DIRECTIVES_REGEX_CACHE", str(where))
    monkeypatch.setattr(regex_cache, "_stored", None)
    monkeypatch.setattr(regex_cache, "_used", {})
    monkeypatch.setattr(regex_cache, "_compiled", {})
    monkeypatch.setattr(regex_cache, "_dirty", False)
    yield where


def _new_process() -> None:
    """What a fresh process knows: nothing until it reads the file."""
    regex_cache._stored = None
    regex_cache._used = {}
    regex_cache._compiled = {}
    regex_cache._dirty = False


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]


def _same(cached: re.Pattern[str], pattern: str, flags: int) -> None:
    plain = re.compile(pattern, flags)
    assert cached == plain  # Pattern.__eq__: the same pattern text, flags and sre code
    assert (cached.flags, cached.groups, cached.groupindex) == (plain.flags, plain.groups, plain.groupindex)
    for text in _texts():
        got = [(m.span(), m.groups(), m.groupdict()) for m in cached.finditer(text)]
        assert got == [(m.span(), m.groups(), m.groupdict()) for m in plain.finditer(text)]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_pattern_read_back_from_the_file_is_re_compiles(cache_file: Path, pattern: str, flags: int) -> None:
    _same(regex_cache.compile(pattern, flags), pattern, flags)  # compiled, kept for the file
    regex_cache.save()
    assert cache_file.is_file()
    _new_process()
    cached = regex_cache.compile(pattern, flags)
    assert regex_cache._stored and (pattern, flags) in regex_cache._stored  # served from the file
    _same(cached, pattern, flags)


def test_the_extractors_patterns_match_as_re_compiles_on_the_samples(cache_file: Path) -> None:
    from extractors import agencies, references

    agencies._gazetteer.cache_clear()
    references._patterns.cache_clear()
    try:
        compiled = [agencies._gazetteer().pattern, *references._patterns()]
        regex_cache.save()
        _new_process()
        agencies._gazetteer.cache_clear()
        references._patterns.cache_clear()
        again = [agencies._gazetteer().pattern, *references._patterns()]
        assert regex_cache._used and set(regex_cache._used) <= set(regex_cache._stored or {})
        for first, second in zip(compiled, again, strict=True):
            assert first.pattern == second.pattern  # the same text in every process (no set order)
            _same(second, second.pattern, first.flags)
    finally:
        agencies._gazetteer.cache_clear()
        references._patterns.cache_clear()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-9] + bytes([data[-9] ^ 0xFF]) + data[-8:], id="one byte flipped"),
        pytest.param(lambda data: b"not a cache at all\n" + data.partition(b"\n")[2], id="another header"),
        pytest.param(lambda data: data.replace(regex_cache._PYTHON.encode(), b"3.99.0"), id="another python"),
    ],
)
def test_a_damaged_or_stale_file_falls_back_to_re_compile(cache_file: Path, damage: object) -> None:
    pattern, flags = PATTERNS[0]
    regex_cache.compile(pattern, flags)
    regex_cache.save()
    assert callable(damage)
    cache_file.write_bytes(damage(cache_file.read_bytes()))
    _new_process()
    _same(regex_cache.compile(pattern, flags), pattern, flags)
    assert regex_cache._stored == {}  # nothing trusted from that file
    regex_cache.save()  # and the next run finds a good file again
    _new_process()
    regex_cache.compile(pattern, flags)
    assert regex_cache._stored and (pattern, flags) in regex_cache._stored


def test_code_that_sre_refuses_is_recompiled(cache_file: Path) -> None:
    pattern, flags = PATTERNS[1]
    regex_cache.compile(pattern, flags)
    key = (pattern, flags)
    final, code, groups, groupindex, indexgroup = regex_cache._used[key]
    regex_cache._used[key] = (final, [99999, *code[1:]], groups, groupindex, indexgroup)  # not sre code
    regex_cache.save()
    _new_process()
    _same(regex_cache.compile(pattern, flags), pattern, flags)
    assert regex_cache._used[key][1] == code  # the good code replaces the bad, for the next save


def test_a_pattern_error_is_re_s_error(cache_file: Path) -> None:
    with pytest.raises(re.error, match="missing \\)"):
        regex_cache.compile(r"(?P<open>abc")


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTIVES_REGEX_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(regex_cache, "_stored", None)
    monkeypatch.setattr(regex_cache, "_used", {})
    monkeypatch.setattr(regex_cache, "_compiled", {})
    monkeypatch.setattr(regex_cache, "_dirty", False)
    assert regex_cache.path() is None
    _same(regex_cache.compile(*PATTERNS[2]), *PATTERNS[2])
    regex_cache.save()
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("DIRECTIVES_REGEX_CACHE", str(blocker / "regex.marshal"))  # its folder is a file
    monkeypatch.setattr(regex_cache, "_stored", None)
    monkeypatch.setattr(regex_cache, "_used", {})
    monkeypatch.setattr(regex_cache, "_compiled", {})
    monkeypatch.setattr(regex_cache, "_dirty", False)
    _same(regex_cache.compile(*PATTERNS[3]), *PATTERNS[3])
    regex_cache.save()  # does not raise
    assert list(tmp_path.iterdir()) == [blocker]


def test_the_file_keeps_other_processes_patterns_but_does_not_grow_past_its_budget(
    cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (first, first_flags), (second, second_flags) = PATTERNS[0], PATTERNS[1]
    regex_cache.compile(first, first_flags)
    regex_cache.save()
    _new_process()
    regex_cache.compile(second, second_flags)
    regex_cache.save()
    _new_process()
    assert set(regex_cache._load()) == {(first, first_flags), (second, second_flags)}  # merged
    _new_process()
    regex_cache.compile(second, second_flags)
    monkeypatch.setattr(regex_cache, "_MAX_CODE", len(regex_cache._used[(second, second_flags)][1]))
    regex_cache._dirty = True  # (a new pattern would set it)
    regex_cache.save()
    _new_process()
    assert set(regex_cache._load()) == {(second, second_flags)}  # what this process used, no more
