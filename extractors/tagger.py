"""underthesea's part-of-speech tagger, loaded without the rest of underthesea.

The task extractors ask a short phrase's first word's tag ("Khoa | nhận hồ sơ": a verb) or where
an agency's name meets its verb (:mod:`extractors.tasks.clauses`, :mod:`extractors.tasks.find`).
``from underthesea import pos_tag`` costs ~0.9 s of a one-page ``directives extract``: the package
imports every pipeline it has (classification, chunking, NER, translation...), joblib (and with it
numpy) to read its model files, and joblib reads them with Python's pure-Python unpickler (the
word segmenter's 1 MB dictionary alone: 0.2 s).

:func:`pos_tag` gives the same tags from the same two models (the word segmenter of
``underthesea.pipeline.word_tokenize`` and the CRF tagger of ``underthesea.pipeline.pos_tag``)
but imports only their modules, and reads their pickled model files (plain sets, dicts and lists:
no numpy arrays) with the C unpickler. ``tests/test_tagger.py`` checks that the tags are
underthesea's own, phrase for phrase. Anything unexpected on the way (another underthesea whose
modules moved) and :func:`pos_tag` is underthesea's own, loaded the usual way.

    >>> pos_tag("Sở Nội vụ chủ trì, phối hợp các cơ quan")  # doctest: +SKIP
    [('Sở', 'N'), ('Nội vụ', 'N'), ('chủ trì', 'N'), (',', 'CH'), ('phối hợp', 'V'), ('các', 'L'), ('cơ quan', 'N')]
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import pickle
import sys
import types
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

log = logging.getLogger(__name__)

Tagger = Callable[[str], list[tuple[str, str]]]


def pos_tag(text: str) -> list[tuple[str, str]]:
    """The words of ``text`` (underthesea's segmentation) with their part-of-speech tags."""
    return tagger()(text)


@cache
def tagger() -> Tagger:
    """The tagging function, loaded on first use (~0.15 s here against ~0.9 s for the whole package)."""
    if "underthesea" in sys.modules and hasattr(sys.modules["underthesea"], "pos_tag"):
        full: Tagger = sys.modules["underthesea"].pos_tag  # loaded already: nothing to save
        return full
    try:
        return _models_only()
    except Exception:
        log.debug("underthesea's tagger modules could not be loaded alone; loading the whole package", exc_info=True)
        from underthesea import pos_tag as full_pos_tag

        return full_pos_tag  # type: ignore[no-any-return]


def _models_only() -> Tagger:
    with _bare_package("underthesea") as package:
        # text_normalize first: it and word_tokenize import each other (the package's own order)
        importlib.import_module("underthesea.pipeline.text_normalize")
        word_tokenize = importlib.import_module("underthesea.pipeline.word_tokenize").word_tokenize
        package.word_tokenize = word_tokenize  # type: ignore[attr-defined]
        predictor = importlib.import_module("underthesea.pipeline.pos_tag.model_crf").CRFPOSTagPredictor

        def tag(text: str) -> list[tuple[str, str]]:
            # underthesea.pos_tag(text) without a model argument, as it reads in 9.5
            result: list[tuple[str, str]] = predictor.Instance().predict(word_tokenize(text))
            return result

        tag("Sở Nội vụ chủ trì")  # loads both models now, while the stand-ins below are in place
        return tag


@contextlib.contextmanager
def _bare_package(name: str) -> Iterator[types.ModuleType]:
    """``name`` importable submodule by submodule without running its ``__init__``, and ``joblib``
    standing in as the C unpickler, while the block runs; both are taken out of ``sys.modules``
    after it (the loaded functions keep what they imported). On failure, every module the block
    imported is taken out, so the whole package can still be imported the usual way."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations or "joblib" in sys.modules:
        raise ImportError(f"{name} is not a package here, or joblib is loaded already")
    before = set(sys.modules)
    package = types.ModuleType(name)
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    package.__file__ = spec.origin
    joblib = types.ModuleType("joblib")
    joblib.load = _load_pickle  # type: ignore[attr-defined]
    sys.modules[name], sys.modules["joblib"] = package, joblib
    try:
        yield package
    except BaseException:
        for added in set(sys.modules) - before:
            del sys.modules[added]
        raise
    for added in set(sys.modules) - before:
        if added == name or added.startswith(name + ".") or added == "joblib":
            del sys.modules[added]


def _load_pickle(path: str) -> Any:
    """``joblib.load`` of a file joblib wrote without numpy arrays in it: a plain pickle."""
    with open(path, "rb") as fh:
        return pickle.load(fh)
