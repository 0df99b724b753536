"""The LPSEs of the national host `spse.inaproc.id`, shipped as data (`crawler/data/lpse_registry.csv`).

Why a registry: ~600 LPSEs share one host and one politeness budget, so "crawl everything" must be
one word (`--site all`, `sites = ["all"]`) that expands to every slug we know, never a list each
operator copies by hand. Each row says where it comes from (`source`); `lpse-leads sites refresh`
rebuilds the file from a slug list in a known shape (`crawler.registry_source`).

Columns: slug, name (the LPSE's own name), klpd (the government or institution it serves, as the
source spells it), kind (provinsi, kabupaten, kota, kementerian_lembaga, perguruan_tinggi,
nasional), province_code and kabkota_code (Kemendagri, where it serves a regional government),
old_url (its self-hosted address before 2024), source.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path

#: The registry shipped with the code.
REGISTRY_CSV = Path(__file__).resolve().parent / "data" / "lpse_registry.csv"
#: The national host: every registry slug is `<NATIONAL_BASE>/<slug>`.
NATIONAL_BASE = "https://spse.inaproc.id"
#: The word that stands for every LPSE of the registry in `--site` and `sites`.
ALL = "all"
KINDS = ("provinsi", "kabupaten", "kota", "kementerian_lembaga", "perguruan_tinggi", "nasional")


class RegistryError(ValueError):
    """A registry file that cannot be used (missing column, duplicate slug, bad kind or code)."""


@dataclass(frozen=True, slots=True)
class Lpse:
    """One LPSE on the national host."""

    slug: str
    name: str
    klpd: str
    kind: str
    province_code: str
    kabkota_code: str
    old_url: str
    source: str

    def url(self, base: str = NATIONAL_BASE) -> str:
        """Its base URL on the national host (or on `base`, e.g. a local fake SPSE)."""
        return f"{base.rstrip('/')}/{self.slug}"


COLUMNS = tuple(f.name for f in fields(Lpse))


def read_registry(text: str) -> list[Lpse]:
    """Parse and validate a registry CSV: all columns present, slugs unique, kinds known."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RegistryError(f"registry lacks column(s): {', '.join(missing)}")
    rows: list[Lpse] = []
    seen: set[str] = set()
    for number, raw in enumerate(reader, start=2):
        row = Lpse(**{c: (raw.get(c) or "").strip() for c in COLUMNS})
        if not row.slug or "/" in row.slug or row.slug != row.slug.lower():
            raise RegistryError(f"row {number}: bad slug {row.slug!r}")
        if row.slug in seen:
            raise RegistryError(f"row {number}: slug {row.slug!r} twice")
        if row.kind not in KINDS:
            raise RegistryError(f"row {number}: kind {row.kind!r} is not one of {', '.join(KINDS)}")
        if not row.source:
            raise RegistryError(f"row {number}: {row.slug} has no source")
        seen.add(row.slug)
        rows.append(row)
    return rows


def write_registry(rows: Iterable[Lpse]) -> str:
    """The CSV text of `rows`, sorted by slug (stable diffs when refreshed)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r.slug):
        writer.writerow(asdict(row))
    return out.getvalue()


@cache
def registry(path: Path = REGISTRY_CSV) -> tuple[Lpse, ...]:
    """The registry (read once per process)."""
    return tuple(read_registry(path.read_text(encoding="utf-8")))


def expand_sites(values: Sequence[str], base: str = NATIONAL_BASE, path: Path = REGISTRY_CSV) -> list[str]:
    """Site values as given, with `all` replaced by every registry LPSE and a bare registry slug
    (`kemkes`) by its URL on `base`; order kept, duplicates dropped. Anything else passes through
    unchanged for `crawler.protocol.parse_sites` to validate."""
    lpses = registry(path)
    slugs = {lpse.slug for lpse in lpses}
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            word = part.strip()
            if not word:
                continue
            if word.lower() == ALL:
                out.extend(lpse.url(base) for lpse in lpses)
            elif word in slugs:
                out.append(f"{base.rstrip('/')}/{word}")
            else:
                out.append(word)
    return list(dict.fromkeys(out))
