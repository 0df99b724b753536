"""Crawl health: one row per site per crawl with its counts, verdict, reasons and the notice sent.

Revision ID: health01
Revises: sources01
Create Date: 2026-12-05

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.types import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "health01"
down_revision: str | Sequence[str] | None = "sources01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create site_health."""
    op.create_table(
        "site_health",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("site", sa.String(length=500), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("checked_at", UtcDateTime(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("notified_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"], ["crawl_runs.id"], name=op.f("fk_site_health_crawl_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_health")),
    )
    with op.batch_alter_table("site_health", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_health_crawl_run_id"), ["crawl_run_id"], unique=False)
        batch_op.create_index(
            "ix_site_health_site_year_checked_at", ["site", "year", "checked_at"], unique=False
        )


def downgrade() -> None:
    """Drop site_health."""
    with op.batch_alter_table("site_health", schema=None) as batch_op:
        batch_op.drop_index("ix_site_health_site_year_checked_at")
        batch_op.drop_index(batch_op.f("ix_site_health_crawl_run_id"))
    op.drop_table("site_health")
