"""The LPSE registry: the shipped file is whole and sourced, `all` expands to it, one host slot."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request

from crawler.registry import (
    NATIONAL_BASE,
    RegistryError,
    expand_sites,
    read_registry,
    registry,
    write_registry,
)
from crawler.registry_source import SourceError, build_rows, classify, parse_source
from domain import regions


def test_shipped_registry_has_600_sourced_unique_lpses() -> None:
    rows = registry()
    assert len(rows) == 600
    assert len({r.slug for r in rows}) == 600
    assert all(r.source.startswith("aansubarkah/ssa_agentic_lpse@05146a4:all_lpse_urls.csv") for r in rows)
    kinds = {k: sum(r.kind == k for r in rows) for k in {r.kind for r in rows}}
    assert kinds == {
        "kabupaten": 407,
        "kota": 91,
        "provinsi": 34,
        "kementerian_lembaga": 63,
        "perguruan_tinggi": 4,
        "nasional": 1,
    }


def test_every_regional_lpse_has_the_kemendagri_code_of_the_government_it_serves() -> None:
    rows = registry()
    provinces = {r.province_code for r in rows if r.kind == "provinsi"}
    assert len(provinces) == 34 and "" not in provinces
    for row in rows:
        if row.kind in ("kabupaten", "kota"):
            kabkota = regions.kabkota(row.kabkota_code)
            assert kabkota is not None, row
            assert kabkota.type.lower() == row.kind, row
            assert kabkota.province_code == row.province_code, row
            assert regions.resolve(row.klpd).kabkota_code == row.kabkota_code, row
        elif row.kind != "provinsi":
            assert (row.province_code, row.kabkota_code) == ("", ""), row
    codes = [r.kabkota_code for r in rows if r.kabkota_code]
    assert len(codes) == len(set(codes)) == 498


def test_registry_rows_checked_by_hand() -> None:
    by_slug = {r.slug: r for r in registry()}
    assert by_slug["bandungkab"].klpd == "Kab. Bandung"
    assert (by_slug["bandungkab"].province_code, by_slug["bandungkab"].kabkota_code) == ("32", "32.04")
    assert by_slug["bandung"].kind == "kota" and by_slug["bandung"].kabkota_code == "32.73"
    assert by_slug["jakarta"].kind == "provinsi" and by_slug["jakarta"].province_code == "31"
    assert by_slug["kemkes"].kind == "kementerian_lembaga"
    assert by_slug["kemkes"].name == "LPSE Kementrian Kesehatan Republik Indonesia"
    assert (
        by_slug["tanimbar"].klpd == "Kab. Kepulauan Tanimbar" and by_slug["tanimbar"].kabkota_code == "81.03"
    )
    assert by_slug["nasional"].kind == "nasional"
    assert by_slug["wajokab"].old_url == "https://lpse-wajokab.go.id"
    assert (
        "pedacitodecielo-lab/procurement-red-flags:raw/lists/acehprov_2025.json" in by_slug["acehprov"].source
    )


def test_read_registry_refuses_bad_files() -> None:
    good = write_registry(registry()[:2])
    assert read_registry(good) == list(registry()[:2])
    header, first = good.splitlines()[:2]
    with pytest.raises(RegistryError, match="twice"):
        read_registry("\n".join([header, first, first]))
    with pytest.raises(RegistryError, match="lacks column"):
        read_registry("slug,name\nx,y\n")
    with pytest.raises(RegistryError, match="kind"):
        read_registry("\n".join([header, first.replace(",kabupaten,", ",desa,")]))
    with pytest.raises(RegistryError, match="no source"):
        read_registry("\n".join([header, first.rsplit(",", 1)[0] + ","]))


def test_all_expands_to_every_registry_lpse_slugs_to_urls_and_urls_pass() -> None:
    urls = expand_sites(["all"])
    assert len(urls) == 600 and urls[0] == f"{NATIONAL_BASE}/{registry()[0].slug}"
    assert expand_sites(["kemkes", "https://lpse.x.go.id/eproc4", "kemkes"], base="http://127.0.0.1:9/") == [
        "http://127.0.0.1:9/kemkes",
        "https://lpse.x.go.id/eproc4",
    ]
    assert expand_sites(["jakarta,ALL"])[0] == f"{NATIONAL_BASE}/jakarta"
    assert len(expand_sites(["jakarta,ALL"])) == 600


def test_all_lpses_share_the_hosts_one_download_slot(caplog) -> None:
    """One host, one budget: Scrapy's downloader puts every registry LPSE in the same slot."""
    from scrapy.core.downloader import Downloader
    from scrapy.utils.test import get_crawler

    from crawler import protocol

    caplog.set_level(logging.CRITICAL)
    downloader = Downloader(get_crawler(settings_dict={"CONCURRENT_REQUESTS_PER_DOMAIN": 2}))
    sites = protocol.parse_sites(expand_sites(["all"]))
    kind = protocol.LIST_KINDS["tender"]
    keys = {downloader.get_slot_key(Request(protocol.listing_url(site, kind, 2026))) for site in sites}
    keys |= {downloader.get_slot_key(Request(protocol.announcement_url(site, kind, "1"))) for site in sites}
    assert keys == {"spse.inaproc.id"}


# ----- refresh sources ---------------------------------------------------------------------------

#: Rows in the shape of aansubarkah/ssa_agentic_lpse:all_lpse_urls.csv (these four are real rows).
CSV_SOURCE = """name,url,old_url
"Badan Karantina Indonesia > LPSE Kementerian Pertanian","https://spse.inaproc.id/pertanian","https://lpse.pertanian.go.id"
"Kementerian Pertanian > LPSE Kementerian Pertanian","https://spse.inaproc.id/pertanian","https://lpse.pertanian.go.id"
"Kota Sukabumi > LPSE Provinsi Jawa Barat","https://spse.inaproc.id/jabarprov","https://lpse.jabarprov.go.id"
"Provinsi Jawa Barat > LPSE Provinsi Jawa Barat","https://spse.inaproc.id/jabarprov","https://lpse.jabarprov.go.id"
"""
#: The pyproc host-list shape (name, newUrlPath), as `pyproc/mcp/hosts.py` reads it.
JSON_SOURCE = """[{"name": "Kab. Bima > LPSE Kabupaten Bima", "newUrlPath": "bimakab"},
 {"name": "Kota Bima > LPSE Kota Bima", "newUrlPath": "bimakota"},
 {"name": "Universitas Indonesia > LPSE Universitas Indonesia", "newUrlPath": "ui"}]"""


def test_refresh_source_csv_keeps_the_lpses_own_government() -> None:
    rows = {r.slug: r for r in build_rows(parse_source(CSV_SOURCE), "test")}
    assert rows["pertanian"].klpd == "Kementerian Pertanian"
    assert rows["pertanian"].kind == "kementerian_lembaga"
    assert rows["jabarprov"].klpd == "Provinsi Jawa Barat"
    assert (rows["jabarprov"].kind, rows["jabarprov"].province_code) == ("provinsi", "32")
    assert rows["jabarprov"].old_url == "https://lpse.jabarprov.go.id"


def test_refresh_source_json_tells_kabupaten_from_kota_of_the_same_name() -> None:
    rows = {r.slug: r for r in build_rows(parse_source(JSON_SOURCE), "test")}
    assert (rows["bimakab"].kind, rows["bimakab"].kabkota_code) == ("kabupaten", "52.06")
    assert (rows["bimakota"].kind, rows["bimakota"].kabkota_code) == ("kota", "52.72")
    assert rows["ui"].kind == "perguruan_tinggi"


def test_classify_leaves_an_unknown_region_without_a_code() -> None:
    assert classify("Kab. Atlantis", "atlantiskab") == ("kabupaten", "", "")
    assert classify("Aceh", "acehprov") == ("provinsi", "11", "")


@pytest.mark.parametrize("text", ["{}", "slug,name\nx,y\n", '[{"name": "x"}]', "[not json"])
def test_refresh_source_in_an_unknown_shape_is_an_error(text: str) -> None:
    with pytest.raises(SourceError):
        parse_source(text)


def test_config_sites_accept_all_and_registry_slugs(tmp_path) -> None:
    from lpse_leads.config import load_config
    from lpse_leads.errors import UserError

    path = tmp_path / "lpse-leads.toml"
    path.write_text('[crawl]\nsites = ["all", "kemkes", "https://lpse.x.go.id/eproc4"]\n', encoding="utf-8")
    assert load_config(path, env={}).crawl.sites == ("all", "kemkes", "https://lpse.x.go.id/eproc4")
    with pytest.raises(UserError, match="not an http"):
        load_config(None, env={"LPSE_LEADS_SITES": "no-such-lpse"})


def test_sites_refresh_writes_a_registry_and_guards_against_a_partial_list(tmp_path, capsys) -> None:
    from lpse_leads.cli import main

    source, out = tmp_path / "hosts.json", tmp_path / "registry.csv"
    source.write_text(JSON_SOURCE, encoding="utf-8")
    assert main(["sites", "refresh", "--from", str(source), "--output", str(out), "--cite", "a test"]) == 0
    rows = read_registry(out.read_text(encoding="utf-8"))
    assert [(r.slug, r.kind, r.kabkota_code, r.source) for r in rows] == [
        ("bimakab", "kabupaten", "52.06", "a test"),
        ("bimakota", "kota", "52.72", "a test"),
        ("ui", "perguruan_tinggi", "", "a test"),
    ]
    assert "added 3: bimakab bimakota ui" in capsys.readouterr().out
    source.write_text(JSON_SOURCE.replace("bimakota", "bimakab"), encoding="utf-8")  # two rows lost
    assert main(["sites", "refresh", "--from", str(source), "--output", str(out)]) == 2
    assert "--allow-shrink" in capsys.readouterr().err
    assert len(read_registry(out.read_text(encoding="utf-8"))) == 3  # untouched
    assert main(["sites", "list", "--registry", str(out)]) == 0
    assert "3 LPSE(s)" in capsys.readouterr().out


def test_sites_refresh_reads_the_hosts_lpse_list_over_http_from_the_fake(tmp_path, capsys) -> None:
    """The host's own index is not documented: the fake serves its slugs in the known public shape."""
    from fake_spse import FakeSpse
    from fake_spse.lpse_index import INDEX_PATH
    from lpse_leads.cli import main

    out = tmp_path / "registry.csv"
    with FakeSpse(slugs=["kota-a", "kab-b"], packages=1) as fake:
        source = fake.url + INDEX_PATH
        assert main(["sites", "refresh", "--from", source, "--output", str(out)]) == 0
    rows = read_registry(out.read_text(encoding="utf-8"))
    assert [(r.slug, r.name, r.klpd) for r in rows] == [
        ("kab-b", "LPSE kab-b", "Instansi kab-b"),
        ("kota-a", "LPSE kota-a", "Instansi kota-a"),
    ]
    assert all(r.source.startswith(source) for r in rows)
    assert "added 2: kab-b kota-a" in capsys.readouterr().out
