"""send_digests on a real database (SQLite and PostgreSQL) through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from digest.delivery import OutboxSender, SmtpSender, parse_smtp_url
from digest.models import Digest, DigestLead
from digest.send import send_digests
from leads.models import Branch, LeadEvent
from tests.leads.conftest import package, write_packages

from .conftest import BPP, DAY, FALLBACK, SMD, build, free_port, import_example_branches, statuses

FROM = "lpse-leads <digest@leads.example.id>"


def smtp(server) -> SmtpSender:
    return SmtpSender(parse_smtp_url(f"smtp://127.0.0.1:{server.port}", timeout=5))


def run(factory, sender, day: dt.date = DAY, **kwargs):
    return send_digests(factory, sender, day, fallback_address=FALLBACK, mail_from=FROM, **kwargs)


def digest_rows(engine) -> dict[str, tuple[str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(select(Digest.queue, Digest.status, Digest.attempts)).all()
    return {q: (s, a) for q, s, a in rows}


def test_one_message_per_branch_and_fallback_then_nothing_on_rerun(world, engine, factory, smtp_server):
    summary = run(factory, smtp(smtp_server))
    assert summary.exit_status == 0
    handler = smtp_server.handler
    assert len(handler.received_by(BPP)) == 1
    assert len(handler.received_by(SMD)) == 1
    assert len(handler.received_by(FALLBACK)) == 1
    assert len(handler.messages) == 3
    bpp = handler.received_by(BPP)[0]
    assert bpp["Subject"].startswith("[lpse-leads] KC Balikpapan — 20 Apr 2026 — 2 proyek baru")
    text = bpp.get_body(("plain",)).get_content()
    assert "Sukamaju 1" in text and "Sukamaju 8" in text and "Sukamaju 3" not in text
    assert text.index("Sukamaju 8") < text.index("Sukamaju 1")  # bigger contract scores higher
    fallback = handler.received_by(FALLBACK)[0].get_body(("plain",)).get_content()
    assert "Sukamaju 2" in fallback and "routed by fallback" in fallback
    assert set(statuses(engine).values()) == {"sent"}
    assert digest_rows(engine) == {
        "KC-BALIKPAPAN": ("sent", 1),
        "KC-SAMARINDA": ("sent", 1),
        "fallback Kalimantan": ("sent", 1),
    }
    with engine.connect() as connection:
        events = connection.execute(select(LeadEvent.new_status, LeadEvent.by, LeadEvent.note)).all()
        recorded_ids = set(connection.scalars(select(Digest.message_id)))
    assert len(events) == 4
    assert {(e.new_status, e.by) for e in events} == {("sent", "digest")}
    assert {m["Message-ID"] for _, _, m in handler.messages} == recorded_ids

    again = run(factory, smtp(smtp_server))
    assert again.exit_status == 0
    assert len(handler.messages) == 3
    assert again.count("already-sent") == 3
    assert again.count("sent") == 0


def test_refused_branch_fails_alone_and_only_it_is_retried(world, engine, factory, smtp_server):
    smtp_server.handler.refuse.add(SMD)
    summary = run(factory, smtp(smtp_server))
    assert summary.exit_status == 1
    assert [o.queue for o in summary.failed] == ["KC-SAMARINDA"]
    assert "kc-samarinda@example.invalid refused: 550" in summary.failed[0].reason
    assert digest_rows(engine)["KC-SAMARINDA"] == ("failed", 1)
    assert digest_rows(engine)["KC-BALIKPAPAN"] == ("sent", 1)
    assert statuses(engine)["3"] == "new"
    with engine.connect() as connection:
        first_id = connection.scalar(select(Digest.message_id).where(Digest.queue == "KC-SAMARINDA"))
    assert any("refused" in line for line in summary.lines())

    smtp_server.handler.refuse.clear()
    retry = run(factory, smtp(smtp_server))
    assert retry.exit_status == 0
    assert [(o.queue, o.status, o.retry) for o in retry.outcomes if o.status == "sent"] == [
        ("KC-SAMARINDA", "sent", True)
    ]
    handler = smtp_server.handler
    assert len(handler.received_by(SMD)) == 1
    assert handler.received_by(SMD)[0]["Message-ID"] == first_id
    assert len(handler.received_by(BPP)) == 1
    assert len(handler.received_by(FALLBACK)) == 1
    assert statuses(engine)["3"] == "sent"
    assert digest_rows(engine)["KC-SAMARINDA"] == ("sent", 2)


def test_partial_refusal_retries_only_the_refused_recipient(world, engine, factory, smtp_server):
    with factory.begin() as session:
        session.execute(update(Branch).where(Branch.code == "KC-BALIKPAPAN").values(emails="a@x.id; b@x.id"))
    smtp_server.handler.refuse.add("b@x.id")
    first = run(factory, smtp(smtp_server), branch="KC-BALIKPAPAN")
    assert [o.status for o in first.outcomes] == ["failed"]
    assert statuses(engine)["1"] == "new"
    smtp_server.handler.refuse.clear()
    second = run(factory, smtp(smtp_server), branch="KC-BALIKPAPAN")
    assert [(o.status, o.recipients) for o in second.outcomes] == [("sent", ("b@x.id",))]
    assert len(smtp_server.handler.received_by("a@x.id")) == 1
    assert len(smtp_server.handler.received_by("b@x.id")) == 1
    assert statuses(engine)["1"] == "sent"


def test_server_down_marks_nothing_then_a_later_run_sends_each_once(world, engine, factory, smtp_server):
    down = SmtpSender(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}", timeout=5))
    summary = run(factory, down)
    assert summary.exit_status == 1
    assert len(summary.failed) == 3
    assert set(statuses(engine).values()) == {"new"}
    assert {s for s, _ in digest_rows(engine).values()} == {"failed"}
    later = run(factory, smtp(smtp_server))
    assert later.exit_status == 0
    assert later.count("sent") == 3
    assert len(smtp_server.handler.messages) == 3
    assert set(statuses(engine).values()) == {"sent"}
    assert len(smtp_server.handler.received_by(BPP)) == 1


class CrashingSender:
    """Dies in the middle of sending, like a killed process between intent and outcome."""

    def send(self, message, recipients):
        raise SystemExit("killed")

    def describe(self) -> str:
        return "crash"


def test_intent_without_outcome_is_resent_with_the_same_message_id(world, engine, factory, smtp_server):
    with pytest.raises(SystemExit):
        run(factory, CrashingSender(), branch="KC-SAMARINDA")
    assert digest_rows(engine)["KC-SAMARINDA"] == ("intent", 0)
    with engine.connect() as connection:
        message_id = connection.scalar(select(Digest.message_id).where(Digest.queue == "KC-SAMARINDA"))
        linked = connection.scalar(select(DigestLead.lead_id))
    assert linked is not None
    again = run(factory, smtp(smtp_server), branch="KC-SAMARINDA")
    (outcome,) = again.outcomes
    assert (outcome.status, outcome.retry) == ("sent", True)
    assert "without an outcome" in outcome.reason
    assert smtp_server.handler.received_by(SMD)[0]["Message-ID"] == message_id


def test_next_day_sends_only_new_leads_and_overdue_reminders_once(engine, factory, smtp_server):
    write_packages(engine, [package("1")])
    import_example_branches(factory)
    build(factory)
    early = dt.date(2026, 4, 1)  # before the lead's deadline (13 Apr 2026)
    assert run(factory, smtp(smtp_server), early, branch="KC-BALIKPAPAN").count("sent") == 1
    write_packages(engine, [package("1"), package("9")])
    build(factory)
    later = run(factory, smtp(smtp_server), DAY, branch="KC-BALIKPAPAN")
    (outcome,) = later.outcomes
    assert (outcome.status, outcome.new, outcome.overdue) == ("sent", 1, 1)
    text = smtp_server.handler.messages[-1][2].get_body(("plain",)).get_content()
    new_part, overdue_part = text.split("LEWAT TENGGAT")
    assert "Sukamaju 9" in new_part and "Sukamaju 1" not in new_part
    assert "Sukamaju 1" in overdue_part
    write_packages(engine, [package("1"), package("9"), package("10")])
    build(factory)
    third = run(factory, smtp(smtp_server), DAY + dt.timedelta(days=1), branch="KC-BALIKPAPAN")
    assert [(o.new, o.overdue) for o in third.outcomes] == [(1, 0)]


def test_dry_run_records_and_sends_nothing(world, engine, factory, smtp_server):
    summary = run(factory, smtp(smtp_server), dry_run=True)
    assert summary.count("dry-run") == 3
    assert smtp_server.handler.messages == []
    assert digest_rows(engine) == {}
    assert set(statuses(engine).values()) == {"new"}


def test_outbox_and_queue_without_recipients(world, engine, factory, tmp_path):
    summary = send_digests(factory, OutboxSender(tmp_path), DAY, mail_from=FROM)
    skipped = [o for o in summary.outcomes if o.status == "skipped"]
    assert [o.queue for o in skipped] == ["fallback Kalimantan"]
    assert "1 new leads kept" in skipped[0].reason
    assert len(list(tmp_path.glob("*.eml"))) == 2
    assert len(list(tmp_path.glob("*.html"))) == 2
    assert statuses(engine)["2"] == "new"


class BrokenForOne:
    """A sender with a bug for one recipient: raises instead of reporting."""

    def __init__(self, inner, broken: str) -> None:
        self.inner, self.broken = inner, broken

    def send(self, message, recipients):
        if self.broken in recipients:
            raise RuntimeError("sender bug")
        return self.inner.send(message, recipients)

    def describe(self) -> str:
        return "broken"


def test_unexpected_error_in_one_queue_does_not_stop_the_others(world, engine, factory, smtp_server):
    summary = run(factory, BrokenForOne(smtp(smtp_server), SMD))
    assert summary.exit_status == 1
    assert [(o.queue, o.reason) for o in summary.failed] == [
        ("KC-SAMARINDA", "unexpected error: RuntimeError: sender bug")
    ]
    assert summary.count("sent") == 2
    assert statuses(engine)["3"] == "new"
    again = run(factory, smtp(smtp_server))
    assert [(o.queue, o.status, o.retry) for o in again.outcomes if o.status == "sent"] == [
        ("KC-SAMARINDA", "sent", True)
    ]
    assert len(smtp_server.handler.messages) == 3


def test_each_lead_links_to_its_workbench_page_when_the_workbench_is_published(
    world, engine, factory, smtp_server
):
    from leads.models import Lead
    from pipeline.models import Package

    run(factory, smtp(smtp_server), workbench_url="https://leads.bpjs.example/")
    message = smtp_server.handler.received_by(BPP)[0]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    with engine.connect() as connection:
        ids = dict(
            connection.execute(select(Package.code, Lead.id).join(Lead, Lead.package_id == Package.id)).all()
        )
    pages = [f"https://leads.bpjs.example/leads/{lead_id}" for lead_id in ids.values()]
    lines = text.splitlines()
    linked = [page for page in pages if f"   Tindak lanjut: {page}" in lines]
    assert len(linked) == 2  # the two Balikpapan leads, each to its own page
    assert all(f'href="{page}"' in html for page in linked)
    assert "Catat tindak lanjut" in html


def test_no_workbench_link_without_a_published_workbench(world, engine, factory, smtp_server):
    run(factory, smtp(smtp_server))
    text = smtp_server.handler.received_by(BPP)[0].get_body(("plain",)).get_content()
    assert "Tindak lanjut:" not in text and "/leads/" not in text


def test_inferred_route_says_so_and_starter_branches_reach_their_kanwil(engine, factory, smtp_server):
    """Over the starter table: Bontang goes to the nearest office (inferred, with the distance); a
    Semarang lead goes to a starter branch, which has no addresses, so its Kanwil's address gets it."""
    write_packages(
        engine,
        [
            package("1"),
            package("2", locations=["Desa X - Bontang (Kota)"]),
            package("5", locations=["Jl. Pemuda - Semarang (Kota)"], agency="Pemerintah Kota Semarang"),
        ],
    )
    import_example_branches(factory, replace=False)
    build(factory)
    jateng = "kanwil-jateng@example.id"
    summary = send_digests(
        factory,
        smtp(smtp_server),
        DAY,
        fallback_address={"Kalimantan": FALLBACK, "Jawa Tengah & DIY": jateng},
        mail_from=FROM,
    )
    assert summary.exit_status == 0
    assert sorted(o.queue for o in summary.outcomes if o.status == "sent") == [
        "KC-BALIKPAPAN",
        "KC-SAMARINDA",
        "KC-SEMARANG-PEMUDA",
    ]
    handler = smtp_server.handler
    samarinda = handler.received_by(SMD)[0].get_body(("plain",)).get_content()
    assert "Sukamaju 2" in samarinda
    assert "Rute perkiraan: kantor terdekat di provinsi ini ±73 km (belum dikonfirmasi BPJS)" in samarinda
    assert "route inferred: nearest office ±73 km" in samarinda
    html = handler.received_by(SMD)[0].get_body(("html",)).get_content()
    assert "Rute perkiraan" in html and "±73 km" in html
    balikpapan = handler.received_by(BPP)[0].get_body(("plain",)).get_content()
    assert "Rute perkiraan" not in balikpapan  # routed by the imported table
    [semarang] = handler.received_by(jateng)
    assert semarang["Subject"].startswith("[lpse-leads] KC Semarang Pemuda — 20 Apr 2026 — 1 proyek baru")
    assert "Rute perkiraan" not in semarang.get_body(("plain",)).get_content()  # an office is there
    assert handler.received_by(FALLBACK) == []
