"""The verdict on one site's crawl: `ok`, `degraded` or `dark`, with reasons a person can act on.

Why rules against the site's own history: LPSEs differ by orders of magnitude (a kabupaten
lists 40 construction packages a year, a ministry thousands), so a fixed floor would be wrong
for most of them; a site that suddenly lists half its usual rows, or whose packages stop
carrying a location, has changed, whatever its size. The history is the site's last `ok`
crawls of the same fiscal year (a dark week must not become the new normal).

- `dark`: no list rows and not every list answered (a failed listing page, error or login pages
  instead of JSON, refused or dropped connections, no answer), or detail pages were needed and
  not one was read.
- `degraded`: refusals (403) above `refused_share` of detail requests, failures (5xx, timeouts,
  error pages, dropped connections) above `failed_share`, a list kind down to less than
  `rows_drop` of its usual rows, a key field's share `field_drop` below its usual share, or
  every list answered empty although an `ok` crawl of this year listed rows.
- `ok`: none of these. A site whose every list answered properly with no rows is `ok` with the
  note "empty year" (its reasons), unless its history says otherwise (above).

Why an empty year is not dark: in January the new fiscal year's lists are empty on every LPSE,
and a small one's may stay empty for weeks; calling that dark would make every crawl exit 1 and
send the operator to probe healthy hosts. "Answered properly" is what tells it from a dead or
blocking host: each list the crawl reads (`LPSE_LISTS`) got a list call answered with JSON (so
its listing page and token worked too), and none had a row. `recordsTotal` cannot say more: the
2026 host always answers 2147483647 (docs/spse-protocol.md). Why rows that vanish are still
suspicious: a year's packages stay in its lists once announced (cancelled ones too, with a
"Tender Batal" badge), so a site that listed rows in an `ok` crawl of this year and now answers
every list empty has changed, even though it answers.
The thresholds are `Thresholds` (configuration table `[health]`, `lpse_leads/config.py`; the
defaults below are today's values). The counts come from `crawler.health` (`lpse/health` in
the crawl stats).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

VERDICTS = ("ok", "degraded", "dark")


@dataclass(frozen=True)
class Thresholds:
    """What makes a site degraded; the configuration's `[health]` table, these values by default."""

    #: Share of detail requests refused (403 / Akses Ditolak) above which a site is degraded.
    refused_share: float = 0.10
    #: Share of detail requests failed (5xx, timeout, connection, error page) above which it is degraded.
    failed_share: float = 0.25
    #: A list kind with fewer rows than this fraction of its usual count is a drop.
    rows_drop: float = 0.5
    #: A key field whose share falls this much (absolute) below its usual share is a drop.
    field_drop: float = 0.2
    #: Fewer packages than this say nothing about a field's share (either side of the comparison).
    min_packages: int = 10
    #: Fewer usual rows than this: a list too small to judge a drop.
    min_rows: int = 10
    #: How many recent `ok` crawls make the history.
    history_runs: int = 7

    def __post_init__(self) -> None:
        """Every value checked and made a number (text from the environment or `-s` included)."""
        for item in fields(self):
            object.__setattr__(self, item.name, check_threshold(item.name, getattr(self, item.name)))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Thresholds:
        """Thresholds from `{name: value}` (defaults for the names left out); ValueError names a bad one."""
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown threshold {unknown[0]!r} (known: {', '.join(sorted(known))})")
        return cls(**values)

    def describe(self) -> str:
        """The thresholds in one line (the settings `run` and `schedule` print at start)."""
        return (
            f"degraded above {self.refused_share:.0%} refused or {self.failed_share:.0%} failed detail "
            f"requests, below {self.rows_drop:.0%} of usual rows, {self.field_drop * 100:g} points below a "
            f"field's usual share; history of {self.history_runs} ok crawls, lists under {self.min_rows} "
            f"rows and samples under {self.min_packages} packages not judged"
        )


#: The thresholds that are shares (0–1); the others are whole numbers of at least 1.
FRACTIONS = frozenset({"refused_share", "failed_share", "rows_drop", "field_drop"})


def check_threshold(name: str, value: Any) -> float | int:
    """`value` as threshold `name` (a number from TOML, or text from the environment); ValueError why not."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, bool):
        text = None  # TOML `true` is not a number
    if name in FRACTIONS:
        try:
            number = float(text) if isinstance(text, str | int | float) else None
        except ValueError:
            number = None
        if number is None or not 0.0 <= number <= 1.0:
            raise ValueError(f"expected a fraction between 0 and 1 (0.25 = 25 %), got {value!r}")
        return number
    try:
        whole = int(text) if isinstance(text, str) else text
    except ValueError:
        whole = None
    if not isinstance(whole, int) or whole < 1:
        raise ValueError(f"expected a whole number of at least 1, got {value!r}")
    return whole


DEFAULT_THRESHOLDS = Thresholds()
#: Key fields, as reasons name them.
FIELD_NAMES = {
    "location": "location (lokasi pekerjaan)",
    "estimate": "HPS/pagu",
    "winner": "winner where the stage implies one",
    "contract_value": "contract value where signed",
}
_FAILED = ("5xx", "timeout", "dns", "connection", "error_page")


@dataclass(frozen=True)
class Verdict:
    """A site's verdict and why (for `ok`: no reasons, or the note "empty year: …")."""

    verdict: str
    reasons: list[str] = field(default_factory=list)


#: How reports name each request outcome of crawler/health.py.
OUTCOME_LABELS = {
    "refused": "refused (HTTP 403)",
    "rate_limited": "rate-limited (HTTP 429)",
    "error_page": "error page",
    "not_found": "not found",
    "5xx": "server error (5xx)",
    "timeout": "timed out",
    "dns": "host name not resolved (DNS)",
    "connection": "connection refused or dropped",
}


def _outcomes(counts: Mapping[str, int], keys: Sequence[str] | None = None) -> str:
    """`refused (HTTP 403) ×12, timed out ×4` for the non-zero failed outcomes (of `keys`, if given)."""
    shown = [(k, n) for k, n in counts.items() if n and k != "ok" and (keys is None or k in keys)]
    return ", ".join(f"{OUTCOME_LABELS.get(k, k)} ×{n}" for k, n in shown) or "no answer"


def _share(pair: Sequence[int], min_packages: int) -> float | None:
    have, of = pair
    return have / of if of >= min_packages else None


def answered_empty(counts: Mapping[str, Any]) -> bool:
    """True when every list the crawl read answered (JSON) and none had a row: an empty year.

    Counts without the lists read (`lists`, from crawls before it was recorded) never are.
    """
    lists, answered = counts.get("lists") or [], counts["list_rows"]
    return bool(lists) and all(kind in answered for kind in lists) and not any(answered.values())


def dark_reasons(counts: Mapping[str, Any]) -> list[str]:
    """Why a site is dark: no list rows and not every list answered, or no detail page read
    although some were needed."""
    reasons = []
    rows = sum(counts["list_rows"].values())
    if rows == 0 and not answered_empty(counts):
        lists = counts["list_requests"]
        sent = sum(lists.values())
        reason = (
            f"no list rows: {sent} list requests, none answered with rows ({_outcomes(lists)})"
            if sent
            else "no list rows: no list request was answered"
        )
        empty = [kind for kind in counts.get("lists") or [] if kind in counts["list_rows"]]
        if empty:  # some lists answered empty, the others not at all: not proof of an empty year
            unanswered = [kind for kind in counts["lists"] if kind not in counts["list_rows"]]
            reason += f"; answered empty: {', '.join(empty)}; not answered: {', '.join(unanswered)}"
        reasons.append(reason)
    details = counts["detail_requests"]
    if counts["details_needed"] and not details["ok"]:
        reason = (
            f"no detail page read: {counts['details_needed']} construction packages needed their details; "
            f"{sum(details.values())} detail requests sent ({_outcomes(details)})"
        )
        if counts["detail_not_sent"]:
            reason += f", {counts['detail_not_sent']} not sent after the host was stopped"
        if details["refused"]:
            reason += (
                "; detail pages refused: check the User-Agent (must start with Mozilla/5.0) and the Referer"
            )
        reasons.append(reason)
    return reasons


def degraded_reasons(
    counts: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[str]:
    """Why a site is degraded: refusals or failures above their thresholds, drops against history."""
    t = thresholds
    reasons = []
    details = counts["detail_requests"]
    sent = sum(details.values())
    if sent and details["refused"] / sent > t.refused_share:
        reasons.append(
            f"detail pages refused (HTTP 403): {details['refused']} of {sent} detail requests "
            f"({details['refused'] / sent:.0%}, threshold {t.refused_share:.0%})"
        )
    failed = sum(details[k] for k in _FAILED)
    if sent and failed / sent > t.failed_share:
        reasons.append(
            f"detail requests failing: {failed} of {sent} ({_outcomes(details, _FAILED)}; "
            f"threshold {t.failed_share:.0%})"
        )
    if not history:
        return reasons
    if answered_empty(counts):
        listed = max(sum(h["list_rows"].values()) for h in history)
        if listed:
            reasons.append(
                f"every list answered with no rows, yet an ok crawl of this year listed {listed} rows "
                f"(last {len(history)} ok crawls): a year's rows do not vanish; check the listing page"
            )
        return reasons
    kinds = sorted({k for h in history for k in h["list_rows"]} | set(counts["list_rows"]))
    for kind in kinds:
        usual = statistics.median(h["list_rows"].get(kind, 0) for h in history)
        now = counts["list_rows"].get(kind, 0)
        if usual >= t.min_rows and now < t.rows_drop * usual:
            reasons.append(f"list {kind}: {now} rows, usually {usual:g} (last {len(history)} ok crawls)")
    usual_rows = statistics.median(h["construction_rows"] for h in history)
    if usual_rows >= t.min_rows and counts["construction_rows"] < t.rows_drop * usual_rows:
        reasons.append(
            f"construction rows: {counts['construction_rows']}, usually {usual_rows:g} "
            f"(last {len(history)} ok crawls)"
        )
    for name, label in FIELD_NAMES.items():
        share = _share(counts["fields"][name], t.min_packages)
        past = [s for h in history if (s := _share(h["fields"][name], t.min_packages)) is not None]
        if share is None or not past:
            continue
        usual_share = statistics.median(past)
        if share < usual_share - t.field_drop:
            have, of = counts["fields"][name]
            reasons.append(f"{label}: {have} of {of} packages ({share:.0%}), usually {usual_share:.0%}")
    return reasons


def judge(
    counts: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Verdict:
    """The verdict of one site's crawl `counts` against `history` (its recent ok crawls' counts)."""
    dark = dark_reasons(counts)
    if dark:
        return Verdict("dark", dark)
    degraded = degraded_reasons(counts, history, thresholds)
    if degraded:
        return Verdict("degraded", degraded)
    if answered_empty(counts):
        lists = ", ".join(counts["lists"])
        return Verdict("ok", [f"empty year: every list read ({lists}) answered with no rows"])
    return Verdict("ok")


def summary_line(counts: Mapping[str, Any]) -> str:
    """The counts of one site's crawl in one line (reports and e-mails)."""
    rows = ", ".join(f"{k} {n}" for k, n in sorted(counts["list_rows"].items())) or "none"
    details = counts["detail_requests"]
    fields = []
    for name in FIELD_NAMES:
        have, of = counts["fields"][name]
        if of:
            fields.append(f"{name} {have}/{of}")
    return (
        f"list rows: {rows}; construction rows {counts['construction_rows']}; "
        f"detail requests: ok {details['ok']}, {_outcomes(details)}; packages {counts['packages']}"
        + (f"; fields: {', '.join(fields)}" if fields else "")
    )
