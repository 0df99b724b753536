"""Site health stored with the crawl: one `site_health` row per site per crawl, judged on its history.

`record_site_health` is called when a crawl finishes (StorePipeline): each site's counts are
judged against its own recent `ok` crawls of the same fiscal year (`pipeline.health_rules`,
with the thresholds of the Scrapy setting `LPSE_HEALTH_THRESHOLDS`, which `lpse-leads crawl`
fills from the configuration's `[health]` table) and stored with the crawl run. `site_status`
answers `lpse-leads health`; `pending_notices` and `mark_notified` give the operator one notice
per change of verdict, never one a day: a notice is due when a site's latest verdict differs
from the last one the operator was told about (`ok` when never told), and is marked only once
it has been delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from pipeline.health_rules import DEFAULT_THRESHOLDS, VERDICTS, Thresholds, judge
from pipeline.models import SiteHealth

#: The crawl stats key where the store leaves `{site: {"verdict", "reasons"}}` for the crawl command.
VERDICT_STATS = "lpse/verdicts"
#: The Scrapy setting holding the thresholds (`{name: value}`, or its JSON text from `-s`).
THRESHOLDS_SETTING = "LPSE_HEALTH_THRESHOLDS"


@dataclass(frozen=True)
class SiteStatus:
    """A site's latest verdict (one row of `lpse-leads health`)."""

    site: str
    year: int | None
    verdict: str
    reasons: list[str]
    last_ok: dt.datetime | None
    checked_at: dt.datetime
    crawl_run_id: int | None
    counts: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """The JSON row of `lpse-leads health --json`."""
        return {
            "site": self.site,
            "year": self.year,
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "last_ok": self.last_ok.isoformat() if self.last_ok else None,
            "checked_at": self.checked_at.isoformat(),
            "crawl_run_id": self.crawl_run_id,
        }


@dataclass(frozen=True)
class Notice:
    """A change of verdict the operator has not been told about yet."""

    row_id: int
    site: str
    year: int | None
    previous: str
    verdict: str
    reasons: list[str]
    counts: dict[str, Any]
    checked_at: dt.datetime
    last_ok: dt.datetime | None

    @property
    def recovered(self) -> bool:
        """True when the site is `ok` again."""
        return self.verdict == "ok"


def _history(connection: Any, site: str, year: int | None, runs: int) -> list[dict[str, Any]]:
    """Counts of the site's last `ok` crawls of this year, newest first."""
    return list(
        connection.scalars(
            select(SiteHealth.counts)
            .where(SiteHealth.site == site, SiteHealth.year == year, SiteHealth.verdict == "ok")
            .order_by(SiteHealth.checked_at.desc(), SiteHealth.id.desc())
            .limit(runs)
        )
    )


def record_site_health(
    engine: Engine,
    run_id: int | None,
    year: int | None,
    health: Mapping[str, Mapping[str, Any]],
    now: dt.datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> dict[str, dict[str, Any]]:
    """Judge and store every site's counts of one crawl; returns `{site: {verdict, reasons}}`."""
    now = now or dt.datetime.now(dt.UTC)
    verdicts: dict[str, dict[str, Any]] = {}
    with engine.begin() as connection:
        for site, counts in sorted(health.items()):
            history = _history(connection, site, year, thresholds.history_runs)
            result = judge(counts, history, thresholds)
            connection.execute(
                insert(SiteHealth).values(
                    crawl_run_id=run_id,
                    site=site,
                    year=year,
                    checked_at=now,
                    verdict=result.verdict,
                    reasons=result.reasons,
                    counts=dict(counts),
                    notified_at=None,
                )
            )
            verdicts[site] = {"verdict": result.verdict, "reasons": result.reasons}
    return verdicts


def _latest_rows(session: Session) -> list[SiteHealth]:
    """The newest row of every (site, year): rows are only ever inserted, so the highest id."""
    newest = select(func.max(SiteHealth.id)).group_by(SiteHealth.site, SiteHealth.year)
    return list(session.scalars(select(SiteHealth).where(SiteHealth.id.in_(newest))))


def _last_ok(session: Session, site: str, year: int | None) -> dt.datetime | None:
    """When the site's last `ok` crawl was judged (at the end of that crawl)."""
    return session.scalar(
        select(func.max(SiteHealth.checked_at)).where(
            SiteHealth.site == site, SiteHealth.year == year, SiteHealth.verdict == "ok"
        )
    )


def site_status(engine: Engine) -> list[SiteStatus]:
    """Every site's latest verdict (per fiscal year crawled), worst first, then by site."""
    with Session(engine) as session:
        rows = _latest_rows(session)
        status = [
            SiteStatus(
                row.site,
                row.year,
                row.verdict,
                list(row.reasons or []),
                _last_ok(session, row.site, row.year),
                row.checked_at,
                row.crawl_run_id,
                dict(row.counts or {}),
            )
            for row in rows
        ]
    return sorted(status, key=lambda s: (-VERDICTS.index(s.verdict), s.site, s.year or 0))


def pending_notices(engine: Engine) -> list[Notice]:
    """Latest verdicts that differ from the last one the operator was told about (`ok` if never)."""
    notices = []
    with Session(engine) as session:
        for row in _latest_rows(session):
            if row.notified_at is not None:
                continue
            told = session.scalars(
                select(SiteHealth.verdict)
                .where(
                    SiteHealth.site == row.site,
                    SiteHealth.year == row.year,
                    SiteHealth.notified_at.is_not(None),
                )
                .order_by(SiteHealth.checked_at.desc(), SiteHealth.id.desc())
                .limit(1)
            ).first()
            previous = told or "ok"
            if row.verdict == previous:
                continue
            notices.append(
                Notice(
                    row.id,
                    row.site,
                    row.year,
                    previous,
                    row.verdict,
                    list(row.reasons or []),
                    dict(row.counts or {}),
                    row.checked_at,
                    _last_ok(session, row.site, row.year),
                )
            )
    return sorted(notices, key=lambda n: (-VERDICTS.index(n.verdict), n.site, n.year or 0))


def mark_notified(engine: Engine, notices: Sequence[Notice], now: dt.datetime | None = None) -> None:
    """Record that the operator was told about these verdicts (after the message was accepted)."""
    if not notices:
        return
    with engine.begin() as connection:
        connection.execute(
            update(SiteHealth)
            .where(SiteHealth.id.in_([n.row_id for n in notices]))
            .values(notified_at=now or dt.datetime.now(dt.UTC))
        )
