"""Loading a deployment's own GeoNames files (`tocsin gazetteer import`).

The shipped gazetteer knows places of 500 people or more (118 in all of Burkina Faso); reports
name villages. GeoNames publishes, per country, every populated place and admin area
(`BF.txt`, or `BF.zip` holding it) and, separately, names by language (`alternateNamesV2`).
An import checks the file, keeps the rows that locate reports (populated places, admin
areas, localities, parks, forests and camps, optionally of one country; names tagged with a
language) and writes them, in the same GeoNames columns, into the deployment's gazetteer
directory. The NLU reads that directory at start-up; a changed file changes the cache key,
so the index is rebuilt once.

Writes go to a temporary file renamed into place: a bad or interrupted import leaves the
files already imported as they were.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PLACES_PREFIX = "places-"
NAMES_PREFIX = "names-"
# Feature classes kept from a country dump: P populated places, A admin areas and countries.
KEPT_CLASSES = frozenset({"P", "A"})
# And, of the other classes, the features that reports name as where something happened:
# localities and areas (GeoNames files many villages, quarters and estates as L.LCTY or
# L.AREA rather than as populated places), regions, military bases, refugee camps, and the
# parks, reserves and forests where armed groups keep their bases and attack from.
KEPT_FEATURES = frozenset(
    {
        *(("L", code) for code in ("LCTY", "AREA", "RGN", "MILB")),
        *(("L", code) for code in ("PRK", "RES", "RESF", "RESN", "RESW")),
        ("S", "CMPRF"),
        ("V", "FRST"),
    }
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class GazetteerImportError(ValueError):
    """A file that is not in a GeoNames format, or holds nothing usable."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import kept: the file written, its kind, rows kept and rows skipped."""

    path: Path
    kind: str  # "places" or "names"
    kept: int
    skipped: int


def imported_files(directory: Path | None) -> tuple[list[Path], list[Path]]:
    """(country dumps, alternate-name files) in a gazetteer directory, sorted."""
    if directory is None or not Path(directory).is_dir():
        return [], []
    files = sorted(Path(directory).glob("*.tsv"))
    return (
        [f for f in files if f.name.startswith(PLACES_PREFIX)],
        [f for f in files if f.name.startswith(NAMES_PREFIX)],
    )


def import_file(source: Path, directory: Path, country: str | None = None) -> ImportSummary:
    """Check `source` and write its usable rows into `directory` (see the module's doc)."""
    if country is not None and not _COUNTRY.match(country.upper()):
        raise GazetteerImportError(f"--country: {country!r} is not an ISO 3166 alpha-2 code")
    country = country.upper() if country else None
    lines = list(_read_lines(Path(source)))
    kind = detect_kind(lines)
    if kind == "places":
        kept, skipped = _place_rows(lines, country)
    else:
        kept, skipped = _name_rows(lines)
    if not kept:
        scope = f" for country {country}" if country else ""
        raise GazetteerImportError(f"{source}: no usable {kind} row{scope}")
    stem = country or _stem(Path(source))
    prefix = PLACES_PREFIX if kind == "places" else NAMES_PREFIX
    target = Path(directory) / f"{prefix}{stem}.tsv"
    _atomic_write(target, kept)
    return ImportSummary(target, kind, len(kept), skipped)


def detect_kind(lines: list[str]) -> str:
    """ "places" for a country dump (19 columns), "names" for alternateNames (4 to 10)."""
    for line in lines[:50]:
        cols = line.split("\t")
        if not cols[0].isdigit():
            continue
        if len(cols) >= 15 and _is_float(cols[4]) and _is_float(cols[5]):
            return "places"
        if 4 <= len(cols) <= 10 and cols[1].isdigit():
            return "names"
    raise GazetteerImportError(
        "not a GeoNames file: expected a country dump (geonameid, name, asciiname, "
        "alternatenames, latitude, longitude, ... 19 tab-separated columns) or an "
        "alternateNames file (alternateNameId, geonameid, isolanguage, name, ...)"
    )


def _locates_reports(feature_class: str, feature_code: str) -> bool:
    """Whether a feature of this class and code can be where a report happened."""
    return feature_class in KEPT_CLASSES or (feature_class, feature_code) in KEPT_FEATURES


def _place_rows(lines: list[str], country: str | None) -> tuple[list[str], int]:
    kept, skipped = [], 0
    for line in lines:
        cols = line.split("\t")
        valid = (
            len(cols) >= 15
            and cols[0].isdigit()
            and _is_float(cols[4])
            and _is_float(cols[5])
            and (not cols[14] or cols[14].lstrip("-").isdigit())
            and -90 <= float(cols[4]) <= 90
            and -180 <= float(cols[5]) <= 180
        )
        if not valid:
            skipped += 1
        elif _locates_reports(cols[6], cols[7]) and (country is None or cols[8] == country):
            kept.append("\t".join(cols[:19]))
    return kept, skipped


def _name_rows(lines: list[str]) -> tuple[list[str], int]:
    from nlu.place_names import NOT_LANGUAGES

    kept, skipped = [], 0
    for line in lines:
        cols = line.split("\t")
        if not (4 <= len(cols) <= 10 and cols[0].isdigit() and cols[1].isdigit() and cols[3]):
            skipped += 1
        elif cols[2] and cols[2].lower() not in NOT_LANGUAGES:
            kept.append("\t".join(cols))
    return kept, skipped


def _read_lines(source: Path) -> Iterator[str]:
    """The text lines of a .txt/.tsv file, or of the data file inside a GeoNames .zip."""
    if not source.is_file():
        raise GazetteerImportError(f"{source}: no such file")
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            members = [n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n]
            if not members:
                raise GazetteerImportError(f"{source}: the archive holds no .txt data file")
            with archive.open(members[0]) as raw:
                yield from _text_lines(io.TextIOWrapper(raw, encoding="utf-8"), source)
        return
    with source.open(encoding="utf-8") as handle:
        yield from _text_lines(handle, source)


def _text_lines(handle: Iterable[str], source: Path) -> Iterator[str]:
    try:
        for line in handle:
            line = line.rstrip("\r\n")
            if line and not line.startswith("#"):
                yield line
    except UnicodeDecodeError as error:
        raise GazetteerImportError(f"{source}: not UTF-8 text ({error.reason})") from None


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _stem(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem)[:40] or "file"


def _atomic_write(target: Path, rows: list[str]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write("\n".join(rows) + "\n")
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
