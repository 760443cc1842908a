"""The DOCX reader on real Word files: the corpus document, the generated samples, and small
fixtures built by ``tests/fixtures/docx/build_fixtures.py`` (one layout trick each)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import DirectivesError, UnreadableFile, UnsupportedFormat
from pipeline.layout import Layout, Paragraph
from pipeline.readers import office, read
from pipeline.readers.docx import format_number, read_docx

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "docx"
CORPUS = Path("/work/shared/corpus")
SEED003 = CORPUS / "docs" / "seed003-docx.docx"
SAMPLES = sorted((ROOT / "samples").glob("*.docx"))

sys.path.insert(0, str(FIXTURES))
import build_fixtures  # noqa: E402


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixtures freshly built, so the tests follow the builder (the committed copies are for
    people to open in Word)."""
    dest = tmp_path_factory.mktemp("docx")
    build_fixtures.build_all(dest)
    return dest


def texts(layout: Layout, *zones: str) -> list[str]:
    return [p.text for p in layout.zone(*zones)]  # type: ignore[arg-type]


def body_paragraph(layout: Layout, start: str) -> Paragraph:
    return next(p for p in layout.zone("body") if p.text.startswith(start))


# ---- the corpus document -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed003() -> Layout:
    return read_docx(SEED003)


@pytest.mark.skipif(not SEED003.exists(), reason="shared corpus not available")
class TestSeed003:
    @pytest.fixture
    def layout(self, seed003: Layout) -> Layout:
        return seed003

    def test_header_left_holds_issuer_number_and_subject(self, layout: Layout) -> None:
        assert texts(layout, "header_left") == [
            "ỦY BAN NHÂN DÂN",
            "TỈNH LÀO CAI",
            "Số: /UBND-NC",
            "V/v tiếp tục triển khai thực hiện",
            "Chỉ thị số 53-CT/TW",
            "của Bộ Chính trị",
        ]
        issuer = layout.zone("header_left")[1]
        assert issuer.bold is True and issuer.size == 13.0 and issuer.align == "center"

    def test_header_right_holds_national_title_and_date(self, layout: Layout) -> None:
        assert texts(layout, "header_right") == [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Lào Cai, ngày tháng năm 2026",
        ]
        assert layout.zone("header_right")[2].italic is True

    def test_body_holds_recipients_and_items(self, layout: Layout) -> None:
        spec = json.loads((CORPUS / "specs" / "seed003.json").read_text(encoding="utf-8"))
        body = texts(layout, "body")
        assert body[0] == "Kính gửi:"
        assert body[1:4] == ["- " + r for r in spec["recipients"]]
        assert body[4:] == spec["body"]

    def test_converted_footnote_is_recognised(self, layout: Layout) -> None:
        assert list(layout.footnotes) == ["1"]
        note = layout.footnotes["1"]
        assert note.text.startswith("Kế hoạch số 164/KH-UBND ngày 17/11/2025")
        assert layout.paragraphs[-1] is note  # footnotes go after everything else
        assert "hoạt động công vụ¹. Chú trọng" in body_paragraph(layout, "1. ").text

    def test_closing_block(self, layout: Layout) -> None:
        assert texts(layout, "closing_left") == [
            "Nơi nhận:",
            "- Như trên;",
            "- Chủ tịch UBND tỉnh;",
            "- Các Phó CT. UBND tỉnh;",
            "- Lãnh đạo Văn phòng UBND tỉnh;",
            "- Lưu: VT, NC (Ng).",
        ]
        assert texts(layout, "closing_right") == ["CHỦ TỊCH", "Nguyễn Tuấn Anh"]

    def test_spans_point_into_text(self, layout: Layout) -> None:
        for p in layout.paragraphs:
            assert layout.text[p.start : p.end] == p.text
        assert layout.pages is None  # app.xml is python-docx's template (0 words, "1 page")

    def test_read_dispatches_here(self) -> None:
        assert [p.text for p in read(SEED003).paragraphs] == [p.text for p in read_docx(SEED003).paragraphs]


# ---- the generated samples: zones agree with the expected records written beside them ------


@pytest.mark.skipif(not SAMPLES, reason="samples/*.docx not generated yet")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_samples_zones_agree_with_expected_records(path: Path) -> None:
    expected_path = path.with_suffix(".expected.json")
    if not expected_path.exists():
        pytest.skip("no expected record beside the sample")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    layout = read_docx(path)
    header_left = " ".join(texts(layout, "header_left"))
    assert expected["code"] in header_left
    if expected.get("place"):
        assert expected["place"] in " ".join(texts(layout, "header_right"))
    closing_left = " ".join(texts(layout, "closing_left"))
    for entry in expected["distribution"]:
        assert entry in closing_left
    assert expected["signer"]["name"] in texts(layout, "closing_right")
    body = " ".join(texts(layout, "body"))
    for recipient in expected["recipients"]:
        assert recipient in body
    assert "¹" not in " ".join(p.text for p in layout.zone("footnote"))
    numbered = [t for t in texts(layout, "body") if t[:1].isdigit()]
    if numbered:  # a document whose tasks are numbered prints every top-level number
        for ordinal in {t["ordinal"].split(".")[0] for t in expected["tasks"] if t["ordinal"][0].isdigit()}:
            assert any(t.startswith(f"{ordinal}. ") for t in numbered), ordinal
    for mark, note in layout.footnotes.items():
        cited = mark.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        assert cited in body and note.text


# ---- fixtures --------------------------------------------------------------------------------


def test_word_numbering_is_printed_as_word_prints_it(built: Path) -> None:
    body = texts(read_docx(built / "numbering.docx"), "body")
    assert body == [
        "Kính gửi: Sở Nội vụ.",
        "I. MỤC ĐÍCH, YÊU CẦU",  # numbering from the paragraph style
        "Ủy ban nhân dân tỉnh yêu cầu các cơ quan thực hiện tốt các nhiệm vụ sau:",
        "1. Sở Nội vụ chủ trì:",
        "a) Tham mưu kế hoạch kiểm tra;",
        "b) Hướng dẫn tự chấm điểm;",
        "c) Tổng hợp kết quả, gồm:",
        "- Báo cáo quý;",
        "2. Sở Tài chính bảo đảm kinh phí:",
        "a) Bố trí dự toán năm 2027.",  # the lower level restarts when the higher one advances
        "II. NHIỆM VỤ, GIẢI PHÁP",
        "1. Nhiệm vụ thứ nhất của phần sau.",  # startOverride: "Restart numbering"
        "2. Nhiệm vụ thứ hai của phần sau.",
        "1. Tổ chức thực hiện.",
        "1.1. Phân công cụ thể.",
        "1.2. Theo dõi, đôn đốc.",
        "- Gạch đầu dòng thứ nhất;",  # Symbol-font bullet
        "+ Ý nhỏ cộng;",
        "- Gạch đầu dòng thứ hai.",
        "Đề nghị các cơ quan nghiêm túc thực hiện./.",
    ]


def test_number_formats() -> None:
    assert [format_number(n, "lowerLetter") for n in (1, 4, 26, 27, 28)] == ["a", "d", "z", "aa", "bb"]
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14, 40)] == ["I", "IV", "IX", "XIV", "XL"]
    assert format_number(3, "decimalZero") == "03"
    assert format_number(3, "none") == ""


def test_real_footnotes_numbered_in_order_of_reference(built: Path) -> None:
    layout = read_docx(built / "footnotes.docx")
    body = body_paragraph(layout, "Thực hiện")
    assert body.text == (
        "Thực hiện các văn bản của tỉnh¹ về trách nhiệm giải trình trong hoạt động công vụ², "
        "xây dựng 500 m² nhà làm việc."
    )
    notes = layout.footnotes
    assert list(notes) == ["1", "2"]  # the uncited note id 5 and the separators are not footnotes
    assert notes["1"].text == "Công văn số 100/UBND-NC ngày 06/01/2026 của Ủy ban nhân dân tỉnh."
    assert notes["1"].lines == ["Công văn số 100/UBND-NC ngày 06/01/2026", "của Ủy ban nhân dân tỉnh."]
    assert notes["2"].text == "Kế hoạch số 164/KH-UBND ngày 17/11/2025 của Ủy ban nhân dân tỉnh."
    assert [p.zone for p in layout.paragraphs[-2:]] == ["footnote", "footnote"]


def test_nested_header_data_table_text_box_and_signature(built: Path) -> None:
    layout = read_docx(built / "nested.docx")
    # the text box is read once, not twice; a note above the header table is not the document's text
    assert texts(layout, "outside") == ["DỰ THẢO LẦN 2"]
    assert texts(layout, "header_left") == [
        "UBND TỈNH NINH BÌNH",
        "SỞ TÀI CHÍNH",
        "Số: 45/STC-QLNS",
        "V/v hướng dẫn dự toán",
        "ngân sách năm 2027",
    ]
    assert texts(layout, "header_right")[-1] == "Ninh Bình, ngày 10 tháng 3 năm 2026"
    assert texts(layout, "body") == [
        "Kính gửi:",
        "- Các sở, ban, ngành tỉnh;",
        "- Ủy ban nhân dân các xã, phường.",
        "Sở Tài chính đề nghị các cơ quan lập dự toán theo biểu sau:",
        "STT | Nội dung | Thời hạn",
        "1 | Lập dự toán | 30/6/2026",
        "2 | Gửi báo cáo |",
        "Kính đề nghị:",  # manual line breaks before "- " start new items
        "- Các sở thực hiện;",
        "- Các xã phối hợp.",
        "Đề nghị các cơ quan nghiêm túc thực hiện./.",  # the "_____" rule after it is dropped
    ]
    assert texts(layout, "closing_left") == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, QLNS."]
    assert texts(layout, "closing_right") == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phạm Quang Huy"]


def test_header_without_table_is_zoned_by_its_tabs_and_words(built: Path) -> None:
    layout = read_docx(built / "untabled.docx")
    zones = [(p.zone, p.text) for p in layout.paragraphs]
    assert zones == [
        # tab-laid columns come out as the left column, then the right, like a header table
        ("header_left", "ỦY BAN NHÂN DÂN"),
        ("header_left", "TỈNH HÀ GIANG"),
        ("header_left", "Số: 1209/UBND-KT"),
        ("header_left", "V/v chuẩn bị mùa mưa lũ"),
        ("header_left", "năm 2026"),
        ("header_right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("header_right", "Độc lập - Tự do - Hạnh phúc"),
        ("header_right", "Hà Giang, ngày 12 tháng 6 năm 2026"),
        ("body", "Kính gửi: Sở Nông nghiệp và Môi trường."),
        ("body", "Ủy ban nhân dân tỉnh giao Sở Nông nghiệp và Môi trường rà soát phương án ứng phó./."),
        ("closing_left", "Nơi nhận:"),
        ("closing_left", "- Như trên;"),
        ("closing_left", "- Lưu: VT."),
        ("closing_right", "CHỦ TỊCH"),
        ("closing_right", "Trần Văn C"),
    ]


def test_converter_footnote_with_superscript_run_rejoins_the_split_paragraph(built: Path) -> None:
    layout = read_docx(built / "plainnote.docx")
    assert texts(layout, "body") == [
        "1. Thực hiện nghiêm Kế hoạch số 22-KH/TU¹ của Ban Thường vụ Tỉnh ủy, không để chậm trễ "
        "trong việc phản hồi các yêu cầu giải trình của người dân.",
        "2. Báo cáo kết quả trước ngày 30/6/2026./.",
    ]
    assert layout.footnotes["1"].text == "Kế hoạch số 22-KH/TU ngày 13/12/2025 của Ban Thường vụ Tỉnh ủy."
    assert layout.footnotes["1"].size == 10.0


def test_committed_fixtures_match_the_builder(built: Path) -> None:
    """The copies in the repo read exactly like freshly built ones (rebuild if this fails)."""
    for fresh in sorted(built.glob("*.docx")):
        if fresh.name.startswith("broken-"):
            continue
        committed = FIXTURES / fresh.name
        assert committed.exists(), f"run python {FIXTURES / 'build_fixtures.py'}"
        assert [(p.zone, p.text) for p in read_docx(committed).paragraphs] == [
            (p.zone, p.text) for p in read_docx(fresh).paragraphs
        ]


# ---- errors a clerk can act on ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("broken-truncated.docx", "zip container is damaged"),
        ("broken-nodocument.docx", "word/document.xml is missing"),
        ("broken-xml.docx", "not valid XML"),
        ("broken-encrypted.docx", "protected by a password"),
    ],
)
def test_damaged_files_raise_unreadable(built: Path, name: str, words: str) -> None:
    # through the DOCX reader and through the dispatcher, which sniffs the content first
    for reader in (read_docx, read):
        with pytest.raises(UnreadableFile) as info:
            reader(built / name)
        assert words in info.value.reason
        assert "mật khẩu" in info.value.for_clerk()


def test_empty_and_old_word_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="empty"):
        read_docx(empty)
    old = tmp_path / "old.docx"
    # an unencrypted OLE container: a Word 97-2003 document renamed .docx
    shutil.copy(built_encrypted_like(tmp_path, encrypted=False), old)
    with pytest.raises(UnsupportedFormat, match="97-2003"):
        read_docx(old)


def built_encrypted_like(tmp_path: Path, encrypted: bool) -> Path:
    path: Path = build_fixtures.build_encrypted(tmp_path / "ole.bin")
    if not encrypted:
        data = path.read_bytes()
        for name in ("EncryptionInfo", "EncryptedPackage"):
            raw = name.encode("utf-16-le")
            data = data.replace(raw, ("WordDocument".ljust(len(name), "x")).encode("utf-16-le"))
        path.write_bytes(data)
    return path


# ---- damaged copies never escape as a crash ---------------------------------------------------


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_copies_raise_only_project_errors(tmp_path: Path, data: st.DataObject) -> None:
    """Cut or flip bytes of a real DOCX (an interrupted download, a bad USB stick): the reader
    either still reads it or says it is unreadable; it never crashes with a library error."""
    original = (FIXTURES / "footnotes.docx").read_bytes()
    damaged = bytearray(original)
    if data.draw(st.booleans(), label="truncate"):
        damaged = damaged[: data.draw(st.integers(0, len(original) - 1), label="cut at")]
    else:
        for _ in range(data.draw(st.integers(1, 8), label="flips")):
            at = data.draw(st.integers(0, len(original) - 1), label="at")
            damaged[at] = data.draw(st.integers(0, 255), label="byte")
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(damaged))
    try:
        layout = read_docx(path)
    except DirectivesError as exc:
        assert exc.reason
    else:
        assert layout.text == "\n\n".join(p.text for p in layout.paragraphs)


# ---- the same documents as LibreOffice writes them -------------------------------------------


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice not installed")
def test_libreoffice_saved_copies_read_the_same(built: Path, tmp_path: Path) -> None:
    """Offices that edit in LibreOffice send DOCX written by it: bullets as Symbol-font glyphs,
    touching tables merged into one, real page statistics. Round-trip through ODT and compare."""
    names = ["numbering.docx", "nested.docx"] + [p.name for p in SAMPLES[:2]]
    sources = [built / n if (built / n).exists() else ROOT / "samples" / n for n in names]
    odts = office.convert(sources, "odt", tmp_path / "odt", timeout=600)
    assert all(p.is_file() for p in odts)
    docx_dir = tmp_path / "docx"
    office.convert(odts, "docx:MS Word 2007 XML", docx_dir, timeout=600)
    for source in sources:
        again = read_docx(docx_dir / source.name)
        assert [(p.zone, p.text) for p in again.paragraphs] == [(p.zone, p.text) for p in read_docx(source).paragraphs]
        assert again.pages is not None and again.pages >= 1  # LibreOffice writes real statistics
