"""Drop an item with a reason that is counted in the crawl stats (`lpse/drop/<reason>`)."""

from __future__ import annotations

from typing import Any, NoReturn

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import package_key


def drop(crawler: Crawler, item: Any, reason: str, detail: str = "") -> NoReturn:
    """Count `lpse/drop/<reason>` and raise DropItem naming the package and the reason."""
    if crawler.stats is not None:
        crawler.stats.inc_value(f"lpse/drop/{reason}")
    try:
        key: Any = package_key(item)
    except (AttributeError, KeyError, TypeError):
        key = "?"
    raise DropItem(f"{reason}: {key!r}" + (f" ({detail})" if detail else ""))
