"""`lpse-leads parse KIND FILE`: run one page parser on a saved page and print its dict as JSON.

For checking a captured page by hand, or a page a crawl failed on; money prints as an exact
JSON number of rupiah.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from crawler.parsers import PARSE_KINDS, ParseError, parse_page
from crawler.parsers.listing import LIST_KINDS
from domain.jsonio import to_json
from lpse_leads.errors import UserError

_KINDS_HELP = """kinds:
  announcement  a pengumuman page (pengumumanlelang, pengumumanpl, darurat, pencatatan, swakelola)
  winners       a pemenang tab (winners with NPWP and offer/corrected/negotiated prices, Pagu, HPS)
  contract      a pemenang berkontrak tab, or a darurat/pencatatan/swakelola realisation tab
  schedule      a jadwal tab (stages with WIB start and end)
  list          a list answer (DataTables object or bare array of rows) of /dt/lelang, /dt/pl,
                /dt/nonspk, /dt/swakelola or /dt/darurat-list; cells it cannot read are
                left out of their row and listed under "unread" (exit 0, a note on stderr)
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `parse` command."""
    parser = subparsers.add_parser(
        "parse",
        help="parse one saved SPSE page and print the result as JSON",
        description="Parse one saved SPSE page or list answer and print what the crawler would read.",
        epilog=_KINDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=PARSE_KINDS, metavar="KIND", help="page kind (see below)")
    parser.add_argument("file", type=Path, metavar="FILE", help="the saved page body")
    parser.add_argument(
        "--list-kind",
        choices=LIST_KINDS,
        help="for KIND=list: " + ", ".join(LIST_KINDS) + " (default: inferred from the row width)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the file, parse it, print indented JSON; unreadable file or parse failure → UserError."""
    try:
        body = args.file.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    try:
        result = parse_page(args.kind, body, list_kind=args.list_kind)
    except ParseError as exc:
        raise UserError(f"{args.file}: not a parsable {args.kind} page: {exc}") from exc
    print(pretty_json(result))
    odd = [f"{len(result[key])} {what}" for key, what in _ODD.items() if result.get(key)]
    if odd:
        print(f"lpse-leads: note: {args.file}: {', '.join(odd)} (see {' and '.join(_ODD)})", file=sys.stderr)
    return 0


#: Parts of a list result that name what was not read, and how the note calls them.
_ODD = {"unread": "cells unread (row kept)", "dropped": "rows dropped"}


_MARK = "\x00decimal:"
_MARKED = re.compile(r'"\\u0000decimal:(-?[0-9.]+)"')


def pretty_json(value: Any) -> str:
    """Indented JSON of a parser result; money (Decimal) stays an exact JSON number."""
    tree = json.loads(to_json(value), parse_float=lambda text: _MARK + format(Decimal(text), "f"))
    return _MARKED.sub(r"\1", json.dumps(tree, indent=2, ensure_ascii=False))
