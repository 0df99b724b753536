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
from lpse_leads.crawl_process import die_with_parent
from lpse_leads.errors import UserError


def _module_name(command: str) -> str:
    """Module of a command: `fake-spse` lives in `lpse_leads.commands.fake_spse`."""
    return command.replace("-", "_")


def _selected_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any (its first non-option word)."""
    for word in argv:
        if not word.startswith("-"):
            return _module_name(word)
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser. When argv names a known command, only that command's module is
    imported (a crawl or scheduled child process does not pay for every room's imports);
    otherwise, e.g. for `--help`, every command module is registered in name order."""
    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    selected = _selected_command(argv or [])
    if selected in names:
        names = [selected]
    parser = argparse.ArgumentParser(
        prog="lpse-leads",
        description="Construction tenders from SPSE sites, turned into BPJS Jasa Konstruksi leads.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in names:
        importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; a UserError becomes one clear message and exit status 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # A crawl child of `run` asks to die with its run before anything slow (importing every
    # command's room takes a second on a loaded machine): no window for an orphaned crawl.
    die_with_parent()
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"lpse-leads: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
