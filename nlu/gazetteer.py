"""The loaded gazetteer: flat arrays of places, admin areas and countries with hashed names.

Loading is a single cached file read (nlu.cache), so every process that builds an `Nlu` gets
the worldwide gazetteer in well under a second. The deployment's country scope is applied at
query time (nlu.geotagger), so one cached index serves every scope.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Collection, Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np

from nlu import (
    country_names,
    gazetteer_build,
    gazetteer_keys,
    geo_admin,
    geo_time_words,
    place_nicknames,
    text,
)
from nlu.cache import fingerprint, load_or_build_arrays, module_source
from nlu.gazetteer_build import KIND_ADMIN1, KIND_ADMIN2, KIND_COUNTRY, KIND_PLACE

PRECISION = {
    KIND_PLACE: "place",
    KIND_ADMIN1: "admin",
    KIND_ADMIN2: "admin",
    KIND_COUNTRY: "country",
}
EARTH_KM = 6371.0088
# Bumped when the arrays change shape or meaning in a way the builder's source does not show.
FORMAT = 3
# A common name ("San Jose") can have hundreds of owners: the most populous are kept.
MAX_OWNERS = 40
BUCKET_BITS = 20
BUCKETS = 1 << BUCKET_BITS
SCAN_STEPS = 6


class Gazetteer:
    """Entries (index -> name, position, population, kind, country, admin1) and a name index."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.lat = arrays["lat"]
        self.lon = arrays["lon"]
        self.population = arrays["population"]
        self.kind = arrays["kind"]
        self.country_index = arrays["country"]
        self.admin1 = arrays["admin1"]
        self.geonameid = arrays["geonameid"]
        # Areas, countries, larger places and the deployment's villages (see gazetteer_build)
        self.notable = arrays["notable"]
        # Words of time of day, never read as a place ("at dawn", "à midi")
        self.time_words = frozenset(str(arrays["time_words"]).split("\n"))
        self.names = str(arrays["names"]).split("\n")
        self.countries = str(arrays["countries"]).split("\n")
        self.key_hash = arrays["key_hash"]
        self.key_entry = arrays["key_entry"]
        self.key_flags = arrays["key_flags"]
        # Buckets on the top bits of the keys: a look-up reads one or two cache lines
        # instead of binary-searching a million keys (keys are uniformly spread hashes).
        bucket_starts = np.arange(BUCKETS + 1, dtype=np.uint64) << np.uint64(64 - BUCKET_BITS)
        bucket_starts[-1] = np.iinfo(np.uint64).max
        self.bucket_offsets = np.searchsorted(self.key_hash, bucket_starts[:-1]).astype(np.int64)
        self.bucket_offsets = np.append(self.bucket_offsets, len(self.key_hash))
        self.first_keys = arrays["first_keys"]
        self.admin2 = arrays["admin2"]
        self.spelled_names = str(arrays["spelled_names"]).split("\n")
        self.spelled_entries = arrays["spelled_entries"]
        # Memoryviews hand out plain Python numbers three times faster than numpy scalar
        # indexing, without copying: the matcher and the ranker read entries one at a time.
        self._keys = memoryview(self.key_hash)
        self._offsets = memoryview(self.bucket_offsets)
        self._firsts = memoryview(self.first_keys)
        self._key_entry = memoryview(self.key_entry)
        self._key_flags = memoryview(self.key_flags)
        self.view = EntryView(self)
        self._tree = None
        self._tree_lock = threading.Lock()

    @classmethod
    def load(
        cls,
        cache_dir: Path | None,
        extras: Sequence[Path] = (),
        countries: Collection[str] | None = None,
        names_files: Sequence[Path] = (),
    ) -> Gazetteer:
        """The cached gazetteer, built on first use (worldwide: about twenty seconds, once).

        A deployment scoped to a few countries gets an index of those countries only: faster
        to build and smaller in memory. `extras` are GeoNames country files, `names_files`
        alternateNames files (both written by `tocsin gazetteer import`).
        """
        scope = sorted({c.upper() for c in countries}) if countries else None
        sources = gazetteer_build.source_files([*extras, *names_files])
        code = module_source(
            gazetteer_build,
            gazetteer_keys,
            geo_admin,
            geo_time_words,
            text,
            country_names,
            place_nicknames,
        )
        versions = [f"babel {version('babel')}", f"format {FORMAT}"]
        key = fingerprint(sources, [*code, *versions, ",".join(scope or ["world"])])
        name = "gazetteer-" + ("-".join(scope)[:40] if scope else "world")

        def build() -> dict[str, np.ndarray]:
            return gazetteer_build.build_arrays(extras, set(scope) if scope else None, names_files)

        return cls(load_or_build_arrays(cache_dir, name, key, build))

    def __len__(self) -> int:
        return len(self.names)

    def has(self, key: int) -> bool:
        """True when some entry is called by this name key (one bucket, a few reads)."""
        bucket = key >> (64 - BUCKET_BITS)
        low, high = self._offsets[bucket], self._offsets[bucket + 1]
        if high - low > SCAN_STEPS:
            low = bisect.bisect_left(self._keys, key, low, high)
            return low < high and self._keys[low] == key
        keys = self._keys
        return any(keys[i] == key for i in range(low, high))

    def begins_longer(self, key: int) -> bool:
        """True when a single-word key is the first word of some name of two or more words."""
        firsts = self._firsts
        position = bisect.bisect_left(firsts, key)
        return position < len(firsts) and firsts[position] == key

    def lookup(self, key: int) -> list[tuple[int, int]]:
        """(entry, flags) of every owner of a name key, most populous first."""
        bucket = key >> (64 - BUCKET_BITS)
        low, high = self._offsets[bucket], self._offsets[bucket + 1]
        keys = self._keys
        sorted_run = high - low > SCAN_STEPS
        if sorted_run:
            low = bisect.bisect_left(keys, key, low, high)
        hits = []
        for i in range(low, high):
            if keys[i] == key:
                hits.append((self._key_entry[i], self._key_flags[i]))
                if len(hits) >= MAX_OWNERS:
                    break
            elif hits or sorted_run:
                break
        return hits

    def by_spelling(
        self, typed: str, *, limit: int = 20, typos: bool = True
    ) -> list[tuple[int, bool]]:
        """(entry, exact prefix?) of larger places whose name starts with `typed` or (with
        `typos`) is one typo away from it, for a name that matched no name exactly."""
        if len(typed) < 4:
            return []
        found: list[tuple[int, bool]] = []
        start = bisect.bisect_left(self.spelled_names, typed)
        for position in range(start, len(self.spelled_names)):
            if not self.spelled_names[position].startswith(typed) or len(found) >= limit:
                break
            found.append((int(self.spelled_entries[position]), True))
        if found or not typos:
            return found
        low = bisect.bisect_left(self.spelled_names, typed[:1])
        high = bisect.bisect_left(self.spelled_names, typed[:1] + "\uffff")
        for position in range(low, high):
            if within_one_edit(typed, self.spelled_names[position]):
                found.append((int(self.spelled_entries[position]), False))
                if len(found) >= limit:
                    break
        return found

    def country_of(self, entry: int) -> str:
        return self.countries[self.view.country[entry]]

    def admin1_name(self, entry: int) -> str | None:
        if self.view.kind[entry] == KIND_ADMIN1:
            return self.names[entry]
        parent = self.view.admin1[entry]
        return self.names[parent] if parent >= 0 else None

    def build_spatial_index(self) -> None:
        """The k-d tree of places on the unit sphere (about half a second, once)."""
        with self._tree_lock:
            if self._tree is not None:
                return
            from scipy.spatial import cKDTree

            self._place_ids = np.flatnonzero(self.kind == KIND_PLACE)
            points = unit_vectors(self.lat[self._place_ids], self.lon[self._place_ids])
            self._tree = cKDTree(points) if len(points) else None

    def nearest_place(self, lat: float, lon: float) -> int | None:
        """The populated place nearest to a point, through a k-d tree on the unit sphere."""
        self.build_spatial_index()
        if self._tree is None:
            return None
        _, position = self._tree.query(unit_vectors(np.array([lat]), np.array([lon]))[0])
        return int(self._place_ids[int(position)])


class EntryView:
    """Per-entry columns as memoryviews: `view.lat[entry]` is a Python float, cheaply."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.lat = memoryview(gazetteer.lat)
        self.lon = memoryview(gazetteer.lon)
        self.population = memoryview(gazetteer.population)
        self.kind = memoryview(gazetteer.kind)
        self.country = memoryview(gazetteer.country_index)
        self.admin1 = memoryview(gazetteer.admin1)
        self.admin2 = memoryview(gazetteer.admin2)
        self.notable = memoryview(gazetteer.notable)


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat.astype(np.float64)), np.radians(lon.astype(np.float64))
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def within_one_edit(a: str, b: str) -> bool:
    """True when `a` and `b` differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]
