"""The leads commands through the real CLI on SQLite and PostgreSQL: imports, build, list, mark, feedback."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from leads.lead_row import LEAD_COLUMNS
from leads.models import Branch, Registration
from lpse_leads.cli import main
from tests.leads.conftest import SITE, package, write_packages

REGISTRY = (
    "no_registrasi,nama_proyek,nama_kontraktor,npwp,nilai_kontrak,tgl_daftar,kode_tender\n"
    'JK-1,Pemb. Jl. Desa Sukamaju 1,"Karya Mahakam, PT",01.544.863.2-009.000,'
    '"Rp1.000.000.000,00",01/04/2026,\n'
    "JK-9,Gudang Swasta,PT Lain,,5000000,2026-02-02,\n"
)


def run(*argv: str) -> int:
    """Run the CLI in-process."""
    return main(list(argv))


@pytest.fixture
def world(engine, db_url, tmp_path) -> str:
    """Packages 1-3 stored, the starter branch table imported; returns the database URL."""
    write_packages(
        engine,
        [
            package("1"),
            package("2", name='=HYPERLINK("http://evil")'),
            package("3", locations=["X - Bontang (Kota)"]),
        ],
    )
    assert run("branches", "import", "leads/data/branches_example.csv", "--db", db_url) == 0
    return db_url


def count(engine, model) -> int:
    """Rows in a table."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def test_registry_import_is_idempotent_and_updates_what_changed(world, engine, tmp_path, capsys) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    assert run("registry", "import", str(path), "--db", world) == 0
    assert "2 new, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert run("registry", "import", str(path), "--db", world) == 0
    assert "0 new, 0 updated, 2 unchanged" in capsys.readouterr().out
    path.write_text(REGISTRY.replace("5000000", "6000000"), encoding="utf-8")
    assert run("registry", "import", str(path), "--db", world) == 0
    assert "0 new, 1 updated, 1 unchanged" in capsys.readouterr().out


def test_bad_registry_file_imports_nothing(world, engine, tmp_path, capsys) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY + "JK-1,Dup,,,,,\n,No number,,,,,\n", encoding="utf-8")
    assert run("registry", "import", str(path), "--db", world) == 2
    err = capsys.readouterr().err
    assert "row 4: registration_no 'JK-1' already on row 2" in err
    assert "row 5: registration_no is empty" in err
    assert count(engine, Registration) == 0


def test_registry_mapping_option(world, engine, tmp_path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("Nomor,Paket\nA-1,Jalan\n", encoding="utf-8")
    mapping = json.dumps({"Nomor": "registration_no", "Paket": "project_name"})
    assert run("registry", "import", str(path), "--mapping", mapping, "--db", world) == 0
    assert count(engine, Registration) == 1


def test_bad_branch_file_imports_nothing(db_url, engine, tmp_path, capsys) -> None:
    path = tmp_path / "branches.csv"
    path.write_text(
        "branch_code,branch_name,kanwil,emails,kabkota_codes\nA,A,K,a@x.example,64.71\nB,B,K,bad,6471\n",
        encoding="utf-8",
    )
    assert run("branches", "import", str(path), "--db", db_url) == 2
    err = capsys.readouterr().err
    assert "row 3: bad e-mail address 'bad'" in err
    assert "row 3: kab/kota 64.71 already claimed by A on row 2" in err
    assert count(engine, Branch) == 0


def test_build_list_mark_feedback_and_coverage(world, engine, tmp_path, capsys) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    assert run("registry", "import", str(registry), "--db", world) == 0
    assert run("leads", "build", "--today", "2026-04-20", "--db", world) == 0
    assert "3 candidates; 3 new" in capsys.readouterr().out

    assert run("leads", "list", "--format", "csv", "--db", world) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == LEAD_COLUMNS
    by_code = {r[1]: dict(zip(LEAD_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert sorted(by_code) == ["2", "3"]  # 1 is registered (matched by NPWP + name)
    assert by_code["2"]["name"] == '\'=HYPERLINK("http://evil")'
    # Bontang has no office in the evidence: the nearest office of the province, marked as inferred.
    assert (by_code["3"]["branch"], by_code["3"]["route_basis"], by_code["3"]["route_distance_km"]) == (
        "KC-SAMARINDA",
        "inferred_nearest",
        "73.0",
    )
    assert (by_code["2"]["branch"], by_code["2"]["route_basis"]) == ("KC-BALIKPAPAN", "evidence")

    assert run("leads", "list", "--format", "jsonl", "--status", "registered", "--db", world) == 0
    [registered] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (registered["code"], registered["status"]) == ("1", "registered")

    xlsx = tmp_path / "leads.xlsx"
    assert (
        run(
            "leads",
            "list",
            "--format",
            "xlsx",
            "--branch",
            "KC-BALIKPAPAN",
            "--output",
            str(xlsx),
            "--db",
            world,
        )
        == 0
    )
    sheet = load_workbook(xlsx).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == LEAD_COLUMNS
    assert [v[1] for v in values[1:]] == ["2"]
    assert values[1][2].startswith("'=")

    assert (
        run("leads", "mark", SITE, "2", "--status", "contacted", "--note", "called PPK", "--db", world) == 0
    )
    feedback = tmp_path / "feedback.csv"
    feedback.write_text(
        f"site,code,status,note\n{SITE},3,dismissed,swakelola\n{SITE},99,sent,\n", encoding="utf-8"
    )
    assert run("leads", "feedback", str(feedback), "--db", world) == 2
    assert "row 3: no lead for" in capsys.readouterr().err
    feedback.write_text(f"site,code,status,note\n{SITE},3,dismissed,swakelola\n", encoding="utf-8")
    assert run("leads", "feedback", str(feedback), "--db", world) == 0
    capsys.readouterr()
    assert run("leads", "list", "--format", "jsonl", "--db", world) == 0
    [only] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (only["code"], only["status"]) == ("2", "contacted")

    assert run("branches", "coverage", "--db", world) == 0
    out = capsys.readouterr().out
    assert "Kalimantan" in out and "no lead waits in a fallback or unrouted queue" in out


def test_replace_drops_the_starter_table_and_coverage_lists_fallback_leads(world, capsys) -> None:
    assert run("branches", "import", "leads/data/branches_example.csv", "--replace", "--db", world) == 0
    assert "starter table dropped (--replace)" in capsys.readouterr().out
    assert run("leads", "build", "--today", "2026-04-20", "--db", world) == 0
    assert run("branches", "coverage", "--json", "--db", world) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    # Only the 28 kab/kota of the example table keep a branch; all else is a Kanwil's queue.
    assert report["by_basis"] == {
        "evidence": 28,
        "office_location": 0,
        "inferred_nearest": 0,
        "fallback": 486,
    }
    assert (report["kabkota_total"], report["unrouted"]) == (514, 0)
    assert run("leads", "list", "--format", "jsonl", "--db", world) == 0
    leads = {r["code"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert (leads["3"]["branch"], leads["3"]["route_basis"]) == (None, "fallback")
    assert run("branches", "coverage", "--db", world) == 0
    out = capsys.readouterr().out
    assert "64.74" in out and "Kota Bontang" in out  # the lead waiting in the Kalimantan queue
    # Without --replace the starter table is back under the imported rows.
    assert run("branches", "import", "leads/data/branches_example.csv", "--db", world) == 0
    assert "the starter table routes 222 other kab/kota" in capsys.readouterr().out


def test_list_xlsx_needs_output(world, capsys) -> None:
    assert run("leads", "list", "--format", "xlsx", "--db", world) == 2
    assert "--output" in capsys.readouterr().err


def test_safe_cell() -> None:
    from decimal import Decimal

    from leads.export import safe_cell

    assert [safe_cell(v) for v in ("=1+1", "+62", "-x", "@SUM", "\tx", "ok", -5, Decimal(-1), None)] == [
        "'=1+1", "'+62", "'-x", "'@SUM", "'\tx", "ok", -5, Decimal(-1), None,
    ]  # fmt: skip
