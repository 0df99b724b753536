"""Dashboard summary: pre-aggregated leads, and the indexes that tell when to refresh it.

Revision ID: dash01
Revises: web01
Create Date: 2026-12-05

``lead_summary_*`` are written only by ``leads.summary`` (see leads/summary_models.py). The new
indexes on ``leads.last_built`` and ``lead_events.at`` make "was anything built or changed since
the summary was computed?" two index reads on every dashboard view.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.types import Rupiah, UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "dash01"
down_revision: str | Sequence[str] | None = "web01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the summary tables and the two refresh indexes."""
    op.create_table(
        "lead_summary_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kabkota_code", sa.String(length=10), nullable=True),
        sa.Column("branch_code", sa.String(length=40), nullable=True),
        sa.Column("kanwil", sa.String(length=200), nullable=True),
        sa.Column("route", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("reg_days", sa.Integer(), nullable=True),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.Column("contribution", Rupiah(precision=20, scale=2), nullable=False),
        sa.Column("value", Rupiah(precision=20, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_summary_cells")),
    )
    for column in ("kabkota_code", "branch_code", "kanwil"):
        op.create_index(op.f(f"ix_lead_summary_cells_{column}"), "lead_summary_cells", [column])
    op.create_table(
        "lead_summary_contractor_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kabkota_code", sa.String(length=10), nullable=True),
        sa.Column("branch_code", sa.String(length=40), nullable=True),
        sa.Column("kanwil", sa.String(length=200), nullable=True),
        sa.Column("contractor_key", sa.String(length=600), nullable=False),
        sa.Column("contractor_name", sa.Text(), nullable=True),
        sa.Column("contractor_npwp", sa.String(length=32), nullable=True),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.Column("contribution", Rupiah(precision=20, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_summary_contractor_areas")),
    )
    for column in ("kabkota_code", "contractor_key"):
        op.create_index(
            op.f(f"ix_lead_summary_contractor_areas_{column}"), "lead_summary_contractor_areas", [column]
        )
    op.create_table(
        "lead_summary_contractors",
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("scope_key", sa.String(length=200), nullable=False),
        sa.Column("contractor_key", sa.String(length=600), nullable=False),
        sa.Column("contractor_name", sa.Text(), nullable=True),
        sa.Column("contractor_npwp", sa.String(length=32), nullable=True),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.Column("contribution", Rupiah(precision=20, scale=2), nullable=False),
        sa.PrimaryKeyConstraint(
            "level", "scope_key", "contractor_key", name=op.f("pk_lead_summary_contractors")
        ),
    )
    op.create_index(
        "ix_lead_summary_contractors_rank",
        "lead_summary_contractors",
        ["level", "scope_key", "leads", "contribution"],
    )
    op.create_table(
        "lead_summary_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("built_max", UtcDateTime(timezone=True), nullable=True),
        sa.Column("branches_sig", sa.String(length=100), nullable=False),
        sa.Column("events_since", UtcDateTime(timezone=True), nullable=False),
        sa.Column("events_seen", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("full_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_summary_state")),
    )
    op.create_index(op.f("ix_leads_last_built"), "leads", ["last_built"])
    op.create_index(op.f("ix_lead_events_at"), "lead_events", ["at"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index(op.f("ix_lead_events_at"), table_name="lead_events")
    op.drop_index(op.f("ix_leads_last_built"), table_name="leads")
    op.drop_table("lead_summary_state")
    op.drop_index("ix_lead_summary_contractors_rank", table_name="lead_summary_contractors")
    op.drop_table("lead_summary_contractors")
    for column in ("kabkota_code", "contractor_key"):
        op.drop_index(
            op.f(f"ix_lead_summary_contractor_areas_{column}"), table_name="lead_summary_contractor_areas"
        )
    op.drop_table("lead_summary_contractor_areas")
    for column in ("kabkota_code", "branch_code", "kanwil"):
        op.drop_index(op.f(f"ix_lead_summary_cells_{column}"), table_name="lead_summary_cells")
    op.drop_table("lead_summary_cells")
