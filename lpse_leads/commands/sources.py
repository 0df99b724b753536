"""`lpse-leads sources crosscheck FILE`: the data.inaproc.id realisation table as a cross-check.

Prints rows and value per channel (tender, non-tender, e-Katalog v6) split by construction, the
construction transactions the database has not stored (missed), and the requests the table would
save against SPSE detail tabs. FILE is a saved `realisasi/table` answer or a list of its rows.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from lpse_leads.dbopt import add_db_argument, open_database
from lpse_leads.errors import UserError

_LABELS = {"tender": "Tender", "non_tender": "Non Tender", "ekatalog": "E-Katalog v6"}


def register(subparsers: Any) -> None:
    """Add `sources crosscheck`."""
    parser = subparsers.add_parser("sources", help="the other public channels (SiRUP, data.inaproc.id, API)")
    sub = parser.add_subparsers(dest="sources_command", metavar="COMMAND", required=True)
    check = sub.add_parser(
        "crosscheck",
        help="realisation rows vs the stored packages: channels, missed construction, requests saved",
    )
    check.add_argument("file", type=Path, help="saved realisasi/table answer or list of rows (JSON)")
    check.add_argument("--no-db", action="store_true", help="figures from the file only")
    check.add_argument("--json", action="store_true", help="print the figures as JSON")
    add_db_argument(check)
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Parse the file, compare with the database, print."""
    from crawler.parsers.errors import ParseError
    from crawler.parsers.inaproc import parse_realisation_page
    from pipeline.crosscheck import cross_check

    try:
        rows = parse_realisation_page(args.file.read_bytes())
    except OSError as exc:
        raise UserError(f"cannot read {args.file}: {exc.strerror}") from None
    except ParseError as exc:
        raise UserError(f"{args.file}: {exc}") from None
    if args.no_db:
        result = cross_check(rows)
    else:
        engine = open_database(args)
        try:
            with engine.connect() as connection:
                result = cross_check(rows, connection)
        finally:
            engine.dispose()
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    from digest.formatting import rupiah

    table = Table(title=f"realisation rows: {args.file.name}")
    for column in ("channel", "construction", "rows", "value"):
        table.add_column(column, justify="right" if column in ("rows", "value") else "left")
    for (channel, construction), cell in sorted(result.cells.items()):
        table.add_row(
            _LABELS.get(channel, channel), "yes" if construction else "no", str(cell.rows), rupiah(cell.value)
        )
    console = Console()
    console.print(table)
    construction_rows = sum(c.rows for (_, k), c in result.cells.items() if k)
    if not args.no_db:
        missed = len(result.missed)
        console.print(f"construction stored: {result.stored} of {construction_rows}; missed: {missed}")
        for row in result.missed[:20]:
            console.print(f"  missed {row['channel']} {row['code']} {row['name']} ({row.get('agency', '')})")
    saved = result.detail_requests_saved
    console.print(f"table: {result.table_requests} requests; winner tabs it makes unnecessary: {saved}")
    return 0
