"""Pipeline 300: drop a package seen twice in one crawl (same site and code), counted `lpse/drop/duplicate`.

A package can show in two lists or twice across DataTables pages when rows shift during the
crawl; the first one read wins. Across crawls the store's upsert on (site, code) keeps one row.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import ListSeenItem, PackageItem, package_key
from pipeline.stats import CrawlerPipeline, drop


class DeduplicatePipeline(CrawlerPipeline):
    """Remembers the (kind, site, code) keys of this crawl and drops repeats."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: set[tuple[str, str, str]] = set()

    def process_item(self, item: Any) -> Any:
        """Pass the first item of each package; DropItem for the rest."""
        if not isinstance(item, PackageItem | ListSeenItem):
            return item
        key = (type(item).__name__, *package_key(item))
        if key in self.seen:
            drop(self.crawler, item, "duplicate")
        self.seen.add(key)
        return item
