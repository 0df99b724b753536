"""The SPSE 4.x public-page protocol: site URLs, listing pages, DataTables calls, detail URLs.

Everything a spider needs to *address* an SPSE site lives here as plain functions and data,
so the spider holds only the crawl logic and the tests can check each URL and form field
without a reactor. Reference: docs/spse-protocol.md §2–§7 in the shared folder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

__all__ = [
    "LIST_KINDS",
    "ListKind",
    "SiteUrlError",
    "announcement_headers",
    "announcement_url",
    "check_year",
    "datatables_body",
    "datatables_headers",
    "detail_tabs",
    "endpoint_url",
    "listing_url",
    "normalise_site",
    "origin_of",
    "parse_sites",
    "schedule_url",
    "tab_headers",
    "tab_key",
    "token_from_cookie",
    "token_from_page",
]


class SiteUrlError(ValueError):
    """A configured site URL that cannot be an SPSE base URL (wrong scheme, no host)."""


@dataclass(frozen=True, slots=True)
class ListKind:
    """One DataTables list of an SPSE site and the detail pages its rows lead to.

    Paths are appended to the site base unchanged; `{year}` and `{code}` are filled in.
    `tabs` maps our tab key to a regex that recognises that tab's link (path part) on the
    announcement page, so the spider follows only the tabs a package actually shows.
    """

    name: str
    listing_path: str
    endpoint_path: str
    columns: int
    announcement_path: str
    schedule_path: str | None
    tabs: tuple[tuple[str, str], ...]
    #: tab key → path of that tab, for pages read without first reading the announcement.
    tab_paths: tuple[tuple[str, str], ...] = ()


# Tab keys: what the spider does with the page behind each one.
WINNERS = "pemenang"
CONTRACT = "pemenangberkontrak"
REALISATION = "realisasi"
SCHEDULE = "jadwal"

LIST_KINDS: dict[str, ListKind] = {
    kind.name: kind
    for kind in (
        ListKind(
            name="tender",
            listing_path="/lelang?kategoriId=&tahun={year}&instansiId=&rekanan=&kontrak_status=&kontrak_tipe=",
            endpoint_path="/dt/lelang?rekanan=&tahun={year}&instansiId=",
            columns=16,
            announcement_path="/lelang/{code}/pengumumanlelang",
            schedule_path="/lelang/{code}/jadwal",
            tabs=(
                (WINNERS, r"/evaluasi/[^/?#]+/pemenang/?$"),
                (CONTRACT, r"/evaluasi/[^/?#]+/pemenangberkontrak/?$"),
            ),
            tab_paths=(
                (WINNERS, "/evaluasi/{code}/pemenang"),
                (CONTRACT, "/evaluasi/{code}/pemenangberkontrak"),
            ),
        ),
        ListKind(
            name="non_tender",
            listing_path="/nontender?kategoriId=&tahun={year}&instansiId=&rekanan=",
            endpoint_path="/dt/pl?rekanan=&tahun={year}&instansiId=",
            columns=12,
            announcement_path="/nontender/{code}/pengumumanpl",
            schedule_path="/nontender/{code}/jadwal",
            tabs=(
                (WINNERS, r"/evaluasinontender/[^/?#]+/pemenang/?$"),
                (CONTRACT, r"/evaluasinontender/[^/?#]+/pemenangberkontrak/?$"),
            ),
            tab_paths=(
                (WINNERS, "/evaluasinontender/{code}/pemenang"),
                (CONTRACT, "/evaluasinontender/{code}/pemenangberkontrak"),
            ),
        ),
        ListKind(
            name="darurat",
            listing_path="/darurat?tahun={year}",
            endpoint_path="/dt/darurat-list?tahun={year}",
            columns=8,
            announcement_path="/darurat/pengumumandarurat?id={code}",
            schedule_path=None,
            tabs=((REALISATION, r"/darurat/pengumumandaruratpemenang$"),),
            tab_paths=((REALISATION, "/darurat/pengumumandaruratpemenang?id={code}"),),
        ),
        ListKind(
            name="pencatatan",
            listing_path="/pencatatan?kategoriId=&tahun={year}&instansiId=&rekanan=",
            endpoint_path="/dt/nonspk?rekanan=&tahun={year}&instansiId=",
            columns=9,
            announcement_path="/pencatatan/pengumumannonspk?id={code}",
            schedule_path=None,
            tabs=((REALISATION, r"/pencatatan/pengumumannonspkpemenang$"),),
            tab_paths=((REALISATION, "/pencatatan/pengumumannonspkpemenang?id={code}"),),
        ),
        ListKind(
            name="swakelola",
            listing_path="/swakelola?tahun={year}",
            endpoint_path="/dt/swakelola?tahun={year}",
            columns=8,
            announcement_path="/swakelola/{code}/pengumuman",
            schedule_path=None,
            tabs=((REALISATION, r"/swakelola/pengumumanswakelolapelaksana/[^/?#]+$"),),
            tab_paths=((REALISATION, "/swakelola/pengumumanswakelolapelaksana/{code}"),),
        ),
    )
}


def normalise_site(url: str) -> str:
    """The base URL of one SPSE site, as the natural key uses it: scheme, host, path, no trailing slash.

    Accepts the national form `https://spse.inaproc.id/<slug>` and the legacy
    `https://lpse.<x>.go.id/eproc4`; rejects anything but http(s) with a host.
    """
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise SiteUrlError(f"site URL must start with http:// or https://, got {url!r}")
    if not parts.hostname:
        raise SiteUrlError(f"site URL has no host: {url!r}")
    if parts.query or parts.fragment:
        raise SiteUrlError(f"site URL must be a base URL without ?query or #fragment: {url!r}")
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def parse_sites(value: str | Iterable[str]) -> list[str]:
    """Site base URLs from `-a site=URL[,URL…]` (or a list of such strings): normalised, once each."""
    chunks = [value] if isinstance(value, str) else list(value)
    sites: list[str] = []
    for chunk in chunks:
        for part in chunk.split(","):
            if part.strip():
                site = normalise_site(part)
                if site not in sites:
                    sites.append(site)
    if not sites:
        raise SiteUrlError("no site URL given (e.g. https://spse.inaproc.id/kemkes)")
    return sites


def check_year(value: str | int) -> int:
    """A fiscal year to crawl: an integer from 2000 to next year (SPSE 4 appeared in 2016)."""
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ValueError(f"year must be a number like 2026, got {value!r}") from None
    latest = dt.date.today().year + 1
    if not 2000 <= year <= latest:
        raise ValueError(f"year must be between 2000 and {latest}, got {year}")
    return year


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL: the `Origin` header a browser sends with the list POST."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def listing_url(site: str, kind: ListKind, year: int) -> str:
    """The listing page (GET): it carries the token and is the Referer of every later request."""
    return site + kind.listing_path.format(year=year)


def endpoint_url(site: str, kind: ListKind, year: int) -> str:
    """The DataTables endpoint (POST) of a list."""
    return site + kind.endpoint_path.format(year=year)


def announcement_url(site: str, kind: ListKind, code: str) -> str:
    """The announcement (pengumuman) page of one package: the first detail request."""
    return site + kind.announcement_path.format(code=code)


def schedule_url(site: str, kind: ListKind, code: str) -> str | None:
    """The jadwal page of one package, for lists that have one (tender, non tender)."""
    return site + kind.schedule_path.format(code=code) if kind.schedule_path else None


def page_url(site: str, kind: ListKind, key: str, code: str) -> str | None:
    """The URL of one tab (or the jadwal) of a package, built without reading its announcement."""
    if key == SCHEDULE:
        return schedule_url(site, kind, code)
    path = dict(kind.tab_paths).get(key)
    return site + path.format(code=code) if path else None


_SITE_CLOCK = re.compile(r"seedTime\s*:\s*parseInt\(\s*(\d{12,14})\s*\)")


def site_time(text: str) -> dt.datetime | None:
    """The site's own clock from the footer script every SPSE page carries (`seedTime: parseInt(<ms>)`)."""
    m = _SITE_CLOCK.search(text)
    if not m:
        return None
    return dt.datetime.fromtimestamp(int(m.group(1)) / 1000, dt.timezone(dt.timedelta(hours=7)))


def tab_key(kind: ListKind, href: str) -> str | None:
    """Which of our tabs an announcement-page link is (pemenang, pemenangberkontrak, …), or None.

    Matching the link's path (not its label) keeps peserta/hasil and unknown tabs out.
    """
    parts = urlsplit(href)
    for key, pattern in kind.tabs:
        if re.search(pattern, parts.path):
            return key
    return None


def detail_tabs(
    kind: ListKind, site: str, code: str, announcement: Mapping[str, Any], urljoin: Callable[[str], str]
) -> list[tuple[str, str]]:
    """The (tab key, URL) pages to read after a parsed announcement, in tab-bar order, then the jadwal.

    Only tabs the announcement shows and that we use (its stage decides which exist); the jadwal
    from the stage cell's link, else its usual path. `urljoin` resolves links against the page.
    """
    found: dict[str, str] = {}
    for tab in announcement.get("tabs") or []:
        key = tab_key(kind, tab.get("href") or "")
        if key is not None and key not in found:
            found[key] = urljoin(tab["href"])
    order = [key for key, _ in kind.tabs]
    todo = sorted(found.items(), key=lambda kv: order.index(kv[0]))
    usual = schedule_url(site, kind, code)
    if usual is not None:
        schedule = announcement.get("schedule_href")
        todo.append((SCHEDULE, urljoin(schedule) if schedule else usual))
    return todo


def announcement_headers(listing: str) -> dict[str, str]:
    """Headers of an announcement request: Referer = the listing page (without it: 403 Akses Ditolak)."""
    return {"Referer": listing}


def tab_headers(announcement: str) -> dict[str, str]:
    """Headers of a tab or jadwal request: Referer = the package's own announcement page."""
    return {"Referer": announcement}


def datatables_body(kind: ListKind, token: str, start: int, length: int, draw: int = 1) -> str:
    """Form-urlencoded DataTables body in the browser's field order, ordered by column 0 asc.

    Ordering by kode keeps pages stable between calls (the browser's default order is not);
    the token field is camelCase `authenticityToken` (snake_case gets 403).
    """
    pairs: list[tuple[str, str]] = [("draw", str(draw))]
    for i in range(kind.columns):
        pairs += [
            (f"columns[{i}][data]", str(i)),
            (f"columns[{i}][name]", ""),
            (f"columns[{i}][searchable]", "true"),
            (f"columns[{i}][orderable]", "true"),
            (f"columns[{i}][search][value]", ""),
            (f"columns[{i}][search][regex]", "false"),
        ]
    pairs += [
        ("order[0][column]", "0"),
        ("order[0][dir]", "asc"),
        ("start", str(start)),
        ("length", str(length)),
        ("search[value]", ""),
        ("search[regex]", "false"),
        ("authenticityToken", token),
    ]
    return urlencode(pairs)


def datatables_headers(listing: str) -> dict[str, str]:
    """Headers of the list POST as a browser sends them (XHR, Referer = listing page, Origin)."""
    return {
        "Accept": "application/json, text/javascript, */*; q=0.01",
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "X-Requested-With": "XMLHttpRequest",
        "Referer": listing,
        "Origin": origin_of(listing),
    }


_TOKEN_JS = re.compile(r"""d\.authenticityToken\s*=\s*['"]([0-9A-Za-z]+)['"]""")
_TOKEN_COOKIE = re.compile(r"___AT=([0-9A-Za-z]+)(?:&|$)")


def token_from_page(text: str) -> str | None:
    """The token from the listing page's inline JS line `d.authenticityToken = '<hex>';`."""
    m = _TOKEN_JS.search(text)
    return m.group(1) if m else None


def token_from_cookie(value: str) -> str | None:
    """The token inside an `SPSE_SESSION` cookie value (`<hex>-___AT=<token>&___TS=…`)."""
    m = _TOKEN_COOKIE.search(unquote(value or ""))
    return m.group(1) if m else None
