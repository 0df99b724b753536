"""Numbers that shape the fake's tender lists, measured on real 2026 national list responses.

Source: `../shared/fixtures/lpse/lists-2026/*.json` — the real `POST /<portal>/dt/lelang?tahun=2025`
answers of ten provincial portals captured on 2026-09-30 (see that folder's SOURCES.md). The
fixtures are not part of the repository, so the derived numbers are shipped here and
`measure()` recomputes them from the files; `tests/fake_spse/test_fake_calibration.py` checks
that both agree whenever `../shared` is present.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_BADGE = re.compile(r"<span[^>]*>([^<]*)</span>")


@dataclass(frozen=True)
class Calibration:
    """Counts over every row of the real tender lists."""

    #: rows per portal (the whole fiscal year's tender list).
    list_lengths: Mapping[str, int]
    #: rows per jenis pengadaan (column 8 before " - TA ").
    categories: Mapping[str, int]
    #: rows per stage text (column 3).
    stages: Mapping[str, int]
    #: rows per badge text in the name (column 1).
    badges: Mapping[str, int]
    #: rows whose contract column (10) holds `Rp. …`.
    with_contract: int

    @property
    def rows(self) -> int:
        """All rows measured."""
        return sum(self.list_lengths.values())


def measure(directory: Path) -> Calibration:
    """The counts of every `<portal>_<year>.json` in `directory` (a bare array or a DataTables object)."""
    lengths: dict[str, int] = {}
    categories: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    badges: Counter[str] = Counter()
    with_contract = 0
    for path in sorted(directory.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        rows = payload["data"] if isinstance(payload, dict) else payload
        lengths[path.stem.rsplit("_", 1)[0]] = len(rows)
        for row in rows:
            categories[str(row[8]).rpartition(" - TA ")[0]] += 1
            stages[str(row[3])] += 1
            badges.update(text.strip() for text in _BADGE.findall(str(row[1])))
            with_contract += str(row[10] or "").startswith("Rp")
    return Calibration(lengths, dict(categories), dict(stages), dict(badges), with_contract)


#: `measure(Path("../shared/fixtures/lpse/lists-2026"))`, shipped (523 rows, 10 portals).
REAL_TENDER_LISTS = Calibration(
    list_lengths={
        "acehprov": 87,
        "baliprov": 94,
        "gorontaloprov": 12,
        "jogjaprov": 79,
        "kepriprov": 74,
        "nttprov": 34,
        "papuabaratprov": 54,
        "sulbarprov": 20,
        "sultengprov": 56,
        "sulutprov": 13,
    },
    categories={
        "Jasa Konsultansi Badan Usaha Konstruksi": 251,
        "Pekerjaan Konstruksi": 214,
        "Jasa Konsultansi Badan Usaha Non Konstruksi": 32,
        "Pengadaan Barang": 13,
        "Jasa Lainnya": 11,
        "Pekerjaan Konstruksi Terintegrasi": 2,
    },
    stages={
        "Tender Sudah Selesai": 457,
        "Seleksi Batal": 20,
        "Seleksi Gagal": 19,
        "Tender Gagal": 17,
        "Tender Batal": 10,
    },
    badges={
        "Seleksi Batal": 20,
        "Seleksi Gagal": 19,
        "Tender Gagal": 17,
        "Seleksi Ulang": 15,
        "Tender Ulang": 14,
        "Tender Batal": 10,
        "Dilanjukan dengan Penunjukan Langsung": 1,
    },
    with_contract=396,
)


def share(counts: Mapping[str, int], *keys: str) -> float:
    """The share of `keys` among all counted rows."""
    return sum(counts.get(k, 0) for k in keys) / sum(counts.values())


_R = REAL_TENDER_LISTS
#: Tender fates, as shares of all tender rows: cancelled (Tender/Seleksi Batal), failed (… Gagal).
TENDER_CANCELLED = share(_R.stages, "Tender Batal", "Seleksi Batal")
TENDER_FAILED = share(_R.stages, "Tender Gagal", "Seleksi Gagal")
#: Share of tender rows carrying a "… Ulang" badge (re-tendered).
TENDER_RETENDERED = (_R.badges["Tender Ulang"] + _R.badges["Seleksi Ulang"]) / _R.rows
#: Share of finished tenders whose list row shows a contract value.
CONTRACT_AFTER_AWARD = _R.with_contract / _R.stages["Tender Sudah Selesai"]
#: Jenis pengadaan weights of the tender list, as measured.
TENDER_CATEGORY_WEIGHTS = tuple(sorted(_R.categories.items()))
#: Day-0 tender-list lengths to cycle through when a fake is sized "like the real portals".
TENDER_LIST_LENGTHS = tuple(_R.list_lengths[name] for name in sorted(_R.list_lengths))


def real_sizes(slugs: list[str], tender_share: float) -> dict[str, int]:
    """Day-0 package counts per slug whose tender lists are as long as the real portals' (cycled)."""
    return {
        slug: max(1, round(TENDER_LIST_LENGTHS[i % len(TENDER_LIST_LENGTHS)] / tender_share))
        for i, slug in enumerate(slugs)
    }
