"""Page lengths: what each host does with a long list page, kept between crawls (crawler/paging.py).

Revision ID: paging01
Revises: leads03
Create Date: 2026-12-05

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.types import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "paging01"
down_revision: str | Sequence[str] | None = "leads03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create host_page_lengths."""
    op.create_table(
        "host_page_lengths",
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.Column("honoured_up_to", sa.Integer(), nullable=False),
        sa.Column("learned_at", UtcDateTime(), nullable=False),
        sa.Column("checked_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_host_page_lengths")),
    )


def downgrade() -> None:
    """Drop host_page_lengths."""
    op.drop_table("host_page_lengths")
