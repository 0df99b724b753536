"""Typed items the SPSE spider yields, their natural key, and the list-row fingerprint.

`PackageItem` carries the full package record of docs/package-format.md (the same shape as
`--jsonl`, the fake's truth and the DB export); `ListSeenItem` says "this package is still
listed and its list row did not change", so the store can bump `last_seen` without any
detail request. Both share one natural key, `(site, code)`, computed by `package_key`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from crawler import refetch

__all__ = ["ListSeenItem", "PackageItem", "PlanItem", "list_fingerprint", "package_key", "package_record"]


@dataclass
class PackageItem:
    """One construction package as read from its list row and detail pages.

    Optional values that the pages do not show stay `None` and are left out of the record
    (never guessed); list-valued fields are always present, possibly empty. Money is Decimal.
    """

    site: str
    list: str
    code: str
    name: str | None = None
    flags: list[str] = field(default_factory=list)
    stage: str | None = None
    agency: str | None = None
    work_unit: str | None = None
    category: str | None = None
    method: str | None = None
    fiscal_year: int | None = None
    funding_source: str | None = None
    budget_value: Decimal | None = None
    estimate_value: Decimal | None = None
    contract_value: Decimal | None = None
    realised_value: Decimal | None = None
    locations: list[str] = field(default_factory=list)
    qualification: str | None = None
    winners: list[dict[str, Any]] = field(default_factory=list)
    contract_winners: list[dict[str, Any]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    #: The channel: None for SPSE (left out of the record), `ekatalog`, `inaproc-api`.
    source: str | None = None
    #: SiRUP RUP codes the channel links the package to (left out of the record when empty).
    rup_codes: list[str] = field(default_factory=list)
    #: `list_fingerprint` of the list row this package was read from: the store keeps it for
    #: the next incremental crawl. Crawl metadata, so not part of the package record.
    fingerprint: str | None = None


@dataclass
class ListSeenItem:
    """A package still in its list whose row fingerprint matches the stored one (no detail fetched)."""

    site: str
    list: str
    code: str
    fingerprint: str


#: List-valued record keys left out when empty (only some channels have them).
OPTIONAL_LISTS = frozenset({"rup_codes"})
#: The record keys of docs/package-format.md, in PackageItem order.
PACKAGE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PackageItem) if f.name != "fingerprint")


def package_key(item: PackageItem | ListSeenItem | Mapping[str, Any]) -> tuple[str, str]:
    """The natural key `(site, code)` of a package item, a ListSeenItem or a record dict."""
    if isinstance(item, Mapping):
        return (item["site"], item["code"])
    return (item.site, item.code)


def package_record(item: PackageItem) -> dict[str, Any]:
    """The record of docs/package-format.md: absent optional values left out, lists always present."""
    record: dict[str, Any] = {}
    for name in PACKAGE_FIELDS:
        value = getattr(item, name)
        if value is None or (name in OPTIONAL_LISTS and not value):
            continue
        record[name] = (
            [dict(v) if isinstance(v, Mapping) else v for v in value] if isinstance(value, list) else value
        )
    return record


def list_fingerprint(row: Mapping[str, Any]) -> str:
    """A stable hash of the list-row fields that signal a change worth re-reading the details.

    Covers stage + badge flags, the name, the rounded HPS/pagu and the contract value column, one
    short hash each (`v2:<stage>.<name>.<value>.<contract>`, crawler/refetch.py), so that a
    changed row also says which pages it needs. `row` is a row of `crawler.parsers.parse_list`.
    """
    return refetch.list_fingerprint(row)


@dataclass
class PlanItem:
    """A SiRUP planned package (docs/package-format.md, plan records): early warning, never a lead.

    `code` is the RUP code; `locations` holds SiRUP's `lokasi` as shown (`Province, Kab/Kota (Kota)`).
    """

    site: str
    code: str
    name: str
    category: str | None = None
    method: str | None = None
    fiscal_year: int | None = None
    funding_source: str | None = None
    budget_value: Decimal | None = None
    agency: str | None = None
    agency_code: str | None = None
    work_unit: str | None = None
    locations: list[str] = field(default_factory=list)
    planned_month: str | None = None

    def record(self) -> dict[str, Any]:
        """The plan record: `source` = sirup, absent values left out."""
        out: dict[str, Any] = {"source": "sirup"}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = list(value) if isinstance(value, list) else value
        return out
