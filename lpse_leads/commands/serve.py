"""`lpse-leads serve [--host 127.0.0.1] [--port 8080]`: the workbench over the lead database, under uvicorn.

Reads the same configuration as `run` (database, `web.base_url`). SQLite is brought up to date
here; PostgreSQL must have had `lpse-leads db upgrade`. Behind a TLS-terminating proxy, run with
`--proxy` so `X-Forwarded-Proto` from 127.0.0.1 marks requests as https (cookies become Secure).
"""

from __future__ import annotations

import argparse

from lpse_leads.commands.run import add_config_argument
from lpse_leads.config import load_config
from lpse_leads.dbopt import open_database_url
from web.settings import WebSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `serve`."""
    parser = subparsers.add_parser("serve", help="serve the web workbench (officers' leads, API)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: the configured one)")
    parser.add_argument("--proxy", action="store_true", help="trust X-Forwarded-* from 127.0.0.1 (TLS proxy)")
    parser.add_argument("--ssl-certfile", help="serve TLS directly with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", help="… and this key (PEM)")
    add_config_argument(parser)
    parser.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Check the database, then serve until interrupted."""
    import uvicorn

    from web.app import create_app

    config = load_config(args.config, overrides={"data.database_url": args.db})
    open_database_url(config.db_url, immediate=False).dispose()
    app = create_app(WebSettings(db_url=config.db_url, base_url=config.web.base_url))
    print(f"lpse-leads workbench on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=args.proxy,
        forwarded_allow_ips="127.0.0.1",
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level="info",
        server_header=False,
    )
    return 0
