"""The register of incoming documents (sổ đăng ký văn bản đến), as a page, an .xlsx and a .csv.

Its columns are those of the paper register of Nghị định 30/2020/NĐ-CP, Phụ lục IV, mục VI
("Mẫu sổ đăng ký văn bản đến": ngày đến, số đến, tác giả, số và ký hiệu, ngày tháng văn bản, tên
loại và trích yếu nội dung, đơn vị hoặc người nhận, ngày chuyển, ký nhận, ghi chú), with the
fields Phụ lục VI (Phần II, mục II: thông tin đầu vào của dữ liệu quản lý văn bản đến) adds for an
electronic register: số trang, mức độ khẩn / mật, thời hạn giải quyết. "Ngày chuyển" and "Ký nhận"
stay blank: they are filled by hand on the printed register when the paper changes hands.

One line per *document*, not per file: the PDF and the DOCX of one directive are one document in
the store (same issuer, code and date), confirmed once, with one số đến. Lines are written when
the clerk confirms (``desk_documents``), so the register is a log of what was registered, not a
view that changes when a file is read again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.desk.revisions import DeskState, state_from_row
from pipeline.desk.tables import desk_documents
from pipeline.store import Page


def clerk_date(iso: str | None) -> str:
    """An ISO date as a clerk writes it: "2026-03-05" → "05/03/2026", "2026-03" → "03/2026".

    >>> clerk_date("2026-03-05"), clerk_date("2026-03"), clerk_date("2026"), clerk_date(None)
    ('05/03/2026', '03/2026', '2026', '')
    """
    if not iso:
        return ""
    return "/".join(reversed(iso.split("-")))


def _title(e: DeskState) -> str:
    return " ".join(x for x in (e.doc_type, e.subject) if x)


def _marks(e: DeskState) -> str:
    return ", ".join(x for x in (e.urgency, e.confidentiality) if x)


@dataclass(frozen=True)
class Column:
    """One column of the register: its heading as the form prints it, its width in Excel, its value."""

    key: str
    heading: str
    width: float
    value: Callable[[DeskState], str | int | None]
    is_date: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("arrival_date", "Ngày đến", 11, lambda e: e.arrival_date, is_date=True),
    Column("arrival_number", "Số đến", 7, lambda e: e.arrival_number),
    Column("issuer", "Tác giả", 28, lambda e: e.issuer),
    Column("code", "Số, ký hiệu văn bản", 17, lambda e: e.code),
    Column("issued_date", "Ngày tháng văn bản", 11, lambda e: e.issued_date, is_date=True),
    Column("title", "Tên loại và trích yếu nội dung văn bản", 48, _title),
    Column("pages", "Số trang", 6, lambda e: e.pages),
    Column("marks", "Mức độ khẩn, mật", 10, _marks),
    Column("routed_to", "Đơn vị hoặc người nhận", 24, lambda e: e.routed_to),
    Column("due_by", "Thời hạn giải quyết", 11, lambda e: e.due_by, is_date=True),
    Column("handover", "Ngày chuyển", 10, lambda e: None),
    Column("signature", "Ký nhận", 10, lambda e: None),
    Column("note", "Ghi chú", 24, lambda e: e.note),
)


def entries(conn: Connection, year: int, *, limit: int | None = None, offset: int = 0) -> Page[DeskState]:
    """The register of ``year`` in the order of its numbers (all of it when ``limit`` is None)."""
    where = desk_documents.c.arrival_year == year
    total = conn.execute(sa.select(sa.func.count()).select_from(desk_documents).where(where)).scalar_one()
    query = sa.select(desk_documents).where(where).order_by(desk_documents.c.arrival_number).offset(max(0, offset))
    if limit is not None:
        query = query.limit(limit)
    items = [state_from_row(r) for r in conn.execute(query)]
    return Page[DeskState](total=total, limit=limit or max(total, 1), offset=offset, items=items)


def years(conn: Connection) -> list[int]:
    """Years that have a register, newest first."""
    rows = conn.execute(
        sa.select(desk_documents.c.arrival_year).distinct().order_by(desk_documents.c.arrival_year.desc())
    )
    return [int(r[0]) for r in rows]


def cell_text(column: Column, entry: DeskState) -> str:
    """The value of a column as the page and the .csv print it."""
    value = column.value(entry)
    if value is None:
        return ""
    return clerk_date(str(value)) if column.is_date else str(value)


def csv_bytes(rows: Sequence[DeskState]) -> bytes:
    """The register as CSV: UTF-8 with a BOM, so Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.heading for c in COLUMNS])
    for entry in rows:
        writer.writerow([cell_text(c, entry) for c in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Sequence[DeskState], year: int, office: str | None) -> bytes:
    """The register as an Excel workbook a clerk opens and prints: the form's title, its numbered
    column headings, widths set, headings repeated on every printed page (A4 landscape)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Sổ đến {year}"
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)

    sheet["A1"] = (office or "").upper()
    sheet["A1"].font = Font(bold=True)
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    sheet["A2"].font = Font(bold=True, size=14)
    sheet["A2"].alignment = centred
    sheet.merge_cells(f"A3:{last}3")
    sheet["A3"] = f"Năm {year}"
    sheet["A3"].alignment = centred
    header_row, numbers_row = 5, 6
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = column.width
        head = sheet.cell(row=header_row, column=i, value=column.heading)
        head.font = Font(bold=True)
        head.alignment = centred
        head.border = border
        number = sheet.cell(row=numbers_row, column=i, value=f"({i})")
        number.alignment = centred
        number.border = border
    sheet.row_dimensions[header_row].height = 45
    for r, entry in enumerate(rows, start=numbers_row + 1):
        for i, column in enumerate(COLUMNS, start=1):
            value = column.value(entry)
            cell = sheet.cell(row=r, column=i)
            if column.is_date and isinstance(value, str) and len(value) == 10:
                cell.value = date.fromisoformat(value)
                cell.number_format = "DD/MM/YYYY"
            elif column.is_date:
                cell.value = clerk_date(value) if isinstance(value, str) else None
            else:
                cell.value = value
            cell.alignment = wrap
            cell.border = border
    sheet.freeze_panes = sheet.cell(row=numbers_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{numbers_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
