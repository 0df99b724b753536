"""`lpse-leads parse` end to end through `lpse_leads.cli.main` on real pages."""

import json
from decimal import Decimal

from lpse_leads.cli import main
from tests.conftest import shared_file


def test_winners_json_with_exact_money(capsys):
    path = shared_file("aristhiooo__lpse-52349127/pemenang.html")
    assert main(["parse", "winners", str(path)]) == 0
    out = capsys.readouterr().out
    assert '"offer_value": 49802888461.02' in out
    result = json.loads(out, parse_float=Decimal)
    assert result["winners"][0]["npwp"] == "015448632009000"


def test_list_with_list_kind(capsys):
    path = shared_file("wakataw__pyproc/dt_darurat_list.json")
    assert main(["parse", "list", str(path), "--list-kind", "darurat"]) == 0
    result = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert [r["budget_value"] for r in result["rows"]] == [500_000_000, 900_000_000, 200_000_000]


def test_schedule_dates_as_iso(capsys):
    path = shared_file("razifaisal-design__webscrapperrazi/jadwal_berubah.html")
    assert main(["parse", "schedule", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["stages"][0]["start"] == "2026-02-06T16:05:00+07:00"


def test_missing_file_is_one_line_exit_2(tmp_path, capsys):
    assert main(["parse", "announcement", str(tmp_path / "absent.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lpse-leads: error: cannot read")
    assert err.count("\n") == 1


def test_wrong_kind_is_exit_2(capsys):
    path = shared_file("wakataw__pyproc/dt_darurat_list.json")
    assert main(["parse", "announcement", str(path)]) == 2
    assert "not a parsable announcement page" in capsys.readouterr().err


def test_wrong_list_kind_is_exit_2(capsys):
    path = shared_file("wakataw__pyproc/dt_darurat_list.json")
    assert main(["parse", "list", str(path), "--list-kind", "tender"]) == 2
    assert "16 columns" in capsys.readouterr().err
