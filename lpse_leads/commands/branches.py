"""`lpse-leads branches import FILE | list | coverage`: the branch table users maintain.

`import` replaces the stored table with the file (all-or-nothing, Excel row numbers); `list` shows
it; `coverage` lists the kab/kota that have leads but no branch (they sit in province fallback
queues), with counts, so an administrator knows which rows to add.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import case, func, select

from leads.branches_store import list_branches
from leads.models import OPEN_STATUSES, Lead
from lpse_leads.dbopt import add_db_argument, open_database
from lpse_leads.reference_files import import_branches_file
from pipeline.db import session_factory


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `branches import`, `branches list` and `branches coverage`."""
    parser = subparsers.add_parser("branches", help="BPJS TK branch offices and the kab/kota they serve")
    sub = parser.add_subparsers(dest="branches_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="replace the branch table with a CSV/XLSX file, all or nothing")
    imp.add_argument("file", type=Path, help="branch_code, branch_name, kanwil, emails, kabkota_codes")
    add_db_argument(imp)
    imp.set_defaults(func=run_import)
    ls = sub.add_parser("list", help="the stored branch table")
    add_db_argument(ls)
    ls.set_defaults(func=run_list)
    cov = sub.add_parser("coverage", help="kab/kota with leads but no branch, with counts")
    add_db_argument(cov)
    cov.set_defaults(func=run_coverage)


def run_import(args: argparse.Namespace) -> int:
    """Validate the file, then make the stored table equal to it."""
    engine = open_database(args)
    try:
        count, s = import_branches_file(engine, args.file)
    finally:
        engine.dispose()
    print(
        f"branches {args.file}: {count} branches ({s.inserted} new, {s.updated} updated, "
        f"{s.removed} removed, {s.unchanged} unchanged), {s.kabkota} kab/kota. "
        "Run `lpse-leads leads build` to re-route leads."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the branch table."""
    engine = open_database(args, immediate=False)
    try:
        with session_factory(engine)() as session:
            branches = list_branches(session)
    finally:
        engine.dispose()
    table = Table("code", "name", "kanwil", "emails", "kab/kota")
    for code, name, kanwil, emails, kabkota in branches:
        table.add_row(code, name, kanwil or "", emails.replace(";", "\n") or "(none)", " ".join(kabkota))
    Console().print(table)
    if any(not emails for *_, emails, _ in branches):
        print("note: branches without e-mail addresses keep their leads, but nobody receives them")
    return 0


def run_coverage(args: argparse.Namespace) -> int:
    """Kab/kota routed by fallback (no branch), most leads first; then province-only and unrouted counts."""
    engine = open_database(args, immediate=False)
    open_count = func.sum(case((Lead.status.in_(OPEN_STATUSES), 1), else_=0))
    try:
        with engine.connect() as connection:
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
    table = Table("kab/kota", "name", "province", "fallback Kanwil", "leads", "open")
    for r in rows:
        label = r.kabkota_code or ("(province only)" if r.route == "fallback" else "(unrouted)")
        table.add_row(
            label, r.kabkota_name or "", r.province_code or "", r.kanwil or "", str(r.leads), str(r.open or 0)
        )
    Console().print(table)
    if not rows:
        print("every lead is routed to a branch")
    return 0
