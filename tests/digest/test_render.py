"""Digest rendering: subject, content of both parts, sort order, escaping, and the XLSX attachment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import openpyxl

from digest.branch import BranchInfo
from digest.render import NEW_SHEET, OVERDUE_SHEET, render_digest
from leads.lead_row import LEAD_COLUMNS

BRANCH = BranchInfo("KC-BALIKPAPAN", "Balikpapan", "Kalimantan", ("kc.balikpapan@example.id",))
DAY = dt.date(2026, 11, 22)
HOSTILE = '<script>alert(1)</script> & "Jl. A"'


def test_subject_has_branch_date_count_and_total(make_lead) -> None:
    new = [
        make_lead(code="1", estimated_contribution=Decimal("12000000.40")),
        make_lead(code="2", estimated_contribution=Decimal("345678")),
        make_lead(code="3", estimated_contribution=None),
    ]
    rendered = render_digest(BRANCH, DAY, new, [])
    assert rendered.subject == (
        "[lpse-leads] KC Balikpapan — 22 Nov 2026 — 3 proyek baru, estimasi iuran Rp12.345.678"
    )


def test_subject_mentions_overdue_count(make_lead) -> None:
    rendered = render_digest(BRANCH, DAY, [make_lead()], [make_lead(code="9"), make_lead(code="8")])
    assert "1 proyek baru, 2 lewat tenggat, estimasi iuran Rp1.750.000" in rendered.subject


def test_both_parts_carry_every_field(make_lead) -> None:
    lead = make_lead()
    rendered = render_digest(BRANCH, DAY, [lead], [])
    for part in (rendered.text, rendered.html):
        assert "Pembangunan Jalan Lingkar Utara" in part
        assert "Pemerintah Daerah Kota Balikpapan" in part
        assert "Dinas Pekerjaan Umum" in part
        assert "PT Maju Jaya" in part
        assert "01.544.863.2-009.000" in part
        assert "Kota Balikpapan, Kalimantan Timur" in part
        assert "Rp1.000.000.000" in part
        assert "nilai kontrak" in part
        assert "Rp1.750.000" in part
        assert "2 Nov 2026" in part
        assert "20 Nov 2026" in part
        assert "lewat 2 hari" in part
        assert lead.url in part
        assert "pra-penetapan" not in part.split("Daftar lengkap")[0]


def test_pre_award_basis_is_labelled(make_lead) -> None:
    rendered = render_digest(BRANCH, DAY, [make_lead(value_basis="estimate_value")], [])
    assert "HPS, pra-penetapan" in rendered.text
    assert "HPS, pra-penetapan" in rendered.html
    rendered = render_digest(BRANCH, DAY, [make_lead(value_basis="budget_value")], [])
    assert "pagu, pra-penetapan" in rendered.text


def test_sorted_by_score_highest_first(make_lead) -> None:
    new = [
        make_lead(code="A", name="Skor rendah", score=1.0),
        make_lead(code="B", name="Skor tinggi", score=9.0),
        make_lead(code="C", name="Skor sedang", score=5.0),
    ]
    rendered = render_digest(BRANCH, DAY, new, [])
    for part in (rendered.text, rendered.html):
        positions = [part.index(n) for n in ("Skor tinggi", "Skor sedang", "Skor rendah")]
        assert positions == sorted(positions)


def test_overdue_section_after_new(make_lead) -> None:
    rendered = render_digest(BRANCH, DAY, [make_lead(name="Baru")], [make_lead(code="7", name="Lama")])
    assert (
        rendered.text.index("PROYEK BARU")
        < rendered.text.index("Baru")
        < rendered.text.index("LEWAT TENGGAT")
    )
    assert rendered.text.index("LEWAT TENGGAT") < rendered.text.index("Lama")


def test_scraped_markup_is_text_in_html_and_literal_in_text(make_lead) -> None:
    rendered = render_digest(BRANCH, DAY, [make_lead(name=HOSTILE, agency="A & B <i>")], [])
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Jl. A&#34;" in rendered.html
    assert "A &amp; B &lt;i&gt;" in rendered.html
    assert HOSTILE in rendered.text
    assert "A & B <i>" in rendered.text
    assert "&amp;" not in rendered.text


def test_non_http_link_is_not_a_link(make_lead) -> None:
    rendered = render_digest(BRANCH, DAY, [make_lead(url="javascript:alert(1)")], [])
    assert 'href="javascript' not in rendered.html
    assert "Buka pengumuman SPSE" not in rendered.html


def test_fallback_leads_are_flagged(make_lead) -> None:
    queue = BranchInfo("FALLBACK-KALIMANTAN", "Kanwil Kalimantan", "Kalimantan", ("kanwil@example.id",), True)
    rendered = render_digest(queue, DAY, [make_lead(branch=None)], [])
    assert "routed by fallback" in rendered.text
    assert "routed by fallback" in rendered.html
    assert "Antrean fallback Kanwil Kalimantan" in rendered.subject
    plain = render_digest(BRANCH, DAY, [make_lead()], [])
    assert "routed by fallback" not in plain.text


def test_long_list_is_cut_in_the_mail_but_complete_in_the_attachment(make_lead) -> None:
    new = [make_lead(code=str(i), name=f"Paket nomor {i:03d}", score=float(i)) for i in range(12)]
    rendered = render_digest(BRANCH, DAY, new, [], max_items=10)
    assert "Paket nomor 011" in rendered.text
    assert "Paket nomor 001" not in rendered.text
    assert "dan 2 proyek lain di lampiran XLSX" in rendered.text
    assert "dan 2 proyek lain di lampiran XLSX" in rendered.html
    sheet = openpyxl.load_workbook(BytesIO(rendered.xlsx_bytes))[NEW_SHEET]
    assert sheet.max_row == 13


def test_xlsx_has_lead_columns_typed_values_and_neutralised_cells(make_lead) -> None:
    new = [make_lead(name="=cmd|' /C calc'!A0", contractor_name="@SUM(1)", score=9.0), make_lead(code="2")]
    rendered = render_digest(BRANCH, DAY, new, [make_lead(code="3")])
    book = openpyxl.load_workbook(BytesIO(rendered.xlsx_bytes))
    assert book.sheetnames == [NEW_SHEET, OVERDUE_SHEET]
    sheet = book[NEW_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == list(LEAD_COLUMNS)
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["name"].value == "'=cmd|' /C calc'!A0"
    assert row["name"].data_type == "s"
    assert row["contractor_name"].value == "'@SUM(1)"
    assert row["code"].value == "10102453000"
    assert row["contractor_npwp"].value == "015448632009000"
    assert row["value"].value == 1000000000
    assert row["value"].number_format == '"Rp"#,##0'
    assert row["estimated_contribution"].value == 1750000
    assert row["deadline"].value == dt.datetime(2026, 11, 20)
    assert row["deadline"].is_date
    assert row["days_overdue"].value == 2
    assert row["score"].value == 9.0
    assert sheet.max_row == 3
    assert book[OVERDUE_SHEET].max_row == 2
    assert book[OVERDUE_SHEET]["B2"].value == "3"
