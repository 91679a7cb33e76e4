"""Taxonomy precedence that a bag of words cannot learn from outcome words alone.

An air or drone strike or shelling that kills people is an `attack_on_civilian_area` in the
taxonomy, not a `killing`: the means decides. The classifier reads "killed five people" as a
killing, so when the report names such means the two categories trade places (probabilities
swapped, so the confidence stays the model's).
"""

from __future__ import annotations

from collections.abc import Iterable

from nlu.extraction.weapons import AREA_ATTACK_MEANS
from nlu.result import Classification

AREA_ATTACK = "attack_on_civilian_area"
OUTCOME_CATEGORIES = frozenset({"killing", "physical_assault", "property_destruction_looting"})


def apply_precedence(result: Classification, means: Iterable[str]) -> Classification:
    """`result` with `attack_on_civilian_area` first when area-attack means are named."""
    if result.category not in OUTCOME_CATEGORIES or not AREA_ATTACK_MEANS & set(means):
        return result
    probabilities = dict(result.ranked)
    top, area = probabilities[result.category], probabilities.get(AREA_ATTACK, 0.0)
    probabilities[result.category], probabilities[AREA_ATTACK] = area, top
    ranked = tuple(sorted(probabilities.items(), key=lambda pair: -pair[1]))
    return Classification(category=ranked[0][0], confidence=ranked[0][1], ranked=ranked)
