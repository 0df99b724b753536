"""NPWP (tax number) normalisation and matching for winners shown on SPSE pages.

Self-hosted SPSE shows `01.544.863.2-009.000`; the national SPSE masks it
(`07*3**1****01**0`). Digits-only is the stored form; the 16-digit form (15-digit company
NPWP prefixed with 0, as DJP does) is the matching key; a masked NPWP is never a key but can
confirm a name match (`masks_agree`). Validation and 15-digit formatting come from lokal.
A personal NPWP is personal data: anything that writes text to a log passes it through
`mask_npwp_for_log`, which keeps only the first 2 and the last 3 digits of every NPWP in it.
"""

from __future__ import annotations

import re

import lokal

_SEPARATORS = re.compile(r"[\s.\-/_,]+")
_MASKED = re.compile(r"[0-9*]{15,16}")
_MASK_SEPARATORS = re.compile(r"[.\-]")
#: An NPWP-like run in free text: 14–20 digits or `*` (an NPWP, or one mistyped), single `.`,
#: `-` or space between them. Shorter numbers (kode paket, amounts, dates) are left alone.
_IN_TEXT = re.compile(r"(?<![0-9*])[0-9*](?:[.\- ]?[0-9*]){13,19}(?![0-9*])")
_LOG_KEEP_HEAD, _LOG_KEEP_TAIL = 2, 3


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
            raise ValueError(f"not a masked NPWP: {mask_npwp_for_log(text)!r}")
        return compact
    info = lokal.parse_npwp(_SEPARATORS.sub("", compact))
    if info.digits is None:
        raise ValueError(f"not an NPWP (15 or 16 digits): {mask_npwp_for_log(text)!r}")
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


def _mask_run(match: re.Match[str]) -> str:
    """One NPWP-like run with every digit but the first 2 and the last 3 replaced by `*`."""
    run = match.group(0)
    total = sum(1 for c in run if c.isdigit() or c == "*")
    out, seen = [], 0
    for c in run:
        if c.isdigit() or c == "*":
            keep = seen < _LOG_KEEP_HEAD or seen >= total - _LOG_KEEP_TAIL
            out.append(c if keep else "*")
            seen += 1
        else:
            out.append(c)
    return "".join(out)


def mask_npwp_for_log(text: object) -> str:
    """`text` (any value, as `str()`) with every NPWP in it partly masked, for logs and error messages.

    `01.544.863.2-009.000` → `01.***.***.*-***.000`, `0154486320090001` → `01***********001`;
    separators stay, shorter numbers (kode paket, amounts, dates) are untouched.
    """
    return _IN_TEXT.sub(_mask_run, str(text))
