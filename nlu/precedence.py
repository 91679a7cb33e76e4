"""Taxonomy precedence that a bag of words cannot learn from outcome words alone.

An air or drone strike or shelling that kills people is an `attack_on_civilian_area` in the
taxonomy, not a `killing`: the means decides. The classifier reads "killed five people" as a
killing, so when the report names such means the two categories trade places (probabilities
swapped, so the confidence stays the model's).

A beating or torture that the victim did not survive is a `killing`: the outcome decides.
Analyst notes tell the beating first and the death after it ("beat a suspect in custody; he
died of his injuries two days later"), and the many words of the beating outweigh the few of
the death, so a note read as an assault that says the victim died is read as a killing.
"""

from __future__ import annotations

from collections.abc import Iterable

from nlu.extraction.lexicon import Lexicon, words
from nlu.extraction.weapons import AREA_ATTACK_MEANS
from nlu.result import Classification
from nlu.text import fold

AREA_ATTACK = "attack_on_civilian_area"
KILLING = "killing"
ASSAULT = "physical_assault"
OUTCOME_CATEGORIES = frozenset({KILLING, ASSAULT, "property_destruction_looting"})

# The victim of a beating, torture or wounding died of it, in the six shipped languages.
# Deaths named as a cause ("protested the killing of ...") are not outcomes and are left out.
DIED_OF_IT = Lexicon(
    {
        "died": words(
            r"(?:beat|beaten|beating|tortured|torturing|hacked|hacking|stabbed|stoned|clubbed|"
            r"lynched|flogged|whipped|kicked|bludgeoned|trampled|burned|burnt)(?: \w+){0,3} to "
            r"death; (?:died|dies|dying) (?:of|from) (?:his|her|their|the) (?:injuries|wounds|"
            r"beating|torture); succumb(?:ed|s|ing)? to (?:his|her|their|the) (?:injuries|wounds)"
            r"; later died; (?:died|death) (?:in|while in) (?:police |military |prison )?"
            r"(?:custody|detention|a cell); died (?:on the way|on arrival|in hospital|at the "
            r"hospital|shortly after|hours later|the (?:following|next) (?:day|morning)); died "
            r"\w+ days later; (?:declared|pronounced) dead; "
            # French
            r"(?:battue?s?|torturee?s?|lynchee?s?|tabassee?s?|roue?e?s? de coups) (?:\w+ )?a "
            r"mort; (?:mort|morte|morts|decedee?s?) des suites de (?:ses|leurs|ces) (?:blessures|"
            r"coups|tortures|sevices); succombe\w* a (?:ses|leurs) blessures; (?:mort|morte|"
            r"decedee?) (?:en detention|en garde a vue|en cellule|au cachot); "
            # Spanish and Portuguese
            r"(?:golpead|torturad|linchad|apalead|espancad)\w+ (?:hasta la muerte|ate a morte|"
            r"ate morrer|hasta morir); (?:murio|fallecio|morreu|faleceu) (?:a causa de|por|"
            r"em consequencia d\w+|devido a\w*) (?:las |sus |los |os |as |seus |suas )?"
            r"(?:heridas|golpes|lesiones|ferimentos|agressoes|torturas?); "
            # Swahili
            r"(?:hadi|mpaka) (?:kufa|kifo); (?:ali|wali)fariki (?:dunia )?(?:kutokana na|"
            r"baadaye|akiwa (?:mahabusu|kizuizini|hospitali)); "
            # Arabic
            r"حتى الموت; متاثرا بجروحه; متاثرا بجراحه; متاثرين بجروحهم; توفي تحت التعذيب; "
            r"مات تحت التعذيب; قضى تحت التعذيب; فارق الحياه"
        )
    }
)


def apply_precedence(
    result: Classification, means: Iterable[str], text: str = ""
) -> Classification:
    """`result` with `attack_on_civilian_area` first when area-attack means are named, and
    `killing` first when an assault's victim died of it (the module's doc says why)."""
    if result.category == ASSAULT and text and DIED_OF_IT.first(fold(text)) is not None:
        return _swap(result, KILLING)
    if result.category not in OUTCOME_CATEGORIES or not AREA_ATTACK_MEANS & set(means):
        return result
    return _swap(result, AREA_ATTACK)


def _swap(result: Classification, category: str) -> Classification:
    """`result` with `category` and the top category trading probabilities."""
    probabilities = dict(result.ranked)
    top, other = probabilities[result.category], probabilities.get(category, 0.0)
    probabilities[result.category], probabilities[category] = other, top
    ranked = tuple(sorted(probabilities.items(), key=lambda pair: -pair[1]))
    return Classification(category=ranked[0][0], confidence=ranked[0][1], ranked=ranked)
