"""The JSON each channel answers for the fake world, in the shapes of the captured responses
(../shared/fixtures/inaproc): a SiRUP `caripaketctr/search` record, a data.inaproc.id realisation
row, and the API Gateway's contract and e-Katalog v6 purchase rows (ISB shapes, §4-5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fake_inaproc.world import CATEGORIES, METHODS, MONTHS, SATKER, Plan, Transaction, World, stable_hash

#: Above this pagu a package is not reserved for small firms (nilai_umk stays null).
UMK_LIMIT = Decimal(15_000_000_000)
MASKED = "NAMA DISAMARKAN"


def satker_id(plan: Plan) -> int:
    """SiRUP idSatker of the plan's satker (stable per government and satker)."""
    return 400_000 + stable_hash(f"{plan.government.code}:{plan.satker}") % 100_000


def sirup_record(plan: Plan, year: int) -> dict[str, Any]:
    """One `caripaketctr/search` record (every key of the captured one)."""
    category_id = next(i for name, i, _ in CATEGORIES if name == plan.category)
    small = plan.pagu <= UMK_LIMIT
    return {
        "idBulan": plan.month,
        "pagu": int(plan.pagu),
        "satuanKerja": SATKER[plan.satker][0].title().replace("Uptd Rsud", "UPTD RSUD"),
        "isPDN": True,
        "idlokasi": 0,
        "idKldi": plan.government.code,
        "metode": plan.method,
        "sumberDana": plan.funding,
        "kldi": plan.government.name,
        "isUMK": small,
        "idsLokasi": str(10_000 + stable_hash(plan.government.lokasi) % 9_000),
        "id_referensi": 700 + plan.satker,
        "lokasi": plan.government.lokasi,
        "jenisPengadaan": plan.category,
        "idSatker": satker_id(plan),
        "pemilihan": f"{MONTHS[plan.month - 1]} {year}",
        "idMetode": METHODS[plan.method][0],
        "id": int(plan.rup_code),
        "idJenisPengadaan": category_id,
        "paket": plan.name,
        "pds": False,
    }


def realisation_row(plan: Plan, t: Transaction, world: World) -> dict[str, Any]:
    """One `realisasi/table` row as it stands on the world's day."""
    awarded = world.day >= t.awarded_day
    name, code = SATKER[plan.satker]
    if t.channel == "ekatalog":
        stage, status, provider, value = (
            "Kontrak",
            "SELESAI" if awarded else "ON PROCESS",
            t.provider.name,
            t.value,
        )
    elif awarded:
        stage, status, provider, value = "Kontrak", "SELESAI", t.provider.name, t.value
    else:
        stage, status, provider, value = "Pemilihan Berlangsung", "BERLANGSUNG", "-1", plan.pagu
    return {
        "kode_paket": t.code,
        "kode_rup": plan.rup_code,
        "nama_paket": plan.name,
        "nama_instansi": plan.government.table_name,
        "nama_satuan_kerja": f"{name} - {code}",
        "tahun_anggaran": world.year,
        "jenis_pengadaan": plan.category,
        "metode_pengadaan": plan.method,
        "sumber_transaksi": METHODS[plan.method][1],
        "tahapan_pengadaan": stage,
        "status_paket": status,
        "nama_penyedia": provider,
        "total_nilai": int(value),
        "nilai_pdn": int(value),
        "nilai_umk": int(value) if plan.pagu <= UMK_LIMIT else None,
        "sumber_dana": plan.funding,
    }


def api_contract(plan: Plan, t: Transaction, world: World) -> dict[str, Any]:
    """A contract row (ISB `SPSE-TenderEkontrak-Kontrak` shape; personal data masked as in our copy)."""
    name, code = SATKER[plan.satker]
    signed = t.signed_on.isoformat() + "T00:00:00.000000Z"
    return {
        "tahun_anggaran": world.year,
        "kd_klpd": plan.government.code,
        "nama_klpd": plan.government.name,
        "jenis_klpd": plan.government.kind,
        "kd_satker": str(satker_id(plan)),
        "kd_satker_str": code,
        "nama_satker": name,
        "kd_lpse": 90 + stable_hash(plan.government.code) % 500,
        "kd_tender": int(t.code),
        "nama_paket": plan.name,
        "no_kontrak": f"602.1/{stable_hash(t.code) % 900 + 1}/KTR/{world.year}",
        "tgl_kontrak": signed,
        "tgl_kontrak_awal": signed,
        "tgl_kontrak_akhir": signed,
        "nama_ppk": MASKED,
        "kd_penyedia": t.provider.id,
        "nama_penyedia": t.provider.name,
        "npwp_penyedia": t.provider.npwp16,
        "npwp_16_penyedia": t.provider.npwp16,
        "wakil_sah_penyedia": MASKED,
        "nilai_kontrak": t.contract_value,
        "nilai_pdn_kontrak": t.contract_value,
        "nilai_umk_kontrak": t.contract_value if plan.pagu <= UMK_LIMIT else None,
        "jenis_kontrak": "Harga Satuan",
        "status_kontrak": "Kontrak Sedang Berjalan",
    }


def api_purchase(plan: Plan, t: Transaction, world: World) -> dict[str, Any]:
    """An e-Katalog v6 purchase row (ISB `Ecat-PaketEPurchasingV6` shape): no provider name, a key."""
    name, code = SATKER[plan.satker]
    return {
        "tahun_anggaran": world.year,
        "jenis_instansi": plan.government.kind,
        "nama_instansi": plan.government.name,
        "nama_satker": name,
        "kd_klpd": plan.government.code,
        "kd_satker_str": code,
        "kd_paket": t.code,
        "kd_rup": plan.rup_code,
        "rup_nama_pkt": plan.name,
        "sumber_dana": plan.funding,
        "kd_penyedia_v6": t.provider.v6_id,
        "kd_penyedia_sikap": t.provider.id,
        "jml_jenis_produk": 1,
        "jml_produk": 1,
        "ongkir": 0,
        "total_harga": t.value,
        "tgl_order": t.signed_on.isoformat(),
        "status_pkt": "COMPLETED" if world.day >= t.awarded_day else "ON_PROCESS",
        "status_pengiriman": "COMPLETED" if world.day >= t.awarded_day else "DRAFT",
    }
