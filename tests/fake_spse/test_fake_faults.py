"""Fault profiles: faults are injected and recorded, and a retrying client still gets every page."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request

import pytest

from fake_spse import FakeSpse
from fake_spse.faults import Faults
from tests.fake_spse.spse_client import BOT_AGENT

SLUG = "jakarta"


def _fetch_with_retries(url: str, referer: str) -> str:
    """GET with a Referer; retry on any fault, honouring Retry-After; reject SPSE error pages."""
    for _ in range(30):
        request = urllib.request.Request(url, headers={"Referer": referer, "User-Agent": BOT_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            if error.code == 429:
                time.sleep(int(error.headers["Retry-After"]))
            continue
        except (http.client.HTTPException, OSError):
            continue
        if "Maaf, terjadi error" in text or not text.rstrip().endswith("</html>"):
            continue
        return text
    raise AssertionError(f"no good answer for {url}")


def test_none_profile_never_faults():
    faults = Faults("none", 1)
    assert all(faults.decide(float(i), True).kind is None for i in range(2000))


def test_hostile_profile_draws_every_fault_kind():
    faults = Faults("hostile", 1)
    kinds = {faults.decide(float(i * 10), i % 2 == 0).kind for i in range(5000)}
    assert {"server_error", "reset", "truncate", "rate_limit", "error_page", "token_expiry", "slow"} <= kinds


def test_a_burst_refuses_until_retry_after_has_passed():
    faults = Faults("hostile", 3)
    now = 0.0
    while (first := faults.decide(now, False)).kind != "rate_limit":
        now += 100.0
    assert first.retry_after in (1, 2)
    inside = faults.decide(now + 0.5, False)
    assert inside.kind == "rate_limit"
    assert 1 <= inside.retry_after <= first.retry_after


@pytest.mark.slow
def test_hostile_server_records_faults_and_retries_succeed():
    with FakeSpse(slugs=[SLUG], packages=40, seed=2, year=2026, faults="hostile") as fake:
        records = [r for r in fake.truth() if r["list"] == "tender"][:40]
        for record in records:
            base = fake.base_url(SLUG)
            text = _fetch_with_retries(f"{base}/lelang/{record['code']}/pengumumanlelang", f"{base}/lelang")
            assert f"<strong>{record['code']}</strong>" in text
        stats = fake.stats()
    assert sum(stats["faults"].values()) > 0
    assert all(r["retry_after"] in (1, 2) for r in stats["rate_limits"])
    assert stats["requests"]["pengumuman"]["200"] >= len(records)
