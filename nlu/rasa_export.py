"""Write our training data as a Rasa 3 project that `rasa train nlu` trains with no edit.

A deployment that prefers Rasa trains on exactly what the built-in model learns from, then
points `TOCSIN_RASA_URL` at its server; intents keep our taxonomy ids so answers map back.

The project has the Rasa 3 layout: `config.yml` (the pipeline, explained in
`docs/design-notes.md`), `domain.yml`, and `data/nlu-<language>.yml`, one file per language so
a deployment can drop the languages it does not serve. Perpetrator words go in as `regex`
entries, which Rasa's `RegexFeaturizer` turns into features. A sentence appears once: the
first intent that claims it keeps it (Rasa's validator refuses the same example twice).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.extraction.perpetrator import PERPETRATOR_WORDS
from nlu.taxonomy import CATEGORIES
from nlu.training_data import DATA_DIR, Example, load_examples

RASA_FORMAT_VERSION = "3.1"
DEFAULT_EPOCHS = 100


class ExportError(Exception):
    """The project cannot be written as asked (a file is in the way, a bad option)."""


@dataclass(frozen=True)
class ExportOptions:
    """What to write: `per_intent` caps examples per intent and language (None: all)."""

    epochs: int = DEFAULT_EPOCHS
    languages: Sequence[str] | None = None
    per_intent: int | None = None
    overwrite: bool = False


class _Literal(str):
    """A string dumped in YAML block style (`examples: |`), as Rasa files are written."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def _dump(document: object) -> str:
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def _block(lines: Iterable[str]) -> _Literal:
    return _Literal("".join(f"- {line}\n" for line in lines))


def pipeline_config(epochs: int = DEFAULT_EPOCHS) -> dict[str, object]:
    """Rasa's `config.yml`: a language-agnostic pipeline that needs no downloaded model.

    Whitespace tokens plus character n-grams read French, Arabic and Swahili alike (no
    language-specific tokenizer or spaCy model, nothing fetched at training time); DIET
    classifies intents only, because places, times and counts are read by Tocsin itself.
    """
    return {
        "recipe": "default.v1",
        "language": "xx",
        "assistant_id": "tocsin-incidents",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "RegexFeaturizer", "case_sensitive": False},
            {"name": "LexicalSyntacticFeaturizer"},
            {"name": "CountVectorsFeaturizer"},
            {
                "name": "CountVectorsFeaturizer",
                "analyzer": "char_wb",
                "min_ngram": 2,
                "max_ngram": 5,
            },
            {
                "name": "DIETClassifier",
                "epochs": epochs,
                "entity_recognition": False,
                "constrain_similarities": True,
                "random_seed": 1,
            },
        ],
        "policies": [],
    }


def unique_examples(examples: Iterable[Example]) -> list[Example]:
    """Each sentence once, case and spacing ignored; the first intent that has it keeps it."""
    seen: set[str] = set()
    kept = []
    for example in examples:
        key = " ".join(example.text.casefold().split())
        if key not in seen:
            seen.add(key)
            kept.append(example)
    return kept


def _language_document(examples: Sequence[Example], per_intent: int | None) -> dict:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        if per_intent is None or len(by_intent[example.intent]) < per_intent:
            by_intent[example.intent].append(example.text)
    items = [
        {"intent": intent, "examples": _block(by_intent[intent])}
        for intent in CATEGORIES
        if by_intent[intent]
    ]
    return {"version": RASA_FORMAT_VERSION, "nlu": items}


def _regex_document() -> dict:
    items = [
        {"regex": f"perpetrator_{kind}", "examples": _block(patterns)}
        for kind, patterns in PERPETRATOR_WORDS.items()
    ]
    return {"version": RASA_FORMAT_VERSION, "nlu": items}


def _planned(directory: Path, languages: Sequence[str]) -> list[Path]:
    data = directory / "data"
    return [
        directory / "config.yml",
        directory / "domain.yml",
        data / "regexes.yml",
        *(data / f"nlu-{language}.yml" for language in languages),
    ]


def export_rasa(
    directory: Path, data_dir: Path = DATA_DIR, options: ExportOptions | None = None
) -> list[Path]:
    """Write the Rasa project into `directory`; return the paths written.

    Refuses (ExportError) to overwrite an existing file unless `options.overwrite`.
    """
    options = options or ExportOptions()
    if options.epochs < 1 or (options.per_intent is not None and options.per_intent < 1):
        raise ExportError("epochs and examples per intent must be at least 1")
    examples = unique_examples(load_examples(data_dir))
    by_language: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_language[example.language].append(example)
    languages = sorted(by_language)
    if options.languages:
        unknown = sorted(set(options.languages) - set(languages))
        if unknown:
            raise ExportError(f"no training data in {', '.join(unknown)}")
        languages = [language for language in languages if language in options.languages]
    directory = Path(directory)
    paths = _planned(directory, languages)
    existing = [path for path in paths if path.exists()]
    if existing and not options.overwrite:
        raise ExportError(f"{existing[0]} exists; choose an empty directory or use --force")
    (directory / "data").mkdir(parents=True, exist_ok=True)
    config_path, domain_path, regex_path, *language_paths = paths
    config_path.write_text(_dump(pipeline_config(options.epochs)), encoding="utf-8")
    intents = sorted(
        {e.intent for language in languages for e in by_language[language]},
        key=CATEGORIES.index,
    )
    domain = {
        "version": RASA_FORMAT_VERSION,
        "intents": intents,
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }
    domain_path.write_text(_dump(domain), encoding="utf-8")
    regex_path.write_text(_dump(_regex_document()), encoding="utf-8")
    for language, path in zip(languages, language_paths, strict=True):
        document = _language_document(by_language[language], options.per_intent)
        path.write_text(_dump(document), encoding="utf-8")
    return paths
