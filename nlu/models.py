"""Loading (or training once) the classifier, and the word lists built from training data.

Kept apart from `engine` so that the cache key covers exactly what shapes the model: the
training files and the code that turns them into features and weights.
"""

from __future__ import annotations

from pathlib import Path

from nlu import classifier, text, training_data
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
