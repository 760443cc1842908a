"""The store: documents by identity with their sources, references, tasks and task agencies.

Revision ID: 0001
Revises:
Create Date: 2026-12-01

A database written by the sinks before the store existed (``documents`` keyed by ``sha256``,
``tasks.lead`` as escaped JSON) keeps its rows: its three tables are renamed ``*_v0`` here, and
:func:`pipeline.store.Store.open` re-reads their records into the new tables with the current
code, then drops them (a migration must not import code that later changes).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JsonType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
DateText = sa.String(10)
Timestamp = sa.DateTime(timezone=True)
LEGACY = ("tasks", "doc_references", "documents")


def _keep_legacy_tables() -> None:
    inspector = sa.inspect(op.get_bind())
    names = set(inspector.get_table_names())
    if "documents" not in names or "sha256" not in {c["name"] for c in inspector.get_columns("documents")}:
        return
    for name in LEGACY:
        if name in names:
            # PostgreSQL keeps index names when a table is renamed: move them out of the way too
            for index in inspector.get_indexes(name):
                if index["name"]:
                    op.execute(f'drop index if exists "{index["name"]}"')
            op.rename_table(name, f"{name}_v0")


def upgrade() -> None:
    _keep_legacy_tables()
    op.create_table(
        "documents",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("identity", sa.Text, nullable=False),
        sa.Column("issuer", sa.Text),
        sa.Column("parent", sa.Text),
        sa.Column("doc_type", sa.Text),
        sa.Column("number", sa.Text),
        sa.Column("symbol", sa.Text),
        sa.Column("code", sa.Text),
        sa.Column("place", sa.Text),
        sa.Column("issued_date", DateText),
        sa.Column("subject", sa.Text),
        sa.Column("urgency", sa.Text),
        sa.Column("confidentiality", sa.Text),
        sa.Column("signer_name", sa.Text),
        sa.Column("signer_title", sa.Text),
        sa.Column("signer_authority", sa.Text),
        sa.Column("recipients", JsonType, nullable=False),
        sa.Column("distribution", JsonType, nullable=False),
        sa.Column("warnings", JsonType, nullable=False),
        sa.Column("record", JsonType, nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("issuer_key", sa.Text),
        sa.Column("search_key", sa.Text, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("identity", name="uq_documents_identity"),
    )
    op.create_index("ix_documents_issuer_code_issued_date", "documents", ["issuer", "code", "issued_date"])
    op.create_index("ix_documents_code", "documents", ["code"])
    op.create_index("ix_documents_issued_date", "documents", ["issued_date"])

    op.create_table(
        "sources",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("pages", sa.Integer),
        sa.Column("first_seen", Timestamp, nullable=False),
        sa.Column("last_seen", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_sources"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_sources_document_id_documents", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_sources_document_id", "sources", ["document_id"])

    op.create_table(
        "doc_references",
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("doc_type", sa.Text),
        sa.Column("issued_date", DateText),
        sa.Column("issuer", sa.Text),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("document_id", "code", name="pk_doc_references"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_doc_references_document_id_documents", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_doc_references_code", "doc_references", ["code"])

    op.create_table(
        "tasks",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("ordinal", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lead", sa.Text, nullable=False),
        sa.Column("support", sa.Text, nullable=False),
        sa.Column("deadline", DateText),
        sa.Column("due_by", DateText),
        sa.Column("recurrence", sa.Text),
        sa.Column("report_to", sa.Text),
        sa.Column("search_key", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_tasks_document_id_documents", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_tasks_document_id", "tasks", ["document_id"])
    op.create_index("ix_tasks_due_by", "tasks", ["due_by"])

    op.create_table(
        "task_agencies",
        sa.Column("task_id", sa.String(32), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("canonical", sa.Text),
        sa.Column("is_group", sa.Boolean, nullable=False),
        sa.Column("name_key", sa.Text, nullable=False),
        sa.Column("canonical_key", sa.Text),
        sa.PrimaryKeyConstraint("task_id", "role", "position", name="pk_task_agencies"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name="fk_task_agencies_task_id_tasks", ondelete="CASCADE"),
        sa.CheckConstraint("role in ('lead', 'support')", name="ck_task_agencies_role"),
    )
    op.create_index("ix_task_agencies_role_canonical_key", "task_agencies", ["role", "canonical_key"])
    op.create_index("ix_task_agencies_role_name_key", "task_agencies", ["role", "name_key"])


def downgrade() -> None:
    for name in ("task_agencies", "tasks", "doc_references", "sources", "documents"):
        op.drop_table(name)
