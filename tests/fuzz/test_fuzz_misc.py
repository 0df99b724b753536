"""Fuzzing the error-page classifier and the record JSON: any body gets a verdict, any record
round-trips exactly."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.parsers.errors import classify_page, error_code
from domain.jsonio import dumps_record, loads_record
from tests.fuzz.fuzz_pages import PAGES, page_bytes
from tests.fuzz.fuzz_strategies import SLOW

VERDICTS = {None, "server_error", "not_found", "access_denied", "truncated"}
STATUSES = st.sampled_from([200, 200, 200, 403, 404, 429, 500, 503])


@settings(**SLOW)
@given(
    st.binary(max_size=3000)
    | st.sampled_from(sorted(PAGES)).map(page_bytes)
    | st.tuples(st.sampled_from(sorted(PAGES)), st.data()).map(
        lambda c: page_bytes(c[0])[: c[1].draw(st.integers(0, 5000))]
    ),
    STATUSES,
)
def test_any_body_gets_a_verdict(body: bytes, status: int) -> None:
    assert classify_page(body, status) in VERDICTS
    code = error_code(body)
    assert code is None or code.strip() == code != ""


def test_every_real_page_is_a_normal_page_when_served_with_200() -> None:
    for relative in PAGES:
        verdict = classify_page(page_bytes(relative), 200)
        assert verdict is None, relative


AMOUNTS = st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**30), max_value=10**30)
WIB = timezone(timedelta(hours=7))
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),
    AMOUNTS,
    st.dates(),
    st.datetimes(timezones=st.just(WIB)),
)
RECORDS = st.dictionaries(
    st.text(max_size=10),
    st.recursive(
        LEAVES,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    max_size=8,
)


def _as_read(value):
    """What a value reads back as: dates as ISO strings, integral amounts written without a point."""
    if isinstance(value, dict):
        return {k: _as_read(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_read(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@settings(**SLOW)
@given(RECORDS)
def test_record_round_trips_exactly(record: dict) -> None:
    line = dumps_record(record)
    assert "\n" not in line
    back = loads_record(line)
    assert back == _as_read(record)
    assert dumps_record(back) == dumps_record(_as_read(record))
    for original, read in zip(_leaves(record), _leaves(back), strict=True):
        if isinstance(original, Decimal):
            assert isinstance(read, Decimal | int) and read == original


def _leaves(value):
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _leaves(value[key])
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value
