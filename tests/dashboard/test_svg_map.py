"""The shipped kab/kota map and the SVG charts: every region present, classes and escaping right."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import SHARED
from web.dashboard import mapdata, svg

WILAYAH = SHARED / "data" / "wilayah"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_the_map_has_every_kabkota_of_the_official_list():
    geo = mapdata.load()
    assert len(geo.regions) == 514
    assert len({r.code for r in geo.regions}) == 514
    path = WILAYAH / "kabupaten_kota.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found (the ../shared reference folder is missing)")
    with path.open(encoding="utf-8") as handle:
        official = {row["kode"]: row["nama"] for row in csv.DictReader(handle)}
    assert {r.code: r.name for r in geo.regions} == official


def test_every_outline_is_a_closed_non_empty_path_inside_the_map():
    geo = mapdata.load()
    for region in geo.regions:
        assert re.fullmatch(r"(M\d+ \d+(L\d+ \d+){2,}Z)+", region.path), region.code
        x0, y0, x1, y1 = region.box
        assert 0 <= x0 < x1 <= geo.width and 0 <= y0 < y1 <= geo.height, region.code
    # Jakarta (31.71 Jakarta Selatan) lies west of Surabaya (35.78) and both south of Medan (12.71)
    boxes = {r.code: r.box for r in geo.regions}
    assert boxes["31.71"][0] < boxes["35.78"][0]
    assert boxes["12.71"][1] < boxes["31.71"][1] and boxes["12.71"][1] < boxes["35.78"][1]


def test_the_asset_is_rebuilt_identically_from_the_geojson():
    source = WILAYAH / "kabupaten_kota.geojson"
    if not source.is_file():
        pytest.skip(f"{source} not found (the ../shared reference folder is missing)")
    shipped = json.loads((mapdata.Path(mapdata.__file__).parent / "data" / mapdata.ASSET).read_text())
    assert mapdata.build(source) == shipped


def test_douglas_peucker_keeps_corners_and_drops_near_collinear_points():
    square = [(0.0, 0.0), (0.5, 0.001), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    assert mapdata._simplify(square, 0.01) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]


def test_choropleth_colours_by_quantile_class_and_zooms_to_the_focus():
    geo = mapdata.load()
    values = {"64.71": 1, "64.72": 10, "63.71": 100}
    markup = svg.choropleth(geo, values, lambda code, name: f"{name} <{values.get(code, 0)}>", "Peta")
    root = _parse(markup)
    paths = {p.get("data-kode"): p for p in root.iter("{http://www.w3.org/2000/svg}path")}
    assert len(paths) == 514
    assert paths["63.71"].get("fill") == svg.CLASS_COLOURS[-1]
    assert paths["64.71"].get("fill") == svg.CLASS_COLOURS[-3]
    assert paths["11.01"].get("fill") == svg.NO_LEADS
    assert (
        paths["63.71"].find("{http://www.w3.org/2000/svg}title").text.endswith("<100>")
    )  # escaped, parsed back
    whole = root.get("viewBox")
    zoomed = _parse(svg.choropleth(geo, values, lambda c, n: n, "Peta", focus={"64.71", "64.72"}))
    assert zoomed.get("viewBox") != whole
    x, y, w, h = map(float, zoomed.get("viewBox").split())
    box = {r.code: r.box for r in geo.regions}["64.72"]
    assert x <= box[0] and box[2] <= x + w and y <= box[1] and box[3] <= y + h
    zpaths = {p.get("data-kode"): p for p in zoomed.iter("{http://www.w3.org/2000/svg}path")}
    assert zpaths["63.71"].get("fill") == svg.OUTSIDE


def test_class_breaks_are_ascending_and_distinct():
    assert svg.class_breaks([]) == []
    assert svg.class_breaks([0, 0]) == []
    assert svg.class_breaks([5, 5, 5]) == [5]
    assert svg.class_breaks(list(range(1, 11))) == [2, 4, 6, 8, 10]


def test_bar_and_funnel_charts_escape_labels_and_scale_bars():
    bars = [svg.Bar("B1 <Balikpapan>", 300, "Rp 300"), svg.Bar("B2", 150, "Rp 150")]
    root = _parse(svg.bar_chart(bars, "Per cabang"))
    rects = root.findall(".//{http://www.w3.org/2000/svg}rect")
    assert float(rects[0].get("width")) == pytest.approx(2 * float(rects[1].get("width")))
    assert "B1 <Balikpapan>" in ET.tostring(root, encoding="unicode").replace("&lt;", "<").replace(
        "&gt;", ">"
    )
    empty = _parse(svg.bar_chart([], "Kosong"))
    assert "Belum ada data" in ET.tostring(empty, encoding="unicode")


def test_legend_money_is_short_and_indonesian():
    from web.dashboard.page import short_rupiah

    assert short_rupiah(407_163_424_100) == "Rp407,2 M"
    assert short_rupiah(11_000_000_000) == "Rp11 M"
    assert short_rupiah(1_260_000_000_000) == "Rp1,3 T"
    assert short_rupiah(2_500_000) == "Rp2,5 jt"
    assert short_rupiah(999) == "Rp999"
