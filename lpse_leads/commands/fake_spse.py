"""`lpse-leads fake-spse`: run the fake SPSE host until SIGTERM/SIGINT, optionally writing its truth."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lpse_leads.errors import UserError


def register(subparsers: Any) -> None:
    """Add the `fake-spse` command."""
    p = subparsers.add_parser("fake-spse", help="serve a fake SPSE host (for tests and benchmarks)")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument("--slug", action="append", required=True, help="an LPSE slug to serve (repeatable)")
    p.add_argument(
        "--packages",
        default="200",
        help="packages per slug on day 0, or 'real': tender lists as long as real 2026 portals' (cycled)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--day", type=int, default=0, help="days after day 0 (stages advance, packages appear)")
    p.add_argument("--faults", default="none", choices=("none", "flaky", "hostile"))
    p.add_argument(
        "--variant",
        default="none",
        choices=("none", "challenge", "relabelled"),
        help="a situation to show: a Cloudflare challenge in front of the host, or detail pages with "
        "changed labels (e.g. to see what `lpse-leads probe` says)",
    )
    p.add_argument(
        "--page-cap",
        type=int,
        metavar="ROWS",
        help="answer at most ROWS rows per list call, silently, as a capping host does (default: the "
        "2026 national host's 100000)",
    )
    p.add_argument("--truth", type=Path, help="write the expected records (JSON lines) to this file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the server, print its URLs, write the truth, and wait for a stop signal."""
    from fake_spse import FakeSpse
    from fake_spse.http import serve_until_stopped

    packages: int | str = args.packages
    if args.packages != "real":
        if not args.packages.isdigit():
            raise UserError(f"--packages takes a count or 'real', got {args.packages!r}")
        packages = int(args.packages)
    if args.day < 0:
        raise UserError("--day must be ≥ 0")
    if args.page_cap is not None and args.page_cap < 1:
        raise UserError("--page-cap must be ≥ 1")
    try:
        fake = FakeSpse(
            slugs=args.slug,
            packages=packages,
            seed=args.seed,
            year=args.year,
            day=args.day,
            faults=args.faults,
            port=args.port,
            variant=args.variant,
            **({"page_cap": args.page_cap} if args.page_cap else {}),
        )
    except OSError as exc:
        raise UserError(f"cannot listen on 127.0.0.1:{args.port}: {exc}") from exc
    serve_until_stopped(fake, fake.truth, args.truth, [fake.base_url(slug) for slug in args.slug])
    return 0
