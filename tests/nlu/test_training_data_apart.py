"""Training data stays apart from the evaluation data of shared/eval.

Nothing is trained, tuned or written from those texts; this check finds any six-word sequence
that a training example shares with them. A few stock phrases of incident reporting are
common to any two writers of such notes ("taken to an unknown location") and are allowed by
name; anything else fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.text import tokens
from nlu.training_data import load_examples

SHARED_EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
SIZE = 6
STOCK_PHRASES = frozenset(
    {
        "a policeman shot and killed a",
        "and took them to an unknown",
        "in front of his house in",
        "they were taken to an unknown",
        "took them to an unknown destination",
        "were taken to an unknown location",
    }
)


def grams(text: str) -> set[str]:
    words = tokens(text)
    return {" ".join(words[i : i + SIZE]) for i in range(len(words) - SIZE + 1)}


def eval_grams() -> set[str]:
    found: set[str] = set()
    for path in sorted(SHARED_EVAL.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found |= grams(str(json.loads(line).get("text") or ""))
    return found


def test_no_training_example_shares_six_words_with_the_evaluation_texts() -> None:
    if not SHARED_EVAL.is_dir():
        pytest.skip(f"no evaluation data beside the repository ({SHARED_EVAL})")
    held_out = eval_grams()
    shared = {
        gram
        for example in load_examples()
        for gram in grams(example.text) & held_out
        if gram not in STOCK_PHRASES
    }
    assert not shared, sorted(shared)[:20]
