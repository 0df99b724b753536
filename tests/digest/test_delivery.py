"""Delivery over real SMTP (aiosmtpd on 127.0.0.1: plain, STARTTLS, SMTPS) and to the outbox folder."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes, policy
from urllib.parse import quote

import pytest

from digest.branch import BranchInfo
from digest.delivery import OutboxSender, SmtpSender, default_outbox, parse_smtp_url, redact_url
from digest.message import build_message, make_message_id
from digest.render import render_digest

from .conftest import PASSWORD, USER, free_port

BRANCH = BranchInfo("KC-BALIKPAPAN", "Balikpapan", "Kalimantan", ("a@example.id", "b@example.id"))
DAY = dt.date(2026, 11, 22)
FROM = "lpse-leads <digest@leads.example.id>"


@pytest.fixture
def message(make_lead):
    rendered = render_digest(BRANCH, DAY, [make_lead()], [])
    return build_message(
        rendered,
        BRANCH,
        DAY,
        mail_from=FROM,
        recipients=BRANCH.emails,
        message_id=make_message_id(BRANCH, DAY, FROM),
    )


def credential_url(scheme: str, port: int) -> str:
    return f"{scheme}://{quote(USER, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"


def test_parse_smtp_urls() -> None:
    plain = parse_smtp_url("smtp://relay.local")
    assert (plain.scheme, plain.host, plain.port, plain.username, plain.tls) == (
        "smtp",
        "relay.local",
        25,
        None,
        "none",
    )
    tls = parse_smtp_url("smtp+starttls://user%40x.id:p%40ss%3Aw@mail.x.id:2587")
    assert (tls.host, tls.port, tls.username, tls.password, tls.tls) == (
        "mail.x.id",
        2587,
        "user@x.id",
        "p@ss:w",
        "starttls",
    )
    assert parse_smtp_url("smtps://u:p@mail.x.id").port == 465
    assert parse_smtp_url("smtps://u:p@mail.x.id").tls == "implicit"


@pytest.mark.parametrize(
    "url", ["http://u:hunter2@mail.x.id", "smtp://u:hunter2@:25", "smtps://u:hunter2@mail.x.id:99999"]
)
def test_bad_smtp_url_is_reported_without_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="invalid SMTP URL") as info:
        parse_smtp_url(url)
    assert "hunter2" not in str(info.value)


def test_password_is_never_shown() -> None:
    config = parse_smtp_url("smtp+starttls://user:hunter2@mail.x.id:587")
    assert "hunter2" not in repr(config)
    assert "hunter2" not in config.url
    assert "hunter2" not in redact_url("smtp+starttls://user:hunter2@mail.x.id:587")
    assert redact_url("smtps://user:hunter2@mail.x.id:465") == "smtps://mail.x.id:465"


def test_plain_relay_delivers(smtp_server, message) -> None:
    sender = SmtpSender(parse_smtp_url(f"smtp://127.0.0.1:{smtp_server.port}"))
    result = sender.send(message, ["a@example.id", "b@example.id"])
    assert result.ok
    assert result.accepted == ("a@example.id", "b@example.id")
    assert len(smtp_server.handler.messages) == 1
    mail_from, rcpts, received = smtp_server.handler.messages[0]
    assert mail_from == "digest@leads.example.id"
    assert rcpts == ["a@example.id", "b@example.id"]
    assert received["Message-ID"] == message["Message-ID"]
    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == message.get_body(("plain",)).get_content()


def test_refused_recipient_is_reported_per_recipient(smtp_server, message) -> None:
    smtp_server.handler.refuse.add("b@example.id")
    result = SmtpSender(parse_smtp_url(f"smtp://127.0.0.1:{smtp_server.port}")).send(
        message, ["a@example.id", "b@example.id"]
    )
    assert not result.ok
    assert result.accepted == ("a@example.id",)
    assert set(result.refused) == {"b@example.id"}
    assert result.refused["b@example.id"].startswith("550")
    assert "b@example.id refused: 550" in result.reason
    assert smtp_server.handler.received_by("a@example.id")


def test_all_recipients_refused(smtp_server, message) -> None:
    smtp_server.handler.refuse.update({"a@example.id", "b@example.id"})
    result = SmtpSender(parse_smtp_url(f"smtp://127.0.0.1:{smtp_server.port}")).send(
        message, ["a@example.id", "b@example.id"]
    )
    assert not result.ok
    assert result.accepted == ()
    assert set(result.refused) == {"a@example.id", "b@example.id"}
    assert smtp_server.handler.messages == []


def test_starttls_with_login(starttls_server, tls_files, message) -> None:
    config = parse_smtp_url(credential_url("smtp+starttls", starttls_server.port))
    result = SmtpSender(config, ssl_context=tls_files.client_context()).send(message, ["a@example.id"])
    assert result.ok, result.reason
    assert len(starttls_server.handler.messages) == 1
    assert PASSWORD not in result.where


def test_starttls_ca_file_option(starttls_server, tls_files, message) -> None:
    config = parse_smtp_url(credential_url("smtp+starttls", starttls_server.port))
    result = SmtpSender(config, ca_file=tls_files.ca_file).send(message, ["a@example.id"])
    assert result.ok, result.reason


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # implicit TLS: it is TLS
def test_smtps_with_login(smtps_server, tls_files, message) -> None:
    config = parse_smtp_url(credential_url("smtps", smtps_server.port))
    result = SmtpSender(config, ssl_context=tls_files.client_context()).send(message, ["a@example.id"])
    assert result.ok, result.reason
    assert len(smtps_server.handler.messages) == 1


def test_untrusted_certificate_is_refused_by_default(starttls_server, message) -> None:
    config = parse_smtp_url(credential_url("smtp+starttls", starttls_server.port))
    result = SmtpSender(config).send(message, ["a@example.id"])
    assert not result.ok
    assert "TLS failure" in result.reason
    assert "CERTIFICATE_VERIFY_FAILED" in result.reason
    assert starttls_server.handler.messages == []


def test_starttls_is_required(smtp_server, tls_files, message) -> None:
    config = parse_smtp_url(f"smtp+starttls://127.0.0.1:{smtp_server.port}")
    result = SmtpSender(config, ssl_context=tls_files.client_context()).send(message, ["a@example.id"])
    assert not result.ok
    assert "STARTTLS" in result.reason
    assert smtp_server.handler.messages == []


def test_wrong_password_fails_without_showing_it(starttls_server, tls_files, message) -> None:
    url = f"smtp+starttls://{quote(USER, safe='')}:wrong-s3cret@127.0.0.1:{starttls_server.port}"
    result = SmtpSender(parse_smtp_url(url), ssl_context=tls_files.client_context()).send(
        message, ["a@example.id"]
    )
    assert not result.ok
    assert "535" in result.reason
    assert "wrong-s3cret" not in result.reason
    assert starttls_server.handler.messages == []


def test_server_down_is_reported(message) -> None:
    config = parse_smtp_url(f"smtp://127.0.0.1:{free_port()}", timeout=5)
    result = SmtpSender(config).send(message, ["a@example.id"])
    assert not result.ok
    assert "cannot deliver via smtp://127.0.0.1" in result.reason
    assert "refused" in result.reason.lower()


def test_silent_server_times_out(message) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        config = parse_smtp_url(f"smtp://127.0.0.1:{port}", timeout=0.5)
        result = SmtpSender(config).send(message, ["a@example.id"])
    assert not result.ok
    assert "timed out after 0.5s" in result.reason


def test_outbox_writes_eml_and_html(tmp_path, message) -> None:
    sender = OutboxSender(tmp_path / "outbox")
    result = sender.send(message, ["a@example.id"])
    assert result.ok
    emls = list((tmp_path / "outbox").glob("*.eml"))
    htmls = list((tmp_path / "outbox").glob("*.html"))
    assert len(emls) == 1
    assert len(htmls) == 1
    assert result.where == str(emls[0])
    parsed = message_from_bytes(emls[0].read_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == message["Message-ID"]
    assert htmls[0].read_text(encoding="utf-8") == message.get_body(("html",)).get_content()
    again = sender.send(message, ["a@example.id"])
    assert again.where == result.where
    assert len(list((tmp_path / "outbox").iterdir())) == 2


def test_default_outbox() -> None:
    assert str(default_outbox({"LPSE_LEADS_HOME": "/srv/leads"})) == "/srv/leads/outbox"
    assert str(default_outbox({})) == "var/outbox"
