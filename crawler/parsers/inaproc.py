"""Parsers of LKPP's other public channels: SiRUP plans, data.inaproc.id realisation rows, and the
keyed API's contract and e-purchasing rows (shaped like ISB's, ../shared/docs/inaproc-sources.md §2-5).

Pure functions from one decoded JSON record to a plain dict (no Scrapy, no I/O). Money is exact
(`Decimal`, read from the JSON number's digits); a value the source does not give is absent, never
guessed; a record that is not the documented shape raises `ParseError` naming the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from crawler.parsers.errors import ParseError
from crawler.parsers.listing import is_construction
from domain.npwp import normalise_npwp
from domain.text import clean_text

#: `sumber_transaksi` of a realisation row → our channel name.
TRANSACTION_CHANNELS = {"Tender": "tender", "Non Tender": "non_tender", "E-Katalog Versi 6.0": "ekatalog"}
#: `nama_penyedia` of a row whose provider is not known yet (early in the year).
NO_PROVIDER = "-1"
_MONTH_NAMES = "january february march april may june july august september october november december"
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES.split(), start=1)}
_SATKER_CODE = re.compile(r"^(?P<name>.+?)\s+-\s+(?P<code>[0-9][0-9.]*)$")


def load_json(body: bytes | str) -> Any:
    """Decode a JSON body with every fractional number as an exact Decimal."""
    try:
        return json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise ParseError(f"not JSON: {exc}") from None


def _money(row: Mapping[str, Any], key: str) -> Decimal | None:
    """An exact amount from a JSON number (int or Decimal) or a digit string; None when null/absent."""
    value = row.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ParseError(f"{key}: not an amount: {value!r}")
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ParseError(f"{key}: not an amount: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ParseError(f"{key}: not an amount: {value!r}")
    return amount


def _text(row: Mapping[str, Any], key: str) -> str | None:
    """Collapsed text, None for null/empty; numbers as their digits (ids are sent either way)."""
    value = row.get(key)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise ParseError(f"{key}: expected text, got {value!r}")
    return clean_text(value) or None


def _required(row: Mapping[str, Any], key: str) -> str:
    """A text value the record cannot do without (its code)."""
    value = _text(row, key)
    if value is None:
        raise ParseError(f"{key} missing in {sorted(row)[:6]}…")
    return value


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` only when there is a value."""
    if value is not None:
        out[key] = value


def planned_month(text: str | None) -> str | None:
    """SiRUP `pemilihan` ("January 2026") → "2026-01"; None when absent; ParseError when unreadable."""
    if not text:
        return None
    parts = text.split()
    if len(parts) != 2 or parts[0].lower() not in _MONTHS or not parts[1].isdigit():
        raise ParseError(f"pemilihan: not a month: {text!r}")
    return f"{int(parts[1]):04d}-{_MONTHS[parts[0].lower()]:02d}"


def sirup_location_query(lokasi: str) -> str:
    """SiRUP writes `Province, Kab/Kota (Kota)`; domain.regions reads `Kab/Kota (Kota) - Province`."""
    province, sep, place = lokasi.partition(", ")
    return f"{place} - {province}" if sep and place else lokasi


def parse_sirup_plan(row: Mapping[str, Any]) -> dict[str, Any]:
    """One record of `caripaketctr/search` → a plan: RUP code, name, pagu, category, method, month, …"""
    if not isinstance(row, Mapping):
        raise ParseError(f"SiRUP record is not an object: {row!r}")
    plan: dict[str, Any] = {"rup_code": _required(row, "id"), "name": _required(row, "paket")}
    _put(plan, "budget_value", _money(row, "pagu"))
    _put(plan, "category", _text(row, "jenisPengadaan"))
    _put(plan, "category_id", _text(row, "idJenisPengadaan"))
    _put(plan, "method", _text(row, "metode"))
    _put(plan, "method_id", _text(row, "idMetode"))
    _put(plan, "funding_source", _text(row, "sumberDana"))
    _put(plan, "agency", _text(row, "kldi"))
    _put(plan, "agency_code", _text(row, "idKldi"))
    _put(plan, "work_unit", _text(row, "satuanKerja"))
    _put(plan, "work_unit_id", _text(row, "idSatker"))
    _put(plan, "location", _text(row, "lokasi"))
    ids = _text(row, "idsLokasi")
    if ids:
        plan["location_ids"] = [i.strip() for i in ids.split(",") if i.strip()]
    _put(plan, "planned_month", planned_month(_text(row, "pemilihan")))
    for key, name in (("isPDN", "domestic"), ("isUMK", "small_business")):
        if isinstance(row.get(key), bool):
            plan[name] = row[key]
    return plan


def parse_sirup_page(body: bytes | str) -> tuple[int, list[dict[str, Any]]]:
    """A `caripaketctr/search` response → (recordsFiltered, plans)."""
    data = load_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ParseError("SiRUP answer without a data list")
    total = data.get("recordsFiltered")
    if not isinstance(total, int):
        raise ParseError(f"SiRUP recordsFiltered: {total!r}")
    return total, [parse_sirup_plan(r) for r in data["data"]]


def split_satker(text: str | None) -> tuple[str | None, str | None]:
    """`"DINAS PERUMAHAN DAN PERMUKIMAN - 1.04.1.03.0.00.01.0000"` → (name, code)."""
    if not text:
        return None, None
    m = _SATKER_CODE.match(text)
    return (m["name"], m["code"]) if m else (text, None)


def rup_codes(value: Any) -> list[str]:
    """`kode_rup`: one code or several joined by `;` → list of codes (empty when absent)."""
    if value is None or value == "":
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    if not isinstance(value, str):
        raise ParseError(f"kode_rup: {value!r}")
    return [c.strip() for c in value.split(";") if c.strip()]


def parse_realisation_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One row of `dashboard-api/realisasi/table` → transaction dict (channel, provider, value, …)."""
    if not isinstance(row, Mapping):
        raise ParseError(f"realisation row is not an object: {row!r}")
    label = _required(row, "sumber_transaksi")
    if label not in TRANSACTION_CHANNELS:
        raise ParseError(f"sumber_transaksi: unknown channel {label!r}")
    out: dict[str, Any] = {"code": _required(row, "kode_paket"), "channel": TRANSACTION_CHANNELS[label]}
    out["rup_codes"] = rup_codes(row.get("kode_rup"))
    out["name"] = _required(row, "nama_paket")
    _put(out, "agency", _text(row, "nama_instansi"))
    work_unit, work_unit_code = split_satker(_text(row, "nama_satuan_kerja"))
    _put(out, "work_unit", work_unit)
    _put(out, "work_unit_code", work_unit_code)
    year = row.get("tahun_anggaran")
    if isinstance(year, int) and not isinstance(year, bool):
        out["fiscal_year"] = year
    _put(out, "category", _text(row, "jenis_pengadaan"))
    _put(out, "method", _text(row, "metode_pengadaan"))
    _put(out, "stage", _text(row, "tahapan_pengadaan"))
    _put(out, "status", _text(row, "status_paket"))
    provider = _text(row, "nama_penyedia")
    if provider and provider != NO_PROVIDER:
        out["provider_name"] = provider
    _put(out, "value", _money(row, "total_nilai"))
    _put(out, "pdn_value", _money(row, "nilai_pdn"))
    _put(out, "umk_value", _money(row, "nilai_umk"))
    _put(out, "funding_source", _text(row, "sumber_dana"))
    return out


def parse_realisation_page(body: bytes | str) -> list[dict[str, Any]]:
    """A `realisasi/table` answer (`{"tableRows": [...]}`) or a saved list of rows → transactions."""
    data = load_json(body)
    rows = data.get("tableRows") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ParseError("realisation answer without tableRows")
    return [parse_realisation_row(r) for r in rows]


def transaction_is_construction(transaction: Mapping[str, Any]) -> bool:
    """A transaction whose jenis pengadaan is construction works or construction consultancy."""
    return is_construction(transaction.get("category") or "")


def _iso_date(row: Mapping[str, Any], key: str) -> dt.date | None:
    """`2025-04-30T00:00:00.000000Z` or `2025-08-27` → the date as written (LKPP stores dates at 00:00)."""
    text = _text(row, key)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ParseError(f"{key}: not a date: {text!r}") from None


def parse_api_contract(row: Mapping[str, Any]) -> dict[str, Any]:
    """A contract row (ISB `SPSE-TenderEkontrak-Kontrak` shape) → contract dict with NPWP-16 and value."""
    if not isinstance(row, Mapping):
        raise ParseError(f"contract row is not an object: {row!r}")
    out: dict[str, Any] = {"tender_code": _required(row, "kd_tender")}
    _put(out, "lpse_id", _text(row, "kd_lpse"))
    year = row.get("tahun_anggaran")
    if isinstance(year, int) and not isinstance(year, bool):
        out["fiscal_year"] = year
    _put(out, "agency_code", _text(row, "kd_klpd"))
    _put(out, "agency", _text(row, "nama_klpd"))
    _put(out, "work_unit_code", _text(row, "kd_satker_str"))
    _put(out, "work_unit", _text(row, "nama_satker"))
    _put(out, "name", _text(row, "nama_paket"))
    _put(out, "contract_no", _text(row, "no_kontrak"))
    _put(out, "signed_on", _iso_date(row, "tgl_kontrak"))
    _put(out, "starts_on", _iso_date(row, "tgl_kontrak_awal"))
    _put(out, "ends_on", _iso_date(row, "tgl_kontrak_akhir"))
    _put(out, "city", _text(row, "kota_kontrak"))
    _put(out, "provider_id", _text(row, "kd_penyedia"))
    _put(out, "provider_name", _text(row, "nama_penyedia"))
    npwp = _text(row, "npwp_16_penyedia") or _text(row, "npwp_penyedia")
    if npwp:
        try:
            out["npwp"] = normalise_npwp(npwp)
        except ValueError as exc:
            raise ParseError(f"npwp_16_penyedia: {exc}") from None
    _put(out, "contract_value", _money(row, "nilai_kontrak"))
    _put(out, "pdn_value", _money(row, "nilai_pdn_kontrak"))
    _put(out, "umk_value", _money(row, "nilai_umk_kontrak"))
    _put(out, "contract_type", _text(row, "jenis_kontrak"))
    _put(out, "status", _text(row, "status_kontrak"))
    return out


def parse_api_purchase(row: Mapping[str, Any]) -> dict[str, Any]:
    """An e-Katalog v6 purchase row (ISB `Ecat-PaketEPurchasingV6` shape) → purchase dict."""
    if not isinstance(row, Mapping):
        raise ParseError(f"purchase row is not an object: {row!r}")
    out: dict[str, Any] = {"code": _required(row, "kd_paket")}
    out["rup_codes"] = rup_codes(row.get("kd_rup"))
    _put(out, "name", _text(row, "rup_nama_pkt"))
    year = row.get("tahun_anggaran")
    if isinstance(year, int) and not isinstance(year, bool):
        out["fiscal_year"] = year
    _put(out, "agency_code", _text(row, "kd_klpd"))
    _put(out, "agency", _text(row, "nama_instansi"))
    _put(out, "agency_type", _text(row, "jenis_instansi"))
    _put(out, "work_unit", _text(row, "nama_satker"))
    _put(out, "work_unit_code", _text(row, "kd_satker_str"))
    provider = _text(row, "kd_penyedia_sikap")
    if provider and provider != "0":  # 0: no SIKaP provider id on this purchase
        out["provider_id"] = provider
    _put(out, "provider_v6_id", _text(row, "kd_penyedia_v6"))
    _put(out, "value", _money(row, "total_harga"))
    _put(out, "shipping", _money(row, "ongkir"))
    for key, name in (("jml_produk", "quantity"), ("jml_jenis_produk", "products")):
        if isinstance(row.get(key), int):
            out[name] = row[key]
    _put(out, "ordered_on", _iso_date(row, "tgl_order"))
    _put(out, "status", _text(row, "status_pkt"))
    _put(out, "delivery_status", _text(row, "status_pengiriman"))
    _put(out, "funding_source", _text(row, "sumber_dana"))
    return out


def parse_api_page(body: bytes | str) -> tuple[list[Any], str | None]:
    """An API Gateway answer `{success, data, meta: {limit, has_more, cursor}}` → (rows, next cursor)."""
    data = load_json(body)
    ok = isinstance(data, dict) and data.get("success") is True and isinstance(data.get("data"), list)
    if not ok:
        raise ParseError("API answer is not a successful {success, data, meta} envelope")
    meta = data.get("meta") or {}
    cursor = meta.get("cursor") if meta.get("has_more") else None
    return data["data"], (str(cursor) if cursor else None)
