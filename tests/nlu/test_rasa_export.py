"""`export_rasa` writes a project Rasa 3 can train on from our data."""

from __future__ import annotations

from pathlib import Path

import yaml

from nlu.rasa_export import export_rasa
from nlu.taxonomy import CATEGORIES
from nlu.training_data import load_examples, parse_examples_block


def test_export_writes_nlu_and_domain(tmp_path: Path) -> None:
    nlu_path, domain_path = export_rasa(tmp_path / "rasa")
    nlu = yaml.safe_load(nlu_path.read_text(encoding="utf-8"))
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
    assert nlu["version"] == "3.1" and domain["version"] == "3.1"
    assert [item["intent"] for item in nlu["nlu"]] == list(CATEGORIES)
    assert domain["intents"] == list(CATEGORIES)
    exported = sum(len(parse_examples_block(item["examples"])) for item in nlu["nlu"])
    assert exported == len(load_examples())
    assert "examples: |" in nlu_path.read_text(encoding="utf-8")
