"""Split an SPSE "Lokasi Pekerjaan" string into detail, kab/kota and province (rules §6.3 step 1).

SPSE writes ``<detail> - <Nama> (Kab.|Kota)`` and LKPP ISB adds `` - <Provinsi>``. Only a hyphen with
whitespace on both sides separates parts, so names such as ``Toli-Toli``, ``Bau-Bau`` and
``Tojo Una-Una`` stay whole. This module only splits; ``domain.regions`` resolves names to codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

KabKotaType = Literal["Kabupaten", "Kota"]

_SEPARATOR = re.compile(r"\s+-\s+")
_SPACES = re.compile(r"\s+")
_SUFFIX = re.compile(r"^(?P<nama>.+?)\s*\((?P<jenis>Kab\.?|Kota)\)$", re.IGNORECASE)


@dataclass(frozen=True)
class LocationParts:
    """One location string taken apart; kab/kota fields are None without a ``(Kab.)``/``(Kota)`` part."""

    raw: str
    detail: str | None
    kabkota_name: str | None
    kabkota_type: KabKotaType | None
    province: str | None


def clean(text: str) -> str:
    """Whitespace collapsed (non-breaking spaces included) and trimmed."""
    return _SPACES.sub(" ", text).strip()


def split_parts(text: str) -> list[str]:
    """The non-empty parts of ``text`` split on `` - ``."""
    return [p for p in (clean(p) for p in _SEPARATOR.split(clean(text))) if p]


def suffix_match(part: str) -> tuple[str, KabKotaType] | None:
    """(name, type) when ``part`` is ``<Nama> (Kab.)`` or ``<Nama> (Kota)`` (any case), else None."""
    m = _SUFFIX.match(part)
    if m is None:
        return None
    jenis: KabKotaType = "Kota" if m["jenis"].lower() == "kota" else "Kabupaten"
    return clean(m["nama"]), jenis


def split_location(text: str) -> LocationParts:
    """Split a location: the LAST part with a kab/kota suffix is the kab/kota, a part after it the province.

    Parts before the kab/kota are the detail (joined back with `` - ``); several parts after it are
    joined the same way. Without any suffixed part the whole cleaned string is the detail.
    """
    parts = split_parts(text)
    for i in range(len(parts) - 1, -1, -1):
        found = suffix_match(parts[i])
        if found is not None:
            name, jenis = found
            return LocationParts(
                raw=text,
                detail=" - ".join(parts[:i]) or None,
                kabkota_name=name,
                kabkota_type=jenis,
                province=" - ".join(parts[i + 1 :]) or None,
            )
    return LocationParts(
        raw=text, detail=" - ".join(parts) or None, kabkota_name=None, kabkota_type=None, province=None
    )
