"""A fake SPSE (national v4.5) host for tests and benchmarks; never imports `crawler`."""

from fake_spse.api import FakeSpse

__all__ = ["FakeSpse"]
