"""Real captured responses of LKPP's other channels (../shared/fixtures/inaproc, see its SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import shared_file


def inaproc_file(name: str) -> Path:
    """Path of a captured response; skip (fail under CI=true) without ../shared."""
    return shared_file(f"../inaproc/{name}")


REALISATION = "realisasi_2026_full.json"
SIRUP_RECORD = "sirup_caripaketctr_search_record_fragment.json"
ISB_PURCHASES = "isb_Ecat-PaketEPurchasingV6_D107_2025_first6.json"
ISB_CONTRACTS = "isb_SPSE-TenderEkontrak-Kontrak_D107_2025_records3-4.json"
