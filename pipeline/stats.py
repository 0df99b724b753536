"""What the item pipelines share: a crawler-holding base, and drops counted as `lpse/drop/<reason>`."""

from __future__ import annotations

from typing import Any, NoReturn, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import package_key


class CrawlerPipeline:
    """Base of the item pipelines: built by Scrapy with `from_crawler`, keeps the crawler for stats."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Scrapy's constructor hook."""
        return cls(crawler)


def drop(crawler: Crawler, item: Any, reason: str, detail: str = "") -> NoReturn:
    """Count `lpse/drop/<reason>` and raise DropItem naming the package and the reason."""
    if crawler.stats is not None:
        crawler.stats.inc_value(f"lpse/drop/{reason}")
    try:
        key: Any = package_key(item)
    except (AttributeError, KeyError, TypeError):
        key = "?"
    raise DropItem(f"{reason}: {key!r}" + (f" ({detail})" if detail else ""))
