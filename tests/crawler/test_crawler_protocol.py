"""crawler.protocol: site URL forms, list/detail URLs, the DataTables body, the token."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from crawler import protocol
from crawler.protocol import LIST_KINDS, SiteUrlError

TENDER = LIST_KINDS["tender"]
NON_TENDER = LIST_KINDS["non_tender"]
DARURAT = LIST_KINDS["darurat"]
TOKEN = "3f2a9c0d5b6e7f8091a2b3c4d5e6f708192a3b4c"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://spse.inaproc.id/kemkes", "https://spse.inaproc.id/kemkes"),
        ("https://spse.inaproc.id/kemkes/", "https://spse.inaproc.id/kemkes"),
        ("  HTTPS://SPSE.inaproc.id/kemkes//  ", "https://spse.inaproc.id/kemkes"),
        ("https://lpse.lampungprov.go.id/eproc4/", "https://lpse.lampungprov.go.id/eproc4"),
        ("http://127.0.0.1:8081/kota-a", "http://127.0.0.1:8081/kota-a"),
    ],
)
def test_normalise_site_accepts_both_forms(given: str, expected: str) -> None:
    assert protocol.normalise_site(given) == expected


@pytest.mark.parametrize(
    "bad",
    ["ftp://spse.inaproc.id/kemkes", "spse.inaproc.id/kemkes", "", "https:///kemkes", "https://x/a?tahun=1"],
)
def test_normalise_site_rejects_non_http_urls(bad: str) -> None:
    with pytest.raises(SiteUrlError):
        protocol.normalise_site(bad)


def test_parse_sites_splits_commas_and_drops_repeats() -> None:
    sites = protocol.parse_sites(["http://h/a,http://h/b/", "http://h/a"])
    assert sites == ["http://h/a", "http://h/b"]


def test_parse_sites_needs_one_site() -> None:
    with pytest.raises(SiteUrlError):
        protocol.parse_sites(" , ")


@pytest.mark.parametrize("bad", ["20x6", "1999", "3000", ""])
def test_check_year_rejects_bad_years(bad: str) -> None:
    with pytest.raises(ValueError):
        protocol.check_year(bad)


def test_check_year_reads_text() -> None:
    assert protocol.check_year(" 2026 ") == 2026


def test_tender_list_urls_on_the_national_host() -> None:
    site = "https://spse.inaproc.id/kemkes"
    assert protocol.listing_url(site, TENDER, 2025) == (
        "https://spse.inaproc.id/kemkes/lelang?kategoriId=&tahun=2025&instansiId=&rekanan="
        "&kontrak_status=&kontrak_tipe="
    )
    assert protocol.endpoint_url(site, TENDER, 2025) == (
        "https://spse.inaproc.id/kemkes/dt/lelang?rekanan=&tahun=2025&instansiId="
    )


def test_non_tender_and_darurat_endpoints_on_a_legacy_host() -> None:
    site = "https://lpse.bandungkab.go.id/eproc4"
    assert protocol.endpoint_url(site, NON_TENDER, 2026) == f"{site}/dt/pl?rekanan=&tahun=2026&instansiId="
    assert protocol.listing_url(site, DARURAT, 2026) == f"{site}/darurat?tahun=2026"
    assert protocol.endpoint_url(site, DARURAT, 2026) == f"{site}/dt/darurat-list?tahun=2026"


def test_detail_urls_per_list_kind() -> None:
    site = "http://127.0.0.1:9/kota-a"
    assert (
        protocol.announcement_url(site, TENDER, "10102453000")
        == f"{site}/lelang/10102453000/pengumumanlelang"
    )
    assert (
        protocol.announcement_url(site, NON_TENDER, "11002302000")
        == f"{site}/nontender/11002302000/pengumumanpl"
    )
    assert protocol.announcement_url(site, DARURAT, "106802") == f"{site}/darurat/pengumumandarurat?id=106802"
    assert protocol.schedule_url(site, TENDER, "1") == f"{site}/lelang/1/jadwal"
    assert protocol.schedule_url(site, NON_TENDER, "1") == f"{site}/nontender/1/jadwal"
    assert protocol.schedule_url(site, DARURAT, "1") is None


@pytest.mark.parametrize(
    ("kind", "href", "expected"),
    [
        (TENDER, "/kemkes/evaluasi/10102453000/pemenang", "pemenang"),
        (
            TENDER,
            "https://spse.inaproc.id/kemkes/evaluasi/10102453000/pemenangberkontrak",
            "pemenangberkontrak",
        ),
        (TENDER, "/eproc4/evaluasi/52349127/pemenang", "pemenang"),
        (TENDER, "/kemkes/lelang/10102453000/peserta", None),
        (TENDER, "/kemkes/evaluasi/10102453000/hasil", None),
        (TENDER, "/kemkes/lelang/10102453000/pengumumanlelang", None),
        (NON_TENDER, "/pontianak/evaluasinontender/10748199000/pemenang", "pemenang"),
        (NON_TENDER, "/pontianak/evaluasi/10748199000/pemenang", None),
        (DARURAT, "/nasional/darurat/pengumumandaruratpemenang?id=106802", "realisasi"),
        (DARURAT, "/nasional/darurat/pengumumandarurat?id=106802", None),
    ],
)
def test_tab_key_recognises_only_the_tabs_we_use(kind, href: str, expected: str | None) -> None:
    assert protocol.tab_key(kind, href) == expected


def test_datatables_body_field_names_and_order() -> None:
    pairs = parse_qsl(protocol.datatables_body(TENDER, TOKEN, start=200, length=100), keep_blank_values=True)
    names = [name for name, _ in pairs]
    assert names[:7] == [
        "draw",
        "columns[0][data]",
        "columns[0][name]",
        "columns[0][searchable]",
        "columns[0][orderable]",
        "columns[0][search][value]",
        "columns[0][search][regex]",
    ]
    assert names[-7:] == [
        "order[0][column]",
        "order[0][dir]",
        "start",
        "length",
        "search[value]",
        "search[regex]",
        "authenticityToken",
    ]
    assert len(names) == 1 + 6 * 16 + 7
    values = dict(pairs)
    assert values["columns[15][data]"] == "15"
    assert (values["order[0][column]"], values["order[0][dir]"]) == ("0", "asc")
    assert (values["start"], values["length"]) == ("200", "100")
    assert values["authenticityToken"] == TOKEN
    assert "authenticity_token" not in values


def test_datatables_body_has_one_column_group_per_list_column() -> None:
    pairs = parse_qsl(protocol.datatables_body(DARURAT, TOKEN, 0, 50), keep_blank_values=True)
    assert sum(1 for name, _ in pairs if name.endswith("][data]")) == 8


def test_datatables_headers_are_an_xhr_from_the_listing_page() -> None:
    listing = "https://spse.inaproc.id/kemkes/lelang?tahun=2025"
    headers = protocol.datatables_headers(listing)
    assert headers["X-Requested-With"] == "XMLHttpRequest"
    assert headers["Referer"] == listing
    assert headers["Origin"] == "https://spse.inaproc.id"
    assert headers["Content-Type"].startswith("application/x-www-form-urlencoded")


def test_token_from_page_js() -> None:
    page = f"""<script>
    $('#tbllelang').DataTable({{ ajax: {{ url: "/kemkes/dt/pl?tahun=2026", type: 'POST',
        data: function (d) {{ d.authenticityToken = '{TOKEN}'; }} }} }});
    </script>"""
    assert protocol.token_from_page(page) == TOKEN


def test_token_from_page_without_the_line() -> None:
    assert protocol.token_from_page("<html><body>Login</body></html>") is None


def test_token_from_cookie_value() -> None:
    value = f"9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c-___AT={TOKEN}&___TS=1755400000000&___ID=abc-def"
    assert protocol.token_from_cookie(value) == TOKEN


def test_token_from_url_encoded_cookie_value() -> None:
    value = f"9b1c-___AT%3D{TOKEN}%26___TS%3D1755400000000"
    assert protocol.token_from_cookie(value) == TOKEN


def test_token_from_cookie_without_token() -> None:
    assert protocol.token_from_cookie("9b1c2d3e-___TS=1&___ID=x") is None
