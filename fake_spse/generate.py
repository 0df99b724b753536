"""How one package of the fake is made: its own seeded random stream → its whole plan.

Tender fates (cancelled, failed, re-tendered, contract after award) and the tender list's
category mix come from the real 2026 lists (`fake_spse.calibration`); the rest (list mix,
non-tender categories, value ranges, schedules) is invented within documented ranges.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from fake_spse import calibration, regions, vocab
from fake_spse.model import Package, Stage, Winner

_CENT = Decimal("0.01")
_THOUSAND = Decimal(1000)
_NPWP_PREFIXES = (
    "01", "02", "03", "07", "21", "31", "41", "66", "71", "72", "73", "74",
    "76", "80", "81", "82", "84", "86", "90", "91", "92", "94", "96",
)  # fmt: skip
_MASK_SHOWN = frozenset({0, 1, 3, 6, 11, 12, 15})  # positions a national page leaves visible
#: (list, cumulative share): the mix of lists in a slug (invented: no real non-tender list lengths).
_LIST_MIX: tuple[tuple[str, float], ...] = (
    ("tender", 0.42),
    ("non_tender", 0.82),
    ("darurat", 0.87),
    ("pencatatan", 0.96),
    ("swakelola", 1.0),
)
TENDER_SHARE = _LIST_MIX[0][1]
#: Value ranges (pagu, rupiah) per list.
_RANGES = {
    "tender": (200e6, 200e9),
    "non_tender": (50e6, 1.5e9),
    "darurat": (100e6, 5e9),
    "pencatatan": (5e6, 1.5e9),
    "swakelola": (5e6, 2e9),
}
SWAKELOLA_EXECUTORS = (
    "K/L/PD Penanggung Jawab Anggaran",
    "K/L/PD Lain Pelaksana Swakelola",
    "Organisasi Kemasyarakatan",
    "Kelompok Masyarakat",
)


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


def five_minutes(moment: datetime) -> datetime:
    """Schedules are set in whole 5-minute steps."""
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def stable_hash(text: str) -> int:
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


class SlugPlan:
    """The fixed facts of one slug: its home region, agencies and code ranges."""

    def __init__(self, slug: str, seed: int, year: int):
        self.slug = slug
        self.year = year
        h = stable_hash(f"{seed}:{slug}")
        all_regions = regions.all_regions()
        self.home = all_regions[h % len(all_regions)]
        self.ministry_slug = slug.startswith("kem") or slug in {"nasional", "pu", "lkpp"}
        self.code_base = 10_000_000 + h % 50_000_000
        self.lpse_id = 100 + h % 900
        self.tricky = [regions.by_label()[label] for label in regions.TRICKY if label in regions.by_label()]


def _pick_category(rng: random.Random, kind: str) -> str:
    """A Jenis Pengadaan: the measured tender mix for tenders, vocab's weights elsewhere."""
    if kind == "swakelola":
        return ""
    if kind == "darurat":
        return vocab.CONSTRUCTION if rng.random() < 0.8 else vocab.GOODS
    table = calibration.TENDER_CATEGORY_WEIGHTS if kind == "tender" else vocab.CATEGORY_WEIGHTS
    names, weights = zip(*table, strict=True)
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
    elif category:
        base = rng.choice(vocab.ADVICE_ITEMS)
    else:
        base = rng.choice(vocab.SWAKELOLA_ITEMS)
    if rng.random() < 0.3:
        base += f" Tahap {rng.choice(('I', 'II', 'III'))}"
    if rng.random() < 0.15:
        base += f" Lot {rng.randint(1, 4)}"
    return base


def _location(rng: random.Random, plan: SlugPlan) -> str:
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
    moment = five_minutes(start)
    for name in names:
        end = five_minutes(moment + timedelta(hours=rng.randint(*hours), minutes=rng.randrange(0, 60, 5)))
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


def _choose_list(rng: random.Random) -> str:
    r = rng.random()
    return next(kind for kind, upto in _LIST_MIX if r < upto)


def _methods(rng: random.Random, kind: str, category: str) -> tuple[str, str, str, str]:
    """(selection, qualification method, evaluation, Metode Pengadaan) of a list and category."""
    consulting = category in vocab.CONSULTING
    if kind == "tender":
        selection = "Seleksi" if consulting else rng.choice(("Tender", "Tender", "Tender Cepat"))
        qual_method = rng.choice(vocab.QUALIFICATION_METHODS)
        evaluation = rng.choice(vocab.CONSULTING_EVALUATION if consulting else vocab.EVALUATION_METHODS)
        return selection, qual_method, evaluation, f"{selection} - {qual_method} - {evaluation}"
    if kind in ("non_tender", "pencatatan"):
        selection = rng.choice(vocab.NON_TENDER_METHODS)
        return selection, "", "", selection
    if kind == "darurat":
        return "Darurat", "", "", "Darurat"
    return "Swakelola", "", "", "Swakelola"


def _realisations(
    rng: random.Random, budget: Decimal, finished: datetime
) -> tuple[tuple[str, Decimal, date], ...]:
    """Two realisations of a record (advance and settlement), the last on its completion day."""
    total = _money(float(budget) * rng.uniform(0.6, 1.0), cents=True)
    first = _money(float(total) * rng.uniform(0.3, 0.6), cents=True)
    return (
        ("Uang Muka", first, (finished - timedelta(days=10)).date()),
        ("Pelunasan", total - first, finished.date()),
    )


def _fates(rng: random.Random, kind: str, announced: datetime, winner_at: datetime) -> tuple:
    """(cancel_at, fail_at): tender shares measured on the real lists, non-tender 4% cancelled."""
    span = (winner_at - announced).total_seconds()
    fate = rng.random()
    cancelled = calibration.TENDER_CANCELLED if kind == "tender" else 0.04
    failed = calibration.TENDER_FAILED if kind == "tender" else 0.0
    if fate < cancelled:
        return announced + timedelta(seconds=rng.uniform(0.05, 0.95) * span), None
    if fate < cancelled + failed:
        return None, announced + timedelta(seconds=rng.uniform(0.6, 0.95) * span)
    return None, None


def generate_package(plan: SlugPlan, seed: int, index: int, announced: datetime) -> Package:
    """One package from its own random stream: same (seed, slug, index) → same package."""
    rng = random.Random(f"{seed}:{plan.slug}:{index}")
    kind = _choose_list(rng)
    category = _pick_category(rng, kind)
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
    code = f"{plan.code_base + index * 13 + rng.randrange(13)}000"
    if kind == "darurat" and rng.random() < 0.5:
        code = f"{100 + index}{plan.lpse_id:03d}"
    budget = _money(_log_uniform(rng, *_RANGES[kind]), cents=False)
    estimate = min(_money(float(budget) * rng.uniform(0.9, 1.0), cents=rng.random() < 0.4), budget)
    selection, qual_method, evaluation, method = _methods(rng, kind, category)
    years = (plan.year, plan.year + 1) if kind == "tender" and rng.random() < 0.08 else (plan.year,)
    created = (announced - timedelta(days=rng.randint(0, 5))).date()
    qualification = _qualification(category, estimate) if kind == "tender" else None
    stages: tuple[Stage, ...] = ()
    cancel_at = fail_at = winner_at = contract_at = finished_at = None
    winners: tuple[Winner, ...] = ()
    realisations: tuple[tuple[str, Decimal, date], ...] = ()
    retender = kind == "tender" and rng.random() < calibration.TENDER_RETENDERED
    record = kind in ("darurat", "pencatatan", "swakelola")
    if record:
        finished_at = announced + timedelta(days=rng.randint(15, 90))
        realisations = _realisations(rng, budget, finished_at)
        if kind == "pencatatan" and rng.random() < 0.04:
            cancel_at = announced + timedelta(days=rng.uniform(1, 14))
    else:
        names = vocab.TENDER_STAGES if kind == "tender" else vocab.NON_TENDER_STAGES
        hours = (20, 120) if kind == "tender" else (2, 48)
        stages = _schedule(rng, names, announced, hours)
        winner_stage = vocab.TENDER_WINNER_STAGE if kind == "tender" else vocab.NON_TENDER_WINNER_STAGE
        winner_at = next(s.start for s in stages if s.name == winner_stage)
        cancel_at, fail_at = _fates(rng, kind, announced, winner_at)
        count = 1 if rng.random() < 0.97 else 2
        winners = tuple(_winner(rng, estimate / count, kind, qualification) for _ in range(count))
        if rng.random() < calibration.CONTRACT_AFTER_AWARD:
            contract_at = stages[-1].start + timedelta(hours=rng.randint(1, 24 * 12))
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
        estimate=None if record else estimate,
        created=created,
        announced=announced,
        stages=stages,
        locations=() if record else locations,
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
        executor=rng.choice(SWAKELOLA_EXECUTORS) if kind == "swakelola" else "",
    )
