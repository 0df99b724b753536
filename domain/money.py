"""Rupiah amounts as SPSE writes them: exact detail-page form and the rounded list form.

Detail pages show `Rp. 49.802.888.461,02` (dot thousands, comma sen): parsed exactly into a
Decimal. Lists show `750,9 Jt` / `22,7 M`: rounded to one decimal, so only approximate.
`lokal.parse_rupiah` is not used for parsing: it returns a float (inexact for sen) and
accepts slang ("goceng"), which would hide garbage; its `format_rupiah` is exact and used.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

import lokal

from domain.text import clean_text

NOT_YET = "nilai kontrak belum dibuat"
_EXACT = re.compile(
    r"(?P<sign>-)?(?:rp\.?)?\s*(?P<int>\d{1,3}(?:\.\d{3})*|\d+)(?:,(?P<frac>\d+))?", re.I | re.ASCII
)
_SHORT = re.compile(r"(?:rp\.?)?\s*(?P<num>\d+(?:,\d+)?)\s*(?P<unit>jt|m|t)", re.I | re.ASCII)
_UNITS = {"jt": Decimal(10) ** 6, "m": Decimal(10) ** 9, "t": Decimal(10) ** 12}
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


def _prepared(text: str) -> str:
    """Entities unescaped, whitespace (incl. &nbsp;) removed around the parts."""
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    return clean_text(text)


def parse_rupiah(text: str) -> Decimal | None:
    """Exact amount of `Rp. 49.802.888.461,02`; None for empty or "Nilai Kontrak belum dibuat".

    Raises ValueError for anything that is not a rupiah amount.
    """
    t = _prepared(text)
    if not t or t.lower() == NOT_YET:
        return None
    m = _EXACT.fullmatch(t.replace(" ", ""))
    if m is None:
        raise ValueError(f"not a rupiah amount: {text!r}")
    value = Decimal(m["int"].replace(".", "") + ("." + m["frac"] if m["frac"] else ""))
    return value.copy_negate() if m["sign"] else value  # exact; unary minus rounds to 28 digits


def parse_short_rupiah(text: str) -> Decimal | None:
    """Approximate amount of the list form `750,9 Jt`, `22,7 M`, `130 M` (T = triliun); None if empty."""
    t = _prepared(text)
    if not t:
        return None
    m = _SHORT.fullmatch(t)
    if m is None:
        raise ValueError(f"not a short rupiah amount (like '750,9 Jt' or '22,7 M'): {text!r}")
    number = Decimal(m["num"].replace(",", "."))
    with localcontext() as ctx:  # exact for any length: room for every digit plus the unit's 12 zeros
        ctx.prec = len(m["num"]) + 13
        amount = number * _UNITS[m["unit"].lower()]
        return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def format_rupiah(value: Decimal) -> str:
    """The SPSE detail-page form, always with sen: `Rp. 49.802.888.461,02`."""
    with localcontext() as ctx:  # lokal rounds to sen in the current context: give it every digit
        ctx.prec = max(ctx.prec, len(Decimal(value).as_tuple().digits) + abs(Decimal(value).adjusted()) + 3)
        body = lokal.format_rupiah(value, decimals=True, symbol=False)
    if body.startswith("-"):
        return "-Rp. " + body[1:]
    return "Rp. " + body


def format_short_rupiah(value: Decimal) -> str:
    """The SPSE list form: one decimal, `,0` dropped (`750,9 Jt`, `130 M`); Jt < 1e9 ≤ M < 1e12 ≤ T."""
    value = Decimal(value)
    magnitude = abs(value)
    if magnitude < _UNITS["m"]:
        unit = "Jt"
    elif magnitude < _UNITS["t"]:
        unit = "M"
    else:
        unit = "T"
    scaled = (value / _UNITS[unit.lower()]).quantize(_TENTH, rounding=ROUND_HALF_UP)
    whole, _, tenth = f"{scaled:f}".partition(".")
    number = whole if tenth in ("", "0") else f"{whole},{tenth}"
    return f"{number} {unit}"
