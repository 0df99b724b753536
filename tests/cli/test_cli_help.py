"""Every subcommand has `--help`, and the top-level help lists every command module."""

from __future__ import annotations

import pkgutil

import pytest

from lpse_leads import cli, commands

COMMANDS = sorted(m.name.replace("_", "-") for m in pkgutil.iter_modules(commands.__path__))


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        cli.main([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(capsys)
    missing = [name for name in COMMANDS if name not in out]
    assert missing == []


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    out = _help(capsys, command)
    assert out.startswith(f"usage: lpse-leads {command}")


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["no-such-command"])
    assert stop.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
