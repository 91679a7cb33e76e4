"""Loading (or training once) the classifier, and the word lists built from training data.

Kept apart from `engine` so that the cache key covers exactly what shapes the model: the
training files and the code that turns them into features and weights.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from nlu import classifier, stopwords, text, training_data
from nlu.cache import fingerprint, load_or_build_arrays, module_source
from nlu.classifier import LinearModel

MODEL_NAME = "classifier"


def load_classifier(cache_dir: Path | None, data_dir: Path = training_data.DATA_DIR) -> LinearModel:
    """The classifier trained on `data_dir`, from the cache when its key matches."""
    files = training_data.data_files(data_dir)
    key = fingerprint(files, module_source(classifier, text, training_data))

    def build() -> dict:
        return classifier.train(training_data.load_examples(data_dir)).to_arrays()

    return LinearModel.from_arrays(load_or_build_arrays(cache_dir, MODEL_NAME, key, build))


def load_common_words(
    cache_dir: Path | None, data_dir: Path = training_data.DATA_DIR
) -> dict[str, frozenset[str]]:
    """Words never read alone as a place in a sentence, by language ("" for every language):
    function words, the lexicons' one-word names ("gendarmes"; the words of a longer name stay
    places: "Mombasa" of the Mombasa Republican Council), month and weekday names, and, for
    each language, every word its training examples write in lower case. Kept per language
    because a common word of one language is a town in another ("matam", Portuguese for "they
    kill", is a city of Senegal).

    Cached with the training data's key: parsing the YAML files costs more than the rest of
    building an Nlu.
    """
    from nlu.extraction import perpetrator, victims, when_words

    files = training_data.data_files(data_dir)
    this = sys.modules[__name__]  # its own builder below too: an edit rebuilds the words
    modules = module_source(this, stopwords, text, training_data, perpetrator, victims, when_words)
    key = fingerprint(files, modules)

    def build() -> dict:
        extra = [*when_words.MONTHS, *when_words.WEEKDAYS, *victims.PEOPLE_WORDS]
        for table in (victims.GROUP_WORDS, perpetrator.PERPETRATOR_WORDS):
            for entries in table.values():
                extra.extend(w for w in entries if w.isalpha())
        by_language: dict[str, list[str]] = {}
        for example in training_data.load_examples(data_dir):
            words = by_language.setdefault(example.language, [])
            words.extend(word for word in example.text.split() if word.islower())
        arrays = {"every": np.array("\n".join(sorted(stopwords.common_words(extra))))}
        for language, words in by_language.items():
            folded = {t for word in words for t in text.tokens(word)}
            arrays[f"in_{language}"] = np.array("\n".join(sorted(folded)))
        return arrays

    arrays = load_or_build_arrays(cache_dir, "common-words-by-language", key, build)
    return {
        ("" if name == "every" else name.removeprefix("in_")): frozenset(
            filter(None, str(arrays[name]).split("\n"))
        )
        for name in arrays
    }
