"""Canonical taxonomy ids (shared/spec/taxonomy.md).

They are the contract between the NLU, stored reports, escalation rules and evaluation sets, so
they live in one place and everything else refers to these tuples.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "killing",
    "physical_assault",
    "sexual_violence",
    "arbitrary_detention",
    "abduction_disappearance",
    "attack_on_civilian_area",
    "property_destruction_looting",
    "extortion_corruption",
    "forced_displacement",
    "restriction_of_freedoms",
    "threat_intimidation",
    "child_recruitment",
    "other",
)

PERPETRATORS: tuple[str, ...] = (
    "army",
    "police",
    "gendarmerie",
    "militia",
    "private_security",
    "foreign_forces",
    "armed_group",
    "unknown",
)

AFFECTED_GROUPS: tuple[str, ...] = (
    "women",
    "men",
    "children",
    "elderly",
    "disabled",
    "minority",
    "refugee_idp",
    "journalist_hrd",
)

SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
