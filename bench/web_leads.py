"""Benchmark: an officer's lead list in the workbench with 10,000 leads in their branch (SQLite, PostgreSQL).

    .venv/bin/python bench/web_leads.py [--leads 10000] [--requests 30] [--pg URL | --no-pg | --no-sqlite]

Per database: synthetic construction packages (``bench/leads.py``'s populate: pipeline tables,
registry, starter branch table) are built into leads (`build_leads`), exactly ``--leads`` of them
are routed to one branch (the rest to another) and an officer of that branch is added. Then the
real app (``web.app.create_app``, in process through Starlette's TestClient: routing, the session
and CSRF layer, SQL, Jinja2) serves the pages an officer opens, ``--requests`` times each after one
warm-up: the list's first page (tab "Baru", all leads new), its 100th page, a search, the
kab/kota filter, the "Lewat tenggat" tab, one lead's page, the API list. Goal: the list ≤ 300 ms
median. The last line is a summary.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leads.build import build_leads  # noqa: E402
from leads.models import Branch, Lead  # noqa: E402
from pipeline.db import make_engine, session_factory  # noqa: E402
from pipeline.writer import utcnow  # noqa: E402
from web.people import add_person  # noqa: E402
from web.settings import WebSettings  # noqa: E402

PG_SERVER = os.environ.get("LPSE_LEADS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
EMAIL, PASSWORD = "bench.officer@bpjs.example", "bench-password-1"


def _bench_leads_module():
    """bench/leads.py (its populate and scratch PostgreSQL helpers), loaded by path."""
    spec = importlib.util.spec_from_file_location("bench_leads", ROOT / "bench" / "leads.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def prepare(url: str, leads: int) -> tuple[str, str]:
    """Populate, build, route exactly ``leads`` leads to one branch; returns (branch, a kab/kota code)."""
    bench_leads = _bench_leads_module()
    bench_leads.populate(url, int(leads * 1.35) + 100)
    engine = make_engine(url)
    with session_factory(engine).begin() as session:
        build_leads(session, bench_leads.dt.date.fromisoformat(bench_leads.TODAY))
        total = session.scalar(select(func.count()).select_from(Lead))
        if total < leads:
            raise SystemExit(f"only {total} leads built; need {leads}")
        branch, other = session.scalars(select(Branch.code).order_by(Branch.code).limit(2)).all()
        ids = select(Lead.id).order_by(Lead.id).limit(leads).scalar_subquery()
        session.execute(update(Lead).values(branch_code=other, route="branch"))
        session.execute(
            update(Lead)
            .where(Lead.id.in_(select(Lead.id).order_by(Lead.id).limit(leads)))
            .values(branch_code=branch, status="new")
        )
        del ids
        kabkota = session.scalar(
            select(Lead.kabkota_code)
            .where(Lead.branch_code == branch)
            .group_by(Lead.kabkota_code)
            .order_by(func.count().desc())
            .limit(1)
        )
        add_person(session, EMAIL, "officer", PASSWORD, branch=branch, kanwil=None, by="bench", now=utcnow())
    engine.dispose()
    return branch, kabkota


def measure(url: str, requests: int, kabkota: str) -> dict[str, float]:
    """Median milliseconds per page, real app in process."""
    from fastapi.testclient import TestClient

    from web.app import create_app

    client = TestClient(create_app(WebSettings(db_url=url)), follow_redirects=False)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    assert (
        client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token}).status_code
        == 303
    )
    first = client.get("/leads")
    assert first.status_code == 200 and first.text.count('name="lead_id"') == 50, "the list shows 50 leads"
    lead_id = re.search(r'href="/leads/(\d+)"', first.text).group(1)  # type: ignore[union-attr]
    pages = {
        "list": "/leads",
        "list page 100": "/leads?tab=new&page=100",
        "search": "/leads?tab=new&q=jalan",
        "kabkota filter": f"/leads?tab=new&kabkota={kabkota}",
        "overdue tab": "/leads?tab=overdue",
        "lead page": f"/leads/{lead_id}",
        "api list": "/api/leads?status=all",
    }
    medians = {}
    for name, path in pages.items():
        client.get(path)  # warm-up
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        medians[name] = statistics.median(times)
        print(f"  {name:<16} median {medians[name]:7.1f} ms  (min {min(times):.1f}, max {max(times):.1f})")
    return medians


def run(label: str, url: str, leads: int, requests: int) -> str:
    started = time.perf_counter()
    _branch, kabkota = prepare(url, leads)
    print(f"{label}: {leads:,} leads in one branch, prepared in {time.perf_counter() - started:.1f} s")
    medians = measure(url, requests, kabkota)
    return f"{label} {leads}: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in medians.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--pg", default=PG_SERVER)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where the SQLite file goes (default: temp)"
    )
    args = parser.parse_args()
    import tempfile

    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.workdir or Path(tmp)
        if not args.no_sqlite:
            path = folder / f"web-bench-{uuid.uuid4().hex[:8]}.sqlite"
            parts.append(run("sqlite", f"sqlite:///{path}", args.leads, args.requests))
            path.unlink(missing_ok=True)
        if not args.no_pg:
            bench_leads = _bench_leads_module()
            name = f"lpse_web_bench_{uuid.uuid4().hex[:8]}"
            url = bench_leads.pg_database(args.pg, name, keep=False)
            if url:
                try:
                    parts.append(run("postgresql", url, args.leads, args.requests))
                finally:
                    bench_leads.drop_pg_database(args.pg, name)
    print("SUMMARY " + "; ".join(parts))


if __name__ == "__main__":
    main()
