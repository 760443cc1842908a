"""Render the team's sample documents in the forms the readers meet: DOCX, PDF and converter text.

Each sample is one JSON spec in ``samples/specs/NAME.json`` (the truth of what was rendered and,
beside each part, its hand annotation per ``shared/spec/annotation.md``). For every spec this
writes, next to this file:

* ``NAME.docx``: python-docx, ND30 / HD36 layout (borderless header and signature tables,
  Times New Roman, real Word footnotes, Word list numbering when the spec asks for it);
* ``NAME.pdf``: the DOCX rendered by LibreOffice (one ``soffice`` call for all samples);
* ``NAME.txt``: the text as a converter gives it (``**bold**``, blank-line paragraphs, header
  cells one after another, each footnote where it fell on the page, even mid-sentence);
* ``NAME.expected.json``: the expected record (``shared/spec/record.md``), derived from the spec.

Run: ``.venv/bin/python samples/make_samples.py [NAME ...]``. The output is deterministic: the
DOCX is zipped with fixed timestamps and core properties, and a PDF whose text and page count
did not change is left as it was (LibreOffice stamps every PDF with the time of conversion).
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

SAMPLES = Path(__file__).resolve().parent
SPECS = SAMPLES / "specs"
FONT = "Times New Roman"
FIXED_TIME = datetime(2026, 3, 1, 8, 0, 0)
ZIP_TIME = (2026, 3, 1, 8, 0, 0)
SCHEMA_VERSION = "1"

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"

# "[^1]" in a spec's text marks where footnote 1's reference mark stands.
FOOTNOTE_MARK = re.compile(r"\[\^(\d+)\]")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# Item labels Word can generate: "1." (decimal) and "a)" (lower letter).
WORD_NUMBERED = re.compile(r"^(\d+\.|[a-zđ]\))$")


class SpecError(Exception):
    """A sample spec is inconsistent with itself (say, a reference's mention count is wrong)."""


# --------------------------------------------------------------------------- spec helpers


def load_spec(path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    spec.setdefault("name", path.stem)
    return spec


def plain(text: str) -> str:
    """Text without footnote marks: what a task's or reference's words are."""
    return FOOTNOTE_MARK.sub("", text)


def with_superscripts(text: str) -> str:
    """Text as a converter writes it: footnote marks become superscript digits ("công vụ¹")."""
    return FOOTNOTE_MARK.sub(lambda m: m.group(1).translate(SUPERSCRIPT), text)


def block_label(block: dict[str, Any]) -> str:
    return str(block.get("num") or "")


def block_text_printed(block: dict[str, Any]) -> str:
    """The paragraph as printed, label included."""
    label = block_label(block)
    return f"{label} {block['text']}" if label else str(block["text"])


def all_text(spec: dict[str, Any]) -> str:
    """Every place a reference can be cited: trích yếu, căn cứ/body and footnotes."""
    parts = list(spec.get("subject_lines") or []) + list(spec.get("title_lines") or [])
    parts += [plain(block_text_printed(b)) for b in spec["body"]]
    parts += list((spec.get("footnotes") or {}).values())
    return "\n".join(parts)


# --------------------------------------------------------------------------- expected record


def strip_list_line(line: str) -> str:
    """ "- Sở Y tế;" -> "Sở Y tế" (Kính gửi and Nơi nhận lines)."""
    line = re.sub(r"^\s*[-–+]\s*", "", line)
    return re.sub(r"\s*[;,.]\s*$", "", line).strip()


def parse_code(number_line: str, party: bool) -> tuple[str | None, str, str]:
    """ "Số: 125/UBND-KT" -> ("125", "UBND-KT", "125/UBND-KT"); "Số 33-KH/TU" -> ("33", "KH/TU", ...)."""
    code = re.sub(r"^Số\s*:?", "", number_line).replace(" ", "")
    sep = "-" if party else "/"
    number, _, symbol = code.partition(sep)
    return (number or None), symbol, code


def parse_place_date(place_date: str) -> tuple[str, str | None]:
    """ "Ninh Bình, ngày   tháng 3 năm 2026" -> ("Ninh Bình", "2026-03")."""
    place, _, rest = place_date.partition(",")
    m = re.search(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})?", rest)
    if not m or not m.group(3):
        return place.strip(), None
    day, month, year = m.groups()
    if not month:
        return place.strip(), year
    if not day:
        return place.strip(), f"{year}-{int(month):02d}"
    return place.strip(), f"{year}-{int(month):02d}-{int(day):02d}"


def count_mentions(ref: dict[str, Any], text: str) -> int:
    """How often the text cites an instrument: its code, plus each use of an alias after it is defined."""
    code = re.escape(ref["code"])
    n = len(re.findall(rf"(?<![\w/-]){code}(?![\w/-])", text))
    for alias in ref.get("aliases") or []:
        uses = len(re.findall(rf"(?<!\w){re.escape(alias)}(?!\w)", text))
        definitions = len(re.findall(rf"gọi tắt là {re.escape(alias)}(?!\w)", text))
        n += uses - definitions
    return n


def expected_record(spec: dict[str, Any]) -> dict[str, Any]:
    """The record a correct extractor gives for this sample, from the spec and its annotations."""
    ann = spec["expected"]
    party = bool(spec.get("party"))
    number, symbol, code = parse_code(spec["number_line"], party)
    place, issued = parse_place_date(spec["place_date"])
    if spec.get("subject_lines"):
        subject = " ".join(spec["subject_lines"])
        subject = re.sub(r"^V/v\s+", "", subject)
    else:
        subject = " ".join(spec["title_lines"])
    recipients: list[str] = []
    for line in spec.get("recipients") or []:
        if isinstance(line, dict):
            recipients += line["expected"]
        else:
            recipients.append(strip_list_line(line))
    text = all_text(spec)
    references = []
    for ref in ann.get("references") or []:
        found = count_mentions(ref, text)
        if found != ref["mentions"]:
            raise SpecError(f"{spec['name']}: {ref['code']} is cited {found} times, spec says {ref['mentions']}")
        out = {k: ref.get(k) for k in ("doc_type", "code", "issued_date", "issuer", "mentions")}
        if ref.get("aliases"):
            out["aliases"] = ref["aliases"]
        references.append(out)
    tasks = []
    for block in spec["body"]:
        task = block.get("task")
        if not task:
            continue
        tasks.append(
            {
                "ordinal": task["ordinal"],
                "text": task.get("text") or plain(block["text"]).strip(),
                "lead": task.get("lead") or [],
                "support": task.get("support") or [],
                "deadline": task.get("deadline"),
                "recurrence": task.get("recurrence"),
                "report_to": task.get("report_to"),
            }
        )
    ordinals = [t["ordinal"] for t in tasks]
    if len(set(ordinals)) != len(ordinals):
        raise SpecError(f"{spec['name']}: duplicate task ordinals {ordinals}")
    marks = spec.get("marks") or {}
    return {
        "schema_version": SCHEMA_VERSION,
        "issuer": ann["issuer"],
        "doc_type": ann["doc_type"],
        "number": number,
        "symbol": symbol,
        "code": code,
        "place": place,
        "issued_date": issued,
        "subject": subject,
        "urgency": marks.get("urgency_expected"),
        "confidentiality": marks.get("confidentiality_expected"),
        "recipients": recipients,
        "references": references,
        "tasks": tasks,
        "signer": {
            "name": spec["signer"]["name"],
            "title": ann["signer"]["title"],
            "authority": ann["signer"]["authority"],
        },
        "distribution": [strip_list_line(line) for line in spec["distribution"]],
    }


# --------------------------------------------------------------------------- DOCX


def set_run_font(run: Any, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)


def add_par(
    container: Any,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: str = "center",
    first_line: float | None = None,
    left: float | None = None,
    after: float = 0,
    underline: bool = False,
) -> Paragraph:
    par: Paragraph = container.add_paragraph()
    par.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = par.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    if first_line is not None:
        fmt.first_line_indent = Cm(first_line)
    if left is not None:
        fmt.left_indent = Cm(left)
    if text:
        run = par.add_run(text)
        set_run_font(run, size, bold, italic)
        run.font.underline = underline
    return par


def first_par(cell: _Cell, **kw: Any) -> Paragraph:
    """The cell's own first paragraph (a new cell already has one), formatted like add_par."""
    par = cell.paragraphs[0]
    tmp = add_par(cell, **kw)
    par._p.getparent().remove(par._p)
    return tmp


def rule(cell: _Cell, width: float) -> None:
    """A short centred line under a header block: a bottom border on an indented empty paragraph."""
    par = add_par(cell, size=6)
    inset = max((cell.width.cm - width) / 2, 0) if cell.width else 1.5
    par.paragraph_format.left_indent = Cm(inset)
    par.paragraph_format.right_indent = Cm(inset)
    ppr = par._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1"/></w:pBdr>'))


def borderless_table(doc: Any, widths: list[float]) -> Any:
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    tbl_pr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>"))
    # LibreOffice lays columns out from tblGrid, Word from tcW: set both, and a fixed layout
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(int(sum(widths) * 567)))
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width * 567)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return table


def add_row(table: Any, widths: list[float]) -> Any:
    row = table.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = Cm(width)
    return row


class Numbering:
    """One Word multi-level list ("1." then "a)") in the numbering part, for specs that ask for it."""

    ABSTRACT_ID = 90
    NUM_ID = 90

    def __init__(self, doc: Any) -> None:
        numbering = doc.part.numbering_part.element
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{self.ABSTRACT_ID}">'
            '<w:multiLevelType w:val="multilevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="space"/>'
            '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:suff w:val="space"/>'
            '<w:lvlText w:val="%2)"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl>'
            "</w:abstractNum>"
        )
        # abstractNum elements must precede num elements in numbering.xml
        nums = numbering.findall(qn("w:num"))
        if nums:
            nums[0].addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{self.NUM_ID}"><w:abstractNumId w:val="{self.ABSTRACT_ID}"/></w:num>'
            )
        )

    def apply(self, par: Paragraph, level: int) -> None:
        ppr = par._p.get_or_add_pPr()
        ppr.insert(
            0,
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{self.NUM_ID}"/></w:numPr>'),
        )


def footnotes_xml(footnotes: dict[str, str]) -> bytes:
    """word/footnotes.xml: Word's two separator notes (ids -1 and 0), then one note per spec footnote."""
    rpr = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/><w:sz w:val="24"/>'
    notes = [
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>',
    ]
    for note_id, text in sorted(footnotes.items(), key=lambda kv: int(kv[0])):
        body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        notes.append(
            f'<w:footnote w:id="{int(note_id)}"><w:p><w:pPr><w:jc w:val="both"/></w:pPr>'
            f'<w:r><w:rPr>{rpr}<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve"> {body}</w:t></w:r></w:p></w:footnote>'
        )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w", "r")}>'
    return (xml + "".join(notes) + "</w:footnotes>").encode("utf-8")


def add_text_with_footnotes(par: Paragraph, text: str, size: float, bold: bool = False, italic: bool = False) -> None:
    """Runs for ``text``, with a real ``w:footnoteReference`` run wherever "[^n]" stands."""
    pos = 0
    for m in FOOTNOTE_MARK.finditer(text):
        if m.start() > pos:
            set_run_font(par.add_run(text[pos : m.start()]), size, bold, italic)
        ref = par.add_run()
        set_run_font(ref, size)
        ref.font.superscript = True
        ref._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{int(m.group(1))}"/>'))
        pos = m.end()
    if pos < len(text):
        set_run_font(par.add_run(text[pos:]), size, bold, italic)


def add_page_number_header(doc: Any) -> None:
    """Page numbers from page 2, centred at the top (ND30): readers must drop them."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    par = section.header.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, extra in (("begin", ""), ("instr", " PAGE "), ("end", "")):
        run = par.add_run()
        set_run_font(run, 13)
        if kind == "instr":
            run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve">{extra}</w:instrText>'))
        else:
            run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))


def build_docx(spec: dict[str, Any]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    add_page_number_header(doc)
    party = bool(spec.get("party"))
    body_size = float(spec.get("font_size", 14))
    widths = [6.4, 10.1] if not party else [7.5, 9.0]

    # header: issuer | quốc hiệu (or Đảng), then number and V/v | place and date
    table = borderless_table(doc, widths)
    left, right = table.rows[0].cells
    for i, line in enumerate(spec["issuer_lines"]):
        kw = {"size": 13 if not party else 14, "bold": bool(line.get("bold"))}
        first_par(left, text=line["text"], **kw) if i == 0 else add_par(left, line["text"], **kw)
    if party:
        add_par(left, "*", size=14)
    else:
        rule(left, 2.5)
    if party:
        first_par(right, text=PARTY_TITLE, size=15, bold=True, underline=True)
    else:
        first_par(right, text=QUOC_HIEU, size=12.5, bold=True)
        add_par(right, TIEU_NGU, size=13.5, bold=True)
        rule(right, 5.8)
    left, right = add_row(table, widths).cells
    first_par(left, text=spec["number_line"], size=13)
    for line in spec.get("subject_lines") or []:
        add_par(left, line, size=12, italic=party)
    marks = spec.get("marks") or {}
    for key in ("confidentiality", "urgency"):
        if marks.get(key):
            par = add_par(left, marks[key], size=13, bold=True)
            par.paragraph_format.space_before = Pt(6)
    first_par(right, text=spec["place_date"], size=14, italic=True)

    # type name and trích yếu
    if spec.get("type_name"):
        p = add_par(doc, spec["type_name"], size=15 if party else 14, bold=True)
        p.paragraph_format.space_before = Pt(18)
        for line in spec.get("title_lines") or []:
            add_par(doc, line, size=14, bold=True)
        tail = add_par(doc, "", size=6, after=6)
        tail.paragraph_format.left_indent = Cm(6.5)
        tail.paragraph_format.right_indent = Cm(6.5)
        tail._p.get_or_add_pPr().append(
            parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1"/></w:pBdr>')
        )

    # Kính gửi
    recipients = spec.get("recipients") or []
    if recipients:
        lines = [r["text"] if isinstance(r, dict) else r for r in recipients]
        if spec.get("recipients_inline"):
            p = add_par(doc, f"Kính gửi: {lines[0]}", size=14, after=6)
            p.paragraph_format.space_before = Pt(12)
        elif spec.get("recipients_hanging"):
            # "Kính gửi: - Công an tỉnh;" with the other addressees aligned under the first
            for i, line in enumerate(lines):
                p = add_par(doc, f"Kính gửi: {line}" if i == 0 else line, size=14, align="left", left=5.0)
                p.paragraph_format.first_line_indent = Cm(-2.05) if i == 0 else None
                if i == 0:
                    p.paragraph_format.space_before = Pt(12)
            doc.paragraphs[-1].paragraph_format.space_after = Pt(6)
        else:
            p = add_par(doc, "Kính gửi:", size=14)
            p.paragraph_format.space_before = Pt(12)
            for line in lines:
                add_par(doc, line, size=14, align="left", left=4.0)
            doc.paragraphs[-1].paragraph_format.space_after = Pt(6)

    # body
    numbering = Numbering(doc) if spec.get("word_numbering") else None
    for block in spec["body"]:
        kind = block.get("kind", "para")
        label = block_label(block)
        if kind == "center":
            p = add_par(doc, size=body_size, after=6)
            add_text_with_footnotes(p, block["text"], body_size, bold=bool(block.get("bold")))
            continue
        p = add_par(doc, size=body_size, align="both", first_line=1.0, after=6)
        italic = bool(block.get("italic"))
        bold = bool(block.get("bold"))
        if numbering is not None and WORD_NUMBERED.match(label):
            numbering.apply(p, 0 if label[0].isdigit() else 1)
        elif label:
            set_run_font(p.add_run(label + " "), body_size, bold or bool(block.get("num_bold")), italic)
        add_text_with_footnotes(p, block["text"], body_size, bold=bold, italic=italic)

    # closing: Nơi nhận | signer
    widths_c = [8.0, 8.5]
    table = borderless_table(doc, widths_c)
    # the signature block moves to the next page whole, as a clerk would lay it out
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    left, right = table.rows[0].cells
    p = first_par(left, text="Nơi nhận:", size=12, bold=True, italic=True, align="left")
    p.paragraph_format.space_before = Pt(12)
    for line in spec["distribution"]:
        add_par(left, line, size=11, align="left")
    signer = spec["signer"]
    for i, line in enumerate(signer["lines"]):
        p = first_par(right, text=line, size=14, bold=True) if i == 0 else add_par(right, line, size=14, bold=True)
        if i == 0:
            p.paragraph_format.space_before = Pt(12)
    for _ in range(3):  # room for the signature and seal
        add_par(right, size=14)
    add_par(right, signer["name"], size=14, bold=True)

    if spec.get("footnotes"):
        part = Part(
            PackURI("/word/footnotes.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
            footnotes_xml(spec["footnotes"]),
            doc.part.package,
        )
        doc.part.relate_to(part, RT.FOOTNOTES)

    props = doc.core_properties
    props.author = "vn-directives samples"
    props.last_modified_by = "vn-directives samples"
    props.title = spec["name"]
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return rezip(raw.getvalue())


def rezip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps, so regenerating gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def render_pdfs(docx_paths: list[Path]) -> dict[Path, Path]:
    """Convert all DOCX in one LibreOffice call (``pipeline.readers.office``: a private profile per
    call, so parallel runs don't clash)."""
    from pipeline.readers import office

    if office.soffice() is None:
        raise SystemExit("LibreOffice (soffice) is needed to render the PDFs")
    out: dict[Path, Path] = {}
    with tempfile.TemporaryDirectory(prefix="vnd-samples-") as tmp:
        produced_all = office.convert(docx_paths, "pdf", Path(tmp), timeout=600)
        for path, produced in zip(docx_paths, produced_all, strict=True):
            if not produced.exists():
                raise SystemExit(f"LibreOffice did not render {path.name}")
            target = path.with_suffix(".pdf")
            write_if_changed(target, stable_pdf(produced.read_bytes()))
            out[path] = target
    return out


def stable_pdf(data: bytes) -> bytes:
    """LibreOffice's PDF with its time stamps and random ids fixed, so the same DOCX gives the same bytes.

    Every replacement keeps the byte length, so the cross-reference offsets stay right.
    """
    data = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20260301080000", data)
    data = re.sub(rb"/ModDate\(D:\d{14}", b"/ModDate(D:20260301080000", data)
    # the /ID pair and checksum live in the trailer; never touch the (binary) body
    cut = data.rfind(b"trailer")
    trailer = re.sub(rb"<[0-9A-F]{32}>", b"<" + b"0" * 32 + b">", data[cut:])
    trailer = re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"/DocChecksum /" + b"0" * 32, trailer)
    return data[:cut] + trailer


def pdf_text(path: Path) -> list[str]:
    """The text of each page (pypdfium2), for page counts and for where footnotes fell."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            # pdfium reports a hyphen that ends a line ("1874/QĐ-" / "UBND") as U+FFFE
            pages.append(textpage.get_text_range().replace("\ufffe", "-"))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


# --------------------------------------------------------------------------- converter text


@dataclass
class TextBlock:
    """One blank-line-separated block of the converter text: (line, bold) pairs."""

    lines: list[tuple[str, bool]]
    body: bool = False  # a body paragraph (it may be split by a footnote at a page break)

    def render(self) -> str:
        out: list[str] = []
        group: list[str] = []
        bold_now = False
        for text, bold in [*self.lines, ("", False)]:
            if bold != bold_now or text == "":
                if group:
                    joined = "\n".join(group)
                    out.append(f"**{joined}**" if bold_now else joined)
                group = []
                bold_now = bold
            if text:
                group.append(text)
        return "\n".join(out)


def squeeze(text: str) -> str:
    """Converters collapse the runs of spaces left for the number and date: "Số:   /X" -> "Số: /X"."""
    return re.sub(r"[ \t]+", " ", text).strip()


def text_blocks(spec: dict[str, Any]) -> list[TextBlock]:
    party = bool(spec.get("party"))
    blocks = [TextBlock([(squeeze(x["text"]), bool(x.get("bold"))) for x in spec["issuer_lines"]])]
    if party:
        blocks[0].lines.append(("*", False))
        blocks.append(TextBlock([(PARTY_TITLE, True)]))
    else:
        blocks.append(TextBlock([(QUOC_HIEU, True), (TIEU_NGU, True)]))
    second = [(squeeze(spec["number_line"]), False)]
    second += [(squeeze(x), False) for x in spec.get("subject_lines") or []]
    marks = spec.get("marks") or {}
    second += [(marks[k], True) for k in ("confidentiality", "urgency") if marks.get(k)]
    blocks.append(TextBlock(second))
    blocks.append(TextBlock([(squeeze(spec["place_date"]), False)]))
    if spec.get("type_name"):
        blocks.append(TextBlock([(spec["type_name"], True)] + [(x, True) for x in spec.get("title_lines") or []]))
    recipients = [r["text"] if isinstance(r, dict) else r for r in spec.get("recipients") or []]
    if recipients and spec.get("recipients_inline"):
        blocks.append(TextBlock([(f"Kính gửi: {recipients[0]}", False)]))
    elif recipients and spec.get("recipients_hanging"):
        lines = [f"Kính gửi: {recipients[0]}", *recipients[1:]]
        blocks.append(TextBlock([(x, False) for x in lines]))
    elif recipients:
        blocks.append(TextBlock([("Kính gửi:", False)]))
        blocks.append(TextBlock([(x, False) for x in recipients]))
    for block in spec["body"]:
        text = with_superscripts(block["text"])
        label = block_label(block)
        if block.get("num_bold") and label:
            line = f"**{label}** {text}"
            blocks.append(TextBlock([(line, False)], body=True))
        else:
            printed = f"{label} {text}" if label else text
            blocks.append(TextBlock([(printed, bool(block.get("bold")))], body=True))
    blocks.append(TextBlock([("Nơi nhận:", True)]))
    blocks.append(TextBlock([(x, False) for x in spec["distribution"]]))
    blocks.append(TextBlock([(x, True) for x in spec["signer"]["lines"]]))
    blocks.append(TextBlock([(spec["signer"]["name"], True)]))
    return blocks


def flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def first_body_line(page: str) -> str:
    """The first line of a page that is not its page number."""
    for line in page.splitlines():
        if line.strip() and not line.strip().isdigit():
            return line.strip()
    return ""


def place_footnotes(spec: dict[str, Any], blocks: list[TextBlock], pages: list[str]) -> list[TextBlock]:
    """Put each footnote where a PDF converter meets it: at the foot of its page, even mid-sentence."""
    footnotes: dict[str, str] = spec.get("footnotes") or {}
    if not footnotes:
        return blocks
    out = list(blocks)
    by_page: dict[int, list[str]] = {}
    for note_id, note in footnotes.items():
        # the page holding the note's text is the page holding its reference
        page_no = next((i for i, p in enumerate(pages) if flat(note)[:40] in flat(p)), len(pages) - 1)
        by_page.setdefault(page_no, []).append(note_id)
    for page_no in sorted(by_page, reverse=True):
        notes = [
            TextBlock([(f"{n.translate(SUPERSCRIPT)} {footnotes[n]}", False)])
            for n in sorted(by_page[page_no], key=int)
        ]
        if page_no + 1 >= len(pages):
            out += notes
            continue
        head = flat(first_body_line(pages[page_no + 1]))[:30]
        for i, block in enumerate(out):
            joined = "\n".join(t for t, _ in block.lines)
            at = flat(joined).find(head) if head else -1
            if at < 0:
                continue
            if at == 0 or not block.body:
                out[i:i] = notes
            else:
                text = joined
                cut = split_at_flat_offset(text, at)
                before = TextBlock([(text[:cut].rstrip(), block.lines[0][1])], body=True)
                after = TextBlock([(text[cut:].lstrip(), block.lines[0][1])], body=True)
                out[i : i + 1] = [before, *notes, after]
            break
        else:
            raise SpecError(f"{spec['name']}: cannot find where page {page_no + 2} starts")
    return out


def split_at_flat_offset(text: str, flat_offset: int) -> int:
    """The index in ``text`` of its ``flat_offset``-th non-space character."""
    seen = 0
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        if seen == flat_offset:
            return i
        seen += 1
    return len(text)


def build_text(spec: dict[str, Any], pages: list[str]) -> str:
    blocks = place_footnotes(spec, text_blocks(spec), pages)
    return "\n\n".join(b.render() for b in blocks) + "\n"


# --------------------------------------------------------------------------- main


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def main(argv: list[str]) -> int:
    paths = sorted(SPECS.glob("*.json"))
    if argv:
        paths = [p for p in paths if p.stem in argv]
    specs = [load_spec(p) for p in paths]
    docx_paths = []
    for spec in specs:
        record = expected_record(spec)  # first: a bad spec stops before anything is written
        write_if_changed(
            SAMPLES / f"{spec['name']}.expected.json",
            (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        )
        docx = SAMPLES / f"{spec['name']}.docx"
        write_if_changed(docx, build_docx(spec))
        docx_paths.append(docx)
    pdfs = render_pdfs(docx_paths)
    failures = 0
    for spec, docx in zip(specs, docx_paths, strict=True):
        pages = pdf_text(pdfs[docx])
        if len(pages) != spec["pages"]:
            print(f"{spec['name']}: PDF has {len(pages)} pages, spec says {spec['pages']}", file=sys.stderr)
            failures += 1
        write_if_changed(SAMPLES / f"{spec['name']}.txt", build_text(spec, pages).encode("utf-8"))
        print(f"{spec['name']}: {len(pages)} page(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("SAL_USE_VCLPLUGIN", "svp")
    sys.exit(main(sys.argv[1:]))
