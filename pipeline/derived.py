"""Locations a channel does not show, derived for routing: from the linked SiRUP plan, else the satker's
government region, always marked (`package_locations.derived_from` = `sirup` | `satker`).

e-Katalog and API rows carry no Lokasi Pekerjaan (../shared/docs/inaproc-sources.md §3); the plan
(joined by `kode_rup`) has one, resolved to kab/kota when it was stored. A derived row is never part
of the package record (pipeline.rebuild leaves it out), so deriving never shows up as a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from pipeline.bulkio import chunks
from pipeline.locations import resolve_location
from pipeline.models import Plan

#: (raw, kabkota_code, kabkota_name, province_code, province_name, confidence, derived_from)
DerivedRow = tuple[str, str | None, str | None, str | None, str | None, str, str]


def plan_locations(connection: Connection, rup_codes: Iterable[str]) -> dict[str, DerivedRow]:
    """RUP code → the stored plan's resolved location, for the codes that have a plan with one."""
    wanted = sorted(set(rup_codes))
    out: dict[str, DerivedRow] = {}
    columns = (
        Plan.rup_code,
        Plan.location,
        Plan.kabkota_code,
        Plan.kabkota_name,
        Plan.province_code,
        Plan.province_name,
        Plan.location_confidence,
    )
    for chunk in chunks(wanted):
        for row in connection.execute(
            select(*columns).where(Plan.rup_code.in_(chunk), Plan.location.is_not(None))
        ):
            out[row.rup_code] = (*row[1:], "sirup")
    return out


def satker_location(agency: str | None) -> DerivedRow | None:
    """The region of the satker's government (a Kab./Kota or Provinsi K/L/PD), None for a ministry."""
    if not agency:
        return None
    m = resolve_location("", agency)
    if m.kabkota_code is None and m.province_code is None:
        return None
    return (agency, m.kabkota_code, m.kabkota_name, m.province_code, m.province_name, m.confidence, "satker")


def derived_location(record: Mapping[str, Any], plans: Mapping[str, DerivedRow]) -> DerivedRow | None:
    """The location to route a channel record without one: its first planned RUP code, else its satker."""
    for code in record.get("rup_codes") or []:
        if code in plans:
            return plans[code]
    return satker_location(record.get("agency"))


def needs_derivation(record: Mapping[str, Any]) -> bool:
    """A non-SPSE record that shows no location of its own."""
    return record.get("source") is not None and not record.get("locations")
