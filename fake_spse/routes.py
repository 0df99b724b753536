"""URLs of the fake's pages: listing pages, detail tabs, and which package a detail URL names.

One table per list kind, both directions (`tab_path` builds a URL, `match_detail` reads one),
so the pages, the server's Referer rules and the truth never disagree about an address.
"""

from __future__ import annotations

from collections.abc import Mapping

from fake_spse.model import Package, State
from fake_spse.rows import LISTINGS

#: (list, tab) → path template after `/<slug>`; `{code}` in the path or in `?id=`.
TAB_PATHS: dict[tuple[str, str], str] = {
    ("tender", "pengumuman"): "/lelang/{code}/pengumumanlelang",
    ("tender", "peserta"): "/lelang/{code}/peserta",
    ("tender", "jadwal"): "/lelang/{code}/jadwal",
    ("tender", "pemenang"): "/evaluasi/{code}/pemenang",
    ("tender", "kontrak"): "/evaluasi/{code}/pemenangberkontrak",
    ("non_tender", "pengumuman"): "/nontender/{code}/pengumumanpl",
    ("non_tender", "peserta"): "/nontender/{code}/peserta",
    ("non_tender", "jadwal"): "/nontender/{code}/jadwal",
    ("non_tender", "pemenang"): "/evaluasinontender/{code}/pemenang",
    ("non_tender", "kontrak"): "/evaluasinontender/{code}/pemenangberkontrak",
    ("darurat", "pengumuman"): "/darurat/pengumumandarurat?id={code}",
    ("darurat", "kontrak"): "/darurat/pengumumandaruratpemenang?id={code}",
    ("pencatatan", "pengumuman"): "/pencatatan/pengumumannonspk?id={code}",
    ("pencatatan", "kontrak"): "/pencatatan/pengumumannonspkpemenang?id={code}",
    ("swakelola", "pengumuman"): "/swakelola/{code}/pengumuman",
    ("swakelola", "kontrak"): "/swakelola/pengumumanswakelolapelaksana/{code}",
}
TAB_LABELS = {
    "pengumuman": "Pengumuman",
    "peserta": "Peserta",
    "pemenang": "Pemenang",
    "kontrak": "Pemenang Berkontrak",
}
#: The realisation tab's label per record list.
RECORD_TAB_LABELS = {
    "darurat": "Pemenang Berkontrak",
    "pencatatan": "Pemenang Berkontrak",
    "swakelola": "Pelaksana Swakelola",
}


def _pattern(template: str) -> tuple[tuple[str, ...], bool]:
    """Path segments of a template with `{code}` as a wildcard, and whether the code is in `?id=`."""
    path, _, query = template.partition("?")
    return tuple(s for s in path.split("/") if s), bool(query)


_PATTERNS = {key: _pattern(template) for key, template in TAB_PATHS.items()}


def tab_path(slug: str, p: Package, tab: str) -> str:
    """Root-relative URL of one tab (or the jadwal) of a package."""
    return f"/{slug}" + TAB_PATHS[(p.list, tab)].format(code=p.code)


def listing_path(slug: str, kind: str) -> str:
    """Root-relative path of a list's listing page (without its query)."""
    return f"/{slug}/{LISTINGS[kind][0]}"


def match_detail(rest: list[str], query: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(list, tab, code) of a detail path after the slug, or None when it is no detail page."""
    for (kind, tab), (segments, by_id) in _PATTERNS.items():
        if len(segments) != len(rest):
            continue
        code = query.get("id", "") if by_id else ""
        ok = True
        for want, got in zip(segments, rest, strict=True):
            if want == "{code}":
                code = got
            elif want != got:
                ok = False
                break
        if ok and code:
            return kind, tab, code
    return None


def available_tabs(p: Package, state: State) -> list[str]:
    """The tabs a package has at its current stage, in tab-bar order (jadwal is not a tab)."""
    if p.is_record:
        return ["pengumuman", "kontrak"]
    tabs = ["pengumuman", "peserta"]
    if state.winner_named:  # Pemenang Berkontrak too, with an empty table until the contract (§7.6)
        tabs += ["pemenang", "kontrak"]
    return tabs


def tab_label(p: Package, tab: str) -> str:
    """The text of a tab in the tab bar."""
    if p.is_record and tab == "kontrak":
        return RECORD_TAB_LABELS[p.list]
    return TAB_LABELS[tab]
