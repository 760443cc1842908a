"""Tasks by lead from one index: ``task_leads``, and tasks listed in order from ``tasks``' index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

``task_leads`` holds every task under every name its lead agencies can be asked for (canonical or
as written, case-folded) with the task's due date and place copied beside it, so a page of "tasks
led by X, soonest due first" is read in order from one index range and stopped there; the exact
count is an index-only scan of the same range. Rows for the tasks already stored are made here
from ``task_agencies`` and ``tasks`` in SQL (a migration must not import code that later changes).
``ix_tasks_due_by`` becomes ``(due_by, document_id, position)``: the order of the task lists.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DateText = sa.String(10)

# One row per task and key; UNION (not UNION ALL) because a task may name one agency twice
# ("Sở Nội vụ" and "Sở NV", both canonical Sở Nội vụ) or match a key both ways.
BACKFILL = """
insert into task_leads (task_id, agency_key, due_by, document_id, position)
select t.id, k.agency_key, t.due_by, t.document_id, t.position
from (
    select task_id, canonical_key as agency_key from task_agencies
    where role = 'lead' and canonical_key is not null
    union
    select task_id, name_key as agency_key from task_agencies where role = 'lead'
) k
join tasks t on t.id = k.task_id
"""


def upgrade() -> None:
    op.create_table(
        "task_leads",
        sa.Column("task_id", sa.String(32), nullable=False),
        sa.Column("agency_key", sa.Text, nullable=False),
        sa.Column("due_by", DateText),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("task_id", "agency_key", name="pk_task_leads"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name="fk_task_leads_task_id_tasks", ondelete="CASCADE"),
    )
    op.create_index(
        "ix_task_leads_agency_key_due_by_document_id_position",
        "task_leads",
        ["agency_key", "due_by", "document_id", "position"],
    )
    op.execute(BACKFILL)
    op.create_index("ix_tasks_due_by_document_id_position", "tasks", ["due_by", "document_id", "position"])
    op.drop_index("ix_tasks_due_by", table_name="tasks")


def downgrade() -> None:
    op.create_index("ix_tasks_due_by", "tasks", ["due_by"])
    op.drop_index("ix_tasks_due_by_document_id_position", table_name="tasks")
    op.drop_index("ix_task_leads_agency_key_due_by_document_id_position", table_name="task_leads")
    op.drop_table("task_leads")
