"""Dashboard summary: days to registration in their own small table; the newest event id seen.

Revision ID: dash02
Revises: health01
Create Date: 2026-12-05

Keeping ``reg_days`` out of ``lead_summary_cells`` keeps that table at a few thousand rows for a
million leads. ``events_max_id`` lets a refresh read only the events added since, and still notice
one committed late (see leads/summary.py). The summary is emptied: the next view rebuilds it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "dash02"
down_revision: str | Sequence[str] | None = "health01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Move reg_days out of the cells; add events_max_id; empty the summary."""
    for table in ("lead_summary_state", "lead_summary_cells", "lead_summary_contractor_areas",
                  "lead_summary_contractors"):  # fmt: skip
        op.execute(f"DELETE FROM {table}")
    with op.batch_alter_table("lead_summary_cells", schema=None) as batch_op:
        batch_op.drop_column("reg_days")
    with op.batch_alter_table("lead_summary_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("events_max_id", sa.Integer(), nullable=False))
    op.create_table(
        "lead_summary_reg_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kabkota_code", sa.String(length=10), nullable=True),
        sa.Column("branch_code", sa.String(length=40), nullable=True),
        sa.Column("kanwil", sa.String(length=200), nullable=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_summary_reg_days")),
    )
    op.create_index(op.f("ix_lead_summary_reg_days_kabkota_code"), "lead_summary_reg_days", ["kabkota_code"])


def downgrade() -> None:
    """Back to reg_days in the cells (the summary is rebuilt on the next view)."""
    op.execute("DELETE FROM lead_summary_state")
    op.execute("DELETE FROM lead_summary_cells")
    op.drop_index(op.f("ix_lead_summary_reg_days_kabkota_code"), table_name="lead_summary_reg_days")
    op.drop_table("lead_summary_reg_days")
    with op.batch_alter_table("lead_summary_state", schema=None) as batch_op:
        batch_op.drop_column("events_max_id")
    with op.batch_alter_table("lead_summary_cells", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reg_days", sa.Integer(), nullable=True))
