"""Write our training data as a Rasa 3 project's `nlu.yml` and a minimal `domain.yml`.

A deployment that prefers Rasa trains on exactly what the built-in model learns from, then
points `TOCSIN_RASA_URL` at its server; intents keep our taxonomy ids so answers map back.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from nlu.taxonomy import CATEGORIES
from nlu.training_data import DATA_DIR, load_examples


class _Literal(str):
    """A string dumped in YAML block style (`examples: |`), as Rasa files are written."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def export_rasa(directory: Path, data_dir: Path = DATA_DIR) -> list[Path]:
    """Write `nlu.yml` (every language, grouped by intent) and `domain.yml`; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    by_intent: dict[str, list[str]] = defaultdict(list)
    for example in load_examples(data_dir):
        by_intent[example.intent].append(example.text)
    nlu_items = [
        {"intent": intent, "examples": _Literal("".join(f"- {t}\n" for t in by_intent[intent]))}
        for intent in CATEGORIES
        if by_intent[intent]
    ]
    nlu_path = directory / "nlu.yml"
    nlu_path.write_text(
        yaml.dump(
            {"version": "3.1", "nlu": nlu_items},
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            width=1000,
        ),
        encoding="utf-8",
    )
    domain_path = directory / "domain.yml"
    domain = {
        "version": "3.1",
        "intents": [item["intent"] for item in nlu_items],
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }
    domain_path.write_text(yaml.dump(domain, sort_keys=False), encoding="utf-8")
    return [nlu_path, domain_path]
