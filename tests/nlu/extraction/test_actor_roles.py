"""The role of a named force in a sentence: actor, target, suspect, bystander or scene."""

from __future__ import annotations

import pytest

from nlu.extraction import actor_roles
from nlu.text import fold


def _span(text: str, words: str) -> tuple[str, int, int]:
    folded = fold(text)
    start = folded.index(fold(words))
    return folded, start, start + len(fold(words))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("soldiers arrested two suspected JNIM members", "JNIM"),
        ("five Al-Shabaab sympathisers were arrested in Mandera", "Al-Shabaab"),
        ("a VDP post was attacked near Titao", "VDP"),
        ("deux gendarmes ont été tués à Dori", "gendarmes"),
        ("dos policías fueron asesinados en la carretera", "policías"),
        ("dois soldados foram mortos na estrada", "soldados"),
        ("askari polisi walijeruhiwa usiku", "polisi"),
        ("هاجم مسلحون الجيش في تدمر", "الجيش"),
        ("two men accused of collaborating with the army were killed", "army"),
        ("des civils soupçonnés d'être des jihadistes ont été exécutés", "jihadistes"),
    ],
)
def test_targets_and_suspects(text: str, words: str) -> None:
    assert actor_roles.is_target(*_span(text, words))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("soldiers beat two men who were later arrested", "soldiers"),
        ("two JNIM militants were killed by soldiers", "JNIM"),
        ("هاجم مسلحون الجيش في تدمر", "مسلحون"),
        ("اعتقلت الشرطة ثلاثة صحفيين", "الشرطة"),
        ("Pokot raiders attacked a village", "Pokot raiders"),
    ],
)
def test_actors_are_no_targets(text: str, words: str) -> None:
    assert not actor_roles.is_target(*_span(text, words))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("we reported it to the police the next day", "police"),
        ("nous avons porté plainte auprès de la gendarmerie", "gendarmerie"),
        ("the gendarmes did nothing", "gendarmes"),
        ("mwalimu alimbaka mwanafunzi na polisi hawakufanya kitu", "polisi"),
        ("denunciamos el caso ante la policía", "policía"),
    ],
)
def test_bystanders(text: str, words: str) -> None:
    assert actor_roles.is_bystander(*_span(text, words))


def test_a_force_that_acts_is_no_bystander() -> None:
    assert not actor_roles.is_bystander(*_span("the police beat him at the station", "police"))


def test_an_opening_phrase_sets_the_scene() -> None:
    text = "In retaliation for a JNIM attack, soldiers executed 12 civilians"
    assert actor_roles.is_context(fold(text), fold(text).index("jnim"))
    assert not actor_roles.is_context(fold(text), fold(text).index("soldiers"))
    text = "après une embuscade des jihadistes, les militaires ont tué six civils"
    assert actor_roles.is_context(fold(text), fold(text).index("jihadistes"))


def test_generic_troops_and_the_force_they_serve() -> None:
    folded = fold("soldiers of the RSF looted shops")
    assert actor_roles.names_its_force("soldiers", folded, 8, folded.index("rsf"))
    folded = fold("soldiers and RSF fighters looted shops")
    assert not actor_roles.names_its_force("soldiers", folded, 8, folded.index("rsf"))
    assert not actor_roles.names_its_force("fama", fold("FAMa RSF"), 4, 5)


@pytest.mark.parametrize(
    ("text", "national", "partner"),
    [
        ("Malian soldiers and Wagner mercenaries killed", "soldiers", "wagner"),
        ("les FAMa accompagnées de leurs partenaires russes", "fama", "partenaires"),
        ("FAMa soldiers, supported by Russian instructors, killed", "soldiers", "russian"),
        ("الجيش وفاغنر قتلوا مدنيين", "الجيش", "وفاغنر"),
    ],
)
def test_a_foreign_partner_acts_with_the_national_force(
    text: str, national: str, partner: str
) -> None:
    folded = fold(text)
    end = folded.index(national) + len(national)
    assert actor_roles.with_partner(folded, end, folded.index(partner))


def test_a_foreign_force_later_in_the_text_is_no_partner() -> None:
    folded = fold("soldiers killed three herders; days later Wagner men came")
    assert not actor_roles.with_partner(folded, 8, folded.index("wagner"))


def test_security_forces_police_arrests_and_crowds_but_not_battles() -> None:
    assert actor_roles.policing("security forces", fold("security forces arrested 20 protesters"))
    assert actor_roles.policing("forces de securite", "les forces de securite ont disperse")
    assert not actor_roles.policing("security forces", "security forces shelled the village")
    assert not actor_roles.policing("fds", "les fds ont arrete deux hommes")
