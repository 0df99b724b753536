"""e-Katalog v6 construction purchases become leads end to end: crawl SiRUP and the realisation table
of the fake INAPROC host, import the example branch table, build leads, send the digest to the outbox.
Each purchase by an unregistered provider is one lead with `source = ekatalog`, located through its
SiRUP plan, routed (Balikpapan → KC-BALIKPAPAN), with its estimate, and the e-mail names the channel.
The e-mail's "akan datang" part lists the branch's largest plans without a tender or purchase; a plan
leaves it, linked to its purchase, once the purchase is crawled."""

from __future__ import annotations

import datetime as dt
import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from digest.upcoming import plan_packages, upcoming_plans
from fake_inaproc import FakeInaproc
from fake_inaproc.world import CONSTRUCTION
from lpse_leads.cli import main
from pipeline.db import make_engine
from tests.inaproc.test_channel_crawls import crawl

pytestmark = pytest.mark.slow
BRANCHES = Path(__file__).resolve().parents[2] / "leads" / "data" / "branches_example.csv"


def test_purchases_become_routed_leads_in_the_branch_email(db, tmp_path, capsys, monkeypatch):
    fake = FakeInaproc(seed=6, year=2026, plans=60).start()
    crawl("sirup", fake.url, tmp_path, db)
    crawl("ekatalog", fake.url, tmp_path, db)
    purchases = {r["code"]: r for r in fake.truth("ekatalog")}
    carried = {code for r in purchases.values() for code in r["rup_codes"]}
    planned = [
        p
        for p in fake.world.plans()
        if p.government.code == "D229"
        and p.category in CONSTRUCTION
        and p.month >= 3
        and p.rup_code not in carried
    ]
    largest = max(planned, key=lambda p: (p.pagu, [-ord(c) for c in p.rup_code]))
    balikpapan = {code for code, r in purchases.items() if r["agency"] == "KOTA BALIKPAPAN"}
    assert len(balikpapan) >= 2
    capsys.readouterr()
    assert main(["db", "stats", "--json", "--db", db]) == 0
    sources = json.loads(capsys.readouterr().out)["sources"]
    assert sources == {
        "ekatalog": {"packages": len(purchases)},
        "sirup": {"plans": len(fake.truth("sirup"))},
    }
    assert main(["branches", "import", str(BRANCHES), "--db", db]) == 0
    assert main(["leads", "build", "--db", db]) == 0
    capsys.readouterr()
    assert main(["leads", "list", "--format", "jsonl", "--db", db]) == 0
    leads = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_code = {lead["code"]: lead for lead in leads}
    assert set(by_code) == set(purchases)
    assert {lead["source"] for lead in leads} == {"ekatalog"}
    for code in balikpapan:
        lead = by_code[code]
        assert (lead["kabkota_code"], lead["branch"]) == ("64.71", "KC-BALIKPAPAN")
        assert lead["contractor_name"] == purchases[code]["contract_winners"][0]["name"]
        assert float(lead["estimated_contribution"]) > 0

    monkeypatch.setenv("LPSE_LEADS_HOME", str(tmp_path / "home"))
    for name in ("LPSE_LEADS_SMTP_URL", "LPSE_LEADS_OUTBOX"):
        monkeypatch.delenv(name, raising=False)
    assert main(["digest", "send", "--branch", "KC-BALIKPAPAN", "--date", "2026-03-02", "--db", db]) == 0
    [eml] = list((tmp_path / "home" / "outbox").glob("*.eml"))
    message = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "sumber e-Katalog v6" in text
    assert all(purchases[code]["name"] in text for code in balikpapan)
    assert "AKAN DATANG" in text
    assert largest.name in text.split("AKAN DATANG", 1)[1]

    later = "62100202"  # seed 6: a Balikpapan construction plan bought through e-Katalog on day 2
    engine = make_engine(db)
    with engine.connect() as connection:
        before = [p.rup_code for p in upcoming_plans(connection, "KC-BALIKPAPAN", dt.date(2026, 3, 2), 100)]
        assert (later in before, plan_packages(connection, later)) == (True, [])
    fake.set_day(3)
    crawl("ekatalog", fake.url, tmp_path, db)
    bought = next(r["code"] for r in fake.truth("ekatalog") if later in r["rup_codes"])
    fake.stop()
    with engine.connect() as connection:
        after = [p.rup_code for p in upcoming_plans(connection, "KC-BALIKPAPAN", dt.date(2026, 3, 2), 100)]
        assert (later in after, plan_packages(connection, later)) == (False, [(fake.url, bought, "ekatalog")])
    engine.dispose()
