"""`EkatalogSpider`: construction bought through e-Katalog v6, from data.inaproc.id's realisation table.

e-Katalog purchases never appear in SPSE lists. The public realisation table
(`/dashboard-api/realisasi/table`, ../shared/docs/inaproc-sources.md §3) has one row per
transaction with the provider's name, the value and `kode_rup`; rows with `sumber_transaksi`
"E-Katalog Versi 6.0" and a construction jenis pengadaan become packages (`source = ekatalog`,
list `ekatalog`, the provider as contract winner). Paging by `offset`/`limit` (100) until a short
page, with the Referer of the site's own page. `-a instansi=D6,D107` reads those governments only;
without it the table is read for every government (assumed: the dashboard's national view).
A row whose fingerprint is stored already becomes a `ListSeenItem` (incremental).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response

from crawler.items import ListSeenItem, PackageItem
from crawler.parsers.inaproc import parse_realisation_page, transaction_is_construction
from crawler.spiders.channel import JsonChannelSpider, row_fingerprint

PAGE_LIMIT = 100


def table_url(site: str, year: int, instansi: str, offset: int) -> str:
    """One page of the realisation table."""
    params = {"tahun": year, "jenis_klpd": "", "instansi": instansi, "offset": offset, "limit": PAGE_LIMIT}
    return f"{site}/dashboard-api/realisasi/table?{urlencode(params)}"


def purchase_item(site: str, row: dict[str, Any], fingerprint: str) -> PackageItem:
    """An e-Katalog construction transaction as a package (the provider holds the contract)."""
    winner: dict[str, Any] = {"name": row["provider_name"]} if row.get("provider_name") else {}
    for key, name in (("value", "contract_value"), ("pdn_value", "pdn_value"), ("umk_value", "umk_value")):
        if winner and row.get(key) is not None:
            winner[name] = row[key]
    return PackageItem(
        site=site,
        list="ekatalog",
        code=row["code"],
        name=row["name"],
        stage=row.get("stage"),
        agency=row.get("agency"),
        work_unit=row.get("work_unit"),
        category=row.get("category"),
        method=row.get("method"),
        fiscal_year=row.get("fiscal_year"),
        funding_source=row.get("funding_source"),
        contract_value=row.get("value"),
        contract_winners=[winner] if winner else [],
        source="ekatalog",
        rup_codes=list(row.get("rup_codes") or []),
        fingerprint=fingerprint,
    )


class EkatalogSpider(JsonChannelSpider):
    """e-Katalog v6 construction purchases: `-a site=https://data.inaproc.id -a year=Y [-a instansi=D6]`."""

    name = "ekatalog"
    source = "ekatalog"

    def __init__(self, instansi: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.instansi = [code.strip() for code in instansi.split(",") if code.strip()] or [""]

    async def start(self) -> AsyncIterator[Request]:
        """Known fingerprints once, then the table of every site (and government)."""
        self.load_known()
        for site in self.sites:
            for instansi in self.instansi:
                yield self._page(site, instansi, 0)

    def _page(self, site: str, instansi: str, offset: int) -> Request:
        return self.json_request(
            table_url(site, self.year, instansi, offset),
            self.parse_page,
            f"realisation table {instansi or 'all'} of {site}",
            {"site": site, "instansi": instansi, "offset": offset},
            headers={"Referer": f"{site}/realisasi"},
        )

    def parse_page(self, response: Response, site: str, instansi: str, offset: int) -> Iterator[object]:
        """e-Katalog construction rows of one page; the next page while pages are full."""
        rows = parse_realisation_page(response.body)
        self.inc("lpse/ekatalog/pages")
        for row in rows:
            self.inc(f"lpse/realisation/{row['channel']}")
            if row["channel"] != "ekatalog" or not transaction_is_construction(row):
                continue
            self.inc("lpse/packages")
            fingerprint = row_fingerprint(row)
            if not self.full and self.known.get((site, row["code"])) == fingerprint:
                self.inc("lpse/list_unchanged")
                yield ListSeenItem(site=site, list="ekatalog", code=row["code"], fingerprint=fingerprint)
                continue
            yield purchase_item(site, row, fingerprint)
        if len(rows) >= PAGE_LIMIT:
            yield self._page(site, instansi, offset + len(rows))
