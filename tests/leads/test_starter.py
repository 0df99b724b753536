"""The national starter routing table: roll-up, nearest-office rule, KCP check, committed data, coverage.

The rules are tested on small hand-made inputs (every value checked by hand), then on the real
public evidence in ../shared (the KCP check and the committed package data must be exactly what
``tools/make_starter_routes.py`` makes from it), then end to end on a fresh database.
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from leads.starter import kcp_check, starter_branches, starter_routes, unresolved_offices
from leads.starter_rules import Evidence, Office, build_starter, distance_km, nearest
from lpse_leads.cli import main
from tests.conftest import IN_CI, NO_SHARED, ROOT, SHARED

# A made-up province 99 (kab/kota 99.01-99.05 on a line of latitude, 0.1° ≈ 11.1 km apart) and
# province 98 with one kab/kota and no office.
CENTROIDS = {f"99.0{i}": (0.0, 0.1 * i) for i in range(1, 6)} | {"98.01": (5.0, 5.0)}
NAMES = {
    "Kota Satu": "99.01",
    "Satu": "99.01",
    "Kabupaten Dua": "99.02",
    "Kabupaten Tiga": "99.03",
    "Kota Lima": "99.05",
}


def resolve(text: str) -> str | None:
    """The made-up region list: exact names only."""
    return NAMES.get(text)


def office(code: str, name: str, kind: str, parent: str, hint: str) -> Office:
    return Office(code, name, kind, parent, "Sumbagsel", hint, "T")


def test_distance_km() -> None:
    assert distance_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(111.2, abs=0.1)
    assert distance_km((-1.2, 116.8), (-1.2, 116.8)) == 0


def test_kcp_rolls_up_and_nearest_office_of_the_province_takes_the_rest(monkeypatch) -> None:
    import leads.starter_rules as rules

    monkeypatch.setitem(rules.KANWIL_BY_NAME, "Sumbagsel", ("99", "98"))
    offices = [
        office("X1", "KC Satu", "KC", "X1", "Kota Satu"),
        office("X2", "KCP Tiga", "KCP", "X1", "Kabupaten Tiga"),
        office("X3", "KC Lima", "KC", "X3", "Kota Lima"),
        office("X4", "KCP Solok", "KCP", "X3", "Kota Solok (or Kabupaten Solok: ambiguous)"),
    ]
    table = build_starter(offices, [], sorted(CENTROIDS), CENTROIDS, resolve)
    routes = {r.kabkota_code: r for r in table.routes}
    assert [b.code for b in table.branches] == ["KC-SATU", "KC-LIMA"]
    # Roll-up: the KCP's kab/kota belongs to its parent KC.
    assert (routes["99.03"].branch_code, routes["99.03"].basis) == ("KC-SATU", "office_location")
    assert (routes["99.01"].branch_code, routes["99.01"].basis) == ("KC-SATU", "office_location")
    # Nearest KC by centroid: 99.02 is 11.1 km from Satu; 99.04 is 11.1 km from Lima (and 33.4 from Satu).
    assert (routes["99.02"].branch_code, routes["99.02"].basis, routes["99.02"].distance_km) == (
        "KC-SATU",
        "inferred_nearest",
        11.1,
    )
    assert (routes["99.04"].branch_code, routes["99.04"].distance_km) == ("KC-LIMA", 11.1)
    # No office in the province: its Kanwil's queue.
    assert (routes["98.01"].branch_code, routes["98.01"].basis, routes["98.01"].kanwil) == (
        None,
        "fallback",
        "Sumbagsel",
    )
    # The ambiguous office stays unresolved and is listed; nothing is guessed for it.
    assert [(u.name, u.code) for u in table.unresolved] == [("KCP Solok", "X4")]
    # The KCP check: 99.03 routed as if it had no office lands on KC Satu (11.1 km... 22.2 vs 22.2: tie).
    [check] = table.kcp_check
    assert (check.kabkota_code, check.parent, check.nearest, check.distance_km, check.tie) == (
        "99.03",
        "KC-SATU",
        "KC-SATU",
        22.2,
        True,
    )
    assert check.agree


def test_evidence_beats_office_location_and_names_the_same_office_once(monkeypatch) -> None:
    import leads.starter_rules as rules

    monkeypatch.setitem(rules.KANWIL_BY_NAME, "Sumbagsel", ("99", "98"))
    offices = [
        office("", "KC Satu", "KC", "", "Kota Satu"),
        office("", "KC Lima", "KC", "", "Kota Lima"),
        office("", "KCP Dua", "KCP", "KC Lima", "Kabupaten Dua"),
    ]
    evidence = [
        Evidence("Sumbagsel", "Satu", code, "tinggi", "2025-01-02", "https://news.example/1")
        for code in ("99.01", "99.02")
    ]
    table = build_starter(offices, evidence, sorted(CENTROIDS), CENTROIDS, resolve)
    routes = {r.kabkota_code: r for r in table.routes}
    # KCP Dua sits in 99.02 (its parent is KC Lima), but the news names KC Satu there: evidence wins.
    assert (routes["99.02"].branch_code, routes["99.02"].basis) == ("KC-SATU", "evidence")
    assert "https://news.example/1" in routes["99.02"].source
    assert [(b.code, b.sources) for b in table.branches] == [
        ("KC-SATU", ["T", "evidence"]),
        ("KC-LIMA", ["T"]),
    ]


def test_nearest_ignores_other_provinces() -> None:
    from leads.starter_rules import Branch

    far = Branch("KC-FAR", "KC Far", "K", "KC", "99.05", order=0)
    other = Branch("KC-OTHER", "KC Other", "K", "KC", "98.01", order=1)
    assert nearest("99.01", [other], CENTROIDS) == (None, None, False)
    best, km, tied = nearest("99.01", [other, far], CENTROIDS)
    assert (best.code, km, tied) == ("KC-FAR", 44.5, False)  # type: ignore[union-attr]


def test_shipped_starter_table() -> None:
    routes = starter_routes()
    assert len(routes) == 514
    counts: dict[str, int] = {}
    for r in routes.values():
        counts[r.basis] = counts.get(r.basis, 0) + 1
    assert counts == {"evidence": 28, "office_location": 95, "inferred_nearest": 127, "fallback": 264}
    assert all(r.source for r in routes.values())
    codes = {b.code for b in starter_branches()}
    assert {r.branch_code for r in routes.values()} - {None} == codes
    # KCP roll-up in the shipped data: Kabupaten Sukoharjo (KCP L12) belongs to KC Surakarta (L01).
    assert (routes["33.11"].branch_code, routes["33.11"].basis) == ("KC-SURAKARTA", "office_location")
    assert "KCP L12" in routes["33.11"].source
    # Kota Solok and Kabupaten Solok are never routed to the ambiguous "Solok" office.
    assert routes["13.72"].basis == routes["13.02"].basis == "inferred_nearest"
    assert [name for name, _ in unresolved_offices()] == ["Solok"]
    # DKI Jakarta has no known office: its Kanwil's queue.
    assert (routes["31.71"].branch_code, routes["31.71"].basis, routes["31.71"].kanwil) == (
        None,
        "fallback",
        "DKI Jakarta",
    )
    assert kcp_check() == (43, 38)


def _generator():
    """tools/make_starter_routes.py as a module; skip (fail under CI) without ../shared."""
    if not (SHARED / "data" / "bpjstk" / "kantor_bpjstk_publik.csv").is_file():
        problem = NO_SHARED if not SHARED.is_dir() else f"{SHARED}/data/bpjstk is missing"
        if IN_CI:
            pytest.fail(f"{problem}; under CI=true the starter data must be checked", pytrace=False)
        pytest.skip(f"starter data check skipped: {problem}")
    spec = importlib.util.spec_from_file_location(
        "make_starter_routes", ROOT / "tools" / "make_starter_routes.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_committed_data_is_what_the_generator_makes_from_shared() -> None:
    generator = _generator()
    made = generator.render(generator.starter_from(SHARED))
    for name in generator.OUTPUTS:
        assert (ROOT / "leads" / "data" / name).read_text(encoding="utf-8") == made[name], name


def test_kcp_check_on_the_real_hierarchies() -> None:
    """Jateng & DIY (source A) and Sumbagsel (source B): each KCP's kab/kota as if it had no office."""
    table = _generator().starter_from(SHARED)
    checks = {c.kcp: c for c in table.kcp_check}
    assert len(checks) == 43  # 23 KCP in Jateng & DIY, 20 in Sumbagsel
    assert sum(c.agree for c in checks.values()) == 38
    disagree = {c.kcp: (c.parent, c.nearest) for c in checks.values() if not c.agree}
    assert disagree == {
        "L14 Boyolali Randusari": ("KC-KLATEN", "KC-SURAKARTA"),
        "L21 Grobogan Purwodadi": ("KC-SEMARANG-MAJAPAHIT", "KC-KUDUS"),
        "L25 Kebumen Pemuda": ("KC-CILACAP", "KC-PURWOKERTO"),
        "L26 Banjarnegara Pemuda": ("KC-PURWOKERTO", "KC-PEKALONGAN"),
        "KCP Kota Metro Nasution": ("KC-BANDAR-LAMPUNG", "KC-LAMPUNG-TENGAH"),
    }
    # Kendal: the two Semarang KCs share a centroid; the tie goes to the first in source order (L00).
    assert checks["L34 Kendal Soekarno Hatta"].tie and checks["L34 Kendal Soekarno Hatta"].agree


def test_coverage_json_on_a_fresh_database(db_url, capsys) -> None:
    assert main(["db", "upgrade", "--db", db_url]) == 0  # PostgreSQL is never migrated implicitly
    capsys.readouterr()
    assert main(["branches", "coverage", "--json", "--db", db_url]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "kabkota_total": 514,
        "unrouted": 0,
        "by_basis": {"evidence": 28, "office_location": 95, "inferred_nearest": 127, "fallback": 264},
        "kcp_check": {"checked": 43, "agree": 38},
    }
    assert main(["branches", "coverage", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "│ all " in out and "38 of 43 KCP kab/kota land on their parent KC" in out
    assert "office left unresolved: Solok" in out
