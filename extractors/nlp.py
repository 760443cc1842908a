"""A spaCy pipeline for Vietnamese official text (văn bản hành chính), assembled by name.

* tokenizer ``vi_underthesea``: underthesea's word segmentation, so ``nlp("Giao Sở Nội vụ chủ
  trì")`` gives the words "Giao", "Sở", "Nội vụ", "chủ trì" (``spacy.blank("vi")`` would need
  pyvi); with ``segment=False`` it splits on spaces and punctuation only, for speed;
* rule components, each registered with ``@Language.factory`` and each a thin wrapper over the
  extractor that owns the language data, so the pipeline and the record never disagree:

  ===================  ==========  ===================================================
  component            label       source
  ===================  ==========  ===================================================
  ``vi_instruments``   INSTRUMENT  :func:`extractors.references.find_mentions`
  ``vi_agencies``      AGENCY      :func:`extractors.agencies.find_agencies` (gazetteer)
  ``vi_dates``         DATE        :func:`extractors.dates.find_dates`
  ``vi_deadlines``     DEADLINE    :func:`extractors.deadlines.find_deadlines`
  ===================  ==========  ===================================================

Every component writes its spans to ``doc.spans[label]`` (overlaps kept: a DEADLINE holds a
DATE) and the pipeline's last step ``vi_entities`` writes the non-overlapping ones to
``doc.ents``, longest first.

The extract path does *not* run this pipeline: underthesea segments ~45k characters a second,
ten times the budget for a whole page, and the extractors find what they need with compiled
regexes. The pipeline is for exploring documents, for training data, and for the short spans
where a word boundary decides (``extractors.agencies`` calls underthesea itself there).
``bench/bench_nlp.py`` measures both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, registry
from spacy.vocab import Vocab

from pipeline import regex_cache

LABELS = ("INSTRUMENT", "AGENCY", "DATE", "DEADLINE")

# without segmentation: a run of letters/digits with the joiners codes use ("22-KH/TU",
# "05/3/2026", "NN&MT"), or one other non-space character
_PLAIN_TOKEN = regex_cache.compile(r"[\w]+(?:[/&.-][\w]+)*|[^\w\s]")


class UndertheseaTokenizer:
    """spaCy tokenizer over underthesea's ``word_tokenize`` (phân đoạn từ).

    Token texts are exact substrings of the input, so ``doc.text == text`` and character
    offsets agree with ``Layout.text``; whitespace other than one space becomes its own token,
    as spaCy's own tokenizer does.
    """

    def __init__(self, vocab: Vocab, segment: bool = True) -> None:
        self.vocab = vocab
        self.segment = segment

    def _words(self, text: str) -> list[str]:
        if not self.segment:
            return _PLAIN_TOKEN.findall(text)
        from underthesea import word_tokenize  # ~0.4 s to import: only when segmenting

        words: list[str] = word_tokenize(text)
        return words

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for word in self._words(text):
            start = text.find(word, pos)
            if start < 0:  # underthesea changed the word (rare): fall back to its syllables
                found = [m for m in re.finditer(r"\S+", text[pos:])][:1]
                if not found:
                    break
                start, word = pos + found[0].start(), found[0].group(0)
            _gap(text[pos:start], words, spaces)
            words.append(word)
            spaces.append(False)
            pos = start + len(word)
        _gap(text[pos:], words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # spaCy serialises tokenizers with the pipeline; this one has no state beyond its flag
    def to_bytes(self, **_: object) -> bytes:
        return b"1" if self.segment else b"0"

    def from_bytes(self, data: bytes, **_: object) -> UndertheseaTokenizer:
        self.segment = data == b"1"
        return self

    def to_disk(self, path: object, **_: object) -> None:
        return None

    def from_disk(self, path: object, **_: object) -> UndertheseaTokenizer:
        return self


def _gap(gap: str, words: list[str], spaces: list[bool]) -> None:
    """Attach the whitespace between two words: one space to the previous token, more as a token."""
    if not gap:
        return
    if gap == " " and words:
        spaces[-1] = True
        return
    trailing = gap.endswith(" ") and len(gap) > 1
    words.append(gap[:-1] if trailing else gap)
    spaces.append(trailing)


def create_underthesea_tokenizer(segment: bool = True) -> Callable[[Language], UndertheseaTokenizer]:
    """``[nlp.tokenizer] @tokenizers = "vi_underthesea"``, optionally ``segment = false``."""

    def make(nlp: Language) -> UndertheseaTokenizer:
        return UndertheseaTokenizer(nlp.vocab, segment=segment)

    return make


# registered by call rather than as a decorator: spaCy's registry decorators are untyped
registry.tokenizers.register("vi_underthesea", func=create_underthesea_tokenizer)


def _add(doc: Doc, label: str, offsets: Iterable[tuple[int, int]]) -> None:
    spans = list(doc.spans.get(label, []))
    for start, end in offsets:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[label] = spans


class _Rule:
    """A rule component: a function from text to character offsets, written to ``doc.spans``."""

    def __init__(self, label: str, find: Callable[[str], Iterable[tuple[int, int]]]) -> None:
        self.label = label
        self.find = find

    def __call__(self, doc: Doc) -> Doc:
        _add(doc, self.label, self.find(doc.text))
        return doc


def _instruments(text: str) -> list[tuple[int, int]]:
    from extractors.references import find_mentions

    return [(m.start, m.end) for m in find_mentions(text) if m.kind == "full"]


def _agencies(text: str) -> list[tuple[int, int]]:
    from extractors.agencies import find_agencies

    return [(s, e) for s, e, _ in find_agencies(text)]


def _dates(text: str) -> list[tuple[int, int]]:
    from extractors.dates import find_dates

    return [(d.start, d.end) for d in find_dates(text)]


def _deadlines(text: str) -> list[tuple[int, int]]:
    from extractors.deadlines import find_deadlines

    return [(d.start, d.end) for d in find_deadlines(text)]


@Language.factory("vi_instruments")
def make_instruments(nlp: Language, name: str) -> _Rule:
    """INSTRUMENT: "Kế hoạch số 22-KH/TU", "Nghị định số 30/2020/NĐ-CP"."""
    return _Rule("INSTRUMENT", _instruments)


@Language.factory("vi_agencies")
def make_agencies(nlp: Language, name: str) -> _Rule:
    """AGENCY: "Sở Nội vụ", "UBND tỉnh Lào Cai", "các cơ quan, đơn vị liên quan"."""
    return _Rule("AGENCY", _agencies)


@Language.factory("vi_dates")
def make_dates(nlp: Language, name: str) -> _Rule:
    """DATE: "ngày 05 tháng 3 năm 2026", "13/12/2025", "tháng 3/2026"."""
    return _Rule("DATE", _dates)


@Language.factory("vi_deadlines")
def make_deadlines(nlp: Language, name: str) -> _Rule:
    """DEADLINE: "trước ngày 30/6/2026", "trong tháng 3/2026"."""
    return _Rule("DEADLINE", _deadlines)


@Language.component("vi_entities")
def set_entities(doc: Doc) -> Doc:
    """``doc.ents`` from every label's spans, longest first where they overlap (a DEADLINE
    over its DATE, an INSTRUMENT over the AGENCY in its code's issuer part)."""
    spans: list[Span] = [s for label in LABELS for s in doc.spans.get(label, [])]
    doc.ents = filter_spans(spans)
    return doc


def build_nlp(segment: bool = True) -> Language:
    """A fresh pipeline: underthesea tokenizer and the four rule components."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "vi_underthesea", "segment": segment}}})
    for name in ("vi_instruments", "vi_agencies", "vi_dates", "vi_deadlines", "vi_entities"):
        nlp.add_pipe(name)
    return nlp


@cache
def get_nlp(segment: bool = True) -> Language:
    """The pipeline, built once per process (``segment=False``: no underthesea, fast)."""
    return build_nlp(segment)
