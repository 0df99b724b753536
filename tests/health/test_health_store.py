"""Site health stored with the crawl, judged on history, and told to the operator once per change.

Real databases (SQLite and PostgreSQL) and a real SMTP server (aiosmtpd on 127.0.0.1).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from digest.delivery import SmtpSender, parse_smtp_url
from digest.ops import notify_operator
from pipeline.health import pending_notices, record_site_health, site_status
from pipeline.models import SiteHealth
from pipeline.runs import finish_run, start_run
from tests.health.test_health_rules import counts

SITE = "https://spse.inaproc.id/kota-a"
OTHER = "https://spse.inaproc.id/kab-b"
OPS = "ops@bpjs.example"
FROM = "lpse-leads <lpse-leads@bpjs.example>"
T0 = dt.datetime(2026, 12, 1, 23, 0, tzinfo=dt.UTC)


def crawl(engine, health, day: int):
    """One finished crawl run on `day` with these per-site counts; returns its verdicts."""
    run_id = start_run(engine, sorted(health), 2026)
    verdicts = record_site_health(engine, run_id, 2026, health, now=T0 + dt.timedelta(days=day))
    finish_run(engine, run_id, "finished", {})
    return verdicts


def sender(smtp_server):
    return SmtpSender(parse_smtp_url(f"smtp://127.0.0.1:{smtp_server.port}"))


def test_a_coverage_drop_against_the_sites_history_is_degraded_and_stored(engine):
    for day in range(3):
        assert crawl(engine, {SITE: counts(), OTHER: counts()}, day)[SITE]["verdict"] == "ok"
    fields = {"location": [5, 40], "estimate": [40, 40], "winner": [20, 22], "contract_value": [15, 15]}
    verdicts = crawl(engine, {SITE: counts(fields=fields), OTHER: counts()}, 3)
    assert verdicts[SITE] == {
        "verdict": "degraded",
        "reasons": ["location (lokasi pekerjaan): 5 of 40 packages (12%), usually 95%"],
    }
    assert verdicts[OTHER]["verdict"] == "ok"
    status = {s.site: s for s in site_status(engine)}
    assert status[SITE].verdict == "degraded"
    assert status[SITE].last_ok is not None and status[SITE].last_ok < status[SITE].checked_at
    assert status[SITE].as_json()["reasons"] == verdicts[SITE]["reasons"]
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SiteHealth)) == 8


def test_history_is_the_sites_own_ok_crawls_only(engine):
    crawl(engine, {SITE: counts(rows={"tender": 1000}, construction=400, needed=400)}, 0)
    crawl(engine, {SITE: counts(rows={}, construction=0, needed=0)}, 1)  # dark: not history
    crawl(engine, {OTHER: counts(rows={"tender": 10})}, 2)  # another site: not history
    verdict = crawl(engine, {SITE: counts(rows={"tender": 100}, construction=40)}, 3)[SITE]
    assert verdict["verdict"] == "degraded"
    assert verdict["reasons"][0] == "list tender: 100 rows, usually 1000 (last 1 ok crawls)"


def test_the_operator_is_told_once_per_change_and_once_on_recovery(engine, smtp_server):
    refused = counts(details={"ok": 0, "refused": 12})
    crawl(engine, {SITE: counts(), OTHER: counts()}, 0)
    assert pending_notices(engine) == []  # ok from the start: nothing to tell
    assert notify_operator(engine, sender(smtp_server), [OPS], FROM).notices == ()

    crawl(engine, {SITE: refused, OTHER: counts()}, 1)
    outcome = notify_operator(engine, sender(smtp_server), [OPS], FROM)
    assert outcome.sent and [n.site for n in outcome.notices] == [SITE]
    [(_, rcpts, message)] = smtp_server.handler.messages
    assert rcpts == [OPS]
    assert message["Subject"] == f"lpse-leads: site dark: {SITE}"
    text = message.get_content()
    assert f"{SITE} (2026): ok -> dark" in text
    assert "refused (HTTP 403) ×12" in text
    assert "must start with Mozilla/5.0" in text
    assert "last ok crawl: 2026-12-02 06:00 WIB" in text

    crawl(engine, {SITE: refused, OTHER: counts()}, 2)  # still dark: no second e-mail
    assert notify_operator(engine, sender(smtp_server), [OPS], FROM).notices == ()
    assert len(smtp_server.handler.messages) == 1

    crawl(engine, {SITE: counts(), OTHER: counts()}, 3)  # recovered: one notice
    outcome = notify_operator(engine, sender(smtp_server), [OPS], FROM)
    assert outcome.sent and outcome.line() == f"operator told: {SITE} ok"
    assert smtp_server.handler.messages[-1][2]["Subject"] == f"lpse-leads: site recovered: {SITE}"
    assert f"{SITE} (2026): dark -> ok" in smtp_server.handler.messages[-1][2].get_content()

    crawl(engine, {SITE: counts(), OTHER: counts()}, 4)
    assert notify_operator(engine, sender(smtp_server), [OPS], FROM).notices == ()
    assert len(smtp_server.handler.messages) == 2


def test_a_notice_the_server_refused_is_sent_again_with_the_same_message_id(engine, smtp_server):
    crawl(engine, {SITE: counts(rows={}, construction=0, needed=0)}, 0)
    smtp_server.handler.refuse.add(OPS)
    failed = notify_operator(engine, sender(smtp_server), [OPS], FROM)
    assert not failed.sent and "550" in failed.line()
    smtp_server.handler.refuse.clear()
    crawl(engine, {SITE: counts(rows={}, construction=0, needed=0)}, 1)  # still dark
    sent = notify_operator(engine, sender(smtp_server), [OPS], FROM)
    assert sent.sent
    [(_, _, message)] = smtp_server.handler.messages
    assert message["Subject"] == f"lpse-leads: site dark: {SITE}"
    assert pending_notices(engine) == []


def test_several_changes_go_in_one_message(engine, smtp_server):
    crawl(
        engine,
        {SITE: counts(rows={}, construction=0, needed=0), OTHER: counts(details={"ok": 50, "refused": 50})},
        0,
    )
    outcome = notify_operator(engine, sender(smtp_server), [OPS, "second@bpjs.example"], FROM)
    assert outcome.sent
    [(_, rcpts, message)] = smtp_server.handler.messages
    assert rcpts == [OPS, "second@bpjs.example"]
    assert message["Subject"] == "lpse-leads: site health — 1 dark, 1 degraded"
    text = message.get_content()
    assert text.index(SITE) < text.index(OTHER)  # worst first
