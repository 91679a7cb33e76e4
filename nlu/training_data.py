"""Training examples in Rasa NLU YAML (`nlu/data/*.yml`), one file per language.

Keeping the data in Rasa's format means the same examples train the built-in classifier and,
exported unchanged, a Rasa model (`tocsin nlu export-rasa`). The language of an example is the
file's stem (`fr.yml` -> "fr").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.taxonomy import CATEGORIES

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Example:
    """One training sentence with its category id and language."""

    text: str
    intent: str
    language: str


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The training files, sorted so that hashes and training are deterministic."""
    return sorted(data_dir.glob("*.yml"))


def parse_examples_block(block: str) -> list[str]:
    """The sentences of a Rasa `examples: |` block ("- text" per line)."""
    sentences = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("- "):
            text = line[2:].strip()
            if text:
                sentences.append(text)
    return sentences


def load_file(path: Path) -> list[Example]:
    """Examples of one Rasa NLU YAML file; unknown intents are an error, not silently kept."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is ten times faster
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    language = path.stem.split("_")[0]
    examples = []
    for item in document.get("nlu", []):
        intent = item.get("intent")
        if intent is None:
            continue  # synonyms, regexes and lookups carry no examples for us
        if intent not in CATEGORIES:
            raise ValueError(f"{path.name}: unknown intent {intent!r}")
        for text in parse_examples_block(item.get("examples", "")):
            examples.append(Example(text=text, intent=intent, language=language))
    return examples


def load_examples(data_dir: Path = DATA_DIR) -> list[Example]:
    """All examples of all languages."""
    examples: list[Example] = []
    for path in data_files(data_dir):
        examples.extend(load_file(path))
    return examples
