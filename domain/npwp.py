"""NPWP (tax number) normalisation and matching for winners shown on SPSE pages.

Self-hosted SPSE shows `01.544.863.2-009.000`; the national SPSE masks it
(`07*3**1****01**0`). Digits-only is the stored form; the 16-digit form (15-digit company
NPWP prefixed with 0, as DJP does) is the matching key; a masked NPWP is never a key but can
confirm a name match (`masks_agree`). Validation and 15-digit formatting come from lokal.
"""

from __future__ import annotations

import re

import lokal

_SEPARATORS = re.compile(r"[\s.\-/_,]+")
_MASKED = re.compile(r"[0-9*]{15,16}")
_MASK_SEPARATORS = re.compile(r"[.\-]")


def normalise_npwp(text: str | None) -> str | None:
    """15/16-digit NPWP with any separators → digits only; masked → as shown minus whitespace.

    Empty → None; anything else → ValueError.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    compact = re.sub(r"\s+", "", text.replace("\xa0", " "))
    if not compact:
        return None
    if "*" in compact:
        if _MASKED.fullmatch(_MASK_SEPARATORS.sub("", compact)) is None:
            raise ValueError(f"not a masked NPWP: {text!r}")
        return compact
    info = lokal.parse_npwp(_SEPARATORS.sub("", compact))
    if info.digits is None:
        raise ValueError(f"not an NPWP (15 or 16 digits): {text!r}")
    return info.digits


def is_masked(npwp: str) -> bool:
    """True when the NPWP hides digits behind `*` (national SPSE winner pages)."""
    return "*" in npwp


def npwp_key(npwp: str | None) -> str | None:
    """The 16-digit matching key (`"0" + 15 digits` for a legacy NPWP); None when masked or absent."""
    if npwp is None or is_masked(npwp):
        return None
    digits = normalise_npwp(npwp)
    if digits is None:
        return None
    return lokal.parse_npwp(digits).npwp16


def format_npwp15(digits: str) -> str:
    """`015448632009000` → `01.544.863.2-009.000` (a 16-digit `0…` key is shown in its 15-digit form)."""
    normal = normalise_npwp(digits)
    if normal is None or is_masked(normal):
        raise ValueError(f"cannot format {digits!r} as a 15-digit NPWP")
    if len(normal) == 16:
        if not normal.startswith("0"):
            raise ValueError(f"a 16-digit NPWP not starting with 0 has no 15-digit form: {digits!r}")
        normal = normal[1:]
    return lokal.format_npwp15(normal)


def _sixteen(chars: str) -> str:
    """A 15-character NPWP (digits or mask) widened to the 16-character key layout."""
    return "0" + chars if len(chars) == 15 else chars


def masks_agree(masked: str, digits: str) -> bool:
    """True when every digit shown in `masked` equals the full NPWP's digit in that position."""
    shown = _MASK_SEPARATORS.sub("", re.sub(r"\s+", "", masked))
    full = npwp_key(digits)
    if full is None or _MASKED.fullmatch(shown) is None:
        return False
    return all(m == "*" or m == d for m, d in zip(_sixteen(shown), full, strict=True))
