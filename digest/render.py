"""Render one branch's daily digest: subject, plain text, HTML and the XLSX attachment.

One Jinja2 Environment with autoescape ON (scraped tender names and agency names are untrusted
text): every template is escaped except the plain-text ones (`*.txt.j2`), which must show text
literally. Templates are in `digest/templates/`. The e-mail shows at most ``max_items`` leads per
section to stay short; the attachment always carries the full list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from digest.branch import BranchInfo
from digest.formatting import basis_label, is_pre_award, rupiah, safe_link, short_date
from digest.upcoming import UpcomingView
from digest.xlsx import workbook_bytes
from domain.npwp import format_npwp15, is_masked
from leads.lead_row import LeadRow

SUBJECT_PREFIX = "[lpse-leads]"
MAX_ITEMS = 50
NEW_SHEET = "Baru"
OVERDUE_SHEET = "Lewat tenggat"

ENV = Environment(
    loader=PackageLoader("digest", "templates"),
    autoescape=select_autoescape(
        enabled_extensions=("html", "html.j2"), disabled_extensions=("txt.j2",), default=True
    ),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """Everything an e-mail needs, already rendered; ``xlsx_bytes`` is the attachment file."""

    subject: str
    text: str
    html: str
    xlsx_bytes: bytes


#: How the e-mail names a channel other than SPSE.
SOURCE_LABELS = {"ekatalog": "e-Katalog v6", "inaproc-api": "API INAPROC"}


@dataclass(frozen=True, slots=True)
class LeadView:
    """One lead as the templates show it: values pre-formatted, so templates hold no logic."""

    name: str
    code: str
    site: str
    category: str
    agency: str
    work_unit: str
    contractor: str
    npwp: str
    location: str
    value: str
    basis: str
    pre_award: bool
    contribution: str
    jkk: str
    jkm: str
    contract_signed_on: str
    deadline: str
    days_overdue: int | None
    score: str
    url: str | None
    raw_url: str
    by_fallback: bool
    source: str | None = None  # the channel's label when not SPSE ("e-Katalog v6"), else None
    #: Set when the route is inferred (nearest office): says so, with the distance.
    route_note: str | None = None
    #: The lead's page in the workbench (``web.base_url``/leads/<id>), when one is published.
    page_url: str | None = None


def sort_by_score(leads: Sequence[LeadRow]) -> list[LeadRow]:
    """Highest score first; ties by larger contribution, then by site and code (stable output)."""
    return sorted(
        leads,
        key=lambda r: (-r.score, -(r.estimated_contribution or Decimal(0)), r.site, r.code),
    )


def npwp_display(value: str | None) -> str:
    """`01.544.863.2-009.000` for a full NPWP; a masked or 16-digit one as stored; `–` if none."""
    if not value:
        return "–"
    if is_masked(value) or (len(value) == 16 and not value.startswith("0")):
        return value
    try:
        return format_npwp15(value)
    except ValueError:
        return value


def _location(lead: LeadRow) -> str:
    """`Kota Balikpapan, Kalimantan Timur`, whichever parts are known."""
    parts = [p for p in (lead.kabkota, lead.province) if p]
    return ", ".join(parts) if parts else "–"


def route_note(lead: LeadRow) -> str | None:
    """`Rute perkiraan: …` for a lead routed to the nearest office of its province, else None."""
    if lead.route_basis != "inferred_nearest":
        return None
    km = "" if lead.route_distance_km is None else f" ±{lead.route_distance_km:.0f} km"
    return (
        f"Rute perkiraan: kantor terdekat di provinsi ini{km} (belum dikonfirmasi BPJS) "
        f"— route inferred: nearest office{km}"
    )


def lead_view(lead: LeadRow, page_url: str | None = None) -> LeadView:
    """The display form of one lead (``page_url``: its workbench page, if any)."""
    return LeadView(
        name=lead.name,
        code=lead.code,
        site=lead.site,
        category=lead.category,
        agency=lead.agency or "–",
        work_unit=lead.work_unit or "–",
        contractor=lead.contractor_name or "belum ada pemenang",
        npwp=npwp_display(lead.contractor_npwp),
        location=_location(lead),
        value=rupiah(lead.value),
        basis=basis_label(lead.value_basis),
        pre_award=is_pre_award(lead.value_basis),
        contribution=rupiah(lead.estimated_contribution),
        jkk=rupiah(lead.jkk),
        jkm=rupiah(lead.jkm),
        contract_signed_on=short_date(lead.contract_signed_on),
        deadline=short_date(lead.deadline),
        days_overdue=lead.days_overdue if lead.days_overdue and lead.days_overdue > 0 else None,
        score=f"{lead.score:.1f}",
        url=safe_link(lead.url),
        raw_url=lead.url,
        by_fallback=lead.branch is None,
        page_url=safe_link(page_url),
        source=SOURCE_LABELS.get(lead.source, lead.source) if lead.source != "spse" else None,
        route_note=route_note(lead),
    )


def total_contribution(leads: Sequence[LeadRow]) -> Decimal:
    """Sum of the estimated JKK+JKM of the leads whose estimate is known."""
    return sum((r.estimated_contribution for r in leads if r.estimated_contribution is not None), Decimal(0))


def digest_subject(
    branch: BranchInfo, day: dt.date, new: Sequence[LeadRow], overdue: Sequence[LeadRow]
) -> str:
    """`[lpse-leads] KC Balikpapan — 22 Nov 2026 — 7 proyek baru, estimasi iuran Rp12.345.678`."""
    counts = f"{len(new)} proyek baru"
    if overdue:
        counts += f", {len(overdue)} lewat tenggat"
    return (
        f"{SUBJECT_PREFIX} {branch.label} — {short_date(day)} — {counts}, "
        f"estimasi iuran {rupiah(total_contribution(new))}"
    )


def render_digest(
    branch: BranchInfo,
    day: dt.date,
    new: list[LeadRow],
    overdue: list[LeadRow],
    *,
    max_items: int = MAX_ITEMS,
    lead_pages: Mapping[tuple[str, str], str] | None = None,
    upcoming: Sequence[UpcomingView] = (),
) -> RenderedDigest:
    """Render the digest for ``branch`` on ``day``: new leads first, then open overdue ones.

    ``lead_pages`` maps (site, code) to the lead's workbench page; each card links to it.
    ``upcoming``: the branch's largest planned construction (SiRUP), the "akan datang" part.
    """
    pages = lead_pages or {}
    new_sorted = sort_by_score(new)
    overdue_sorted = sort_by_score(overdue)
    context = {
        "branch": branch,
        "day": short_date(day),
        "subject": digest_subject(branch, day, new_sorted, overdue_sorted),
        "total": rupiah(total_contribution(new_sorted)),
        "new": [lead_view(r, pages.get((r.site, r.code))) for r in new_sorted[:max_items]],
        "new_more": max(len(new_sorted) - max_items, 0),
        "new_count": len(new_sorted),
        "overdue": [lead_view(r, pages.get((r.site, r.code))) for r in overdue_sorted[:max_items]],
        "overdue_more": max(len(overdue_sorted) - max_items, 0),
        "overdue_count": len(overdue_sorted),
        "upcoming": list(upcoming),
        "any_fallback": branch.fallback or any(r.branch is None for r in [*new_sorted, *overdue_sorted]),
    }
    return RenderedDigest(
        subject=context["subject"],
        text=ENV.get_template("digest.txt.j2").render(context),
        html=ENV.get_template("digest.html.j2").render(context),
        xlsx_bytes=workbook_bytes([(NEW_SHEET, new_sorted), (OVERDUE_SHEET, overdue_sorted)]),
    )
