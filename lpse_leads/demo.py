"""`lpse-leads run --demo`: the whole job against a fake SPSE on loopback, in under a minute.

Why it looks like this: a new user should see real output (a database, branch e-mails and
fallback e-mails in an outbox) without a network, an SMTP server or any BPJS file. The demo
builds its own inputs from the fake's truth — a noisy registry covering 40 % of the awarded
construction packages, and a branch table that covers only some of the kab/kota the packages
are in (plus one branch whose area has no packages, so it gets no e-mail) — and writes them,
with a generated `demo.toml`, into the demo folder (`<data home>/demo`, i.e. `./var/demo`).

The folder is kept between runs: a second `run --demo` starts the fake on the same port
(the port is part of each package's `site` key) with the same seed, so it finds nothing new
and sends nothing new. `--fresh` deletes the folder first.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.parsers import is_construction
from domain.regions import resolve
from fake_spse import FakeSpse
from leads.synthetic import noisy_registry, write_registry_csv
from lpse_leads.config import AppConfig, load_config
from lpse_leads.errors import UserError

SLUGS = ("demo-kota", "demo-kab", "demo-prov")
PACKAGES = 150
SEED = 2026
YEAR = 2026
REGISTRY_FRACTION = 0.4
CONFIG_NAME = "demo.toml"
#: A kab/kota none of the demo's packages is in (Kota Balikpapan): its branch gets no e-mail.
QUIET_KABKOTA = "64.71"
#: Where `lpse-leads serve` listens by default: the demo's e-mails link each lead there.
WORKBENCH_URL = "http://127.0.0.1:8080"
#: One demo person per role (e-mail, role, branch, kanwil, password) — demo data, printed on purpose.
DEMO_PEOPLE: tuple[tuple[str, str, str | None, str | None, str], ...] = (
    ("petugas@demo.invalid", "officer", "KC-DEMO-1", None, "demo-petugas-1"),
    ("kanwil@demo.invalid", "kanwil", None, "Demo", "demo-kanwil-1"),
    ("analis@demo.invalid", "analyst", None, None, "demo-analis-1"),
    ("admin@demo.invalid", "admin", None, None, "demo-admin-01"),
)
#: Politeness is for real sites; the fake runs on this machine.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "WARNING",
}


def demo_folder(home: Path) -> Path:
    """Where the demo keeps its database, inputs and outbox."""
    return home / "demo"


def awarded(truth: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Construction packages with a winner or a contract winner: what can become a lead."""
    return [r for r in truth if is_construction(r["category"]) and (r["winners"] or r["contract_winners"])]


def first_kabkota(record: dict[str, Any]) -> str | None:
    """The kab/kota code of the package's first location that resolves (as routing reads it)."""
    for location in record["locations"]:
        code = resolve(location, record.get("agency")).kabkota_code
        if code:
            return code
    return None


def branch_table(records: list[dict[str, Any]]) -> str:
    """A branch CSV covering about half the kab/kota with packages in three branches, plus a quiet one."""
    counts = Counter(code for code in map(first_kabkota, records) if code)
    codes = [code for code, _ in counts.most_common()]
    covered = codes[: max(3, len(codes) // 2)]
    groups = [covered[i::3] for i in range(3)]
    lines = ["branch_code,branch_name,kanwil,emails,kabkota_codes"]
    for n, group in enumerate(groups, 1):
        lines.append(f"KC-DEMO-{n},KC Demo {n},Demo,kc-demo-{n}@example.invalid,{';'.join(group)}")
    if QUIET_KABKOTA not in codes:
        lines.append(f"KC-DEMO-QUIET,KC Demo Quiet,Demo,kc-demo-quiet@example.invalid,{QUIET_KABKOTA}")
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    """A scalar as TOML writes it (booleans lower-case, strings quoted)."""
    if isinstance(value, bool):
        return str(value).lower()
    return f'"{value}"' if isinstance(value, str) else str(value)


def _config_text(sites: list[str]) -> str:
    """The demo's own configuration file (paths relative to the demo folder)."""
    settings = "\n".join(f"{k} = {_toml_value(v)}" for k, v in FAST_SETTINGS.items())
    site_list = ", ".join(f'"{s}"' for s in sites)
    return f"""# Written by `lpse-leads run --demo`; delete this folder (or use --fresh) to start over.
[data]
home = "."

[crawl]
sites = [{site_list}]
years = [{YEAR}]

[crawl.settings]
{settings}

[leads]
registry_file = "registry.csv"
branches_file = "branches.csv"

[web]
base_url = "{WORKBENCH_URL}"

[mail]
mail_from = "lpse-leads-demo@example.invalid"
fallback_to = "kanwil-demo@example.invalid"
outbox = "outbox"
"""


def _start_fake(port: int) -> FakeSpse:
    """The demo's fake SPSE on `port` (0: any free port)."""
    try:
        return FakeSpse(slugs=SLUGS, packages=PACKAGES, seed=SEED, year=YEAR, port=port).start()
    except OSError as exc:
        raise UserError(
            f"cannot start the demo's fake SPSE on 127.0.0.1:{port} ({exc.strerror}); "
            "stop whatever uses it or run `lpse-leads run --demo --fresh`"
        ) from None


@contextmanager
def demo_world(home: Path, *, fresh: bool) -> Iterator[AppConfig]:
    """Start the fake SPSE and yield the demo's configuration; first time, write its inputs."""
    folder = demo_folder(home)
    if fresh and folder.exists():
        shutil.rmtree(folder)
    config_file = folder / CONFIG_NAME
    if config_file.is_file():
        config = load_config(config_file, env={})
        port = urlsplit(config.crawl.sites[0]).port or 0
        fake = _start_fake(port)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        fake = _start_fake(0)
        records = awarded(fake.truth())
        registry = noisy_registry(records, fraction=REGISTRY_FRACTION, decoys=0.3, seed=SEED)
        write_registry_csv(folder / "registry.csv", registry.registrations)
        (folder / "branches.csv").write_text(branch_table(records), encoding="utf-8")
        config_file.write_text(_config_text([fake.base_url(slug) for slug in SLUGS]), encoding="utf-8")
        config = load_config(config_file, env={})
    try:
        yield config
    finally:
        fake.stop()


def ensure_demo_people(config: AppConfig) -> None:
    """Add the demo people to the demo database (once; later runs leave them as they are)."""
    from sqlalchemy import select

    from lpse_leads.dbopt import open_database_url
    from pipeline.db import session_factory
    from pipeline.writer import utcnow
    from web.models import User
    from web.people import add_person

    engine = open_database_url(config.db_url)
    try:
        with session_factory(engine).begin() as session:
            known = set(session.scalars(select(User.email)))
            for email, role, branch, kanwil, password in DEMO_PEOPLE:
                if email not in known:
                    add_person(
                        session, email, role, password, branch=branch, kanwil=kanwil, by="demo", now=utcnow()
                    )
    finally:
        engine.dispose()


def workbench_help(config: AppConfig) -> list[str]:
    """How to open the workbench on the demo database: the command, then one login per role."""
    folder = config.source.parent if config.source else Path("var/demo")
    lines = [
        f"Workbench: .venv/bin/lpse-leads serve --config {folder / CONFIG_NAME}, then open {WORKBENCH_URL}/"
        " (Ctrl+C stops it); demo logins:",
    ]
    lines += [f"  {role:<8} {email:<22} password {password}" for email, role, _b, _k, password in DEMO_PEOPLE]
    return lines
