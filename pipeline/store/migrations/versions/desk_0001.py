"""The clerk's desk: revisions of records, the register of incoming documents, tasks marked done.

Revision ID: desk_0001
Revises: 0001
Create Date: 2026-12-02

A branch of its own (label ``desk``) on top of the store's first migration, so the desk's tables
and the store's own later migrations never compete for one revision id; the store upgrades to
every head. No foreign keys to the store's tables: see ``pipeline/desk/tables.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "desk_0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("desk",)
depends_on: str | Sequence[str] | None = None

JsonType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
DateText = sa.String(10)
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "desk_documents",
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("arrived_at", Timestamp, nullable=False),
        sa.Column("arrival_year", sa.Integer, nullable=False),
        sa.Column("arrival_number", sa.Integer, nullable=False),
        sa.Column("arrival_date", DateText, nullable=False),
        sa.Column("routed_to", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("issuer", sa.Text),
        sa.Column("code", sa.Text),
        sa.Column("issued_date", DateText),
        sa.Column("doc_type", sa.Text),
        sa.Column("subject", sa.Text),
        sa.Column("pages", sa.Integer),
        sa.Column("urgency", sa.Text),
        sa.Column("confidentiality", sa.Text),
        sa.Column("due_by", DateText),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("confirmed_at", Timestamp, nullable=False),
        sa.Column("confirmed_by", sa.Text, nullable=False),
        sa.Column("store_updated_at", Timestamp, nullable=False),
        sa.Column("delivery_error", sa.Text),
        sa.PrimaryKeyConstraint("document_id", name="pk_desk_documents"),
        sa.UniqueConstraint("arrival_year", "arrival_number", name="uq_desk_documents_arrival_year_arrival_number"),
    )
    op.create_table(
        "desk_revisions",
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("record", JsonType, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("document_id", "number", name="pk_desk_revisions"),
        sa.CheckConstraint("kind in ('extracted', 'confirmed')", name="ck_desk_revisions_kind"),
    )
    op.create_table(
        "desk_task_status",
        sa.Column("task_id", sa.String(32), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("done_on", DateText, nullable=False),
        sa.Column("done_by", sa.Text, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("task_id", name="pk_desk_task_status"),
    )
    op.create_index("ix_desk_task_status_document_id", "desk_task_status", ["document_id"])
    # on the store's documents, for the desk's pages (names of the desk's own, so a store migration
    # adding indexes of its own never collides): the inbox newest first; the change signature that
    # keeps the deadlines summary (pipeline.desk.deadlines.signature)
    op.create_index("ix_desk_arrivals", "documents", ["created_at"])
    op.create_index("ix_desk_changes", "documents", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_desk_changes", table_name="documents")
    op.drop_index("ix_desk_arrivals", table_name="documents")
    op.drop_index("ix_desk_task_status_document_id", table_name="desk_task_status")
    op.drop_table("desk_task_status")
    op.drop_table("desk_revisions")
    op.drop_table("desk_documents")
