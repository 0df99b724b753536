"""Who may read a detail page: the national host's 2026 rules (docs/spse-protocol.md §10.1, §9).

- A User-Agent that does not start with `Mozilla/5.0` gets **403 with a short HTML body**
  (~1.8 KB) on every detail page (announcement and tabs); listing pages and list calls still
  answer. The standard crawler form `Mozilla/5.0 (compatible; bot/1.0; +url)` passes.
- Referer: the announcement is reached from its list's listing page, every other tab from the
  package's own pages (its announcement first of all). No or another Referer: 403.

Both rules are on by default (`STRICT`); a test may relax them, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from fake_spse.model import Package
from fake_spse.routes import TAB_PATHS, listing_path, tab_path

BROWSER_PREFIX = "Mozilla/5.0"


@dataclass(frozen=True)
class Access:
    """Which detail-page rules the fake enforces."""

    mozilla_only: bool = True
    referer_rules: bool = True


STRICT = Access()
LENIENT = Access(mozilla_only=False, referer_rules=False)


def _own_pages(slug: str, p: Package) -> set[str]:
    """Root-relative URLs (path + query) of every page of one package."""
    return {tab_path(slug, p, tab) for (kind, tab) in TAB_PATHS if kind == p.list}


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def refusal(
    rules: Access, slug: str, p: Package | None, kind: str, tab: str, user_agent: str, referer: str
) -> str | None:
    """Why a detail request is refused (`user_agent`, `referer`), or None when it may be served.

    `p` is None for an unknown kode: only the User-Agent rule applies then.
    """
    if rules.mozilla_only and not user_agent.startswith(BROWSER_PREFIX):
        return "user_agent"
    if not referer:
        return "referer"  # the 2023+ rule (protocol §9): a Referer is always needed
    if not rules.referer_rules or p is None:
        return None
    came_from = urlsplit(referer).path
    own = {_path_and_query(u) for u in _own_pages(slug, p)}
    if tab == "pengumuman" and came_from == listing_path(slug, kind):
        return None
    return None if _path_and_query(referer) in own else "referer"
