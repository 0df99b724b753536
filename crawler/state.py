"""The incremental-crawl seam: known list-row fingerprints, read once when a crawl starts.

The store (pipeline/) remembers, per package, the `list_fingerprint` of the list row it
last read details for. A crawl loads that mapping once through the callable named by the
`LPSE_STATE_LOADER` setting, so the crawler never imports the pipeline (data flows one way).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

#: `(settings, sites) -> {(site, code): fingerprint}`; `sites` are normalised base URLs.
StateLoader: TypeAlias = Callable[[BaseSettings, list[str]], Mapping[tuple[str, str], str]]


def load_known_fingerprints(settings: BaseSettings, sites: list[str]) -> Mapping[tuple[str, str], str]:
    """Call the configured LPSE_STATE_LOADER (dotted path or callable); empty when none is set."""
    spec = settings.get("LPSE_STATE_LOADER")
    if not spec:
        return {}
    loader: StateLoader = load_object(spec) if isinstance(spec, str) else spec
    known = loader(settings, list(sites))
    return known if known is not None else {}


#: `reader(site, code) -> stored record | None`, with an optional `close()`.
RecordReader: TypeAlias = Callable[[str, str], Mapping[str, Any] | None]


def load_record_reader(settings: BaseSettings) -> RecordReader | None:
    """The configured LPSE_RECORD_READER factory's reader (dotted path or callable), or None."""
    spec = settings.get("LPSE_RECORD_READER")
    if not spec:
        return None
    factory = load_object(spec) if isinstance(spec, str) else spec
    return factory(settings)
