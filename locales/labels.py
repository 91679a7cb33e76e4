"""Words shown to people for taxonomy ids, statuses and yes/no answers.

Ids come from `nlu.taxonomy`; the words are marked here for extraction and translated at use,
so a new language needs only a catalogue.
"""

from __future__ import annotations

from locales.i18n import N_, N_plural, Translator

CATEGORY_LABELS: dict[str, str] = {
    "killing": N_("Killing or wounding"),
    "physical_assault": N_("Beating, torture or ill-treatment"),
    "sexual_violence": N_("Sexual violence or abuse"),
    "arbitrary_detention": N_("Arrest or detention"),
    "abduction_disappearance": N_("Abduction or disappearance"),
    "attack_on_civilian_area": N_("Shelling, strike or bombing of homes or public places"),
    "property_destruction_looting": N_("Burning, looting or destruction of property"),
    "extortion_corruption": N_("Extortion, bribes or theft"),
    "forced_displacement": N_("Forced eviction or displacement"),
    "restriction_of_freedoms": N_("Crackdown on protest, press or movement"),
    "threat_intimidation": N_("Threats or intimidation"),
    "child_recruitment": N_("Recruitment of children"),
    "other": N_("Something else"),
}

# The same ids as noun phrases for "It sounds like {incident}".
CATEGORY_PHRASES: dict[str, str] = {
    "killing": N_("a killing or wounding"),
    "physical_assault": N_("a beating or ill-treatment"),
    "sexual_violence": N_("sexual violence"),
    "arbitrary_detention": N_("an arrest or detention"),
    "abduction_disappearance": N_("an abduction or disappearance"),
    "attack_on_civilian_area": N_("an attack on homes or public places"),
    "property_destruction_looting": N_("burning, looting or destruction of property"),
    "extortion_corruption": N_("extortion or bribery"),
    "forced_displacement": N_("people forced from their homes"),
    "restriction_of_freedoms": N_("a crackdown on people's freedoms"),
    "threat_intimidation": N_("threats or intimidation"),
    "child_recruitment": N_("recruitment of children"),
    "other": N_("something else"),
}

PERPETRATOR_LABELS: dict[str, str] = {
    "army": N_("Army / soldiers"),
    "police": N_("Police"),
    "gendarmerie": N_("Gendarmerie"),
    "militia": N_("Militia or self-defence group"),
    "private_security": N_("Private security"),
    "foreign_forces": N_("Foreign or international forces"),
    "armed_group": N_("Armed group"),
    "unknown": N_("I don't know"),
}

# "by {force}" phrases for the confirmation sentence.
PERPETRATOR_PHRASES: dict[str, str] = {
    "army": N_("by soldiers"),
    "police": N_("by the police"),
    "gendarmerie": N_("by gendarmes"),
    "militia": N_("by a militia"),
    "private_security": N_("by private security guards"),
    "foreign_forces": N_("by foreign forces"),
    "armed_group": N_("by an armed group"),
}

GROUP_LABELS: dict[str, str] = {
    "women": N_("women"),
    "men": N_("men"),
    "children": N_("children"),
    "elderly": N_("elderly people"),
    "disabled": N_("people with disabilities"),
    "minority": N_("members of a minority"),
    "refugee_idp": N_("refugees or displaced people"),
    "journalist_hrd": N_("journalists or activists"),
}

# "{count} women" with the plural forms of each language (gettext's ngettext).
GROUP_COUNTS: dict[str, tuple[str, str]] = {
    "women": N_plural("{count} woman", "{count} women"),
    "men": N_plural("{count} man", "{count} men"),
    "children": N_plural("{count} child", "{count} children"),
    "elderly": N_plural("{count} elderly person", "{count} elderly people"),
    "disabled": N_plural("{count} person with disabilities", "{count} people with disabilities"),
    "minority": N_plural("{count} member of a minority", "{count} members of a minority"),
    "refugee_idp": N_plural(
        "{count} refugee or displaced person", "{count} refugees or displaced people"
    ),
    "journalist_hrd": N_plural(
        "{count} journalist or activist", "{count} journalists or activists"
    ),
}
PEOPLE_COUNT = N_plural("{count} person", "{count} people")

STATUS_LABELS: dict[str, str] = {
    "received": N_("received"),
    "triaged": N_("being reviewed"),
    "under_verification": N_("being verified"),
    "verified": N_("verified"),
    "unverified": N_("could not be verified"),
    "dismissed": N_("closed without action"),
    "referred": N_("referred for action"),
    "closed": N_("closed"),
}

SEVERITY_LABELS: dict[str, str] = {
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    "critical": N_("critical"),
}


def label(table: dict[str, str], key: str | None, _: Translator) -> str:
    """The translated word for `key`, or the key itself when the table lacks it."""
    if key is None:
        return _("not given")
    return _(table[key]) if key in table else key


def describe_groups(groups: dict[str, int | None], victims: int | None, _: Translator) -> str:
    """ "3 women, children" style summary of who was affected."""
    parts = []
    for group, count in groups.items():
        if count and group in GROUP_COUNTS:
            parts.append(_.plural(*GROUP_COUNTS[group], count))
        else:
            name = label(GROUP_LABELS, group, _)
            parts.append(f"{count} {name}" if count else name)
    if victims and not any(groups.values()):
        parts.insert(0, _.plural(*PEOPLE_COUNT, victims))
    return ", ".join(parts) if parts else _("not given")
