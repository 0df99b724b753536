"""Text clean-up and badge splitting, with the badge forms of /dt/lelang and /dt/pl (protocol §5)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.text import clean_text, split_badges


def test_clean_text() -> None:
    assert clean_text(" APBD 2022&nbsp;&nbsp;&nbsp;") == "APBD 2022"
    assert clean_text("Lampu &amp; Passbox\n\t  Ruang") == "Lampu & Passbox Ruang"
    assert clean_text("\xa0") == ""


def test_split_single_quoted_badge() -> None:
    cell = "Pelaksanaan Konstruksi Batch 3 <span class='badge badge-warning'>Tender Batal</span>"
    assert split_badges(cell) == ("Pelaksanaan Konstruksi Batch 3", ["Tender Batal"])


def test_split_double_quoted_badge_and_entity() -> None:
    cell = 'Lampu &amp; Passbox <span class="badge badge-warning">Pengadaan Langsung Batal</span>'
    assert split_badges(cell) == ("Lampu & Passbox", ["Pengadaan Langsung Batal"])


def test_split_several_badges_and_plain_span() -> None:
    cell = (
        "<strong>Waduk</strong> <span>Tahap I</span> <span class='badge badge-info'>Evaluasi Ulang</span>"
        "<span class='badge'>Tender Ulang</span>"
    )
    assert split_badges(cell) == ("Waduk Tahap I", ["Evaluasi Ulang", "Tender Ulang"])


def test_split_no_badge() -> None:
    assert split_badges("Rehab Gedung") == ("Rehab Gedung", [])
    assert split_badges("") == ("", [])


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).filter(
        lambda s: "<" not in s and "&" not in s
    )
)
def test_plain_text_is_only_cleaned(text: str) -> None:
    assert split_badges(text) == (clean_text(text), [])
