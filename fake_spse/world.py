"""A deterministic synthetic SPSE world: per slug, packages over the tender, non-tender and darurat lists.

Every package is generated from its own random stream seeded by (seed, slug, index), so a
slug's world can be built lazily on first request and day N only *adds* packages and moves
time on: the same (seed, slug, year, day) always gives the same pages. Each package carries
its whole plan (schedule, winner, contract date, cancellation time); what is shown on a day
is derived from the plan and the world's clock by `Package.state`.
"""

from __future__ import annotations

import math
import random
import threading
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from domain.dates import JAKARTA
from fake_spse import regions, vocab

LISTS = ("tender", "non_tender", "darurat")
NEW_PER_DAY = 0.01
_CENT = Decimal("0.01")
_THOUSAND = Decimal(1000)
_NPWP_PREFIXES = (
    "01",
    "02",
    "03",
    "07",
    "21",
    "31",
    "41",
    "66",
    "71",
    "72",
    "73",
    "74",
    "76",
    "80",
    "81",
    "82",
    "84",
    "86",
    "90",
    "91",
    "92",
    "94",
    "96",
)
_MASK_SHOWN = frozenset({0, 1, 3, 6, 11, 12, 15})  # positions a national page leaves visible


@dataclass(frozen=True, slots=True)
class Stage:
    """One jadwal row: stage name, start and end (aware, WIB), and how often it was changed."""

    name: str
    start: datetime
    end: datetime
    changes: int = 0


@dataclass(frozen=True, slots=True)
class Winner:
    """A winning firm with every amount a winner or contract page can show."""

    name: str
    street: str
    place: str  # "Pontianak (Kota) - Kalimantan Barat"
    npwp: str  # as shown: "01.544.863.2-009.000" or masked "07*3**1****01**0"
    offer: Decimal
    corrected: Decimal
    negotiated: Decimal | None  # shown on non-tender pages only
    contract: Decimal
    pdn: Decimal
    umk: Decimal | None  # None: the page leaves Nilai UMK empty


@dataclass(frozen=True, slots=True)
class State:
    """What the site shows for a package at one moment."""

    stage: str
    flags: tuple[str, ...]
    winner_named: bool
    contract: bool
    finished: bool


@dataclass(frozen=True)
class Package:
    """The full plan of one package; `state(now)` says what is visible at a given time."""

    slug: str
    list: str
    index: int
    code: str
    name: str
    agency: str
    work_unit: str
    category: str
    method: str  # Metode Pengadaan as the announcement shows it
    selection: str  # list column 6 (tender) / 5 (non tender)
    qualification_method: str
    evaluation: str
    fiscal_years: tuple[int, ...]
    funding_source: str | None
    budget: Decimal
    estimate: Decimal | None
    created: date
    announced: datetime
    stages: tuple[Stage, ...]
    locations: tuple[str, ...]
    contract_type: str
    qualification: str | None
    retender: bool
    cancel_at: datetime | None
    fail_at: datetime | None
    winner_at: datetime | None
    contract_at: datetime | None
    winners: tuple[Winner, ...]
    participants: int
    rup_code: str
    consolidated: bool
    flag11: bool
    finished_at: datetime | None = None  # darurat
    realisations: tuple[tuple[str, Decimal, date], ...] = field(default=())  # darurat

    def state(self, now: datetime) -> State:
        """Stage text, badges and which tabs exist at `now`."""
        if self.list == "darurat":
            done = self.finished_at is not None and now >= self.finished_at
            return State("Paket Sudah Selesai" if done else "Paket Sedang Berjalan", (), False, False, done)
        flags = ["Tender Ulang"] if self.retender else []
        tender = self.list == "tender"
        if self.cancel_at is not None and now >= self.cancel_at:
            flags.append("Tender Batal" if tender else f"{self.method} Batal")
            return State("Tender Batal" if tender else "Paket Dibatalkan", tuple(flags), False, False, True)
        if self.fail_at is not None and now >= self.fail_at:
            flags.append("Tender Gagal")
            return State("Tender Gagal", tuple(flags), False, False, True)
        winner = self.winner_at is not None and now >= self.winner_at
        contract = winner and self.contract_at is not None and now >= self.contract_at
        current = next((s.name for s in self.stages if now < s.end), None)
        if current is None:
            done = "Tender Sudah Selesai" if tender else "Paket Sudah Selesai"
            return State(done, tuple(flags), winner, contract, True)
        return State(current, tuple(flags), winner, contract, False)

    def realised(self, now: datetime) -> Decimal:
        """Darurat Nilai Total Realisasi: the sum of realisations shown at `now` (0 while running)."""
        return sum((r[1] for r in self.visible_realisations(now)), Decimal("0.00"))

    def visible_realisations(self, now: datetime) -> tuple[tuple[str, Decimal, date], ...]:
        """Darurat realisation rows, shown once the package is finished."""
        return self.realisations if self.state(now).finished else ()


def _money(value: float, cents: bool) -> Decimal:
    """A rupiah amount: rounded to the thousand, or with sen."""
    if cents:
        return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return (Decimal(str(value)) / _THOUSAND).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    ) * _THOUSAND + Decimal("0.00")


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    """A value spread evenly over orders of magnitude (procurement values are)."""
    return 10 ** rng.uniform(math.log10(low), math.log10(high))


def _five_minutes(moment: datetime) -> datetime:
    """Schedules are set in whole 5-minute steps."""
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def _stable_hash(text: str) -> int:
    """A process-independent hash (Python's `hash` is salted per process)."""
    return zlib.crc32(text.encode())


def _npwp(rng: random.Random, masked: bool) -> str:
    """A 15-digit NPWP shown plain (`01.544.863.2-009.000`) or masked as national pages do."""
    digits = (
        rng.choice(_NPWP_PREFIXES)
        + "".join(str(rng.randrange(10)) for _ in range(10))
        + rng.choice(("000", "001", "002"))
    )
    if masked:
        sixteen = "0" + digits
        return "".join(c if i in _MASK_SHOWN else "*" for i, c in enumerate(sixteen))
    return f"{digits[0:2]}.{digits[2:5]}.{digits[5:8]}.{digits[8]}-{digits[9:12]}.{digits[12:15]}"


class _SlugPlan:
    """The fixed facts of one slug: its home region, agencies and code ranges."""

    def __init__(self, slug: str, seed: int, year: int):
        self.slug = slug
        self.year = year
        h = _stable_hash(f"{seed}:{slug}")
        all_regions = regions.all_regions()
        self.home = all_regions[h % len(all_regions)]
        self.ministry_slug = slug.startswith("kem") or slug in {"nasional", "pu", "lkpp"}
        self.code_base = 10_000_000 + h % 50_000_000
        self.lpse_id = 100 + h % 900
        self.tricky = [regions.by_label()[label] for label in regions.TRICKY if label in regions.by_label()]


def _pick_category(rng: random.Random) -> str:
    """A Jenis Pengadaan by the realistic weights in vocab."""
    names, weights = zip(*vocab.CATEGORY_WEIGHTS, strict=True)
    return rng.choices(names, weights)[0]


def _package_name(rng: random.Random, category: str, place: str) -> str:
    """A plausible nama paket for the category, some with `&` or quotes."""
    if category == vocab.CONSTRUCTION:
        where = f"{rng.choice(vocab.PLACES)} {rng.choice(vocab.PLACE_NAMES)}"
        base = f"{rng.choice(vocab.WORKS)} {rng.choice(vocab.OBJECTS)} {where}"
    elif category == vocab.INTEGRATED:
        base = f"{rng.choice(vocab.INTEGRATED_WORKS)} {rng.choice(vocab.OBJECTS)} {place}"
    elif category == vocab.CONSULTING_CONSTRUCTION:
        base = (
            f"{rng.choice(vocab.CONSULTING_WORKS)} {rng.choice(vocab.WORKS)} "
            f"{rng.choice(vocab.OBJECTS)} {rng.choice(vocab.PLACE_NAMES)}"
        )
    elif category == vocab.GOODS:
        base = f"Pengadaan {rng.choice(vocab.GOODS_ITEMS)}"
    elif category == vocab.OTHER_SERVICES:
        base = rng.choice(vocab.SERVICE_ITEMS)
    else:
        base = rng.choice(vocab.ADVICE_ITEMS)
    if rng.random() < 0.3:
        base += f" Tahap {rng.choice(('I', 'II', 'III'))}"
    if rng.random() < 0.15:
        base += f" Lot {rng.randint(1, 4)}"
    return base


def _location(rng: random.Random, plan: _SlugPlan) -> str:
    """`<detail> - <Nama> (Kab.|Kota)`, mostly in the slug's home region, sometimes a tricky name."""
    r = rng.random()
    region = (
        plan.home if r < 0.6 else rng.choice(plan.tricky) if r < 0.8 else rng.choice(regions.all_regions())
    )
    district = rng.choice(regions.districts(region.code))
    detail = rng.choice(
        (
            f"Kecamatan {district}",
            f"Desa {rng.choice(vocab.PLACE_NAMES)} Kec. {district}",
            f"{rng.choice(vocab.STREETS)} No. {rng.randint(1, 200)} {district}",
            district,
        )
    )
    return f"{detail} - {region.label}"


def _winner(rng: random.Random, estimate: Decimal, kind: str, qualification: str | None) -> Winner:
    """A firm, its address and amounts with pagu ≥ HPS ≥ offer ≥ negotiated = contract ≥ PDN."""
    words = rng.sample(vocab.FIRM_WORDS, rng.randint(2, 3))
    name = f"{rng.choice(vocab.FIRM_PREFIXES)} {' '.join(words).upper()}"
    region = rng.choice(regions.all_regions())
    street = f"{rng.choice(vocab.STREETS)} No. {rng.randint(1, 250)}"
    offer = _money(float(estimate) * rng.uniform(0.78, 0.995), cents=rng.random() < 0.6)
    corrected = offer if rng.random() < 0.9 else _money(float(offer) * rng.uniform(0.99, 1.0), cents=True)
    negotiated = None
    if kind == "non_tender":
        negotiated = min(corrected, _money(float(corrected) * rng.uniform(0.97, 1.0), cents=False))
    contract = negotiated if negotiated is not None else corrected
    pdn = _money(float(contract) * rng.uniform(0.4, 1.0), cents=True)
    umk = contract if qualification in (None, "Kecil") and rng.random() < 0.7 else Decimal("0.00")
    if rng.random() < 0.2:
        umk = None
    return Winner(
        name,
        street,
        f"{region.label} - {region.province}",
        _npwp(rng, rng.random() < 0.65),
        offer,
        corrected,
        negotiated,
        contract,
        pdn,
        umk,
    )


def _schedule(
    rng: random.Random, names: Iterable[str], start: datetime, hours: tuple[int, int]
) -> tuple[Stage, ...]:
    """Consecutive stages from `start`, each lasting a random number of hours."""
    stages = []
    moment = _five_minutes(start)
    for name in names:
        end = _five_minutes(moment + timedelta(hours=rng.randint(*hours), minutes=rng.randrange(0, 60, 5)))
        stages.append(Stage(name, moment, end, rng.choice((0, 0, 0, 1, 2))))
        moment = end
    return tuple(stages)


def _qualification(category: str, estimate: Decimal) -> str:
    """Kualifikasi Usaha from the HPS (Perpres 12/2021 thresholds, simplified)."""
    if category == vocab.CONSULTING_PERSON:
        return "Perorangan"
    if estimate <= Decimal(15_000_000_000):
        return "Kecil"
    return "Menengah" if estimate <= Decimal(50_000_000_000) else "Besar"


def generate_package(plan: _SlugPlan, seed: int, index: int, announced: datetime) -> Package:
    """One package from its own random stream: same (seed, slug, index) → same package."""
    rng = random.Random(f"{seed}:{plan.slug}:{index}")
    r = rng.random()
    kind = "tender" if r < 0.47 else "non_tender" if r < 0.94 else "darurat"
    if kind == "darurat":
        category = vocab.CONSTRUCTION if rng.random() < 0.8 else vocab.GOODS
    else:
        category = _pick_category(rng)
    if plan.ministry_slug or rng.random() < 0.2:
        agency, units = rng.choice(vocab.MINISTRIES)
        work_unit = rng.choice(units)
        funding = "APBN"
    else:
        agency = plan.home.government
        work_unit = rng.choice(vocab.REGIONAL_UNITS)
        funding = rng.choice(("APBD", "APBD", "APBD", "APBDP", "BLUD"))
    locations = tuple(dict.fromkeys(_location(rng, plan) for _ in range(1 if rng.random() < 0.85 else 3)))
    name = _package_name(rng, category, plan.home.name)
    seq = plan.code_base + index * 13 + rng.randrange(13)
    code = f"{seq}000"
    if kind == "darurat" and rng.random() < 0.5:
        code = f"{100 + index}{plan.lpse_id:03d}"
    low, high = {"tender": (200e6, 200e9), "non_tender": (50e6, 1.5e9), "darurat": (100e6, 5e9)}[kind]
    budget = _money(_log_uniform(rng, low, high), cents=False)
    estimate = _money(float(budget) * rng.uniform(0.9, 1.0), cents=rng.random() < 0.4)
    estimate = min(estimate, budget)
    consulting = category in vocab.CONSULTING
    if kind == "tender":
        selection = "Seleksi" if consulting else rng.choice(("Tender", "Tender", "Tender Cepat"))
        qual_method = rng.choice(vocab.QUALIFICATION_METHODS)
        evaluation = rng.choice(vocab.CONSULTING_EVALUATION if consulting else vocab.EVALUATION_METHODS)
        method = f"{selection} - {qual_method} - {evaluation}"
    elif kind == "non_tender":
        selection = rng.choice(vocab.NON_TENDER_METHODS)
        qual_method = evaluation = ""
        method = selection
    else:
        selection, qual_method, evaluation, method = "Darurat", "", "", "Darurat"
    years = (plan.year, plan.year + 1) if kind == "tender" and rng.random() < 0.08 else (plan.year,)
    created = (announced - timedelta(days=rng.randint(0, 5))).date()
    qualification = _qualification(category, estimate) if kind == "tender" else None
    stages: tuple[Stage, ...] = ()
    cancel_at = fail_at = winner_at = contract_at = finished_at = None
    winners: tuple[Winner, ...] = ()
    realisations: tuple[tuple[str, Decimal, date], ...] = ()
    retender = kind == "tender" and rng.random() < 0.05
    if kind == "darurat":
        finished_at = announced + timedelta(days=rng.randint(15, 90))
        total = _money(float(budget) * rng.uniform(0.6, 1.0), cents=True)
        first = _money(float(total) * rng.uniform(0.3, 0.6), cents=True)
        realisations = (
            ("Uang Muka", first, (finished_at - timedelta(days=10)).date()),
            ("Pelunasan", total - first, finished_at.date()),
        )
    else:
        names = vocab.TENDER_STAGES if kind == "tender" else vocab.NON_TENDER_STAGES
        hours = (20, 120) if kind == "tender" else (2, 48)
        stages = _schedule(rng, names, announced, hours)
        winner_stage = vocab.TENDER_WINNER_STAGE if kind == "tender" else vocab.NON_TENDER_WINNER_STAGE
        winner_at = next(s.start for s in stages if s.name == winner_stage)
        fate = rng.random()
        span = (winner_at - announced).total_seconds()
        if fate < 0.04:
            cancel_at = announced + timedelta(seconds=rng.uniform(0.05, 0.95) * span)
        elif fate < 0.07 and kind == "tender":
            fail_at = announced + timedelta(seconds=rng.uniform(0.6, 0.95) * span)
        count = 1 if rng.random() < 0.97 else 2
        winners = tuple(_winner(rng, estimate / count, kind, qualification) for _ in range(count))
        if rng.random() < 0.85:
            signing = stages[-1]
            contract_at = signing.start + timedelta(hours=rng.randint(1, 24 * 12))
    participants = rng.randint(3, 40) if kind == "tender" else rng.randint(1, 3)
    return Package(
        slug=plan.slug,
        list=kind,
        index=index,
        code=code,
        name=name,
        agency=agency,
        work_unit=work_unit,
        category=category,
        method=method,
        selection=selection,
        qualification_method=qual_method,
        evaluation=evaluation,
        fiscal_years=years,
        funding_source=None if kind == "darurat" else funding,
        budget=budget,
        estimate=None if kind == "darurat" else estimate,
        created=created,
        announced=announced,
        stages=stages,
        locations=() if kind == "darurat" else locations,
        contract_type=rng.choice(vocab.CONTRACT_TYPES),
        qualification=qualification,
        retender=retender,
        cancel_at=cancel_at,
        fail_at=fail_at,
        winner_at=winner_at,
        contract_at=contract_at,
        winners=winners,
        participants=participants,
        rup_code=str(50_000_000 + rng.randrange(20_000_000)),
        consolidated=rng.random() < 0.05,
        flag11=rng.random() < 0.5,
        finished_at=finished_at,
        realisations=realisations,
    )


#: Packages per slug on day 0: one count for every slug, or a count per slug.
Sizes = int | Mapping[str, int]


class World:
    """All slugs of one fake SPSE host; each slug's packages are generated on first use and cached.

    `packages_per_slug` is one day-0 count for all slugs, or a mapping slug → count (a national
    host serves slugs of very different sizes); each slug's daily new packages are ~1% of its own.
    """

    def __init__(self, slugs: Iterable[str], packages_per_slug: Sizes, seed: int, year: int, day: int = 0):
        self.slugs = tuple(slugs)
        if isinstance(packages_per_slug, Mapping):
            missing = [slug for slug in self.slugs if slug not in packages_per_slug]
            if missing:
                raise ValueError(f"no package count for slugs {missing[:5]}")
        self.packages_per_slug = packages_per_slug
        self.seed = seed
        self.year = year
        self.day = day
        self._plans: dict[str, _SlugPlan] = {}
        self._packages: dict[str, list[Package]] = {}
        self._indexes: dict[str, tuple[int, dict[tuple[str, str], Package]]] = {}
        self._lock = threading.Lock()

    @property
    def start(self) -> datetime:
        """Noon of day 0 (1 July of the year, WIB): the world's clock starts here."""
        return datetime.combine(date(self.year, 7, 1), time(12, 0), JAKARTA)

    @property
    def now(self) -> datetime:
        """The moment every page shows: noon of the current day."""
        return self.start + timedelta(days=self.day)

    def day0_count(self, slug: str) -> int:
        """How many packages a slug has on day 0."""
        sizes = self.packages_per_slug
        return sizes[slug] if isinstance(sizes, Mapping) else sizes

    def new_per_day(self, slug: str) -> int:
        """How many packages a slug announces each day after day 0 (about 1% of its day-0 count)."""
        return max(1, round(self.day0_count(slug) * NEW_PER_DAY))

    def visible_count(self, slug: str, day: int | None = None) -> int:
        """Packages a slug has on a day: the day-0 set plus the daily new ones."""
        return self.day0_count(slug) + self.new_per_day(slug) * (self.day if day is None else day)

    def _announced(self, slug: str, index: int) -> datetime:
        """Announcement time: spread over the ~170 days before day 0, or the morning of its new day."""
        rng = random.Random(f"{self.seed}:{slug}:{index}:announce")
        first = self.day0_count(slug)
        if index < first:
            moment = self.start - timedelta(days=rng.uniform(0.5, 170))
        else:
            day = 1 + (index - first) // self.new_per_day(slug)
            moment = self.start + timedelta(days=day, hours=-rng.uniform(0.5, 4))
        return _five_minutes(moment)

    def packages(self, slug: str) -> list[Package]:
        """The packages a slug shows today, in index order (generated on first use)."""
        if slug not in self.slugs:
            raise KeyError(slug)
        wanted = self.visible_count(slug)
        with self._lock:
            plan = self._plans.get(slug) or self._plans.setdefault(
                slug, _SlugPlan(slug, self.seed, self.year)
            )
            have = self._packages.setdefault(slug, [])
            for index in range(len(have), wanted):
                have.append(generate_package(plan, self.seed, index, self._announced(slug, index)))
            return have[:wanted]

    def find(self, slug: str, kind: str, code: str) -> Package | None:
        """The package of a list by kode, if it is visible today."""
        if slug not in self.slugs:
            return None
        return self._index(slug).get((kind, code))

    def _index(self, slug: str) -> dict[tuple[str, str], Package]:
        """(list, kode) → package for today's packages of a slug (cached per visible count)."""
        packages = self.packages(slug)
        cached = self._indexes.get(slug)
        if cached is None or cached[0] != len(packages):
            cached = (len(packages), {(p.list, p.code): p for p in packages})
            self._indexes[slug] = cached
        return cached[1]

    def set_day(self, day: int) -> None:
        """Move the world's clock to day `day` (packages are added, never removed)."""
        if day < 0:
            raise ValueError("day must be ≥ 0")
        self.day = day


def build_world(slugs: Iterable[str], packages_per_slug: Sizes, seed: int, year: int, day: int = 0) -> World:
    """A world for these slugs (one day-0 count, or one per slug); nothing is generated until asked for."""
    return World(slugs, packages_per_slug, seed, year, day)
