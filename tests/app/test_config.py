"""Configuration: defaults, TOML < environment < flags, and one clear error per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from lpse_leads.config import AppConfig, load_config
from lpse_leads.errors import UserError


def write(tmp_path: Path, body: str, name: str = "lpse-leads.toml") -> Path:
    """A TOML file with `body` in the test's folder."""
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_without_file_or_environment():
    config = load_config(None, env={})
    assert config == AppConfig()
    assert config.schedule.time == "06:00"
    assert config.data.home == Path("var")
    assert config.db_url == f"sqlite:///{Path('var/lpse-leads.sqlite').resolve()}"
    assert config.outbox == Path("var/outbox")


def test_toml_values_are_read_and_paths_resolved_against_the_file(tmp_path):
    (tmp_path / "registry.csv").write_text("npwp\n", encoding="utf-8")
    path = write(
        tmp_path,
        """
[data]
home = "data"
[crawl]
sites = ["https://spse.inaproc.id/kemkes/"]
years = [2025, 2026]
[crawl.settings]
DOWNLOAD_DELAY = 1.5
[leads]
registry_file = "registry.csv"
[schedule]
time = "5:30"
registry_reimport = "0 5 * * mon"
""",
    )
    config = load_config(path, env={})
    assert config.source == path
    assert config.data.home == tmp_path / "data"
    assert config.crawl.sites == ("https://spse.inaproc.id/kemkes",)
    assert config.crawl.years == (2025, 2026)
    assert config.crawl.settings == {"DOWNLOAD_DELAY": 1.5}
    assert config.leads.registry_file == tmp_path / "registry.csv"
    assert config.schedule.time == "05:30"
    assert config.schedule.registry_reimport == "0 5 * * mon"


def test_environment_beats_toml_and_flags_beat_environment(tmp_path):
    path = write(
        tmp_path, '[schedule]\ntime = "06:00"\n[crawl]\nyears = [2024]\nsites = ["http://a.test/x"]\n'
    )
    env = {
        "LPSE_LEADS_SCHEDULE_TIME": "07:15",
        "LPSE_LEADS_YEARS": "2025",
        "LPSE_LEADS_SITES": "http://b.test/y",
    }
    config = load_config(path, env=env, overrides={"crawl.years": [2026], "crawl.sites": None})
    assert config.schedule.time == "07:15"  # env over TOML
    assert config.crawl.years == (2026,)  # flag over env
    assert config.crawl.sites == ("http://b.test/y",)  # flag not given: env stays


def test_config_file_named_by_environment(tmp_path):
    path = write(tmp_path, '[mail]\nfallback_to = "kanwil@example.go.id"\n')
    assert load_config(None, env={"LPSE_LEADS_CONFIG": str(path)}).mail.fallback_to == "kanwil@example.go.id"


def test_smtp_password_is_never_shown(tmp_path):
    config = load_config(None, env={"LPSE_LEADS_SMTP_URL": "smtp://robot:s3cret@mail.example.com:587"})
    assert config.mail.smtp_url == "smtp://robot:s3cret@mail.example.com:587"
    assert "s3cret" not in repr(config)
    assert "s3cret" not in str(config.describe())
    assert config.describe()["mail"] == "smtp://mail.example.com:587"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[crawl]\nsitez = ["http://a.test"]\n', "unknown key crawl.sitez"),
        ('[mailer]\nsmtp_url = ""\n', "unknown section [mailer]"),
        ('[crawl]\nsites = ["spse.test/kemkes"]\n', "crawl.sites: 'spse.test/kemkes' is not an http(s) URL"),
        ('[mail]\nsmtp_url = "http://u:pw@host"\n', "mail.smtp_url: 'http://host' is not an smtp://"),
        ('[schedule]\ntime = "25:00"\n', "schedule.time: '25:00' is not a time of day"),
        ('[schedule]\nregistry_reimport = "0 5 * *"\n', "schedule.registry_reimport"),
        ('[schedule]\nregistry_reimport = "0 5 * * 1"\n', "day of week as names"),
        ("[crawl]\nyears = [1999]\n", "crawl.years: 1999 is not a plausible fiscal year"),
        ('[crawl]\nfull = "maybe"\n', "crawl.full: expected true or false"),
        ('[data]\ndatabase_url = "mysql://x/y"\n', "data.database_url"),
        ("[crawl\n", "is not valid TOML"),
    ],
)
def test_mistakes_in_the_file_are_one_clear_error(tmp_path, body, message):
    with pytest.raises(UserError) as caught:
        load_config(write(tmp_path, body), env={})
    assert message in str(caught.value)
    assert "pw" not in str(caught.value)


def test_unreadable_config_file_names_the_file(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(UserError, match=r"cannot read configuration file .*nope\.toml"):
        load_config(missing, env={})


def test_unreadable_registry_file_names_key_and_file(tmp_path):
    with pytest.raises(UserError, match=r"leads\.registry_file: cannot read .*absent\.csv"):
        load_config(None, env={"LPSE_LEADS_REGISTRY_FILE": str(tmp_path / "absent.csv")})


def test_bad_environment_value_names_the_key():
    with pytest.raises(UserError, match=r"crawl\.sites: 'ftp://x' is not an http\(s\) URL"):
        load_config(None, env={"LPSE_LEADS_SITES": "https://ok.test/a, ftp://x"})
