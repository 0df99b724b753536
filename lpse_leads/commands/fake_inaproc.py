"""`lpse-leads fake-inaproc`: serve SiRUP, the data.inaproc.id tables and the API Gateway from one
fake world until SIGTERM/SIGINT; print the site URL and the API token; optionally write the truth."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lpse_leads.errors import UserError


def register(subparsers: Any) -> None:
    """Add the `fake-inaproc` command."""
    p = subparsers.add_parser(
        "fake-inaproc",
        help="serve a fake SiRUP + data.inaproc.id + INAPROC API host (for tests and demos)",
    )
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--day", type=int, default=0, help="days after day 0 (plans and purchases appear)")
    p.add_argument("--plans", type=int, default=40, help="plans per government on day 0")
    p.add_argument("--faults", default="none", choices=("none", "flaky", "hostile"))
    p.add_argument("--truth", type=Path, help="write the expected records (JSON lines, with `source`)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the server, print its URL and token, write the truth, wait for a stop signal."""
    from fake_inaproc import FakeInaproc
    from fake_spse.http import serve_until_stopped

    if args.day < 0 or args.plans < 1:
        raise UserError("--day must be ≥ 0 and --plans ≥ 1")
    try:
        fake = FakeInaproc(
            seed=args.seed, year=args.year, day=args.day, faults=args.faults, port=args.port, plans=args.plans
        )
    except OSError as exc:
        raise UserError(f"cannot listen on 127.0.0.1:{args.port}: {exc}") from exc
    lines = [f"site: {fake.url}  (sirup, ekatalog and inaproc-api)", f"api token: {fake.token}"]
    serve_until_stopped(fake, fake.truth, args.truth, lines)
    return 0
