"""Every host's page-length learner for one crawl: recalled from the store, left in the stats as it learns.

~600 LPSEs share spse.inaproc.id, so what a run finds about the host's page length (it honours
`length=100000`, or it caps pages at n rows; `crawler.paging`) is worth keeping: the next run's
first list call then asks for the right length and spends no check call on a short page the
finding already proves final. The finding comes in through `LPSE_PAGE_LENGTH_LOADER` (the store's
`host_page_lengths` table, `pipeline.page_lengths`) and goes out as the stats value
`lpse/page_lengths` = `{host: Learned.as_json()}`, always current, which the store writes back
when the crawl closes. The crawler never imports the pipeline.

A list ended on trust (`After.TRUSTED`) is remembered with its session token: if this run then
finds that the host caps pages at exactly that size, the list is read on from there.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from crawler.paging import RECHECK_DAYS, After, Learned, PageLength

logger = logging.getLogger(__name__)

#: The stats value holding `{host: finding}` for the store to keep.
PAGE_LENGTH_STATS = "lpse/page_lengths"


def host_of(site: str) -> str:
    """The host (netloc) a site's lists are served from: all national slugs share one."""
    return urlsplit(site).netloc


def load_page_lengths(settings: BaseSettings, hosts: list[str]) -> dict[str, Learned]:
    """The stored findings of these hosts, through LPSE_PAGE_LENGTH_LOADER (empty when none is set).

    The loader is `(settings, hosts) -> {host: {requested, cap, honoured_up_to, learned_at, checked_at}}`."""
    spec = settings.get("LPSE_PAGE_LENGTH_LOADER")
    if not spec:
        return {}
    loader = load_object(spec) if isinstance(spec, str) else spec
    return {host: Learned.from_json(value) for host, value in (loader(settings, hosts) or {}).items()}


@dataclass(frozen=True)
class TrustedEnd:
    """A list this run ended on a remembered finding, and how to read on from there."""

    site: str
    kind: Any  # protocol.ListKind
    rows: int
    token: str


class HostPaging:
    """The learners of every host of one crawl, their remembered findings and the lists ended on trust."""

    def __init__(self, settings: BaseSettings, stats: Any, stored: Mapping[str, Learned] | None = None):
        self.requested = settings.getint("LPSE_DT_PAGE_LENGTH", 100_000)
        self.recheck_days = settings.getfloat("LPSE_PAGE_LENGTH_RECHECK_DAYS", RECHECK_DAYS)
        self.stats = stats
        self.stored = dict(stored or {})
        self.learners: dict[str, PageLength] = {}
        self.trusted_ends: dict[str, list[TrustedEnd]] = {}
        self.noticed: set[str] = set()  # hosts whose change of behaviour was logged

    def learner(self, site: str) -> PageLength:
        """The learner of a site's host, recalled from its stored finding on first use."""
        host = host_of(site)
        learner = self.learners.get(host)
        if learner is None:
            stored = self.stored.get(host)
            learner = PageLength.recalled(self.requested, stored, dt.datetime.now(dt.UTC), self.recheck_days)
            self.learners[host] = learner
            if learner.remembered is not None:
                self.stats.inc_value("lpse/page_length/remembered")
            elif stored is not None:
                self.stats.inc_value("lpse/page_length/recheck")
                logger.info(
                    "Page length of %s: last confirmed %s, older than %g days: checked again",
                    host, stored.checked_at.isoformat(timespec="minutes"), self.recheck_days,
                )  # fmt: skip
        return learner

    def after(
        self, site: str, kind: Any, token: str, rows: int, asked: int, probing_after: int | None
    ) -> tuple[After, list[TrustedEnd]]:
        """The learner's decision after a page, and the lists to read on because a cap was just found."""
        host = host_of(site)
        learner = self.learner(site)
        decision = learner.after(rows, asked, probing_after)
        ends = self.trusted_ends.setdefault(host, [])
        if decision is After.TRUSTED:
            self.stats.inc_value("lpse/page_length/trusted")
            ends.append(TrustedEnd(site, kind, rows, token))
        reread: list[TrustedEnd] = []
        if probing_after is not None and rows and learner.cap is not None:  # a cap found just now
            reread = [end for end in ends if end.rows == learner.cap]
            self.trusted_ends[host] = [end for end in ends if end.rows != learner.cap]
            self.stats.inc_value("lpse/page_length/reread", len(reread))
        if learner.changed and host not in self.noticed:
            self.noticed.add(host)
            self.stats.inc_value("lpse/page_length/changed")
            old = learner.previous
            logger.warning(
                "Page length of %s changed: it %s (stored: it %s); %d list(s) read on",
                host,
                f"caps list pages at {learner.cap:,} rows" if learner.cap_found else "sends longer pages",
                old.describe() if old else "?",
                len(reread),
            )
        self._publish()
        return decision, reread

    def _publish(self) -> None:
        """Leave every host's current finding in the stats, for the store to keep."""
        now = dt.datetime.now(dt.UTC)
        found = {host: learner.learned(now) for host, learner in self.learners.items()}
        self.stats.set_value(PAGE_LENGTH_STATS, {h: f.as_json() for h, f in sorted(found.items()) if f})
