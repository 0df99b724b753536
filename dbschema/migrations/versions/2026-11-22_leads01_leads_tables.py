"""Leads room: registry, branch table, leads with status history, registry matches, and the lead_list view.

Revision ID: leads01
Revises: 0001
Create Date: 2026-11-22

The view has exactly the columns of ``leads.lead_row.LEAD_COLUMNS``; its SQL is plain enough for
both SQLite and PostgreSQL (``||`` concatenation is not used: the URL is stored on the lead).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.types import Rupiah, UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "leads01"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEAD_LIST_SQL = """
CREATE VIEW lead_list AS
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
    l.url AS url
FROM leads l
JOIN packages p ON p.id = l.package_id
JOIN sites s ON s.id = p.site_id
"""


def upgrade() -> None:
    """Create the leads tables and the lead_list view."""
    op.create_table(
        "branches",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kanwil", sa.Text(), nullable=True),
        sa.Column("emails", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_branches")),
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_no", sa.String(length=100), nullable=False),
        sa.Column("project_name", sa.Text(), nullable=False),
        sa.Column("contractor_name", sa.Text(), nullable=True),
        sa.Column("npwp", sa.String(length=32), nullable=True),
        sa.Column("npwp_key", sa.String(length=16), nullable=True),
        sa.Column("npp", sa.String(length=64), nullable=True),
        sa.Column("contract_value", Rupiah(precision=20, scale=2), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("tender_code", sa.String(length=64), nullable=True),
        sa.Column("first_imported", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_changed", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("registration_no", name=op.f("uq_registrations_registration_no")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registrations_npwp_key"), ["npwp_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_registrations_tender_code"), ["tender_code"], unique=False)

    op.create_table(
        "branch_kabkota",
        sa.Column("kabkota_code", sa.String(length=10), nullable=False),
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_code"],
            ["branches.code"],
            name=op.f("fk_branch_kabkota_branch_code_branches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("kabkota_code", name=op.f("pk_branch_kabkota")),
    )
    with op.batch_alter_table("branch_kabkota", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_branch_kabkota_branch_code"), ["branch_code"], unique=False)

    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(length=10), nullable=False),
        sa.Column("branch_code", sa.String(length=40), nullable=True),
        sa.Column("other_branches", sa.Text(), nullable=True),
        sa.Column("kanwil", sa.Text(), nullable=True),
        sa.Column("kabkota_code", sa.String(length=10), nullable=True),
        sa.Column("kabkota_name", sa.Text(), nullable=True),
        sa.Column("province_code", sa.String(length=10), nullable=True),
        sa.Column("province_name", sa.Text(), nullable=True),
        sa.Column("contractor_name", sa.Text(), nullable=True),
        sa.Column("contractor_npwp", sa.String(length=32), nullable=True),
        sa.Column("value", Rupiah(precision=20, scale=2), nullable=True),
        sa.Column("value_basis", sa.String(length=30), nullable=True),
        sa.Column("jkk", Rupiah(precision=20, scale=2), nullable=True),
        sa.Column("jkm", Rupiah(precision=20, scale=2), nullable=True),
        sa.Column("total", Rupiah(precision=20, scale=2), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("days_overdue", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status_changed_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("first_built", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_built", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_leads_package_id_packages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("package_id", name=op.f("uq_leads_package_id")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_branch_code"), ["branch_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_kabkota_code"), ["kabkota_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_score"), ["score"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_status"), ["status"], unique=False)

    op.create_table(
        "matches",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("matched_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_matches_package_id_packages"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_matches_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", name=op.f("pk_matches")),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matches_registration_id"), ["registration_id"], unique=False)

    op.create_table(
        "lead_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("old_status", sa.String(length=12), nullable=True),
        sa.Column("new_status", sa.String(length=12), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_events_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_events")),
    )
    with op.batch_alter_table("lead_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_events_lead_id"), ["lead_id"], unique=False)
    op.execute(LEAD_LIST_SQL)


def downgrade() -> None:
    """Drop the view and the leads tables."""
    op.execute("DROP VIEW lead_list")
    with op.batch_alter_table("lead_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_events_lead_id"))

    op.drop_table("lead_events")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matches_registration_id"))

    op.drop_table("matches")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_status"))
        batch_op.drop_index(batch_op.f("ix_leads_score"))
        batch_op.drop_index(batch_op.f("ix_leads_kabkota_code"))
        batch_op.drop_index(batch_op.f("ix_leads_branch_code"))

    op.drop_table("leads")
    with op.batch_alter_table("branch_kabkota", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_branch_kabkota_branch_code"))

    op.drop_table("branch_kabkota")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_tender_code"))
        batch_op.drop_index(batch_op.f("ix_registrations_npwp_key"))

    op.drop_table("registrations")
    op.drop_table("branches")
