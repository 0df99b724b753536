"""Resolve Lokasi Pekerjaan strings to kab/kota and province codes for `package_locations`.

`domain.regions` does the matching (bpjs-jakon-rules.md §6.3); this module only caches its
answers per (text, K/L/PD), since the same few hundred strings repeat across thousands of packages.
"""

from __future__ import annotations

from functools import lru_cache

from domain.regions import RegionMatch, region_index


@lru_cache(maxsize=65536)
def resolve_location(text: str, agency: str | None) -> RegionMatch:
    """The region match for one location item (K/L/PD used as the fallback hint)."""
    return region_index().resolve(text, agency)
