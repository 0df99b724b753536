"""The verdict rules (pipeline/health_rules.py): dark, degraded against the site's own history, ok."""

from __future__ import annotations

import copy

import pytest

from crawler.health import new_counts
from pipeline.health_rules import Thresholds, Verdict, judge, summary_line


def counts(
    rows: dict[str, int] | None = None,
    construction: int = 40,
    needed: int = 40,
    details: dict[str, int] | None = None,
    fields: dict[str, list[int]] | None = None,
) -> dict:
    """Counts of one site's crawl as crawler/health.py records them."""
    c = new_counts()
    c["list_rows"] = {"tender": 100, "non_tender": 60} if rows is None else rows
    c["list_requests"]["ok"] = 6
    c["construction_rows"] = construction
    c["details_needed"] = needed
    c["detail_requests"].update({"ok": 120} if details is None else details)
    c["packages"] = needed
    c["fields"].update(
        fields or {"location": [38, 40], "estimate": [40, 40], "winner": [20, 22], "contract_value": [15, 15]}
    )
    return c


def test_a_normal_crawl_is_ok_with_or_without_history():
    assert judge(counts()).verdict == "ok"
    assert judge(counts(), [counts(), counts()]).verdict == "ok"
    assert judge(counts()).reasons == []


def test_no_list_rows_is_dark_and_names_the_failure():
    c = counts(rows={}, construction=0, needed=0, details={"ok": 0})
    c["list_requests"].update({"ok": 0, "dns": 12})
    verdict = judge(c)
    assert verdict.verdict == "dark"
    assert verdict.reasons == [
        "no list rows: 12 list requests, none answered with rows (host name not resolved (DNS) ×12)"
    ]


def test_every_detail_page_refused_is_dark_and_names_the_refusal():
    c = counts(details={"ok": 0, "refused": 20})
    c["detail_not_sent"] = 30
    verdict = judge(c)
    assert verdict.verdict == "dark"
    [reason] = verdict.reasons
    assert reason.startswith("no detail page read: 40 construction packages needed their details")
    assert "refused (HTTP 403) ×20" in reason
    assert "30 not sent after the host was stopped" in reason
    assert "detail pages refused: check the User-Agent (must start with Mozilla/5.0)" in reason


def test_an_incremental_day_with_nothing_to_read_is_not_dark():
    assert judge(counts(needed=0, details={"ok": 0})).verdict == "ok"


def test_refusals_above_the_threshold_are_degraded():
    assert judge(counts(details={"ok": 110, "refused": 10})).verdict == "ok"  # 8 %
    verdict = judge(counts(details={"ok": 100, "refused": 20}))  # 17 %
    assert verdict.verdict == "degraded"
    assert verdict.reasons == [
        "detail pages refused (HTTP 403): 20 of 120 detail requests (17%, threshold 10%)"
    ]


def test_failing_detail_requests_are_degraded():
    verdict = judge(counts(details={"ok": 60, "5xx": 20, "timeout": 20}))
    assert verdict.verdict == "degraded"
    assert "detail requests failing: 40 of 100" in verdict.reasons[0]


def test_a_drop_in_field_coverage_against_history_is_degraded():
    history = [counts() for _ in range(3)]
    fields = {"location": [10, 40], "estimate": [40, 40], "winner": [20, 22], "contract_value": [15, 15]}
    verdict = judge(counts(fields=fields), history)
    assert verdict.verdict == "degraded"
    assert verdict.reasons == ["location (lokasi pekerjaan): 10 of 40 packages (25%), usually 95%"]
    # without history the same crawl is not judged by its coverage
    assert judge(counts(fields=fields)).verdict == "ok"


def test_a_small_sample_says_nothing_about_coverage():
    history = [counts() for _ in range(3)]
    few = {"location": [1, 5], "estimate": [5, 5], "winner": [0, 0], "contract_value": [0, 0]}
    assert judge(counts(needed=5, fields=few), history).verdict == "ok"


def test_a_list_kind_dropping_against_history_is_degraded():
    history = [counts() for _ in range(3)]
    verdict = judge(counts(rows={"tender": 100, "non_tender": 20}), history)
    assert verdict.reasons == ["list non_tender: 20 rows, usually 60 (last 3 ok crawls)"]
    verdict = judge(counts(rows={"tender": 100, "non_tender": 60}, construction=10), history)
    assert verdict.reasons == ["construction rows: 10, usually 40 (last 3 ok crawls)"]


def test_history_is_the_median_so_one_odd_crawl_does_not_move_it():
    odd = counts(rows={"tender": 1000, "non_tender": 60})
    history = [counts(), counts(), odd]
    assert judge(counts(), history).verdict == "ok"


def test_summary_line_names_rows_details_and_fields():
    c = counts(details={"ok": 100, "refused": 3})
    assert summary_line(c) == (
        "list rows: non_tender 60, tender 100; construction rows 40; detail requests: ok 100, "
        "refused (HTTP 403) ×3; packages 40; fields: location 38/40, estimate 40/40, winner 20/22, "
        "contract_value 15/15"
    )


def test_judging_does_not_change_the_counts():
    c = counts()
    before = copy.deepcopy(c)
    judge(c, [counts()])
    assert c == before


def test_configured_thresholds_change_the_verdict():
    refused = counts(details={"ok": 100, "refused": 20})  # 17 %: degraded at the default 10 %
    assert judge(refused).verdict == "degraded"
    assert judge(refused, (), Thresholds(refused_share=0.2)).verdict == "ok"
    strict = judge(counts(details={"ok": 110, "5xx": 10}), (), Thresholds(failed_share=0.05))
    assert strict.reasons == ["detail requests failing: 10 of 120 (server error (5xx) ×10; threshold 5%)"]
    history = [counts() for _ in range(3)]
    fewer = counts(rows={"tender": 100, "non_tender": 40})  # 40 of usually 60: above half
    assert judge(fewer, history).verdict == "ok"
    assert judge(fewer, history, Thresholds(rows_drop=0.8)).reasons == [
        "list non_tender: 40 rows, usually 60 (last 3 ok crawls)"
    ]
    small = counts(rows={"tender": 100, "non_tender": 2})
    assert judge(small, history, Thresholds(min_rows=61)).verdict == "ok"  # lists under 61 rows not judged


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"refused_share": 1.5}, "expected a fraction between 0 and 1 (0.25 = 25 %), got 1.5"),
        ({"failed_share": -0.1}, "expected a fraction between 0 and 1"),
        ({"rows_drop": "half"}, "expected a fraction between 0 and 1 (0.25 = 25 %), got 'half'"),
        ({"field_drop": True}, "expected a fraction between 0 and 1"),
        ({"min_rows": 0}, "expected a whole number of at least 1, got 0"),
        ({"history_runs": 2.5}, "expected a whole number of at least 1, got 2.5"),
        ({"min_packets": 10}, "unknown threshold 'min_packets'"),
    ],
)
def test_bad_thresholds_are_refused_with_the_reason(values, message):
    with pytest.raises(ValueError) as caught:
        Thresholds.from_mapping(values)
    assert message in str(caught.value)


def test_thresholds_from_text_are_numbers():
    assert Thresholds.from_mapping({"refused_share": " 0.3 ", "history_runs": "3"}) == Thresholds(
        refused_share=0.3, history_runs=3
    )


LISTS = ["tender", "non_tender", "darurat", "pencatatan", "swakelola"]


def empty_year(answered: list[str] = LISTS) -> dict:
    """Counts of a crawl whose lists `answered` with no rows (JSON) and the others did not answer."""
    c = counts(rows=dict.fromkeys(answered, 0), construction=0, needed=0, details={"ok": 0})
    c["lists"] = list(LISTS)
    c["list_requests"]["ok"] = 2 * len(answered)
    c["fields"] = {name: [0, 0] for name in c["fields"]}
    return c


def test_a_year_whose_every_list_answered_empty_is_ok_with_a_note():
    note = (
        "empty year: every list read (tender, non_tender, darurat, pencatatan, swakelola) "
        "answered with no rows"
    )
    assert judge(empty_year()) == Verdict("ok", [note])
    assert judge(empty_year(), [empty_year(), empty_year()]) == Verdict("ok", [note])  # still January


def test_lists_answered_empty_while_others_did_not_answer_are_dark_and_say_which():
    c = empty_year(answered=["tender", "non_tender"])
    c["list_requests"]["5xx"] = 9
    verdict = judge(c)
    assert verdict.verdict == "dark"
    assert verdict.reasons == [
        "no list rows: 13 list requests, none answered with rows (server error (5xx) ×9); "
        "answered empty: tender, non_tender; not answered: darurat, pencatatan, swakelola"
    ]


def test_counts_without_the_lists_read_are_never_an_empty_year():
    c = empty_year()
    c["lists"] = []  # counts recorded before the lists read were
    assert judge(c).verdict == "dark"


def test_every_list_empty_where_an_ok_crawl_of_the_year_listed_rows_is_degraded():
    small = counts(rows={"tender": 3}, construction=3, needed=3)  # under min_rows: still rows
    verdict = judge(empty_year(), [empty_year(), counts(), small])
    assert verdict == Verdict(
        "degraded",
        [
            "every list answered with no rows, yet an ok crawl of this year listed 160 rows "
            "(last 3 ok crawls): a year's rows do not vanish; check the listing page"
        ],
    )
    assert judge(empty_year(), [small]).verdict == "degraded"
