"""Row assembly for the leads build: one package's rows in, one lead's computed columns out.

Value basis, JKK/JKM, signing date, deadline, days overdue, stage, score, fingerprint, URL and
route — in the stored form (``COMPUTED`` order), so the build can compare them with the stored
lead and write only what changed. Caches what recurs across packages (days, contractors, URL
templates, routes); one ``LeadComputer`` lives for one build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.contribution import VALUE_BASIS_ORDER
from leads.estimate import SIGNING_STAGE, contribution_sen, deadline_of
from leads.match_worker import Wire
from leads.matching import cached_npwp_key as npwp_key_cached
from leads.names import company_key
from leads.route_apply import RouteCache
from leads.score import lead_score
from leads.urls import announcement_url

_CENT = Decimal("0.01")
#: Stands for the package code in a cached announcement URL template.
_CODE_SLOT = "CODESLOT0"
#: Lead columns the build computes (compared with the stored row to decide whether to write).
COMPUTED: tuple[str, ...] = (
    *RouteCache.COLUMNS,
    "contractor_name",
    "contractor_npwp",
    "value",
    "value_basis",
    "jkk",
    "jkm",
    "total",
    "signed_on",
    "deadline",
    "days_overdue",
    "stage",
    "score",
    "fingerprint",
    "url",
)
FINGERPRINT = COMPUTED.index("fingerprint")
#: Winner rows as read: (package_id, kind, contractor_id, name, npwp, offer, corrected, negotiated, contract).
_WINNER_VALUE_COLUMN = {"offer_value": 5, "corrected_value": 6, "negotiated_value": 7, "contract_value": 8}
#: Package rows as read (``leads.build_read``): id, site_id, code, list, name, fiscal_year, budget,
#: estimate, contract value, last_changed, category.
_PACKAGE_VALUE_COLUMN = {"budget_value": 6, "estimate_value": 7, "contract_value": 8}


def _cents(value: Decimal | None) -> Decimal | None:
    """Money as stored (two decimals), so computed and stored values compare equal."""
    return None if value is None else value.quantize(_CENT)


def _identity(contractor_id: int | None, npwp: str | None, name: str | None) -> str:
    """Who a winner row is: its resolved contractor, else its NPWP key, else its normalised name."""
    if contractor_id:
        return f"c{contractor_id}"
    key = npwp_key_cached(npwp) if npwp and "*" not in npwp else None
    return f"k{key}" if key else f"n{company_key(name)}"


def fingerprint(winners: Sequence[Mapping[str, Any]], contract_value: Decimal | None) -> str:
    """The material facts of a lead: who won / holds the contract, and the contract value."""
    return _fingerprint(
        [_identity(w.get("contractor_id"), w.get("npwp"), w.get("name")) for w in winners],
        None if contract_value is None else int(_cents(contract_value).scaleb(2)),  # type: ignore[union-attr]
    )


def _fingerprint(identities: list[str], contract_sen: int | None) -> str:
    """``fingerprint`` from winner identities and the contract value in sen."""
    value = format(Decimal(contract_sen).scaleb(-2), "f") if contract_sen is not None else ""
    text = "|".join(sorted(set(identities))) + "#" + value
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _value(package: tuple, winners: list[tuple]) -> tuple[Any, str | None]:
    """The best value of ``VALUE_BASIS_ORDER`` (package contract value before the winners') and its key."""
    for key in VALUE_BASIS_ORDER:
        column = _PACKAGE_VALUE_COLUMN.get(key)
        if column is not None and package[column] is not None:
            return package[column], key
        column = _WINNER_VALUE_COLUMN.get(key)
        if column is not None:
            for w in winners:
                if w[column] is not None:
                    return w[column], key
    return None, None


class LeadComputer:
    """The computed columns of a lead, with the caches one build shares across packages."""

    def __init__(
        self,
        today: dt.date,
        routes: RouteCache,
        sites: Mapping[int, str],
        date_form: Callable[[dt.date], Any],
        money: Callable[[int | None], Any],
        cents: Callable[[Any], int | None],
    ) -> None:
        self.today = today
        self.routes = routes
        self.sites = sites
        self._date_form = date_form
        self._money = money
        self._cents = cents
        self._dates: dict[dt.date, Any] = {}
        self._signed: dict[str, dt.date] = {}
        self._identities: dict[tuple, str] = {}
        self._urls: dict[tuple, str] = {}

    def date(self, day: dt.date | None) -> Any:
        """A date in the stored form (cached: few distinct days)."""
        if day is None:
            return None
        form = self._dates.get(day)
        if form is None:
            form = self._dates[day] = self._date_form(day)
        return form

    def _identity(self, contractor_id: int | None, npwp: str | None, name: str | None) -> str:
        """``_identity``, cached: contractors recur across packages."""
        key = (contractor_id, npwp, name)
        found = self._identities.get(key)
        if found is None:
            found = self._identities[key] = _identity(contractor_id, npwp, name)
        return found

    def _url(self, package: tuple) -> str:
        """The announcement URL: one template per (site, list), the code put in when it needs no quoting."""
        code = package[2]
        key = (package[1], package[3])
        template = self._urls.get(key)
        if template is None:
            template = self._urls[key] = announcement_url(self.sites[package[1]], package[3], _CODE_SLOT)
        if code.isascii() and code.isalnum():
            return template.replace(_CODE_SLOT, code)
        return announcement_url(self.sites[package[1]], package[3], code)

    def _signed_on(self, stages: list[tuple]) -> dt.date | None:
        """Start date of the "Penandatanganan Kontrak" stage."""
        for _, name, start in stages:
            if " ".join(str(name or "").split()).lower() == SIGNING_STAGE:
                if not start:
                    return None
                day = self._signed.get(start[:10])
                if day is None:
                    day = self._signed[start[:10]] = dt.date.fromisoformat(start[:10])
                return day
        return None

    def compute(
        self, package: tuple, winners: list[tuple], stages: list[tuple], locations: list[tuple]
    ) -> tuple:
        """The computed columns of one package in stored form (``COMPUTED`` order)."""
        value, basis = _value(package, winners)
        value_sen = self._cents(value)
        jkk = jkm = total = None
        if value_sen is not None and value_sen >= 0:
            jkk, jkm, total = contribution_sen(value_sen)
        signed_on = self._signed_on(stages)
        deadline = deadline_of(signed_on) if signed_on else None
        days = max((self.today - deadline).days, 0) if deadline else None
        # Winner rows come contract holders first (ORDER BY kind: "contract" < "winner").
        has_contract = package[8] is not None or (bool(winners) and winners[0][1] == "contract")
        stage = "contract" if has_contract else "winner" if winners else "pre_award"
        holder = winners[0] if winners else None
        money = self._money
        return (
            *self.routes.columns(locations),
            holder[3] if holder else None,
            holder[4] if holder else None,
            money(value_sen),
            basis,
            money(jkk),
            money(jkm),
            money(total),
            self.date(signed_on),
            self.date(deadline),
            days,
            stage,
            lead_score(None if total is None else total / 100, days, stage),
            _fingerprint(
                [self._identity(w[2], w[4], w[3]) for w in winners],
                value_sen if basis == "contract_value" else None,
            ),
            self._url(package),
        )

    def for_match(self, package: tuple, winners: list[tuple]) -> Wire:
        """The matching form of a package (``match_worker.Wire``: a plain tuple, cheap to send)."""
        values = [package[8]]
        for w in winners:
            values += (w[8], w[5])
        if len(winners) == 1:
            only = winners[0]
            names: tuple = (only[3],) if only[3] else ()
            npwps: tuple = (only[4],) if only[4] else ()
        else:
            names = tuple(dict.fromkeys(w[3] for w in winners if w[3]))
            npwps = tuple(dict.fromkeys(w[4] for w in winners if w[4]))
        return (
            package[0],
            self.sites[package[1]],
            package[2],
            package[4],
            package[5],
            names,
            npwps,
            tuple([float(v) for v in values if v is not None]),
        )
