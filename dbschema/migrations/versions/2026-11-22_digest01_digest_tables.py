"""Digest room: the (queue, day) digest record (intent → sent / failed) and the leads it carried.

Revision ID: digest01
Revises: leads02
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.types import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "digest01"
down_revision: str | Sequence[str] | None = "leads02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create `digests` and `digest_leads`."""
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("delivered_to", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint("queue", "day", name=op.f("uq_digests_queue_day")),
    )
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digests_status"), ["status"], unique=False)
    op.create_table(
        "digest_leads",
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest_id"], ["digests.id"], name=op.f("fk_digest_leads_digest_id_digests"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_digest_leads_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("digest_id", "lead_id", name=op.f("pk_digest_leads")),
    )
    with op.batch_alter_table("digest_leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_leads_lead_id"), ["lead_id"], unique=False)


def downgrade() -> None:
    """Drop the digest tables."""
    op.drop_table("digest_leads")
    op.drop_table("digests")
