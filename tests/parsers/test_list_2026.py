"""Real `/dt/lelang` answers of 2026 (lists-2026/, bare arrays of 16-cell rows): every row of every file.

Two kinds of truth, both independent of the parser:
- SAMPLE: rows read by hand off the JSON (badges, entities, `1.000 Jt`, multi-year, 3-digit M,
  no contract yet), one assertion per field;
- `_reference`: every row of every file re-derived from its cells with a few strict regexes
  written for exactly the forms these files hold (a cell outside them fails the test, so a form
  the regexes do not know cannot slip through as "agreed").
"""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from typing import Any

import pytest

from crawler.parsers import is_construction, parse_page
from lpse_leads.cli import main
from tests.conftest import shared_file

#: file → rows, construction rows (counted with grep on the files for `"<construction jenis> - TA`).
FILES = {
    "acehprov_2025.json": (87, 82),
    "baliprov_2025.json": (94, 82),
    "gorontaloprov_2025.json": (12, 10),
    "jogjaprov_2025.json": (79, 61),
    "kepriprov_2025.json": (74, 73),
    "nttprov_2025.json": (34, 27),
    "papuabaratprov_2025.json": (54, 52),
    "sulbarprov_2025.json": (20, 17),
    "sultengprov_2025.json": (56, 51),
    "sulutprov_2025.json": (13, 12),
}

NO_CONTRACT = None
SEL = "Seleksi - Prakualifikasi Dua File - Kualitas dan Biaya"
TND = "Tender - Pascakualifikasi Satu File - Harga Terendah Sistem Gugur"
KBU = "Jasa Konsultansi Badan Usaha Konstruksi"

#: (file, code) → every field, read by hand off the raw row.
SAMPLE: dict[tuple[str, str], dict[str, Any]] = {
    ("acehprov_2025.json", "10054968000"): {
        "name": "Penyusunan Master Plan SPALD Aceh Wilayah Barat",
        "flags": ["Seleksi Batal"],
        "agency": "Aceh",
        "stage": "Seleksi Batal",
        "estimate_value": Decimal(1_000_000_000),  # "1.000 Jt"
        "category": "Jasa Konsultansi Badan Usaha Non Konstruksi",
        "fiscal_years": [2025],
        "method": SEL,
        "contract_value": NO_CONTRACT,
    },
    ("acehprov_2025.json", "10037791000"): {
        "name": "Pembangunan Gedung Olahraga (GOR) PBSI Aceh",
        "flags": ["Tender Ulang"],
        "agency": "Aceh",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(9_700_000_000),  # "9,7 M"
        "category": "Pekerjaan Konstruksi",
        "fiscal_years": [2025],
        "method": TND,
        "contract_value": Decimal("9494378000.00"),
    },
    ("baliprov_2025.json", "10095672000"): {
        "name": "Belanja Modal Bangunan Fasilitas Umum Spesifikasi: Pengadaan Gondola (Kereta Gantung) "
        "Tower Turyapada",
        "flags": [],
        "agency": "Provinsi Bali",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(135_500_000_000),  # "135,5 M"
        "category": "Pekerjaan Konstruksi Terintegrasi",
        "fiscal_years": [2025, 2026],
        "method": "Tender - Prakualifikasi Dua File - Sistem Nilai",
        "contract_value": Decimal("132294240000.00"),
    },
    ("baliprov_2025.json", "10014721000"): {
        "name": "Pengawasan Teknik Rehabilitasi Trotoar Jalan pada Ruas Jalan Provinsi BTS. KOTA DENPASAR "
        "\u2013 SP. PETANG",  # &ndash;
        "flags": [],
        "agency": "Provinsi Bali",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(119_900_000),  # "119,9 Jt"
        "category": KBU,
        "fiscal_years": [2025],
        "method": SEL,
        "contract_value": Decimal("102185268.00"),
    },
    ("baliprov_2025.json", "10067548000"): {
        "name": "Belanja Jasa yang Diberikan kepada Pihak Ketiga/Pihak Lain, Spesifikasi Manajemen "
        "Pengawasan Layanan Trans Metro Dewata",
        "flags": ["Seleksi Ulang", "Dilanjukan dengan Penunjukan Langsung"],  # badge-info too
        "agency": "Provinsi Bali",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(1_300_000_000),
        "category": "Jasa Konsultansi Badan Usaha Non Konstruksi",
        "fiscal_years": [2025],
        "method": SEL,
        "contract_value": NO_CONTRACT,
    },
    ("gorontaloprov_2025.json", "10040228000"): {
        "name": "Belanja Makanan dan Minuman Aktivitas Lapangan",
        "flags": ["Tender Ulang", "Tender Gagal"],
        "agency": "Provinsi Gorontalo",
        "stage": "Tender Gagal",
        "estimate_value": Decimal(263_200_000),
        "category": "Jasa Lainnya",
        "fiscal_years": [2025],
        "method": TND,
        "contract_value": NO_CONTRACT,
    },
    ("gorontaloprov_2025.json", "10009410000"): {
        "name": "Belanja Jasa Pengawasan Pembangunan terminal Tipe B Tahap II",
        "flags": [],
        "agency": "Provinsi Gorontalo",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(150_000_000),  # "150 Jt"
        "category": KBU,
        "fiscal_years": [2025],
        "method": SEL,
        "contract_value": Decimal("145427982.00"),
    },
    ("jogjaprov_2025.json", "20008013"): {  # an old 8-digit kode
        "name": "Konstruksi Bangunan Gedung DPRD DIY",
        "flags": [],
        "agency": "Provinsi DI Yogyakarta",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(336_100_000_000),  # "336,1 M"
        "category": "Pekerjaan Konstruksi",
        "fiscal_years": [2024, 2025, 2026],
        "method": TND,
        "contract_value": Decimal("293786385000.00"),
    },
    ("jogjaprov_2025.json", "10065593000"): {
        "name": "Penyusunan DED Gedung BK3S DIY PSPKKM&SDS (DISSOS)",  # &amp;
        "flags": [],
        "agency": "Provinsi DI Yogyakarta",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(462_400_000),
        "category": KBU,
        "fiscal_years": [2025],
        "method": SEL,
        "contract_value": Decimal("416139000.00"),
    },
    ("kepriprov_2025.json", "10035079000"): {
        "name": "DED Pembangunan Flyover Simpang Kota Piring",
        "flags": ["Seleksi Ulang"],
        "agency": "Provinsi Kepulauan Riau",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(1_000_000_000),  # "1.000 Jt"; contract below it
        "category": KBU,
        "fiscal_years": [2025],
        "method": SEL,
        "contract_value": Decimal("948956800.00"),
    },
    ("kepriprov_2025.json", "10003602000"): {
        "name": "Peningkatan/Rekonstruksi Jalan Tuapaya \u2013 Tembeling, Kab. Bintan "
        "(DAK - Tematik : 03.02)",
        "flags": ["Tender Batal"],
        "agency": "Provinsi Kepulauan Riau",
        "stage": "Tender Batal",
        "estimate_value": Decimal(23_100_000_000),
        "category": "Pekerjaan Konstruksi",
        "fiscal_years": [2025],
        "method": TND,
        "contract_value": NO_CONTRACT,
    },
    ("nttprov_2025.json", "10092849000"): {
        "name": "Belanja Jasa Konstruksi Rehabilitasi Terminal Tipe B Mena",
        "flags": ["Tender Ulang"],
        "agency": "Provinsi Nusa Tenggara Timur",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(1_800_000_000),
        "category": "Pekerjaan Konstruksi",
        "fiscal_years": [2025],
        "method": TND,
        "contract_value": Decimal("1745100878.31"),  # with sen
    },
    ("papuabaratprov_2025.json", "10080405000"): {
        "name": "Pembangunan Pagar Perimeter Sisi Udara Bandar Udara Siboru (1800M)",
        "flags": ["Tender Ulang"],
        "agency": "Provinsi Papua Barat",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(4_700_000_000),
        "category": "Pekerjaan Konstruksi",
        "fiscal_years": [2025],
        "method": TND,
        "contract_value": Decimal("4464167372.88"),
    },
    ("sulbarprov_2025.json", "10003783000"): {
        "name": "Konsultan Pengawas Kegiatan Penanganan Long Segment (Pemeliharaan berkala, "
        "peningkatan/rekonstruksi) Jalan Bts. Tapalang Barat - Bts. Tapalang (Desa Tampalang) "
        "Sumber Dana : DAK Fisik-Bidang Jalan-Penugasan-Jalan",
        "flags": ["Seleksi Batal"],
        "agency": "Provinsi Sulawesi Barat",
        "stage": "Seleksi Batal",
        "estimate_value": Decimal(300_000_000),
        "category": KBU,
        "fiscal_years": [2025],
        "method": SEL,
        "contract_value": NO_CONTRACT,
    },
    ("sultengprov_2025.json", "10070674000"): {
        "name": "Penyusunan Dokumen Lingkungan Gedung Kantor Gubernur Provinsi Sulawesi Tengah",
        "flags": ["Seleksi Ulang"],
        "agency": "Provinsi Sulawesi Tengah",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(399_800_000),
        "category": KBU,
        "fiscal_years": [2025],
        "method": "Seleksi - Prakualifikasi Dua File - Pagu Anggaran",
        "contract_value": Decimal("388749306.00"),
    },
    ("sulutprov_2025.json", "10080681000"): {
        "name": "Belanja Modal Bangunan Gedung Kantor-Revitalisasi Sarana dan Prasarana Museum Negeri "
        "Provinsi Sulawesi Utara",
        "flags": [],
        "agency": "Provinsi Sulawesi Utara",
        "stage": "Tender Sudah Selesai",
        "estimate_value": Decimal(14_400_000_000),
        "category": "Pekerjaan Konstruksi",
        "fiscal_years": [2025],
        "method": TND,
        "contract_value": Decimal("14294523117.56"),
    },
}

_PARSED: dict[str, dict[str, Any]] = {}


def parsed(name: str) -> dict[str, Any]:
    """The parser's result for one file (once per session)."""
    if name not in _PARSED:
        _PARSED[name] = parse_page("list", shared_file(f"lists-2026/{name}").read_bytes())
    return _PARSED[name]


def raw_rows(name: str) -> list[list[Any]]:
    return json.loads(shared_file(f"lists-2026/{name}").read_bytes())


@pytest.mark.parametrize(
    ("name", "code", "field"), [(n, c, f) for (n, c), fields in SAMPLE.items() for f in fields]
)
def test_sample_field(name: str, code: str, field: str) -> None:
    (row,) = [r for r in parsed(name)["rows"] if r["code"] == code]
    assert row.get(field) == SAMPLE[(name, code)][field]


@pytest.mark.parametrize(("name", "code"), list(SAMPLE))
def test_sample_estimate_is_marked_approximate(name: str, code: str) -> None:
    (row,) = [r for r in parsed(name)["rows"] if r["code"] == code]
    assert row["approximate"] == ["estimate_value"]


def test_every_file_has_a_sample() -> None:
    assert {name for name, _ in SAMPLE} == set(FILES)


# --- every row: an independent reading with regexes for exactly the forms in these files ----------

_BADGE = re.compile(r"\s*<span class='badge[ a-z-]*'>([^<>]+)</span>")
_SHORT = re.compile(r"(\d{1,3}(?:\.\d{3})*)(?:,(\d))? (Jt|M)")
_CONTRACT = re.compile(r"Rp\. (\d{1,3}(?:\.\d{3})*),(\d\d)")
_JENIS = re.compile(r"(.+) - TA (\d{4}(?:,\d{4})*)")


def _short(label: str) -> Decimal:
    m = _SHORT.fullmatch(label)
    assert m, f"a label form this test does not know: {label!r}"
    unit = 10**6 if m[3] == "Jt" else 10**9
    return Decimal(int(m[1].replace(".", "")) * unit + int(m[2] or 0) * unit // 10)


def _reference(cells: list[Any]) -> dict[str, Any]:
    """The row as it must come out, from its cells alone."""
    assert len(cells) == 16 and all(c is None or isinstance(c, str) for c in cells)
    name = " ".join(html.unescape(_BADGE.sub("", cells[1])).split())
    assert "<" not in name, f"markup this test does not know in {cells[1]!r}"
    jenis = _JENIS.fullmatch(cells[8])
    assert jenis, cells[8]
    row: dict[str, Any] = {
        "code": cells[0],
        "name": name,
        "flags": _BADGE.findall(cells[1]),
        "agency": cells[2],
        "stage": cells[3],
        "estimate_value": _short(cells[4]),
        "approximate": ["estimate_value"],
        "category": jenis[1],
        "fiscal_years": [int(y) for y in jenis[2].split(",")],
        "method": f"{cells[6]} - {cells[5]} - {cells[7]}",
    }
    if cells[10] != "Nilai Kontrak belum dibuat":
        m = _CONTRACT.fullmatch(cells[10])
        assert m, cells[10]
        row["contract_value"] = Decimal(f"{m[1].replace('.', '')}.{m[2]}")
    return row


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_row_equals_its_independent_reading(name: str) -> None:
    cells = raw_rows(name)
    rows = parsed(name)["rows"]
    assert len(rows) == len(cells) == FILES[name][0]
    for got, raw in zip(rows, cells, strict=True):
        assert got == _reference(raw), raw[0]


@pytest.mark.parametrize("name", sorted(FILES))
def test_nothing_unread_or_dropped(name: str) -> None:
    page = parsed(name)
    assert (page["unread"], page["dropped"]) == ([], [])


@pytest.mark.parametrize("name", sorted(FILES))
def test_construction_rows(name: str) -> None:
    assert sum(is_construction(r["category"]) for r in parsed(name)["rows"]) == FILES[name][1]


@pytest.mark.parametrize("name", sorted(FILES))
def test_codes_are_unique(name: str) -> None:
    codes = [r["code"] for r in parsed(name)["rows"]]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("name", sorted(FILES))
def test_cli_parses_the_file(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "list", str(shared_file(f"lists-2026/{name}"))]) == 0
    out = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert [r["code"] for r in out["rows"]] == [r[0] for r in raw_rows(name)]
    assert out["rows"][0]["estimate_value"] == _short(raw_rows(name)[0][4])
