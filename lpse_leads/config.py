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
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lpse_leads.dbopt import SQLITE_NAME
from lpse_leads.errors import UserError
from pipeline.health_rules import Thresholds, check_threshold
from pipeline.runs import redact_url

CONFIG_ENV = "LPSE_LEADS_CONFIG"
DEFAULT_HOME = Path("var")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


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


# --- parsing and validation of one value -------------------------------------------------


def _as_str(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise UserError(f"{key}: expected a string, got {type(value).__name__}")
    return value.strip()


def _as_bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    word = value.strip().lower() if isinstance(value, str) else None
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise UserError(f"{key}: expected true or false, got {value!r}")


def _as_positive_int(value: Any, key: str) -> int:
    try:
        number = int(value) if isinstance(value, str) else value
    except ValueError:
        number = None
    if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
        raise UserError(f"{key}: expected a positive whole number, got {value!r}")
    return number


def _as_list(value: Any, key: str) -> list[Any]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    raise UserError(f"{key}: expected a list (or a comma-separated string), got {value!r}")


def _site_url(value: Any, key: str) -> str:
    """An SPSE base URL, or `all` / a slug of the LPSE registry (the crawl expands them)."""
    from crawler.registry import ALL, registry

    text = _as_str(value, key).rstrip("/")
    if text.lower() == ALL or text in {lpse.slug for lpse in registry()}:
        return text.lower()
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UserError(f"{key}: {text!r} is not an http(s) URL such as https://spse.inaproc.id/kemkes")
    return text


def _sites(value: Any, key: str) -> tuple[str, ...]:
    return tuple(_site_url(item, key) for item in _as_list(value, key))


#: The channels a run can crawl, in the order it crawls them (plans before purchases need them).
SOURCES = ("spse", "sirup", "ekatalog", "inaproc-api")


def _sources(value: Any, key: str) -> tuple[str, ...]:
    """Channel names (a list, or a comma-separated string), in crawl order, each once."""
    names = [str(v).strip() for v in (value.split(",") if isinstance(value, str) else _as_list(value, key))]
    unknown = [n for n in names if n and n not in SOURCES]
    if unknown:
        raise UserError(f"{key}: unknown source {unknown[0]!r} (known: {', '.join(SOURCES)})")
    return tuple(s for s in SOURCES if s in names)


def _instansi(value: Any, key: str) -> tuple[str, ...]:
    """Government codes (`D6`), a list or a comma-separated string."""
    items = value.split(",") if isinstance(value, str) else _as_list(value, key)
    return tuple(str(v).strip() for v in items if str(v).strip())


def _years(value: Any, key: str) -> tuple[int, ...]:
    years = tuple(_as_positive_int(item, key) for item in _as_list(value, key))
    for year in years:
        if not 2000 <= year <= 2100:
            raise UserError(f"{key}: {year} is not a plausible fiscal year")
    return years


def _database_url(value: Any, key: str) -> str:
    text = _as_str(value, key)
    if not text:
        return ""
    scheme = urlsplit(text).scheme.split("+")[0]
    if scheme not in {"sqlite", "postgresql", "postgres"}:
        raise UserError(f"{key}: {redact_url(text)!r} is not a sqlite:/// or postgresql:// URL")
    return text


def _smtp_url(value: Any, key: str) -> str:
    text = _as_str(value, key)
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise UserError(f"{key}: {redact_url(text)!r} is not an smtp:// or smtps:// URL")
    return text


def _contact_url(value: Any, key: str) -> str:
    text = _as_str(value, key)
    parts = urlsplit(text)
    if text and (parts.scheme not in {"http", "https", "mailto"} or not (parts.netloc or parts.path)):
        raise UserError(f"{key}: {text!r} is not an http(s):// or mailto: URL")
    if any(c in text for c in " ;()"):
        raise UserError(
            f"{key}: {text!r} must not contain spaces, ';' or parentheses (it goes in the User-Agent)"
        )
    return text


def _address(value: Any, key: str) -> str:
    text = _as_str(value, key)
    if text and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", text.split("<")[-1].rstrip(">")):
        raise UserError(f"{key}: {text!r} is not an e-mail address")
    return text


def _base_url(value: Any, key: str) -> str:
    """An http(s) URL without credentials; the trailing slash is dropped. Empty: not set."""
    text = _as_str(value, key).strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.query:
        raise UserError(f"{key}: expected an http(s) address like https://leads.example.go.id, got {text!r}")
    return text


def _addresses(value: Any, key: str) -> tuple[str, ...]:
    items = _as_list(value.replace(";", ",") if isinstance(value, str) else value, key)
    return tuple(_address(item, key) for item in items if _as_str(item, key))


def _time(value: Any, key: str) -> str:
    text = _as_str(value, key)
    match = _TIME.match(text)
    if not match:
        raise UserError(f"{key}: {text!r} is not a time of day like 06:00")
    return f"{int(match[1]):02d}:{match[2]}"


def _reimport(value: Any, key: str) -> str:
    text = _as_str(value, key)
    if not text:
        return ""
    if _TIME.match(text):
        return _time(text, key)
    if len(text.split()) != 5:
        raise UserError(f"{key}: {text!r} is neither HH:MM nor a 5-field cron expression")
    if re.search(r"\d", text.split()[4]):
        # APScheduler 3 counts weekdays from Monday = 0, crontab from Sunday = 0: names are unambiguous.
        raise UserError(f"{key}: {text!r}: write the day of week as names (mon-fri, sun), not numbers")
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(text, timezone="Asia/Jakarta")
    except ValueError as exc:
        raise UserError(f"{key}: {text!r} is not a valid cron expression ({exc})") from None
    return text


def _path(value: Any, key: str) -> Path | None:
    text = _as_str(value, key)
    return Path(text).expanduser() if text else None


def _home(value: Any, key: str) -> Path:
    return _path(value, key) or DEFAULT_HOME


def _readable_file(value: Any, key: str) -> Path | None:
    path = _path(value, key)
    if path is not None:
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            raise UserError(f"{key}: cannot read {path} ({exc.strerror})") from None
    return path


def _threshold(value: Any, key: str) -> float | int:
    """A `[health]` threshold: a fraction 0–1 or a whole number ≥ 1, by its name."""
    try:
        return check_threshold(key.split(".", 1)[1], value)
    except ValueError as exc:
        raise UserError(f"{key}: {exc}") from None


def _settings(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise UserError(f"{key}: expected a table of Scrapy settings, got {value!r}")
    for name, item in value.items():
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise UserError(f"{key}.{name}: Scrapy setting names are UPPER_CASE")
        if not isinstance(item, str | int | float | bool):
            raise UserError(f"{key}.{name}: expected a number, string or boolean, got {item!r}")
    return dict(value)


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
    Key("data", "home", "LPSE_LEADS_HOME", _home, is_path=True),
    Key("data", "database_url", "LPSE_LEADS_DB", _database_url),
    Key("crawl", "sites", "LPSE_LEADS_SITES", _sites),
    Key("crawl", "years", "LPSE_LEADS_YEARS", _years),
    Key("crawl", "full", "LPSE_LEADS_CRAWL_FULL", _as_bool),
    Key("crawl", "timeout_minutes", "LPSE_LEADS_CRAWL_TIMEOUT_MINUTES", _as_positive_int),
    Key("crawl", "settings", None, _settings),
    Key("crawl", "sources", "LPSE_LEADS_SOURCES", _sources),
    Key("inaproc", "sirup_site", "LPSE_LEADS_SIRUP_SITE", _site_url),
    Key("inaproc", "data_site", "LPSE_LEADS_INAPROC_SITE", _site_url),
    Key("inaproc", "instansi", "LPSE_LEADS_INAPROC_INSTANSI", _instansi),
    Key("inaproc", "api_token", "LPSE_LEADS_INAPROC_API_TOKEN", _as_str),
    Key("crawl", "contact_url", "LPSE_LEADS_CONTACT_URL", _contact_url),
    Key("leads", "registry_file", "LPSE_LEADS_REGISTRY_FILE", _readable_file, is_path=True),
    Key("leads", "branches_file", "LPSE_LEADS_BRANCHES_FILE", _readable_file, is_path=True),
    Key("leads", "branches_replace", "LPSE_LEADS_BRANCHES_REPLACE", _as_bool),
    Key("mail", "smtp_url", "LPSE_LEADS_SMTP_URL", _smtp_url),
    Key("mail", "mail_from", "LPSE_LEADS_MAIL_FROM", _address),
    Key("mail", "fallback_to", "LPSE_LEADS_FALLBACK_TO", _address),
    Key("mail", "ops_to", "LPSE_LEADS_OPS_TO", _addresses),
    Key("mail", "outbox", "LPSE_LEADS_OUTBOX", _path, is_path=True),
    Key("schedule", "time", "LPSE_LEADS_SCHEDULE_TIME", _time),
    Key("schedule", "misfire_grace_minutes", "LPSE_LEADS_MISFIRE_GRACE_MINUTES", _as_positive_int),
    Key("schedule", "registry_reimport", "LPSE_LEADS_REGISTRY_REIMPORT", _reimport),
    Key("web", "base_url", "LPSE_LEADS_WEB_BASE_URL", _base_url),
    *(
        Key("health", item.name, f"LPSE_LEADS_HEALTH_{item.name.upper()}", _threshold)
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
