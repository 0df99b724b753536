"""Parse failures and the HTTP-200 error pages of SPSE (protocol §9).

SPSE answers many failures with status 200 and an error text, so every callback must
classify a body before parsing it; otherwise an error page would parse as an empty package.
"""

from __future__ import annotations

import re

import lxml.html

from domain.text import clean_text


class ParseError(Exception):
    """A page or list response that is not what its parser expects (wrong page, bad value, bad JSON)."""


_SERVER_ERROR = ("maaf, terjadi error", "terjadi kesalahan")
_NOT_FOUND = ("halaman yang dituju tidak ditemukan",)
_ACCESS_DENIED = ("akses ditolak",)
_ERROR_CODE = re.compile(r"kode error\s*:?\s*(\S+)", re.I)
#: One word of every error phrase: a page without any of them cannot be an error page, so
#: the second lxml parse of a normal page (the hot path of every crawl) is skipped.
_ERROR_WORDS = ("terjadi", "ditemukan", "ditolak")


def _looks_like_html(text: str) -> bool:
    """True for an HTML document (as opposed to a DataTables JSON answer)."""
    head = text.lstrip()[:512].lower()
    return head.startswith("<") and ("<html" in head or "<!doctype" in head or "<head" in head)


def _visible_text(body: bytes) -> str:
    """The page text outside label/value tables: a package whose free text mentions
    "terjadi kesalahan" must not be taken for an error page."""
    try:
        doc = lxml.html.document_fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for node in doc.xpath("//script | //style | //table[.//th[contains(@class, 'bgwarning')]]"):
        node.drop_tree()
    return clean_text(doc.text_content())


def classify_page(body: bytes, status: int) -> str | None:
    """`server_error`, `not_found`, `access_denied`, `truncated`, or None for a normal page."""
    text = body.decode("utf-8", errors="replace")
    lowered = text.lower()
    if not any(word in lowered for word in _ERROR_WORDS):
        visible = ""
    elif _looks_like_html(text):
        visible = _visible_text(body).lower()
    else:
        visible = lowered
    if status == 403 or any(s in visible for s in _ACCESS_DENIED):
        return "access_denied"
    if any(s in visible for s in _SERVER_ERROR) or status >= 500:
        return "server_error"
    if status == 404 or any(s in visible for s in _NOT_FOUND):
        return "not_found"
    if _looks_like_html(text) and not text.rstrip().lower().endswith("</html>"):
        return "truncated"
    return None


def error_code(body: bytes) -> str | None:
    """The `Kode Error: X` shown on an SPSE server-error page, for the log; None when absent."""
    m = _ERROR_CODE.search(_visible_text(body))
    return m.group(1) if m else None
