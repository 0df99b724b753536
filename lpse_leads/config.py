"""One configuration for the app: a typed dataclass read from TOML, environment and flags.

Why one place: `run`, `schedule` and `run --demo` need the same settings (sites, years,
database, files, mail, schedule time, crawl politeness), and a mistake in any of them should
surface once, at start, as a single `UserError` naming the key or file — not as a traceback
an hour into a crawl. Precedence, lowest first: built-in defaults < TOML file < environment
variables (`LPSE_LEADS_*`) < command-line flags. Every key is documented in
`lpse-leads.example.toml` at the repository root; `KEYS` below is the single source of the
key names, their environment variables and their parsers.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lpse_leads import config_values as parse
from lpse_leads.config_values import DEFAULT_HOME
from lpse_leads.dbopt import SQLITE_NAME
from lpse_leads.errors import UserError
from pipeline.health_rules import Thresholds
from pipeline.runs import redact_url

CONFIG_ENV = "LPSE_LEADS_CONFIG"


@dataclass(frozen=True)
class DataConfig:
    """Where the app keeps its files and which database it uses."""

    home: Path = DEFAULT_HOME
    database_url: str = ""


@dataclass(frozen=True)
class CrawlConfig:
    """What to crawl and how politely (settings are Scrapy `-s KEY=VALUE` overrides)."""

    sites: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    full: bool = False
    timeout_minutes: int = 240
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: Channels `run` crawls, in this order: spse, sirup, ekatalog, inaproc-api.
    sources: tuple[str, ...] = ("spse",)
    #: Where an LPSE operator reaches us: named in the crawler's User-Agent (crawler/useragent.py).
    contact_url: str = ""


@dataclass(frozen=True)
class InaprocConfig:
    """LKPP's other channels: where SiRUP and data.inaproc.id are, which governments, the API token."""

    sirup_site: str = "https://sirup.inaproc.id"
    data_site: str = "https://data.inaproc.id"
    instansi: tuple[str, ...] = ()
    api_token: str = field(default="", repr=False)


@dataclass(frozen=True)
class LeadsConfig:
    """The BPJS registry export and the branch table the leads are matched and routed with."""

    registry_file: Path | None = None
    branches_file: Path | None = None
    #: The branches file is the whole table: the national starter table's rows are dropped.
    branches_replace: bool = False


@dataclass(frozen=True)
class MailConfig:
    """How digests leave: SMTP when `smtp_url` is set, else `.eml` files in the outbox."""

    smtp_url: str = field(default="", repr=False)
    mail_from: str = ""
    fallback_to: str = ""
    ops_to: tuple[str, ...] = ()
    outbox: Path | None = None


@dataclass(frozen=True)
class ScheduleConfig:
    """When `lpse-leads schedule` runs the daily job (Asia/Jakarta) and re-imports the registry."""

    time: str = "06:00"
    misfire_grace_minutes: int = 60
    registry_reimport: str = ""


@dataclass(frozen=True)
class WebConfig:
    """The workbench (`lpse-leads serve`): its public address, for links in e-mails."""

    base_url: str = ""


@dataclass(frozen=True)
class AppConfig:
    """The whole configuration; sections mirror the TOML tables."""

    data: DataConfig = field(default_factory=DataConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    leads: LeadsConfig = field(default_factory=LeadsConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    web: WebConfig = field(default_factory=WebConfig)
    inaproc: InaprocConfig = field(default_factory=InaprocConfig)
    #: What makes a site degraded (pipeline/health_rules.py); passed to every crawl `run` starts.
    health: Thresholds = field(default_factory=Thresholds)
    source: Path | None = None

    @property
    def db_url(self) -> str:
        """The database URL: the configured one, else SQLite in the data folder."""
        if self.data.database_url:
            return self.data.database_url
        return f"sqlite:///{(self.data.home / SQLITE_NAME).resolve()}"

    @property
    def outbox(self) -> Path:
        """Where `.eml`/`.html` files go when no SMTP server is configured."""
        return self.mail.outbox or self.data.home / "outbox"

    def describe(self) -> dict[str, str]:
        """A printable view of the settings, with every password masked."""
        return {
            "config file": str(self.source) if self.source else "(none; defaults)",
            "data folder": str(self.data.home),
            "database": redact_url(self.db_url),
            "sites": ", ".join(self.crawl.sites) or "(none)",
            "sources": ", ".join(self.crawl.sources),
            "inaproc api": "token set" if self.inaproc.api_token else "(no token; public channels only)",
            "years": ", ".join(map(str, self.crawl.years)) or "(current year)",
            "registry file": str(self.leads.registry_file or "(none; the stored registry stays)"),
            "branches file": str(self.leads.branches_file or "(none; the stored table stays)"),
            "mail": redact_url(self.mail.smtp_url) if self.mail.smtp_url else f"outbox {self.outbox}",
            "operator": ", ".join(self.mail.ops_to) or "(none; site health only in summaries)",
            "site health": self.health.describe(),
            "schedule": f"daily {self.schedule.time} Asia/Jakarta",
            "workbench": self.web.base_url or "(no web.base_url; e-mails carry no workbench links)",
        }


@dataclass(frozen=True)
class Key:
    """One configuration key: its TOML place, environment variable and parser."""

    section: str
    name: str
    env: str | None
    parse: Callable[[Any, str], Any]
    is_path: bool = False

    @property
    def dotted(self) -> str:
        """`section.name`, as error messages and flag overrides name the key."""
        return f"{self.section}.{self.name}"


KEYS: tuple[Key, ...] = (
    Key("data", "home", "LPSE_LEADS_HOME", parse.home_folder, is_path=True),
    Key("data", "database_url", "LPSE_LEADS_DB", parse.database_url),
    Key("crawl", "sites", "LPSE_LEADS_SITES", parse.site_list),
    Key("crawl", "years", "LPSE_LEADS_YEARS", parse.year_list),
    Key("crawl", "full", "LPSE_LEADS_CRAWL_FULL", parse.as_bool),
    Key("crawl", "timeout_minutes", "LPSE_LEADS_CRAWL_TIMEOUT_MINUTES", parse.as_positive_int),
    Key("crawl", "settings", None, parse.scrapy_settings),
    Key("crawl", "sources", "LPSE_LEADS_SOURCES", parse.source_list),
    Key("inaproc", "sirup_site", "LPSE_LEADS_SIRUP_SITE", parse.site_url),
    Key("inaproc", "data_site", "LPSE_LEADS_INAPROC_SITE", parse.site_url),
    Key("inaproc", "instansi", "LPSE_LEADS_INAPROC_INSTANSI", parse.instansi_codes),
    Key("inaproc", "api_token", "LPSE_LEADS_INAPROC_API_TOKEN", parse.as_str),
    Key("crawl", "contact_url", "LPSE_LEADS_CONTACT_URL", parse.contact_url),
    Key("leads", "registry_file", "LPSE_LEADS_REGISTRY_FILE", parse.readable_file, is_path=True),
    Key("leads", "branches_file", "LPSE_LEADS_BRANCHES_FILE", parse.readable_file, is_path=True),
    Key("leads", "branches_replace", "LPSE_LEADS_BRANCHES_REPLACE", parse.as_bool),
    Key("mail", "smtp_url", "LPSE_LEADS_SMTP_URL", parse.smtp_url),
    Key("mail", "mail_from", "LPSE_LEADS_MAIL_FROM", parse.address),
    Key("mail", "fallback_to", "LPSE_LEADS_FALLBACK_TO", parse.address),
    Key("mail", "ops_to", "LPSE_LEADS_OPS_TO", parse.addresses),
    Key("mail", "outbox", "LPSE_LEADS_OUTBOX", parse.optional_path, is_path=True),
    Key("schedule", "time", "LPSE_LEADS_SCHEDULE_TIME", parse.clock_time),
    Key("schedule", "misfire_grace_minutes", "LPSE_LEADS_MISFIRE_GRACE_MINUTES", parse.as_positive_int),
    Key("schedule", "registry_reimport", "LPSE_LEADS_REGISTRY_REIMPORT", parse.reimport),
    Key("web", "base_url", "LPSE_LEADS_WEB_BASE_URL", parse.base_url),
    *(
        Key("health", item.name, f"LPSE_LEADS_HEALTH_{item.name.upper()}", parse.threshold)
        for item in fields(Thresholds)
    ),
)
_BY_DOTTED = {key.dotted: key for key in KEYS}
_SECTIONS = {f.name for f in fields(AppConfig)} - {"source"}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UserError(f"cannot read configuration file {path} ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"configuration file {path} is not valid TOML ({exc})") from None


def _toml_values(path: Path) -> dict[str, Any]:
    """Flatten the TOML tables to `section.name` values, refusing any key we do not know."""
    values: dict[str, Any] = {}
    for section, table in _read_toml(path).items():
        if section not in _SECTIONS:
            raise UserError(f"{path}: unknown section [{section}] (known: {', '.join(sorted(_SECTIONS))})")
        if not isinstance(table, dict):
            raise UserError(f"{path}: {section} must be a table, [{section}]")
        for name, value in table.items():
            key = _BY_DOTTED.get(f"{section}.{name}")
            if key is None:
                known = ", ".join(k.name for k in KEYS if k.section == section)
                raise UserError(f"{path}: unknown key {section}.{name} (known in [{section}]: {known})")
            if key.is_path and isinstance(value, str) and value:
                value = str(path.parent / Path(value).expanduser())
            values[key.dotted] = value
    return values


def config_path(flag: str | Path | None, env: Mapping[str, str]) -> Path | None:
    """The configuration file to read: the `--config` flag, else `$LPSE_LEADS_CONFIG`, else none."""
    chosen = flag or env.get(CONFIG_ENV) or None
    return Path(chosen).expanduser() if chosen else None


def load_config(
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> AppConfig:
    """Build the configuration: defaults < TOML at `path` < `env` < `overrides`.

    `env` defaults to `os.environ`; `overrides` maps dotted keys (`"crawl.sites"`) to flag
    values, and a `None` value means "flag not given". Paths in the TOML file are relative to
    the file; paths from the environment and flags are relative to the working directory.
    """
    env = os.environ if env is None else env
    file = config_path(path, env)
    raw: dict[str, Any] = _toml_values(file) if file else {}
    for key in KEYS:
        if key.env and env.get(key.env, "") != "":
            raw[key.dotted] = env[key.env]
    for dotted, value in (overrides or {}).items():
        if dotted not in _BY_DOTTED:
            raise UserError(f"unknown configuration key {dotted}")
        if value is not None:
            raw[dotted] = value
    sections: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
    for dotted, value in raw.items():
        key = _BY_DOTTED[dotted]
        sections[key.section][key.name] = key.parse(value, dotted)
    config = AppConfig(source=file)
    return replace(
        config,
        **{name: replace(getattr(config, name), **values) for name, values in sections.items() if values},
    )
