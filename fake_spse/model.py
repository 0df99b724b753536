"""The fake's data model: a package's whole plan, and what the site shows of it at a moment.

Lists: `tender` (/dt/lelang), `non_tender` (/dt/pl), `darurat` (/dt/darurat-list),
`pencatatan` (/dt/nonspk) and `swakelola` (/dt/swakelola). The last three are *records*
of work bought outside an SPSE selection: no schedule and no winner, only realisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

LISTS = ("tender", "non_tender", "darurat", "pencatatan", "swakelola")
#: Lists whose packages are records with realisations (no jadwal, no winner tab).
RECORD_LISTS = frozenset({"darurat", "pencatatan", "swakelola"})


@dataclass(frozen=True, slots=True)
class Stage:
    """One jadwal row: stage name, start and end (aware, WIB), and how often it was changed."""

    name: str
    start: datetime
    end: datetime
    changes: int = 0


@dataclass(frozen=True, slots=True)
class Revision:
    """A postponement of a schedule (`fake_spse.revisions`): shown from `at` on, never before.

    The stage running at `at` ends `delta` later and every later stage moves by `delta`;
    `stages` is the whole schedule the jadwal shows from `at` on, its revised stages counted
    once more in the Perubahan column."""

    at: datetime
    delta: timedelta
    stages: tuple[Stage, ...]


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
    """The full plan of one package; `state(now)` and `schedule(now)` say what is visible at a given time."""

    slug: str
    list: str
    index: int
    code: str
    name: str
    agency: str
    work_unit: str
    category: str  # "" for swakelola: neither its list nor its pages name a jenis pengadaan
    method: str  # Metode Pengadaan as the announcement shows it
    selection: str  # list column 6 (tender) / 5 (non tender): Tender, Seleksi, Pengadaan Langsung …
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
    finished_at: datetime | None = None  # records (darurat, pencatatan, swakelola)
    realisations: tuple[tuple[str, Decimal, date], ...] = field(default=())  # records
    executor: str = ""  # swakelola: Tipe Pelaksana Swakelola
    revision: Revision | None = None  # a postponed schedule (its moments above are already moved)

    @property
    def is_record(self) -> bool:
        """Darurat, pencatatan and swakelola: realisations, no jadwal, no winner."""
        return self.list in RECORD_LISTS

    @property
    def selection_word(self) -> str:
        """ "Seleksi" for consultancy tenders, else "Tender": the word of its badges and fates."""
        return "Seleksi" if self.selection == "Seleksi" else "Tender"

    def schedule(self, now: datetime) -> tuple[Stage, ...]:
        """The jadwal as the site shows it at `now`: the original one until a revision takes effect."""
        if self.revision is not None and now >= self.revision.at:
            return self.revision.stages
        return self.stages

    def state(self, now: datetime) -> State:
        """Stage text, badges and which tabs exist at `now`."""
        if self.is_record:
            if self.cancel_at is not None and now >= self.cancel_at:
                return State("Paket Dibatalkan", (), False, False, True)
            done = self.finished_at is not None and now >= self.finished_at
            return State("Paket Sudah Selesai" if done else "Paket Sedang Berjalan", (), False, False, done)
        word = self.selection_word
        flags = [f"{word} Ulang"] if self.retender else []
        tender = self.list == "tender"
        if self.cancel_at is not None and now >= self.cancel_at:
            flags.append(f"{word} Batal" if tender else f"{self.method} Batal")
            return State(f"{word} Batal" if tender else "Paket Dibatalkan", tuple(flags), False, False, True)
        if self.fail_at is not None and now >= self.fail_at:
            flags.append(f"{word} Gagal")
            return State(f"{word} Gagal", tuple(flags), False, False, True)
        winner = self.winner_at is not None and now >= self.winner_at
        contract = winner and self.contract_at is not None and now >= self.contract_at
        current = next((s.name for s in self.schedule(now) if now < s.end), None)
        if current is None:
            done = "Tender Sudah Selesai" if tender else "Paket Sudah Selesai"
            return State(done, tuple(flags), winner, contract, True)
        return State(current, tuple(flags), winner, contract, False)

    def realised(self, now: datetime) -> Decimal:
        """Nilai Total Realisasi of a record: the sum of the realisations shown at `now`."""
        return sum((r[1] for r in self.visible_realisations(now)), Decimal("0.00"))

    def visible_realisations(self, now: datetime) -> tuple[tuple[str, Decimal, date], ...]:
        """Realisation rows, shown once the package is finished (its list row changes then too)."""
        state = self.state(now)
        return self.realisations if state.finished and state.stage != "Paket Dibatalkan" else ()
