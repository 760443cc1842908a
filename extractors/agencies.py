"""Agency names (tên cơ quan, tổ chức): find them, split enumerations, map to a canonical name.

The gazetteer in ``extractors/data/agencies.json`` lists state and Party bodies as they stand
after the 2025 reorganisation (34 provinces and cities, no district level), their variants
and abbreviations, the 34 provinces and the former ones older acts still name, and the
words that make an enumerated group ("các sở, ban, ngành").

Three functions, used by recipients, tasks and references:

* :func:`canonical` — one name as written → :class:`models.Agency` with the gazetteer's name,
  tolerant of abbreviations ("Sở NN&MT") and OCR damage ("S0 Nôi vu"), ``None`` when unsure;
* :func:`split_agencies` — "Sở Tài chính, Sở Nội vụ và Công an tỉnh" → three names, while a
  group ("các cơ quan, đơn vị và địa phương") stays one;
* :func:`find_agencies` — spans of agency mentions in a sentence, by one compiled regex.

Everything here is regex and rapidfuzz; underthesea is consulted only by
:func:`split_agencies` for a boundary the gazetteer cannot decide, on that short span.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process

from models import Agency
from pipeline import regex_cache

# ``pipeline.normalize`` is imported inside the functions: ``pipeline/__init__`` imports the
# extractors (through ``pipeline.stages``), so a module-level import here makes a cycle
# whenever this module is imported before ``pipeline``.

# A fuzzy score (rapidfuzz ratio, 0-100) below this gives ``canonical=None``: "Sở Nội vụ" vs
# "Sở Ngoại vụ" scores 80, one OCR slip in a long name ("Sở Kboa học và Công nghệ") 96.
MIN_SCORE = 90.0

_LEVEL_CITY = {"tỉnh": "thành phố", "Tỉnh ủy": "Thành ủy", "Tỉnh đoàn": "Thành đoàn"}

# "Sở NN&MT" → "so nn&mt": punctuation other than "&" and "," is dropped from a key after the
# compound abbreviations ("vh,tt&dl", "ld-tb&xh") have been expanded.
_KEY_PUNCT = regex_cache.compile(r"[^\w\s]")
# an OCR "0" inside a word is an "o": "S0 Nôi vu" → "so noi vu"
_OCR_ZERO = regex_cache.compile(r"(?<=[a-z])0|0(?=[a-z])")
# Vietnamese capitals for "a name starts here"; used inside ``(?-i:...)`` because the find
# pattern is case-insensitive and a range like "À-Ỹ" would also hold the small letters.
_UPPER = "A-ZĐ" + "".join(
    c for c in map(chr, [*range(0xC0, 0x1B0), *range(0x1EA0, 0x1EFA)]) if c.isupper() and c.isalpha()
)
_CAP = rf"(?-i:[{_UPPER}])"
# the commune's own name after "xã"/"phường"/"đặc khu": "UBND xã Bản Lầu", "phường Cam Đường"
_COMMUNE_NAME = regex_cache.compile(
    rf"^(?P<base>.*?(?:xã|phường|đặc khu))\s+(?P<place>{_CAP}\w*(?:\s+{_CAP}\w*|\s+\d+){{0,3}})$"
)
_GROUP_WORD = regex_cache.compile(r"(?<!\w)(?:các|những|cấp xã)(?!\w)|(?:có )?liên quan$", re.IGNORECASE)


@dataclass(frozen=True)
class _Entry:
    canonical: str
    level: str  # "central", "local" (written for a tỉnh) or "group"
    group: bool
    city: bool  # the derived "thành phố" form of a local entry


@dataclass(frozen=True)
class _Province:
    name: str
    kind: str  # "tỉnh" or "thành phố"
    key: str


@dataclass
class _Gazetteer:
    entries: list[_Entry] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # parallel to ``key_entry``
    key_entry: list[_Entry] = field(default_factory=list)
    by_head: dict[str, list[int]] = field(default_factory=dict)  # first key word → indices in keys
    exact: dict[str, _Entry] = field(default_factory=dict)
    provinces: list[_Province] = field(default_factory=list)
    heads: tuple[str, ...] = ()
    pattern: re.Pattern[str] = re.compile(r"(?!x)x")


def _load_data() -> dict[str, Any]:
    text = resources.files("extractors").joinpath("data/agencies.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _city_form(name: str) -> str:
    """ "Ủy ban nhân dân tỉnh" → "Ủy ban nhân dân thành phố", "Tỉnh ủy" → "Thành ủy"."""
    for prov, city in _LEVEL_CITY.items():
        name = re.sub(rf"(?<!\w){prov}(?!\w)", city, name)
    return name


def _surface_forms(name: str, abbreviations: dict[str, list[str]]) -> list[str]:
    """A name and its abbreviated spellings: "Ủy ban nhân dân tỉnh" → + "UBND tỉnh", "UB tỉnh"."""
    forms = {name}
    for full, abbrs in abbreviations.items():
        for form in list(forms):
            if full.lower() in form.lower():
                i = form.lower().index(full.lower())
                for abbr in abbrs:
                    forms.add(form[:i] + abbr + form[i + len(full) :])
    return sorted(forms)


def _flex(form: str) -> str:
    """A regex for a written form with flexible spaces and commas: "Sở Văn hóa, Thể thao" …"""
    parts = [re.escape(w) for w in form.split()]
    return r"\s+".join(parts).replace(r",", r"\s*,")


@cache
def _expansion() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every key abbreviation in one alternation, longest first, and what each expands to."""
    pairs = [(a, full) for a, full in _load_data()["key_expansions"].items() if not a.startswith("_")]
    pairs.sort(key=lambda kv: -len(kv[0]))
    alternation = "|".join(re.escape(a) for a, _ in pairs)
    return regex_cache.compile(rf"(?<![\w&])(?:{alternation})(?![\w&])"), dict(pairs)


@cache
def _gazetteer() -> _Gazetteer:
    data = _load_data()
    gz = _Gazetteer()
    for prov in data["provinces"] + data["former_provinces"]:
        gz.provinces.append(_Province(prov["name"], prov["kind"], _plain(prov["name"])))
    gz.provinces.sort(key=lambda p: -len(p.key))
    gz.heads = tuple(sorted(data["heads"], key=len, reverse=True))

    abbreviations: dict[str, list[str]] = data["abbreviations"]
    alternatives: list[str] = []
    for raw in data["entries"]:
        names = [raw["canonical"], *raw.get("variants", [])]
        variants: list[tuple[_Entry, str]] = []
        entry = _Entry(raw["canonical"], raw["level"], bool(raw.get("group")), False)
        variants += [(entry, n) for n in names]
        if raw["level"] == "local" and _city_form(raw["canonical"]) != raw["canonical"]:
            city = _Entry(_city_form(raw["canonical"]), "local", False, True)
            variants += [(city, _city_form(n)) for n in names]
        for ent, name in variants:
            gz.entries.append(ent)
            for form in _surface_forms(name, abbreviations):
                key = _key(form)
                if key not in gz.exact:
                    gz.exact[key] = ent
                    gz.by_head.setdefault(key.split(" ", 1)[0], []).append(len(gz.keys))
                    gz.keys.append(key)
                    gz.key_entry.append(ent)
                alternatives.append(_flex(form))
    # longest first; equal lengths in the data's order (a set's order changes with every process's hash
    # seed, and the pattern must be the same text every run for pipeline.regex_cache to find it)
    alternatives = sorted(dict.fromkeys(alternatives), key=len, reverse=True)
    gz.pattern = _find_pattern(data, alternatives, gz.provinces)
    return gz


def _find_pattern(data: dict[str, Any], alternatives: list[str], provinces: list[_Province]) -> re.Pattern[str]:
    """One regex for every mention: known names (+ a place), enumerated groups, unknown heads."""
    prov = "|".join(_flex(p.name) for p in provinces)
    # "… tỉnh Lào Cai", "… Lào Cai", "… thành phố Huế" after a known name
    place = rf"(?:\s+(?:(?:tỉnh|thành\s+phố|TP\.?)\s+)?(?:{prov})(?!\w))?"
    # a commune body takes its commune's name: "UBND xã Bản Lầu"
    commune = rf"(?:\s+{_CAP}\w*(?:\s+{_CAP}\w*){{0,3}})?"
    suffix = rf"(?:(?<=xã){commune}|(?<=phường){commune}|(?<=khu){commune}|{place})"
    known = rf"(?:{'|'.join(alternatives)})(?!\w){suffix}"
    nouns = "|".join(_flex(n) for n in sorted(data["group_nouns"], key=len, reverse=True))
    leaders = "|".join(_flex(n) for n in sorted(data["group_leaders"], key=len, reverse=True))
    # "các sở, ban, ngành thuộc UBND tỉnh", "UBND các xã, phường", "các cơ quan, đơn vị và địa
    # phương", "UBND cấp xã", "các cơ quan, đơn vị có liên quan"; a noun followed by a capital starts a
    # name of its own ("Ban Chỉ đạo các quân khu, | Ban Chỉ đạo các tỉnh")
    group = (
        rf"(?:(?:{leaders})\s+)?(?:(?:các|những)\s+(?:{nouns})(?:\s*(?:,|;|\s+và)\s*(?:{nouns})(?!\w)(?!\s+{_CAP}))*"
        rf"|cấp\s+xã)(?!\w)"
        rf"(?:\s+(?:(?:có\s+)?liên\s+quan|(?:trực\s+)?thuộc\s+(?:Ủy\s+ban\s+nhân\s+dân|UBND)\s+(?:tỉnh|thành\s+phố)"
        rf"|trên\s+địa\s+bàn(?:\s+(?:tỉnh|thành\s+phố))?|tỉnh(?!\s+ủy)|thành\s+phố)(?!\w)){{0,3}}"
    )
    stops = "|".join(_flex(w) for w in sorted(data["name_stop_words"], key=len, reverse=True))
    # an unknown body with a known head and a capitalised name: "Sở Ngoại vụ", "Trung tâm Y tế
    # khu vực", up to the first verb or function word ("… chủ trì", "… và")
    unknown = (
        r"(?:Sở|Cục|Chi\s+cục|Tổng\s+cục|Trung\s+tâm|Ban\s+Quản\s+lý|Ban\s+Chỉ\s+đạo|Bệnh\s+viện|Trường"
        r"|Công\s+ty|Hội|Đảng\s+ủy|Ủy\s+ban\s+nhân\s+dân|UBND)"
        rf"\s+{_CAP}[^\W\d_]*(?:\s+(?!(?:{stops})(?!\w))[^\W\d_]+){{0,6}}"
    )
    return regex_cache.compile(
        rf"(?<!\w)(?:(?P<known>{known})|(?P<group>{group})|(?P<unknown>{unknown}))", re.IGNORECASE
    )


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces: the base of every key."""
    from pipeline.normalize import normalize_text, strip_accents

    s = strip_accents(normalize_text(text)).lower()
    return re.sub(r"\s+", " ", s).strip()


def _key(text: str) -> str:
    """A matching key: accentless, abbreviations expanded, punctuation dropped.

    >>> _key("Sở NN&MT"), _key("S0 Nôi vu"), _key("VP UBND tỉnh")
    ('so nong nghiep va moi truong', 'so noi vu', 'van phong uy ban nhan dan tinh')
    """
    s = _OCR_ZERO.sub("o", _plain(text))
    pattern, table = _expansion()
    s = pattern.sub(lambda m: table[m.group(0)], s)  # one pass: an expansion is whole words, never a key again
    s = s.replace("&", " va ")
    s = _KEY_PUNCT.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip()


def _split_place(key: str) -> tuple[str, _Province | None, bool]:
    """Cut a trailing province off a key: "uy ban nhan dan tinh lao cai" → ("uy ban nhan dan tinh", Lào Cai).

    The third value says the text named a centrally-run city ("thành phố", "Thành ủy"), whose
    forms the gazetteer derives from the tỉnh ones.
    """
    found: _Province | None = None
    for prov in _gazetteer().provinces:
        if key == prov.key or not key.endswith(" " + prov.key):
            continue
        found = prov
        key = key[: -len(prov.key) - 1]
        break
    city = bool(re.search(r"(?<!\w)(?:thanh pho|thanh uy|thanh doan)$", key))
    return key, found, city


def _match(key: str) -> tuple[_Entry, float] | None:
    gz = _gazetteer()
    if key in gz.exact:
        return gz.exact[key], 100.0
    # only names with the same head word compete: "Sở Nội vụ" must never become "Bộ Nội vụ"
    pool = gz.by_head.get(key.split(" ", 1)[0], [])
    if not pool:
        return None
    best = process.extractOne(key, [gz.keys[i] for i in pool], scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
    if best is None:
        return None
    return gz.key_entry[pool[best[2]]], float(best[1])


def _with_place(entry: _Entry, prov: _Province | None, city: bool) -> str:
    name = entry.canonical
    if prov is None or entry.level != "local":
        return name
    if re.search(r"(?:tỉnh|thành phố|Tỉnh ủy|Thành ủy|Tỉnh đoàn|Thành đoàn)$", name):
        return f"{name} {prov.name}"
    return f"{name} {'thành phố' if city or prov.kind == 'thành phố' else 'tỉnh'} {prov.name}"


def _clean(name: str) -> str:
    """The name as written, without list bullets and the final ";" / "." / ","."""
    s = re.sub(r"\s+", " ", name).strip()
    s = re.sub(r"^[-–•+*]\s*", "", s)
    return re.sub(r"[\s;,.:]+$", "", s)


def canonical(name: str) -> Agency:
    """Map one agency name as written to the gazetteer's canonical name.

    A document names the same few agencies in task after task, so the fuzzy match is cached;
    each caller gets its own copy of the result.

    >>> canonical("UBND tỉnh Lào Cai").canonical
    'Ủy ban nhân dân tỉnh Lào Cai'
    >>> canonical("S0 Nôi vu").canonical
    'Sở Nội vụ'

    ``group`` is set for enumerated addressees ("các sở, ban, ngành"); ``score`` is the match
    quality in [0, 1]; ``canonical`` is ``None`` when no name scores :data:`MIN_SCORE`.
    """
    return _lookup(name).model_copy()


@lru_cache(maxsize=4096)
def _lookup(name: str) -> Agency:
    from pipeline.normalize import normalize_text

    written = _clean(name)
    group = bool(_GROUP_WORD.search(normalize_text(written)))
    commune = _COMMUNE_NAME.match(written)
    if commune and not group:
        body = _lookup(commune.group("base"))
        if body.canonical is not None:
            named = f"{body.canonical} {commune.group('place')}"
            return body.model_copy(update={"name": written, "canonical": named})
    key = _key(written)
    if not key:
        return Agency(name=written, canonical=None, group=group, score=None)
    base, prov, city = _split_place(key)
    tries = [base]
    # "Sở Nội vụ tỉnh" / "Công an tỉnh" both occur: try without the level word too
    for level in (" tinh", " thanh pho"):
        if base.endswith(level):
            tries.append(base[: -len(level)])
    if base != key:
        tries.append(key)
    best: tuple[_Entry, float] | None = None
    for k in tries:
        found = _match(k)
        if found and (best is None or found[1] > best[1]):
            best = found
    if best is None:
        title = _TITLE_OF_BODY.match(written)
        if title is not None:
            # "Giám đốc Sở Nội vụ", "Chủ tịch UBND các xã": the official acts for the body, which is what a
            # tracker files the task under; the name as written keeps the title
            body = _lookup(written[title.end() :])
            return body.model_copy(update={"name": written, "group": group or body.group})
        return Agency(name=written, canonical=None, group=group, score=None)
    entry, score = best
    return Agency(
        name=written,
        canonical=_with_place(entry, prov, city),
        group=group or entry.group,
        score=round(score / 100.0, 3),
    )


def agency_at(text: str, pos: int) -> bool:
    """Does a gazetteer mention start exactly at ``pos`` ("Giao | Sở Nội vụ chủ trì")? One anchored match,
    much cheaper than finding every mention."""
    return _gazetteer().pattern.match(text, pos) is not None


@cache
def name_vocabulary() -> frozenset[str]:
    """Every lower-case syllable the gazetteer's names are made of ("tài", "chính", "chất", "lượng", "tỉnh"):
    a phrase made only of these reads as a name, with no verb inside it."""
    data = _load_data()
    words: set[str] = set()
    texts = [*data["heads"], *data["group_nouns"], *data["group_leaders"]]
    for raw in data["entries"]:
        texts += [raw["canonical"], *raw.get("variants", [])]
    texts += [p["name"] for p in data["provinces"] + data["former_provinces"]]
    for text in texts:
        words.update(w.lower() for w in re.findall(r"[^\W\d_]+", text))
    return frozenset(words)


def find_agencies(text: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, name as written)`` of agency mentions in ``text``.

    >>> find_agencies("Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính")
    [(5, 14, 'Sở Nội vụ'), (37, 49, 'Sở Tài chính')]
    """
    return list(_find(text))


@lru_cache(maxsize=8192)
def _find(text: str) -> tuple[tuple[int, int, str], ...]:
    # the tasks stage asks about the same short phrases many times (one regex of every name: ~0.1 ms a call)
    out: list[tuple[int, int, str]] = []
    for m in _gazetteer().pattern.finditer(text):
        start, end = m.start(), m.end()
        # a trailing "," or "và" belongs to the sentence, not the name
        while end > start and text[end - 1] in " ,;":
            end -= 1
        out.append((start, end, text[start:end]))
    return tuple(out)


# separators of an enumeration: "," ";" and the conjunction "và" ("Sở Tài chính và Công an tỉnh")
_SEPARATOR = regex_cache.compile(r"\s*[,;]\s*|\s+và\s+|\s+cùng\s+")
# "... các cấp" / "... cùng cấp" closing a pair joined by "và" qualifies both: "Mặt trận Tổ quốc Việt Nam và Hội
# Cựu chiến binh các cấp" is the two at every level, one name (cut, the first would be the national body alone)
_BOTH_LEVELS = regex_cache.compile(r"\s(?:các|cùng)\s+cấp$")


def starts_agency(segment: str) -> bool:
    """Does ``segment`` open a new agency name ("Công an tỉnh", "UBND các xã"), not a bare
    noun of a group ("ban", "ngành", "đơn vị") or a lone head ("Ban")?"""
    gz = _gazetteer()
    if canonical(segment).canonical is not None:
        return True
    words = segment.split()
    for head in gz.heads:
        if segment.startswith(head) and (segment == head or not segment[len(head)].isalnum()):
            return len(words) > len(head.split())
    if not segment[:1].isupper() or len(words) < 2:
        return False
    if len(words) <= 3 and all(w.lower() in name_vocabulary() for w in words):
        return False  # "Tư pháp", "Tài chính": the tail of a name enumerated after its head ("các Sở: Nội vụ, Tư pháp")
    return _looks_like_name(segment)


@lru_cache(maxsize=2048)
def _looks_like_name(segment: str) -> bool:
    """underthesea's reading of a short span the gazetteer does not know: "Điện lực Lào Cai"
    opens with a noun tagged as the start of an organisation or place; "Thể thao và Du lịch"
    (the tail of a ministry's name) does not."""
    from underthesea import ner  # imported here: loading it costs ~0.4 s, rarely needed

    tags = ner(segment)
    return bool(tags) and tags[0][1] in {"N", "Np"} and tags[0][3] in {"B-ORG", "B-LOC"}


def _complete(segment: str) -> bool:
    """Is ``segment`` a whole agency name on its own (gazetteer match, group, or head + name)?"""
    agency = canonical(segment)
    if agency.canonical is not None or agency.group:
        return True
    words = segment.split()
    return any(segment.startswith(h) and len(words) > len(h.split()) and h[:1].isupper() for h in _gazetteer().heads)


# An official's title always opens a new name, and ";" always ends one: "Chánh Văn phòng UBND tỉnh,
# Giám đốc Sở Nội vụ và Chủ tịch UBND các xã" is three, "Hiệu trưởng, Trưởng các khoa" two. Titles are
# matched case-sensitively: "trưởng" inside a name ("Bộ trưởng", "phòng, trưởng ...") never cuts.
_OFFICIAL_TITLES = (
    "Chánh Văn phòng",
    "Chánh Thanh tra",
    "Tổng Giám đốc",
    "Phó Giám đốc",
    "Giám đốc",
    "Phó Chủ tịch",
    "Chủ tịch",
    "Thủ trưởng",
    "Phó Hiệu trưởng",
    "Hiệu trưởng",
    "Viện trưởng",
    "Cục trưởng",
    "Chi cục trưởng",
    "Trưởng",
    "Người đứng đầu",
    "Phó Bí thư",
    "Bí thư",
)
# an official's title before the body they head: "Giám đốc | Sở Nội vụ", "Thủ trưởng | các cơ quan, đơn vị"
_TITLE_OF_BODY = regex_cache.compile(
    r"^(?:Đ/c\s+|đồng\s+chí\s+)?(?:"
    + "|".join(r"\s+".join(map(re.escape, t.split())) for t in _OFFICIAL_TITLES)
    + r")\s+(?=\S)",
    re.IGNORECASE,
)
_OFFICIAL_SPLIT = regex_cache.compile(
    r"\s*;\s*|(?:\s*,\s*|\s+và\s+)(?=(?:"
    + "|".join(r"\s+".join(map(re.escape, t.split())) for t in _OFFICIAL_TITLES)
    + r")(?!\w))"
)


def split_agencies(text: str) -> list[str]:
    """Split an enumeration of agencies into names as written (annotation.md: split on a comma
    or "và" only where each side is a complete agency name; ";" and an official's title always
    start a new name).

    >>> split_agencies("Sở Tài chính, Sở Nội vụ và Công an tỉnh")
    ['Sở Tài chính', 'Sở Nội vụ', 'Công an tỉnh']
    >>> split_agencies("Các sở, ban, ngành thuộc UBND tỉnh")
    ['Các sở, ban, ngành thuộc UBND tỉnh']
    >>> split_agencies("Chánh Văn phòng UBND tỉnh, Giám đốc Sở Nội vụ và Chủ tịch UBND các xã")
    ['Chánh Văn phòng UBND tỉnh', 'Giám đốc Sở Nội vụ', 'Chủ tịch UBND các xã']
    """
    out: list[str] = []
    for part in _OFFICIAL_SPLIT.split(_clean(text)):
        out.extend(_split_names(part))
    return out


def _split_names(text: str) -> list[str]:
    """One enumeration without ";" or officials' titles: cut where each side is a whole name."""
    text = _clean(text)
    if not text:
        return []
    # separators inside a known name or a group ("Sở Văn hóa, Thể thao và Du lịch",
    # "các cơ quan, đơn vị và địa phương") are not boundaries
    protected = [(s, e) for s, e, _ in find_agencies(text) if _SEPARATOR.search(text[s:e])]
    cuts: list[tuple[int, int]] = []
    for m in _SEPARATOR.finditer(text):
        if not any(s <= m.start() and m.end() <= e for s, e in protected):
            cuts.append((m.start(), m.end()))
    names: list[str] = []
    start = 0
    for i, (a, b) in enumerate(cuts):
        nxt = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        left, right = text[start:a], text[b:nxt]
        # a bare lower-case noun after a comma qualifies the same group ("các văn phòng tỉnh ủy, thành ủy",
        # "Ủy ban nhân dân tỉnh, thành phố trực thuộc Trung ương"); a new name opens with a capital or "các"
        opens = right[:1].isupper() or right[:1].isdigit() or re.match(r"(?:các|những|mỗi)\s", right) is not None
        if nxt == len(text) and text[a:b].strip() == "và" and _BOTH_LEVELS.search(text):
            continue
        if left.strip() and right.strip() and opens and _complete(left) and starts_agency(right):
            names.append(_clean(left))
            start = b
    names.append(_clean(text[start:]))
    return [n for n in names if n]
