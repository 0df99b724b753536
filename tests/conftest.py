"""Shared test fixtures: where the real captured pages live, and how to find them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LPSE_LEADS_SHARED", ROOT.parent / "shared"))
FIXTURES = SHARED / "fixtures" / "lpse"
IN_CI = os.environ.get("CI", "").lower() == "true"


def shared_file(relative: str) -> Path:
    """Path of a real captured page in ../shared; skip (or fail under CI=true) when absent."""
    path = FIXTURES / relative
    if not path.is_file():
        message = f"real captured page {path} not found (the ../shared reference folder is missing)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def fixture_bytes():
    """Read a real captured page from ../shared/fixtures/lpse by its relative path."""
    return lambda relative: shared_file(relative).read_bytes()
