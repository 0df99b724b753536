"""The dashboard page assembled: figures of a scope (``queries``), their SVG charts (``svg``), the page.

``TABLES`` names every table behind a chart; the page and ``/dashboard/<name>.csv`` read the same
function, so the CSV is exactly what the chart drew.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from digest.formatting import rupiah
from leads.models import Branch
from pipeline.writer import utcnow
from web.access import Viewer
from web.dashboard import mapdata, queries, svg
from web.dashboard.freshness import freshness
from web.dashboard.queries import Scope, Table
from web.templating import render

#: What the map colours: open leads, or their estimated contribution.
MAP_MEASURES = {"lead": "Lead terbuka", "iuran": "Estimasi iuran terbuka"}
BARS = 15
#: Rows of the long tables shown on the page (all of them are in the CSV).
ROWS_SHOWN = 30


def _areas(c: Connection, s: Scope) -> list[dict[str, Any]]:
    return queries.areas(c, s)


TABLES: dict[str, Callable[[Connection, Scope, dt.datetime], Table]] = {
    "cabang": lambda c, s, now: queries.by_branch(_areas(c, s), queries.branch_names(c)),
    "kabkota": lambda c, s, now: queries.by_kabkota(_areas(c, s), mapdata.load().names),
    "corong": lambda c, s, now: queries.funnel(queries.stages(c, s), [])[0],
    "tunggakan": lambda c, s, now: queries.overdue(queries.stages(c, s)),
    "kontraktor": lambda c, s, now: queries.top_contractors(c, s),
    "situs": lambda c, s, now: freshness(c, now),
}


def scope_choices(session: Session, viewer: Viewer) -> dict[str, list[tuple[str, str]]]:
    """Kanwil and branch choices the viewer may switch to (analysts: all; Kanwil users: its branches)."""
    if viewer.role in ("analyst", "admin"):
        branches = session.execute(
            select(Branch.code, Branch.name, Branch.kanwil).order_by(Branch.code)
        ).all()
        kanwils = sorted({b.kanwil for b in branches if b.kanwil})
        return {
            "kanwil": [(k, k) for k in kanwils],
            "cabang": [(b.code, f"{b.code} {b.name}") for b in branches],
        }
    if viewer.role == "kanwil" and viewer.kanwil:
        branches = session.execute(
            select(Branch.code, Branch.name).where(Branch.kanwil == viewer.kanwil).order_by(Branch.code)
        ).all()
        return {"kanwil": [], "cabang": [(b.code, f"{b.code} {b.name}") for b in branches]}
    return {"kanwil": [], "cabang": []}


def _count(n: float) -> str:
    return f"{round(n):,}".replace(",", ".")


def short_rupiah(value: float) -> str:
    """``Rp11,5 M`` (miliar), ``Rp407 jt`` (juta), ``Rp1,2 T`` (triliun): for legends, not for sums."""
    for size, unit in ((1e12, "T"), (1e9, "M"), (1e6, "jt")):
        if value >= size:
            number = f"{value / size:.1f}".replace(".", ",").removesuffix(",0")
            return f"Rp{number} {unit}"
    return f"Rp{round(value):,}".replace(",", ".")


def _stage_text(count: int, share: float | None) -> str:
    """``1.234 lead · 66,7%`` (the share of the previous stage), Indonesian number style."""
    if share is None:
        return f"{_count(count)} lead"
    return f"{_count(count)} lead · " + f"{share:.1f}".replace(".", ",") + "%"


def _map(table: Table, measure: str, focus: set[str] | None) -> dict[str, Any]:
    geo = mapdata.load()
    rows = {r["kabkota_code"]: r for r in table.rows if r["kabkota_code"]}
    key = "open" if measure == "lead" else "open_contribution"
    values = {code: svg.as_float(row[key]) for code, row in rows.items()}

    def describe(code: str, name: str) -> str:
        row = rows.get(code)
        if row is None:
            return f"{name}: tidak ada lead"
        return (
            f"{name}: {_count(row['open'])} lead terbuka dari {_count(row['leads'])}, "
            f"estimasi iuran {rupiah(row['open_contribution'])}"
        )

    shown = [v for code, v in values.items() if focus is None or code in focus]
    fmt = _count if measure == "lead" else short_rupiah
    title = f"Peta {MAP_MEASURES[measure].lower()} per kabupaten/kota"
    return {
        "svg": svg.choropleth(geo, values, describe, title, focus),
        "legend": svg.legend(shown, fmt, "Keterangan warna"),
        "title": title,
    }


def render_dashboard(
    request: Request,
    session: Session,
    viewer: Viewer,
    scope: Scope,
    measure: str,
    focus: set[str] | None,
    choices: dict[str, list[tuple[str, str]]],
    stale: bool = False,
) -> HTMLResponse:
    """The whole page for ``scope`` (the summary must be fresh: see ``leads.summary.ensure_fresh``)."""
    connection = session.connection()
    now = utcnow()
    area_rows = queries.areas(connection, scope)
    totals = queries.totals(area_rows)
    branches = queries.by_branch(area_rows, queries.branch_names(connection))
    kabkota = queries.by_kabkota(area_rows, mapdata.load().names)
    stage_rows = queries.stages(connection, scope)
    funnel, median_days = queries.funnel(stage_rows, queries.reg_days(connection, scope))
    overdue = queries.overdue(stage_rows)
    contractors = queries.top_contractors(connection, scope)
    sites = freshness(connection, now)
    params = {k: v for k, v in (("kanwil", scope.key if scope.level == "kanwil" else ""),
                                ("cabang", scope.key if scope.level == "branch" else "")) if v}  # fmt: skip
    charts = {
        "cabang": svg.bar_chart(
            [
                svg.Bar(r["label"], svg.as_float(r["open_contribution"]), rupiah(r["open_contribution"]))
                for r in branches.rows[:BARS]
            ],
            "Estimasi iuran lead terbuka per kantor cabang",
        ),
        "corong": svg.bar_chart(
            [
                svg.Bar(r["label"], r["leads"], _stage_text(r["leads"], r["from_previous"]))
                for r in funnel.rows
            ],
            funnel.title,
        ),
        "tunggakan": svg.bar_chart(
            [svg.Bar(r["bucket"], r["leads"], f"{_count(r['leads'])} lead") for r in overdue.rows],
            overdue.title,
        ),
        "kontraktor": svg.bar_chart(
            [
                svg.Bar(r["contractor"], r["leads"], f"{_count(r['leads'])} lead")
                for r in contractors.rows[:10]
            ],
            contractors.title,
        ),
    }
    return render(
        request,
        "dashboard.html.j2",
        {
            "scope": scope,
            "totals": totals,
            "median_days": median_days,
            "tables": {t.name: t for t in (branches, kabkota, funnel, overdue, contractors, sites)},
            "charts": charts,
            "map": _map(kabkota, measure, focus),
            "measure": measure,
            "measures": MAP_MEASURES,
            "choices": choices,
            "query": urlencode(params),
            "refreshed_at": queries.summary_time(connection),
            "stale": stale,
            "rows_shown": ROWS_SHOWN,
            "kabkota_top": kabkota.rows[:20],
        },
    )
