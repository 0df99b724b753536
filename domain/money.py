"""Rupiah amounts as SPSE writes them: exact detail-page form and the rounded list form.

Detail pages show `Rp. 49.802.888.461,02` (dot thousands, comma sen): parsed exactly into a
Decimal. Lists show `750,9 Jt` / `22,7 M` / `1.000 Jt`: rounded to one decimal, so only
approximate.
`lokal.parse_rupiah` is not used for parsing: it returns a float (inexact for sen) and
accepts slang ("goceng"), which would hide garbage; its `format_rupiah` is exact and used.
"""

from __future__ import annotations

import contextlib
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

import lokal

from domain.text import clean_text

NOT_YET = "nilai kontrak belum dibuat"
_EXACT = re.compile(
    r"(?P<sign>-)?(?:rp\.?)?\s*(?P<int>\d{1,3}(?:\.\d{3})*|\d+)(?:,(?P<frac>\d+))?", re.I | re.ASCII
)
#: A short label: optional `Rp`, a number, a unit word (`750,9 Jt`, `1.000 Jt`, `1,9 M`, `12 Rb`).
_SHORT = re.compile(r"(?:rp\.?)?\s*(?P<num>\d[\d.,]*)\s*(?P<unit>[a-z]+)\.?", re.I | re.ASCII)
_TEN = Decimal(10)
#: Unit words of the short label, lower case: ribu, juta, miliar (M, not "million"), triliun.
_UNITS = {
    **dict.fromkeys(("rb", "ribu"), _TEN**3),
    **dict.fromkeys(("jt", "juta"), _TEN**6),
    **dict.fromkeys(("m", "miliar", "milyar", "mlr"), _TEN**9),
    **dict.fromkeys(("t", "triliun", "trilyun", "tn"), _TEN**12),
}
#: Number forms of a short label, most specific first. SPSE writes Indonesian numbers (dot
#: thousands, comma decimals: `1.000 Jt`, `750,9 Jt`); an English-style number is read only where
#: it cannot be Indonesian (`1.9 M`, `1,234.5 M`). A lone group like `1.000` is Indonesian.
_NUMBER_FORMS = (
    (re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", re.ASCII), ".", ","),  # 1.000 / 1.234,5
    (re.compile(r"\d+(?:,\d+)?", re.ASCII), "", ","),  # 750,9 / 130 / 1000
    (re.compile(r"\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:,\d{3}){2,}", re.ASCII), ",", "."),  # 1,234.5
    (re.compile(r"\d+\.\d{1,2}", re.ASCII), "", "."),  # 1.9 (a dot before 1–2 digits is no thousands dot)
)
_FORM_DIGIT = re.compile(r"\d", re.ASCII)
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


def _short_number(text: str) -> Decimal | None:
    """The number of a short label in any form of `_NUMBER_FORMS`, exactly; None if none fits."""
    for form, thousands, decimal in _NUMBER_FORMS:
        if form.fullmatch(text):
            digits = text.replace(thousands, "") if thousands else text
            return Decimal(digits.replace(decimal, "."))
    return None


def parse_short_rupiah(text: str) -> Decimal | None:
    """Approximate amount of a list label: `750,9 Jt`, `1.000 Jt`, `22,7 M`, `130 M`, `1,2 T`, `12 Rb`.

    None if empty. An exact amount in its place (`Rp. 750.939.420,00`) is read exactly.
    Raises ValueError for anything else; `label_form` tells what the label looked like.
    """
    t = _prepared(text)
    if not t:
        return None
    m = _SHORT.fullmatch(t)
    factor = _UNITS.get(m["unit"].lower()) if m else None
    number = _short_number(m["num"]) if m and factor is not None else None
    if number is None:
        if t[:2].lower() == "rp":
            with contextlib.suppress(ValueError):
                return parse_rupiah(t)
        raise ValueError(f"not a short rupiah amount (like '750,9 Jt' or '22,7 M'): {text!r}")
    with localcontext() as ctx:  # exact for any length: room for every digit plus the unit's 12 zeros
        ctx.prec = len(m["num"]) + 13
        amount = number * factor
        return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def label_form(text: str) -> str:
    """The shape of a value label with every digit as 9 (`1.000 Jt` → `9.999 Jt`), at most 40 characters.

    Logged and counted for a label no reader knows, so a new form is seen (and learned) without
    publishing the value itself.
    """
    return _FORM_DIGIT.sub("9", clean_text(text))[:40]


def format_rupiah(value: Decimal) -> str:
    """The SPSE detail-page form, always with sen: `Rp. 49.802.888.461,02`."""
    with localcontext() as ctx:  # lokal rounds to sen in the current context: give it every digit
        ctx.prec = max(ctx.prec, len(Decimal(value).as_tuple().digits) + abs(Decimal(value).adjusted()) + 3)
        body = lokal.format_rupiah(value, decimals=True, symbol=False)
    if body.startswith("-"):
        return "-Rp. " + body[1:]
    return "Rp. " + body


def format_short_rupiah(value: Decimal) -> str:
    """The SPSE list form: one decimal, `,0` dropped, thousands dotted (`750,9 Jt`, `130 M`, `1.000 Jt`).

    Jt < 1e9 ≤ M < 1e12 ≤ T; a value just under a unit rounds up in the smaller one, as SPSE shows it.
    """
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
    whole = f"{int(whole):,}".replace(",", ".")  # SPSE groups thousands: `1.000 Jt`
    number = whole if tenth in ("", "0") else f"{whole},{tenth}"
    return f"{number} {unit}"
