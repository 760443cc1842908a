"""The store's tables, one schema for SQLite and PostgreSQL (SQLAlchemy Core).

``documents``
    one row per *document*, not per file: its identity is issuer, code and issued date
    (:func:`pipeline.store.identity.document_identity`), or the file's sha256 when one of those is
    blank. ``id`` is a short hash of the identity, stable across runs and machines, used in URLs.
    The document's fields are plain columns (text as text: ``WHERE subject LIKE '%cải cách%'``
    works); ``record`` is the whole record of the source read last, as the JSON contract prints it.
``sources``
    every file that carried a document: primary key the file's ``sha256`` (the same bytes are the
    same file wherever they were dropped), with the path, media type and pages. The directive
    received as PDF and as DOCX is one document with two sources.
``doc_references``
    the instruments a document cites, one row per distinct code. Named ``doc_references`` because
    REFERENCES is an SQL keyword.
``tasks``
    one row per task of a document. ``id`` comes from the document's id and the task's ordinal, so
    the PDF and the DOCX of a directive give the same task ids. ``lead`` and ``support`` are the
    names as written joined by "; " (``WHERE lead LIKE '%Sở Nội vụ%'``), for people writing SQL by
    hand; programs use ``task_agencies``.
``task_agencies``
    each agency of each task with its ``role`` (``lead`` = chủ trì, ``support`` = phối hợp), the
    name as written and the canonical gazetteer name. ``name_key`` / ``canonical_key`` are the
    case-folded forms, indexed, so "sở nội vụ" finds "Sở Nội vụ".
``task_leads``
    every task under every name its lead agencies can be asked for: one row per task and key (the
    canonical name or the name as written, case-folded), with the task's ``due_by``,
    ``document_id`` and ``position`` copied beside it. "Tasks led by Sở Nội vụ, soonest due first"
    is then one range of one index, read in order and stopped after a page (on 100,000 tasks the
    busiest agency's page takes well under a millisecond; bench/bench_store.py), where
    ``task_agencies`` needs an OR of two keys per row and a sort of every match. The copies are
    written with their task by :mod:`pipeline.store.write`, the only writer of tasks.

The ``*_key`` columns hold case-folded copies (NFC, ``str.casefold``) because SQLite's ``lower()``
folds ASCII only: "Ủy ban" would never match "ủy ban" there.

Columns are only ever added, by Alembic migrations (``pipeline/store/migrations``); the tables
here are what the latest migration produces, and a test checks the two agree.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# JSON on SQLite (stored as text, written unescaped: see store.engine), JSONB on PostgreSQL.
JsonType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# ISO dates with reduced precision ("2026", "2026-03", "2026-03-15") sort correctly as text.
DateText = sa.String(10)
Timestamp = sa.DateTime(timezone=True)

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True, comment="short hash of identity; stable"),
    sa.Column("identity", sa.Text, nullable=False, unique=True, comment="issuer|code|date, or sha256:<hex>"),
    sa.Column("issuer", sa.Text, comment="cơ quan ban hành"),
    sa.Column("parent", sa.Text, comment="cơ quan chủ quản"),
    sa.Column("doc_type", sa.Text, comment="tên loại văn bản"),
    sa.Column("number", sa.Text, comment="số"),
    sa.Column("symbol", sa.Text, comment="ký hiệu"),
    sa.Column("code", sa.Text, comment="số/ký hiệu as printed; NOT unique alone"),
    sa.Column("place", sa.Text, comment="địa danh"),
    sa.Column("issued_date", DateText, comment="ngày ban hành, ISO, reduced precision allowed"),
    sa.Column("subject", sa.Text, comment="trích yếu"),
    sa.Column("urgency", sa.Text, comment="độ khẩn"),
    sa.Column("confidentiality", sa.Text, comment="độ mật"),
    sa.Column("signer_name", sa.Text),
    sa.Column("signer_title", sa.Text, comment="chức vụ"),
    sa.Column("signer_authority", sa.Text, comment="quyền hạn: TM., KT., Q., TL., TUQ."),
    sa.Column("recipients", JsonType, nullable=False, comment="Kính gửi"),
    sa.Column("distribution", JsonType, nullable=False, comment="Nơi nhận"),
    sa.Column("warnings", JsonType, nullable=False),
    sa.Column("record", JsonType, nullable=False, comment="the record of record_sha256, as the JSON contract"),
    sa.Column("record_sha256", sa.String(64), nullable=False, comment="the source the record was read from"),
    sa.Column("issuer_key", sa.Text, comment="issuer case-folded, for matching"),
    sa.Column("search_key", sa.Text, nullable=False, comment="type, code, issuer, subject case-folded, for q="),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Index(None, "issuer", "code", "issued_date"),
    sa.Index(None, "code"),
    sa.Index(None, "issued_date"),
)

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True, comment="sha256 of the file"),
    sa.Column(
        "document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("path", sa.Text, nullable=False, comment="where the file was when last read"),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("pages", sa.Integer),
    sa.Column("first_seen", Timestamp, nullable=False),
    sa.Column("last_seen", Timestamp, nullable=False),
)

doc_references = sa.Table(
    "doc_references",
    metadata,
    sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("doc_type", sa.Text),
    sa.Column("issued_date", DateText),
    sa.Column("issuer", sa.Text),
    sa.Column("mentions", sa.Integer, nullable=False),
    # "Which of our documents cite Chỉ thị 53-CT/TW?"
    sa.Index(None, "code"),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True, comment="from the document id and the ordinal"),
    sa.Column(
        "document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("position", sa.Integer, nullable=False, comment="order in the document"),
    sa.Column("ordinal", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("lead", sa.Text, nullable=False, comment="chủ trì, names as written joined by '; '"),
    sa.Column("support", sa.Text, nullable=False, comment="phối hợp, names as written joined by '; '"),
    sa.Column("deadline", DateText, comment="hạn, ISO, reduced precision allowed"),
    sa.Column("due_by", DateText, comment="last day of the deadline: '2026-03' is due by 2026-03-31"),
    sa.Column("recurrence", sa.Text),
    sa.Column("report_to", sa.Text),
    sa.Column("search_key", sa.Text, nullable=False, comment="text and agencies case-folded, for q="),
    # the order tasks are listed in (soonest due first, then as in their document), read from the index
    sa.Index(None, "due_by", "document_id", "position"),
)

task_agencies = sa.Table(
    "task_agencies",
    metadata,
    sa.Column("task_id", sa.String(32), sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(8), primary_key=True, comment="lead (chủ trì) or support (phối hợp)"),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, comment="as written"),
    sa.Column("canonical", sa.Text, comment="gazetteer name, when one matched"),
    sa.Column("is_group", sa.Boolean, nullable=False, comment="a group noun: 'các sở, ban, ngành'"),
    sa.Column("name_key", sa.Text, nullable=False, comment="name case-folded, for matching"),
    sa.Column("canonical_key", sa.Text, comment="canonical case-folded, for matching"),
    sa.CheckConstraint("role in ('lead', 'support')", name="ck_task_agencies_role"),
    # "tasks led by Sở Nội vụ": role first, so one index serves both names
    sa.Index(None, "role", "canonical_key"),
    sa.Index(None, "role", "name_key"),
)

task_leads = sa.Table(
    "task_leads",
    metadata,
    sa.Column("task_id", sa.String(32), sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_key", sa.Text, primary_key=True, comment="a lead's canonical name or name as written, folded"),
    sa.Column("due_by", DateText, comment="the task's, copied"),
    sa.Column("document_id", sa.String(32), nullable=False, comment="the task's, copied"),
    sa.Column("position", sa.Integer, nullable=False, comment="the task's, copied"),
    # "tasks led by X, soonest due first": one index range, already in the order of the answer
    sa.Index(None, "agency_key", "due_by", "document_id", "position"),
)
