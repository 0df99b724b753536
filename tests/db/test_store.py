"""The store on SQLite and PostgreSQL: idempotent upserts, history, contractors, round trip, atomicity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from scrapy.settings import Settings
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from domain.jsonio import dumps_record, loads_record
from pipeline.export import iter_records
from pipeline.models import Contractor, ContractorName, Package, PackageChange, PackageLocation, PackageWinner
from pipeline.state import load_fingerprints
from pipeline.writer import PackageWriter, SeenPackage
from tests.db.conftest import SITE, make_record

OTHER_SITE = "https://spse.inaproc.id/kemkes"


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def exported(engine) -> list[dict]:
    """Export then read back as JSON lines, as an analyst would get them."""
    return [loads_record(dumps_record(r)) for r in iter_records(engine)]


def test_writing_the_same_batch_twice_stores_one_package_and_no_history(engine):
    writer = PackageWriter(engine)
    first = writer.write([(make_record(), "fp")])
    again = writer.write([(make_record(), "fp")])
    assert (first.inserted, again.inserted, again.unchanged) == (1, 0, 1)
    assert count(engine, Package) == 1
    assert count(engine, PackageChange) == 0
    assert count(engine, PackageLocation) == 2


def test_a_fresh_writer_on_the_same_database_also_upserts(engine):
    PackageWriter(engine).write([(make_record(), "fp")])
    result = PackageWriter(engine).write([(make_record(), "fp")])
    assert result.unchanged == 1
    assert count(engine, Package) == 1


def test_export_round_trip_equals_the_input_records(engine):
    records = [
        make_record(),
        make_record(code="2", flags=[], locations=[], stages=[], budget_value=None, qualification=None),
        make_record(
            site=OTHER_SITE,
            code="10102453000",
            contract_value=Decimal("125398000000.00"),
            winners=[
                {
                    "name": "PT. Karya Abadi",
                    "address": "Jl. Dr. Sumeru No. 114 Bogor - Bogor (Kota) - Jawa Barat",
                    "npwp": "015448632009000",
                    "offer_value": Decimal("700000000.10"),
                    "corrected_value": Decimal("700000000.10"),
                    "negotiated_value": Decimal("699000000"),
                }
            ],
            contract_winners=[
                {
                    "name": "PT Karya Abadi Tbk",
                    "npwp": "07*3**1****01**0",
                    "contract_value": Decimal("699000000"),
                }
            ],
        ),
    ]
    PackageWriter(engine).write([(r, None) for r in records])
    back = {(r["site"], r["code"]): r for r in exported(engine)}
    assert back == {(r["site"], r["code"]): r for r in records}


def test_money_is_exact_at_the_largest_sizes(engine):
    amounts = [Decimal("9999999999999.99"), Decimal("0.01"), Decimal("125398000000.50")]
    PackageWriter(engine).write(
        [(make_record(code=str(i), budget_value=a), None) for i, a in enumerate(amounts)]
    )
    assert [r["budget_value"] for r in exported(engine)] == amounts


def test_a_change_writes_one_history_row_per_field_with_old_and_new(engine):
    writer = PackageWriter(engine)
    writer.write([(make_record(), "fp1")])
    winner = {"name": "CV Maju", "npwp": "01.544.863.2-009.000", "offer_value": Decimal("700000000")}
    changed = make_record(stage="Tender Sudah Selesai", winners=[winner], estimate_value=Decimal("750000000"))
    result = writer.write([(changed, "fp2")])
    assert (result.changed, result.changes) == (1, 3)
    with engine.connect() as connection:
        rows = connection.execute(
            select(PackageChange.field, PackageChange.old_value, PackageChange.new_value).order_by(
                PackageChange.field
            )
        ).all()
    assert rows[0] == ("estimate_value", "750939420.50", "750000000")
    assert rows[1] == ("stage", "Pengumuman Pascakualifikasi", "Tender Sudah Selesai")
    assert rows[2][0] == "winners" and rows[2][1] == "[]" and "CV Maju" in rows[2][2]


def test_winner_named_then_contract_signed_is_visible_in_history(engine):
    writer = PackageWriter(engine)
    winner = {"name": "PT ABC", "npwp": "015448632009000"}
    writer.write([(make_record(winners=[winner]), None)])
    signed = make_record(
        winners=[winner], contract_winners=[{**winner, "contract_value": Decimal("1000000")}]
    )
    writer.write([(signed, None)])
    with engine.connect() as connection:
        fields = connection.execute(select(PackageChange.field)).scalars().all()
    assert fields == ["contract_winners"]


def test_unchanged_package_keeps_last_changed_but_moves_last_seen(engine):
    moments = iter(dt.datetime(2026, 1, d, tzinfo=dt.UTC) for d in (1, 2, 3))
    writer = PackageWriter(engine, clock=lambda: next(moments))
    writer.write([(make_record(), "fp")])
    writer.write([(make_record(), "fp")])
    writer.write(seen=[SeenPackage(SITE, make_record()["code"], "fp")])
    with engine.connect() as connection:
        row = connection.execute(select(Package.first_seen, Package.last_seen, Package.last_changed)).one()
    assert row.first_seen == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert row.last_seen == dt.datetime(2026, 1, 3, tzinfo=dt.UTC)
    assert row.last_changed == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_the_state_loader_returns_stored_fingerprints_of_the_asked_sites(engine):
    PackageWriter(engine).write(
        [(make_record(), "aaaa"), (make_record(code="2"), None), (make_record(site=OTHER_SITE), "bbbb")]
    )
    settings = Settings({"LPSE_LEADS_DB": engine.url.render_as_string(hide_password=False)})
    assert load_fingerprints(settings, [SITE]) == {(SITE, "10102453000"): "aaaa"}
    settings.set("LPSE_FULL", True)
    assert load_fingerprints(settings, [SITE]) == {}


def test_a_failing_batch_leaves_nothing_behind(engine):
    writer = PackageWriter(engine)
    good = make_record(code="good")
    bad = make_record(code="bad", name=None)  # NOT NULL column: the insert fails
    with pytest.raises(IntegrityError):
        writer.write([(good, "fp"), (bad, "fp")])
    assert count(engine, Package) == 0
    assert load_fingerprints(Settings({"LPSE_LEADS_DB": engine.url.render_as_string(False)}), [SITE]) == {}
    writer.write([(good, "fp")])
    assert count(engine, Package) == 1


def contractor_rows(engine):
    with engine.connect() as connection:
        return connection.execute(
            select(Contractor.id, Contractor.npwp_key, Contractor.name_key, Contractor.masked_npwp).order_by(
                Contractor.id
            )
        ).all()


def test_one_npwp_with_different_names_across_sites_is_one_contractor(engine):
    PackageWriter(engine).write(
        [
            (make_record(winners=[{"name": "PT. ABC", "npwp": "01.544.863.2-009.000"}]), None),
            (make_record(site=OTHER_SITE, winners=[{"name": "PT ABC Tbk", "npwp": "015448632009000"}]), None),
        ]
    )
    rows = contractor_rows(engine)
    assert len(rows) == 1
    assert rows[0].npwp_key == "0015448632009000"
    with engine.connect() as connection:
        names = set(connection.execute(select(ContractorName.name)).scalars())
        linked = set(connection.execute(select(PackageWinner.contractor_id)).scalars())
    assert names == {"PT. ABC", "PT ABC Tbk"}
    assert linked == {rows[0].id}


def test_a_masked_npwp_joins_the_contractor_only_when_mask_and_name_agree(engine):
    writer = PackageWriter(engine)
    writer.write([(make_record(winners=[{"name": "PT. ABC", "npwp": "015448632009000"}]), None)])
    agreeing_mask = "01*4**6****9***"  # 015448632009000 with digits hidden
    other_mask = "91*4**6****9***"  # second digit disagrees
    writer.write(
        [
            (make_record(code="m1", winners=[{"name": "PT ABC Tbk", "npwp": agreeing_mask}]), None),
            (make_record(code="m2", winners=[{"name": "PT XYZ", "npwp": agreeing_mask}]), None),
            (make_record(code="m3", winners=[{"name": "PT. ABC", "npwp": other_mask}]), None),
        ]
    )
    rows = contractor_rows(engine)
    with engine.connect() as connection:
        by_code = dict(
            connection.execute(
                select(Package.code, PackageWinner.contractor_id).join(
                    PackageWinner, PackageWinner.package_id == Package.id
                )
            ).all()
        )
    npwp_contractor = next(r.id for r in rows if r.npwp_key)
    assert by_code["m1"] == npwp_contractor
    assert by_code["m2"] != npwp_contractor
    assert by_code["m3"] != npwp_contractor
    masked = {(r.name_key, r.masked_npwp) for r in rows if r.npwp_key is None}
    assert masked == {("XYZ", agreeing_mask), ("ABC", other_mask)}


def test_locations_are_resolved_to_kabkota_and_province(engine):
    PackageWriter(engine).write([(make_record(), None)])
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                PackageLocation.kabkota_code, PackageLocation.province_code, PackageLocation.confidence
            ).order_by(PackageLocation.position)
        ).all()
    assert rows == [("31.72", "31", "suffix"), ("32.04", "32", "suffix")]
