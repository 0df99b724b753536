"""The hosts' page lengths kept between crawls: read at spider start, written when the crawl closes.

What a crawl finds about a host's list pages (it honours the long page, or caps it at n rows;
`crawler.paging`) saves a check call per run on a host that ~600 LPSEs share. The spider reads
the findings through `LPSE_PAGE_LENGTH_LOADER = "pipeline.page_lengths.load_page_lengths"` and
leaves its own in the stats (`lpse/page_lengths`); `StorePipeline` writes them back here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, insert, select, update

from crawler.paging import Learned
from pipeline.models import HostPageLength
from pipeline.state import read_crawl_database

_COLUMNS = ("requested", "cap", "honoured_up_to", "learned_at", "checked_at")


def load_page_lengths(settings: Any, hosts: list[str]) -> dict[str, dict[str, Any]]:
    """`{host: finding}` of the given hosts from the crawl's database; empty without one."""
    return read_crawl_database(settings, lambda engine: page_lengths(engine, hosts), {})


def page_lengths(engine: Engine, hosts: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Stored findings, of some hosts or of all."""
    query = select(HostPageLength)
    if hosts is not None:
        query = query.where(HostPageLength.host.in_(hosts))
    with engine.connect() as connection:
        rows = connection.execute(query).mappings()
        return {row["host"]: {name: row[name] for name in _COLUMNS} for row in rows}


def save_page_lengths(engine: Engine, found: Mapping[str, Mapping[str, Any]]) -> int:
    """Store each host's finding (`Learned.as_json()` form) in one transaction; returns rows changed."""
    changed = 0
    with engine.begin() as connection:
        stored = {
            row.host: row
            for row in connection.execute(
                select(HostPageLength).where(HostPageLength.host.in_(list(found)))
            )
        }
        for host, value in sorted(found.items()):
            learned = Learned.from_json(value)
            values = {
                "requested": learned.requested,
                "cap": learned.cap,
                "honoured_up_to": learned.honoured_up_to,
                "learned_at": learned.learned_at,
                "checked_at": learned.checked_at,
            }
            old = stored.get(host)
            if old is None:
                connection.execute(insert(HostPageLength).values(host=host, **values))
            elif any(getattr(old, name) != values[name] for name in _COLUMNS):
                connection.execute(update(HostPageLength).where(HostPageLength.host == host).values(**values))
            else:
                continue
            changed += 1
    return changed
