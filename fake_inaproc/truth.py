"""The records a perfect crawl of each channel writes for the fake's world (docs/package-format.md).

`sirup`: one plan record per planned construction package (construction works and construction
consultancy); `ekatalog`: one package record per construction purchase of the realisation table's
e-Katalog v6 rows; `inaproc-api`: one package record per contract the API carries. Values as the
channel shows them: text whitespace-collapsed, money exact, NPWP digits only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domain.text import clean_text
from fake_inaproc import answers
from fake_inaproc.world import CONSTRUCTION, SATKER, Plan, Transaction, World

SOURCES = ("sirup", "ekatalog", "inaproc-api")


def plan_record(plan: Plan, site: str, year: int) -> dict[str, Any]:
    """A SiRUP plan record."""
    row = answers.sirup_record(plan, year)
    return {
        "source": "sirup",
        "site": site,
        "code": plan.rup_code,
        "name": clean_text(plan.name),
        "category": plan.category,
        "method": plan.method,
        "fiscal_year": year,
        "funding_source": plan.funding,
        "budget_value": plan.pagu,
        "agency": plan.government.name,
        "agency_code": plan.government.code,
        "work_unit": clean_text(row["satuanKerja"]),
        "locations": [plan.government.lokasi],
        "planned_month": f"{year:04d}-{plan.month:02d}",
    }


def purchase_record(plan: Plan, t: Transaction, world: World, site: str) -> dict[str, Any]:
    """An e-Katalog construction purchase as the realisation table shows it today."""
    row = answers.realisation_row(plan, t, world)
    winner: dict[str, Any] = {"name": clean_text(t.provider.name), "contract_value": t.value}
    winner["pdn_value"] = t.value
    if row["nilai_umk"] is not None:
        winner["umk_value"] = t.value
    return {
        "source": "ekatalog",
        "site": site,
        "list": "ekatalog",
        "code": t.code,
        "name": clean_text(plan.name),
        "flags": [],
        "stage": row["tahapan_pengadaan"],
        "agency": plan.government.table_name,
        "work_unit": SATKER[plan.satker][0],
        "category": plan.category,
        "method": plan.method,
        "fiscal_year": world.year,
        "funding_source": plan.funding,
        "contract_value": t.value,
        "rup_codes": [plan.rup_code],
        "locations": [],
        "winners": [],
        "contract_winners": [winner],
        "stages": [],
    }


def contract_record(plan: Plan, t: Transaction, world: World, site: str) -> dict[str, Any]:
    """A contract as the API carries it: the SPSE kode, NPWP-16, the exact value and the signing date."""
    winner: dict[str, Any] = {
        "name": clean_text(t.provider.name),
        "npwp": t.provider.npwp16,
        "contract_value": t.contract_value,
        "pdn_value": t.contract_value,
    }
    if plan.pagu <= answers.UMK_LIMIT:
        winner["umk_value"] = t.contract_value
    day = t.signed_on.isoformat()
    return {
        "source": "inaproc-api",
        "site": site,
        "list": "kontrak",
        "code": t.code,
        "name": clean_text(plan.name),
        "flags": [],
        "agency": plan.government.name,
        "work_unit": SATKER[plan.satker][0],
        "fiscal_year": world.year,
        "contract_value": t.contract_value,
        "locations": [],
        "winners": [],
        "contract_winners": [winner],
        "stages": [{"name": "Penandatanganan Kontrak", "start": day, "end": day}],
    }


def truth_records(world: World, site: str, sources: tuple[str, ...] = SOURCES) -> Iterator[dict[str, Any]]:
    """Every record of the wanted channels today, channel by channel, in code order."""
    if "sirup" in sources:
        for plan in world.plans():
            if plan.category in CONSTRUCTION:
                yield plan_record(plan, site, world.year)
    pairs = world.transactions()
    if "ekatalog" in sources:
        for plan, t in pairs:
            if t.channel == "ekatalog" and plan.category in CONSTRUCTION:
                yield purchase_record(plan, t, world, site)
    if "inaproc-api" in sources:
        for plan, t in pairs:
            if t.channel != "ekatalog" and world.day >= t.awarded_day:
                yield contract_record(plan, t, world, site)
