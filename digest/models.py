"""The digest room's tables: one row per (queue, day) digest, and which leads it carried.

A digest is recorded twice: as ``intent`` (with its leads, recipients and Message-ID) before the
message leaves, and as ``sent`` / ``failed`` after. ``delivered_to`` keeps the recipients that
accepted it so far, so a retry after a partial refusal goes only to the others. ``error`` never
holds credentials (delivery scrubs them). On the pipeline's ``Base``; created by migration digest01.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.models import Base

DIGEST_STATUSES: tuple[str, ...] = ("intent", "sent", "failed")
SECTIONS: tuple[str, ...] = ("new", "overdue")


class Digest(Base):
    """One queue's digest for one day. ``queue``: a branch code, `fallback <Kanwil>` or `unrouted`."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("queue", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(80))
    day: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), index=True)
    message_id: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    recipients: Mapped[str] = mapped_column(Text)  # ;-separated
    delivered_to: Mapped[str] = mapped_column(Text, default="")  # ;-separated, accepted so far
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]


class DigestLead(Base):
    """A lead carried by a digest, in its ``new`` or ``overdue`` section."""

    __tablename__ = "digest_leads"

    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    section: Mapped[str] = mapped_column(String(10))
