"""`export_rasa` writes a Rasa 3 project that `rasa train nlu` takes with no edit.

Training it for real is `tests/nlu/test_rasa_server.py`; these check the files' shape.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from nlu.rasa_export import ExportError, ExportOptions, export_rasa, unique_examples
from nlu.taxonomy import CATEGORIES
from nlu.training_data import load_examples, parse_examples_block


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _exported_texts(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        if path.name.startswith("nlu-"):
            for item in _read(path)["nlu"]:
                texts.extend(parse_examples_block(item["examples"]))
    return texts


def test_export_writes_the_rasa_3_layout(tmp_path: Path) -> None:
    paths = export_rasa(tmp_path / "rasa")
    names = {path.relative_to(tmp_path / "rasa").as_posix() for path in paths}
    assert {"config.yml", "domain.yml", "data/regexes.yml", "data/nlu-en.yml"} <= names
    assert {f"data/nlu-{code}.yml" for code in ("fr", "ar", "es", "pt", "sw")} <= names
    domain = _read(tmp_path / "rasa" / "domain.yml")
    assert domain["version"] == "3.1"
    assert domain["intents"] == list(CATEGORIES)
    english = (tmp_path / "rasa" / "data" / "nlu-en.yml").read_text(encoding="utf-8")
    assert "examples: |" in english


def test_every_example_is_exported_once(tmp_path: Path) -> None:
    texts = _exported_texts(export_rasa(tmp_path / "rasa"))
    folded = Counter(" ".join(text.casefold().split()) for text in texts)
    assert [text for text, count in folded.items() if count > 1] == []
    assert len(texts) == len(unique_examples(load_examples()))
    assert len(texts) > 3000


def test_the_pipeline_needs_no_downloaded_model(tmp_path: Path) -> None:
    export_rasa(tmp_path / "rasa", options=ExportOptions(epochs=7))
    config = _read(tmp_path / "rasa" / "config.yml")
    names = [component["name"] for component in config["pipeline"]]
    assert names[0] == "WhitespaceTokenizer" and names[-1] == "DIETClassifier"
    assert not {"SpacyNLP", "MitieNLP", "LanguageModelFeaturizer"} & set(names)
    assert config["pipeline"][-1]["epochs"] == 7


def test_perpetrator_words_become_valid_regex_features(tmp_path: Path) -> None:
    export_rasa(tmp_path / "rasa")
    regexes = _read(tmp_path / "rasa" / "data" / "regexes.yml")["nlu"]
    assert {item["regex"] for item in regexes} >= {"perpetrator_army", "perpetrator_police"}
    for item in regexes:
        for pattern in parse_examples_block(item["examples"]):
            re.compile(pattern)


def test_a_subset_for_a_quick_model(tmp_path: Path) -> None:
    options = ExportOptions(languages=["en", "fr"], per_intent=3, epochs=1)
    paths = export_rasa(tmp_path / "rasa", options=options)
    assert sorted(p.name for p in paths if p.name.startswith("nlu-")) == [
        "nlu-en.yml",
        "nlu-fr.yml",
    ]
    for path in paths:
        if path.name.startswith("nlu-"):
            for item in _read(path)["nlu"]:
                assert len(parse_examples_block(item["examples"])) <= 3


def test_an_existing_project_is_not_overwritten(tmp_path: Path) -> None:
    export_rasa(tmp_path / "rasa")
    config = tmp_path / "rasa" / "config.yml"
    config.write_text("# the operator's own pipeline\n", encoding="utf-8")
    with pytest.raises(ExportError, match="exists"):
        export_rasa(tmp_path / "rasa")
    assert config.read_text(encoding="utf-8") == "# the operator's own pipeline\n"
    export_rasa(tmp_path / "rasa", options=ExportOptions(overwrite=True))
    assert "pipeline" in config.read_text(encoding="utf-8")


def test_unknown_languages_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="xx"):
        export_rasa(tmp_path / "rasa", options=ExportOptions(languages=["xx"]))
