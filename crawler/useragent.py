"""The crawler's User-Agent: an honest bot in the standard crawler form.

The national SPSE host refuses every detail page (HTTP 403) to a User-Agent that does not
start with `Mozilla/5.0` (docs/spse-protocol.md §10.1). The form Googlebot uses,
`Mozilla/5.0 (compatible; <bot>/<version>; +<url>)`, passes and still names the bot and a
contact; a browser's User-Agent would be an impersonation, which this project does not do.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

BOT = "lpse-leads"


def bot_version() -> str:
    """The installed lpse-leads version (pyproject), or "0" when run from an uninstalled tree."""
    try:
        return version(BOT)
    except PackageNotFoundError:
        return "0"


def bot_user_agent(contact_url: str | None) -> str:
    """`Mozilla/5.0 (compatible; lpse-leads/<version>; +<contact URL>)`; without a URL, no `+` part."""
    parts = [f"{BOT}/{bot_version()}"]
    if contact_url and contact_url.strip():
        parts.append(f"+{contact_url.strip()}")
    return f"Mozilla/5.0 (compatible; {'; '.join(parts)})"
