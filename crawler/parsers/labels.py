"""Label synonyms of SPSE detail pages across versions (protocol §7.2, §7.5, §7.8).

Labels are compared case-insensitively with whitespace collapsed, so one table serves
SPSE 4.0/4.1 (2015), 4.2/4.3 (2018), self-hosted 4.3+ and spse.inaproc.id (2025–26).
"""

from __future__ import annotations

from domain.text import clean_text


def label_key(text: str) -> str:
    """The comparable form of a label: entities unescaped, whitespace collapsed, lower-case."""
    return clean_text(text).rstrip(":").strip().lower()


def _keys(*labels: str) -> frozenset[str]:
    return frozenset(label_key(label) for label in labels)


CODE = _keys("Kode Tender", "Kode Paket", "Kode Lelang", "Kode Non Tender", "Kode Swakelola")
NAME = _keys("Nama Tender", "Nama Paket", "Nama Lelang", "Nama Non Tender", "Nama Swakelola")
STAGE = _keys(
    "Tahap Tender Saat Ini", "Tahap Paket Saat Ini", "Tahap Lelang Saat Ini", "Tahap Non Tender Saat Ini"
)
AGENCY = _keys("K/L/PD", "K/L/PD/Instansi Lainnya", "Instansi")
WORK_UNIT = _keys("Satuan Kerja")
CATEGORY = _keys("Jenis Pengadaan", "Kategori")
METHOD = _keys("Metode Pengadaan", "Sistem Pengadaan")
FISCAL_YEAR = _keys("Tahun Anggaran", "Pembebanan Tahun Anggaran")
FUNDING_SOURCE = _keys("Sumber Pendanaan", "Sumber Dana")
BUDGET = _keys("Nilai Pagu Paket", "Pagu", "Nilai Pagu")
ESTIMATE = _keys("Nilai HPS Paket", "HPS", "Nilai HPS")
LOCATION = _keys("Lokasi Pekerjaan")
QUALIFICATION = _keys("Kualifikasi Usaha")
CREATED = _keys("Tanggal Pembuatan")
REALISED = _keys("Nilai Total Realisasi")
COMPLETED = _keys("Tanggal Paket Selesai")
PDN = _keys("Nilai PDN")
UMK = _keys("Nilai UMK")

#: Column headers of the winner / contract / provider sub-tables → record keys.
WINNER_COLUMNS = {
    label_key("Nama Pemenang"): "name",
    label_key("Nama Penyedia"): "name",
    label_key("Alamat"): "address",
    label_key("NPWP"): "npwp",
    label_key("Harga Penawaran"): "offer_value",
    label_key("Harga Terkoreksi"): "corrected_value",
    label_key("Hasil Negosiasi"): "negotiated_value",
    label_key("Harga Kontrak"): "contract_value",
    label_key("Nilai Kontrak"): "contract_value",
    label_key("Nilai PDN"): "pdn_value",
    label_key("Nilai UMK"): "umk_value",
}
MONEY_COLUMNS = frozenset(
    {"offer_value", "corrected_value", "negotiated_value", "contract_value", "pdn_value", "umk_value"}
)
