"""crawler.items: the natural key, the package record and the list-row fingerprint."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crawler.items import ListSeenItem, PackageItem, list_fingerprint, package_key, package_record
from domain.jsonio import dumps_record, loads_record

ROW = {
    "code": "10102453000",
    "name": "Rehabilitasi Gedung Puskesmas",
    "flags": ["Tender Ulang"],
    "agency": "Kementerian Kesehatan",
    "stage": "Tender Sudah Selesai",
    "category": "Pekerjaan Konstruksi",
    "fiscal_years": [2025],
    "estimate_value": Decimal("750900000"),
    "contract_value": Decimal("725000000.00"),
    "method": "Tender - Pascakualifikasi Satu File - Harga Terendah Sistem Gugur",
    "approximate": ["estimate_value"],
}


def test_package_key_is_site_and_code_for_every_shape() -> None:
    item = PackageItem(site="http://h/a", list="tender", code="1")
    seen = ListSeenItem(site="http://h/a", list="tender", code="1", fingerprint="f")
    assert (
        package_key(item)
        == package_key(seen)
        == package_key({"site": "http://h/a", "code": "1"})
        == (
            "http://h/a",
            "1",
        )
    )


def test_package_record_leaves_out_absent_values_and_keeps_lists() -> None:
    item = PackageItem(
        site="http://h/a", list="darurat", code="106802", name="Jalan", budget_value=Decimal("5E+8")
    )
    record = package_record(item)
    assert record == {
        "site": "http://h/a",
        "list": "darurat",
        "code": "106802",
        "name": "Jalan",
        "budget_value": Decimal("5E+8"),
        "flags": [],
        "locations": [],
        "winners": [],
        "contract_winners": [],
        "stages": [],
    }


def test_package_record_leaves_out_the_crawl_fingerprint() -> None:
    item = PackageItem(site="http://h/a", list="tender", code="1", fingerprint="0123456789abcdef")
    assert "fingerprint" not in package_record(item)


def test_package_record_money_round_trips_exactly_through_jsonio() -> None:
    item = PackageItem(site="http://h/a", list="tender", code="1", contract_value=Decimal("49802888461.02"))
    line = dumps_record(package_record(item))
    assert '"contract_value":49802888461.02' in line
    assert loads_record(line)["contract_value"] == Decimal("49802888461.02")


def test_fingerprint_is_stable() -> None:
    assert list_fingerprint(ROW) == list_fingerprint(dict(ROW))
    assert list_fingerprint(dict(reversed(list(ROW.items())))) == list_fingerprint(ROW)
    assert len(list_fingerprint(ROW)) <= 64  # fits pipeline.models.Package.list_fingerprint (String(64))


def test_fingerprint_ignores_how_an_amount_is_written() -> None:
    other = {**ROW, "estimate_value": Decimal("7.509E+8"), "contract_value": Decimal("725000000")}
    assert list_fingerprint(other) == list_fingerprint(ROW)


def test_fingerprint_ignores_flag_order_and_fields_that_do_not_signal_change() -> None:
    other = {
        **ROW,
        "flags": list(reversed(ROW["flags"])),
        "agency": "Other",
        "method": "x",
        "fiscal_years": [2026],
    }
    assert list_fingerprint(other) == list_fingerprint(ROW)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("stage", "Penandatanganan Kontrak"),
        ("name", "Rehabilitasi Gedung Puskesmas II"),
        ("flags", ["Tender Batal"]),
        ("estimate_value", Decimal("750800000")),
        ("contract_value", None),
    ],
)
def test_fingerprint_changes_with_each_signal(key: str, value: object) -> None:
    assert list_fingerprint({**ROW, key: value}) != list_fingerprint(ROW)


def test_fingerprint_uses_the_pagu_when_there_is_no_hps() -> None:
    darurat = {
        "code": "106802",
        "name": "Jalan",
        "flags": [],
        "stage": "Selesai",
        "budget_value": Decimal("5E+8"),
    }
    assert list_fingerprint(darurat) != list_fingerprint({**darurat, "budget_value": Decimal("6E+8")})
