"""Pipeline 400: store packages in the lead database in batches (one transaction each).

Batches flush by size (`LPSE_STORE_BATCH_SIZE`), by age (`LPSE_STORE_FLUSH_SECONDS`, also
checked by a timer so a quiet crawl does not hold items) and at close. Each package is stored
with its list fingerprint in the same transaction (`pipeline.writer`), so the incremental state
never claims a package that was not written. The crawl is recorded in `crawl_runs`.
The database URL comes from the `LPSE_LEADS_DB` setting; without one this pipeline is off.

A batch whose connection dropped (PostgreSQL restarted, connection killed) is written again on
a new connection (`pipeline.retry`, `LPSE_STORE_RETRY_TIMES`, `LPSE_STORE_RETRY_BACKOFF`). When
the database stays away the crawl stops with ONE error line (finish reason
`database_unavailable`); nothing unwritten has a fingerprint, so the next crawl fetches it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Self, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.engine import make_url
from twisted.internet import task

from crawler.health import HEALTH_STATS
from crawler.items import ListSeenItem, PackageItem, PlanItem, package_record
from crawler.page_memory import PAGE_LENGTH_STATS
from dbschema import SchemaNotCurrent, ensure_schema
from pipeline.db import make_engine
from pipeline.health import THRESHOLDS_SETTING, VERDICT_STATS, record_site_health
from pipeline.health_rules import Thresholds
from pipeline.page_lengths import save_page_lengths
from pipeline.plan_writer import PlanWriter
from pipeline.retry import DatabaseUnavailable, retry_on_disconnect
from pipeline.runs import finish_run, start_run
from pipeline.state import DB_SETTING
from pipeline.writer import BatchResult, PackageWriter, SeenPackage

logger = logging.getLogger(__name__)
T = TypeVar("T")
#: The finish reason of a crawl stopped because the database stayed unreachable.
DATABASE_UNAVAILABLE = "database_unavailable"


class StorePipeline:
    """Collects package and list-seen items and writes them with `PackageWriter` in batches."""

    def __init__(self, crawler: Crawler, url: str) -> None:
        self.crawler = crawler
        self.url = url
        settings = crawler.settings
        self.batch_size = settings.getint("LPSE_STORE_BATCH_SIZE", 500)
        self.flush_seconds = settings.getfloat("LPSE_STORE_FLUSH_SECONDS", 5.0)
        self.retry_times = settings.getint("LPSE_STORE_RETRY_TIMES", 5)
        self.retry_backoff = settings.getfloat("LPSE_STORE_RETRY_BACKOFF", 1.0)
        # The sites' health is judged with these (ValueError at start, not at the end of a crawl).
        self.thresholds = Thresholds.from_mapping(settings.getdict(THRESHOLDS_SETTING))
        self.where = make_url(url).render_as_string(hide_password=True)
        #: Set when the database stayed unreachable: nothing more is stored in this crawl.
        self.failed = False
        self.packages: list[tuple[dict[str, Any], str | None]] = []
        self.seen: list[SeenPackage] = []
        self.plans: list[dict[str, Any]] = []
        self.plan_writer: PlanWriter | None = None
        self.last_flush = time.monotonic()
        self.writer: PackageWriter | None = None
        self.run_id: int | None = None
        self.timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Off (NotConfigured) when no database URL is set."""
        url = crawler.settings.get(DB_SETTING)
        if not url:
            raise NotConfigured(f"{DB_SETTING} is not set: packages are not stored")
        pipeline = cls(crawler, url)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Open the database (schema current), start the crawl run and the flush timer."""
        engine = make_engine(self.url)
        try:
            ensure_schema(engine)
        except SchemaNotCurrent as exc:
            raise CloseSpider(str(exc)) from exc
        spider = self.crawler.spider
        sites = list(getattr(spider, "sites", []) or [])
        year = getattr(spider, "year", None)
        full = bool(getattr(spider, "full", False))
        try:
            self.run_id = self._retry(lambda: start_run(engine, sites, year, full), "opening the crawl run")
        except DatabaseUnavailable as exc:
            engine.dispose()
            logger.error("Not crawling: %s", exc)
            raise CloseSpider(DATABASE_UNAVAILABLE) from exc
        self.writer = PackageWriter(engine, run_id=self.run_id)
        self.plan_writer = PlanWriter(engine, self.writer.site_ids, run_id=self.run_id)
        self.timer = task.LoopingCall(self._flush_if_due)
        self.timer.start(min(1.0, self.flush_seconds), now=False)

    def _retry(self, work: Callable[[], T], what: str) -> T:
        """`work()` (one transaction), again on a new connection if the old one dropped."""
        return retry_on_disconnect(
            work, what=what, where=self.where, attempts=self.retry_times, backoff=self.retry_backoff
        )

    def _give_up(self, exc: DatabaseUnavailable) -> None:
        """Log the problem in one line and stop the crawl (once); later items are not stored."""
        if self.failed:
            return
        self.failed = True
        self.packages, self.seen, self.plans = [], [], []
        logger.error("Stopping the crawl: %s. Run the crawl again to fetch what was not stored.", exc)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("lpse/store/failed", str(exc))
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no crawl is running (the pipeline driven by hand)
            return
        if engine.running:
            deferred_from_coro(engine.close_spider_async(reason=DATABASE_UNAVAILABLE))

    def process_item(self, item: Any) -> Any:
        """Queue the item; flush when the batch is full or old."""
        if self.failed:
            return item
        if isinstance(item, PackageItem):
            self.packages.append((package_record(item), getattr(item, "fingerprint", None)))
        elif isinstance(item, ListSeenItem):
            self.seen.append(SeenPackage(item.site, item.code, item.fingerprint))
        elif isinstance(item, PlanItem):
            self.plans.append(item.record())
        else:
            return item
        if len(self.packages) + len(self.seen) + len(self.plans) >= self.batch_size:
            self.flush()
        else:
            self._flush_if_due()
        return item

    def _flush_if_due(self) -> None:
        """Flush when the oldest queued item has waited `flush_seconds`."""
        queued = self.packages or self.seen or self.plans
        if queued and time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> BatchResult | None:
        """Write the queued items in one transaction and count what happened."""
        self.last_flush = time.monotonic()
        if not (self.packages or self.seen or self.plans) or self.writer is None:
            return None
        if self.failed:
            return None
        if self.plans and not self._flush_plans():
            return None
        if not (self.packages or self.seen):
            return None
        packages, seen = self.packages, self.seen
        self.packages, self.seen = [], []
        writer = self.writer
        what = f"the batch of {len(packages)} packages and {len(seen)} unchanged list rows"
        try:
            result = self._retry(lambda: writer.write(packages, seen), what)
        except DatabaseUnavailable as exc:
            self._give_up(exc)
            return None
        stats = self.crawler.stats
        if stats is not None:
            for name in ("inserted", "changed", "unchanged", "seen", "changes"):
                stats.inc_value(f"lpse/store/{name}", getattr(result, name))
            stats.inc_value("lpse/store/batches")
        return result

    def _flush_plans(self) -> bool:
        """Write the queued SiRUP plans (one transaction); False when the database stayed away."""
        plans, self.plans = self.plans, []
        writer = self.plan_writer
        assert writer is not None
        try:
            result = self._retry(lambda: writer.write(plans), f"the batch of {len(plans)} plans")
        except DatabaseUnavailable as exc:
            self._give_up(exc)
            return False
        stats = self.crawler.stats
        if stats is not None:
            for name in ("inserted", "changed", "unchanged", "relinked"):
                stats.inc_value(f"lpse/store/plans_{name}", getattr(result, name))
        return True

    def close_spider(self) -> None:
        """Stop the timer and write what is left (the run is closed at `spider_closed`)."""
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush()

    def spider_closed(self, reason: str) -> None:
        """Close the run with Scrapy's finish reason and stats, then release the database."""
        if self.writer is None or self.run_id is None:
            return
        stats = self.crawler.stats
        engine, run_id, thresholds = self.writer.engine, self.run_id, self.thresholds
        planning = bool(getattr(self.crawler.spider, "plan", False))  # list calls only: nothing to judge
        if reason == "finished" and not planning and stats is not None and stats.get_value(HEALTH_STATS):
            year = getattr(self.crawler.spider, "year", None)
            health = stats.get_value(HEALTH_STATS)
            try:
                verdicts = self._retry(
                    lambda: record_site_health(engine, run_id, year, health, thresholds=thresholds),
                    "storing the sites' health",
                )
                stats.set_value(VERDICT_STATS, verdicts)
            except DatabaseUnavailable as exc:
                logger.error("The sites' health of crawl run %d is not stored: %s", run_id, exc)
        found = stats.get_value(PAGE_LENGTH_STATS) if stats is not None and not planning else None
        if found:  # what the hosts do with a long page, for the next crawl (however this one ended)
            try:
                saved = self._retry(lambda: save_page_lengths(engine, found), "storing the page lengths")
                stats.set_value("lpse/page_length/stored", saved)
            except DatabaseUnavailable as exc:
                logger.error("The page lengths of crawl run %d are not stored: %s", run_id, exc)
        values = dict(stats.get_stats()) if stats is not None else {}
        try:
            self._retry(lambda: finish_run(engine, run_id, reason, values), "closing the crawl run")
        except DatabaseUnavailable as exc:
            logger.error("The crawl run %d stays open: %s", run_id, exc)
        finally:
            engine.dispose()
