"""Fuzzing `domain.locations` and `domain.regions`: any location text resolves without an exception,
and every kab/kota written the LPSE way resolves to itself."""

from __future__ import annotations

from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.locations import clean, split_location
from domain.regions import KabKota, all_kabkota, kabkota, normalise, province_of, resolve
from tests.fuzz.fuzz_strategies import FAST, JUNK_TEXT, PADDING

KABKOTA = all_kabkota()
_COUNTS = Counter((normalise(k.core_name), k.type) for k in KABKOTA)
#: Kab/kota whose (name, type) is unique in the master list, so `Nama (Kab.)` names exactly one.
UNIQUE = [k for k in KABKOTA if _COUNTS[(normalise(k.core_name), k.type)] == 1]

LOCATION_TEXT = st.one_of(
    JUNK_TEXT,
    st.text(),
    st.lists(
        st.sampled_from(["Jl. Raya", " - ", "(Kab.)", "(Kota)", "Kab.", "Kota", "Bandung", "Jawa Barat", "("])
        | st.text(max_size=8),
        max_size=10,
    ).map("".join),
)


@settings(**FAST)
@given(LOCATION_TEXT, st.none() | LOCATION_TEXT)
@example("Kota - (Kab.) - ", "Pemerintah Daerah Kabupaten")
@example(" - - - ", "Pemkot ")
@example("()(Kab.)", "Kab.")
def test_any_text_resolves_without_error(text: str, agency: str | None) -> None:
    parts = split_location(text)
    match = resolve(text, agency)
    assert match.raw == text
    if match.kabkota_code is not None:
        found = kabkota(match.kabkota_code)
        assert found is not None and found.province_code == match.province_code
        assert match.confidence != "unresolved"
    else:
        assert match.confidence == "unresolved"
        assert match.province_code is None or province_of(match.province_code) is not None
    joined = " - ".join(p for p in (parts.detail, parts.kabkota_name, parts.province) if p)
    assert len(joined) <= len(clean(text))


@settings(**FAST)
@given(st.sampled_from(UNIQUE), st.text(alphabet="Jl. Raya No 12abc", max_size=20), PADDING, st.booleans())
def test_lpse_written_kabkota_resolves_to_itself(k: KabKota, detail: str, pad: str, province: bool) -> None:
    text = " - ".join(p for p in (detail.strip(" -"), k.lpse_name) if p)
    if province:
        text += f" - {k.province_name}"
    match = resolve(pad.replace("&nbsp;", " ") + text + pad.replace("&nbsp;", " "))
    assert (match.kabkota_code, match.confidence) == (k.code, "suffix")
