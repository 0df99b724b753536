"""Stage-aware refetch: which detail pages a list row needs, from the row and the stored package alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from crawler.refetch import (
    ANNOUNCEMENT,
    CONTRACT,
    REALISATION,
    SCHEDULE,
    WINNERS,
    Stored,
    list_fingerprint,
    pages_after_announcement,
    parse_fingerprint,
    plan,
)
from domain.dates import JAKARTA

T0 = datetime(2026, 7, 1, 12, 0, tzinfo=JAKARTA)
STAGES = tuple(
    (name, T0 + timedelta(days=i), T0 + timedelta(days=i + 1))
    for i, name in enumerate(
        (
            "Upload Dokumen Penawaran",
            "Evaluasi",
            "Pengumuman Pemenang",
            "Masa Sanggah",
            "Penandatanganan Kontrak",
        )
    )
)


def row(stage="Evaluasi", name="Jalan Desa", hps="750900000", contract=None, flags=()):
    r = {"code": "1", "name": name, "stage": stage, "estimate_value": Decimal(hps), "flags": list(flags)}
    if contract is not None:
        r["contract_value"] = Decimal(contract)
    return r


def stored(base_row, winners=False, stages=STAGES):
    return Stored(list_fingerprint(base_row), winners, stages)


def test_fingerprint_names_its_parts_and_rejects_old_ones():
    parts = parse_fingerprint(list_fingerprint(row()))
    assert set(parts) == {"stage", "name", "value", "contract"}
    assert parse_fingerprint("0123456789abcdef") is None  # a v1 fingerprint: read the package in full


def test_a_package_not_stored_or_with_an_old_fingerprint_is_read_in_full():
    assert plan("tender", row(), None).full
    assert plan("tender", row(), Stored("0123456789abcdef")).full


def test_nothing_changed():
    p = plan("tender", row(), stored(row()))
    assert p.unchanged and not p.full


def test_a_pre_award_stage_move_needs_no_request():
    p = plan("tender", row(stage="Evaluasi"), stored(row(stage="Upload Dokumen Penawaran")))
    assert not p.full and p.pages == frozenset() and not p.unchanged


def test_a_cancel_badge_needs_no_request():
    p = plan("tender", row(stage="Tender Batal", flags=["Tender Batal"]), stored(row()))
    assert p.pages == frozenset()


def test_moving_into_the_winner_stages_needs_the_winner_tab_once():
    assert plan("tender", row(stage="Pengumuman Pemenang"), stored(row())).pages == {WINNERS}
    assert (
        plan("tender", row(stage="Masa Sanggah"), stored(row("Pengumuman Pemenang"), winners=True)).pages
        == set()
    )
    assert plan("tender", row(stage="Tender Sudah Selesai"), stored(row())).pages == {WINNERS}


def test_a_winner_named_after_a_pre_award_read_brings_the_schedule_it_deferred():
    pre_award = stored(row(), stages=())  # read before its winner: no jadwal stored
    assert plan("tender", row(stage="Pengumuman Pemenang"), pre_award).pages == {WINNERS, SCHEDULE}
    contracted = row(stage="Tender Sudah Selesai", contract="700000000")
    assert plan("tender", contracted, pre_award).pages == {CONTRACT, SCHEDULE}  # no offers once signed


def test_a_signed_contract_needs_the_contract_tab_and_the_schedule_only_without_a_signing_stage():
    before = row(stage="Penandatanganan Kontrak")
    after = row(stage="Penandatanganan Kontrak", contract="700000000")
    assert plan("tender", after, stored(before, winners=True)).pages == {CONTRACT}
    assert plan("tender", after, stored(before, winners=True, stages=STAGES[:3])).pages == {
        CONTRACT,
        SCHEDULE,
    }


def test_a_changed_name_or_hps_needs_the_announcement():
    assert plan("tender", row(name="Jalan Desa II"), stored(row())).pages == {ANNOUNCEMENT}
    assert plan("non_tender", row(hps="760000000"), stored(row())).pages == {ANNOUNCEMENT}


def test_a_record_that_moves_needs_its_realisation_tab():
    p = plan("pencatatan", row(stage="Paket Sudah Selesai"), stored(row(stage="Paket Sedang Berjalan")))
    assert p.pages == {REALISATION}


def test_a_revised_schedule_is_detected_from_the_sites_clock():
    now = T0 + timedelta(days=1, hours=3)  # stored: "Evaluasi" runs day 1 → 2
    assert plan("tender", row(stage="Evaluasi"), stored(row()), site_now=now).unchanged
    late = T0 + timedelta(days=2, hours=3)  # the site still shows Evaluasi after its stored end
    p = plan("tender", row(stage="Evaluasi"), stored(row()), site_now=late)
    assert p.pages == {SCHEDULE} and "schedule_revised" in p.reasons
    done = plan("tender", row(stage="Tender Sudah Selesai"), stored(row(), winners=True), site_now=now)
    assert SCHEDULE in done.pages  # finished before the stored schedule ends


def test_after_the_announcement_a_lead_reads_one_winner_tab_and_the_schedule_only_once_named():
    named = [WINNERS, CONTRACT, SCHEDULE]  # the 2026 host shows both tabs once the winner is named
    assert pages_after_announcement(named, contracted=True) == [CONTRACT, SCHEDULE]
    assert pages_after_announcement(named, contracted=False) == [WINNERS, SCHEDULE]  # contract tab empty
    assert pages_after_announcement([WINNERS, SCHEDULE], contracted=True) == [WINNERS, SCHEDULE]
    assert pages_after_announcement([SCHEDULE], contracted=False) == []  # pre-award, cancelled or failed
    assert pages_after_announcement([REALISATION], contracted=False) == [REALISATION]  # records
