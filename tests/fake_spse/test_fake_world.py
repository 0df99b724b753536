"""The fake's world is deterministic and day N advances day 0 the way a live site does."""

from __future__ import annotations

from fake_spse.revisions import revised_between
from fake_spse.truth import truth_records
from fake_spse.world import build_world

SLUGS = ["kemkes", "bandungkab"]


def _truth(seed: int, day: int, packages: int = 300) -> list[dict]:
    world = build_world(SLUGS, packages, seed, 2026, day)
    return list(truth_records(world, lambda slug: f"http://127.0.0.1:1/{slug}"))


def _by_key(records: list[dict]) -> dict[tuple[str, str, str], dict]:
    return {(r["site"], r["list"], r["code"]): r for r in records}


def test_same_arguments_give_the_same_truth():
    assert _truth(7, 0) == _truth(7, 0)


def test_another_seed_gives_another_world():
    assert _truth(7, 0) != _truth(8, 0)


def test_keys_are_unique():
    records = _truth(7, 2)
    assert len(_by_key(records)) == len(records)


def test_every_list_and_category_is_present():
    records = _truth(7, 0)
    assert {r["list"] for r in records} == {"tender", "non_tender", "darurat", "pencatatan", "swakelola"}
    assert {r.get("category") for r in records} >= {
        "Pengadaan Barang",
        "Jasa Konsultansi Badan Usaha Non Konstruksi",
        "Pekerjaan Konstruksi",
        "Jasa Lainnya",
        "Jasa Konsultansi Perorangan",
        "Jasa Konsultansi Badan Usaha Konstruksi",
        "Pekerjaan Konstruksi Terintegrasi",
    }


def test_tender_construction_share_is_the_real_lists():
    """Real 2026 provincial tender lists: 467 of 523 rows construction (fake_spse.calibration)."""
    records = [r for r in _truth(7, 0, packages=1000) if r["list"] == "tender"]
    construction = {
        "Pekerjaan Konstruksi",
        "Pekerjaan Konstruksi Terintegrasi",
        "Jasa Konsultansi Badan Usaha Konstruksi",
    }
    share = sum(r["category"] in construction for r in records) / len(records)
    assert abs(share - 467 / 523) < 0.04


def test_badges_and_stages_of_failed_packages():
    records = _truth(7, 0, packages=1000)
    flags = {f for r in records for f in r["flags"]}
    assert {
        "Tender Batal",
        "Tender Gagal",
        "Tender Ulang",
        "Seleksi Batal",
        "Seleksi Gagal",
        "Seleksi Ulang",
    } <= flags
    assert all(r["stage"] == "Tender Batal" for r in records if "Tender Batal" in r["flags"])
    assert all(r["stage"] == "Seleksi Gagal" for r in records if "Seleksi Gagal" in r["flags"])
    failed = ("Tender Batal", "Tender Gagal", "Seleksi Batal", "Seleksi Gagal")
    assert all(not r["winners"] for r in records if r["stage"] in failed)


def test_values_are_ordered_pagu_hps_offer():
    for r in _truth(7, 0):
        if "estimate_value" in r:
            assert r["budget_value"] >= r["estimate_value"]
        for w in r["winners"]:
            assert w["offer_value"] <= r["estimate_value"]


def test_tenders_end_with_contract_signing():
    tenders = [r for r in _truth(7, 0) if r["list"] == "tender" and r["stages"]]  # winner named
    assert tenders and all(r["stages"][-1]["name"] == "Penandatanganan Kontrak" for r in tenders)


def test_day_one_keeps_every_package_and_adds_new_ones():
    day0, day1 = _by_key(_truth(7, 0)), _by_key(_truth(7, 1))
    assert set(day0) < set(day1)
    assert len(day1) - len(day0) == 2 * 3  # 1% of 300 per slug


def test_later_days_move_stages_on_and_add_contracts():
    day0, day1, day2 = _by_key(_truth(7, 0)), _by_key(_truth(7, 1)), _by_key(_truth(7, 2))
    moved = [k for k in day0 if day0[k]["stage"] != day1[k]["stage"]]
    # ~1 contract a day in this world; its one day-1 signing was postponed (fake_spse.revisions)
    contracted = [k for k in day0 if "contract_value" not in day0[k] and "contract_value" in day2[k]]
    assert moved
    assert contracted


def test_day_one_never_changes_what_a_package_is_and_its_schedule_only_by_a_revision():
    day0, day1 = _by_key(_truth(7, 0)), _by_key(_truth(7, 1))
    world = build_world(SLUGS, 300, 7, 2026, 1)
    site = {f"http://127.0.0.1:1/{slug}": slug for slug in SLUGS}
    start, now = world.start, world.now
    for key, before in day0.items():
        after = day1[key]
        for field in ("name", "agency", "category", "budget_value", "locations"):
            assert before.get(field) == after.get(field), (key, field)
        if before["stages"] and before["stages"] != after["stages"]:  # read once a winner is named
            package = world.find(site[key[0]], key[1], key[2])
            assert package is not None and revised_between(package, start, now), key


def test_a_world_builds_lazily_per_slug():
    world = build_world(["a", "b"], 50, 1, 2026)
    world.packages("a")
    assert list(world._packages) == ["a"]
