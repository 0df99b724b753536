"""A deterministic synthetic world of LKPP's other channels: governments, satker, providers, SiRUP
plans, and the transactions that carry them out (tender, non-tender, e-Katalog v6), with contracts.

One world feeds SiRUP, the data.inaproc.id realisation table and the API Gateway, so they share
`kode_rup`, providers and satker exactly as the real channels do (../shared/docs/inaproc-sources.md
§6). Each plan draws from its own seeded stream; day N only adds plans and transactions and moves
their status on, so the same (seed, year, day) always answers the same.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from fake_spse import vocab

_CENT = Decimal("0.01")
_ULID = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32, as the 26-character e-Katalog ids


@dataclass(frozen=True, slots=True)
class Government:
    """A K/L/PD as the channels name it: code, realisation name, SiRUP name, SiRUP lokasi."""

    code: str  # kd_klpd / idKldi / instansi, e.g. D6
    table_name: str  # realisation table: "KAB. ACEH TENGAH"
    name: str  # SiRUP kldi / ISB nama_klpd: "Kab. Aceh Tengah"
    kind: str  # ISB jenis_instansi: KABUPATEN | KOTA | PROVINSI
    jenis_klpd: int  # dashboard filter: 4 = Kabupaten (documented), 5 = Kota (assumed)
    lokasi: str  # SiRUP "Province, Kab/Kota (Kab.)"


#: Three governments with real names (codes D6 and D107 are real; D229 is made up for the fake).
GOVERNMENTS = (
    Government("D6", "KAB. ACEH TENGAH", "Kab. Aceh Tengah", "KABUPATEN", 4, "Aceh, Aceh Tengah (Kab.)"),
    Government("D107", "KAB. BANDUNG", "Kab. Bandung", "KABUPATEN", 4, "Jawa Barat, Bandung (Kab.)"),
    Government(
        "D229", "KOTA BALIKPAPAN", "Kota Balikpapan", "KOTA", 5, "Kalimantan Timur, Balikpapan (Kota)"
    ),
)
#: Satker (name, code suffix) every government has; SiRUP ids are derived per government.
SATKER = (
    ("DINAS PEKERJAAN UMUM DAN PENATAAN RUANG", "1.03.0.00.0.00.01.0000"),
    ("DINAS PERUMAHAN DAN PERMUKIMAN", "1.04.1.03.0.00.01.0000"),
    ("DINAS PENDIDIKAN", "1.01.0.00.0.00.01.0000"),
    ("UPTD RSUD", "1.02.0.00.0.00.01.0001"),
)
#: SiRUP jenis pengadaan (name, id). Barang = 1 is captured; the other ids are assumed.
CATEGORIES = (
    ("Pekerjaan Konstruksi", 2, 0.45),
    ("Jasa Konsultansi Badan Usaha Konstruksi", 3, 0.15),
    ("Barang", 1, 0.3),
    ("Jasa Lainnya", 4, 0.1),
)
CONSTRUCTION = frozenset({"Pekerjaan Konstruksi", "Jasa Konsultansi Badan Usaha Konstruksi"})
#: Metode (name, SiRUP id, realisation sumber_transaksi). Pengadaan Langsung = 8 is captured.
METHODS = {
    "Tender": (13, "Tender"),
    "Seleksi": (14, "Tender"),
    "Pengadaan Langsung": (8, "Non Tender"),
    "E-Purchasing": (9, "E-Katalog Versi 6.0"),
}
_MONTH_NAMES = "January February March April May June July August September October November December"
MONTHS = tuple(_MONTH_NAMES.split())


@dataclass(frozen=True, slots=True)
class Provider:
    """A firm: SIKaP id, e-Katalog v6 id, name and 16-digit NPWP."""

    id: int
    v6_id: str
    name: str
    npwp16: str


@dataclass(frozen=True, slots=True)
class Plan:
    """A SiRUP package (rencana) and, when it is carried out, its one transaction."""

    rup_code: str
    government: Government
    satker: int  # index into SATKER
    name: str
    category: str
    method: str
    pagu: Decimal
    month: int
    funding: str
    published_day: int
    transaction: Transaction | None


@dataclass(frozen=True, slots=True)
class Transaction:
    """A tender / non-tender / e-Katalog transaction: code, provider, value and its days."""

    code: str  # SPSE kode (digits) or the 26-character e-Katalog id
    channel: str  # tender | non_tender | ekatalog
    provider: Provider
    value: Decimal  # whole rupiah in the realisation table
    contract_value: Decimal  # with cents, as the contract (API) says
    opened_day: int  # the row appears
    awarded_day: int  # provider named, tahapan Kontrak (e-Katalog: status SELESAI)
    signed_on: date  # contract date / order date


def stable_hash(text: str) -> int:
    """A process-independent hash (str hash is salted)."""
    return zlib.crc32(text.encode("utf-8"))


def _ulid(rng: random.Random) -> str:
    return "01K" + "".join(rng.choice(_ULID) for _ in range(23))


def _npwp16(rng: random.Random) -> str:
    digits = rng.choice(("01", "02", "07", "31", "66", "72", "84", "94"))
    digits += "".join(str(rng.randrange(10)) for _ in range(10)) + rng.choice(("000", "001"))
    return "0" + digits


class World:
    """Every plan and transaction of one fiscal year; `day` says which are visible and how far along."""

    def __init__(self, seed: int, year: int, plans_per_government: int = 40, day: int = 0):
        self.seed = seed
        self.year = year
        self.day = day
        self.plans_per_government = plans_per_government
        self.start = date(year, 3, 2)  # day 0; day-0 plans were carried out since January
        rng = random.Random(f"providers:{seed}")
        self.providers = tuple(
            Provider(
                id=100000 + rng.randrange(9_000_000),
                v6_id=_ulid(rng),
                name=f"{rng.choice(vocab.FIRM_PREFIXES)} {rng.choice(vocab.FIRM_WORDS)} "
                f"{rng.choice(vocab.FIRM_WORDS)} {rng.choice(('Utama', 'Lestari', 'Nusantara', 'Persada'))}",
                npwp16=_npwp16(rng),
            )
            for _ in range(30)
        )
        self._plans: dict[tuple[str, int], Plan] = {}

    def set_day(self, day: int) -> None:
        """Serve day `day` from now on."""
        self.day = day

    def today(self) -> date:
        """The world's date."""
        return self.start + timedelta(days=self.day)

    def plan_count(self, day: int | None = None) -> int:
        """Plans per government published by `day` (1 % more per day, at least one)."""
        d = self.day if day is None else day
        return self.plans_per_government + d * max(1, self.plans_per_government // 100)

    def plans(self) -> list[Plan]:
        """Every plan published so far, all governments, in RUP-code order."""
        out = [self._plan(g, i) for g in GOVERNMENTS for i in range(self.plan_count())]
        return sorted((p for p in out if p.published_day <= self.day), key=lambda p: p.rup_code)

    def transactions(self) -> list[tuple[Plan, Transaction]]:
        """Every transaction whose row exists today, in code order."""
        rows = [(p, p.transaction) for p in self.plans() if p.transaction is not None]
        return sorted(
            ((p, t) for p, t in rows if t is not None and t.opened_day <= self.day), key=lambda r: r[1].code
        )

    def _plan(self, government: Government, index: int) -> Plan:
        key = (government.code, index)
        if key not in self._plans:
            self._plans[key] = self._generate(government, index)
        return self._plans[key]

    def _generate(self, government: Government, index: int) -> Plan:
        rng = random.Random(f"plan:{self.seed}:{self.year}:{government.code}:{index}")
        published = (
            0
            if index < self.plans_per_government
            else ((index - self.plans_per_government) // max(1, self.plans_per_government // 100) + 1)
        )
        r, category = rng.random(), CATEGORIES[-1][0]
        for name, _, weight in CATEGORIES:
            if r < weight:
                category = name
                break
            r -= weight
        construction = category in CONSTRUCTION
        pagu = Decimal(int(10 ** rng.uniform(7.3, 10.3)) // 1000 * 1000)
        if category in ("Barang", "Jasa Lainnya"):
            method = "E-Purchasing" if rng.random() < 0.6 else "Pengadaan Langsung"
        elif category == "Pekerjaan Konstruksi" and rng.random() < 0.2:
            method = "E-Purchasing"  # construction bought through e-Katalog v6 (SE 3/2024)
        elif pagu > Decimal(400_000_000) if construction else pagu > Decimal(200_000_000):
            method = "Seleksi" if category.startswith("Jasa Konsultansi") else "Tender"
        else:
            method = "Pengadaan Langsung"
        where = f"{rng.choice(vocab.OBJECTS)} {rng.choice(vocab.PLACE_NAMES)}"
        if category == "Pekerjaan Konstruksi":
            name = f"{rng.choice(vocab.WORKS)} {where}"
        elif category.startswith("Jasa Konsultansi"):
            name = f"{rng.choice(vocab.CONSULTING_WORKS)} {where}"
        elif category == "Barang":
            name = f"Belanja {rng.choice(vocab.GOODS_ITEMS)}"
        else:
            name = rng.choice(vocab.SERVICE_ITEMS)
        rup_code = str(60_000_000 + stable_hash(f"{self.seed}:{government.code}:{index}") % 9_000_000)
        month = rng.randint(1, 12)
        transaction = None
        if rng.random() < 0.7:
            transaction = self._transaction(rng, method, pagu, published)
        return Plan(
            rup_code=rup_code,
            government=government,
            satker=rng.randrange(len(SATKER)),
            name=name,
            category=category,
            method=method,
            pagu=pagu,
            month=month,
            funding=rng.choice(("APBD", "APBD", "APBD", "DAK", "APBDP")),
            published_day=published,
            transaction=transaction,
        )

    def _transaction(self, rng: random.Random, method: str, pagu: Decimal, published: int) -> Transaction:
        channel = {"Tender": "tender", "Seleksi": "tender", "Pengadaan Langsung": "non_tender"}.get(
            method, "ekatalog"
        )
        code = _ulid(rng) if channel == "ekatalog" else f"1{rng.randrange(10**6):06d}{rng.choice('0123')}000"
        opened = published + rng.randrange(-50, 8) if published == 0 else published + rng.randrange(0, 6)
        awarded = opened + rng.randrange(0, 8)
        exact = (pagu * Decimal(str(round(rng.uniform(0.82, 0.99), 4)))).quantize(_CENT, ROUND_HALF_UP)
        return Transaction(
            code=code,
            channel=channel,
            provider=rng.choice(self.providers),
            value=exact.to_integral_value(ROUND_HALF_UP),
            contract_value=exact,
            opened_day=opened,
            awarded_day=awarded,
            signed_on=self.start + timedelta(days=awarded),
        )
