"""What the fake SPSE shows: listing pages, DataTables rows and detail pages, rendered from the world.

Everything here is a pure function of (world, slug, day): the HTTP protocol (tokens, Referer,
faults) lives in `server.py`. Pages imitate the national SPSE v4.5 markup (th.bgwarning label
rows, ul.nav-tabs, nested winner tables) with our own templates.
"""

from __future__ import annotations

import hashlib
import random
import threading
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from domain.dates import format_id_date, format_id_datetime
from domain.money import format_rupiah
from fake_spse.http import Response
from fake_spse.model import Package
from fake_spse.routes import available_tabs, tab_label, tab_path
from fake_spse.rows import HEADERS, LISTINGS, dt_row
from fake_spse.world import World

NOT_FOUND_TEXT = "Halaman yang dituju tidak ditemukan"
RECORD_TITLES = {
    "darurat": "Informasi Pengadaan Darurat",
    "pencatatan": "Informasi Paket",
    "swakelola": "Informasi Swakelola",
}
#: Largest `length` a list call honours (the national host answered 100000 in 2026, §10.1).
MAX_LENGTH = 100_000
#: A cap once reported for SPSE list calls ("300 was the maximum", protocol §5), for `page_cap`.
REPORTED_CAP = 300


class Site:
    """Renders every page of a world; caches list rows per (slug, list, day)."""

    def __init__(self, world: World):
        self.world = world
        self.env = Environment(
            loader=PackageLoader("fake_spse", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self._rows: dict[tuple[str, str, int], list[tuple[Package, list[str | None]]]] = {}
        self._lock = threading.Lock()
        #: Most rows one list call answers, silently (no error, no hint): MAX_LENGTH as the national
        #: host in 2026, or a cap such as REPORTED_CAP when a test asks for a capping host.
        self.page_cap = MAX_LENGTH

    def render(self, template: str, slug: str, **context: Any) -> str:
        """One template with the values every page needs."""
        context.setdefault("title", "Informasi Tender")
        context.setdefault("heading", context["title"])
        # The site's clock, as every real page's footer script carries it (seedTime, epoch ms).
        context.setdefault("now_ms", int(self.world.now.timestamp() * 1000))
        return self.env.get_template(template).render(slug=slug, year=self.world.year, **context)

    def message(self, slug: str, status: int, headline: str, text: str, kind: str) -> Response:
        """A plain message page (Akses Ditolak!, not found, SPSE error)."""
        body = self.render(
            "message.html", slug, title="Informasi", headline=headline, message=text, level="danger"
        )
        return Response(status, body, kind=kind)

    def server_error_page(self, slug: str) -> str:
        """The ~32 KB HTTP-500 page of a broken tab (SPSE's error text plus a long trace)."""
        trace = "".join(
            f'<div class="trace">at play.mvc.ActionInvoker.invoke(ActionInvoker.java:{n})</div>\n'
            for n in range(370)
        )
        text = "Maaf, terjadi error pada aplikasi SPSE. Kode Error: 5f3a2c10"
        return (
            self.render(
                "message.html",
                slug,
                title="Terjadi Kesalahan",
                headline="Terjadi Kesalahan",
                message=text,
                level="danger",
            )
            + trace
        )

    def not_found(self, slug: str) -> Response:
        """SPSE's HTTP-200 answer for an unknown kode."""
        return self.message(slug, 200, "Informasi", f"{NOT_FOUND_TEXT}.", "not_found")

    def listing(self, slug: str, kind: str, tahun: int, token: str) -> str:
        """The listing page with the year selector and the DataTable init holding the token."""
        page, endpoint, heading, order = LISTINGS[kind]
        years = list(range(self.world.year + 1, self.world.year - 5, -1))
        return self.render(
            "listing.html",
            slug,
            title=heading,
            page=page,
            endpoint=endpoint,
            tahun=tahun,
            years=years,
            token=token,
            headers=HEADERS[kind],
            default_order=order,
        )

    def rows(self, slug: str, kind: str) -> list[tuple[Package, list[str | None]]]:
        """Today's rows of one list (all years), computed once per day."""
        key = (slug, kind, self.world.day)
        with self._lock:
            cached = self._rows.get(key)
        if cached is None:
            now = self.world.now
            cached = [(p, dt_row(p, p.state(now))) for p in self.world.packages(slug) if p.list == kind]
            with self._lock:
                self._rows[key] = cached
        return cached

    def datatable(self, slug: str, kind: str, form: dict[str, str], rng: random.Random) -> dict[str, Any]:
        """The DataTables JSON answer: filtered by tahun, ordered, paged by start/length."""
        selected = self.rows(slug, kind)
        tahun = form.get("tahun", "")
        if tahun.isdigit():
            selected = [r for r in selected if int(tahun) in r[0].fiscal_years]
        search = form.get("search[value]", "").strip().lower()
        if search:
            selected = [r for r in selected if search in r[0].name.lower() or search in r[0].code]
        column = form.get("order[0][column]", "5")
        descending = form.get("order[0][dir]", "desc").lower() != "asc"
        if column == "0":
            ordered = sorted(selected, key=lambda r: int(r[0].code), reverse=descending)
        else:
            # Announcement date, ties broken at random per request: unstable, as on the real site.
            ties = {id(r): rng.random() for r in selected}
            ordered = sorted(selected, key=lambda r: (r[0].announced.date(), ties[id(r)]), reverse=descending)
        start = max(0, _int(form.get("start"), 0))
        length = _int(form.get("length"), -1)
        length = self.page_cap if length <= 0 else min(length, self.page_cap)
        page = ordered[start : start + length]
        return {
            "draw": str(_int(form.get("draw"), 0)),
            "recordsTotal": 2147483647,
            "recordsFiltered": 2147483647,
            "data": [r[1] for r in page],
        }

    def detail(self, slug: str, kind: str, tab: str, code: str) -> Response:
        """A detail page; 200 "not found" for an unknown kode, 404 for a tab the package lacks."""
        p = self.world.find(slug, kind, code)
        if p is None:
            return self.not_found(slug)
        now = self.world.now
        state = p.state(now)
        if tab != "jadwal" and tab not in available_tabs(p, state):
            return self.message(
                slug, 404, "Halaman tidak tersedia", "Halaman tidak tersedia untuk paket ini.", "absent_tab"
            )
        tabs = [
            {"label": tab_label(p, t), "href": tab_path(slug, p, t), "active": t == tab}
            for t in available_tabs(p, state)
        ]
        tender = p.list == "tender"
        common = {
            "p": p,
            "state": state,
            "tabs": tabs,
            "noun": "Tender" if tender else "Non Tender",
            "title": "Informasi Tender" if tender else "Informasi Paket",
            "budget": format_rupiah(p.budget),
            "estimate": format_rupiah(p.estimate) if p.estimate is not None else "",
        }
        if p.is_record:
            return self._record(slug, p, tab, common)
        if tab == "pengumuman":
            body = self.render(
                "pengumuman.html",
                slug,
                created=format_id_date(p.created),
                stage_noun="Tender" if tender else "Paket",
                jadwal_href=tab_path(slug, p, "jadwal"),
                dl_hash=hashlib.sha256(f"{slug}:{p.code}".encode()).hexdigest(),
                **common,
            )
        elif tab == "peserta":
            body = self.render("peserta.html", slug, **common)
        elif tab == "jadwal":
            body = self._jadwal(slug, p, common)
        else:
            body = self._winners(slug, p, tab, common)
        return Response(200, body, kind=tab)

    def _record(self, slug: str, p: Package, tab: str, common: dict[str, Any]) -> Response:
        """Darurat, pencatatan and swakelola: one announcement and one realisation page each."""
        now = self.world.now
        swakelola = p.list == "swakelola"
        labels = {
            "title": RECORD_TITLES[p.list],
            "code_label": "Kode Swakelola" if swakelola else "Kode Paket",
            "name_label": "Nama Swakelola" if swakelola else "Nama Paket",
            "agency_label": "K/L/PD" if swakelola else "K/L/PD/Instansi Lainnya",
        }
        if tab == "pengumuman":
            fiscal = str(p.fiscal_years[0])
            if p.funding_source:  # pencatatan, swakelola: "APBN 2026" with the real page's padding
                fiscal = f" {p.funding_source} {fiscal}\u00a0\u00a0\u00a0"
            body = self.render(
                "record_pengumuman.html",
                slug,
                created=format_id_date(p.created),
                rup=p.list != "darurat",
                fiscal=fiscal,
                **{**common, **labels},
            )
        else:
            shown = p.visible_realisations(now)
            rows = [(label, format_rupiah(v), format_id_date(d)) for label, v, d in shown]
            body = self.render(
                "record_realisasi.html",
                slug,
                rows=rows,
                finished=common["state"].finished,
                realised=format_rupiah(p.realised(now)),
                finished_date=format_id_date(p.finished_at.date()) if p.finished_at else "",
                **{**common, **labels},
            )
        return Response(200, body, kind=f"{p.list}_{tab}")

    def _jadwal(self, slug: str, p: Package, common: dict[str, Any]) -> str:
        """The schedule page; its navbar names the package like the real one."""
        noun = "Tender" if p.list == "tender" else "Paket"
        heading = f"Tahap {noun} Saat Ini - [{p.code}] {p.name}"
        history = "jadwal" if p.list == "tender" else "jadwalnontender"
        rows = [
            {
                "name": s.name,
                "start": format_id_datetime(s.start),
                "end": format_id_datetime(s.end),
                "changes": s.changes,
                "history": f"/{slug}/{history}/{int(p.code) + 1000 * (i + 1)}/history",
            }
            for i, s in enumerate(p.schedule(self.world.now))
        ]
        return self.render("jadwal.html", slug, rows=rows, **{**common, "heading": heading})

    def _winners(self, slug: str, p: Package, tab: str, common: dict[str, Any]) -> str:
        """Pemenang or Pemenang Berkontrak: the outer label table with the nested winner table."""
        if tab == "pemenang":
            columns = ["Harga Penawaran", "Harga Terkoreksi"]
            if p.list == "non_tender":
                columns.append("Hasil Negosiasi")
            rows = [
                {
                    "name": w.name,
                    "street": w.street,
                    "place": w.place,
                    "npwp": w.npwp,
                    "values": [format_rupiah(w.offer), format_rupiah(w.corrected)]
                    + ([format_rupiah(w.negotiated)] if w.negotiated is not None else []),
                }
                for w in p.winners
            ]
        else:
            columns = ["Harga Kontrak", "Nilai PDN", "Nilai UMK"]
            rows = [
                {
                    "name": w.name,
                    "street": w.street,
                    "place": w.place,
                    "npwp": w.npwp,
                    "values": [
                        format_rupiah(w.contract),
                        format_rupiah(w.pdn),
                        format_rupiah(w.umk) if w.umk is not None else "",
                    ],
                }
                for w in (p.winners if common["state"].contract else ())  # empty until signed
            ]
        return self.render("pemenang.html", slug, columns=columns, rows=rows, **common)


def _int(text: str | None, default: int) -> int:
    """A form integer, or the default for a missing or malformed value."""
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
