"""Step 1 of the grammar: the reader's lines as rows of runs, with joined cells split apart.

A *row* is what stood on one visual line of the page: one run, or several side by side (the issuer's
cell and the quốc hiệu's cell of the header table; Nơi nhận and the signer's title). Readers say
which runs share a row (``Line.row``), or write a tab between cells of one paragraph (DOCX, text);
both come out here as a :class:`Row` of runs, left to right.

Converters and OCR also glue two cells into one run with a single space ("ỦY BAN NHÂN DÂN CỘNG HÒA
XÃ HỘI ...", "Số: 296/BHXH-CSYT V/v hướng dẫn ...", "Hà Nội, ngày 02 tháng 02 năm 2021 Kính gửi:");
:func:`split_joined` cuts such a run at the cue that starts the second cell, so every later step sees
one cell's text per run. Where a run has a position, the pieces get their share of its width.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field, replace

from extractors import patterns
from pipeline.grammar import kinds
from pipeline.lines import Line
from pipeline.normalize import strip_accents


@dataclass
class Row:
    """Runs that stood side by side, left to right; ``index`` is the row's place in reading order."""

    runs: list[Line]
    index: int = 0
    origin: Row | None = None  # the row as read, before its joined cells were split
    zone: str = ""  # set by the region step: "outside", "header", "body", "closing", "footnote"
    sides: list[str] = field(default_factory=list)  # per run, in the header and closing: "left" / "right"

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.runs)

    @property
    def first(self) -> Line:
        return self.runs[0]

    @property
    def page(self) -> int | None:
        return self.runs[0].page

    @property
    def positioned(self) -> bool:
        return all(r.positioned for r in self.runs)

    @property
    def cell(self) -> bool:
        return self.runs[0].cell is not None


def _piece(line: Line, text: str, start: int, end: int) -> Line:
    """Part of ``line`` (characters ``start``..``end`` of its text), with its share of the line's width."""
    piece = replace(line, text=text.strip())
    if line.positioned and line.text:
        assert line.x0 is not None and line.x1 is not None
        per_char = (line.x1 - line.x0) / max(1, len(line.text))
        piece.x0 = line.x0 + per_char * start
        piece.x1 = line.x0 + per_char * end
    return piece


def _cut(line: Line, at: list[int]) -> list[Line]:
    bounds = [0, *sorted(set(at)), len(line.text)]
    out = []
    for a, b in itertools.pairwise(bounds):
        if line.text[a:b].strip():
            out.append(_piece(line, line.text[a:b], a, b))
    return out


def split_joined(line: Line) -> list[Line]:
    """``line`` cut where a converter joined two cells with one space.

    >>> [r.text for r in split_joined(Line("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))]
    ['ỦY BAN NHÂN DÂN', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']
    >>> [r.text for r in split_joined(Line("Số: 296/BHXH-CSYT V/v hướng dẫn một số quy định"))]
    ['Số: 296/BHXH-CSYT', 'V/v hướng dẫn một số quy định']
    >>> [r.text for r in split_joined(Line("Hà Nội, ngày 02 tháng 02 năm 2021 Kính gửi:"))]
    ['Hà Nội, ngày 02 tháng 02 năm 2021', 'Kính gửi:']
    >>> [r.text for r in split_joined(Line("Độc lập - Tự do - Hạnh phúc ---------- Số: 12/UBND"))]
    ['Độc lập - Tự do - Hạnh phúc', 'Số: 12/UBND']
    """
    text = line.text
    if not text.strip():
        return [line]
    cuts: list[int] = []
    # a rule between two cells' texts ("... VIỆT NAM -------- CỘNG HÒA ..."), or at either end
    for m in patterns.EDGE_RULE.finditer(text):
        cuts += [m.start(), m.end()]
    pieces = _cut(line, cuts) if cuts else [line]
    pieces = [p for p in pieces if not kinds.is_rule(p.text)]
    out: list[Line] = []
    for piece in pieces:
        out.extend(_split_cues(piece))
    return out or [line]


def _split_cues(line: Line) -> list[Line]:
    text = line.text
    cuts: list[int] = []
    # the header's cells are in the first few hundred characters, even of a whole document copied onto one line;
    # up to a mark left loose by a damaged copy ("thiêt hai ̀ ̣"), which would shift the positions of the bare text
    opening = text[:400]
    loose_mark = re.search(r"[\u0300-\u036f]", opening)
    opening = opening[: loose_mark.start()] if loose_mark else opening
    bare = strip_accents(opening)
    if len(bare) == len(opening):
        # the quốc hiệu, tiêu ngữ or Party title after other text: "ỦY BAN NHÂN DÂN CỘNG HÒA ...",
        # "... CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
        for m in patterns.NATIONAL_TITLE_BARE.finditer(bare):
            if m.start() > 0 and text[: m.start()].strip() and not _inside_sentence(text, m.start()):
                cuts.append(m.start())
    # ... and what a converter ran on after the tiêu ngữ: "Độc lập - Tự do - Hạnh phúc Số : 2917 /SGDĐT-VP"
    if motto := patterns.MOTTO_THEN_MORE.match(text):
        cuts.append(motto.end())
    # ... or after the Party's or the Youth Union's title: "ĐOÀN TNCS HỒ CHÍ MINH Hà Nội, ngày ..."
    if titled := patterns.party_title_then_date(text):
        cuts.append(titled)
    # the number after the issuer's name: "ỦY BAN NHÂN DÂN TỈNH KON TUM Số: 435/QĐ-UBND ..."
    number = patterns.NUMBER_INSIDE.search(text)
    if number and kinds.is_caps(text[: number.start()]):
        cuts.append(number.end())
    # a type name in capitals run into what follows it: "QUYẾT ĐỊNH V/V BAN HÀNH ...", "KẾ HOẠCH Triển khai ..."
    if head := patterns.type_head(text):
        cuts.append(head)
    # "Số: 73/UBND-TH Hậu Giang, ngày 12 tháng 1 năm 2018", "Số: 296/BHXH-CSYT V/v hướng dẫn ..."
    if re.match(r"^Số\b", text):
        after = re.search(r"^Số\s*[:;.]?\s*\S*", text)
        start = after.end() if after else 0
        for cue in (patterns.PLACE_DATE_INSIDE, patterns.SUBJECT_INSIDE):
            found = cue.search(text, start)
            if found:
                cuts.append(found.end())
    # "V/v báo cáo nhanh ... Kính gửi: - Ủy ban nhân dân tỉnh ...": the trích yếu's cell run into the addressees
    if kinds.is_subject(text) and (kinh_gui := patterns.KINH_GUI_INSIDE.search(text)):
        cuts.append(kinh_gui.end())
    # "Hà Nội, ngày 02 tháng 02 năm 2021 Kính gửi:"; "... ngày 15 tháng 5 năm 2026 V/v ..."
    if patterns.PLACE_DATE.search(text) or patterns.is_national_title(text):
        kinh_gui = patterns.KINH_GUI_INSIDE.search(text)
        if kinh_gui:
            cuts.append(kinh_gui.end())
        year = re.search(r"\bnăm\s+\d{4}\b|\bnăm\s*$", text)
        if year and patterns.PLACE_DATE.search(text):
            rest = text[year.end() :]
            nxt = re.search(r"\S", rest)
            typed = kinds.is_type_title(rest.strip()) or patterns.type_head(rest.strip()) is not None
            if nxt and (typed or kinds.is_subject(rest.strip())):
                cuts.append(year.end() + nxt.start())
    # the thẩm quyền line run into a trích yếu in capitals that ends in a quote: "... TRONG TÌNH HÌNH MỚI” ỦY BAN NHÂN
    # DÂN TỈNH KON TUM"
    for q in re.finditer(r"(?<=[”\"»])\s+", text):
        rest = text[q.end() :]
        if patterns.ISSUING_AUTHORITY.match(rest) and kinds.is_caps(text[: q.start()]):
            cuts.append(q.end())
    # "... thực hiện./. Nơi nhận: ..."
    noi_nhan = patterns.NOI_NHAN_INSIDE.search(text)
    if noi_nhan and noi_nhan.end() < len(text):
        cuts.append(noi_nhan.end())
    if not cuts:
        return [line]
    pieces = _cut(line, cuts)
    out: list[Line] = []
    for piece in pieces:
        # each piece may hold a cue of its own ("... VIỆT NAM Độc lập - Tự do ..." after a split)
        out.extend([piece] if piece.text == text else _split_cues(piece))
    return out


def _inside_sentence(text: str, at: int) -> bool:
    """Is the quốc hiệu at ``at`` a phrase of a sentence ("Căn cứ Hiến pháp nước Cộng hòa ...")?"""
    before = text[:at].rstrip()
    return bool(re.search(r"(?:nước|của|Hiến pháp|Chủ tịch)\s*$", before, re.I)) or text[:1].islower()


def tab_runs(line: Line) -> list[Line]:
    """A line with tabs between cells ("ỦY BAN NHÂN DÂN\\tCỘNG HÒA ...") as its runs; the tab is the reader's
    mark of a column gap it could not measure."""
    if "\t" not in line.text:
        return [line]
    parts = [p for p in line.text.split("\t")]
    runs: list[Line] = []
    pos = 0
    for part in parts:
        if part.strip():
            runs.append(_piece(line, part, pos, pos + len(part)))
        pos += len(part) + 1
    return runs or [replace(line, text=line.text.replace("\t", " ").strip())]


def build(lines: list[Line]) -> list[Row]:
    """Rows in reading order: runs the reader put on one row are grouped; tabbed lines split into runs."""
    rows: list[Row] = []
    by_key: dict[tuple[int | None, int], Row] = {}
    for line in lines:
        if line.row is not None and line.cell is None:
            key = (line.page, line.row)
            row = by_key.get(key)
            if row is not None and rows and rows[-1] is row:
                row.runs.append(line)
                continue
            row = Row([line])
            by_key[key] = row
            rows.append(row)
            continue
        rows.append(Row([line]))
    out: list[Row] = []
    for row in rows:
        runs = [r for run in row.runs for r in tab_runs(run)]
        runs.sort(key=lambda r: r.x0 if r.x0 is not None else 0.0)
        if runs:
            out.append(Row(runs))
    for i, row in enumerate(out):
        row.index = i
    return out


def split_rows(rows: list[Row], upto: int) -> list[Row]:
    """Rows ``[0, upto)`` with their joined cells split (the header's part of the page); the rest as they are."""
    out: list[Row] = []
    for i, row in enumerate(rows):
        if i < upto and row.zone != "outside" and not row.positioned:
            runs = [piece for run in row.runs for piece in split_joined(run)]
            if len(runs) > 1 and len(row.runs) == 1 and not row.positioned:
                # no positions: each cell's text is a row of its own, as a converter printing one cell per line
                out.extend(Row([r], origin=row, zone=row.zone) for r in runs)
                continue
            out.append(Row(runs, origin=row if len(runs) > 1 else None, zone=row.zone))
        elif i < upto and row.zone != "outside":
            runs = [piece for run in row.runs for piece in split_joined(run)]
            out.append(Row(runs, origin=row if len(runs) > len(row.runs) else None, zone=row.zone))
        else:
            out.append(row)
    for i, row in enumerate(out):
        row.index = i
    return out


def unsplit(rows_: list[Row], end: int) -> list[Row]:
    """Rows from ``end`` on as they were read: a quốc hiệu quoted in a body sentence stays in its sentence."""
    out = list(rows_[:end])
    seen: set[int] = set()
    for row in rows_[end:]:
        if row.origin is None:
            out.append(row)
        elif (out and out[-1].origin is row.origin) or kinds.is_type_title(row.first.text):
            # the row was cut at the header's end (its first part stays in the header), or a type name was cut
            # off the trích yếu a copy ran into it ("QUYẾT ĐỊNH" / "V/V BAN HÀNH ...")
            out.append(row)
        elif id(row.origin) not in seen:
            seen.add(id(row.origin))
            row.origin.index = row.index
            out.append(row.origin)
    return out


def split_closing_joins(rows_: list[Row]) -> list[Row]:
    """A row of running text that runs on into "Nơi nhận" ("... thực hiện./. Nơi nhận: ...") as two rows."""
    out: list[Row] = []
    for row in rows_:
        run = row.first
        m = patterns.NOI_NHAN_INSIDE.search(run.text) if len(row.runs) == 1 and not row.cell else None
        if m is None or m.end() >= len(run.text) or not m.start():
            out.append(row)
            continue
        head, tail = _cut(run, [m.end()])[:2] if len(_cut(run, [m.end()])) >= 2 else (run, None)
        out.append(replace(row, runs=[head]))
        if tail is not None:
            out.append(replace(row, runs=[tail]))
    for i, row in enumerate(out):
        row.index = i
    return out


def _signer_pieces(text: str) -> list[str]:
    """A signature block printed on one line, as its lines: authority, title, name.

    >>> _signer_pieces("KT. TỔNG GIÁM ĐỐC PHÓ TỔNG GIÁM ĐỐC Phạm Lương Sơn")
    ['KT. TỔNG GIÁM ĐỐC', 'PHÓ TỔNG GIÁM ĐỐC', 'Phạm Lương Sơn']
    >>> _signer_pieces("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn An")
    ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Nguyễn Văn An']
    >>> _signer_pieces("THỦ TƯỚNG Nguyễn Tấn Dũng")
    ['THỦ TƯỚNG', 'Nguyễn Tấn Dũng']
    """
    from extractors.casing import titles

    name = patterns.TRAILING_NAME.search(text)
    caps = text[: name.start()].strip() if name else text.strip()
    if not caps or (name is None and not kinds.is_authority(caps)) or not kinds.is_caps(caps):
        return [text]
    if not re.search(r"[A-ZĐÀ-Ỹ]{2,}\s+[A-ZĐÀ-Ỹ]{2,}", caps):
        return [text]  # "PGS.TS. Lê Thị Mai", "Đại tá ...": a degree or rank before the name, not a title
    parts = [p.strip() for p in patterns.INNER_AUTHORITY.split(caps) if p.strip()]
    known = {t.upper() for t in titles()}
    last = parts[-1]
    m = patterns.AUTHORITY_LINE.match(last)
    words = (m.group("rest") if m else last).split()
    head = last[: len(last) - len(" ".join(words))].strip() if m else ""
    for k in range(1, len(words)):
        # without a signing prefix, only two titles side by side split ("TRƯỞNG BAN PHÓ THỦ TƯỚNG"); "BỘ TRƯỞNG,
        # CHỦ NHIỆM" is one title
        if not m and (" ".join(words[:k]) not in known or words[k - 1].endswith(",")):
            continue
        if " ".join(words[k:]) in known:
            parts[-1:] = [f"{head} {' '.join(words[:k])}".strip(), " ".join(words[k:])]
            break
    if name:
        parts.append(name.group(1))
    return parts


@functools.cache
def _long_titles() -> tuple[str, ...]:
    """The titles of more than one word, in capitals ("BÍ THƯ THƯỜNG TRỰC"), each followed by a space."""
    from extractors.casing import titles

    return tuple(f"{t.upper()} " for t in titles() if " " in t)


def _glued_cut(word: str, rest: str) -> int | None:
    """Where ``word`` is two words a copy glued: capitals then a name ("PHÒNGThái"), or the end of an authority
    line then a title the list knows, read on into ``rest`` ("ĐOÀNBÍ" + "THƯ THƯỜNG TRỰC ...")."""
    for i in range(2, len(word) - 1):
        tail = word[i + 1 :]
        if kinds.is_caps(word[:i]) and word[i].isupper() and tail.isalpha() and tail.islower():
            return i
    if not (kinds.is_caps(word) and len(word) >= 4):
        return None
    whole = f"{word} {rest} "
    if any(whole.startswith(t) for t in _long_titles()):
        return None  # "PHÓ BÍ THƯ ...": a title already
    return next((i for i in range(2, len(word) - 1) if any(whole[i:].startswith(t) for t in _long_titles())), None)


def _mend_signature(text: str) -> str:
    """A closing line of a web copy as it was printed before its line breaks were lost: the copy's "(đã ký)"
    dropped, a title glued to the name after it cut apart ("CHÁNH VĂN PHÒNGThái Hữu Phép"), and a title glued to
    the authority line above it ("TM. BAN BÍ THƯ TRUNG ƯƠNG ĐOÀNBÍ THƯ THƯỜNG TRỰC": the second title is one the
    list of titles knows).

    >>> _mend_signature("CHÁNH VĂN PHÒNGThái Hữu Phép")
    'CHÁNH VĂN PHÒNG Thái Hữu Phép'
    >>> _mend_signature("TM. BAN BÍ THƯ TRUNG ƯƠNG ĐOÀNBÍ THƯ THƯỜNG TRỰC (đã ký) Phan Văn Mãi")
    'TM. BAN BÍ THƯ TRUNG ƯƠNG ĐOÀN BÍ THƯ THƯỜNG TRỰC Phan Văn Mãi'
    """
    words = patterns.SIGNED_NOTE.sub("", text).split(" ")
    out: list[str] = []
    for k, word in enumerate(words):
        cut = _glued_cut(word, " ".join(words[k + 1 :]))
        out += [word[:cut], word[cut:]] if cut else [word]
    return " ".join(out)


def split_signer(rows_: list[Row]) -> list[Row]:
    """Rows of one closing block with a signature or a Nơi nhận list printed on one line split into its lines."""
    out: list[Row] = []
    for row in rows_:
        if len(row.runs) != 1 or row.positioned:
            out.append(row)
            continue
        run = row.first
        mended = _mend_signature(run.text)
        if mended != run.text:
            run = replace(run, text=mended)
            row = replace(row, runs=[run])
        pieces = [run.text]
        if kinds.is_noi_nhan(run.text) or run.text.startswith(("-", "–", "+")):
            pieces = [p for p in patterns.NEXT_ENTRY.split(run.text) if p.strip()]
            signer = patterns.TRAILING_SIGNER.search(pieces[-1])
            if signer:
                # "- Lưu: VT, ĐMDN (2b). Trung Anh BỘ TRƯỞNG, CHỦ NHIỆM Mai Tiến Dũng": the signature ran on; where
                # a signing prefix opens it, it starts there ("- Lưu VP, VT. TM. BAN THƯỜNG VỤ ...": "VP, VT." is
                # the list's)
                start = signer.start()
                prefix = patterns.INNER_AUTHORITY.search(pieces[-1], start)
                if prefix is not None:
                    start = prefix.start()
                pieces[-1:] = [pieces[-1][:start], *_signer_pieces(pieces[-1][start:].strip())]
        elif len(run.text) <= 160:
            pieces = _signer_pieces(run.text)
        if len(pieces) == 1:
            out.append(row)
            continue
        out.extend(replace(row, runs=[replace(run, text=p.strip())]) for p in pieces if p.strip())
    return out


def split_addressees(rows_: list[Row], start: int) -> list[Row]:
    """The Kính gửi block's lines cut where a web copy ran the last addressee on into the body's first sentence."""
    out = list(rows_[:start])
    in_block = False
    for k, row in enumerate(rows_[start:], start):
        text = row.first.text
        if kinds.is_kinh_gui(text):
            in_block = True
        elif not (in_block and text.lstrip().startswith(("-", "–", "+", "•"))):
            in_block = False
        if not in_block or len(row.runs) != 1 or k - start > 15:
            out.append(row)
            continue
        entries = [m.end() for m in patterns.NEXT_ENTRY.finditer(text)]
        m = (patterns.ADDRESSEE_END.search(text) or patterns.BODY_INSIDE.search(text, 20)) if len(text) > 60 else None
        if m is not None and len(text[m.end() :].split()) < 4:
            m = None  # "Sở Y tế. (Bản gửi ...)": a note, not a sentence of the body
        if m is not None:
            entries = [e for e in entries if e < m.start()] + [m.end()]
        if not entries:
            out.append(row)
            continue
        pieces = _cut(row.first, entries)
        for n, piece in enumerate(pieces):
            if m is not None and n == len(pieces) - 1:
                piece.block = None  # the body's first sentence: a paragraph of its own
                in_block = False
            out.append(replace(row, runs=[piece]))
    for i, row in enumerate(out):
        row.index = i
    return out
