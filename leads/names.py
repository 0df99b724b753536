"""Comparable forms of project and company names, for matching packages against the registry.

The registry is typed by people: "PT. Karya Abadi, Tbk" vs "KARYA ABADI PT", "Pemb. Jalan Desa" vs
"Pembangunan Jalan Desa". Both sides are reduced to the same token form (upper case, punctuation
gone, legal forms dropped from company names, common abbreviations expanded) so rapidfuzz's token
scorers see the same words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Company legal forms and decorations that say nothing about which company it is.
LEGAL_FORMS: frozenset[str] = frozenset(
    {"PT", "CV", "TBK", "PERSERO", "PERSEROAN", "TERBATAS", "UD", "FA", "FIRMA", "KOPERASI", "PD", "PERUM"}
)

#: Abbreviations seen in SPSE package names and registry entries → full word (after upper-casing).
ABBREVIATIONS: dict[str, str] = {
    "PEMB": "PEMBANGUNAN",
    "PEMBANG": "PEMBANGUNAN",
    "PBGN": "PEMBANGUNAN",
    "REHAB": "REHABILITASI",
    "REHABILITASI": "REHABILITASI",
    "PENINGK": "PENINGKATAN",
    "PENINGKT": "PENINGKATAN",
    "PEML": "PEMELIHARAAN",
    "PEMEL": "PEMELIHARAAN",
    "PELEB": "PELEBARAN",
    "KAB": "KABUPATEN",
    "KEC": "KECAMATAN",
    "KEL": "KELURAHAN",
    "DS": "DESA",
    "JL": "JALAN",
    "JLN": "JALAN",
    "GD": "GEDUNG",
    "SAL": "SALURAN",
    "JMB": "JEMBATAN",
    "JEMB": "JEMBATAN",
    "KNT": "KANTOR",
    "LANJ": "LANJUTAN",
    "LANJT": "LANJUTAN",
    "PKJ": "PEKERJAAN",
    "PEK": "PEKERJAAN",
    "KONST": "KONSTRUKSI",
    "PENGAW": "PENGAWASAN",
    "PERENC": "PERENCANAAN",
}

#: Small words that carry no identity in project names.
STOPWORDS: frozenset[str] = frozenset(
    {"DAN", "DI", "KE", "YANG", "UNTUK", "PADA", "DARI", "TA", "THN", "TAHUN"}
)


#: ASCII punctuation and spaces → space (``str.translate`` is much faster than a regex split).
_PUNCTUATION = {c: " " for c in range(128) if not chr(c).isalnum()}
_DOTTED_LETTER = re.compile(r"\b([A-Z])\.(?=[A-Z]\.)")


def _ascii_upper(text: str) -> str:
    """Upper-case ASCII with accents folded (registry tools sometimes add them)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.upper()


def tokens(text: str | None) -> list[str]:
    """Upper-case words of ``text``, punctuation removed; ``PT.``, ``P.T.`` and ``PT`` all become ``PT``."""
    if not text:
        return []
    upper = _ascii_upper(text)
    # ``search`` first: most dotted names ("PT. KARYA") have no dotted run, and ``sub`` with a
    # template costs a Python-level call per name even when nothing matches.
    if "." in upper and _DOTTED_LETTER.search(upper):
        upper = _DOTTED_LETTER.sub(r"\1", upper)  # P.T. → PT.
    return upper.translate(_PUNCTUATION).split()


@lru_cache(maxsize=131072)
def company_key(name: str | None) -> str:
    """A company name as sorted words without legal forms: ``PT. Karya Abadi Tbk`` → ``ABADI KARYA``."""
    words = [t for t in tokens(name) if t not in LEGAL_FORMS]
    return " ".join(sorted(words))


def project_tokens(name: str | None) -> list[str]:
    """A project name's words, abbreviations expanded, stopwords dropped (order kept)."""
    return [ABBREVIATIONS.get(t, t) for t in tokens(name) if t not in STOPWORDS]


def project_key(name: str | None) -> str:
    """The project name in comparable form (words joined by spaces, in the original order)."""
    return " ".join(project_tokens(name))
