"""Incremental leads build: what each lead was built from, best registry candidates, build state.

Revision ID: leads02
Revises: leads01
Create Date: 2026-11-22

``leads.source_changed`` is the package's ``last_changed`` the lead was computed from (a lead whose
package still has that value needs no work). ``match_candidates`` keeps every package's best
registration before the one-registration-one-project rule, so a build re-matches only changed
packages and re-decides the winners cheaply. ``lead_build_state`` holds what the last build saw
(the day, the branch table and registry fingerprints, the build version).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.types import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "leads02"
down_revision: str | Sequence[str] | None = "leads01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add leads.source_changed, match_candidates and lead_build_state."""
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_changed", UtcDateTime(timezone=True), nullable=True))
    op.create_table(
        "match_candidates",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Float(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_match_candidates_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_match_candidates_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", name=op.f("pk_match_candidates")),
    )
    op.create_table(
        "lead_build_state",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_lead_build_state")),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("lead_build_state")
    op.drop_table("match_candidates")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("source_changed")
