"""Match construction packages against the BPJS TK registry, so registered projects leave the lead list.

Evidence, strongest first:

1. **tender code**: the registration names the SPSE kode → score 100.
2. **NPWP**: the winner's 15/16-digit NPWP equals the registration's (compared by ``npwp_key``), and the
   project names agree (a contractor has many projects, so the NPWP alone does not say which one).
   A masked NPWP (national SPSE) counts only when it agrees digit by digit (``masks_agree``) AND the
   contractor names match.
3. **names**: fuzzy project name and contractor name (rapidfuzz token scorers on ``leads.names``
   forms, so PT./Tbk, punctuation, word order and abbreviations do not matter, typos cost a little).

Contract value within ±10% adds weight; a value far off or a registration year outside the
package's fiscal year (or the next) takes it away.

**Blocking** keeps the cost near linear: a package is compared only with registrations sharing its
tender code, its NPWP key, its contractor name key, or one of its three rarest project-name words
(words in more than ``MAX_TOKEN_DF`` registrations are not used as blocks), and only the few best
of those by shared words are scored. 1 M packages × 200 k registrations never meet pairwise.

When several packages claim one registration, only the best keeps it (``one_to_one``): a
registration is one project.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from rapidfuzz import fuzz, process

from domain.npwp import is_masked, masks_agree, npwp_key
from leads.names import company_key, project_key
from leads.registry_file import Registration

#: A project-name word found in more registrations than this is too common to be a block key.
MAX_TOKEN_DF = 100
#: How many of a package's rarest words are used as block keys.
BLOCK_TOKENS = 3
#: How many token-block candidates (most shared words first) are scored per package.
TOKEN_CANDIDATES = 8
#: Above this size an NPWP/contractor block is narrowed by project-name similarity first.
BLOCK_CAP = 40
#: Relative contract-value difference still counted as the same contract.
VALUE_TOLERANCE = 0.10
#: Relative difference above which the values contradict the match.
VALUE_CONTRADICTS = 0.30
#: Project-name similarity below which no kind of evidence (except the tender code) is accepted.
NAME_FLOOR = 75
#: Minimum score for a fuzzy (names) match.
NAMES_THRESHOLD = 85


@dataclass(frozen=True, slots=True)
class PackageForMatch:
    """What matching needs to know about a package (with a named winner or a contract)."""

    site: str
    code: str
    name: str
    fiscal_year: int | None = None
    contractor_names: tuple[str, ...] = ()
    npwps: tuple[str, ...] = ()
    values: tuple[Decimal, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A package found in the registry: score 0–100 and a short human explanation."""

    site: str
    code: str
    registration_no: str
    score: int
    explanation: str


class RegistryIndex:
    """Registrations in compact columns plus block indexes (code, NPWP key, contractor key, rare words)."""

    def __init__(self, registrations: Iterable[Registration]) -> None:
        self.numbers: list[str] = []
        self.projects: list[str] = []
        self.companies: list[str] = []
        self.keys: list[str | None] = []
        self.values: list[float | None] = []
        self.years: list[int | None] = []
        self.by_code: dict[str, int] = {}
        self.by_npwp: dict[str, list[int]] = defaultdict(list)
        self.by_company: dict[str, list[int]] = defaultdict(list)
        by_token: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(registrations):
            pkey = project_key(r.project_name)
            ckey = company_key(r.contractor_name)
            self.numbers.append(r.registration_no)
            self.projects.append(pkey)
            self.companies.append(ckey)
            key = cached_npwp_key(r.npwp) if r.npwp else None
            self.keys.append(key)
            self.values.append(float(r.contract_value) if r.contract_value is not None else None)
            self.years.append(r.registered_on.year if r.registered_on else None)
            if r.tender_code:
                self.by_code.setdefault(r.tender_code.strip(), i)
            if key:
                self.by_npwp[key].append(i)
            if ckey:
                self.by_company[ckey].append(i)
            for token in set(pkey.split()):
                by_token[token].append(i)
        self.df: dict[str, int] = {t: len(ids) for t, ids in by_token.items()}
        self.by_token: dict[str, list[int]] = {
            t: ids for t, ids in by_token.items() if len(ids) <= MAX_TOKEN_DF
        }
        self.by_npwp = dict(self.by_npwp)
        self.by_company = dict(self.by_company)

    def __len__(self) -> int:
        """Number of registrations."""
        return len(self.numbers)


#: NPWP forms remembered by ``cached_npwp_key``: above the distinct forms of a 1 M-package build
#: (100 k contractors, each in several spellings across packages and registry), so the cache does
#: not thrash (at 65 536 it missed on most calls there; an entry is ~200 bytes).
NPWP_CACHE = 262_144


@lru_cache(maxsize=NPWP_CACHE)
def cached_npwp_key(npwp: str) -> str | None:
    """``npwp_key`` remembered: contractors recur across packages and registrations."""
    try:
        return npwp_key(npwp)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A package in comparable form, computed once per package."""

    pkey: str
    ckeys: tuple[str, ...]
    keys: frozenset[str]
    masked: tuple[str, ...]
    values: tuple[float, ...]


def _prepare(package: PackageForMatch) -> _Prepared:
    """Normalised names, NPWP keys and values of a package."""
    keys = {k for k in (cached_npwp_key(n) for n in package.npwps if not is_masked(n)) if k}
    return _Prepared(
        pkey=project_key(package.name),
        ckeys=tuple(sorted(k for k in {company_key(n) for n in package.contractor_names} if k)),
        keys=frozenset(keys),
        masked=tuple(n for n in package.npwps if is_masked(n)),
        values=tuple(float(v) for v in package.values if v is not None and v > 0),
    )


def _narrow(pkey: str, block: list[int], index: RegistryIndex) -> list[int]:
    """A large block cut down to the registrations whose project names are most like ``pkey``."""
    if len(block) <= BLOCK_CAP:
        return block
    best = process.extract(
        pkey, [index.projects[i] for i in block], scorer=fuzz.token_sort_ratio, limit=BLOCK_CAP
    )
    return [block[position] for _, _, position in best]


def _candidates(p: _Prepared, index: RegistryIndex) -> list[int]:
    """Registrations sharing a block with the package whose project names are similar enough to score.

    Blocks: NPWP key, contractor key, the rarest project words. Every kind of evidence needs a
    project-name similarity of at least ``NAME_FLOOR``, so candidates below it are dropped here in
    rapidfuzz's C loop before the Python scoring.
    """
    found: set[int] = set()
    for key in p.keys:
        found.update(_narrow(p.pkey, index.by_npwp.get(key, []), index))
    for ckey in p.ckeys:
        found.update(_narrow(p.pkey, index.by_company.get(ckey, []), index))
    # Sorted, so words of equal rarity are chosen the same way in every process (set order varies
    # with the string hash seed, and a rebuild must find the same matches).
    words = sorted(w for w in set(p.pkey.split()) if w in index.by_token)
    if words:
        rarest = heapq.nsmallest(BLOCK_TOKENS, words, key=index.df.__getitem__)
        shared: Counter[int] = Counter()
        for word in rarest:
            shared.update(index.by_token[word])
        found.update(i for i, _ in shared.most_common(TOKEN_CANDIDATES))
    if not found:
        return []
    ids = list(found)
    kept = process.extract(
        p.pkey,
        [index.projects[i] for i in ids],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=NAME_FLOOR,
        limit=None,
    )
    return [ids[position] for _, _, position in kept]


def _value_evidence(p: _Prepared, value: float | None) -> int:
    """+1 when a package value is within ±10% of the registration's, -1 when all are >30% off, else 0."""
    if value is None or not p.values or value <= 0:
        return 0
    gaps = [abs(v - value) / max(v, value) for v in p.values]
    if min(gaps) <= VALUE_TOLERANCE:
        return 1
    if min(gaps) > VALUE_CONTRADICTS:
        return -1
    return 0


def _year_contradicts(fiscal_year: int | None, year: int | None) -> bool:
    """A project is registered in its fiscal year or the next; anything else contradicts the match."""
    return fiscal_year is not None and year is not None and not fiscal_year <= year <= fiscal_year + 1


def _score(
    package: PackageForMatch, p: _Prepared, i: int, index: RegistryIndex
) -> tuple[float, int, str] | None:
    """(rank, score, explanation) of package vs registration ``i``; None when the evidence is not enough.

    ``score`` (0-100, capped per kind of evidence) is what users see; ``rank`` is uncapped and orders
    candidates (NPWP evidence above masked NPWP above names; then by similarity).
    """
    name_exact = fuzz.token_sort_ratio(p.pkey, index.projects[i])
    name = round(name_exact)
    company = index.companies[i]
    contractor = (
        max((round(fuzz.token_sort_ratio(c, company)) for c in p.ckeys), default=None) if company else None
    )
    value = _value_evidence(p, index.values[i])
    if _year_contradicts(package.fiscal_year, index.years[i]):
        return None
    suffix = " + value" if value > 0 else ""
    key = index.keys[i]
    if key and key in p.keys and value >= 0 and (name >= 85 or (name >= 75 and value > 0)):
        raw = 70 + 0.25 * name_exact + 5 * value
        return 200 + raw, min(99, round(raw)), f"NPWP + name {name}{suffix}"
    if (
        key
        and contractor is not None
        and contractor >= 85
        and name >= 80
        and value >= 0
        and any(masks_agree(m, key) for m in p.masked)
    ):
        raw = 65 + 0.15 * name_exact + 0.15 * contractor + 5 * value
        return 100 + raw, min(98, round(raw)), f"masked NPWP + names {name}"
    if contractor is None:
        if name < 95 or value <= 0:
            return None
        combined = name_exact - 5
    else:
        if contractor < 60 or name < 80:
            return None
        combined = 0.6 * name_exact + 0.4 * contractor
    combined += 5 * value if value > 0 else 20 * value
    if combined < NAMES_THRESHOLD:
        return None
    shown = contractor if contractor is not None else "-"
    return combined, min(round(combined), 97), f"names {name}/{shown}{suffix}"


def _best(package: PackageForMatch, index: RegistryIndex) -> tuple[float, Match] | None:
    """The best registration for one package with its rank, or None."""
    code = index.by_code.get(package.code)
    if code is not None:
        return 1000.0, Match(package.site, package.code, index.numbers[code], 100, "tender code")
    if not (package.contractor_names or package.npwps):
        return None
    p = _prepare(package)
    best: tuple[float, int, str, int] | None = None
    for i in _candidates(p, index):
        scored = _score(package, p, i, index)
        if scored is not None and (best is None or scored[0] > best[0]):
            best = (*scored, i)
    if best is None:
        return None
    rank, score, explanation, i = best
    return rank, Match(package.site, package.code, index.numbers[i], score, explanation)


def match_one(package: PackageForMatch, index: RegistryIndex) -> Match | None:
    """The best registration for one package, or None."""
    found = _best(package, index)
    return None if found is None else found[1]


def match_packages(
    packages: Iterable[PackageForMatch], registry: RegistryIndex, *, one_to_one: bool = True
) -> Iterator[Match]:
    """Matches for the packages that are in the registry (others yield nothing).

    With ``one_to_one`` (default) a registration claimed by several packages stays with the best
    (ties: the first package seen); tender-code matches always win. Matches are then yielded after
    all packages are read, holding at most one match per registration in memory.
    """
    if not one_to_one:
        for package in packages:
            found = match_one(package, registry)
            if found is not None:
                yield found
        return
    best: dict[str, tuple[float, Match]] = {}
    exact: list[Match] = []
    for package in packages:
        found = _best(package, registry)
        if found is None:
            continue
        rank, match = found
        if match.explanation == "tender code":
            exact.append(match)
            continue
        held = best.get(match.registration_no)
        if held is None or rank > held[0]:
            best[match.registration_no] = found
    yield from exact
    coded = {m.registration_no for m in exact}
    yield from (m for _, m in best.values() if m.registration_no not in coded)
