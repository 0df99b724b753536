"""`lpse-leads branches import FILE [--replace] | list | coverage [--json]`: the branch table.

`import` makes the imported table equal to the file (all-or-nothing, Excel row numbers); it wins
over the national starter table for the kab/kota it lists, and `--replace` drops the starter rows
entirely. `list` shows the stored table with each branch's origin; `coverage` shows how all 514
kab/kota are routed per Kanwil and route basis (`--json`: the totals), then the kab/kota that have
leads in a fallback queue, so an administrator knows which rows to add.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import case, func, select

from leads.branches_store import ensure_starter, list_branches
from leads.coverage import coverage
from leads.models import OPEN_STATUSES, Lead
from leads.starter import unresolved_offices
from leads.starter_rules import ROUTE_BASES
from lpse_leads.dbopt import add_db_argument, open_database
from lpse_leads.reference_files import import_branches_file
from pipeline.db import session_factory
from pipeline.writer import utcnow


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `branches import`, `branches list` and `branches coverage`."""
    parser = subparsers.add_parser("branches", help="BPJS TK branch offices and the kab/kota they serve")
    sub = parser.add_subparsers(dest="branches_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="replace the branch table with a CSV/XLSX file, all or nothing")
    imp.add_argument("file", type=Path, help="branch_code, branch_name, kanwil, emails, kabkota_codes")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="the file is the whole table: drop the starter table's rows (default: the file wins where it "
        "lists a kab/kota, the starter table routes the rest)",
    )
    add_db_argument(imp)
    imp.set_defaults(func=run_import)
    ls = sub.add_parser("list", help="the stored branch table")
    add_db_argument(ls)
    ls.set_defaults(func=run_list)
    cov = sub.add_parser("coverage", help="how every kab/kota is routed, per Kanwil and route basis")
    cov.add_argument("--json", action="store_true", help="the totals as one JSON object")
    add_db_argument(cov)
    cov.set_defaults(func=run_coverage)


def run_import(args: argparse.Namespace) -> int:
    """Validate the file, then make the stored table equal to it."""
    engine = open_database(args)
    try:
        count, s = import_branches_file(engine, args.file, replace=args.replace)
    finally:
        engine.dispose()
    starter = (
        "starter table dropped (--replace)"
        if args.replace
        else f"the starter table routes {s.starter_kabkota} other kab/kota"
    )
    print(
        f"branches {args.file}: {count} branches ({s.inserted} new, {s.updated} updated, "
        f"{s.removed} removed, {s.unchanged} unchanged), {s.kabkota} kab/kota; {starter}. "
        "Run `lpse-leads leads build` to re-route leads."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the branch table."""
    engine = open_database(args)
    try:
        with session_factory(engine).begin() as session:
            ensure_starter(session, utcnow())
            branches = list_branches(session)
    finally:
        engine.dispose()
    table = Table("code", "name", "kanwil", "origin", "emails", "kab/kota")
    for code, name, kanwil, emails, kabkota, origin in branches:
        shown = emails.replace(";", "\n") or ("(Kanwil fallback)" if origin == "starter" else "(none)")
        table.add_row(code, name, kanwil or "", origin, shown, " ".join(kabkota))
    Console().print(table)
    if any(not emails and origin == "import" for *_, emails, _, origin in branches):
        print("note: imported branches without e-mail addresses keep their leads, but nobody receives them")
    if any(origin == "starter" for *_, origin in branches):
        print("note: starter branches have no addresses: their digests go to the Kanwil's fallback address")
    return 0


def run_coverage(args: argparse.Namespace) -> int:
    """Kab/kota per Kanwil and route basis; then kab/kota with leads in fallback queues, most leads first."""
    engine = open_database(args)
    open_count = func.sum(case((Lead.status.in_(OPEN_STATUSES), 1), else_=0))
    try:
        with session_factory(engine).begin() as session:
            ensure_starter(session, utcnow())
            connection = session.connection()
            report = coverage(connection)
            rows = connection.execute(
                select(
                    Lead.route,
                    Lead.kabkota_code,
                    Lead.kabkota_name,
                    Lead.province_code,
                    Lead.kanwil,
                    func.count().label("leads"),
                    open_count.label("open"),
                )
                .where(Lead.route != "branch")
                .group_by(Lead.route, Lead.kabkota_code, Lead.kabkota_name, Lead.province_code, Lead.kanwil)
                .order_by(func.count().desc(), Lead.kabkota_code)
            ).all()
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(report.as_json()))
        return 0
    summary = Table("Kanwil", "kab/kota", *ROUTE_BASES, "unrouted", "from imported table")
    for name, c in [*report.kanwil.items(), ("all", report.total)]:
        summary.add_row(
            name, str(c.kabkota), *(str(c.by_basis[b]) for b in ROUTE_BASES), str(c.unrouted), str(c.imported)
        )
    Console(width=max(Console().width, 120)).print(summary)  # 8 columns: never squeezed into "Kalima…"
    checked, agree = report.kcp_check
    print(
        f"nearest-office rule checked on the known KCP hierarchies (Jateng & DIY, Sumbagsel): "
        f"{agree} of {checked} KCP kab/kota land on their parent KC"
    )
    for office, why in unresolved_offices():
        print(f"office left unresolved: {office} ({why})")
    table = Table("kab/kota", "name", "province", "fallback Kanwil", "leads", "open")
    for r in rows:
        label = r.kabkota_code or ("(province only)" if r.route == "fallback" else "(unrouted)")
        table.add_row(
            label, r.kabkota_name or "", r.province_code or "", r.kanwil or "", str(r.leads), str(r.open or 0)
        )
    if not rows:
        print("no lead waits in a fallback or unrouted queue")
    else:
        print("kab/kota with leads not routed to a branch:")
        Console().print(table)
    return 0
