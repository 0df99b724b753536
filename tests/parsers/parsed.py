"""Helper for parser tests: parse a real captured page once per test module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import shared_file


def parsed_page(relative: str, parser: Callable[[bytes], dict[str, Any]]) -> Any:
    """Module-scoped fixture holding `parser(page bytes)`; skips (fails under CI) without ../shared."""

    @pytest.fixture(scope="module")
    def page() -> dict[str, Any]:
        return parser(shared_file(relative).read_bytes())

    return page
