"""Loading (or training once) the classifier, and the word lists built from training data.

Kept apart from `engine` so that the cache key covers exactly what shapes the model: the
training files and the code that turns them into features and weights.
"""

from __future__ import annotations

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
) -> frozenset[str]:
    """Words never read alone as a place in a sentence: function words, the lexicons' words,
    month and weekday names, and every word written in lower case in the training data.

    Cached with the training data's key: parsing the YAML files costs more than the rest of
    building an Nlu.
    """
    from nlu.extraction import perpetrator, victims, when_words

    files = training_data.data_files(data_dir)
    modules = module_source(stopwords, text, training_data, perpetrator, victims, when_words)
    key = fingerprint(files, modules)

    def build() -> dict:
        extra = [*when_words.MONTHS, *when_words.WEEKDAYS, *victims.PEOPLE_WORDS]
        for table in (victims.GROUP_WORDS, perpetrator.PERPETRATOR_WORDS):
            for entries in table.values():
                extra.extend(w for w in entries if w.replace(" ", "").isalpha())
        for example in training_data.load_examples(data_dir):
            extra.extend(word for word in example.text.split() if word.islower())
        return {"words": np.array("\n".join(sorted(stopwords.common_words(extra))))}

    arrays = load_or_build_arrays(cache_dir, "common-words", key, build)
    return frozenset(str(arrays["words"]).split("\n"))
