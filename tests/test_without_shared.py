"""A clone without ../shared: the suite collects and runs, every test on real pages skipped for one
reason; under CI=true the same absence is a failure. Runs pytest itself in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import NO_SHARED, ROOT

#: Modules that read real pages in a test, in a fixture, and while being collected.
READERS = [
    "tests/parsers/test_list_2026.py",
    "tests/parsers/test_list_lelang.py",
    "tests/parsers/test_cli_parse.py",
    "tests/fuzz/test_fuzz_encodings.py",
    "tests/fuzz/test_fuzz_pages.py",
]


def pytest_run(shared: Path, *args: str, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["LPSE_LEADS_SHARED"] = str(shared)
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_the_whole_suite_collects_without_shared(tmp_path: Path) -> None:
    result = pytest_run(tmp_path, "--collect-only", ci=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "error" not in result.stdout.splitlines()[-1].lower()


def test_tests_on_real_pages_are_skipped_with_one_reason(tmp_path: Path) -> None:
    result = pytest_run(tmp_path, *READERS, ci=False)
    assert result.returncode == 0, result.stdout[-3000:]
    reasons = set(re.findall(r"^SKIPPED \[\d+\] [^:]+:\d+: (.*)$", result.stdout, re.M))
    assert reasons == {f"tests on real captured pages skipped: {NO_SHARED}"}
    assert re.search(r"\b[1-9]\d+ skipped", result.stdout.splitlines()[-1])


def test_under_ci_a_missing_shared_folder_fails(tmp_path: Path) -> None:
    result = pytest_run(
        tmp_path, "tests/parsers/test_list_lelang.py", "tests/fuzz/test_fuzz_pages.py", ci=True
    )
    assert result.returncode != 0
    assert "under CI=true the tests on real captured pages must run" in result.stdout
    assert " passed" not in result.stdout.splitlines()[-1]
