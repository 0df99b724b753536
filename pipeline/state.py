"""The incremental-crawl state the spider reads once at start: (site, code) → list-row fingerprint.

Named in the Scrapy setting `LPSE_STATE_LOADER = "pipeline.state.load_fingerprints"`. The
fingerprint is written with its package in one transaction (`pipeline.writer`), so a package
whose write never committed has no fingerprint here and is fetched again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import Engine, select

from dbschema import ensure_schema
from pipeline.db import make_engine
from pipeline.models import Package, Site
from pipeline.rebuild import package_query, rebuild_records

#: The Scrapy setting holding the database URL (the crawl command sets it from `--db`).
DB_SETTING = "LPSE_LEADS_DB"
#: The Scrapy setting that forces a full crawl (ignore stored fingerprints).
FULL_SETTING = "LPSE_FULL"
T = TypeVar("T")


def read_crawl_database(settings: Any, read: Callable[[Engine], T], default: T) -> T:
    """`read(engine)` on the crawl's database (`DB_SETTING`), through a short-lived engine whose
    schema is checked first; `default` when the crawl has no database."""
    url = settings.get(DB_SETTING)
    if not url:
        return default
    engine = make_engine(url, immediate=False)
    try:
        ensure_schema(engine)
        return read(engine)
    finally:
        engine.dispose()


def load_fingerprints(settings: Any, sites: list[str]) -> Mapping[tuple[str, str], str]:
    """Stored fingerprints of the given sites' packages; empty without a database or for a full crawl."""
    if settings.getbool(FULL_SETTING):
        return {}
    return read_crawl_database(settings, lambda engine: fingerprints(engine, sites), {})


def fingerprints(engine: Any, sites: list[str]) -> dict[tuple[str, str], str]:
    """(site, code) → fingerprint for packages of `sites` that have one."""
    query = (
        select(Site.url, Package.code, Package.list_fingerprint)
        .join(Site, Site.id == Package.site_id)
        .where(Site.url.in_(sites), Package.list_fingerprint.is_not(None))
    )
    with engine.connect() as connection:
        return {(site, code): fp for site, code, fp in connection.execute(query)}


class RecordReader:
    """Reads one stored package record (docs/package-format.md) by (site, code), on demand.

    Named (as `pipeline.state.record_reader`) in the Scrapy setting `LPSE_RECORD_READER`: the
    spider asks it only for packages whose list row changed, to read just the pages the change
    needs (crawler/refetch.py) and keep everything else as stored.
    """

    def __init__(self, engine: Any):
        self.engine = engine

    def __call__(self, site: str, code: str) -> dict[str, Any] | None:
        query = package_query().where(Site.url == site, Package.code == code)
        with self.engine.connect() as connection:
            rows = list(connection.execute(query))
            if not rows:
                return None
            return rebuild_records(connection, rows)[rows[0].id]

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def record_reader(settings: Any) -> RecordReader | None:
    """A `RecordReader` on the crawl's database; None without one or for a full crawl."""
    url = settings.get(DB_SETTING)
    if not url or settings.getbool(FULL_SETTING):
        return None
    return RecordReader(make_engine(url, immediate=False))
