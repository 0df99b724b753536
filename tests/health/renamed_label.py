"""Crawler settings for tests of a layout change: the announcement's "Lokasi Pekerjaan" label renamed.

A middleware rewrites the label in every announcement page as it arrives, the way a new SPSE
version renaming a label would: the parser then finds no location (no error), so the crawl
finishes and only the share of packages with a location drops. Used as
`SCRAPY_SETTINGS_MODULE=tests.health.renamed_label` by `lpse-leads crawl`.
"""

from __future__ import annotations

from crawler.settings import *  # noqa: F403
from crawler.settings import DOWNLOADER_MIDDLEWARES as _PROJECT


class RenameLocationLabel:
    """Announcement pages come with `Lokasi Pekerjaan` renamed to `Tempat Kerja`."""

    def process_response(self, request, response):
        if request.meta.get("lpse_page") != "announcement":
            return response
        return response.replace(body=response.body.replace(b"Lokasi Pekerjaan", b"Tempat Kerja"))


# 580: after decompression (590), before the health count (560) and the spider see the page.
DOWNLOADER_MIDDLEWARES = {**_PROJECT, "tests.health.renamed_label.RenameLocationLabel": 580}
