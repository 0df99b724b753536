"""JSON for package records: money stays exact (Decimal in, JSON number out and back).

The standard encoder writes floats through ``float.__repr__`` and so cannot print a Decimal
exactly; records are small trees of plain values, so a tiny writer does it right.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

_plain = json.JSONEncoder(ensure_ascii=False)


def to_json(value: Any) -> str:
    """Compact JSON for a tree of dict/list/str/int/bool/None/Decimal/date/datetime; keys sorted."""
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(_plain.encode(str(k)) + ":" + to_json(v) for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return _plain.encode(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite amount: {value}")
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date):
        return _plain.encode(value.isoformat())
    if isinstance(value, int | float | str):
        return _plain.encode(value)
    raise TypeError(f"cannot write {type(value).__name__} to a record")


def dumps_record(record: dict[str, Any]) -> str:
    """One record as one line of JSON (no newline), keys sorted for stable diffs."""
    return to_json(record)


def loads_record(line: str) -> dict[str, Any]:
    """Read a record back; JSON numbers with a fraction become Decimal, integers stay int."""
    return json.loads(line, parse_float=Decimal)
