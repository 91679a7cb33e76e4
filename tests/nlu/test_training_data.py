"""The shipped training data stays valid Rasa NLU YAML and covers every category."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from nlu.taxonomy import CATEGORIES
from nlu.training_data import DATA_DIR, data_files, load_examples, parse_examples_block

LANGUAGES = {"en", "fr", "ar", "es", "pt", "sw"}


def _check_rasa_nlu_schema(document: object, name: str) -> None:
    """Rasa 3 `nlu` file: version "3.1", and a list of `intent` items with `examples: |`."""
    assert isinstance(document, dict), name
    assert document.get("version") == "3.1", name
    assert set(document) <= {"version", "nlu"}, name
    assert isinstance(document["nlu"], list), name
    for item in document["nlu"]:
        assert isinstance(item, dict) and set(item) <= {"intent", "examples", "metadata"}, item
        assert isinstance(item["intent"], str)
        examples = item["examples"]
        assert isinstance(examples, str) and examples.endswith("\n"), item["intent"]
        lines = [line for line in examples.splitlines() if line.strip()]
        assert all(line.startswith("- ") for line in lines), item["intent"]


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.name)
def test_each_file_is_valid_rasa_nlu_yaml(path: Path) -> None:
    _check_rasa_nlu_schema(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def test_every_shipped_language_has_every_category() -> None:
    assert {path.stem for path in data_files()} >= LANGUAGES
    seen = {(e.language, e.intent) for e in load_examples()}
    for language in LANGUAGES:
        assert {intent for lang, intent in seen if lang == language} == set(CATEGORIES), language


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_conversation_languages_have_forty_examples_per_category(language: str) -> None:
    counts = Counter(e.intent for e in load_examples() if e.language == language)
    assert min(counts[c] for c in CATEGORIES) >= 40, counts


def test_no_example_is_repeated_within_a_language() -> None:
    counts = Counter((e.language, e.text.casefold()) for e in load_examples())
    assert [key for key, n in counts.items() if n > 1] == []


def test_examples_block_parsing_ignores_blank_lines() -> None:
    assert parse_examples_block("- one\n\n- two\n") == ["one", "two"]


def test_an_unknown_intent_is_refused(tmp_path: Path) -> None:
    (tmp_path / "en.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: weather\n  examples: |\n    - sunny\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="weather"):
        load_examples(tmp_path)


def test_data_dir_is_inside_the_package() -> None:
    assert DATA_DIR.parent.name == "nlu"
