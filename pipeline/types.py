"""Column types shared by the models and the migrations (kept apart so migrations never import models).

`Rupiah` keeps money exact as NUMERIC(20, 2) on PostgreSQL. SQLite has no exact decimal, so
amounts go in as INTEGER when whole (nearly always) and as REAL otherwise: numeric in both
places, so analysts can compare and sum in SQL, and exact for any sen value below Rp35 triliun.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

_CENTS = Decimal("0.01")


class Rupiah(TypeDecorator[Decimal]):
    """An amount of rupiah with two decimals (sen), read back as a Decimal quantised to 0.01."""

    impl = Numeric(20, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """SQLite gets a NUMERIC column without Decimal conversion (done here, exactly)."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(20, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(20, 2))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """Decimal in; SQLite receives an int for whole amounts, else a float."""
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        if dialect.name != "sqlite":
            return amount
        if amount == amount.to_integral_value():
            return int(amount)
        return float(amount)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Whatever the driver returns, as a Decimal with two places."""
        if value is None:
            return None
        if isinstance(value, float):
            return Decimal(f"{value:.2f}")
        return Decimal(value).quantize(_CENTS)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """Aware datetimes only; stored as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        moment = value.astimezone(dt.UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """UTC-aware on every dialect."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
