"""`lpse-leads crawl`: bad input is one clear line (exit 2); the summary names what happened."""

from __future__ import annotations

import pytest

from lpse_leads.cli import main
from lpse_leads.commands.crawl import summary_rows


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--site", "ftp://spse.inaproc.id/kemkes", "--year", "2026"], "http:// or https://"),
        (["--site", "https://spse.inaproc.id/kemkes", "--year", "26"], "year must be between"),
        (["--site", "https://spse.inaproc.id/kemkes", "--year", "next"], "year must be a number"),
    ],
)
def test_bad_site_or_year_is_a_user_error(argv: list[str], message: str, capsys) -> None:
    assert main(["crawl", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("lpse-leads: error: ")
    assert message in err
    assert "\n" not in err


def test_summary_rows_name_requests_statuses_retries_packages_and_failures() -> None:
    stats = {
        "downloader/request_count": 120,
        "downloader/response_status_count/200": 110,
        "downloader/response_status_count/429": 3,
        "retry/count": 9,
        "lpse/packages": 30,
        "lpse/package_failed/not_found": 2,
        "item_dropped_reasons_count/DropItem": 1,
        "elapsed_time_seconds": 12.34,
        "finish_reason": "finished",
    }
    rows = dict(summary_rows(stats))
    assert rows["requests"] == "120"
    assert rows["responses 200"] == "110"
    assert rows["responses 429"] == "3"
    assert rows["retries"] == "9"
    assert rows["packages"] == "30"
    assert rows["package_failed/not_found"] == "2"
    assert rows["item_dropped_reasons_count/DropItem"] == "1"
    assert rows["elapsed"] == "12.3 s"
