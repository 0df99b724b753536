"""`SirupSpider`: planned construction packages from SiRUP (`sirup.inaproc.id`), early warning.

Recipe per site: GET `/sirup/caripaketctr/search` for the year, one pass per construction jenis
pengadaan (Pekerjaan Konstruksi, construction consultancy), DataTables paging by `start`/`length`
(100 rows, the most the host is known to honour) up to `recordsFiltered`, the query a browser sends
(../shared/docs/inaproc-sources.md §2). Every record becomes a `PlanItem`; nothing else is fetched,
so a day's crawl costs ceil(plans / 100) requests per pass whatever changed (SiRUP has no "changed
since" filter); the store writes only what changed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlencode

from scrapy.http import Request, Response

from crawler.items import PlanItem
from crawler.parsers.inaproc import parse_sirup_page
from crawler.spiders.channel import JsonChannelSpider

#: `jenisPengadaan` ids of the construction categories (2 and 3 assumed: only 1 = Barang is captured).
CONSTRUCTION_KINDS = {"2": "Pekerjaan Konstruksi", "3": "Jasa Konsultansi Badan Usaha Konstruksi"}
PAGE_LENGTH = 100
_COLUMNS = ("paket", "pagu", "jenisPengadaan", "isPDN", "isUMK", "metode", "pemilihan", "kldi")
_COLUMNS += ("satuanKerja", "lokasi", "id")


def search_url(site: str, year: int, kind: str, start: int, draw: int) -> str:
    """The `caripaketctr/search` URL a browser asks for one page."""
    params: list[tuple[str, str | int]] = [("tahunAnggaran", year), ("jenisPengadaan", kind)]
    params += [(name, "") for name in ("metodePengadaan", "minPagu", "maxPagu", "bulan", "lokasi", "kldi")]
    params += [("pdn", ""), ("ukm", ""), ("draw", draw)]
    params += [(f"columns[{i}][data]", name) for i, name in enumerate(_COLUMNS)]
    params += [("order[0][column]", 5), ("order[0][dir]", "DESC"), ("start", start), ("length", PAGE_LENGTH)]
    params += [("search[value]", ""), ("_", int(time.time() * 1000))]
    return f"{site}/sirup/caripaketctr/search?{urlencode(params)}"


class SirupSpider(JsonChannelSpider):
    """SiRUP plans of construction: `-a site=https://sirup.inaproc.id -a year=Y`."""

    name = "sirup"
    source = "sirup"

    async def start(self) -> AsyncIterator[Request]:
        """One pass per site and construction category."""
        for site in self.sites:
            for kind in CONSTRUCTION_KINDS:
                yield self._page(site, kind, 0, 1)

    def _page(self, site: str, kind: str, start: int, draw: int) -> Request:
        return self.json_request(
            search_url(site, self.year, kind, start, draw),
            self.parse_page,
            f"SiRUP {CONSTRUCTION_KINDS[kind]} of {site}",
            {"site": site, "kind": kind, "start": start, "draw": draw},
            headers={"Referer": f"{site}/sirup/caripaketctr/index", "X-Requested-With": "XMLHttpRequest"},
        )

    def parse_page(self, response: Response, site: str, kind: str, start: int, draw: int) -> Iterator[object]:
        """Plans of one page; the next page while `recordsFiltered` says there are more."""
        total, plans = parse_sirup_page(response.body)
        self.inc("lpse/sirup/pages")
        for plan in plans:
            if plan.get("category") not in CONSTRUCTION_KINDS.values():
                self.inc("lpse/sirup/not_construction")
                continue
            self.inc("lpse/plans")
            yield PlanItem(
                site=site,
                code=plan["rup_code"],
                name=plan["name"],
                category=plan.get("category"),
                method=plan.get("method"),
                fiscal_year=self.year,
                funding_source=plan.get("funding_source"),
                budget_value=plan.get("budget_value"),
                agency=plan.get("agency"),
                agency_code=plan.get("agency_code"),
                work_unit=plan.get("work_unit"),
                locations=[plan["location"]] if plan.get("location") else [],
                planned_month=plan.get("planned_month"),
            )
        if plans and start + len(plans) < total:
            yield self._page(site, kind, start + len(plans), draw + 1)
