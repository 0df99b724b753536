"""The national starter routing table from public evidence: offices, roll-up, nearest-office inference.

Why: BPJS TK publishes no kab/kota → branch table (bpjs-jakon-rules.md §8.3). Until its own table is
imported, every kab/kota is routed as well as public evidence allows, and says how sure it is
(``route_basis``, strongest first):

- ``evidence``: a news report names the branch serving the kab/kota (``kantor_cabang_cakupan_bukti``);
- ``office_location``: an office sits in the kab/kota; a KCP rolls up to its parent KC, so a branch
  covers the kab/kota of its own office and of its KCPs;
- ``inferred_nearest``: no office there: the nearest branch office of the same province by kab/kota
  centroid distance (the distance is kept);
- ``fallback``: the province has no known branch office: its Kanwil's queue.

Office kab/kota come from ``domain.regions``: the hand-read ``kabkota_hint`` must resolve to exactly
one kab/kota of the office's Kanwil, else the office stays unresolved and is listed (``Solok``). The
rule is checked against the known hierarchies: each KCP's kab/kota, as if it had no office, must
land on its parent KC (``kcp_check``).

Pure functions over rows; ``tools/make_starter_routes.py`` reads ``../shared`` and writes the
package data that ``leads.starter`` loads at run time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: Route bases, strongest first.
ROUTE_BASES: tuple[str, ...] = ("evidence", "office_location", "inferred_nearest", "fallback")
#: Province → Kanwil by the Kanwil's name (the province list of each of the 11 Kanwil). Where an
#: office of the Kanwil is known in the province, the row is ``confirmed`` by that source instead.
KANWIL_BY_NAME: Mapping[str, tuple[str, ...]] = {
    "Sumbagut": ("11", "12"),
    "Sumbarriau": ("13", "14", "21"),
    "Sumbagsel": ("15", "16", "17", "18", "19"),
    "DKI Jakarta": ("31",),
    "Jawa Barat": ("32",),
    "Jawa Tengah & DIY": ("33", "34"),
    "Jawa Timur": ("35",),
    "Banten": ("36",),
    "Kalimantan": ("61", "62", "63", "64", "65"),
    "Sulama": ("71", "72", "73", "74", "75", "76", "81", "82"),
    "Banuspa": ("51", "52", "53", "91", "92", "93", "94", "95", "96"),
}
EARTH_KM = 6371.0088


@dataclass(frozen=True)
class Office:
    """One office row of ``kantor_bpjstk_publik.csv`` (``type``: KC, KCP, ``KC or KCP``, Kanwil)."""

    code: str
    name: str
    type: str
    parent: str
    kanwil: str
    hint: str
    source: str

    @property
    def key(self) -> str:
        """How parents refer to it: the BPJS office code, else the name (source B)."""
        return self.code or self.name


@dataclass(frozen=True)
class Evidence:
    """One row of ``kantor_cabang_cakupan_bukti.csv``: a branch named as serving a kab/kota."""

    kanwil: str
    office: str
    kabkota_code: str
    confidence: str
    date: str
    url: str


@dataclass(eq=False)
class Branch:
    """A starter branch (a KC, or an office of unknown type): where its office is, where it came from."""

    code: str
    name: str
    kanwil: str
    office_type: str
    kabkota_code: str | None
    sources: list[str] = field(default_factory=list)
    order: int = 0


@dataclass(frozen=True)
class Route:
    """The starter route of one kab/kota."""

    kabkota_code: str
    province_code: str
    kanwil: str
    branch_code: str | None
    basis: str
    distance_km: float | None
    source: str


@dataclass(frozen=True)
class Unresolved:
    """An office whose kab/kota could not be told (listed, never guessed)."""

    source: str
    code: str
    name: str
    hint: str
    reason: str


@dataclass(frozen=True)
class KcpCheck:
    """One KCP of a known hierarchy: where the nearest-office rule would send its kab/kota."""

    kcp: str
    kabkota_code: str
    parent: str
    nearest: str | None
    distance_km: float | None
    tie: bool

    @property
    def agree(self) -> bool:
        """The rule lands on the parent KC."""
        return self.nearest == self.parent


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lng) points."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def slug(text: str) -> str:
    """``Pangkal Pinang (Bangka)`` → ``PANGKAL-PINANG-BANGKA``."""
    return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")


def bare_name(name: str) -> str:
    """The office name without leading ``KC``/``KCP``/``Cabang`` (``KCP Cabang Arga`` → ``Arga``)."""
    return re.sub(r"^(?:(?:KCP|KC|Cabang)\s+)+", "", name.strip())


def resolve_office(
    office: Office,
    resolve: Callable[[str], str | None],
    kanwil_provinces: Sequence[str],
) -> tuple[str | None, str]:
    """(kab/kota code, "") of an office from its hint, or (None, reason) when it cannot be told."""
    code = resolve(office.hint)
    if code is None:
        return None, f"kab/kota hint {office.hint!r} names no single kab/kota"
    if code[:2] not in kanwil_provinces:
        return None, f"{office.hint!r} resolves to {code}, outside Kanwil {office.kanwil}"
    return code, ""


def evidence_office_kabkota(
    name: str, covered: Sequence[str], resolve: Callable[[str], str | None]
) -> str | None:
    """Where an evidence-table office sits: its name (or leading words of it) resolved to a kab/kota it
    covers, else the only kab/kota it covers; None when neither tells."""
    words = re.sub(r"\(.*?\)", " ", name).split()
    for n in range(len(words), 0, -1):
        code = resolve(" ".join(words[:n]))
        if code in covered:
            return code
    return covered[0] if len(covered) == 1 else None


def nearest(
    kabkota: str,
    candidates: Sequence[Branch],
    centroids: Mapping[str, tuple[float, float]],
) -> tuple[Branch | None, float | None, bool]:
    """The nearest candidate office (same province) by centroid distance: (branch, km, tied).

    Ties (two offices in one kab/kota share a centroid) go to the first candidate in source order.
    """
    here = centroids[kabkota]
    scored = sorted(
        (
            (round(distance_km(here, centroids[b.kabkota_code]), 1), b.order, b)
            for b in candidates
            if b.kabkota_code and b.kabkota_code[:2] == kabkota[:2]
        ),
        key=lambda t: (t[0], t[1]),
    )
    if not scored:
        return None, None, False
    best_km, _, best = scored[0]
    tied = len(scored) > 1 and scored[1][0] == best_km
    return best, best_km, tied


@dataclass
class StarterTable:
    """Everything the generator writes: branches, 514 routes, the province table, unresolved offices,
    the KCP check."""

    branches: list[Branch]
    routes: list[Route]
    provinces: list[tuple[str, str, str, str]]  # (province code, Kanwil, basis, source)
    unresolved: list[Unresolved]
    kcp_check: list[KcpCheck]


def build_starter(
    offices: Sequence[Office],
    evidence: Sequence[Evidence],
    kabkota_codes: Iterable[str],
    centroids: Mapping[str, tuple[float, float]],
    resolve: Callable[[str], str | None],
) -> StarterTable:
    """The starter table from the office list, the evidence table, the kab/kota list and centroids."""
    provinces_of = {k: v for k, v in KANWIL_BY_NAME.items()}
    unresolved: list[Unresolved] = []
    located: dict[str, str] = {}  # office key → kab/kota
    for office in offices:
        if office.kanwil not in provinces_of:
            raise ValueError(f"office {office.name!r}: unknown Kanwil {office.kanwil!r}")
        code, reason = resolve_office(office, resolve, provinces_of[office.kanwil])
        if code is None:
            unresolved.append(Unresolved(office.source, office.code, office.name, office.hint, reason))
        else:
            located[office.key] = code
    branches: dict[str, Branch] = {}  # office key (or evidence name) → branch
    by_code: dict[str, Branch] = {}

    def add(key: str, name: str, kanwil: str, office_type: str, kabkota: str | None, source: str) -> Branch:
        """A new branch; its code is ``KC-`` (a known KC) or ``KTR-`` (type unknown) and the bare name."""
        prefix = "KC" if office_type == "KC" else "KTR"
        code = f"{prefix}-{slug(bare_name(name.removesuffix(' (KC atau KCP)')))}"
        branch = Branch(code, name, kanwil, office_type, kabkota, [source], len(by_code))
        if code in by_code:
            raise ValueError(f"two starter branches would share the code {code}")
        branches[key] = by_code[code] = branch
        return branch

    for office in offices:
        if office.type in ("KC", "KC or KCP"):
            name = office.name if office.name.upper().startswith("KC ") else f"KC {office.name}"
            if office.type != "KC":
                name = f"{bare_name(office.name)} (KC atau KCP)"
            add(office.key, name, office.kanwil, office.type, located.get(office.key), office.source)
            if office.code:
                branches[office.key].sources[-1] += f":{office.code}"
    covered: dict[str, list[str]] = {}
    for row in evidence:
        covered.setdefault(row.office, []).append(row.kabkota_code)
    for name, codes in covered.items():
        kanwil = next(r.kanwil for r in evidence if r.office == name)
        where = evidence_office_kabkota(name, codes, resolve)
        same = [
            b
            for b in branches.values()
            if b.kanwil == kanwil and b.office_type == "KC" and where and b.kabkota_code == where
        ]
        if len(same) == 1:  # the same office in the public code: one branch
            branches[f"evidence:{name}"] = same[0]
            same[0].sources.append("evidence")
        else:
            add(f"evidence:{name}", f"KC {name}", kanwil, "KC", where, "evidence")
            if where is None:
                unresolved.append(
                    Unresolved("evidence", "", name, "", "office kab/kota not told by its name")
                )

    routes: dict[str, Route] = {}
    for row in evidence:
        branch = branches[f"evidence:{row.office}"]
        if row.kabkota_code in routes and routes[row.kabkota_code].branch_code != branch.code:
            raise ValueError(f"evidence names two branches for {row.kabkota_code}")
        routes[row.kabkota_code] = Route(
            row.kabkota_code,
            row.kabkota_code[:2],
            branch.kanwil,
            branch.code,
            "evidence",
            None,
            f"news ({row.confidence}, {row.date or 'undated'}): {row.url}",
        )
    # Offices where they sit: a KC (or an office of unknown type) first, then a KCP's parent KC.
    ordered = sorted(
        (o for o in offices if o.key in located and o.type != "Kanwil"),
        key=lambda o: 0 if o.type in ("KC", "KC or KCP") else 1,
    )
    for office in ordered:
        kabkota = located[office.key]
        if office.type == "KCP":
            branch = branches.get(office.parent)
            if branch is None:
                raise ValueError(f"KCP {office.name!r}: parent {office.parent!r} is not a known KC")
            how = f"KCP {office.code + ' ' if office.code else ''}{office.name} of {branch.name}"
        else:
            branch = branches[office.key]
            how = f"{office.type} {office.code + ' ' if office.code else ''}{bare_name(office.name)}"
        found = routes.get(kabkota)
        if found is not None:
            if found.branch_code != branch.code and found.basis == "office_location":
                routes[kabkota] = Route(**{**found.__dict__, "source": f"{found.source}; also {how}"})
            continue
        routes[kabkota] = Route(
            kabkota,
            kabkota[:2],
            branch.kanwil,
            branch.code,
            "office_location",
            None,
            f"office in the kab/kota: {how} (source {office.source})",
        )
    candidates = [b for b in dict.fromkeys(branches.values()) if b.kabkota_code]
    province_kanwil = {p: k for k, ps in provinces_of.items() for p in ps}
    for kabkota in sorted(kabkota_codes):
        if kabkota in routes:
            continue
        province = kabkota[:2]
        best, km, tied = nearest(kabkota, candidates, centroids)
        if best is None:
            routes[kabkota] = Route(
                kabkota,
                province,
                province_kanwil[province],
                None,
                "fallback",
                None,
                "no branch office known in the province",
            )
            continue
        note = f"nearest office of the province: {best.name} ({km} km between kab/kota centroids)"
        routes[kabkota] = Route(
            kabkota,
            province,
            best.kanwil,
            best.code,
            "inferred_nearest",
            km,
            note + (" (tie)" if tied else ""),
        )
    used = {r.branch_code for r in routes.values()}
    return StarterTable(
        branches=[b for b in dict.fromkeys(branches.values()) if b.code in used],
        routes=[routes[k] for k in sorted(routes)],
        provinces=_provinces(offices, located, evidence),
        unresolved=unresolved,
        kcp_check=kcp_check(offices, located, branches, candidates, centroids),
    )


def _provinces(
    offices: Sequence[Office], located: Mapping[str, str], evidence: Sequence[Evidence]
) -> list[tuple[str, str, str, str]]:
    """Province → Kanwil rows: ``confirmed`` where an office of the Kanwil is known there (with sources)."""
    seen: dict[str, dict[str, set[str]]] = {}
    for office in offices:
        if office.key in located:
            seen.setdefault(located[office.key][:2], {}).setdefault(office.kanwil, set()).add(office.source)
    for row in evidence:
        seen.setdefault(row.kabkota_code[:2], {}).setdefault(row.kanwil, set()).add("evidence")
    rows = []
    for kanwil, provinces in KANWIL_BY_NAME.items():
        for province in provinces:
            found = seen.get(province, {})
            if set(found) - {kanwil}:
                raise ValueError(f"province {province}: offices of another Kanwil {sorted(found)}")
            if kanwil in found:
                sources = ", ".join(
                    "evidence table" if s == "evidence" else f"source {s}" for s in sorted(found[kanwil])
                )
                rows.append(
                    (province, kanwil, "confirmed", f"offices of the Kanwil in the province ({sources})")
                )
            else:
                rows.append((province, kanwil, "inferred_from_name", "the Kanwil's name"))
    return sorted(rows)


def kcp_check(
    offices: Sequence[Office],
    located: Mapping[str, str],
    branches: Mapping[str, Branch],
    candidates: Sequence[Branch],
    centroids: Mapping[str, tuple[float, float]],
) -> list[KcpCheck]:
    """Each KCP with a known parent and kab/kota, its kab/kota routed as if it had no office."""
    checks = []
    for office in offices:
        if office.type != "KCP" or office.key not in located or office.parent not in branches:
            continue
        kabkota = located[office.key]
        best, km, tied = nearest(kabkota, candidates, centroids)
        checks.append(
            KcpCheck(
                kcp=f"{office.code + ' ' if office.code else ''}{office.name}",
                kabkota_code=kabkota,
                parent=branches[office.parent].code,
                nearest=best.code if best else None,
                distance_km=km,
                tie=tied,
            )
        )
    return checks
