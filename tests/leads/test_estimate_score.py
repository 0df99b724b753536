"""Value basis, contribution, signing date, deadline and score of a lead, from package records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from leads.estimate import contract_signed_on, estimate_lead
from leads.score import lead_score

BASE: dict = {
    "site": "http://x/kaltim",
    "code": "1",
    "budget_value": Decimal(1_200_000_000),
    "estimate_value": Decimal(1_100_000_000),
    "winners": [],
    "contract_winners": [],
    "stages": [],
}
TODAY = dt.date(2026, 4, 20)


def test_contract_value_beats_everything() -> None:
    record = {
        **BASE,
        "winners": [
            {"name": "PT A", "offer_value": Decimal(990_000_000), "negotiated_value": Decimal(980_000_000)}
        ],
        "contract_winners": [{"name": "PT A", "contract_value": Decimal(1_000_000_000)}],
    }
    lead = estimate_lead(record, TODAY)
    assert (lead.value, lead.value_basis) == (Decimal(1_000_000_000), "contract_value")
    assert lead.jkk == Decimal(1_540_000)
    assert lead.jkm == Decimal(210_000)
    assert lead.total == Decimal(1_750_000)
    assert lead.stage == "contract"


def test_value_basis_order_down_the_winner_values() -> None:
    winner = {"name": "PT A", "offer_value": Decimal(300), "corrected_value": Decimal(200)}
    assert estimate_lead({**BASE, "winners": [winner]}, TODAY).value_basis == "corrected_value"
    winner = {"name": "PT A", "offer_value": Decimal(250_000_000)}
    lead = estimate_lead({**BASE, "winners": [winner]}, TODAY)
    assert (lead.value_basis, lead.total, lead.stage) == ("offer_value", Decimal(525_000), "winner")
    assert estimate_lead({**BASE, "winners": [{"name": "PT A"}]}, TODAY).value_basis == "estimate_value"
    assert estimate_lead({**BASE, "estimate_value": None}, TODAY).value_basis == "budget_value"


def test_package_contract_value_from_the_list() -> None:
    lead = estimate_lead({**BASE, "contract_value": Decimal(10_000_000_000)}, TODAY)
    assert (lead.value_basis, lead.total) == ("contract_value", Decimal(11_550_000))


def test_deadline_across_the_idul_fitri_2026_week() -> None:
    # Signed Mon 16 Mar 2026; Nyepi, Idulfitri and cuti bersama 18-24 Mar and Good Friday 3 Apr are off:
    # 14 working days end on Mon 13 Apr; on 20 Apr the lead is 7 calendar days overdue.
    record = {
        **BASE,
        "stages": [{"name": "  PENANDATANGANAN   kontrak ", "start": "2026-03-16T09:00:00+07:00"}],
    }
    lead = estimate_lead(record, TODAY)
    assert lead.signed_on == dt.date(2026, 3, 16)
    assert lead.deadline == dt.date(2026, 4, 13)
    assert lead.days_overdue == 7


def test_no_signing_stage_no_deadline() -> None:
    assert contract_signed_on([{"name": "Pengumuman Pemenang", "start": "2026-03-01"}]) is None
    lead = estimate_lead(BASE, TODAY)
    assert (lead.signed_on, lead.deadline, lead.days_overdue) == (None, None, None)


def test_score_formula() -> None:
    # 10·log10(1 + 1 750 000/100 000) = 10·log10(18.5) = 12.672; 30·45/90 = 15.
    assert lead_score(Decimal(1_750_000), 45, "contract") == 27.67
    assert lead_score(Decimal(1_750_000), 45, "winner") == 22.14
    assert lead_score(None, None, "pre_award") == 0.0
    assert lead_score(Decimal(1_750_000), 400, "contract") == lead_score(Decimal(1_750_000), 90, "contract")
    assert lead_score(Decimal(11_550_000), 0, "contract") > lead_score(Decimal(1_750_000), 0, "contract")
