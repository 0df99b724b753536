"""Hypothesis strategies shared by the fuzz tests: valid SPSE values, near-valid ones, and junk.

Valid values are generated from the value (an amount, a date, digits) and written the way SPSE
writes them, so a test can check that the value comes back exactly. Near-valid values are
valid ones with one corruption that makes them invalid by the protocol's rules.
"""

from __future__ import annotations

import calendar
import os
from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

#: Example counts keep the folder well under a minute; `FUZZ_SCALE=20 pytest tests/fuzz` searches harder.
_SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))
FAST = {"max_examples": 150 * _SCALE, "deadline": None}
SLOW = {"max_examples": 40 * _SCALE, "deadline": None}

#: Whitespace SPSE pages put around values (spaces, newlines, tabs, &nbsp; raw or as an entity).
PADDING = st.lists(st.sampled_from([" ", "\n", "\t", "\xa0", "&nbsp;", "\r\n"]), max_size=3).map("".join)

#: Digits from other scripts (Arabic-Indic, Devanagari, full-width, Thai): never valid in SPSE values.
UNICODE_DIGITS = st.sampled_from("٠١٢٣٤٥٦٧٨٩०१२३४५६७८९０１２３４５６７８９๑๒๓")

#: Text likely to break things: controls, entities, markup, unicode digits, very long runs.
JUNK_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from("0123456789.,-*Rp pJtMT\xa0&;#<>/"), max_size=40),
    st.lists(
        st.sampled_from(["Rp.", "Rp", ".", ",", "-", " ", "&nbsp;", "&#46;", "<b>", "</b>", "\x00", "\x01"])
        | st.text(alphabet="0123456789", min_size=1, max_size=5)
        | UNICODE_DIGITS,
        max_size=12,
    ).map("".join),
    st.integers(min_value=1000, max_value=20000).map(lambda n: "9" * n),
    st.integers(min_value=1000, max_value=5000).map(lambda n: "1." * n + "000"),
)


def _group_thousands(digits: str) -> str:
    """`1234567` → `1.234.567` (SPSE's dot thousands separator)."""
    head = len(digits) % 3 or 3
    return ".".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


@st.composite
def rupiah_texts(draw: st.DrawFn) -> tuple[str, Decimal]:
    """(`Rp. 49.802.888.461,02` in one of SPSE's spellings, its exact amount)."""
    rupiah = draw(st.integers(min_value=0, max_value=10**30))
    sen = draw(st.integers(min_value=0, max_value=99))
    negative = draw(st.booleans()) and (rupiah or sen)
    prefix = draw(st.sampled_from(["Rp. ", "Rp.", "Rp ", "rp. ", "RP. ", ""]))
    grouped = draw(st.booleans())
    body = _group_thousands(str(rupiah)) if grouped else str(rupiah)
    text = f"{'-' if negative else ''}{prefix}{body},{sen:02d}"
    value = Decimal(f"{rupiah}.{sen:02d}")
    return draw(PADDING) + text + draw(PADDING), value.copy_negate() if negative else value


#: One corruption of the number part `1.234.567,89` each; every result is not a rupiah amount (§8).
RUPIAH_CORRUPTIONS = (
    lambda t: t.replace(",", ",,", 1),  # 1.2.3,,4
    lambda t: t.replace(",", ",5,", 1),  # two decimal commas
    lambda t: t.replace(".", ".2.", 1),  # a one-digit thousands group
    lambda t: t.replace(".", "..", 1),  # an empty group
    lambda t: t + " Jt",  # a unit after an exact amount
    lambda t: "Rp. Rp " + t,  # Rp twice
    lambda t: t[:-1] + "x",  # a letter for the last sen digit
    lambda t: t.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # Arabic-Indic digits
    lambda t: t.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full-width digits
)


@st.composite
def broken_rupiah_texts(draw: st.DrawFn) -> str:
    """`Rp. <grouped amount>,<sen>` with one corruption of the number part."""
    rupiah = draw(st.integers(min_value=1000, max_value=10**20))
    sen = draw(st.integers(min_value=0, max_value=99))
    corrupt = draw(st.sampled_from(RUPIAH_CORRUPTIONS))
    prefix = draw(st.sampled_from(["Rp. ", "Rp ", ""]))
    return prefix + corrupt(f"{_group_thousands(str(rupiah))},{sen:02d}")


@st.composite
def short_rupiah_texts(draw: st.DrawFn) -> tuple[str, Decimal]:
    """(`750,9 Jt` / `130 M` / `1,2 T`, its approximate amount)."""
    whole = draw(st.integers(min_value=0, max_value=10**24))
    tenth = draw(st.none() | st.integers(min_value=0, max_value=9))
    unit, factor = draw(st.sampled_from([("Jt", 10**6), ("M", 10**9), ("T", 10**12), ("jt", 10**6)]))
    number = str(whole) if tenth is None else f"{whole},{tenth}"
    value = Decimal(whole * factor + (tenth or 0) * factor // 10)
    space = draw(st.sampled_from([" ", "", "\xa0", "  "]))
    return draw(PADDING) + number + space + unit + draw(PADDING), value


MONTH_SPELLINGS = {
    1: ["Januari", "JANUARI", "januari", "Jan"],
    2: ["Februari", "Pebruari", "Feb", "Peb"],
    3: ["Maret", "Mar"],
    4: ["April", "Apr"],
    5: ["Mei"],
    6: ["Juni", "Jun"],
    7: ["Juli", "Jul"],
    8: ["Agustus", "Agt", "Agu", "Agustus"],
    9: ["September", "Sep", "Sept"],
    10: ["Oktober", "Okt"],
    11: ["November", "Nopember", "Nov", "Nop"],
    12: ["Desember", "Des"],
}


@st.composite
def id_date_texts(draw: st.DrawFn) -> tuple[str, date]:
    """(`28 April 2022` in one of SPSE's spellings, the date)."""
    day = draw(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
    month = draw(st.sampled_from(MONTH_SPELLINGS[day.month]))
    space = draw(st.sampled_from([" ", "  ", "\xa0", "\n"]))
    return f"{draw(PADDING)}{day.day}{space}{month}{space}{day.year}{draw(PADDING)}", day


@st.composite
def impossible_date_texts(draw: st.DrawFn) -> str:
    """Dates that do not exist (`31 Februari 2026`, `29 Februari 2025`, `0 Mei 2026`, `32 Juli 2026`)."""
    year = draw(st.integers(min_value=1000, max_value=9999))
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.sampled_from([0, calendar.monthrange(year, month)[1] + 1, 32, 99]))
    return f"{day} {draw(st.sampled_from(MONTH_SPELLINGS[month]))} {year}"


@st.composite
def npwp_texts(draw: st.DrawFn) -> tuple[str, str]:
    """(an NPWP as SPSE or ISB writes it, its digits): dotted 15, plain 15 or plain 16 digits."""
    length = draw(st.sampled_from([15, 16]))
    digits = draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    if length == 15 and draw(st.booleans()):
        d = digits
        text = f"{d[:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:]}"
    else:
        text = digits
    return draw(PADDING).replace("&nbsp;", "") + text + draw(PADDING).replace("&nbsp;", ""), digits


@st.composite
def masked_npwp_texts(draw: st.DrawFn) -> str:
    """A national-SPSE mask (`07*3**1****01**0`) of 15 or 16 characters with at least one `*`."""
    length = draw(st.sampled_from([15, 16]))
    chars = draw(st.lists(st.sampled_from("0123456789*"), min_size=length, max_size=length))
    chars[draw(st.integers(min_value=0, max_value=length - 1))] = "*"
    return "".join(chars)
