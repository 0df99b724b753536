"""Regenerate the national starter routing table (leads/data/starter_*.csv, kanwil_provinces.csv).

Reads the public evidence in ``../shared/data/bpjstk/`` and the kab/kota centroids in
``../shared/data/wilayah/``; names are resolved with ``domain.regions``; the rules are
``leads.starter_rules``. The output is committed as package data, so an installation never needs
``../shared``; ``tests/leads/test_starter_data.py`` checks that the committed files are exactly what
this script makes.

    .venv/bin/python tools/make_starter_routes.py [--shared ../shared] [--out leads/data]
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from domain.regions import all_kabkota, province_of, region_index
from leads.starter_rules import Evidence, Office, StarterTable, build_starter

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = (
    "starter_branches.csv",
    "starter_routes.csv",
    "kanwil_provinces.csv",
    "starter_unresolved.csv",
    "starter_kcp_check.csv",
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _resolve(text: str) -> str | None:
    """A kab/kota code when ``text`` names exactly one kab/kota (ambiguous or unknown: None)."""
    if not text.strip():
        return None
    match = region_index().resolve(text)
    return match.kabkota_code if match.confidence in ("suffix", "alias") else None


def starter_from(shared: Path) -> StarterTable:
    """The starter table from the files in ``shared``."""
    offices = [
        Office(
            code=r["office_code"],
            name=r["office_name"],
            type=r["office_type"],
            parent=r["parent_office"],
            kanwil=r["kanwil"],
            hint=r["kabkota_hint"],
            source=r["source"],
        )
        for r in _rows(shared / "data/bpjstk/kantor_bpjstk_publik.csv")
    ]
    evidence = [
        Evidence(
            kanwil=r["kanwil"],
            office=r["kantor_cabang"],
            kabkota_code=r["kode_kabkota"],
            confidence=r["keyakinan"],
            date=r["tanggal_bukti"],
            url=r["bukti_url"],
        )
        for r in _rows(shared / "data/bpjstk/kantor_cabang_cakupan_bukti.csv")
    ]
    centroids = {
        r["kode"]: (float(r["lat"]), float(r["lng"]))
        for r in _rows(shared / "data/wilayah/kabupaten_kota_centroid.csv")
    }
    codes = [k.code for k in all_kabkota()]
    missing = set(codes) - set(centroids)
    if missing:
        raise SystemExit(f"no centroid for {sorted(missing)}")
    return build_starter(offices, evidence, codes, centroids, _resolve)


def render(table: StarterTable) -> dict[str, str]:
    """File name → CSV text of every output."""
    names = {k.code: k.name for k in all_kabkota()}

    def text(header: list[str], rows: list[list[object]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return out.getvalue()

    return {
        "starter_branches.csv": text(
            ["branch_code", "branch_name", "kanwil", "office_type", "office_kabkota_code", "sources"],
            [
                [b.code, b.name, b.kanwil, b.office_type, b.kabkota_code, ";".join(b.sources)]
                for b in table.branches
            ],
        ),
        "starter_routes.csv": text(
            [
                "kabkota_code",
                "kabkota_name",
                "province_code",
                "kanwil",
                "branch_code",
                "route_basis",
                "distance_km",
                "source",
            ],
            [
                [
                    r.kabkota_code,
                    names[r.kabkota_code],
                    r.province_code,
                    r.kanwil,
                    r.branch_code,
                    r.basis,
                    r.distance_km,
                    r.source,
                ]
                for r in table.routes
            ],
        ),
        "kanwil_provinces.csv": text(
            ["province_code", "province_name", "kanwil", "basis", "source"],
            [[p, province_of(p).name, k, basis, source] for p, k, basis, source in table.provinces],  # type: ignore[union-attr]
        ),
        "starter_unresolved.csv": text(
            ["source", "office_code", "office_name", "kabkota_hint", "reason"],
            [[u.source, u.code, u.name, u.hint, u.reason] for u in table.unresolved],
        ),
        "starter_kcp_check.csv": text(
            ["kcp", "kabkota_code", "parent_branch", "nearest_branch", "distance_km", "tie", "agree"],
            [
                [
                    c.kcp,
                    c.kabkota_code,
                    c.parent,
                    c.nearest,
                    c.distance_km,
                    "yes" if c.tie else "no",
                    "yes" if c.agree else "no",
                ]
                for c in table.kcp_check
            ],
        ),
    }


def main() -> None:
    """Write the files and print the counts per basis and the KCP check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "leads" / "data")
    args = parser.parse_args()
    table = starter_from(args.shared)
    for name, content in render(table).items():
        (args.out / name).write_text(content, encoding="utf-8")
    counts: dict[str, int] = {}
    for r in table.routes:
        counts[r.basis] = counts.get(r.basis, 0) + 1
    agree = sum(c.agree for c in table.kcp_check)
    print(f"{len(table.routes)} kab/kota: {counts}; {len(table.branches)} branches")
    print(f"KCP check: {agree} of {len(table.kcp_check)} KCP kab/kota land on their parent KC")
    print(f"unresolved offices: {[u.name for u in table.unresolved]}")


if __name__ == "__main__":
    main()
