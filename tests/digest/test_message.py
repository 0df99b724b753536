"""The MIME message: headers, text part before the HTML alternative, the XLSX attachment."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

from digest.branch import BranchInfo
from digest.message import attachment_filename, build_message, make_message_id
from digest.render import render_digest

BRANCH = BranchInfo("KC-BALIKPAPAN", "Balikpapan", "Kalimantan", ("a@example.id", "b@example.id"))
DAY = dt.date(2026, 11, 22)


def test_message_structure_round_trips(make_lead) -> None:
    rendered = render_digest(BRANCH, DAY, [make_lead(name='Jalan "A" & <B>')], [])
    message_id = make_message_id(BRANCH, DAY, "lpse-leads <digest@leads.example.id>")
    msg = build_message(
        rendered,
        BRANCH,
        DAY,
        mail_from="lpse-leads <digest@leads.example.id>",
        recipients=BRANCH.emails,
        message_id=message_id,
    )
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert parsed["From"] == "lpse-leads <digest@leads.example.id>"
    assert parsed["To"] == "a@example.id, b@example.id"
    assert parsed["Subject"] == rendered.subject
    assert parsed["Message-ID"] == message_id
    assert message_id.endswith("@leads.example.id>")
    assert parsed["Date"]
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html"]
    assert parsed.get_body(("plain",)).get_content() == rendered.text
    assert parsed.get_body(("html",)).get_content() == rendered.html
    assert (
        attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert attachment.get_filename() == "leads-KC-BALIKPAPAN-2026-11-22.xlsx"
    assert attachment.get_content() == rendered.xlsx_bytes


def test_message_id_is_stable_per_branch_and_day() -> None:
    first = make_message_id(BRANCH, DAY, "digest@x.id")
    assert first == make_message_id(BRANCH, DAY, "digest@x.id")
    assert first != make_message_id(BRANCH, DAY + dt.timedelta(days=1), "digest@x.id")
    other = BranchInfo("KC-SAMARINDA", "Samarinda")
    assert first != make_message_id(other, DAY, "digest@x.id")


def test_attachment_filename() -> None:
    assert attachment_filename(BranchInfo("kc balikpapan", "Balikpapan"), DAY) == (
        "leads-KC-BALIKPAPAN-2026-11-22.xlsx"
    )
