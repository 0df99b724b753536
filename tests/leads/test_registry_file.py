"""Registry exports: headers (ours, Indonesian, user-mapped), Indonesian money and dates, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from leads.registry_file import RegistryFileError, parse_date, parse_money, read_registry


def write(path: Path, text: str) -> Path:
    """Write a CSV file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


def test_canonical_header_and_values(tmp_path: Path) -> None:
    path = write(
        tmp_path / "reg.csv",
        "registration_no,project_name,contractor_name,npwp,npp,contract_value,location,registered_on,tender_code\n"
        "JK-1,Pembangunan Jalan,PT. Karya,01.544.863.2-009.000,NPP1,"
        '"Rp1.234.567,00",Balikpapan,2026-03-01,10102\n',
    )
    [row] = read_registry(path)
    assert row.registration_no == "JK-1"
    assert row.project_name == "Pembangunan Jalan"
    assert row.contractor_name == "PT. Karya"
    assert row.npwp == "015448632009000"
    assert row.npp == "NPP1"
    assert row.contract_value == Decimal("1234567.00")
    assert row.location == "Balikpapan"
    assert row.registered_on == dt.date(2026, 3, 1)
    assert row.tender_code == "10102"


def test_indonesian_header_and_only_required_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "reg.csv",
        "No Registrasi;Nama Proyek;Nilai Kontrak;Tgl Daftar\nJK-2;Rehab Gedung;1.234.567;5 Maret 2026\n",
    )
    [row] = read_registry(path)
    assert (row.registration_no, row.project_name) == ("JK-2", "Rehab Gedung")
    assert row.contract_value == Decimal(1234567)
    assert row.registered_on == dt.date(2026, 3, 5)
    assert row.contractor_name is None
    assert row.npwp is None


def test_user_mapping(tmp_path: Path) -> None:
    path = write(tmp_path / "reg.csv", "Nomor,Paket,Tanggal\nA-9,Jalan Desa,07/04/2026\n")
    [row] = read_registry(
        path, {"Nomor": "registration_no", "Paket": "project_name", "Tanggal": "registered_on"}
    )
    assert row.registration_no == "A-9"
    assert row.project_name == "Jalan Desa"
    assert row.registered_on == dt.date(2026, 4, 7)


def test_every_bad_row_reported_and_nothing_returned(tmp_path: Path) -> None:
    path = write(
        tmp_path / "reg.csv",
        "no_registrasi,nama_proyek,npwp,nilai_kontrak,tgl_daftar\n"
        "JK-1,Jalan,,1000,2026-01-01\n"  # row 2: fine
        ",Jembatan,,,\n"  # row 3: no number
        "JK-3,Gedung,12345,,\n"  # row 4: bad NPWP
        "JK-4,Drainase,,seribu,31/02/2026\n"  # row 5: bad money and an impossible date
        "\n"  # blank line: ignored, but still counted as a row by Excel
        "JK-1,Talud,,,\n",  # row 7: duplicate of row 2
    )
    with pytest.raises(RegistryFileError) as caught:
        read_registry(path)
    problems = caught.value.problems
    assert [row for row, _ in problems] == [3, 4, 5, 5, 7]
    assert "registration_no is empty" in problems[0][1]
    assert "npwp" in problems[1][1]
    assert "contract_value" in problems[2][1]
    assert "registered_on" in problems[3][1]
    assert "already on row 2" in problems[4][1]
    assert "nothing imported" in str(caught.value)


def test_missing_required_column_is_row_1(tmp_path: Path) -> None:
    path = write(tmp_path / "reg.csv", "registration_no,lokasi\nJK-1,Samarinda\n")
    with pytest.raises(RegistryFileError) as caught:
        read_registry(path)
    assert caught.value.problems == [(1, "required column 'project_name' is missing")]


def test_xlsx_with_numbers_and_dates(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Kode Tender", "No Registrasi", "Nama Proyek", "Nilai Kontrak", "Tgl Daftar"])
    sheet.append([10102453000, "JK-7", "Peningkatan Jalan", 2500000000, dt.datetime(2026, 2, 10)])
    path = tmp_path / "reg.xlsx"
    book.save(path)
    [row] = read_registry(path)
    assert row.tender_code == "10102453000"
    assert row.contract_value == Decimal(2500000000)
    assert row.registered_on == dt.date(2026, 2, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rp1.234.567,00", Decimal("1234567.00")),
        ("Rp. 1.234.567,50", Decimal("1234567.50")),
        ("1234567", Decimal(1234567)),
        ("1.234.567", Decimal(1234567)),
        ("1234567.50", Decimal("1234567.50")),
        ("1,234,567", Decimal(1234567)),
        ("", None),
    ],
)
def test_money_forms(text: str, expected: Decimal | None) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["seribu", "-5", "12,34,5"])
def test_money_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", dt.date(2026, 3, 1)),
        ("01/03/2026", dt.date(2026, 3, 1)),
        ("1 Maret 2026", dt.date(2026, 3, 1)),
        ("17 Agustus 2025", dt.date(2025, 8, 17)),
    ],
)
def test_date_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected
