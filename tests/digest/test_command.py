"""`lpse-leads digest send`: settings from the environment, summary lines, exit status."""

from __future__ import annotations

import pytest

from lpse_leads import cli

from .conftest import BPP, FALLBACK, free_port, statuses


@pytest.fixture
def mail_env(monkeypatch):
    for name in ("LPSE_LEADS_SMTP_URL", "LPSE_LEADS_OUTBOX", "LPSE_LEADS_DIGEST_SEND_EMPTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LPSE_LEADS_MAIL_FROM", "lpse-leads <digest@leads.example.id>")
    monkeypatch.setenv("LPSE_LEADS_FALLBACK_TO", f"Kalimantan={FALLBACK}")
    return monkeypatch


def test_send_over_smtp_then_rerun_sends_nothing(world, engine, db_url, smtp_server, mail_env, capsys):
    mail_env.setenv("LPSE_LEADS_SMTP_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    argv = ["digest", "send", "--db", db_url, "--date", "2026-04-20"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert f"delivery: smtp://127.0.0.1:{smtp_server.port}" in out
    assert "KC-BALIKPAPAN 2026-04-20: sent (2 new, 0 overdue)" in out
    assert "digests: 3 sent, 0 failed" in out
    assert len(smtp_server.handler.received_by(BPP)) == 1
    assert cli.main(argv) == 0
    assert "digests: 0 sent, 0 failed, 0 skipped, 3 already sent" in capsys.readouterr().out
    assert len(smtp_server.handler.messages) == 3


def test_failure_gives_exit_status_1_and_no_password(world, engine, db_url, mail_env, capsys):
    mail_env.setenv("LPSE_LEADS_SMTP_URL", f"smtp+starttls://u:hunter2@127.0.0.1:{free_port()}")
    mail_env.setenv("LPSE_LEADS_SMTP_TIMEOUT", "5")
    assert cli.main(["digest", "send", "--db", db_url, "--date", "2026-04-20"]) == 1
    captured = capsys.readouterr()
    assert "digests: 0 sent, 3 failed" in captured.out
    assert "hunter2" not in captured.out + captured.err
    assert set(statuses(engine).values()) == {"new"}


def test_outbox_default_and_dry_run(world, engine, db_url, mail_env, tmp_path, capsys):
    mail_env.setenv("LPSE_LEADS_HOME", str(tmp_path))
    assert cli.main(["digest", "send", "--db", db_url, "--date", "2026-04-20", "--dry-run"]) == 0
    assert "3 dry-run" in capsys.readouterr().out
    assert not (tmp_path / "outbox").exists()
    assert (
        cli.main(["digest", "send", "--db", db_url, "--date", "2026-04-20", "--branch", "KC-SAMARINDA"]) == 0
    )
    assert f"delivery: outbox {tmp_path / 'outbox'}" in capsys.readouterr().out
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_bad_smtp_url_is_a_user_error(db_url, mail_env, capsys):
    mail_env.setenv("LPSE_LEADS_SMTP_URL", "http://u:hunter2@mail.x.id")
    assert cli.main(["digest", "send", "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "invalid SMTP URL" in err and "hunter2" not in err


def test_unknown_branch_is_a_user_error(world, engine, db_url, mail_env, capsys):
    assert cli.main(["digest", "send", "--db", db_url, "--branch", "KC-NOWHERE"]) == 2
    err = capsys.readouterr().err
    assert "unknown branch or queue 'KC-NOWHERE'" in err and "KC-BALIKPAPAN" in err
