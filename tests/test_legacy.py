"""Legacy Vietnamese fonts (TCVN3 / ABC, VNI-Windows) read as Unicode by every reader.

The fixtures in ``tests/fixtures/legacy`` are one công văn typed in each encoding, as DOCX (python-docx,
run fonts ".VnTime"/".VnTimeH", or the Normal style "VNI-Times") and as the PDF LibreOffice renders from
it (the fonts are absent, so the PDF carries the 8-bit code points under a substitute font's name),
plus the TCVN3 text as an 8-bit and as a UTF-8 file. ``build_fixtures.py`` there makes them.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import extract, legacy, read
from pipeline.legacy import (
    TCVN3,
    convert,
    detect,
    encoding_for_font,
    fix_runs,
    restore_caps,
    restore_lost_u,
)
from pipeline.readers.pdf import read_pdf

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "legacy"
SAMPLES = ROOT / "samples"
HAS_TCVN_ICONV = (
    shutil.which("iconv") is not None
    and subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=b"a", capture_output=True).returncode == 0
)


def _builder() -> ModuleType:
    """The fixture builder, for its encoders (written apart from the tables under test)."""
    spec = importlib.util.spec_from_file_location("legacy_fixtures", FIXTURES / "build_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _builder()

# ---- tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "encoding", "unicode"),
    [
        ("Uû ban nh©n d©n tØnh", "tcvn3", "Uỷ ban nhân dân tỉnh"),
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "tcvn3", "Độc lập - Tự do - Hạnh phúc"),
        ("Thñ tr\u00adëng c¸c së, ban, ngµnh; ®\u00adîc", "tcvn3", "Thủ trưởng các sở, ban, ngành; được"),
        ("¡ ¢ £ ¤ ¥ ¦ §", "tcvn3", "Ă Â Ê Ô Ơ Ư Đ"),
        ("uû ban nh©n d©n tØnh l©m ®ång", "tcvn3_caps", "UỶ BAN NHÂN DÂN TỈNH LÂM ĐỒNG"),
        ("UÛy ban nhaân daân tænh", "vni", "Ủy ban nhân dân tỉnh"),
        ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "vni", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "vni", "Độc lập - Tự do - Hạnh phúc"),
        ("ñöôïc thöïc hieän; naêm; chaét; Ñoàng Thaùp; muoán", "vni", "được thực hiện; năm; chắt; Đồng Tháp; muốn"),
        ("Soá: 125/UBND-NC", "vni", "Số: 125/UBND-NC"),
    ],
)
def test_known_words(legacy: str, encoding: str, unicode: str) -> None:
    assert convert(legacy, encoding) == unicode  # type: ignore[arg-type]


@pytest.mark.skipif(not HAS_TCVN_ICONV, reason="glibc iconv with TCVN5712-1 is needed for the cross-check")
def test_tcvn3_table_agrees_with_glibc() -> None:
    """Every TCVN3 entry is what glibc's TCVN 5712 converter reads for that byte."""
    data = "".join(TCVN3).encode("latin-1")
    glibc = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert unicodedata.normalize("NFC", glibc) == "".join(TCVN3.values())
    assert len(TCVN3) == 67 + 7  # every lower-case toned letter and đ, and the seven bare capitals


VIETNAMESE_LETTERS = sorted(
    {
        unicodedata.normalize("NFC", base + hat + tone)
        for base, hats in (("a", ["", "\u0302", "\u0306"]), ("e", ["", "\u0302"]), ("o", ["", "\u0302", "\u031b"]))
        for hat in hats
        for tone in ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
    }
    | {
        unicodedata.normalize("NFC", base + mark + tone)
        for base, mark in (("i", ""), ("y", ""), ("u", ""), ("u", "\u031b"))
        for tone in ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
    }
    | {"đ"}
)


VIETNAMESE_LETTERS_BOTH = VIETNAMESE_LETTERS + [c.upper() for c in VIETNAMESE_LETTERS]


def test_vni_every_letter_both_cases() -> None:
    """All 67 toned/hatted letters and đ, in both cases, through the builder's rule-based encoder."""
    assert len(VIETNAMESE_LETTERS) == 67 + 6  # 67 marked letters and đ, 6 bare vowels
    for letter in VIETNAMESE_LETTERS + [c.upper() for c in VIETNAMESE_LETTERS]:
        assert convert(BUILD.to_vni(letter), "vni") == letter, (letter, BUILD.to_vni(letter))


@pytest.mark.skipif(not HAS_TCVN_ICONV, reason="glibc iconv with TCVN5712-1 builds the TCVN3 text")
def test_tcvn3_every_lower_case_letter() -> None:
    for letter in VIETNAMESE_LETTERS:
        assert convert(BUILD.to_tcvn3(letter), "tcvn3") == letter
        assert convert(BUILD.to_tcvn3(letter), "tcvn3_caps") == letter.upper()


@pytest.mark.parametrize(
    ("font", "encoding"),
    [
        (".VnTime", "tcvn3"),
        (".VnTimeH", "tcvn3_caps"),
        ("VnTime", "tcvn3"),
        ("ABCDEF+.VnTime", "tcvn3"),
        ("ABCDEF+.VnTimeH,Bold", "tcvn3_caps"),
        (".VnArialH-BoldItalic", "tcvn3_caps"),
        (".VnCentury Schoolbook", "tcvn3"),
        ("QWERTY+#2EVnArial", "tcvn3"),
        ("VNI-Times", "vni"),
        ("VNI-Times-Bold", "vni"),
        ("ABCDEF+VNI-Helve-Italic", "vni"),
        ("Times New Roman", None),
        ("TimesNewRomanPS-BoldMT", None),
        ("BAAAAA+DejaVuSans-Bold", None),
        ("Vnexpress", None),
        ("VNtimes new roman", None),
        ("", None),
        (None, None),
    ],
)
def test_encoding_for_font(font: str | None, encoding: str | None) -> None:
    assert encoding_for_font(font) == encoding


# ---- detection ------------------------------------------------------------------------------


def _sample_sentences() -> list[str]:
    """Real Unicode Vietnamese: every line of the team's sample documents."""
    lines = []
    for path in sorted(SAMPLES.glob("*.txt")):
        lines += [ln.strip("* ") for ln in path.read_text(encoding="utf-8").splitlines() if len(ln.split()) >= 3]
    return lines


SENTENCES = _sample_sentences()
# body sentences a .Vn font could type: ASCII and Vietnamese letters only, six words or more
_TYPABLE = {chr(c) for c in range(0x20, 0x7F)}

WESTERN = [
    "The committee shall report to the Minister before 30 June; copies © 2024 Example Corp®.",
    "Où est la gare ? Le goût du café à Noël est naïf, dit l'élève à l'hôtel près d'ici.",
    "El niño pidió más información sobre la reunión del año pasado en España; aún no llegó.",
    "Die Überprüfung der Maßnahmen für Straßen und Brücken wird im Frühjahr abgeschlossen.",
    "Home · About · Contact · Col·legi d'Advocats de Barcelona · Privacy",
    "Ñandú, señor, mañana; São Paulo, João e os irmãos não vão à reunião.",
    "Où sont les neiges d'antan ? Le goût, l'août, le coût; naïve, Noël, Zoë, aïeul, égoïste.",
    "Jeg vil gerne være med til mødet i næste uge, hvis det passer dig. Søren og Æbelø får også besked.",
    "A sessão de João não começou às nove; amanhã, irmãos, mãe, pões, põe, aún, baúl.",
]


@pytest.mark.parametrize("text", WESTERN)
def test_detect_leaves_western_text_alone(text: str) -> None:
    assert detect(text) is None


def test_detect_fires_on_each_encoding() -> None:
    assert detect("Céng hoµ x· héi chñ nghÜa ViÖt Nam, §éc lËp - Tù do - H¹nh phóc") == "tcvn3"
    assert detect("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM, Ñoäc laäp - Töï do - Haïnh phuùc") == "vni"
    assert detect("Uû ban") is None  # two words are too few to act on


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6), st.sampled_from(["keep", "upper", "lower"]))
def test_detect_never_fires_on_unicode_vietnamese(sentences: list[str], case: str) -> None:
    text = " ".join(sentences)
    text = text.upper() if case == "upper" else text.lower() if case == "lower" else text
    assert detect(text) is None
    # what the readers do with pieces (PDF words) whose fonts name nothing legacy
    words = text.split()
    assert fix_runs(words, ["TimesNewRomanPSMT"] * len(words)) == (words, set())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=400))
def test_detect_never_fires_on_ascii(text: str) -> None:
    assert detect(text) is None


BODY_SENTENCES = [
    s
    for s in SENTENCES
    if len(s.split()) >= 6
    and set(unicodedata.normalize("NFC", s)) <= _TYPABLE | set(VIETNAMESE_LETTERS_BOTH)
    # detection rightly wants a few words that only a legacy font spells oddly (MIN_TELLS); a list
    # line of abbreviations ("- Các sở: TC, NN&MT, XD;") has too few to judge, so it is no example
    and sum(1 for w in s.split() if any(c in VIETNAMESE_LETTERS_BOTH and not c.isascii() for c in w)) >= 3
]


@pytest.mark.skipif(not HAS_TCVN_ICONV, reason="glibc iconv with TCVN5712-1 builds the TCVN3 text")
@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(BODY_SENTENCES), min_size=2, max_size=5))
def test_legacy_sentences_detected_and_restored(sentences: list[str]) -> None:
    """Real sentences typed in each legacy encoding are recognized and come back exactly (TCVN3 in
    lower case: the plain .Vn fonts have no toned capitals)."""
    text = unicodedata.normalize("NFC", " ".join(sentences))
    vni = BUILD.to_vni(text)
    assert detect(vni) == "vni"
    assert convert(vni, "vni") == text
    lower = text.lower()
    tcvn3 = BUILD.to_tcvn3(lower)
    assert detect(tcvn3) == "tcvn3"
    assert convert(tcvn3, "tcvn3") == lower


def test_fix_runs_by_font_and_by_content() -> None:
    words = ["Céng", "hoµ", "x·", "héi", "Report"]
    fonts = [".VnTime", ".VnTime", ".VnTime", ".VnTime", "Arial"]
    assert fix_runs(words, fonts) == (["Cộng", "hoà", "xã", "hội", "Report"], {"tcvn3"})
    # names lost: judged together; a piece already in Unicode stays as it is
    lost = ["Céng", "hoµ", "x·", "héi", "chñ", "nghÜa", "Việt"]
    assert fix_runs(lost, [None] * len(lost)) == (["Cộng", "hoà", "xã", "hội", "chủ", "nghĩa", "Việt"], {"tcvn3"})


@pytest.mark.parametrize(
    ("word", "restored"),
    [("phờng", "phường"), ("ph-ờng", "phường"), ("trớc", "trước"), ("đợc", "được"), ("Nh", "Như"), ("nhng", "nhưng")]
    + [(w, w) for w in ("hơn", "lớn", "cơm", "ngời", "KH-UBND", "Rịa-Vũng", "nhân")],
)
def test_restore_lost_u(word: str, restored: str) -> None:
    assert restore_lost_u(word) == restored


@pytest.mark.parametrize(
    ("line", "restored"),
    [
        ("ủy ban nhân dân tỉnh lâm đồng", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"),
        ("tm. ủy ban nhân dân", "TM. ỦY BAN NHÂN DÂN"),
        ("Độc lập - Tự do - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
        ("hành chính năm 2026", "hành chính năm 2026"),
    ],
)
def test_restore_caps(line: str, restored: str) -> None:
    assert restore_caps(line) == restored


# ---- readers, end to end --------------------------------------------------------------------

WARNING = "Văn bản dùng phông chữ cũ ({}), đã chuyển sang Unicode; kiểm tra lại dấu."


def _header(path: Path) -> tuple[str | None, str | None, str | None, str | None]:
    record = extract(path)
    return record.issuer.name, record.code, record.place, record.issued_date


EXPECTED_HEADER = ("Ủy ban nhân dân tỉnh Lâm Đồng", "125/UBND-NC", "Lâm Đồng", "2026-03-05")


@pytest.mark.parametrize(
    ("name", "label"),
    [("tcvn3.docx", "TCVN3"), ("vni.docx", "VNI"), ("tcvn3.pdf", "TCVN3"), ("vni.pdf", "VNI")],
)
@pytest.mark.parametrize("engine", ["pypdfium2", "pdfplumber"])
def test_legacy_documents_extract_like_unicode(
    name: str, label: str, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine == "pdfplumber" and not name.endswith(".pdf"):
        pytest.skip("the engine choice is for PDFs")
    monkeypatch.setenv("DIRECTIVES_PDF_ENGINE", engine)
    record = extract(FIXTURES / name)
    assert (record.issuer.name, record.code, record.place, record.issued_date) == EXPECTED_HEADER
    assert record.subject == "cải cách hành chính năm 2026"
    assert record.recipients == ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các xã, phường"]
    assert (record.signer.name, record.signer.title) == ("Nguyễn Văn An", "Phó Chủ tịch")
    assert any(w.startswith(WARNING.format(label)) and "legacy font" in w for w in record.warnings)


@pytest.mark.parametrize("name", ["tcvn3.docx", "vni.docx"])
def test_legacy_docx_reads_exactly_as_its_unicode_twin(name: str) -> None:
    """Every paragraph, zone and line, including "ư" (TCVN3's soft-hyphen byte) and the capitals of
    ".VnTimeH" runs typed in lower case."""
    twin = read(FIXTURES / "unicode.docx")
    layout = read(FIXTURES / name)
    assert [(p.zone, p.lines) for p in layout.paragraphs] == [(p.zone, p.lines) for p in twin.paragraphs]
    assert twin.warnings == []


def test_legacy_pdf_text_through_libreoffice() -> None:
    """LibreOffice drops TCVN3's U+00AD ("ư") when it renders: it is put back where spelling is certain."""
    layout = read_pdf(FIXTURES / "tcvn3.pdf")
    text = layout.text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Ủy ban nhân dân các xã, phường." in text
    assert "hoàn thành trước ngày 30/6/2026" in text
    assert "Như trên;" in text
    header = [p.text for p in layout.zone("header_left", "header_right")]
    assert header[0] == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"  # .VnTimeH, its name lost in the PDF
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header


@pytest.mark.parametrize("name", ["tcvn3.txt", "tcvn3-utf8.txt"])
def test_tcvn3_text_file(name: str) -> None:
    layout = read(FIXTURES / name)
    assert layout.warnings and layout.warnings[0].startswith(WARNING.format("TCVN3"))
    assert "Thực hiện Kế hoạch số 164/KH-UBND ngày 22/12/2025 của Ủy ban nhân dân tỉnh" in layout.text
    assert "người đứng đầu chịu trách nhiệm" in layout.text
    record = extract(FIXTURES / name)
    # the capitals-only font left no trace in plain text: the issuer reads in lower case
    assert (record.code, record.place, record.issued_date) == EXPECTED_HEADER[1:]
    assert (record.issuer.name or "").lower() == EXPECTED_HEADER[0].lower()


def test_docx_without_legacy_font_names_is_judged_by_content(tmp_path: Path) -> None:
    """A converter replaced ".VnTime" by "Times New Roman" but kept the TCVN3 code points."""
    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    unicode_line = "Ghi chú: dòng này gõ lại bằng Unicode."
    for line in ["Céng hoµ x· héi chñ nghÜa ViÖt Nam", "§éc lËp - Tù do - H¹nh phóc", unicode_line]:
        doc.add_paragraph(line)
    path = tmp_path / "renamed.docx"
    doc.save(str(path))
    layout = read(path)
    assert sorted(p.text for p in layout.paragraphs) == sorted(
        ["Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do - Hạnh phúc", unicode_line]
    )
    assert layout.warnings[0].startswith(WARNING.format("TCVN3"))


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.docx"))[:3])
def test_unicode_samples_get_no_legacy_warning(path: Path) -> None:
    assert not any("phông chữ cũ" in w for w in read(path).warnings)


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """``text`` as Vietnamese Windows saves it: base letters in Windows-1258, tone marks combining."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
            out.append((base + "".join(c for c in nfd if c in _TONES)).encode("cp1258"))
    return b"".join(out)


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_windows_1258_text_is_not_taken_for_tcvn3(sample: Path, tmp_path: Path) -> None:
    """An exact round trip of a sample in Windows-1258 reads as the sample: its tone marks, read as
    Latin-1, look like TCVN3's tells ("ViÖt"), so the decoding is chosen by what reads as Vietnamese."""
    text = sample.read_text(encoding="utf-8")
    data = windows_1258(text)
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == unicodedata.normalize("NFC", text)
    decoded, encoding = legacy.decode_text(data, sample)
    assert encoding == "windows-1258" and decoded == unicodedata.normalize("NFC", text)
    copy = tmp_path / sample.name
    copy.write_bytes(data)
    record, expected = extract(copy), extract(sample)
    assert (record.code, record.issuer, record.subject) == (expected.code, expected.issuer, expected.subject)
    assert not any("phông chữ cũ" in w for w in record.warnings)
