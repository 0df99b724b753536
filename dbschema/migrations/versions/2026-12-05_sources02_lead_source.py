"""The lead_list view gains `source`: the channel a lead's package came from (spse, ekatalog, …).

Revision ID: sources02
Revises: dash02
Create Date: 2026-12-05

The view keeps exactly ``leads.lead_row.LEAD_COLUMNS``; SPSE packages (``packages.source`` NULL)
read as ``spse``. Downgrade restores the view of ``leads01``.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "sources02"
down_revision: str | Sequence[str] | None = "dash02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = """
    s.url AS site,
    p.code AS code,
    p.name AS name,
    p.category AS category,
    p.agency AS agency,
    p.work_unit AS work_unit,
    l.kabkota_code AS kabkota_code,
    l.kabkota_name AS kabkota,
    l.province_name AS province,
    l.branch_code AS branch,
    l.contractor_name AS contractor_name,
    l.contractor_npwp AS contractor_npwp,
    l.value AS value,
    l.value_basis AS value_basis,
    l.jkk AS jkk,
    l.jkm AS jkm,
    l.total AS estimated_contribution,
    l.signed_on AS contract_signed_on,
    l.deadline AS deadline,
    l.days_overdue AS days_overdue,
    l.score AS score,
    l.status AS status,
    l.url AS url"""
_FROM = """
FROM leads l
JOIN packages p ON p.id = l.package_id
JOIN sites s ON s.id = p.site_id
"""


def upgrade() -> None:
    """Recreate lead_list with the source column last."""
    op.execute("DROP VIEW lead_list")
    op.execute(f"CREATE VIEW lead_list AS SELECT{_COLUMNS},\n    COALESCE(p.source, 'spse') AS source{_FROM}")


def downgrade() -> None:
    """The view without source."""
    op.execute("DROP VIEW lead_list")
    op.execute(f"CREATE VIEW lead_list AS SELECT{_COLUMNS}{_FROM}")
