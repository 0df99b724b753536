"""split_location: SPSE/ISB location strings taken apart per bpjs-jakon-rules.md §6.3 step 1."""

from __future__ import annotations

from domain.locations import LocationParts, split_location


def test_spse_form() -> None:
    assert split_location("Waduk Marunda - Jakarta Utara (Kota)") == LocationParts(
        raw="Waduk Marunda - Jakarta Utara (Kota)",
        detail="Waduk Marunda",
        kabkota_name="Jakarta Utara",
        kabkota_type="Kota",
        province=None,
    )


def test_isb_form_with_province() -> None:
    parts = split_location("Kecamatan Baleendah - Bandung (Kab.) - Jawa Barat")
    assert parts.detail == "Kecamatan Baleendah"
    assert parts.kabkota_name == "Bandung"
    assert parts.kabkota_type == "Kabupaten"
    assert parts.province == "Jawa Barat"


def test_detail_repeating_the_name() -> None:
    parts = split_location("Jl. Dr. Sumeru No. 114 Bogor - Bogor (Kota)")
    assert (parts.detail, parts.kabkota_name, parts.kabkota_type) == (
        "Jl. Dr. Sumeru No. 114 Bogor",
        "Bogor",
        "Kota",
    )


def test_unspaced_hyphens_do_not_split() -> None:
    assert split_location("Toli-Toli (Kab.)").kabkota_name == "Toli-Toli"
    assert split_location("Desa A - Tojo Una-Una (Kab.)").kabkota_name == "Tojo Una-Una"
    parts = split_location("Jl. Betoambari - Bau-Bau (Kota) - Sulawesi Tenggara")
    assert (parts.detail, parts.kabkota_name, parts.province) == (
        "Jl. Betoambari",
        "Bau-Bau",
        "Sulawesi Tenggara",
    )


def test_last_suffixed_part_wins_and_case_is_ignored() -> None:
    parts = split_location("Kantor Bandung (Kota) - KUTAI KERTANEGARA (KAB) - Kalimantan Timur")
    assert parts.detail == "Kantor Bandung (Kota)"
    assert (parts.kabkota_name, parts.kabkota_type) == ("KUTAI KERTANEGARA", "Kabupaten")


def test_inner_parenthesis_kept_in_name() -> None:
    parts = split_location("Bulungan (Bulongan) (Kab.)")
    assert (parts.kabkota_name, parts.kabkota_type) == ("Bulungan (Bulongan)", "Kabupaten")
    assert parts.detail is None


def test_no_suffix_is_all_detail() -> None:
    assert split_location("  Jakarta  -  DKI Jakarta ") == LocationParts(
        raw="  Jakarta  -  DKI Jakarta ",
        detail="Jakarta - DKI Jakarta",
        kabkota_name=None,
        kabkota_type=None,
        province=None,
    )
    assert split_location("").detail is None
