"""classify_page on hand-made error pages (no real one is among the samples) and on real normal pages."""

import pytest

from crawler.parsers import classify_page
from crawler.parsers.errors import error_code
from tests.parsers.synthetic import synthetic


def test_server_error():
    assert classify_page(synthetic("synthetic_server_error.html"), 200) == "server_error"


def test_server_error_code():
    assert error_code(synthetic("synthetic_server_error.html")) == "7f3a9c21"


def test_terjadi_kesalahan():
    assert classify_page(synthetic("synthetic_terjadi_kesalahan.html"), 200) == "server_error"


def test_terjadi_kesalahan_code():
    assert error_code(synthetic("synthetic_terjadi_kesalahan.html")) == "E-500"


def test_not_found():
    assert classify_page(synthetic("synthetic_not_found.html"), 200) == "not_found"


def test_access_denied():
    assert classify_page(synthetic("synthetic_access_denied.html"), 403) == "access_denied"


def test_access_denied_text_with_status_200():
    assert classify_page(synthetic("synthetic_access_denied.html"), 200) == "access_denied"


def test_truncated():
    assert classify_page(synthetic("synthetic_truncated.html"), 200) == "truncated"


def test_free_text_mentioning_an_error_is_a_normal_page():
    assert classify_page(synthetic("synthetic_free_text_mentions_error.html"), 200) is None


def test_no_error_code_on_a_normal_page():
    assert error_code(synthetic("synthetic_free_text_mentions_error.html")) is None


@pytest.mark.parametrize(
    "relative",
    [
        "aristhiooo__lpse-52349127/index.html",
        "aristhiooo__lpse-52349127/pemenang.html",
        "razifaisal-design__webscrapperrazi/jadwal_berubah.html",
        "wakataw__pyproc/nonspk_pemenang_bug_10941898000.html",
        "aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Paket.htm",
    ],
)
def test_real_pages_are_normal(fixture_bytes, relative):
    assert classify_page(fixture_bytes(relative), 200) is None


def test_json_list_is_normal(fixture_bytes):
    assert classify_page(fixture_bytes("wakataw__pyproc/dt_darurat_list.json"), 200) is None


def test_real_page_cut_in_half_is_truncated(fixture_bytes):
    body = fixture_bytes("aristhiooo__lpse-52349127/index.html")
    assert classify_page(body[: len(body) // 2], 200) == "truncated"
