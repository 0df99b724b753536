"""Benchmark: the national dashboard over N leads (default 1,000,000), SQLite and PostgreSQL.

    .venv/bin/python bench/dashboard.py [--leads 1000000] [--quick] [--views 20] [--pg URL | --no-pg]
                                        [--no-sqlite] [--keep DIR]

Synthetic leads are written straight into the tables (a package per lead, as the build would leave
them): spread over all 514 kab/kota (a few large cities get most, as in reality), ~190 branches in
8 Kanwil covering 90% of the kab/kota (the rest go to the provinces' fallback queues, 2% unrouted),
statuses new 30% / sent 35% / contacted 10% / registered 15% / dismissed 10% with their event
histories, N/5 contractors (10% with masked NPWPs). Then, through the real app (FastAPI in-process,
an analyst's API token): the first view (full summary refresh), ``--views`` national views (median,
p90, max), Kanwil and branch views, and views right after an officer's status change (partial refresh
included). The last line is a summary. ``--keep DIR`` keeps the SQLite file there.
Goal: national dashboard ≤ 300 ms median on both databases at 1 M leads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dbschema import upgrade
from pipeline.db import make_engine, normalise_url, session_factory
from web.dashboard.mapdata import load as load_map

PG_SERVER = os.environ.get("LPSE_LEADS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
CHUNK = 50_000
KANWIL = {
    "1": "Sumatera",
    "2": "Sumatera",
    "3": "Jawa",
    "5": "Bali Nusra",
    "6": "Kalimantan",
    "7": "Sulawesi",
    "8": "Maluku Papua",
    "9": "Maluku Papua",
}
STATUS_MIX = (("new", 30), ("sent", 35), ("contacted", 10), ("registered", 15), ("dismissed", 10))
LEAD_COLUMNS = (
    "id",
    "package_id",
    "route",
    "branch_code",
    "kanwil",
    "kabkota_code",
    "contractor_name",
    "contractor_npwp",
    "value",
    "total",
    "days_overdue",
    "stage",
    "score",
    "status",
    "status_changed_at",
    "fingerprint",
    "url",
    "first_built",
    "last_built",
)
_MARKS = ", ".join("?" * len(LEAD_COLUMNS))
EVENT_COLUMNS = ("lead_id", "at", "old_status", "new_status", "by")


def branch_table() -> tuple[list[tuple], dict[str, tuple[str, str]]]:
    """Branches (code, name, kanwil) and kab/kota → (branch, kanwil); 10% of kab/kota uncovered."""
    rng = random.Random(7)
    codes = sorted(load_map().names)
    branches, coverage = [], {}
    by_province: dict[str, list[str]] = {}
    for code in codes:
        by_province.setdefault(code[:2], []).append(code)
    for province, members in sorted(by_province.items()):
        kanwil = KANWIL[province[0]]
        for start in range(0, len(members), 3):
            branch = f"KC-{province}{start // 3:02d}"
            branches.append((branch, f"KC {province}.{start // 3}", kanwil))
            for code in members[start : start + 3]:
                if rng.random() > 0.1:
                    coverage[code] = (branch, kanwil)
    return branches, coverage


def _moment(day: float) -> dt.datetime:
    return NOW - dt.timedelta(days=day)


def generate(count: int) -> Iterator[tuple[list[tuple], list[tuple], list[tuple]]]:
    """Chunks of (packages, leads, events) rows, deterministic."""
    rng = random.Random(11)
    codes = sorted(load_map().names)
    weights = [1.0 / (1 + i) ** 0.8 for i in range(len(codes))]
    rng.shuffle(weights)
    _, coverage = branch_table()
    statuses = [s for s, w in STATUS_MIX for _ in range(w)]
    firms = count // 5 + 1
    packages, leads, events = [], [], []
    for lead_id in range(1, count + 1):
        kab = rng.choices(codes, weights)[0] if rng.random() > 0.02 else None
        branch, kanwil = coverage.get(kab, (None, KANWIL[kab[0]] if kab else None)) if kab else (None, None)
        route = "branch" if branch else ("fallback" if kab else "unrouted")
        firm = rng.randrange(firms)
        npwp = f"{firm:016d}" if firm % 10 else f"{firm % 100:02d}*{firm % 7}**{firm % 10}****01**0"
        status = rng.choice(statuses)
        built = rng.uniform(0, 365)
        changed = max(0.0, built - rng.uniform(0, 60))
        path = {
            "new": [],
            "sent": ["new"],
            "contacted": ["new", "sent"],
            "dismissed": ["new", "sent"],
            "registered": ["new", "sent", "contacted"] if rng.random() < 0.5 else ["new"],
        }[status]
        late = rng.choice((0, 0, 0, rng.randint(1, 7), rng.randint(8, 30), rng.randint(31, 120)))
        total = rng.randint(1_000_000, 500_000_000)
        packages.append((lead_id, 1, f"B{lead_id}", "tender", f"Paket {lead_id}", _moment(built)))
        leads.append(
            (
                lead_id,
                lead_id,
                route,
                branch,
                kanwil,
                kab,
                f"PT Firma {firm}",
                npwp,
                total * 50,
                total,
                late,
                "kontrak",
                rng.random(),
                status,
                _moment(changed),
                "f",
                f"http://x/{lead_id}",
                _moment(built),
                _moment(built),
            )
        )
        steps = [*path, status]
        for i in range(len(steps) - 1):  # spread between the build and the last change
            at = _moment(built - (built - changed) * (i + 1) / (len(steps) - 1))
            events.append((lead_id, at, steps[i], steps[i + 1], "bench"))
        if len(leads) >= CHUNK:
            yield packages, leads, events
            packages, leads, events = [], [], []
    if leads:
        yield packages, leads, events


def _sqlite_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def load_sqlite(path: Path, count: int) -> None:
    """Fill a migrated SQLite file with raw sqlite3 (one transaction)."""
    branches, coverage = branch_table()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    stamp = _sqlite_time(NOW)
    with db:
        db.executemany(
            "INSERT INTO branches (code, name, kanwil, emails, updated_at) VALUES (?,?,?,'',?)",
            [(*b, stamp) for b in branches],
        )
        db.executemany(
            "INSERT INTO branch_kabkota (kabkota_code, branch_code) VALUES (?,?)",
            [(k, b) for k, (b, _) in coverage.items()],
        )
        db.execute(
            "INSERT INTO sites (id, url, first_seen) VALUES (1, 'https://spse.inaproc.id/bench', ?)", (stamp,)
        )
        for packages, leads, events in generate(count):
            db.executemany(
                "INSERT INTO packages (id, site_id, code, list, name, first_seen, last_seen, last_changed) "
                "VALUES (?,?,?,?,?,?,?,?)",
                [(*p[:5], _sqlite_time(p[5]), _sqlite_time(p[5]), _sqlite_time(p[5])) for p in packages],
            )
            db.executemany(
                f"INSERT INTO leads ({', '.join(LEAD_COLUMNS)}) VALUES ({_MARKS})",
                [
                    (*r[:14], _sqlite_time(r[14]), *r[15:17], _sqlite_time(r[17]), _sqlite_time(r[18]))
                    for r in leads
                ],
            )
            db.executemany(
                'INSERT INTO lead_events (lead_id, "at", old_status, new_status, "by") VALUES (?,?,?,?,?)',
                [(e[0], _sqlite_time(e[1]), *e[2:]) for e in events],
            )
    db.execute("ANALYZE")
    db.close()


def load_postgres(url: str, count: int) -> None:
    """Fill a migrated PostgreSQL database with COPY."""
    import psycopg

    branches, coverage = branch_table()
    parsed = make_url(url)
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as db, db.cursor() as cursor:
        with cursor.copy("COPY branches (code, name, kanwil, emails, updated_at) FROM STDIN") as copy:
            for b in branches:
                copy.write_row((*b, "", NOW))
        with cursor.copy("COPY branch_kabkota (kabkota_code, branch_code) FROM STDIN") as copy:
            for k, (b, _) in coverage.items():
                copy.write_row((k, b))
        cursor.execute(
            "INSERT INTO sites (id, url, first_seen) VALUES (1, 'https://spse.inaproc.id/bench', %s)", (NOW,)
        )
        for packages, leads, events in generate(count):
            with cursor.copy(
                "COPY packages (id, site_id, code, list, name, first_seen, last_seen, last_changed) "
                "FROM STDIN"
            ) as copy:
                for p in packages:
                    copy.write_row((*p, p[5], p[5]))
            with cursor.copy(f"COPY leads ({', '.join(LEAD_COLUMNS)}) FROM STDIN") as copy:
                for r in leads:
                    copy.write_row(r)
            with cursor.copy(
                'COPY lead_events (lead_id, "at", old_status, new_status, "by") FROM STDIN'
            ) as copy:
                for e in events:
                    copy.write_row(e)
        cursor.execute("SELECT setval(pg_get_serial_sequence('leads', 'id'), (SELECT max(id) FROM leads))")
        db.commit()
        db.autocommit = True
        cursor.execute("VACUUM ANALYZE")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def measure(db_url: str, views: int) -> dict[str, float]:
    """Timings through the real app, as an analyst (national, Kanwil, branch) and after changes."""
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from leads.models import Lead
    from web.app import create_app
    from web.dashboard.freshen import wait_idle
    from web.people import add_person, new_token
    from web.settings import WebSettings

    engine = make_engine(db_url)
    with session_factory(engine).begin() as session:
        add_person(
            session,
            "analyst@bench.example",
            "analyst",
            "kata-sandi-bench-1",
            branch=None,
            kanwil=None,
            by="bench",
            now=NOW,
        )
        token = new_token(session, "analyst@bench.example", by="bench", now=NOW)
        add_person(
            session,
            "kc@bench.example",
            "officer",
            "kata-sandi-bench-1",
            branch="KC-3100",
            kanwil=None,
            by="bench",
            now=NOW,
        )
        officer = new_token(session, "kc@bench.example", by="bench", now=NOW)
        open_ids = list(
            session.scalars(
                select(Lead.id).where(Lead.branch_code == "KC-3100", Lead.status == "sent").limit(views)
            )
        )
        big_branch = session.execute(  # the branch of the kab/kota with the most leads
            select(Lead.branch_code)
            .where(Lead.branch_code.is_not(None))
            .group_by(Lead.kabkota_code, Lead.branch_code)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
        add_person(
            session, "big@bench.example", "officer", "kata-sandi-bench-1", branch=big_branch, kanwil=None,
            by="bench", now=NOW,
        )  # fmt: skip
        big_officer = new_token(session, "big@bench.example", by="bench", now=NOW)
        big_ids = list(
            session.scalars(
                select(Lead.id).where(Lead.branch_code == big_branch, Lead.status == "sent").limit(views)
            )
        )
    engine.dispose()
    client = TestClient(create_app(WebSettings(db_url=db_url)))
    auth = {"Authorization": f"Bearer {token}"}

    def view(path: str) -> float:
        start = time.perf_counter()
        response = client.get(path, headers=auth)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.text[:500]
        assert response.text.count("data-kode=") == 514
        return elapsed

    figures = {"first_view_ms": _ms(view("/dashboard"))}  # includes the full summary refresh
    national = [view("/dashboard") for _ in range(views)]
    figures |= {
        "national_median_ms": _ms(statistics.median(national)),
        "national_p90_ms": _ms(sorted(national)[int(0.9 * (len(national) - 1))]),
        "national_max_ms": _ms(max(national)),
    }
    figures["kanwil_median_ms"] = _ms(statistics.median(view("/dashboard?kanwil=Jawa") for _ in range(views)))
    figures["branch_median_ms"] = _ms(
        statistics.median(view("/dashboard?cabang=KC-3100") for _ in range(views))
    )
    for name, ids, who in (("after_change", open_ids, officer), ("big_change", big_ids, big_officer)):
        seen, visible = [], []
        for lead_id in ids[: max(3, views // 4)]:
            response = client.post(
                f"/api/leads/{lead_id}/status",
                json={"status": "contacted"},
                headers={"Authorization": f"Bearer {who}"},
            )
            assert response.status_code == 200, response.text
            start = time.perf_counter()
            seen.append(view("/dashboard"))
            assert wait_idle(600)  # a big kab/kota is recomputed in the background
            visible.append(time.perf_counter() - start)
        figures[f"{name}_median_ms"] = _ms(statistics.median(seen))
        figures[f"{name}_visible_ms"] = _ms(statistics.median(visible))
    client.close()
    return figures


def run_sqlite(count: int, views: int, keep: Path | None) -> dict[str, float]:
    folder = keep or Path(tempfile.mkdtemp(prefix="bench-dash-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "dashboard.sqlite"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    start = time.perf_counter()
    load_sqlite(path, count)
    print(f"sqlite: loaded {count:,} leads in {time.perf_counter() - start:.0f} s", flush=True)
    return measure(url, views)


def run_postgres(server: str, count: int, views: int) -> dict[str, float]:
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    name = f"bench_dash_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(server)).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        start = time.perf_counter()
        load_postgres(url, count)
        print(f"postgresql: loaded {count:,} leads in {time.perf_counter() - start:.0f} s", flush=True)
        return measure(url, views)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 leads, 10 views")
    parser.add_argument("--views", type=int, default=20)
    parser.add_argument("--pg", default=PG_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the SQLite database in this folder")
    args = parser.parse_args()
    count, views = (100_000, 10) if args.quick else (args.leads, args.views)
    results = {}
    if not args.no_sqlite:
        results["sqlite"] = run_sqlite(count, views, args.keep)
        print(f"sqlite: {results['sqlite']}", flush=True)
    if not args.no_pg:
        results["postgresql"] = run_postgres(args.pg, count, views)
        print(f"postgresql: {results['postgresql']}", flush=True)
    parts = [
        f"{db} national median {r['national_median_ms']} ms (p90 {r['national_p90_ms']}, first view "
        f"{r['first_view_ms']}), kanwil {r['kanwil_median_ms']} ms, branch {r['branch_median_ms']} ms, "
        f"after a status change {r['after_change_median_ms']} ms "
        f"(visible {r['after_change_visible_ms']} ms), "
        f"after a change in the biggest kab/kota {r['big_change_median_ms']} ms "
        f"(visible {r['big_change_visible_ms']} ms)"
        for db, r in results.items()
    ]
    print(
        f"SUMMARY {platform.node()} {os.cpu_count()} cpu {dt.date.today()} leads={count} views={views}: "
        + "; ".join(parts),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
