"""The category classifier: a linear model on character and word n-grams.

Trained with scikit-learn from the Rasa YAML examples, then reduced to plain arrays (feature
index, idf, weights, temperature) so that loading is a file read and scoring one text is a few
hundred dictionary look-ups: the conversation flow calls it on every message.
Probabilities are calibrated by a temperature fitted on out-of-fold scores, so "0.6" means
right about six times in ten on unseen sentences of the kind we trained on.

A report of several sentences states its main event first ("On 3 May, militants looted ...
They also beat ..."), and the later sentences add acts that would otherwise weigh as much, so
the lead sentence is scored again and averaged with the whole text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from nlu.result import Classification
from nlu.text import fold
from nlu.training_data import Example

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
# The end of a sentence: ., ! or ? then a capital, a digit or an Arabic letter.
_SENTENCE_END = re.compile(r"[.!?؟]\s+(?=[A-Z0-9\u00c0-\u00de\u0600-\u06ff])")
CHAR_SIZES = (2, 3, 4, 5)
WORD_CACHE_SIZE = 50_000
LEAD_WEIGHT = 0.5  # the lead sentence's share of the scores of a multi-sentence text
LEAD_MIN_WORDS = 4  # shorter "sentences" are abbreviations or greetings ("Hi. Police ...")


def _words(text: str) -> list[str]:
    return _WORD.findall(_DIGITS.sub("0", fold(text)))


def lead_words(text: str, words: Sequence[str]) -> int:
    """How many of `words` (the text's words) belong to its lead sentence; all of them when
    the text is one sentence or its first sentence is too short to stand alone."""
    for match in _SENTENCE_END.finditer(text):
        count = len(_WORD.findall(text, 0, match.start()))
        if count >= LEAD_MIN_WORDS:
            return min(count, len(words))
    return len(words)


def word_grams(word: str) -> list[str]:
    """The character n-grams of one word (padded with spaces) and the word itself."""
    padded = f" {word} "
    length = len(padded)
    grams = [
        padded[start : start + size]
        for size in CHAR_SIZES
        if size <= length
        for start in range(length - size + 1)
    ]
    grams.append("w:" + word)
    return grams


def features(text: str) -> list[str]:
    """Character n-grams within words, word unigrams and bigrams of the folded text.

    Digits collapse to "0" so that "12 men" and "3 men" share features. Character n-grams carry
    misspellings, inflections and Arabic clitics; word n-grams carry phrases like "shot dead".
    """
    words = _words(text)
    grams = [gram for word in words for gram in word_grams(word)]
    grams.extend(f"b:{first} {second}" for first, second in pairwise(words))
    return grams


class LinearModel:
    """A multinomial linear model over sparse tf-idf features, scored in pure Python."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: np.ndarray,
        weights: np.ndarray,
        bias: np.ndarray,
        classes: Sequence[str],
        temperature: float,
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.weights = weights.astype(np.float32)  # (n_features, n_classes)
        self.bias = bias.astype(np.float32)
        self.classes = tuple(classes)
        self.temperature = float(temperature)
        self._columns: dict[str, np.ndarray] = {}

    def scores(self, text: str) -> np.ndarray:
        """Raw class scores (logits before temperature): of the whole text, averaged with
        those of its lead sentence when it has several.

        A word's character n-grams do not depend on its neighbours, so their columns are
        memoised per word: reports reuse a small vocabulary, and scoring a long text becomes
        a few dictionary hits and one vectorised count.
        """
        words = _words(text)
        parts = [self._word_columns(word) for word in words]
        get = self.vocabulary.get
        bigrams = [get(f"b:{a} {b}") for a, b in pairwise(words)]
        whole = self._score_columns(parts, bigrams)
        lead = lead_words(text, words)
        if lead >= len(words):
            return whole
        first = self._score_columns(parts[:lead], bigrams[: lead - 1])
        return (1.0 - LEAD_WEIGHT) * whole + LEAD_WEIGHT * first

    def _score_columns(self, parts: list[np.ndarray], bigrams: list[int | None]) -> np.ndarray:
        """Sublinear tf-idf of the feature columns, L2-normalised, times the weights.

        Counting is a sort and a comparison of neighbours (np.unique does the same with more
        overhead, which matters at a few hundred columns per text).
        """
        found = [c for c in bigrams if c is not None]
        if found:
            parts = [*parts, np.array(found, dtype=np.int64)]
        if not parts:
            return self.bias.copy()
        columns = np.sort(np.concatenate(parts))
        if not len(columns):
            return self.bias.copy()
        # np.r_ would build the same two arrays at several times the cost
        first = np.empty(len(columns), dtype=bool)
        first[0] = True
        np.not_equal(columns[1:], columns[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(columns))).astype(np.float32)
        ids = columns[starts]
        values = (1.0 + np.log(counts)) * self.idf[ids]
        values /= np.linalg.norm(values) or 1.0
        return values @ self.weights[ids] + self.bias

    def _word_columns(self, word: str) -> np.ndarray:
        cached = self._columns.get(word)
        if cached is None:
            get = self.vocabulary.get
            found = (get(gram) for gram in word_grams(word))
            cached = np.array([c for c in found if c is not None], dtype=np.int64)
            if len(self._columns) >= WORD_CACHE_SIZE:
                self._columns.clear()
            self._columns[word] = cached
        return cached

    def probabilities(self, text: str) -> np.ndarray:
        return softmax(self.scores(text) / self.temperature)

    def classify(self, text: str) -> Classification:
        probs = self.probabilities(text)
        order = np.argsort(-probs)
        ranked = tuple((self.classes[i], float(probs[i])) for i in order)
        return Classification(category=ranked[0][0], confidence=ranked[0][1], ranked=ranked)

    def to_arrays(self) -> dict[str, np.ndarray]:
        names = [""] * len(self.vocabulary)
        for gram, column in self.vocabulary.items():
            names[column] = gram
        return {
            "vocabulary": np.array("\n".join(names)),
            "idf": self.idf,
            "weights": self.weights,
            "bias": self.bias,
            "classes": np.array("\n".join(self.classes)),
            "temperature": np.array(self.temperature),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> LinearModel:
        names = str(arrays["vocabulary"]).split("\n")
        return cls(
            vocabulary={name: i for i, name in enumerate(names)},
            idf=arrays["idf"],
            weights=arrays["weights"],
            bias=arrays["bias"],
            classes=str(arrays["classes"]).split("\n"),
            temperature=float(arrays["temperature"]),
        )


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


def train(examples: Sequence[Example], *, c: float = 1.0, folds: int = 5) -> LinearModel:
    """Fit a linear SVM on all examples, and the softmax temperature on out-of-fold margins.

    A linear SVM trains in about a second here and was the most accurate of the linear models
    in cross-validation on our examples; its margins become probabilities through the fitted
    temperature.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    texts = [e.text for e in examples]
    labels = np.array([e.intent for e in examples])
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=1, dtype=np.float32)
    matrix = vectorizer.fit_transform(texts)
    model = LinearSVC(C=c)
    model.fit(matrix, labels)

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=7)
    out_of_fold = np.zeros((len(texts), len(model.classes_)), dtype=np.float64)
    for train_idx, test_idx in splitter.split(matrix, labels):
        fold_model = LinearSVC(C=c).fit(matrix[train_idx], labels[train_idx])
        columns = np.searchsorted(model.classes_, fold_model.classes_)
        out_of_fold[np.ix_(test_idx, columns)] = _margins(fold_model, matrix[test_idx])
    truth = np.searchsorted(model.classes_, labels)
    temperature = fit_temperature(out_of_fold, truth)

    weights, bias = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes
        weights, bias = np.vstack([-weights[0], weights[0]]), np.array([-bias[0], bias[0]])
    return LinearModel(
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_,
        weights=weights.T.copy(),
        bias=bias,
        classes=[str(c) for c in model.classes_],
        temperature=temperature,
    )


def _margins(model: object, matrix: object) -> np.ndarray:
    """Decision values with one column per class, also for two classes."""
    margins = np.asarray(model.decision_function(matrix))  # type: ignore[attr-defined]
    return np.column_stack([-margins, margins]) if margins.ndim == 1 else margins


def fit_temperature(logits: np.ndarray, truth: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of held-out predictions."""
    best_t, best_nll = 1.0, math.inf
    for t in np.exp(np.linspace(math.log(0.01), math.log(10.0), 120)):
        scaled = logits / t
        scaled -= scaled.max(axis=1, keepdims=True)
        log_probs = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        nll = -log_probs[np.arange(len(truth)), truth].mean()
        if nll < best_nll:
            best_t, best_nll = float(t), float(nll)
    return best_t
