"""The kab/kota map shipped with the package: 514 outlines as compact SVG paths, made once from GeoJSON.

The boundaries (../shared/data/wilayah/kabupaten_kota.geojson, 3.4 MB, 160 k points) come from
github.com/cahyadsn/wilayah_boundaries (MIT licence, (c) 2025 cahya dsn; see
web/dashboard/data/LICENSE-cahyadsn-wilayah_boundaries.txt and ../shared/data/wilayah/SOURCES.md).
``build`` projects them (equirectangular; Indonesia straddles the equator), simplifies each ring
(Douglas-Peucker, ``TOLERANCE`` degrees) and keeps every kab/kota: a ring too small to survive
keeps its bounding box, so no region ever vanishes. Regenerate after a boundary update with

    .venv/bin/python -m web.dashboard.mapdata ../shared/data/wilayah/kabupaten_kota.geojson
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

#: Map units per degree (1 unit ≈ 1.1 km at the equator).
SCALE = 50
TOLERANCE = 0.03
#: Rings (islands) smaller than this many square units are dropped, except a region's largest.
MIN_AREA = 2.0
ASSET = "kabkota-map.json"
Point = tuple[float, float]


@dataclass(frozen=True)
class Region:
    """One kab/kota: Kemendagri code, official name, SVG path and bounding box in map units."""

    code: str
    name: str
    path: str
    box: tuple[int, int, int, int]  # min x, min y, max x, max y


@dataclass(frozen=True)
class MapData:
    """All regions and the map's extent (``width`` × ``height`` map units from 0, 0)."""

    width: int
    height: int
    regions: tuple[Region, ...]

    @property
    def names(self) -> dict[str, str]:
        """Code → name of every kab/kota."""
        return {r.code: r.name for r in self.regions}


def _simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative (long coastlines would exceed the recursion limit)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if d > best:
                best, index = d, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(points: list[tuple[int, int]]) -> float:
    return (
        abs(
            sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))
        )
        / 2
    )


def _rings(geometry: dict) -> list[list[Point]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def build(geojson: Path) -> dict:
    """The asset (as JSON-ready dict) from the kab/kota GeoJSON."""
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    lons = [x for f in features for ring in _rings(f["geometry"]) for x, _ in ring]
    lats = [y for f in features for ring in _rings(f["geometry"]) for _, y in ring]
    west, north = min(lons), max(lats)

    def project(ring: list[Point]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for lon, lat in _simplify([(float(x), float(y)) for x, y in ring], TOLERANCE):
            point = (round((lon - west) * SCALE), round((north - lat) * SCALE))
            if not out or out[-1] != point:
                out.append(point)
        return out

    regions = []
    for feature in sorted(features, key=lambda f: f["properties"]["kode"]):
        rings = [(ring, project(ring)) for ring in _rings(feature["geometry"])]
        kept = [r for _, r in rings if len(r) >= 3 and _area(r) >= MIN_AREA]
        if not kept:  # a small kota: its largest ring, or its bounding box
            raw = max((r for r, _ in rings), key=len)
            xs = [round((float(x) - west) * SCALE) for x, _ in raw]
            ys = [round((north - float(y)) * SCALE) for _, y in raw]
            x0, y0, x1, y1 = min(xs), min(ys), max(max(xs), min(xs) + 1), max(max(ys), min(ys) + 1)
            kept = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]]
        path = "".join("M" + "L".join(f"{x} {y}" for x, y in ring) + "Z" for ring in kept)
        xs = [x for ring in kept for x, _ in ring]
        ys = [y for ring in kept for _, y in ring]
        props = feature["properties"]
        regions.append(
            {
                "kode": props["kode"],
                "nama": props["nama"],
                "d": path,
                "box": [min(xs), min(ys), max(xs), max(ys)],
            }
        )
    width = max(r["box"][2] for r in regions) + 1
    height = max(r["box"][3] for r in regions) + 1
    return {
        "source": "github.com/cahyadsn/wilayah_boundaries 3c5a796 (MIT, (c) 2025 cahya dsn)",
        "scale": SCALE,
        "west": west,
        "north": north,
        "width": width,
        "height": height,
        "regions": regions,
    }


@cache
def load() -> MapData:
    """The shipped map (read once per process)."""
    text = (resources.files("web.dashboard") / "data" / ASSET).read_text(encoding="utf-8")
    data = json.loads(text)
    regions = tuple(Region(r["kode"], r["nama"], r["d"], tuple(r["box"])) for r in data["regions"])
    return MapData(data["width"], data["height"], regions)


def main(argv: list[str]) -> int:
    """Write the asset from the GeoJSON named on the command line."""
    if len(argv) != 1:
        print(__doc__)
        return 2
    data = build(Path(argv[0]))
    out = Path(__file__).parent / "data" / ASSET
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    points = sum(r["d"].count("L") + r["d"].count("M") for r in data["regions"])
    print(f"{out}: {len(data['regions'])} regions, {points} points, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
