"""What crawler/health.py counts: the outcome of an answer, list rows, a package's key fields."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError

from crawler.health import list_rows, outcome_of_exception, outcome_of_response, package_fields
from crawler.items import PackageItem

PAGES = Path(__file__).resolve().parent.parent / "pages"
URL = "https://spse.inaproc.id/kota-a/lelang/1/pengumumanlelang"


def answer(status: int, body: bytes = b"<html><body><table><tr><th>Kode</th></tr></table></body></html>"):
    return HtmlResponse(URL, status=status, body=body, request=Request(URL))


@pytest.mark.parametrize(
    ("status", "page", "outcome"),
    [
        (200, None, "ok"),
        (403, None, "refused"),
        (429, None, "rate_limited"),
        (500, None, "5xx"),
        (503, None, "5xx"),
        (404, None, "not_found"),
        (200, "synthetic_access_denied.html", "refused"),
        (200, "synthetic_server_error.html", "error_page"),
        (200, "synthetic_terjadi_kesalahan.html", "error_page"),
        (200, "synthetic_not_found.html", "not_found"),
        (200, "synthetic_free_text_mentions_error.html", "ok"),
    ],
)
def test_outcome_of_an_answer(status, page, outcome):
    body = (PAGES / page).read_bytes() if page else None
    response = answer(status, body) if body else answer(status)
    assert outcome_of_response(response) == outcome


def test_outcome_of_a_transport_failure():
    assert outcome_of_exception(TCPTimedOutError()) == "timeout"
    assert outcome_of_exception(DNSLookupError("nowhere.invalid")) == "dns"
    assert outcome_of_exception(ConnectionRefusedError()) == "connection"


def test_list_rows_of_an_object_an_array_and_a_login_page():
    assert list_rows(b'{"draw": 1, "recordsTotal": 2147483647, "data": [[1], [2], [3]]}') == 3
    assert list_rows(b"[[1], [2]]") == 2
    assert list_rows(b"<html><title>Login</title></html>") is None


def test_key_fields_expected_by_stage_and_contract():
    pending = PackageItem(site="s", list="tender", code="1", stage="Upload Dokumen Penawaran")
    assert package_fields(pending) == {
        "location": False,
        "estimate": False,
        "winner": None,
        "contract_value": None,
    }
    awarded = PackageItem(
        site="s",
        list="tender",
        code="2",
        stage="Tender Sudah Selesai",
        locations=["Balikpapan - Balikpapan (Kota)"],
        estimate_value=Decimal("1000"),
        winners=[{"name": "PT A"}],
    )
    assert package_fields(awarded) == {
        "location": True,
        "estimate": True,
        "winner": True,
        "contract_value": None,
    }
    signed = PackageItem(
        site="s",
        list="tender",
        code="3",
        stage="Penandatanganan Kontrak",
        budget_value=Decimal("5"),
        contract_winners=[{"name": "PT A", "contract_value": None}],
    )
    assert package_fields(signed) == {
        "location": False,
        "estimate": True,
        "winner": True,
        "contract_value": False,
    }
    signed.contract_value = Decimal("4")
    assert package_fields(signed)["contract_value"] is True
