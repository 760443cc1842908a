"""Nơi nhận: one entry per printed line, "- " and the final ";" or "." removed, "Lưu: ..." kept.

Nơi nhận:                 -> ["Như trên", "Chủ tịch UBND tỉnh", "Lưu: VT, NC (Ng)"]
- Như trên;
- Chủ tịch UBND tỉnh;
- Lưu: VT, NC (Ng).
"""

from __future__ import annotations

import re

from extractors import patterns
from pipeline.layout import Layout


def extract(layout: Layout) -> list[str]:
    """The Nơi nhận entries of the ``closing_left`` zone."""
    entries: list[str] = []
    started = False
    last_ended = True  # did the previous printed line end its entry with ";" or "."?
    last_comma = False  # or with ",", the entry going on?
    for para in layout.zone("closing_left"):
        # two entries a copy ran onto one line: "- Chủ tịch, các PCT UBND tỉnh (để b/c);- CVP, các PCVP ..."
        lines = [piece for raw in para.lines for piece in patterns.RUN_ON_ENTRY.split(raw)]
        for raw in lines:
            line = raw.strip()
            m = patterns.NOI_NHAN.match(line)
            if m:
                started = True
                line = m.group("rest").strip()
            if not started or not line:
                continue
            is_item = line.startswith(("-", "–", "—", "+", "•")) or bool(patterns.LUU.match(line))
            clean = re.sub(r"\s+", " ", line.lstrip("-–—+• ")).rstrip(" ;,.")
            if not any(c.isalpha() for c in clean):
                continue  # a speck OCR read off the seal or a rule: "`", "⁄⁄"
            # an entry wrapped onto the next line, or a note on it in brackets ("- Cơ quan Báo&PT;" / "(để đưa tin)")
            if entries and ((not is_item and not last_ended) or clean.startswith("(")):
                # the wrapped line's comma stays: "- Các Sở, ban, ngành," / "đoàn thể;"
                entries[-1] = f"{entries[-1]}{',' if last_comma and not clean.startswith('(') else ''} {clean}"
            elif clean:
                entries.append(clean)
            last_ended = bool(re.search(r"[;.]$", line))
            last_comma = line.endswith(",")
    return entries
