"""Words of a scan that tesseract read badly in their line's company, read again on their own.

Tesseract's page mode (``--psm 3``) takes a row of text across the whole page as one line. In a
closing, the short "- Như trên;" of the Nơi nhận column stands level with the signer's bold
"PHÓ CHỦ TỊCH": read as one line, the small entry comes back as a speck ("`", confidence 3) and is
lost, although alone it reads at 95. So, in the left half of a page (the Nơi nhận column, the
header's left cell), a run of words of one line that tesseract was unsure of is cut out and read
again as a line of its own (``--psm 7``); the new reading replaces the old one in the hOCR when
tesseract is sure of it, and is dropped otherwise (a stamp's edge stays a speck).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from extractors import patterns
from pipeline import regex_cache

# A word read with less confidence than this is weak; a re-reading is kept when its words average this much.
_WEAK = 45
_SURE = 75
# At most this many runs re-read on a page: a page of stamp noise would otherwise cost a call per speck.
_MAX_RUNS = 8
# Padding around a run (share of its height), the narrowest run worth reading (widths per height) and the
# lowest (points: a speck's run is lower than any letter of body text).
_PAD = 0.45
_MIN_WIDTH = 1.5
_MIN_HEIGHT_PT = 4.0

_LINE = regex_cache.compile(
    r"<span class='(?:ocr_line|ocr_header|ocr_caption|ocr_textfloat)'[^>]*>(.*?)</span>\s*"
    r"(?=<span class='(?:ocr_line|ocr_header|ocr_caption|ocr_textfloat)'|</p>)",
    re.S,
)
_WORD = regex_cache.compile(
    r"<span class='ocrx_word' id='(?P<id>[^']+)' title='bbox (?P<x0>\d+) (?P<y0>\d+) (?P<x1>\d+) (?P<y1>\d+); "
    r"x_wconf (?P<conf>\d+)'[^>]*>(?P<text>.*?)</span>",
    re.S,
)


@dataclass(frozen=True)
class _Run:
    first: re.Match[str]  # the run's first and last word spans in the hOCR
    last: re.Match[str]
    x0: int
    y0: int
    x1: int
    y1: int


def _weak(word: re.Match[str]) -> bool:
    text = re.sub(r"<[^>]+>", "", word.group("text"))
    return int(word.group("conf")) < _WEAK and not patterns.OCR_CODE_WORD.match(text)


def _runs(hocr: str, width: int, dpi: int) -> list[_Run]:
    """Runs of weak words, each within one OCR line, in the left half of the page."""
    runs: list[_Run] = []
    for line in _LINE.finditer(hocr):
        words = list(_WORD.finditer(hocr, line.start(1), line.end(1)))
        i = 0
        while i < len(words):
            if not _weak(words[i]):
                i += 1
                continue
            j = i
            while j + 1 < len(words) and _weak(words[j + 1]):
                j += 1
            group = words[i : j + 1]
            x0, x1 = int(group[0]["x0"]), int(group[-1]["x1"])
            y0, y1 = min(int(w["y0"]) for w in group), max(int(w["y1"]) for w in group)
            tall_enough = y1 - y0 >= _MIN_HEIGHT_PT * dpi / 72
            if x1 <= width // 2 and tall_enough and (x1 - x0) >= _MIN_WIDTH * (y1 - y0):
                runs.append(_Run(group[0], group[-1], x0, y0, x1, y1))
            i = j + 1
    return runs


_Read = tuple[str, int, int, int, int, int]  # text, x0, y0, x1, y1 (page pixels), confidence


def _read_alone(tesseract: Any, gray: NDArray[np.uint8], run: _Run, lang: str) -> list[_Read]:
    """The run's box read as one line: (text, x0, y0, x1, y1, confidence) in page pixels; [] when unsure."""
    pad = int(_PAD * (run.y1 - run.y0)) + 4
    top, left = max(0, run.y0 - pad), max(0, run.x0 - 2 * pad)
    crop = gray[top : run.y1 + pad, left : run.x1 + 2 * pad]
    data = tesseract.image_to_data(crop, lang=lang, config="--psm 7", output_type=tesseract.Output.DICT)
    words = [
        (str(t).strip(), data["left"][k] + left, data["top"][k] + top, data["left"][k] + data["width"][k] + left,
         data["top"][k] + data["height"][k] + top, int(float(data["conf"][k])))
        for k, t in enumerate(data["text"])
        if str(t).strip()
    ]  # fmt: skip
    if not words or not any(c.isalpha() for w in words for c in w[0]):
        return []
    if sum(w[5] for w in words) / len(words) < _SURE:
        return []
    return words


def reread_weak_runs(tesseract: Any, gray: NDArray[np.uint8], hocr: str, lang: str, dpi: int) -> str:
    """``hocr`` (of the page image ``gray`` at ``dpi``) with each weak run of the left half read again alone,
    where the new reading is sure."""
    runs = _runs(hocr, gray.shape[1], dpi)[:_MAX_RUNS]
    if not runs:
        return hocr
    pieces: list[str] = []
    at = 0
    for n, run in enumerate(runs):
        words = _read_alone(tesseract, gray, run, lang)
        if not words:
            continue
        spans = "".join(
            f"<span class='ocrx_word' id='reread_{n}_{k}' title='bbox {x0} {y0} {x1} {y1}; x_wconf {conf}'>"
            f"{_escape(text)}</span> "
            for k, (text, x0, y0, x1, y1, conf) in enumerate(words)
        )
        pieces += [hocr[at : run.first.start()], spans]
        at = run.last.end()
    pieces.append(hocr[at:])
    return "".join(pieces)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
