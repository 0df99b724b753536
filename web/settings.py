"""What the workbench needs to know at start: its database, its public URL and its security knobs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    """Settings of one workbench process (built by `lpse-leads serve` from the configuration)."""

    db_url: str
    #: Public address of the workbench (`web.base_url`), used in e-mails; empty: not published.
    base_url: str = ""
    #: A browser login lasts this long.
    session_hours: int = 12
    #: The first failed login of an account waits this long; each further failure doubles it.
    login_delay_seconds: float = 0.5
    login_delay_max_seconds: float = 8.0
    #: After this many failures in a row an account refuses logins for `lockout_minutes`.
    lockout_failures: int = 10
    lockout_minutes: int = 15
    #: Rows per page of lead lists (pages and API).
    page_size: int = 50
