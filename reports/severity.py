"""Severity of a report, computed from what it says.

Critical means life at risk now or multiple deaths, sexual violence against a child, or an
ongoing attack (spec/taxonomy.md). Escalation routes on this value, so it is computed at
storage time from the report's own fields and never typed in by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SEVERITY_ORDER = ("low", "medium", "high", "critical")

_HIGH_CATEGORIES = frozenset(
    {
        "killing",
        "sexual_violence",
        "abduction_disappearance",
        "attack_on_civilian_area",
        "child_recruitment",
    }
)
_MEDIUM_CATEGORIES = frozenset(
    {
        "physical_assault",
        "arbitrary_detention",
        "property_destruction_looting",
        "forced_displacement",
        "threat_intimidation",
        "restriction_of_freedoms",
    }
)


def compute_severity(
    category: str | Sequence[str],
    *,
    victims: int | None = None,
    affected_groups: Mapping[str, int | None] | None = None,
    immediate_danger: bool | None = None,
    ongoing: bool = False,
) -> str:
    """`low`, `medium`, `high` or `critical`; for several categories (a story telling
    several acts), the most severe of them."""
    if not isinstance(category, str):
        readings = [
            _severity(c, victims, affected_groups, immediate_danger, ongoing)
            for c in dict.fromkeys(category)
        ]
        return max(readings, key=SEVERITY_ORDER.index) if readings else "low"
    return _severity(category, victims, affected_groups, immediate_danger, ongoing)


def _severity(
    category: str,
    victims: int | None,
    affected_groups: Mapping[str, int | None] | None,
    immediate_danger: bool | None,
    ongoing: bool,
) -> str:
    groups = affected_groups or {}
    children = "children" in groups
    if immediate_danger or ongoing:
        return "critical" if category != "other" else "high"
    if category == "killing" and (victims or 0) >= 2:
        return "critical"
    if category == "sexual_violence" and children:
        return "critical"
    if category == "attack_on_civilian_area" and (victims or 0) >= 2:
        return "critical"
    if category in _HIGH_CATEGORIES:
        return "high"
    if category in _MEDIUM_CATEGORIES:
        return "high" if children or (victims or 0) >= 5 else "medium"
    if category == "other":
        return "low"
    return "medium"
