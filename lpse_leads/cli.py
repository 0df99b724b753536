"""The `lpse-leads` console script: one entry point, one module per subcommand group.

Each module in `lpse_leads.commands` exposes `register(subparsers)`, which adds its
subcommand(s) with `set_defaults(func=handler)`; a handler takes the parsed arguments and
returns the process exit status. Keeping commands in their own modules lets each room own
its command without touching a central file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from lpse_leads import commands
from lpse_leads.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every command module registered in name order."""
    parser = argparse.ArgumentParser(
        prog="lpse-leads",
        description="Construction tenders from SPSE sites, turned into BPJS Jasa Konstruksi leads.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; a UserError becomes one clear message and exit status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"lpse-leads: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
