"""An independent client (pyproc 0.3.3) works against the fake and reads the values of the truth.

pyproc hard-codes `https://spse.inaproc.id/<slug>` in `Lpse.url`; only that base URL attribute
is pointed at the fake. Everything else (token from cookie, DataTables POST, parsers) is pyproc's.
"""

from __future__ import annotations

import pytest

pyproc = pytest.importorskip("pyproc")
from pyproc.lpse import By  # noqa: E402

from domain.npwp import normalise_npwp  # noqa: E402
from fake_spse import FakeSpse  # noqa: E402
from fake_spse.access import Access  # noqa: E402

SLUG = "pontianak"


@pytest.fixture(scope="module")
def fake():
    # pyproc sends `Referer: <base>` to every detail page (pyproc/lpse.py), which the real host's
    # 2026 Referer rule refuses (protocol §10.1): relaxed here, where pyproc's parsers are the point.
    # Its browser User-Agent passes the Mozilla rule, which stays on.
    with FakeSpse(slugs=[SLUG], packages=80, seed=5, year=2026, access=Access(referer_rules=False)) as server:
        yield server


@pytest.fixture
def lpse(fake):
    client = pyproc.Lpse(SLUG)
    client.url = fake.base_url(SLUG)  # the only patch: pyproc hard-codes spse.inaproc.id
    return client


def _truth(fake, kind):
    return {r["code"]: r for r in fake.truth() if r["list"] == kind}


def test_pyproc_lists_every_tender_of_the_year(fake, lpse):
    rows = lpse.get_paket_tender(
        start=0, length=500, tahun=2026, order=By.KODE, ascending=True, data_only=True
    )
    assert sorted(row[0] for row in rows) == sorted(_truth(fake, "tender"))


def test_pyproc_lists_non_tenders(fake, lpse):
    rows = lpse.get_paket_non_tender(start=0, length=500, tahun=2026, data_only=True)
    assert sorted(row[0] for row in rows) == sorted(_truth(fake, "non_tender"))


def test_pyproc_reads_an_announcement(fake, lpse):
    record = next(r for r in _truth(fake, "tender").values() if r["winners"])
    pengumuman = lpse.detil_paket_tender(record["code"]).get_pengumuman()
    assert pengumuman["kode_tender"] == record["code"]
    assert pengumuman["nama_tender"] == record["name"]
    assert pengumuman["k/l/pd/instansi_lainnya"] == record["agency"]
    assert pengumuman["satuan_kerja"] == record["work_unit"]
    assert pengumuman["jenis_pengadaan"] == record["category"]
    assert pengumuman["metode_pengadaan"] == record["method"]
    assert pengumuman["tahap_tender_saat_ini"] == record["stage"]
    assert pengumuman["nilai_pagu_paket"] == float(record["budget_value"])
    assert pengumuman["nilai_hps_paket"] == float(record["estimate_value"])
    assert pengumuman["lokasi_pekerjaan"] == record["locations"]
    assert pengumuman["kualifikasi_usaha"] == record["qualification"]


def test_pyproc_reads_a_winner(fake, lpse):
    record = next(r for r in _truth(fake, "tender").values() if r["winners"])
    [winner] = lpse.detil_paket_tender(record["code"]).get_pemenang()
    expected = record["winners"][0]
    assert winner["nama_pemenang"] == expected["name"]
    assert winner["alamat"] == expected["address"]
    assert normalise_npwp(winner["npwp"]) == expected["npwp"]
    assert winner["harga_penawaran"] == float(expected["offer_value"])
    assert winner["harga_terkoreksi"] == float(expected["corrected_value"])


def test_pyproc_reads_a_non_tender_winner_with_negotiation(fake, lpse):
    record = next(r for r in _truth(fake, "non_tender").values() if r["winners"])
    [winner] = lpse.detil_paket_non_tender(record["code"]).get_pemenang()
    assert winner["nama_pemenang"] == record["winners"][0]["name"]
    assert winner["hasil_negosiasi"] == float(record["winners"][0]["negotiated_value"])


def test_pyproc_reads_a_darurat_announcement(fake, lpse):
    record = next(iter(_truth(fake, "darurat").values()))
    pengumuman = lpse.detil_paket_pengadaan_darurat(record["code"]).get_pengumuman()
    assert pengumuman["nama_paket"] == record["name"]
    assert pengumuman["nilai_pagu_paket"] == float(record["budget_value"])
