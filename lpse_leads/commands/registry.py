"""`lpse-leads registry import FILE [--mapping JSON]`: load a BPJS TK registry export (CSV or XLSX).

All-or-nothing: a file with bad rows is reported row by row (Excel row numbers) and nothing is
imported. Re-importing the same file changes nothing; a newer export updates what changed.
Run `lpse-leads leads build` afterwards so matched packages leave the lead list.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from leads.claims import claim_counts
from lpse_leads.dbopt import add_db_argument, open_database
from lpse_leads.errors import UserError
from lpse_leads.reference_files import import_registry_file


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `registry import`."""
    parser = subparsers.add_parser("registry", help="the BPJS TK registry of registered projects")
    sub = parser.add_subparsers(dest="registry_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="import a registry export (CSV or XLSX), all or nothing")
    imp.add_argument("file", type=Path, help="the export (.csv or .xlsx)")
    imp.add_argument(
        "--mapping",
        metavar="JSON",
        help='your headers → our fields, as JSON or a JSON file: {"No. Reg": "registration_no", ...}',
    )
    add_db_argument(imp)
    imp.set_defaults(func=run_import)


def parse_mapping(text: str | None) -> dict[str, str] | None:
    """The --mapping value: inline JSON or the path of a JSON file; UserError when it is neither."""
    if not text:
        return None
    source = Path(text).read_text(encoding="utf-8") if Path(text).is_file() else text
    try:
        mapping = json.loads(source)
    except json.JSONDecodeError as exc:
        raise UserError(f"--mapping is not JSON (or a JSON file): {exc}") from None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise UserError('--mapping must be an object of strings: {"Their Header": "registration_no"}')
    return mapping


def run_import(args: argparse.Namespace) -> int:
    """Validate the whole file, then upsert it in one transaction."""
    mapping = parse_mapping(args.mapping)
    engine = open_database(args)
    try:
        count, summary = import_registry_file(engine, args.file, mapping)
        with engine.connect() as connection:
            checked = claim_counts(connection)
    finally:
        engine.dispose()
    print(
        f"registry {args.file}: {count} rows; {summary.inserted} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged. Run `lpse-leads leads build` to update the lead list."
    )
    if any(checked.values()):
        print(
            f"registration numbers given by officers: {checked['confirmed']} confirmed, "
            f"{checked['flagged']} not in the registry (flagged), {checked['waiting']} waiting"
        )
    return 0
