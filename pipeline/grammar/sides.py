"""Step 4 of the grammar: the left and right cells of the header and of the closing block.

The header's left cell holds the issuer, the number and "V/v"; the right cell the quốc hiệu (or "ĐẢNG CỘNG
SẢN VIỆT NAM"), the tiêu ngữ and the place and date. The closing's left cell is Nơi nhận, the right one
the signer. A run's side comes, in order of trust, from

1. its words, for the parts that can only stand on one side (the quốc hiệu and the place and date on the
   right; "Số" and "V/v" on the left);
2. its table cell (left or right half of the table; a merged full-width cell is left unless right-aligned);
3. its position against the gutter between the two columns;
4. its place in a row of runs without positions (a tab or a pipe between cells): first left, then right;
5. for the closing in plain text, the Nơi nhận list: "Nơi nhận" and its "- " lines left, the rest right.
"""

from __future__ import annotations

from collections.abc import Sequence

from extractors import patterns
from pipeline.grammar import kinds
from pipeline.grammar.geometry import Frame, column_split, side_of
from pipeline.grammar.rows import Row
from pipeline.lines import Line


def _by_words(run: Line, header: bool) -> str | None:
    text = run.text.strip()
    if header:
        if kinds.is_national(text) or kinds.is_place_date(text):
            return "right"
        if kinds.is_number(text) or kinds.is_subject(text):
            return "left"
        return None
    if kinds.is_noi_nhan(text) or patterns.LUU.match(text):
        return "left"
    if kinds.is_authority(text):
        return "right"
    return None


def _by_cell(run: Line) -> str:
    cell = run.cell
    assert cell is not None
    if cell.x0 < 0.25 and cell.x1 > 0.75:
        return "right" if run.align == "right" else "left"
    return "right" if cell.center >= 0.5 else "left"


def assign(rows: Sequence[Row], header: bool, frame: Frame | None) -> None:
    """Set ``row.sides`` for every row of one region (the header, or one closing block)."""
    placed = [[r for r in row.runs if r.positioned] for row in rows if row.positioned and not row.cell]
    split: float | None = None
    if placed and frame is not None:
        if any(len(runs) > 1 for runs in placed):
            split = column_split(placed, frame)
        else:
            split = frame.center if header else frame.left + 0.45 * frame.width
    noi_nhan_seen = False
    prev_run: Line | None = None
    prev_side = ""
    for row in rows:
        sides: list[str] = []
        for k, run in enumerate(row.runs):
            side = _by_words(run, header)
            text = run.text.strip()
            listed = text.startswith(("-", "+", "•", "–")) or bool(patterns.LUU.match(text))
            if side is None and not header and noi_nhan_seen and listed and run.cell is None:
                # a Nơi nhận entry that starts left goes left, however far it runs ("- Báo Lai Châu, Đài PT-TH
                # tỉnh, phân xã TTXVN tại Lai Châu, Công báo tỉnh," fills a text copy's line past the middle)
                if not (run.positioned and split is not None) or (run.x0 or 0.0) < split:
                    side = "left"
            if side is None:
                if run.cell is not None:
                    side = _by_cell(run)
                elif run.positioned and split is not None:
                    side = side_of(run, split)
                elif len(row.runs) > 1:
                    side = "left" if k == 0 else "right"
                elif header:
                    # the place and date wrapped in one block stays right ("..., ngày 05 tháng 3" / "năm 2026")
                    same = prev_run is not None and prev_run.block is not None and prev_run.block == run.block
                    cut_date = (
                        prev_run is not None
                        and bool(patterns.PLACE_DATE_START.match(prev_run.text))
                        and not patterns.PLACE_DATE.search(prev_run.text)
                    )
                    side = "right" if same and cut_date and prev_side == "right" else "left"
                else:
                    # an entry wrapped onto the next line of the same block ("- Giám đốc, các PGĐ Sở" / "Tài chính;")
                    wrapped = (
                        prev_side == "left"
                        and prev_run is not None
                        and prev_run.block is not None
                        and prev_run.block == run.block
                        and not kinds.is_caps(text)
                        and not regions_person(text)
                    )
                    side = "left" if noi_nhan_seen and (listed or wrapped) else "right"
            if not header and kinds.is_noi_nhan(run.text):
                noi_nhan_seen = True
            sides.append(side)
            prev_run, prev_side = run, side
        row.sides = sides


def regions_person(text: str) -> bool:
    from pipeline.grammar.regions import is_person_name

    return is_person_name(text)
