"""Matching packages against the registry: each kind of evidence, and precision/recall on a noisy registry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from leads.matching import PackageForMatch, RegistryIndex, match_one, match_packages
from leads.names import company_key, project_key
from leads.registry_file import Registration
from leads.synthetic import make_packages, noisy_registry, packages_for_match

PACKAGE = PackageForMatch(
    site="http://x/kaltim",
    code="777",
    name="Pembangunan Jalan Desa Sukamaju Kecamatan Loa Janan",
    fiscal_year=2026,
    contractor_names=("PT. Karya Mahakam Abadi",),
    npwps=("015448632009000",),
    values=(Decimal(1_000_000_000),),
)


def index(*rows: Registration) -> RegistryIndex:
    """A registry index of the given registrations."""
    return RegistryIndex(rows)


def test_names_normalised() -> None:
    assert company_key("PT. Karya Abadi, Tbk") == company_key("KARYA ABADI PT") == "ABADI KARYA"
    assert company_key("P.T. Karya Abadi (Persero)") == "ABADI KARYA"
    assert project_key("Pemb. Jl. Desa X Kab. Paser") == "PEMBANGUNAN JALAN DESA X KABUPATEN PASER"
    assert project_key("Rehab. Gd. Kantor") == "REHABILITASI GEDUNG KANTOR"


def test_tender_code_first() -> None:
    found = match_one(PACKAGE, index(Registration("R1", "anything at all", tender_code="777")))
    assert found is not None
    assert (found.registration_no, found.score, found.explanation) == ("R1", 100, "tender code")


def test_npwp_16_digit_form_with_name() -> None:
    row = Registration("R2", "PEMB. JALAN DESA SUKAMAJU KEC. LOA JANAN", npwp="0015448632009000")
    found = match_one(PACKAGE, index(row))
    assert found is not None
    assert found.registration_no == "R2"
    assert found.explanation.startswith("NPWP + name 100")


def test_npwp_alone_does_not_pick_another_project_of_the_same_firm() -> None:
    row = Registration("R3", "Rehabilitasi Puskesmas Muara Badak", npwp="015448632009000")
    assert match_one(PACKAGE, index(row)) is None


def test_masked_npwp_needs_a_name_match() -> None:
    masked = PackageForMatch(**{**_fields(PACKAGE), "npwps": ("00*5**8****09**0",)})
    good = Registration("R4", PACKAGE.name, contractor_name="Karya Mahakam Abadi, PT", npwp="015448632009000")
    found = match_one(masked, index(good))
    assert found is not None
    assert found.explanation.startswith("masked NPWP")
    other_firm = Registration("R5", PACKAGE.name, contractor_name="CV Lain Sekali", npwp="015448632009000")
    assert match_one(masked, index(other_firm)) is None


def test_fuzzy_names_with_typo_word_order_and_value() -> None:
    row = Registration(
        "R6",
        "Kecamatan Loa Janan, Pembangunan Jalan Desa Sukamju",
        contractor_name="KARYA MAHAKAM ABADI TBK",
        contract_value=Decimal(1_030_000_000),
        registered_on=dt.date(2026, 5, 1),
    )
    found = match_one(PACKAGE, index(row))
    assert found is not None
    assert found.explanation.startswith("names ")
    assert found.explanation.endswith("+ value")
    assert 85 <= found.score <= 97


def test_value_or_year_far_off_rejects_a_names_match() -> None:
    far_value = Registration(
        "R7", PACKAGE.name, contractor_name="PT Karya Mahakam Abadi", contract_value=Decimal(3_000_000_000)
    )
    other_year = Registration(
        "R8", PACKAGE.name, contractor_name="PT Karya Mahakam Abadi", registered_on=dt.date(2029, 1, 5)
    )
    assert match_one(PACKAGE, index(far_value)) is None
    assert match_one(PACKAGE, index(other_year)) is None


def test_one_registration_goes_to_the_best_package() -> None:
    phase_two = PackageForMatch(**{**_fields(PACKAGE), "code": "778", "name": PACKAGE.name + " Tahap II"})
    row = Registration(
        "R9", PACKAGE.name, contractor_name="PT Karya Mahakam Abadi", contract_value=Decimal(10**9)
    )
    found = list(match_packages([phase_two, PACKAGE], index(row)))
    assert [(m.code, m.registration_no) for m in found] == [("777", "R9")]


def _fields(package: PackageForMatch) -> dict:
    """A PackageForMatch as keyword arguments (to vary one field)."""
    return {name: getattr(package, name) for name in PackageForMatch.__slots__}


def test_precision_and_recall_on_noisy_registry() -> None:
    packages = list(make_packages(6000, seed=11))
    registry = noisy_registry(packages, fraction=0.3, decoys=0.25, seed=12)
    matches = list(match_packages(packages_for_match(packages), RegistryIndex(registry.registrations)))
    correct = sum(1 for m in matches if registry.truth.get(m.registration_no) == (m.site, m.code))
    precision = correct / len(matches)
    recall = correct / len(registry.truth)
    print(
        f"matches={len(matches)} correct={correct} truth={len(registry.truth)}",
        f"precision={precision:.4f} recall={recall:.4f}",
    )
    assert precision >= 0.98
    assert recall >= 0.98
