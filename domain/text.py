"""Text clean-up for values scraped from SPSE pages: entities, &nbsp;, badges, whitespace.

SPSE pages and DataTables cells mix HTML entities, non-breaking spaces and status badges
into free text; every parser needs the same clean form, so it lives here once.
"""

from __future__ import annotations

import copy
import html
import re

import lxml.etree
import lxml.html

_WHITESPACE = re.compile(r"\s+")
#: Characters lxml refuses in a string ("All strings must be XML compatible"): C0 controls, U+FFFE/F.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CHAR_REF = re.compile(r"&#(?:[xX](?P<hex>[0-9a-fA-F]+)|(?P<dec>[0-9]+));?")


def _without_controls(fragment: str) -> str:
    """Control characters, written raw or as a character reference (`&#1;`), replaced by a space."""

    def ref(m: re.Match[str]) -> str:
        code = int(m["hex"], 16) if m["hex"] else int(m["dec"])
        refused = (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or code in (0xFFFE, 0xFFFF)
        return " " if refused else m.group(0)

    return _CONTROLS.sub(" ", _CHAR_REF.sub(ref, fragment))


def clean_text(s: str) -> str:
    """Unescape HTML entities, turn &nbsp; into a space, collapse whitespace and strip."""
    return _WHITESPACE.sub(" ", html.unescape(s).replace("\xa0", " ")).strip()


def _is_badge(element: lxml.html.HtmlElement) -> bool:
    """True for a `<span class="badge …">` status badge (Tender Batal, Evaluasi Ulang, …)."""
    return element.tag == "span" and "badge" in (element.get("class") or "").split()


def split_badges_element(element: lxml.html.HtmlElement) -> tuple[str, list[str]]:
    """Like `split_badges` for an already parsed element (a table cell); the element is left unchanged."""
    root = copy.deepcopy(element)
    root.tail = None
    badges: list[str] = []
    for span in [el for el in root.iter() if _is_badge(el)]:
        text = clean_text(span.text_content())
        if text:
            badges.append(text)
        if span is root:
            return "", badges
        span.drop_tree()
    return clean_text(root.text_content()), badges


def split_badges(html_fragment: str) -> tuple[str, list[str]]:
    """Split a name cell into (clean name, badge texts); quotes of the class attribute don't matter.

    `Lampu &amp; Passbox <span class='badge badge-warning'>Tender Batal</span>`
    → `("Lampu & Passbox", ["Tender Batal"])`.
    Control characters count as whitespace (lxml refuses them, and they are never part of a name).
    """
    fragment = _without_controls(html_fragment or "")
    if not fragment.strip():
        return "", []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except lxml.etree.ParserError:  # only a markup declaration (`<!DOCTYPE`): lxml finds no document
        return "", []
    return split_badges_element(root)
