"""A synthetic world for matching tests and the benchmark: packages, and a noisy registry with known truth.

Real registry exports are not public, so we generate them the way people type them: abbreviations
("Pemb.", "Rehab.", "Kab."), typos, upper/lower case, swapped word order, PT./Tbk/(Persero) variants,
15- vs 16-digit and dotted NPWPs, tender codes mostly missing, values off by an addendum, plus decoy
registrations of projects that are not among the packages but look like them (same contractor,
same kind of work, a neighbouring village, another year). The truth says which registration belongs
to which package, so precision and recall can be measured.

Packages are dicts in the package record shape (docs/package-format.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from leads.registry_file import Registration

SITES: tuple[str, ...] = (
    "http://127.0.0.1:8081/kaltim",
    "http://127.0.0.1:8081/kalsel",
    "http://127.0.0.1:8081/sumsel",
    "http://127.0.0.1:8081/nasional",
)

#: (kab/kota code, SPSE-style name) for generated locations: branch-covered, fallback and other regions.
REGIONS: tuple[tuple[str, str], ...] = (
    ("64.71", "Balikpapan (Kota)"),
    ("64.72", "Samarinda (Kota)"),
    ("64.02", "Kutai Kartanegara (Kab.)"),
    ("64.74", "Bontang (Kota)"),
    ("63.71", "Banjarmasin (Kota)"),
    ("63.02", "Kotabaru (Kab.)"),
    ("62.71", "Palangkaraya (Kota)"),
    ("61.71", "Pontianak (Kota)"),
    ("65.71", "Tarakan (Kota)"),
    ("16.71", "Palembang (Kota)"),
    ("16.03", "Muara Enim (Kab.)"),
    ("12.71", "Medan (Kota)"),
)

_WORKS = ("Pembangunan", "Rehabilitasi", "Peningkatan", "Pemeliharaan", "Pelebaran", "Pengawasan")
_OBJECTS = (
    "Jalan",
    "Jembatan",
    "Gedung Kantor",
    "Saluran Irigasi",
    "Drainase",
    "Puskesmas",
    "Ruang Kelas Baru SDN",
    "Talud Penahan Tanah",
    "Pasar Rakyat",
    "Embung",
    "Dermaga",
    "Rumah Dinas",
)
_SYLLABLES = (
    "ba", "bu", "ka", "ku", "ma", "mu", "sa", "su", "ta", "tu", "ra", "ri", "la", "li", "na", "ni",
    "da", "di", "ja", "jo", "ga", "go", "wa", "wi", "pa", "pe", "ha", "he", "ya", "yo", "ng", "an",
)  # fmt: skip
_FIRM_WORDS = (
    "Karya", "Abadi", "Jaya", "Mandiri", "Sejahtera", "Bangun", "Persada", "Utama", "Cipta", "Mitra",
    "Konstruksi", "Perkasa", "Sentosa", "Makmur", "Nusantara", "Borneo", "Mahakam", "Lestari",
)  # fmt: skip
_ABBREVIATE = {
    "Pembangunan": "Pemb.",
    "Rehabilitasi": "Rehab.",
    "Peningkatan": "Peningk.",
    "Pemeliharaan": "Pemel.",
    "Jalan": "Jl.",
    "Kecamatan": "Kec.",
    "Kabupaten": "Kab.",
    "Desa": "Ds.",
    "Jembatan": "Jemb.",
    "Gedung": "Gd.",
}


@dataclass(frozen=True)
class Contractor:
    """A generated firm: display name (with its legal form) and 15-digit NPWP."""

    name: str
    npwp: str


@dataclass(frozen=True)
class NoisyRegistry:
    """Registrations and their truth: registration_no → (site, code) of the package it registers."""

    registrations: list[Registration]
    truth: dict[str, tuple[str, str]]


def _place(rng: random.Random) -> str:
    """A made-up village-like name: three or four syllables, capitalised."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()


def make_contractors(rng: random.Random, count: int) -> list[Contractor]:
    """``count`` firms with distinct names and NPWPs."""
    names: set[str] = set()
    firms: list[Contractor] = []
    while len(firms) < count:
        core = f"{rng.choice(_FIRM_WORDS)} {_place(rng)} {rng.choice(_FIRM_WORDS)}"
        if core in names:
            continue
        names.add(core)
        form = rng.choice(("PT.", "PT", "CV.", "CV"))
        npwp = f"{rng.randint(1, 99):02d}{rng.randrange(10**13):013d}"
        firms.append(Contractor(name=f"{form} {core}", npwp=npwp))
    return firms


def _mask(npwp: str) -> str:
    """The national SPSE masked form of an NPWP's 16-digit key (digits 1,2,4,7,12,13,16 shown)."""
    key = npwp if len(npwp) == 16 else "0" + npwp
    shown = {0, 1, 3, 6, 11, 12, 15}
    return "".join(c if i in shown else "*" for i, c in enumerate(key))


def make_packages(count: int, seed: int = 1, *, contractors: int | None = None) -> Iterator[dict]:
    """``count`` construction packages with winners (every fifth also a contract), in the record shape."""
    rng = random.Random(seed)
    firms = make_contractors(rng, contractors or max(count // 5, 10))
    for n in range(count):
        site = SITES[n % len(SITES)]
        firm = rng.choice(firms)
        year = rng.choice((2025, 2026))
        place, district = _place(rng), _place(rng)
        name = f"{rng.choice(_WORKS)} {rng.choice(_OBJECTS)} Desa {place} Kecamatan {district}"
        if rng.random() < 0.15:
            name += f" Tahap {rng.choice(('I', 'II', 'III'))}"
        budget = Decimal(rng.randrange(150, 25000)) * 1_000_000
        hps = (budget * Decimal("0.98")).quantize(Decimal(1))
        offer = (hps * Decimal(rng.randint(85, 99)) / 100).quantize(Decimal(1))
        national = site.endswith("/nasional")
        winner = {
            "name": firm.name,
            "npwp": _mask(firm.npwp) if national else firm.npwp,
            "offer_value": offer,
        }
        if rng.random() < 0.5:
            winner["corrected_value"] = offer
        code_region = rng.choice(REGIONS)
        signed = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
        record: dict = {
            "site": site,
            "list": "tender",
            "code": f"{10_000_000 + n}",
            "name": name,
            "flags": [],
            "stage": "Tender Sudah Selesai",
            "agency": "Pemerintah Daerah",
            "work_unit": "Dinas Pekerjaan Umum",
            "category": "Pekerjaan Konstruksi",
            "fiscal_year": year,
            "budget_value": budget,
            "estimate_value": hps,
            "locations": [f"Desa {place} - {code_region[1]}"],
            "winners": [winner],
            "contract_winners": [],
            "stages": [{"name": "Penandatanganan Kontrak", "start": f"{signed.isoformat()}T10:00:00+07:00"}],
            "_kabkota_code": code_region[0],
        }
        if n % 5 == 0:
            record["contract_winners"] = [{**winner, "contract_value": offer}]
        yield record


def _typo(rng: random.Random, word: str) -> str:
    """One character dropped, doubled or swapped with its neighbour inside a word of 6+ letters."""
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def noisy_project(rng: random.Random, name: str) -> str:
    """The project name as a registry clerk might type it."""
    words = name.split()
    words = [_ABBREVIATE.get(w, w) if rng.random() < 0.4 else w for w in words]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = _typo(rng, words[i])
    if rng.random() < 0.2 and "Desa" in name:  # "Jalan Desa X Kecamatan Y" → "Kecamatan Y, Jalan Desa X"
        cut = len(words) - 2
        words = words[cut:] + words[:cut]
    text = " ".join(words)
    return rng.choice((text, text, text.upper(), text.lower()))


def noisy_firm(rng: random.Random, name: str) -> str:
    """The contractor name with its legal form moved, re-punctuated, decorated or misspelt."""
    if " " not in name.strip():
        return name
    form, core = name.strip().split(" ", 1)
    bare = form.rstrip(".")
    variants = (
        f"{bare}. {core}",
        f"{core}, {bare}",
        f"{bare} {core} Tbk",
        f"{bare} {core} (Persero)",
        f"{bare}.{core.upper()}",
        f"{bare} {' '.join(_typo(rng, w) for w in core.split())}",
    )
    return rng.choice(variants)


def noisy_npwp(rng: random.Random, npwp: str) -> str | None:
    """15 digits, 16 digits with a leading 0, the dotted 15-digit form, or missing."""
    choice = rng.randrange(4)
    if choice == 0:
        return npwp
    if choice == 1:
        return "0" + npwp
    if choice == 2:
        return f"{npwp[:2]}.{npwp[2:5]}.{npwp[5:8]}.{npwp[8]}-{npwp[9:12]}.{npwp[12:]}"
    return None


def _year(package: dict) -> int:
    """The package's fiscal year (2026 when the page did not say)."""
    return int(package.get("fiscal_year") or 2026)


def _value(package: dict, winner: dict) -> Decimal | None:
    """The contract value a registry would hold: contract, negotiated, corrected, offer, else HPS."""
    keys = ("contract_value", "negotiated_value", "corrected_value", "offer_value")
    found = next((winner[k] for k in keys if winner.get(k) is not None), None)
    return found if found is not None else package.get("contract_value") or package.get("estimate_value")


def _registered_on(rng: random.Random, package: dict) -> dt.date:
    """A registration date in the package's fiscal year (or early the next)."""
    year = _year(package) + (1 if rng.random() < 0.1 else 0)
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def noisy_registry(
    packages: list[dict], fraction: float = 0.3, decoys: float = 0.2, seed: int = 2
) -> NoisyRegistry:
    """Register ``fraction`` of the packages with noise, and add ``decoys`` × that many look-alike decoys."""
    rng = random.Random(seed)
    registered = rng.sample(range(len(packages)), round(len(packages) * fraction))
    rows: list[Registration] = []
    truth: dict[str, tuple[str, str]] = {}
    for n, i in enumerate(registered):
        package = packages[i]
        winner = (package["contract_winners"] or package["winners"])[0]
        firm_npwp = winner.get("npwp") or "*"
        full = firm_npwp if "*" not in firm_npwp else None
        value = _value(package, winner)
        if value is not None and rng.random() < 0.3:
            value = (value * Decimal(rng.randint(97, 105)) / 100).quantize(Decimal(1))
        number = f"JK-{n:07d}"
        rows.append(
            Registration(
                registration_no=number,
                project_name=noisy_project(rng, package["name"]),
                contractor_name=noisy_firm(rng, winner["name"]),
                npwp=noisy_npwp(rng, full) if full else None,
                contract_value=value if rng.random() < 0.85 else None,
                registered_on=_registered_on(rng, package),
                tender_code=package["code"] if rng.random() < 0.3 else None,
            )
        )
        truth[number] = (package["site"], package["code"])
    _add_decoys(rng, packages, rows, round(len(registered) * decoys))
    rng.shuffle(rows)
    return NoisyRegistry(registrations=_normalised(rows), truth=truth)


def _add_decoys(rng: random.Random, packages: list[dict], rows: list[Registration], count: int) -> None:
    """Registrations of projects NOT among the packages, built to look like real ones."""
    for n in range(count):
        model = packages[rng.randrange(len(packages))]
        winner = (model["winners"] or model["contract_winners"])[0]
        value = _value(model, winner) or Decimal(100_000_000)
        kind = n % 3
        words = model["name"].split()
        if kind == 0:  # same contractor, same kind of work, another village
            name = " ".join([*words[:-3], _place(rng), *words[-2:]])
            firm, npwp, year = winner["name"], winner.get("npwp"), _year(model)
        elif kind == 1:  # same project text, another firm and another year (a later phase)
            name = model["name"] + " Lanjutan"
            firm, npwp, year = f"CV {_place(rng)} {rng.choice(_FIRM_WORDS)}", None, _year(model) + 3
        else:  # an unrelated private project
            name = f"{rng.choice(_WORKS)} Gudang Swasta {_place(rng)}"
            firm, npwp, year = f"PT {_place(rng)} {rng.choice(_FIRM_WORDS)}", None, _year(model)
        rows.append(
            Registration(
                registration_no=f"JK-D{n:07d}",
                project_name=noisy_project(rng, name),
                contractor_name=noisy_firm(rng, firm) if " " in firm else firm,
                npwp=npwp if npwp and "*" not in npwp else None,
                contract_value=(value * rng.choice((Decimal("0.4"), Decimal("2.5")))).quantize(
                    Decimal("0.01")
                ),
                registered_on=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            )
        )


def _normalised(rows: list[Registration]) -> list[Registration]:
    """NPWPs in their stored form (digits only), as ``read_registry`` would give them."""
    from domain.npwp import normalise_npwp

    return [
        Registration(**{**{f: getattr(r, f) for f in Registration.__slots__}, "npwp": normalise_npwp(r.npwp)})
        for r in rows
    ]


def packages_for_match(packages: list[dict]) -> Iterator:
    """The generated packages as ``PackageForMatch`` values."""
    from leads.matching import PackageForMatch

    for p in packages:
        winners = p["contract_winners"] + p["winners"]
        yield PackageForMatch(
            site=p["site"],
            code=p["code"],
            name=p["name"],
            fiscal_year=p.get("fiscal_year"),
            contractor_names=tuple(dict.fromkeys(w["name"] for w in winners if w.get("name"))),
            npwps=tuple(dict.fromkeys(w["npwp"] for w in winners if w.get("npwp"))),
            values=tuple(v for w in winners for v in (w.get("contract_value"), w.get("offer_value")) if v),
        )


def write_registry_csv(path: Path, registrations: list[Registration]) -> None:
    """Registrations as a registry export with the canonical header (what ``registry import`` reads)."""
    from leads.registry_file import FIELDS

    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(FIELDS)
        for r in registrations:
            writer.writerow(["" if getattr(r, f) is None else str(getattr(r, f)) for f in FIELDS])
