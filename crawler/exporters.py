"""The JSON-lines output of a crawl: one `domain.jsonio` record per PackageItem.

A feed exporter (not a pipeline), so the pipeline chain owned by pipeline/ needs no slot for
it; registered as format `lpsejsonl` in FEED_EXPORTERS. Scrapy's own JSON exporters write
Decimal through float, which loses sen; `dumps_record` writes money as exact JSON numbers.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from scrapy.exporters import BaseItemExporter

from crawler.items import PackageItem, PlanItem, package_record
from domain.jsonio import dumps_record


class PackageJsonLinesExporter(BaseItemExporter):
    """Writes one record + newline for every PackageItem (and SiRUP PlanItem); skips other items."""

    def __init__(self, file: BinaryIO, **kwargs: Any):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def export_item(self, item: Any) -> None:
        if isinstance(item, PlanItem):
            record = item.record()
        elif isinstance(item, PackageItem):
            record = package_record(item)
        else:
            return
        self.file.write((dumps_record(record) + "\n").encode("utf-8"))
