"""`lpse-leads probe` end to end against the fake SPSE (strict by default), one subprocess per probe."""

from __future__ import annotations

import itertools
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawler import probe
from fake_spse import FakeSpse

ROOT = Path(__file__).resolve().parents[2]
SLUG = "kota-a"
#: Politeness lifted for a local fake (crawler/README.md); everything else is the crawler's default.
FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False"]


def run_probe(
    site: str, out: Path, *settings: str, fast: bool = True
) -> tuple[subprocess.CompletedProcess[str], Any]:
    """`python -m lpse_leads probe` → (the process, probe.json or None)."""
    cmd = [sys.executable, "-m", "lpse_leads", "probe", "--site", site, "--year", "2026", "--out", str(out)]
    for setting in [*(FAST if fast else []), *settings]:
        cmd += ["-s", setting]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env=_env())
    report = out / "probe.json"
    return done, json.loads(report.read_text(encoding="utf-8")) if report.exists() else None


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "COLUMNS": "200"}


@pytest.fixture(scope="module")
def fake():
    with FakeSpse(slugs=[SLUG], packages=80, seed=5, year=2026) as fake:
        yield fake


def test_defaults_pass_every_step(fake: FakeSpse, tmp_path: Path) -> None:
    before = fake.stats()["total"]
    done, report = run_probe(fake.base_url(SLUG), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert probe.ALL_OK in done.stdout
    steps = report["steps"]
    assert [s["verdict"] for s in steps] == [probe.OK] * len(steps)
    pages = [s["page"] for s in steps]
    assert pages[0] == "listing" and "announcement" in pages and "tab" in pages
    lists = [s["name"] for s in steps if s["page"] == "list"]
    assert lists == [f"list {kind}" for kind in _configured_lists()]
    # every answer saved, named by its step
    assert all(Path(s["saved"]).is_file() and Path(s["saved"]).stat().st_size == s["size"] for s in steps)
    # about ten requests (robots.txt included), as many as the fake answered
    assert report["requests"] == fake.stats()["total"] - before <= 12


def test_a_user_agent_without_mozilla_is_named(fake: FakeSpse, tmp_path: Path) -> None:
    done, report = run_probe(fake.base_url(SLUG), tmp_path, "USER_AGENT=curl/8")
    assert done.returncode == 1
    assert report["user_agent"] == "curl/8"
    lists = [s for s in report["steps"] if s["page"] == "list"]
    assert lists and all(s["verdict"] == probe.OK for s in lists)
    (announcement,) = [s for s in report["steps"] if s["page"] == "announcement"]
    assert (announcement["status"], announcement["verdict"]) == (403, probe.REFUSED)
    assert any(
        cause.startswith(probe.DETAIL_REFUSED) and "'curl/8'" in cause for cause in report["diagnosis"]
    )
    assert "User-Agent (must start with Mozilla/5.0)" in done.stdout


def test_requests_are_spaced_by_the_configured_politeness(fake: FakeSpse, tmp_path: Path) -> None:
    start = len(fake.stats()["log"])
    done, _ = run_probe(
        fake.base_url(SLUG), tmp_path, "DOWNLOAD_DELAY=0.4", "AUTOTHROTTLE_ENABLED=False", fast=False
    )
    assert done.returncode == 0, done.stdout
    times = [entry["time"] for entry in fake.stats()["log"][start:]]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) >= 6
    assert min(gaps) >= 0.4 * 0.5 - 0.02  # Scrapy spaces requests by 0.5–1.5 × DOWNLOAD_DELAY


def test_a_host_that_does_not_answer(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done, report = run_probe(f"http://127.0.0.1:{port}/{SLUG}", tmp_path, "DOWNLOAD_TIMEOUT=5")
    assert done.returncode == 1
    assert [s["verdict"] for s in report["steps"]] == [probe.NO_ANSWER]
    assert any("no answer from the host" in cause for cause in report["diagnosis"])


def test_bad_site_is_a_user_error(tmp_path: Path) -> None:
    done, report = run_probe("ftp://spse.inaproc.id/kemkes", tmp_path)
    assert (done.returncode, report) == (2, None)
    assert done.stderr.startswith("lpse-leads: error: site URL must start with http")


def _configured_lists() -> list[str]:
    from crawler import settings

    return list(settings.LPSE_LISTS)


def test_a_challenge_page_is_diagnosed(tmp_path: Path) -> None:
    with FakeSpse(slugs=[SLUG], packages=20, seed=5, year=2026, variant="challenge") as fake:
        done, report = run_probe(fake.base_url(SLUG), tmp_path)
    assert done.returncode == 1
    (listing,) = report["steps"]  # no token behind a challenge: nothing else is tried
    assert (listing["status"], listing["verdict"], listing["challenge"]) == (403, probe.REFUSED, True)
    assert report["diagnosis"] == [probe.CHALLENGE]
    assert "challenge page: this IP is probably blocked" in done.stdout
    assert b"Just a moment" in Path(listing["saved"]).read_bytes()


def test_a_changed_layout_is_diagnosed(tmp_path: Path) -> None:
    with FakeSpse(slugs=[SLUG], packages=40, seed=5, year=2026, variant="relabelled") as fake:
        done, report = run_probe(fake.base_url(SLUG), tmp_path)
    assert done.returncode == 1
    (announcement,) = [s for s in report["steps"] if s["page"] == "announcement"]
    assert announcement["verdict"] == probe.PARSE_FAILED
    assert announcement["missing"] == ["name", "agency", "value", "locations"]
    (cause,) = report["diagnosis"]
    assert cause.startswith(probe.LAYOUT_CHANGED)
    assert "layout changed: see Troubleshooting" in done.stdout


def test_the_configuration_of_the_scheduled_crawl_is_used(fake: FakeSpse, tmp_path: Path) -> None:
    config = tmp_path / "lpse-leads.toml"
    config.write_text(
        '[crawl]\ncontact_url = "https://ops.example.go.id/lpse-leads"\nyears = [2026]\n\n'
        "[crawl.settings]\nDOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = false\n",
        encoding="utf-8",
    )
    cmd = [
        sys.executable,
        "-m",
        "lpse_leads",
        "probe",
        "--site",
        fake.base_url(SLUG),
        "--config",
        str(config),
    ]
    done = subprocess.run(
        [*cmd, "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "out" / "probe.json").read_text(encoding="utf-8"))
    assert report["user_agent"].startswith("Mozilla/5.0 (compatible; lpse-leads/")
    assert report["user_agent"].endswith("; +https://ops.example.go.id/lpse-leads)")
    assert report["year"] == 2026
