"""How a digest writes money, dates and value bases, in Indonesian, for officers.

Money is whole rupiah in the PUEBI form `Rp1.750.000` (lokal's exact ``format_rupiah``; the
contribution is unrounded in the database, so display rounds half-up once, here). Dates are short
(`22 Nov 2026`) so a card line fits a phone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import lokal

from domain.contribution import PRE_AWARD_BASES, rupiah_display

SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

#: Indonesian names of the value a lead's estimate is based on (LeadRow.value_basis).
BASIS_LABELS: dict[str, str] = {
    "contract_value": "nilai kontrak",
    "negotiated_value": "hasil negosiasi",
    "corrected_value": "harga terkoreksi",
    "offer_value": "harga penawaran",
    "estimate_value": "HPS",
    "budget_value": "pagu",
}


def rupiah(value: Decimal | None) -> str:
    """`Rp1.750.000` (whole rupiah, half-up); `–` when the value is unknown."""
    if value is None:
        return "–"
    return lokal.format_rupiah(rupiah_display(Decimal(value)))


def short_date(day: dt.date | None) -> str:
    """`22 Nov 2026`; `–` when the date is unknown."""
    if day is None:
        return "–"
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


def basis_label(basis: str | None) -> str:
    """`nilai kontrak`, `HPS (pra-penetapan)`, …: which value the estimate used, pre-award marked."""
    if basis is None:
        return "–"
    label = BASIS_LABELS.get(basis, basis)
    return f"{label}, pra-penetapan" if is_pre_award(basis) else label


def is_pre_award(basis: str | None) -> bool:
    """True when the estimate rests on HPS or pagu, i.e. before a winner and contract exist."""
    return basis in PRE_AWARD_BASES


def safe_link(url: str | None) -> str | None:
    """The URL when it is http(s), else None: scraped links must never become `javascript:` hrefs."""
    if not url:
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None
