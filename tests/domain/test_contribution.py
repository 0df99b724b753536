"""JKK/JKM by marginal brackets: hand-computed vectors from bpjs-jakon-rules.md §4 and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.contribution import (
    VALUE_BASIS_ORDER,
    best_value,
    estimate_contribution,
    rupiah_display,
)

D = Decimal

# (value, JKK, JKM), each computed by hand from the rate table: every bracket edge and one rupiah either side.
EDGES = [
    ("99999999", "209999.9979", "29999.9997"),
    ("100000000", "210000", "30000"),
    ("100000001", "210000.0017", "30000.0002"),
    ("499999999", "889999.9983", "109999.9998"),
    ("500000000", "890000", "110000"),
    ("500000001", "890000.0013", "110000.0002"),
    ("999999999", "1539999.9987", "209999.9998"),
    ("1000000000", "1540000", "210000"),
    ("1000000001", "1540000.0011", "210000.0001"),
    ("4999999999", "5939999.9989", "609999.9999"),
    ("5000000000", "5940000", "610000"),
    ("5000000001", "5940000.0009", "610000.0001"),
]

# bpjs-jakon-rules.md §4.2 table.
TABLE = [
    ("50000000", "105000", "15000", "120000"),
    ("250000000", "465000", "60000", "525000"),
    ("1000000000", "1540000", "210000", "1750000"),
    ("2500000000", "3190000", "360000", "3550000"),
    ("10000000000", "10440000", "1110000", "11550000"),
]


@pytest.mark.parametrize(("value", "jkk", "jkm"), EDGES)
def test_bracket_edges(value: str, jkk: str, jkm: str) -> None:
    c = estimate_contribution(D(value))
    assert (c.jkk, c.jkm, c.total) == (D(jkk), D(jkm), D(jkk) + D(jkm))


@pytest.mark.parametrize(("value", "jkk", "jkm", "total"), TABLE)
def test_rules_table(value: str, jkk: str, jkm: str, total: str) -> None:
    c = estimate_contribution(D(value))
    assert (c.jkk, c.jkm, c.total) == (D(jkk), D(jkm), D(total))


def test_worked_example_one_miliar_breakdown() -> None:
    c = estimate_contribution(D("1000000000"))
    rows = [(s.portion, s.jkk, s.jkm) for s in c.brackets]
    assert rows == [
        (D("100000000"), D("210000"), D("30000")),
        (D("400000000"), D("680000"), D("80000")),
        (D("500000000"), D("650000"), D("100000")),
        (D(0), D(0), D(0)),
        (D(0), D(0), D(0)),
    ]
    assert c.total == D("1750000")
    assert c.total != D("1500000")  # the flat reading


def test_bracket_bounds_and_rates() -> None:
    c = estimate_contribution(D(1))
    bounds = [(s.lower, s.upper, s.jkk_rate, s.jkm_rate) for s in c.brackets]
    assert bounds == [
        (D(0), D("100000000"), D("0.0021"), D("0.0003")),
        (D("100000000"), D("500000000"), D("0.0017"), D("0.0002")),
        (D("500000000"), D("1000000000"), D("0.0013"), D("0.0002")),
        (D("1000000000"), D("5000000000"), D("0.0011"), D("0.0001")),
        (D("5000000000"), None, D("0.0009"), D("0.0001")),
    ]


def test_kwitansi_sanity_check() -> None:
    # §4.2: the S26 receipt amount Rp446,819,131 matches a contract of Rp445,269,131,000.
    assert estimate_contribution(D("445269131000")).total == D("446819131")


def test_zero_and_invalid() -> None:
    assert estimate_contribution(D(0)).total == D(0)
    with pytest.raises(ValueError):
        estimate_contribution(D(-1))
    with pytest.raises(ValueError):
        estimate_contribution(D("NaN"))
    with pytest.raises(TypeError):
        estimate_contribution(1000.0)  # type: ignore[arg-type]


def test_rupiah_display_rounds_half_up() -> None:
    assert rupiah_display(D("239999.5")) == D("240000")
    assert rupiah_display(D("239999.4999")) == D("239999")
    assert rupiah_display(D("240000.0019")) == D("240000")


amounts = st.decimals(min_value=0, max_value=D("1e13"), places=2, allow_nan=False, allow_infinity=False)


@given(amounts, amounts)
def test_monotonic(a: Decimal, b: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert estimate_contribution(lo).total <= estimate_contribution(hi).total


@given(amounts)
def test_totals_and_portions_add_up(v: Decimal) -> None:
    c = estimate_contribution(v)
    assert c.total == c.jkk + c.jkm
    assert sum(s.portion for s in c.brackets) == v
    assert sum(s.jkk for s in c.brackets) == c.jkk


@given(st.decimals(min_value=D("5000000000"), max_value=D("1e13"), places=2))
def test_above_five_miliar_closed_form(v: Decimal) -> None:
    assert estimate_contribution(v).total == D("6550000") + D("0.001") * (v - D("5000000000"))


def test_best_value_order() -> None:
    assert VALUE_BASIS_ORDER == (
        "contract_value",
        "negotiated_value",
        "corrected_value",
        "offer_value",
        "estimate_value",
        "budget_value",
    )
    values = {
        "budget_value": D("787406000"),
        "estimate_value": D("750939420"),
        "offer_value": D("700000000"),
        "corrected_value": None,
    }
    assert best_value(values) == (D("700000000"), "offer_value")
    assert best_value({"budget_value": D(5), "contract_value": D(7)}) == (D(7), "contract_value")
    assert best_value({"budget_value": D(5), "negotiated_value": D(6)}) == (D(6), "negotiated_value")
    assert best_value({"pdn_value": D(9), "contract_value": None}) is None
    assert best_value({}) is None
