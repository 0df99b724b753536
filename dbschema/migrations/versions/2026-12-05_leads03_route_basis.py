"""Route basis: how sure each route is; the national starter table beside the imported one.

Revision ID: leads03
Revises: sources02
Create Date: 2026-12-05

``branches.origin`` and ``branch_kabkota.origin`` tell the users' imported table (``import``) from
the starter table from public evidence (``starter``); ``branch_kabkota.route_basis`` and
``distance_km`` say how each kab/kota is known to belong to its branch. Leads carry
``route_basis`` and ``route_distance_km``, and the ``lead_list`` view shows them after ``branch``
(``source``, added by sources02, stays last).
Existing rows are imported ones (``import``, ``evidence``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "leads03"
down_revision: str | Sequence[str] | None = "sources02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SELECT = """
SELECT
    s.url AS site,
    p.code AS code,
    p.name AS name,
    p.category AS category,
    p.agency AS agency,
    p.work_unit AS work_unit,
    l.kabkota_code AS kabkota_code,
    l.kabkota_name AS kabkota,
    l.province_name AS province,
    l.branch_code AS branch,{route}
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
    l.url AS url,
    COALESCE(p.source, 'spse') AS source
FROM leads l
JOIN packages p ON p.id = l.package_id
JOIN sites s ON s.id = p.site_id
"""
ROUTE_COLUMNS = """
    l.route_basis AS route_basis,
    l.route_distance_km AS route_distance_km,"""


def upgrade() -> None:
    """Add the origin and basis columns and recreate lead_list with route_basis, route_distance_km."""
    op.execute("DROP VIEW lead_list")
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=10), server_default="import", nullable=False)
        )
    with op.batch_alter_table("branch_kabkota", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=10), server_default="import", nullable=False)
        )
        batch_op.add_column(
            sa.Column("route_basis", sa.String(length=20), server_default="evidence", nullable=False)
        )
        batch_op.add_column(sa.Column("distance_km", sa.Float(), nullable=True))
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route_basis", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("route_distance_km", sa.Float(), nullable=True))
    op.execute("CREATE VIEW lead_list AS" + _SELECT.format(route=ROUTE_COLUMNS))


def downgrade() -> None:
    """Drop them again (and the view's two columns)."""
    op.execute("DROP VIEW lead_list")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("route_distance_km")
        batch_op.drop_column("route_basis")
    with op.batch_alter_table("branch_kabkota", schema=None) as batch_op:
        batch_op.drop_column("distance_km")
        batch_op.drop_column("route_basis")
        batch_op.drop_column("origin")
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.drop_column("origin")
    op.execute("CREATE VIEW lead_list AS" + _SELECT.format(route=""))
