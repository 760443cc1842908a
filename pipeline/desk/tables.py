"""The desk's own tables, beside the store's (migration ``desk_0001``, Alembic branch ``desk``).

``desk_documents``
    one row per document a clerk has confirmed: its place in the register of incoming documents
    (sổ đăng ký văn bản đến: ``arrival_year`` and ``arrival_number`` = số đến, numbered from 1 each
    year in the order of confirmation), ngày đến, who it is routed to, the note, who confirmed it
    and when, and ``store_updated_at``: the document's ``updated_at`` in the store right after the
    desk wrote the confirmed record, so a file of the document read *after* the confirmation (its
    DOCX arriving a day after the PDF) shows as "cần kiểm tra" again.
``desk_revisions``
    every revision of a document's record the desk kept: the record as extracted when the clerk
    confirmed (``kind`` = extracted) and each confirmed one (``kind`` = confirmed, with who). A pair
    (extracted, confirmed) is an evaluation case (``directives desk export-gold``).
``desk_task_status``
    a task marked done (đã hoàn thành): the day and who, by the store's task id (stable across
    re-reads and across the PDF and DOCX of one directive).

The migration also indexes two columns of the store's ``documents`` for the desk's pages
(``ix_desk_arrivals`` on ``created_at``, ``ix_desk_changes`` on ``updated_at``); they are listed
in :data:`STORE_INDEXES` so the store's schema test knows they are the desk's.

No foreign keys to the store's tables on purpose: a re-read that moves a file to another
identity deletes the old document row, and the clerk's history must outlive that.
"""

from __future__ import annotations

import sqlalchemy as sa

from pipeline.store.schema import DateText, JsonType, Timestamp

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

desk_documents = sa.Table(
    "desk_documents",
    metadata,
    sa.Column("document_id", sa.String(32), primary_key=True, comment="documents.id"),
    sa.Column("arrived_at", Timestamp, nullable=False, comment="when its first file arrived"),
    sa.Column("arrival_year", sa.Integer, nullable=False, comment="year of the register"),
    sa.Column("arrival_number", sa.Integer, nullable=False, comment="số đến, from 1 each year"),
    sa.Column("arrival_date", DateText, nullable=False, comment="ngày đến, ISO"),
    sa.Column("routed_to", sa.Text, comment="đơn vị hoặc người nhận"),
    sa.Column("note", sa.Text, comment="ghi chú"),
    # the register's line as written when the clerk confirmed (a register is a log, not a view)
    sa.Column("issuer", sa.Text, comment="tác giả"),
    sa.Column("code", sa.Text, comment="số, ký hiệu"),
    sa.Column("issued_date", DateText, comment="ngày tháng văn bản"),
    sa.Column("doc_type", sa.Text, comment="tên loại"),
    sa.Column("subject", sa.Text, comment="trích yếu"),
    sa.Column("pages", sa.Integer, comment="số trang"),
    sa.Column("urgency", sa.Text, comment="độ khẩn"),
    sa.Column("confidentiality", sa.Text, comment="độ mật"),
    sa.Column("due_by", DateText, comment="thời hạn giải quyết: the earliest task deadline's last day"),
    sa.Column("revision", sa.Integer, nullable=False, comment="the confirmed revision in force"),
    sa.Column("confirmed_at", Timestamp, nullable=False),
    sa.Column("confirmed_by", sa.Text, nullable=False),
    sa.Column("store_updated_at", Timestamp, nullable=False, comment="documents.updated_at after the desk wrote"),
    sa.Column("delivery_error", sa.Text, comment="why a sink did not take the confirmed record"),
    sa.UniqueConstraint("arrival_year", "arrival_number"),
)

desk_revisions = sa.Table(
    "desk_revisions",
    metadata,
    sa.Column("document_id", sa.String(32), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, comment="1, 2, ... per document"),
    sa.Column("kind", sa.String(10), nullable=False, comment="extracted or confirmed"),
    sa.Column("record", JsonType, nullable=False, comment="the whole record, as the JSON contract"),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("author", sa.Text, comment="who confirmed; null for an extracted revision"),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.CheckConstraint("kind in ('extracted', 'confirmed')", name="ck_desk_revisions_kind"),
)

desk_task_status = sa.Table(
    "desk_task_status",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True, comment="tasks.id"),
    sa.Column("document_id", sa.String(32), nullable=False, index=True),
    sa.Column("done_on", DateText, nullable=False, comment="the day it was done, ISO"),
    sa.Column("done_by", sa.Text, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

# indexes the desk's migration puts on the store's tables (name → (table, columns))
STORE_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ix_desk_arrivals": ("documents", ("created_at",)),
    "ix_desk_changes": ("documents", ("updated_at",)),
}
