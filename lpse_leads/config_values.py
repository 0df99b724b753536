"""How each configuration value is read: what a key accepts, and the one-line error naming it.

Kept apart from `lpse_leads.config` (which knows the sections, the keys and where values come
from) so that each file has one job; every parser is `(value, dotted key) -> parsed value` and
raises `UserError` for a value it does not accept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lpse_leads.errors import UserError
from pipeline.health_rules import check_threshold
from pipeline.runs import redact_url

DEFAULT_HOME = Path("var")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

def as_str(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise UserError(f"{key}: expected a string, got {type(value).__name__}")
    return value.strip()


def as_bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    word = value.strip().lower() if isinstance(value, str) else None
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise UserError(f"{key}: expected true or false, got {value!r}")


def as_positive_int(value: Any, key: str) -> int:
    try:
        number = int(value) if isinstance(value, str) else value
    except ValueError:
        number = None
    if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
        raise UserError(f"{key}: expected a positive whole number, got {value!r}")
    return number


def as_list(value: Any, key: str) -> list[Any]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    raise UserError(f"{key}: expected a list (or a comma-separated string), got {value!r}")


def site_url(value: Any, key: str) -> str:
    """An SPSE base URL, or `all` / a slug of the LPSE registry (the crawl expands them)."""
    from crawler.registry import ALL, registry

    text = as_str(value, key).rstrip("/")
    if text.lower() == ALL or text in {lpse.slug for lpse in registry()}:
        return text.lower()
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UserError(f"{key}: {text!r} is not an http(s) URL such as https://spse.inaproc.id/kemkes")
    return text


def site_list(value: Any, key: str) -> tuple[str, ...]:
    return tuple(site_url(item, key) for item in as_list(value, key))


#: The channels a run can crawl, in the order it crawls them (plans before purchases need them).
SOURCES = ("spse", "sirup", "ekatalog", "inaproc-api")


def source_list(value: Any, key: str) -> tuple[str, ...]:
    """Channel names (a list, or a comma-separated string), in crawl order, each once."""
    names = [str(v).strip() for v in (value.split(",") if isinstance(value, str) else as_list(value, key))]
    unknown = [n for n in names if n and n not in SOURCES]
    if unknown:
        raise UserError(f"{key}: unknown source {unknown[0]!r} (known: {', '.join(SOURCES)})")
    return tuple(s for s in SOURCES if s in names)


def instansi_codes(value: Any, key: str) -> tuple[str, ...]:
    """Government codes (`D6`), a list or a comma-separated string."""
    items = value.split(",") if isinstance(value, str) else as_list(value, key)
    return tuple(str(v).strip() for v in items if str(v).strip())


def year_list(value: Any, key: str) -> tuple[int, ...]:
    years = tuple(as_positive_int(item, key) for item in as_list(value, key))
    for year in years:
        if not 2000 <= year <= 2100:
            raise UserError(f"{key}: {year} is not a plausible fiscal year")
    return years


def database_url(value: Any, key: str) -> str:
    text = as_str(value, key)
    if not text:
        return ""
    scheme = urlsplit(text).scheme.split("+")[0]
    if scheme not in {"sqlite", "postgresql", "postgres"}:
        raise UserError(f"{key}: {redact_url(text)!r} is not a sqlite:/// or postgresql:// URL")
    return text


def smtp_url(value: Any, key: str) -> str:
    text = as_str(value, key)
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise UserError(f"{key}: {redact_url(text)!r} is not an smtp:// or smtps:// URL")
    return text


def contact_url(value: Any, key: str) -> str:
    text = as_str(value, key)
    parts = urlsplit(text)
    if text and (parts.scheme not in {"http", "https", "mailto"} or not (parts.netloc or parts.path)):
        raise UserError(f"{key}: {text!r} is not an http(s):// or mailto: URL")
    if any(c in text for c in " ;()"):
        raise UserError(
            f"{key}: {text!r} must not contain spaces, ';' or parentheses (it goes in the User-Agent)"
        )
    return text


def address(value: Any, key: str) -> str:
    text = as_str(value, key)
    if text and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", text.split("<")[-1].rstrip(">")):
        raise UserError(f"{key}: {text!r} is not an e-mail address")
    return text


def base_url(value: Any, key: str) -> str:
    """An http(s) URL without credentials; the trailing slash is dropped. Empty: not set."""
    text = as_str(value, key).strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.query:
        raise UserError(f"{key}: expected an http(s) address like https://leads.example.go.id, got {text!r}")
    return text


def addresses(value: Any, key: str) -> tuple[str, ...]:
    items = as_list(value.replace(";", ",") if isinstance(value, str) else value, key)
    return tuple(address(item, key) for item in items if as_str(item, key))


def clock_time(value: Any, key: str) -> str:
    text = as_str(value, key)
    match = _TIME.match(text)
    if not match:
        raise UserError(f"{key}: {text!r} is not a time of day like 06:00")
    return f"{int(match[1]):02d}:{match[2]}"


def reimport(value: Any, key: str) -> str:
    text = as_str(value, key)
    if not text:
        return ""
    if _TIME.match(text):
        return clock_time(text, key)
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


def optional_path(value: Any, key: str) -> Path | None:
    text = as_str(value, key)
    return Path(text).expanduser() if text else None


def home_folder(value: Any, key: str) -> Path:
    return optional_path(value, key) or DEFAULT_HOME


def readable_file(value: Any, key: str) -> Path | None:
    path = optional_path(value, key)
    if path is not None:
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            raise UserError(f"{key}: cannot read {path} ({exc.strerror})") from None
    return path


def threshold(value: Any, key: str) -> float | int:
    """A `[health]` threshold: a fraction 0–1 or a whole number ≥ 1, by its name."""
    try:
        return check_threshold(key.split(".", 1)[1], value)
    except ValueError as exc:
        raise UserError(f"{key}: {exc}") from None


def scrapy_settings(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise UserError(f"{key}: expected a table of Scrapy settings, got {value!r}")
    for name, item in value.items():
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise UserError(f"{key}.{name}: Scrapy setting names are UPPER_CASE")
        if not isinstance(item, str | int | float | bool):
            raise UserError(f"{key}.{name}: expected a number, string or boolean, got {item!r}")
    return dict(value)
