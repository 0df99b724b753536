"""Scrapy's item log lines without the item: the package key and the reason, NPWPs masked.

Scrapy's default `LogFormatter` writes the whole item into the log when it is scraped (DEBUG),
dropped (WARNING) or fails in a pipeline (ERROR): every winner's name, address and NPWP. A
personal NPWP is personal data, and logs travel further than the database, so this formatter
names an item by its natural key only and passes the drop reason through
`domain.npwp.mask_npwp_for_log`. Set as `LOG_FORMATTER` in crawler/settings.py.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from crawler.items import ListSeenItem, PackageItem
from domain.npwp import mask_npwp_for_log


def item_label(item: Any) -> str:
    """`package <site> <code>` (or `list row …`) for our items, the type name for anything else."""
    if isinstance(item, PackageItem | ListSeenItem):
        kind = "package" if isinstance(item, PackageItem) else "unchanged list row"
        return f"{kind} {item.site} {item.code}"
    return type(item).__name__


def _source(response: Response | Failure | None) -> str:
    """Where the item came from: the response URL, a failure's message, or the spider's start."""
    if response is None:
        return "start"
    if isinstance(response, Failure):
        return mask_npwp_for_log(response.getErrorMessage())
    return response.url


class LpseLogFormatter(LogFormatter):
    """Item log lines that name the item by its key; drop reasons with NPWPs masked."""

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        """DEBUG `Scraped package <site> <code> from <url>`."""
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(item)s from %(src)s",
            "args": {"item": item_label(item), "src": _source(response)},
        }

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        """`Dropped package <site> <code>: <reason>` at the level Scrapy would use."""
        result = super().dropped(item, exception, response, spider)
        return {
            "level": result["level"],
            "msg": "Dropped %(item)s: %(reason)s",
            "args": {"item": item_label(item), "reason": mask_npwp_for_log(exception)},
        }

    def item_error(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        """ERROR `Error processing package <site> <code>` (Scrapy adds the traceback)."""
        return {
            "level": logging.ERROR,
            "msg": "Error processing %(item)s",
            "args": {"item": item_label(item)},
        }
