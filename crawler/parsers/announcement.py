"""Pengumuman (announcement) pages: the package's own facts (protocol §7.2, §7.8).

Handles tender `pengumumanlelang`, non-tender `pengumumanpl`, darurat, pencatatan and
swakelola announcements of SPSE 4.x and spse.inaproc.id, by label synonyms.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.parsers import labels as L
from crawler.parsers.errors import ParseError
from crawler.parsers.html import field_cells, find, load_html, put, put_text, put_values, tabs, text_of, typed
from domain.dates import parse_id_date
from domain.text import clean_text, split_badges_element

#: `APBD 2022`, `APBD 2024 - BLUD 2024`, `2026` (darurat: year only); a year is four whole digits 20xx
#: (SPSE dates from 2008), so `0000` or `x20251` is no year.
_SOURCE_YEAR = re.compile(r"(?:([A-Za-z][A-Za-z ]*?)\s+)?\b(20\d\d)\b", re.ASCII)


def _fiscal(text: str) -> tuple[int, str | None]:
    """First fiscal year and the distinct funding sources (joined with " - ") of Tahun Anggaran."""
    pairs = _SOURCE_YEAR.findall(text.replace(" - ", " "))
    if not pairs:
        raise ParseError(f"Tahun Anggaran: no year in {text!r}")
    sources: list[str] = []
    for source, _year in pairs:
        source = source.strip()
        if source and source not in sources:
            sources.append(source)
    return int(pairs[0][1]), " - ".join(sources) or None


def rup_codes(doc: Any) -> list[str]:
    """The Kode RUP column of the nested "Rencana Umum Pengadaan" table (several rows possible):
    the link to the package's SiRUP plan(s). Non-digit cells are ignored; page order, each once."""
    codes: list[str] = []
    for th in doc.xpath("//th[normalize-space(.)='Kode RUP']"):
        row = th.getparent()
        column = row.index(th)
        table = row.getparent()
        while table is not None and table.tag != "table":
            table = table.getparent()
        if table is None:
            continue
        for tr in table.iter("tr"):
            cells = tr.xpath("./td")
            if len(cells) > column:
                code = clean_text(cells[column].text_content())
                if code.isdigit() and code not in codes:
                    codes.append(code)
    return codes


def parse_announcement(body: bytes) -> dict[str, Any]:
    """The announcement's fields; keys absent when the page does not show them.

    Keys: code, name, flags, stage, schedule_href, agency, work_unit, category, method,
    fiscal_year, funding_source, budget_value, estimate_value, locations, qualification,
    created_on, rup_codes, tabs.
    """
    doc = load_html(body)
    cells = field_cells(doc)
    code_cell = find(cells, L.CODE)
    if code_cell is None:
        raise ParseError("not an announcement page: no Kode Tender/Paket label")
    record: dict[str, Any] = {"code": text_of(code_cell)}

    name_cell = find(cells, L.NAME)
    flags: list[str] = []
    if name_cell is not None:
        name, flags = split_badges_element(name_cell)
        put(record, "name", name)
    record["flags"] = flags

    stage_cell = find(cells, L.STAGE)
    if stage_cell is not None:
        put(record, "stage", text_of(stage_cell))
        links = stage_cell.xpath(".//a[@href]")
        if links:
            record["schedule_href"] = links[0].get("href")

    put_text(record, "agency", cells, L.AGENCY)
    put_text(record, "work_unit", cells, L.WORK_UNIT)
    put_text(record, "category", cells, L.CATEGORY)
    put_text(record, "method", cells, L.METHOD)

    year_cell = find(cells, L.FISCAL_YEAR)
    if year_cell is not None and text_of(year_cell):
        record["fiscal_year"], source = _fiscal(text_of(year_cell))
        put(record, "funding_source", source)
    if "funding_source" not in record:
        put_text(record, "funding_source", cells, L.FUNDING_SOURCE)

    put_values(record, cells)

    location_cell = find(cells, L.LOCATION)
    locations: list[str] = []
    if location_cell is not None:
        locations = [t for t in (clean_text(li.text_content()) for li in location_cell.iter("li")) if t]
        if not locations and text_of(location_cell):
            locations = [text_of(location_cell)]
    record["locations"] = locations

    put_text(record, "qualification", cells, L.QUALIFICATION)
    created = find(cells, L.CREATED)
    if created is not None:
        put(record, "created_on", typed(created, "Tanggal Pembuatan", parse_id_date))
    record["rup_codes"] = rup_codes(doc)
    record["tabs"] = tabs(doc)
    return record
