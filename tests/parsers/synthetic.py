"""Helper for tests on the hand-made pages in tests/pages (synthetic_*.html)."""

from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "pages"


def synthetic(name: str) -> bytes:
    """The bytes of a hand-made page in tests/pages."""
    return (PAGES / name).read_bytes()
