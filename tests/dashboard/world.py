"""A small hand-made lead world for the dashboard tests: branches, leads and their events."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sqlalchemy import Engine, insert

from leads.models import Branch, Lead, LeadEvent
from pipeline.models import Package, Site

T0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
A_NPWP = "0123456789012345"

BRANCHES = (
    ("B1", "Balikpapan", "Kalimantan"),
    ("B2", "Samarinda", "Kalimantan"),
    ("B3", "Palembang", "Sumbagsel"),
)

# (id, branch, kanwil, kab/kota, route, status, total, days overdue, contractor, npwp, held before, reg days)
LEADS = (
    (1, "B1", "Kalimantan", "64.71", "branch", "new", 100, 0, "PT A", A_NPWP, (), None),
    (2, "B1", "Kalimantan", "64.71", "branch", "sent", 200, 5, "PT. A", A_NPWP, ("new",), None),
    (3, "B1", "Kalimantan", "64.71", "branch", "contacted", 300, 40, "PT A", A_NPWP, ("new", "sent"), None),
    (4, "B2", "Kalimantan", "64.72", "branch", "registered", 400, 0, "PT A", A_NPWP,
     ("new", "sent", "contacted"), 10),
    (5, "B2", "Kalimantan", "64.72", "branch", "registered", 500, 0, "CV C", None, ("new",), 2),
    (6, "B2", "Kalimantan", "64.72", "branch", "dismissed", 600, 3, "PT A", A_NPWP, ("new", "sent"), None),
    (7, None, "Sumbagsel", "16.03", "fallback", "new", 700, 10, "PT A", A_NPWP, (), None),
    (8, "B3", "Sumbagsel", "16.71", "branch", "registered", 800, 0, "CV D", None, ("new", "sent"), 6),
    (9, None, None, None, "unrouted", "new", 900, 0, "CV B", "01*3**", (), None),
)  # fmt: skip


def build_world(engine: Engine) -> None:
    """Insert the branches, one site, a package per lead, the leads and their event histories."""
    with engine.begin() as c:
        c.execute(
            insert(Branch),
            [
                {"code": code, "name": name, "kanwil": kw, "emails": "", "updated_at": T0}
                for code, name, kw in BRANCHES
            ],
        )
        c.execute(insert(Site).values(id=1, url="http://127.0.0.1:8081/kaltim", first_seen=T0))
        for lead in LEADS:
            lead_id, branch, kanwil, kab, route, status, total, late, name, npwp, held, reg_days = lead
            c.execute(
                insert(Package).values(
                    id=lead_id, site_id=1, code=f"P{lead_id}", list="tender", name=f"Paket {lead_id}",
                    first_seen=T0, last_seen=T0, last_changed=T0,
                )
            )  # fmt: skip
            changed = T0 + dt.timedelta(days=reg_days, hours=12) if reg_days is not None else T0
            if held:
                changed = max(changed, T0 + dt.timedelta(hours=len(held)))
            c.execute(
                insert(Lead).values(
                    id=lead_id, package_id=lead_id, route=route, branch_code=branch, kanwil=kanwil,
                    kabkota_code=kab, contractor_name=name, contractor_npwp=npwp, value=Decimal(total * 100),
                    total=Decimal(total), days_overdue=late, stage="kontrak", score=1.0, status=status,
                    status_changed_at=changed, fingerprint="f", url=f"http://x/{lead_id}", first_built=T0,
                    last_built=T0,
                )
            )  # fmt: skip
            path = [*held, status]
            for step, (old, new) in enumerate(itertools.pairwise(path)):
                c.execute(
                    insert(LeadEvent).values(
                        lead_id=lead_id, at=T0 + dt.timedelta(hours=step + 1), old_status=old, new_status=new,
                        by="test", note=None,
                    )
                )  # fmt: skip
