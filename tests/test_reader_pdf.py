"""The PDF reader on real PDFs: the corpus công văn, the LibreOffice-rendered samples, and
files that must be refused. Expected texts come from the sources the PDFs were rendered
from (``corpus/specs``, ``samples/specs``), never from the reader's own output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import NoText, UnreadableFile
from pipeline.grammar import layout as grammar_layout
from pipeline.layout import SUPERSCRIPT_DIGITS, Layout
from pipeline.normalize import normalize_text
from pipeline.readers import read
from pipeline.readers.pdf import ENGINES, PageWords, Rule, Word, read_pdf, to_lines

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
SAMPLE_PDFS = sorted(SAMPLES.glob("*.pdf"))


@pytest.fixture(scope="module")
def seed003(corpus: Path) -> Layout:
    return read_pdf(corpus / "docs" / "seed003-pdf.pdf")


def texts(layout: Layout, zone: str) -> list[str]:
    return [p.text for p in layout.paragraphs if p.zone == zone]


def spec_paragraph(item: str | dict[str, str]) -> str:
    """A spec body paragraph as it prints: its list number, then the text with "[^1]" as "¹"."""
    text = item if isinstance(item, str) else item["text"]
    num = None if isinstance(item, str) else item.get("num")
    text = re.sub(r"\[\^(\d+)\]", lambda m: m.group(1).translate(SUPERSCRIPT_DIGITS), text)
    return normalize_text(f"{num} {text}" if num else text)


# --- the corpus công văn (seed003) ------------------------------------------------------


def test_header_cells_are_not_interleaved(seed003: Layout) -> None:
    left, right = texts(seed003, "header_left"), texts(seed003, "header_right")
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"]
    assert "Số: /UBND-NC" in left
    assert "V/v tiếp tục triển khai thực hiện Chỉ thị số 53-CT/TW của Bộ Chính trị" in left
    assert right[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert "Lào Cai, ngày tháng năm 2026" in right
    assert "CỘNG" not in " ".join(left) and "NHÂN DÂN" not in " ".join(right)


def test_issuer_weights_are_kept(seed003: Layout) -> None:
    first, second = seed003.zone("header_left")[:2]
    assert (first.bold, second.bold) == (False, True)  # chủ quản line plain, issuer bold
    assert first.size == 13.0


def test_body_matches_the_source_paragraph_for_paragraph(seed003: Layout, corpus: Path) -> None:
    spec = json.loads((corpus / "specs" / "seed003.json").read_text(encoding="utf-8"))
    body = texts(seed003, "body")
    for item in spec["body"]:
        assert spec_paragraph(item) in body
    assert body[0] == "Kính gửi:"
    assert body[1:4] == [normalize_text("- " + r) for r in spec["recipients"]]


def test_item_3_comes_out_whole(seed003: Layout) -> None:
    item3 = [t for t in texts(seed003, "body") if t.startswith("3. Thực hiện nghiêm túc công tác tiếp công dân")]
    assert len(item3) == 1
    assert "chậm trễ trong việc phản hồi các yêu cầu giải trình" in item3[0]
    assert item3[0].endswith("tố cáo phức tạp, vượt cấp")


def test_footnote_is_its_own_paragraph(seed003: Layout) -> None:
    notes = seed003.footnotes
    assert list(notes) == ["1"]
    assert notes["1"].text.startswith("Kế hoạch số 164/KH-UBND ngày 17/11/2025")
    assert "¹" not in notes["1"].text
    assert any("hoạt động công vụ¹. Chú trọng" in t for t in texts(seed003, "body"))
    assert not any("164/KH-UBND" in t for t in texts(seed003, "body"))


def test_no_page_numbers_or_rules(seed003: Layout) -> None:
    for p in seed003.paragraphs:
        assert not re.fullmatch(r"[-\s\d]*", p.text), p.text
        assert "___" not in p.text


def test_closing_cells(seed003: Layout, corpus: Path) -> None:
    spec = json.loads((corpus / "specs" / "seed003.json").read_text(encoding="utf-8"))
    left = texts(seed003, "closing_left")
    assert left[0] == "Nơi nhận:"
    assert left[1:] == [normalize_text(d) for d in spec["distribution"]]  # runs over onto page 3
    assert texts(seed003, "closing_right") == ["CHỦ TỊCH", "Nguyễn Tuấn Anh"]


def test_layout_spans_and_pages(seed003: Layout) -> None:
    assert seed003.pages == 3
    assert seed003.media_type == "application/pdf"
    for p in seed003.paragraphs:
        assert seed003.text[p.start : p.end] == p.text
    assert [p.page for p in seed003.zone("closing_right")] == [2, 3]


def test_reader_dispatch_reads_the_pdf(corpus: Path) -> None:
    layout = read(corpus / "docs" / "seed003-pdf.pdf")
    assert texts(layout, "closing_right")[-1] == "Nguyễn Tuấn Anh"


# --- both engines -----------------------------------------------------------------------


def _pdfs_for_engines() -> list[Path]:
    corpus_pdf = ROOT.parent / "shared" / "corpus" / "docs" / "seed003-pdf.pdf"
    return [*SAMPLE_PDFS, *([corpus_pdf] if corpus_pdf.is_file() else []), FIXTURES / "task_table.pdf"]


@pytest.mark.parametrize("pdf", _pdfs_for_engines(), ids=lambda p: p.name)
def test_engines_agree(pdf: Path) -> None:
    fast, slow = (read_pdf(pdf, engine=e) for e in ENGINES)
    assert [(p.zone, p.text, p.note) for p in fast.paragraphs] == [(p.zone, p.text, p.note) for p in slow.paragraphs]
    assert [(p.bold, p.size) for p in fast.paragraphs] == [(p.bold, p.size) for p in slow.paragraphs]


def test_engine_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    if not SAMPLE_PDFS:
        pytest.skip("no samples/*.pdf")
    monkeypatch.setenv("DIRECTIVES_PDF_ENGINE", "pdfplumber")
    assert read_pdf(SAMPLE_PDFS[0]).text == read_pdf(SAMPLE_PDFS[0], engine="pypdfium2").text
    monkeypatch.setenv("DIRECTIVES_PDF_ENGINE", "pdfminer")
    with pytest.raises(ValueError, match="DIRECTIVES_PDF_ENGINE"):
        read_pdf(SAMPLE_PDFS[0])


# --- the samples (LibreOffice renderings of DOCX with Word footnotes, page numbers) -----


@pytest.mark.parametrize("pdf", SAMPLE_PDFS, ids=lambda p: p.stem)
def test_sample_matches_its_spec(pdf: Path) -> None:
    spec_path = SAMPLES / "specs" / f"{pdf.stem}.json"
    if not spec_path.is_file():
        pytest.skip(f"no spec for {pdf.name}")
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    layout = read_pdf(pdf)
    body = texts(layout, "body")
    for item in spec["body"]:
        assert spec_paragraph(item) in body
    footnotes = {k: p.text for k, p in layout.footnotes.items()}
    assert footnotes == {k: normalize_text(v) for k, v in (spec.get("footnotes") or {}).items()}
    left = texts(layout, "closing_left")
    assert left[1:] == [normalize_text(d) for d in spec["distribution"]]
    right = texts(layout, "closing_right")
    assert right == [normalize_text(x) for x in [*spec["signer"]["lines"], spec["signer"]["name"]]]
    header = " | ".join(texts(layout, "header_left"))
    assert normalize_text(" ".join(spec["number_line"].split())) in header
    assert normalize_text(spec["place_date"].split(",")[0]) in texts(layout, "header_right")[-1]
    assert layout.pages == spec["pages"]


def test_word_footnote_marker_is_superscript_in_body() -> None:
    pdf = SAMPLES / "cv-ubnd-tinh.pdf"
    if not pdf.is_file():
        pytest.skip("sample cv-ubnd-tinh.pdf absent")
    layout = read_pdf(pdf)
    # the marker is a small raised "1" in the PDF, printed after "tỉnh" and before ";"
    assert any("cải cách hành chính của tỉnh¹; định kỳ" in t for t in texts(layout, "body"))
    # page 2 starts with a page number "2" that must not leak into the text
    page2 = [p for p in layout.paragraphs if p.page == 2 and p.zone == "body"]
    assert page2 and not page2[0].text.startswith("2")


def test_code_broken_at_its_hyphen_is_rejoined() -> None:
    pdf = SAMPLES / "tb-deadline.pdf"
    if not pdf.is_file():
        pytest.skip("sample tb-deadline.pdf absent")
    for engine in ENGINES:
        assert "Quyết định số 1874/QĐ-UBND, ngày 25/12/2025" in read_pdf(pdf, engine=engine).text


# --- files that must be refused ---------------------------------------------------------


def _pdf_with_objects(objects: list[str]) -> bytes:
    """A well-formed PDF (correct xref) made of ``objects``; object 1 is the catalog."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_encrypted_pdf_is_refused(engine: str) -> None:
    with pytest.raises(UnreadableFile, match="password"):
        read_pdf(FIXTURES / "locked.pdf", engine=engine)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
def test_damaged_pdf_is_refused(engine: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R\n")
    with pytest.raises(UnreadableFile, match="damaged"):
        read_pdf(broken, engine=engine)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
def test_zero_page_pdf_is_refused(engine: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(_pdf_with_objects(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"]))
    # PDFium refuses a page-less document as malformed before we can count its pages
    with pytest.raises(UnreadableFile, match="no pages" if engine == "pdfplumber" else "no pages|damaged"):
        read_pdf(empty, engine=engine)  # type: ignore[arg-type]


# --- ruled body tables (bảng phân công nhiệm vụ) ------------------------------------------------

TASK_TABLE = FIXTURES / "task_table.pdf"  # built by tests/fixtures/pdf/build_tables.py


def _rows(layout: Layout) -> list[str]:
    return [p.text for p in layout.paragraphs if p.zone == "body" and " | " in p.text]


@pytest.mark.parametrize("engine", ENGINES)
def test_ruled_table_rows_match_the_docx_it_was_rendered_from(engine: str) -> None:
    from pipeline.readers.docx import read_docx

    truth = _rows(read_docx(TASK_TABLE.with_suffix(".docx")))
    layout = read_pdf(TASK_TABLE, engine=engine)  # type: ignore[arg-type]
    assert len(truth) == 9  # the header row and 8 tasks
    assert _rows(layout) == truth
    # the header row LibreOffice repeats on page 2 comes out once; row 3, split by the page
    # break, comes out whole; the rows sit between the paragraphs around the table
    body = texts(layout, "body")
    start = body.index("Các nhiệm vụ cụ thể như sau:") + 1
    assert body[start : start + 9] == truth
    assert body[start + 9] == "III. TỔ CHỨC THỰC HIỆN"
    assert [p.page for p in layout.paragraphs if p.text in truth[3:5]] == [1, 2]


def test_ruled_task_table_gives_one_task_per_row_as_from_the_docx() -> None:
    from pipeline import extract

    def tasks(path: Path) -> list[tuple[str, str, list[str], list[str], str | None]]:
        return [(t.ordinal, t.text, t.lead, t.support, t.deadline) for t in extract(path).tasks]

    got = tasks(TASK_TABLE)
    assert got == tasks(TASK_TABLE.with_suffix(".docx"))
    assert [(o, lead, deadline) for o, _, lead, _, deadline in got[:3]] == [
        ("2.1", ["Sở Khoa học và Công nghệ"], "2026-04-30"),
        ("2.2", ["Công an tỉnh"], "2026-06-30"),
        ("2.3", ["Sở Nội vụ"], "2026-06"),
    ]
    assert len(got) == 9  # 8 rows and the closing item 3.1


@pytest.mark.parametrize("pdf", SAMPLE_PDFS, ids=lambda p: p.name)
def test_rules_under_the_header_make_no_table(pdf: Path) -> None:
    assert _rows(read_pdf(pdf)) == []


def _place(text: str, x: float, top: float, size: float = 13.0) -> list[Word]:
    words = []
    for w in text.split():
        width = 0.5 * size * len(w)
        words.append(Word(w, x, x + width, top, top + size, size, False, False))
        x += width + 0.3 * size
    return words


INTRO = "Ủy ban nhân dân tỉnh giao các cơ quan, đơn vị thực hiện các nhiệm vụ cụ thể như sau:"


def test_merged_cells_come_out_as_the_docx_reader_gives_them() -> None:
    """A group row spanning three columns is one cell (gridSpan); a lead cell merged over two
    rows (vMerge) stands in its first row, leaving the next row's cell empty."""
    cols = [85.0, 115.0, 300.0, 420.0, 538.0]
    rules = [Rule(85, y, 538, y) for y in (100, 130, 160, 220)]
    rules += [Rule(85, 190, 300, 190), Rule(420, 190, 538, 190)]  # none under the merged lead cell
    rules += [Rule(x, 100, x, 220) for x in (85, 115, 538)]
    rules += [Rule(x, y0, x, y1) for x in (300, 420) for y0, y1 in ((100, 130), (160, 220))]
    words = _place("ỦY BAN NHÂN DÂN", 90, 20) + _place("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 20)
    words += _place(INTRO, 85, 75, 11.0)
    for x, text in zip(cols, ["TT", "Nhiệm vụ", "Chủ trì", "Thời gian"], strict=False):
        words += _place(text, x + 4, 108)
    words += _place("I", 89, 138) + _place("Công tác tuyên truyền", 119, 138)
    words += _place("1", 89, 168) + _place("Xây dựng chuyên mục", 119, 168) + _place("Quý II/2026", 424, 168)
    words += _place("Sở Văn hóa", 304, 185)  # centred in the merged cell, across the row border
    words += _place("2", 89, 198) + _place("Tổ chức tọa đàm", 119, 198) + _place("Tháng 9/2026", 424, 198)
    words += _place("Sau bảng là một đoạn văn.", 85, 240, 11.0)
    rule = [Rule(120, 40, 200, 40)]  # the short rule under the issuer
    layout = grammar_layout(to_lines([PageWords(1, 595, 842, words, rules + rule)], "<table>"))
    assert texts(layout, "body") == [
        INTRO,
        "TT | Nhiệm vụ | Chủ trì | Thời gian",
        "I | Công tác tuyên truyền",
        "1 | Xây dựng chuyên mục | Sở Văn hóa | Quý II/2026",
        "2 | Tổ chức tọa đàm | | Tháng 9/2026",
        "Sau bảng là một đoạn văn.",
    ]


def test_blank_page_is_no_text(tmp_path: Path) -> None:
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(
        _pdf_with_objects(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            ]
        )
    )
    with pytest.raises(NoText):
        read_pdf(blank)


# --- property: reflow never loses, adds or reorders a word ------------------------------

_WORD = st.text(alphabet="abcdeghiklmnopqrstuvxyđơưăâêôàáảãạ", min_size=1, max_size=8)
_SENTENCE = st.lists(_WORD, min_size=1, max_size=40)


def _typeset(paragraphs: list[list[str]], chars_per_line: int, lines_per_page: int) -> list[PageWords]:
    """Lay paragraphs out like a word processor: first-line indent, justified lines,
    paragraphs ending with ".", 14 pt type on an A4 page with ND30 margins (left 30 mm,
    right 20 mm), page breaks anywhere."""
    pages: list[PageWords] = [PageWords(1, 595, 842, [])]
    row = 0
    for words in paragraphs:
        words = [*words[:-1], words[-1] + "."]
        line: list[str] = []
        lines: list[list[str]] = []
        for w in words:
            if line and len(" ".join([*line, w])) > chars_per_line - (4 if not lines else 0):
                lines.append(line)
                line = []
            line.append(w)
        lines.append(line)
        for k, ln in enumerate(lines):
            if row == lines_per_page:
                pages.append(PageWords(len(pages) + 1, 595, 842, []))
                row = 0
            top = 60 + row * 20
            last = k == len(lines) - 1
            x = 85 + (28 if k == 0 else 0)
            char = 453 / chars_per_line  # type fills the 85-538 pt ND30 measure, as a real font would
            width = char * sum(len(w) for w in ln)
            gap = char if last or len(ln) == 1 else (538 - x - width) / (len(ln) - 1)
            for w in ln:
                pages[-1].words.append(Word(w, x, x + char * len(w), top, top + 14, 14.0, False, False))
                x += char * len(w) + gap
            row += 1
    return pages


@settings(max_examples=60, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=6), st.integers(60, 90), st.integers(3, 30))
def test_reflow_keeps_every_word_in_order(paragraphs: list[list[str]], width: int, per_page: int) -> None:
    pages = _typeset(paragraphs, width, per_page)
    layout = grammar_layout(to_lines(pages, "<typeset>"))
    paragraphs = [[normalize_text(w) for w in para] for para in paragraphs]  # "oà" prints as "òa"
    expected = [w for para in paragraphs for w in para]
    got = " ".join(p.text for p in layout.paragraphs).replace(".", "").split()
    assert got == expected
    # and every paragraph comes back whole, across line wraps and page breaks, once some
    # wrapped line shows where the margin is (one-line paragraphs all start indented)
    if any(w.x0 == 85 for page in pages for w in page.words):
        assert [p.text for p in layout.paragraphs] == [" ".join(para) + "." for para in paragraphs]
