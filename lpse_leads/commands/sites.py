"""`lpse-leads sites list|refresh`: the registry of the national host's LPSEs (`crawler.registry`).

`list` shows what `--site all` crawls. `refresh --from URL|FILE` rebuilds the registry file from a
slug list in a known shape (`crawler.registry_source`): the national host's own index of LPSEs is
not documented, so the operator points it at a list (a URL or a file) and reviews the diff it
prints before committing the new file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import urllib.request
from collections import Counter
from pathlib import Path

from crawler.registry import KINDS, REGISTRY_CSV, read_registry, registry, write_registry
from crawler.registry_source import SourceError, build_rows, parse_source
from lpse_leads.errors import UserError

#: A refresh that would drop more than this share of the current rows needs --allow-shrink.
MAX_SHRINK = 0.2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `sites list` and `sites refresh`."""
    parser = subparsers.add_parser("sites", help="the registry of the national host's LPSEs (--site all)")
    sub = parser.add_subparsers(dest="sites_command", metavar="ACTION", required=True)
    show = sub.add_parser("list", help="print the LPSEs `--site all` crawls")
    show.add_argument("--kind", choices=KINDS, help="only this kind of LPSE")
    show.add_argument("--registry", type=Path, default=REGISTRY_CSV, help="registry file (default: shipped)")
    show.set_defaults(func=run_list)
    refresh = sub.add_parser("refresh", help="rebuild the registry from a slug list (URL or file)")
    refresh.add_argument("--from", dest="source", required=True, metavar="URL|FILE", help="the slug list")
    refresh.add_argument(
        "--output", type=Path, default=REGISTRY_CSV, help="file to write (default: the shipped registry)"
    )
    refresh.add_argument(
        "--cite", metavar="TEXT", help="the source column (default: the URL or file and today)"
    )
    refresh.add_argument(
        "--allow-shrink", action="store_true", help=f"allow dropping > {MAX_SHRINK:.0%} of rows"
    )
    refresh.set_defaults(func=run_refresh)


def run_list(args: argparse.Namespace) -> int:
    """One line per LPSE: slug, kind, codes, name, source."""
    rows = [r for r in registry(args.registry) if args.kind in (None, r.kind)]
    for row in rows:
        code = row.kabkota_code or row.province_code or "-"
        print(f"{row.slug:<24} {row.kind:<20} {code:<6} {row.name}")
    kinds = Counter(r.kind for r in rows)
    print(f"{len(rows)} LPSE(s): " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    return 0


def _fetch(source: str) -> str:
    """The text of a URL (GET, our User-Agent) or of a file."""
    if source.startswith(("http://", "https://")):
        from crawler.settings import USER_AGENT

        request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.read().decode("utf-8")
        except OSError as exc:
            raise UserError(f"cannot read {source}: {exc}") from None
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {source}: {exc.strerror or exc}") from None


def run_refresh(args: argparse.Namespace) -> int:
    """Parse the list, derive kinds and codes, print the changes, write the registry file."""
    try:
        source_rows = parse_source(_fetch(args.source))
    except SourceError as exc:
        raise UserError(f"{args.source}: {exc}") from None
    cite = args.cite or f"{args.source} (read {dt.date.today().isoformat()})"
    rows = build_rows(source_rows, cite)
    if not rows:
        raise UserError(f"{args.source}: no LPSE in it")
    old = read_registry(args.output.read_text(encoding="utf-8")) if args.output.exists() else []
    old_slugs, new_slugs = {r.slug for r in old}, {r.slug for r in rows}
    dropped = sorted(old_slugs - new_slugs)
    if old and len(dropped) > MAX_SHRINK * len(old) and not args.allow_shrink:
        raise UserError(
            f"{args.source} lacks {len(dropped)} of the {len(old)} LPSEs of {args.output} "
            "(a partial list?); pass --allow-shrink to write it anyway"
        )
    unresolved = [r.slug for r in rows if r.kind in ("kabupaten", "kota") and not r.kabkota_code]
    unresolved += [r.slug for r in rows if r.kind == "provinsi" and not r.province_code]
    args.output.write_text(write_registry(rows), encoding="utf-8")
    print(f"{len(rows)} LPSE(s) from {len(source_rows)} row(s) of {args.source} → {args.output}")
    print(f"added {len(new_slugs - old_slugs)}: {' '.join(sorted(new_slugs - old_slugs)[:30])}")
    print(f"dropped {len(dropped)}: {' '.join(dropped[:30])}")
    if unresolved:
        print(f"no Kemendagri code for {len(unresolved)} regional LPSE(s): {' '.join(unresolved)}")
    return 0
