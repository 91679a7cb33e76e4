"""Admin areas derived at build time: districts of places, centroids, fast look-ups."""

from __future__ import annotations

import numpy as np

from nlu import Nlu
from nlu.gazetteer import Gazetteer
from nlu.gazetteer_build import KIND_ADMIN2, KIND_PLACE
from nlu.gazetteer_keys import key_of
from nlu.geo_admin import AdminRow, centroid


def _gazetteer(nlu: Nlu) -> Gazetteer:
    return nlu._geotagger.gazetteer


def test_centroid_is_right_across_the_antimeridian() -> None:
    rows = [AdminRow(-17.0, 179.5, "FJ", "a", "b"), AdminRow(-17.0, -179.5, "FJ", "a", "b")]
    lat, lon = centroid(rows)
    assert abs(lat + 17.0) < 0.01 and abs(abs(lon) - 180.0) < 0.01


def test_places_know_their_district_and_districts_their_region(nlu: Nlu) -> None:
    g = _gazetteer(nlu)
    kaya = next(e for e, _ in g.lookup(key_of(["kaya"])) if g.country_of(e) == "BF")
    assert g.view.kind[kaya] == KIND_PLACE
    district = g.view.admin2[kaya]
    assert district >= 0 and g.view.kind[district] == KIND_ADMIN2
    assert g.view.admin1[district] == g.view.admin1[kaya]
    assert "Sanmatenga" in g.names[district]


def test_districts_have_population(nlu: Nlu) -> None:
    g = _gazetteer(nlu)
    districts = np.flatnonzero(g.kind == KIND_ADMIN2)
    assert (g.population[districts] > 0).mean() > 0.5


def test_fast_lookups_agree_with_the_arrays(nlu: Nlu) -> None:
    g = _gazetteer(nlu)
    for words in (["mopti"], ["bobo", "dioulasso"], ["zzyxbogou"]):
        key = key_of(words)
        assert g.has(key) == bool(np.any(g.key_hash == np.uint64(key)))
    assert g.begins_longer(key_of(["bobo"]))
    assert not g.begins_longer(key_of(["zzyxbogou"]))
