"""The fake's opt-in situations: a challenge page in front of the host, relabelled detail pages."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from crawler.parsers import parse_announcement
from fake_spse import FakeSpse
from fake_spse.variants import relabel


def test_challenge_answers_every_path_with_cloudflare_markers() -> None:
    with FakeSpse(slugs=["kota-a"], packages=5, variant="challenge") as fake:
        for path in ("/kota-a/lelang?tahun=2026", "/kota-a/dt/lelang?tahun=2026", "/robots.txt"):
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(fake.url + path, timeout=10)
            assert caught.value.code == 403
            assert caught.value.headers["cf-mitigated"] == "challenge"
            assert b"/cdn-cgi/challenge-platform/" in caught.value.read()


def test_relabel_renames_only_the_listed_labels() -> None:
    page = (
        '<th class="bgwarning">Kode Tender</th><td>1</td><th class="bgwarning" width="200">Nama Tender</th>'
    )
    assert relabel(page) == (
        '<th class="bgwarning">Kode Tender</th><td>1</td><th class="bgwarning" width="200">Judul Paket</th>'
    )


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown variant"):
        FakeSpse(slugs=["kota-a"], packages=1, variant="maintenance")


def test_relabelled_announcement_still_parses_but_loses_its_fields() -> None:
    with FakeSpse(slugs=["kota-a"], packages=10, seed=2, variant="relabelled") as fake:
        record = next(r for r in fake.truth() if r["list"] == "tender")
        request = urllib.request.Request(
            f"{record['site']}/lelang/{record['code']}/pengumumanlelang",
            headers={
                "User-Agent": "Mozilla/5.0 (compatible; test)",
                "Referer": f"{fake.base_url('kota-a')}/lelang",
            },
        )
        body = urllib.request.urlopen(request, timeout=10).read()
    page = parse_announcement(body)
    assert page["code"] == record["code"]
    assert [k for k in ("name", "agency", "budget_value", "estimate_value", "locations") if page.get(k)] == []
    assert page["stage"] == record["stage"]  # the labels not renamed are read as before
