"""`tocsin gazetteer import|info` on small files written in GeoNames' formats (tests/nlu/data)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from nlu import Nlu
from tocsin.cli import main

DATA = Path(__file__).parent / "data"
DUMP = DATA / "BF-sample.txt"
NAMES = DATA / "alternateNames-sample.txt"


@pytest.fixture
def gazetteer_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, nlu_cache_dir: Path) -> Path:
    directory = tmp_path / "gazetteer"
    monkeypatch.setenv("TOCSIN_GAZETTEER_DIR", str(directory))
    monkeypatch.setenv("TOCSIN_CACHE_DIR", str(nlu_cache_dir))
    monkeypatch.setenv("TOCSIN_COUNTRIES", "BF,ML")
    return directory


def _lines(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_import_keeps_places_and_areas_of_the_named_country(
    gazetteer_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gazetteer", "import", str(DUMP), "--country", "bf"]) == 0
    rows = _lines(gazetteer_env / "places-BF.tsv")
    ids = {row[0] for row in rows}
    # not Moura (ML), not the lake, not the hill; the locality and the park are kept
    assert ids == {"990101", "990102", "990104", "990106", "990107", "990109"}
    assert "imported 6 places and areas" in capsys.readouterr().out


def test_import_reads_a_geonames_zip(gazetteer_env: Path, tmp_path: Path) -> None:
    archive = tmp_path / "BF.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(DUMP, "BF.txt")
        handle.writestr("readme.txt", "not data")
    assert main(["gazetteer", "import", str(archive)]) == 0
    assert len(_lines(gazetteer_env / "places-BF.tsv")) == 7  # both countries' rows


def test_import_of_alternate_names_keeps_tagged_names_only(gazetteer_env: Path) -> None:
    assert main(["gazetteer", "import", str(NAMES)]) == 0
    (written,) = gazetteer_env.glob("names-*.tsv")
    languages = [row[2] for row in _lines(written)]
    assert "link" not in languages and languages.count("ar") == 3


def test_a_file_in_no_geonames_format_is_refused_and_nothing_is_lost(
    gazetteer_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gazetteer", "import", str(DUMP), "--country", "BF"]) == 0
    before = (gazetteer_env / "places-BF.tsv").read_text(encoding="utf-8")
    junk = tmp_path / "BF.txt"
    junk.write_text("name,lat,lon\nKaya,13.1,-1.1\n", encoding="utf-8")
    assert main(["gazetteer", "import", str(junk), "--country", "BF"]) == 1
    assert "not a GeoNames file" in capsys.readouterr().out
    assert (gazetteer_env / "places-BF.tsv").read_text(encoding="utf-8") == before


def test_a_country_with_no_rows_in_the_file_is_refused(
    gazetteer_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gazetteer", "import", str(DUMP), "--country", "NE"]) == 1
    assert "no usable places row for country NE" in capsys.readouterr().out
    assert not list(gazetteer_env.glob("*.tsv")) if gazetteer_env.exists() else True


def test_imported_villages_and_names_are_found_in_text(
    gazetteer_env: Path, nlu_cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["gazetteer", "import", str(DUMP)])
    main(["gazetteer", "import", str(NAMES)])
    nlu = Nlu(countries=["BF", "ML"], cache_dir=nlu_cache_dir, gazetteer_dir=gazetteer_env)
    village = nlu.geotag("Des soldats ont brûlé des cases à Koumbri-Gourma hier")[0]
    assert village.geonameid == 990102
    arabic = nlu.geotag("أحرق الجنود المنازل في كومبري")[0]
    assert arabic.geonameid == 990102
    assert nlu.place_names(village, "ar") == ["كومبري"]  # the historic name is left out
    assert nlu.place_names(village, "fr") == ["Koumbri du Gourma"]
    capsys.readouterr()
    assert main(["gazetteer", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert {item["file"] for item in info["imported"]} == {
        "places-BF-sample.tsv",
        "names-alternateNames-sample.tsv",
    }
    assert info["by_precision"]["admin"] > 0


def test_a_locality_and_a_park_of_the_imported_file_are_places(
    gazetteer_env: Path, nlu_cache_dir: Path
) -> None:
    """GeoNames files many villages and quarters as localities (L.LCTY), and armed groups
    attack from parks and forests: both are where a report happened."""
    main(["gazetteer", "import", str(DUMP)])
    nlu = Nlu(countries=["BF"], cache_dir=nlu_cache_dir, gazetteer_dir=gazetteer_env)
    locality = nlu.geotag("Des hommes armés ont enlevé deux bergers à Gangaol-Peulh")[0]
    assert locality.geonameid == 990107
    park = nlu.geotag("Gunmen based in the Kourtiagou park abducted three traders")[0]
    assert park.geonameid == 990109
    assert not nlu.geotag("Soldiers beat farmers near Colline de Tansila")


def test_a_province_of_the_imported_file_is_an_admin_area(
    gazetteer_env: Path, nlu_cache_dir: Path
) -> None:
    main(["gazetteer", "import", str(DUMP), "--country", "BF"])
    nlu = Nlu(countries=["BF", "ML"], cache_dir=nlu_cache_dir, gazetteer_dir=gazetteer_env)
    (area, *_) = nlu.geotag("Des hommes armés ont attaqué un village de la province du Yagha Est")
    assert (area.geonameid, area.precision) == (990104, "admin")


def test_with_the_deployment_scoped_its_own_moura_wins(
    gazetteer_env: Path, nlu_cache_dir: Path
) -> None:
    """ "Moura" is a town of Portugal to the world; in a Mali deployment with its GeoNames
    file, it is the village of Mali, in Latin and in Arabic script."""
    main(["gazetteer", "import", str(DUMP)])
    world = Nlu(cache_dir=nlu_cache_dir, warm_up=False)
    assert world.geotag("les soldats ont tué deux hommes à Moura", language="fr")[0].country == "PT"
    scoped = Nlu(countries=["ML", "BF"], cache_dir=nlu_cache_dir, gazetteer_dir=gazetteer_env)
    for text, language in (
        ("les soldats ont tué deux hommes à Moura", "fr"),
        ("قتل الجنود رجلين في مورا", "ar"),
    ):
        assert scoped.geotag(text, language=language)[0].geonameid == 990103
