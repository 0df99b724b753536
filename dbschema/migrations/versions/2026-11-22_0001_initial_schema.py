"""Initial schema: sites, packages and their child rows, contractors, change history, crawl runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:17:24.947247

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.types import Rupiah, UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "contractors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=600), nullable=False),
        sa.Column("npwp_key", sa.String(length=16), nullable=True),
        sa.Column("name_key", sa.String(length=500), nullable=False),
        sa.Column("masked_npwp", sa.String(length=32), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("first_seen", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractors")),
        sa.UniqueConstraint("identity", name=op.f("uq_contractors_identity")),
        sa.UniqueConstraint("npwp_key", name=op.f("uq_contractors_npwp_key")),
    )
    with op.batch_alter_table("contractors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contractors_name_key"), ["name_key"], unique=False)

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("sites", sa.JSON(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("first_seen", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("url", name=op.f("uq_sites_url")),
    )
    op.create_table(
        "contractor_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("first_seen", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_contractor_names_contractor_id_contractors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor_names")),
        sa.UniqueConstraint("contractor_id", "name", name=op.f("uq_contractor_names_contractor_id_name")),
    )
    op.create_table(
        "packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("list", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("stage", sa.Text(), nullable=True),
        sa.Column("agency", sa.Text(), nullable=True),
        sa.Column("work_unit", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("method", sa.Text(), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("funding_source", sa.Text(), nullable=True),
        sa.Column("budget_value", Rupiah(), nullable=True),
        sa.Column("estimate_value", Rupiah(), nullable=True),
        sa.Column("contract_value", Rupiah(), nullable=True),
        sa.Column("realised_value", Rupiah(), nullable=True),
        sa.Column("qualification", sa.Text(), nullable=True),
        sa.Column("first_seen", UtcDateTime(), nullable=False),
        sa.Column("last_seen", UtcDateTime(), nullable=False),
        sa.Column("last_changed", UtcDateTime(), nullable=False),
        sa.Column("list_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["last_run_id"], ["crawl_runs.id"], name=op.f("fk_packages_last_run_id_crawl_runs")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_packages_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packages")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_packages_site_id_code")),
    )
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_packages_last_changed"), ["last_changed"], unique=False)
        batch_op.create_index(batch_op.f("ix_packages_last_seen"), ["last_seen"], unique=False)

    op.create_table(
        "package_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("observed_at", UtcDateTime(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"], ["crawl_runs.id"], name=op.f("fk_package_changes_crawl_run_id_crawl_runs")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_package_changes_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_changes")),
    )
    with op.batch_alter_table("package_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_package_changes_crawl_run_id"), ["crawl_run_id"], unique=False)
        batch_op.create_index(
            "ix_package_changes_package_id_observed_at", ["package_id", "observed_at"], unique=False
        )

    op.create_table(
        "package_flags",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("flag", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_package_flags_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", "position", name=op.f("pk_package_flags")),
    )
    op.create_table(
        "package_locations",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("kabkota_code", sa.String(length=10), nullable=True),
        sa.Column("kabkota_name", sa.Text(), nullable=True),
        sa.Column("province_code", sa.String(length=10), nullable=True),
        sa.Column("province_name", sa.Text(), nullable=True),
        sa.Column("confidence", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_package_locations_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", "position", name=op.f("pk_package_locations")),
    )
    with op.batch_alter_table("package_locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_package_locations_kabkota_code"), ["kabkota_code"], unique=False)

    op.create_table(
        "package_stages",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("start", sa.String(length=40), nullable=True),
        sa.Column("end", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_package_stages_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", "position", name=op.f("pk_package_stages")),
    )
    op.create_table(
        "package_winners",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("npwp", sa.String(length=32), nullable=True),
        sa.Column("offer_value", Rupiah(), nullable=True),
        sa.Column("corrected_value", Rupiah(), nullable=True),
        sa.Column("negotiated_value", Rupiah(), nullable=True),
        sa.Column("contract_value", Rupiah(), nullable=True),
        sa.Column("pdn_value", Rupiah(), nullable=True),
        sa.Column("umk_value", Rupiah(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contractor_id"], ["contractors.id"], name=op.f("fk_package_winners_contractor_id_contractors")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_package_winners_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", "kind", "position", name=op.f("pk_package_winners")),
    )
    with op.batch_alter_table("package_winners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_package_winners_contractor_id"), ["contractor_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("package_winners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_winners_contractor_id"))

    op.drop_table("package_winners")
    op.drop_table("package_stages")
    with op.batch_alter_table("package_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_locations_kabkota_code"))

    op.drop_table("package_locations")
    op.drop_table("package_flags")
    with op.batch_alter_table("package_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_package_changes_package_id_observed_at")
        batch_op.drop_index(batch_op.f("ix_package_changes_crawl_run_id"))

    op.drop_table("package_changes")
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_packages_last_seen"))
        batch_op.drop_index(batch_op.f("ix_packages_last_changed"))

    op.drop_table("packages")
    op.drop_table("contractor_names")
    op.drop_table("sites")
    op.drop_table("crawl_runs")
    with op.batch_alter_table("contractors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractors_name_key"))

    op.drop_table("contractors")
