"""`InaprocApiSpider`: contracts from the keyed INAPROC API Gateway (`data.inaproc.id/api/v1`).

The official, durable path (BPJS and LKPP signed an MoU in May 2025): contracts with the SPSE kode,
the provider's unmasked 16-digit NPWP, the exact contract value and the signing date
(../shared/docs/inaproc-sources.md §4-5). Bearer token from the `INAPROC_API_TOKEN` setting
(`inaproc.api_token` in the configuration; never logged); cursor paging with `limit` 1000.
Each contract becomes a package (`source = inaproc-api`, list `kontrak`, code = the SPSE kode) whose
contract winner carries the NPWP-16, so the SPSE package with the same kode gains a matchable NPWP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response

from crawler.inaproc_access import HOW_TO_GET_A_TOKEN, TOKEN_SETTING
from crawler.items import ListSeenItem, PackageItem
from crawler.parsers.inaproc import parse_api_contract, parse_api_page
from crawler.spiders.channel import JsonChannelSpider, row_fingerprint

PAGE_LIMIT = 1000


def contract_item(site: str, row: dict[str, Any], fingerprint: str) -> PackageItem:
    """A contract as a package with its holder (NPWP-16) and the signing date as a stage."""
    winner = {
        k: row[k] for k in ("provider_name", "npwp", "contract_value", "pdn_value", "umk_value") if k in row
    }
    if "provider_name" in winner:
        winner["name"] = winner.pop("provider_name")
    signed = row.get("signed_on")
    stages = [{"name": "Penandatanganan Kontrak", "start": signed, "end": signed}] if signed else []
    return PackageItem(
        site=site,
        list="kontrak",
        code=row["tender_code"],
        name=row.get("name"),
        agency=row.get("agency"),
        work_unit=row.get("work_unit"),
        fiscal_year=row.get("fiscal_year"),
        contract_value=row.get("contract_value"),
        contract_winners=[winner] if winner else [],
        stages=stages,
        source="inaproc-api",
        fingerprint=fingerprint,
    )


class InaprocApiSpider(JsonChannelSpider):
    """Contracts from the API Gateway: `-a site=https://data.inaproc.id -a year=Y`, token in settings."""

    name = "inaproc-api"
    source = "inaproc-api"

    async def start(self) -> AsyncIterator[Request]:
        """Refuse without a token (saying how to get one); else page every site's contracts."""
        token = self.settings.get(TOKEN_SETTING)
        if not token:
            self.logger.error(HOW_TO_GET_A_TOKEN)
            self.inc("lpse/list_failed/no_api_token")
            raise CloseSpider("no_api_token")
        self.token = token
        self.load_known()
        for site in self.sites:
            yield self._page(site, None)

    def _page(self, site: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {"tahun": self.year, "limit": PAGE_LIMIT}
        if cursor:
            params["cursor"] = cursor
        return self.json_request(
            f"{site}/api/v1/tender/kontrak?{urlencode(params)}",
            self.parse_page,
            f"API contracts of {site}",
            {"site": site},
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )

    def parse_page(self, response: Response, site: str) -> Iterator[object]:
        """Contracts of one page; the next page while the API says there are more."""
        rows, cursor = parse_api_page(response.body)
        self.inc("lpse/inaproc-api/pages")
        for raw in rows:
            row = parse_api_contract(raw)
            self.inc("lpse/packages")
            fingerprint = row_fingerprint(row)
            if not self.full and self.known.get((site, row["tender_code"])) == fingerprint:
                self.inc("lpse/list_unchanged")
                yield ListSeenItem(
                    site=site, list="kontrak", code=row["tender_code"], fingerprint=fingerprint
                )
                continue
            yield contract_item(site, row, fingerprint)
        if cursor:
            yield self._page(site, cursor)
