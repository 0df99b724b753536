"""Crawler settings for tests that need detail pages refused: no Referer on detail requests.

The fake SPSE answers 403 "Akses Ditolak!" to a detail request without a Referer, as the real
host does (protocol §9), so a crawl with these settings reads every list and no detail page.
Used as `SCRAPY_SETTINGS_MODULE=tests.health.no_referer` by `lpse-leads crawl`.
"""

from __future__ import annotations

from crawler.settings import *  # noqa: F403
from crawler.settings import DOWNLOADER_MIDDLEWARES as _PROJECT


class DropReferer:
    """Removes the Referer header of announcement and tab requests, just before they are sent."""

    def process_request(self, request):
        if request.meta.get("lpse_page") in ("announcement", "tab"):
            request.headers.pop(b"Referer", None)


DOWNLOADER_MIDDLEWARES = {**_PROJECT, "tests.health.no_referer.DropReferer": 950}
