"""The fake's list rows: one DataTables row per package, in each list's real column layout.

Shapes follow the real 2026 responses (docs/spse-protocol.md §6, fixtures/lpse/lists-2026/):
16 cells in /dt/lelang with badge markup inside the name (`Tender Ulang` carries the double
space of the real markup, `class='badge  badge-warning'`), HPS as a short label (`1,9 M`,
`1.000 Jt`), `<jenis> - TA <years>`, contract value `Rp. …`; 12 in /dt/pl; 9 in /dt/nonspk;
8 in /dt/swakelola and /dt/darurat-list.
"""

from __future__ import annotations

import html
from decimal import Decimal

from domain.money import format_rupiah, format_short_rupiah
from fake_spse.model import Package, State

NOT_YET = "Nilai Kontrak belum dibuat"

# list → (listing page path, DataTables endpoint, heading, browser default order column)
LISTINGS = {
    "tender": ("lelang", "lelang", "Daftar Tender", 5),
    "non_tender": ("nontender", "pl", "Daftar Non Tender", 5),
    "darurat": ("darurat", "darurat-list", "Daftar Pengadaan Darurat", 0),
    "pencatatan": ("pencatatan", "nonspk", "Daftar Pencatatan Non Tender", 0),
    "swakelola": ("swakelola", "swakelola", "Daftar Pencatatan Swakelola", 0),
}
ENDPOINT_LIST = {endpoint: kind for kind, (_, endpoint, _, _) in LISTINGS.items()}
PAGE_LIST = {page: kind for kind, (page, _, _, _) in LISTINGS.items()}
HEADERS = {
    "tender": ("Kode", "Nama Paket", "K/L/PD", "Tahap", "HPS"),
    "non_tender": ("Kode", "Nama Paket", "K/L/PD", "Tahap", "HPS"),
    "darurat": ("Kode", "Nama Paket", "K/L/PD", "Pagu", "Tahun"),
    "pencatatan": ("Kode", "Nama Paket", "K/L/PD", "Pagu", "Status"),
    "swakelola": ("Kode", "Nama Paket", "K/L/PD", "Pagu", "Status"),
}


def escape_cell(text: str) -> str:
    """HTML-escape a DataTables cell the way SPSE does (`&` → `&amp;`, quotes as `&quot;`)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def badge_html(flags: tuple[str, ...], quote: str) -> str:
    """Status badges appended to a list name; /dt/lelang quotes with ', /dt/pl with ".

    Real 2026 rows write the "… Ulang" badges as `class='badge  badge-warning'` (two spaces)."""
    parts = []
    for flag in flags:
        space = "  " if flag.endswith(" Ulang") and quote == "'" else " "
        parts.append(f" <span class={quote}badge{space}badge-warning{quote}>{escape_cell(flag)}</span>")
    return "".join(parts)


def contract_total(p: Package, state: State) -> Decimal | None:
    """The amount the list's Nilai Kontrak column shows, or None while "belum dibuat"."""
    return sum((w.contract for w in p.winners), Decimal("0.00")) if state.contract else None


def contract_cell(p: Package, state: State) -> str:
    """List column "Nilai Kontrak": the summed contract value once a contract exists."""
    total = contract_total(p, state)
    return NOT_YET if total is None else format_rupiah(total)


def dt_row(p: Package, state: State) -> list[str | None]:
    """One DataTables row in the exact column layout of the package's list."""
    years = ",".join(str(y) for y in p.fiscal_years)
    if p.list == "tender":
        return [
            p.code,
            escape_cell(p.name) + badge_html(state.flags, "'"),
            p.agency,
            state.stage,
            format_short_rupiah(p.estimate),
            p.qualification_method,
            p.selection,
            p.evaluation,
            f"{p.category} - TA {years}",
            "5",
            contract_cell(p, state),
            "1" if p.flag11 else None,
            None,
            "1" if p.consolidated else "0",
            "0",
            None,
        ]
    if p.list == "non_tender":
        return [
            p.code,
            escape_cell(p.name) + badge_html(state.flags, '"'),
            p.agency,
            state.stage,
            format_short_rupiah(p.estimate),
            p.selection,
            f"{p.category} - TA {years}",
            "5",
            contract_cell(p, state),
            "1" if p.flag11 else None,
            "1" if p.consolidated else "0",
            "0",
        ]
    pagu = format_short_rupiah(p.budget)
    year = str(p.fiscal_years[0])
    if p.list == "pencatatan":
        return [p.code, escape_cell(p.name), p.agency, pagu, p.selection, p.category, year, "5", state.stage]
    if p.list == "swakelola":
        return [p.code, escape_cell(p.name), p.agency, pagu, "5", year, "5", state.stage]
    return [p.code, escape_cell(p.name), p.agency, pagu, year, "5", p.category, state.stage]
