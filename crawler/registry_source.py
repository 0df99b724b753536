"""Build registry rows (`crawler.registry.Lpse`) from a slug list in a known public shape.

The national host's own index of LPSEs is neither documented nor captured (docs/spse-protocol.md
§2.1 names only third-party slug lists), so the refresh reads the two shapes that are known:

* CSV `name,url,old_url` — `aansubarkah/ssa_agentic_lpse:all_lpse_urls.csv`: `name` is
  `<K/L/PD> > <LPSE name>`, `url` is `https://spse.inaproc.id/<slug>`;
* JSON `[{"name": "<K/L/PD> > <LPSE name>", "newUrlPath": "<slug>"}, …]` — the host list
  `wakataw/pyproc` downloads (`pyproc/mcp/hosts.py`, `normalize_host_record`).

Several K/L/PD share one LPSE (one row each in the source); a registry row keeps the K/L/PD
whose name matches the LPSE's name best (its own government), and derives the kind and the
Kemendagri codes from that name with `domain.regions`. Nothing is guessed: a name that does not
resolve leaves the codes empty and is reported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.registry import Lpse

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {"lpse", "kab", "kabupaten", "kota", "provinsi", "prov", "dan", "republik", "indonesia", "ri"}
)
_UNIVERSITY = re.compile(r"^(universitas|institut|politeknik|sekolah tinggi)\b", re.IGNORECASE)


class SourceError(ValueError):
    """A slug list that is not in a known shape."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of a slug list: a K/L/PD served by the LPSE at `slug`."""

    slug: str
    klpd: str
    lpse_name: str
    old_url: str


def _split_name(name: str) -> tuple[str, str]:
    """`"Kab. Wajo > LPSE Kabupaten Wajo"` → (`Kab. Wajo`, `LPSE Kabupaten Wajo`)."""
    klpd, sep, lpse = name.partition(" > ")
    return (klpd.strip(), lpse.strip()) if sep else ("", name.strip())


def _slug_of(url: str) -> str:
    """`https://spse.inaproc.id/kemkes` → `kemkes`; a bare slug stays as it is."""
    path = urlsplit(url.strip()).path if "://" in url else url
    return path.strip("/").split("/")[-1].lower()


def parse_source(text: str) -> list[SourceRow]:
    """Rows of a slug list in either known shape (JSON array of objects, or CSV with `name,url`)."""
    stripped = text.lstrip("\ufeff").lstrip()
    rows: list[SourceRow] = []
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except ValueError as exc:
            raise SourceError(f"not JSON: {exc}") from None
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict) or not item.get("newUrlPath") or not item.get("name"):
                raise SourceError(f"item {number}: needs name and newUrlPath")
            klpd, lpse = _split_name(str(item["name"]))
            rows.append(SourceRow(_slug_of(str(item["newUrlPath"])), klpd, lpse, ""))
        return rows
    reader = csv.DictReader(io.StringIO(stripped))
    if not {"name", "url"} <= set(reader.fieldnames or []):
        raise SourceError("neither a JSON host list nor a CSV with columns name,url")
    for number, raw in enumerate(reader, start=2):
        if not raw.get("url") or not raw.get("name"):
            raise SourceError(f"row {number}: needs name and url")
        klpd, lpse = _split_name(raw["name"])
        old = (raw.get("old_url") or "").strip().rstrip("/")
        rows.append(SourceRow(_slug_of(raw["url"]), klpd, lpse, old))
    return rows


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.lower())) - _STOP


def _own_klpd(rows: list[SourceRow]) -> SourceRow:
    """The row whose K/L/PD is the LPSE's own government (best word overlap with the LPSE name)."""

    def score(row: SourceRow) -> float:
        mine, lpse = _tokens(row.klpd), _tokens(row.lpse_name)
        return len(mine & lpse) / max(len(mine | lpse), 1)

    return max(rows, key=score)  # max keeps the first of equals: the source's order decides ties


def classify(klpd: str, slug: str) -> tuple[str, str, str]:
    """(kind, province_code, kabkota_code) of a K/L/PD name, codes from `domain.regions`."""
    from domain import regions

    name = re.sub(r"^pemerintah\s+", "", klpd.strip(), flags=re.IGNORECASE)
    lower = name.lower()
    if slug == "nasional":
        return "nasional", "", ""
    if lower.startswith(("kab.", "kab ", "kabupaten ", "kota ")):
        kind = "kota" if lower.startswith("kota ") else "kabupaten"
        match = regions.resolve(name)
        if match.kabkota_code and regions.kabkota(match.kabkota_code).type.lower() == kind:
            return kind, match.province_code or "", match.kabkota_code
        return kind, "", ""
    province = regions.region_index().province_named(name)
    own_name = province is not None and regions.normalise(name) == regions.normalise(province.name)
    if province is not None and (lower.startswith("provinsi ") or own_name):
        return "provinsi", province.code, ""
    if lower.startswith("provinsi "):
        return "provinsi", "", ""
    if _UNIVERSITY.match(name):
        return "perguruan_tinggi", "", ""
    return "kementerian_lembaga", "", ""


def build_rows(source_rows: Iterable[SourceRow], source: str) -> list[Lpse]:
    """One registry row per slug: its own K/L/PD, kind and codes, old address, and `source`."""
    by_slug: dict[str, list[SourceRow]] = {}
    for row in source_rows:
        if row.slug:
            by_slug.setdefault(row.slug, []).append(row)
    out: list[Lpse] = []
    for slug, rows in by_slug.items():
        own = _own_klpd(rows)
        kind, province, kabkota = classify(own.klpd, slug)
        old = own.old_url or next((r.old_url for r in rows if r.old_url), "")
        out.append(Lpse(slug, own.lpse_name, own.klpd, kind, province, kabkota, old, source))
    return out
