"""Perpetrator types from local names, in several languages; the words are kept."""

from __future__ import annotations

import pytest

from nlu import Nlu


@pytest.mark.parametrize(
    ("text", "expected", "words"),
    [
        ("Les FAMa ont arrêté mon frère", "army", "FAMa"),
        ("askari walimpiga kaka yangu", "army", "askari"),
        ("polisi walimkamata jana", "police", "polisi"),
        ("الشرطة اعتقلت أخي", "police", "الشرطة"),
        ("وقام العسكر بحرق البيوت", "army", "العسكر"),
        ("les Koglweogo ont frappé des éleveurs", "militia", "Koglweogo"),
        ("the VDP burned the houses", "militia", "VDP"),
        ("Wagner men killed civilians", "foreign_forces", "Wagner"),
        ("les hommes d'Africa Corps sont venus", "foreign_forces", "Africa Corps"),
        ("RSF fighters looted the market", "armed_group", "RSF"),
        ("presumed JNIM militants abducted 5 civilians", "armed_group", "JNIM"),
        ("les gendarmes nous ont fouettés", "gendarmerie", "gendarmes"),
        ("security guards of the mine beat workers", "private_security", "security guards"),
        ("unidentified gunmen shot a trader", "unknown", "unidentified gunmen"),
        ("مسلحين مجهولين خطفوا رجلين", "unknown", "مسلحين"),
        ("la policía me golpeó", "police", "policía"),
    ],
)
def test_reads_local_names_of_forces(nlu: Nlu, text: str, expected: str, words: str) -> None:
    assert nlu.parse_perpetrator(text) == (expected, words)


def test_the_first_named_actor_wins(nlu: Nlu) -> None:
    assert nlu.parse_perpetrator("gendarmes and soldiers arrested them")[0] == "gendarmerie"


def test_no_actor_named(nlu: Nlu) -> None:
    assert nlu.parse_perpetrator("they took my brother at 6pm") == (None, None)


def test_quotes_original_arabic_with_diacritics(nlu: Nlu) -> None:
    kind, words = nlu.parse_perpetrator("اعتقلَتْ الشُّرطة أخي")
    assert kind == "police" and words == "الشُّرطة"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the agent of the act wins over the earlier target
        ("A VDP post was attacked by JNIM militants", "armed_group"),
        ("un poste de police a été attaqué par des jihadistes", "armed_group"),
        ("an attack against soldiers by Pokot raiders", "militia"),
        # an unknown reading gives way to the group named as suspected
        ("gunmen suspected to be Dozo hunters killed a herder", "militia"),
        # unit and militia names
        ("Wazalendo fighters beat civilians", "militia"),
        ("Fano militiamen looted the clinic", "militia"),
        ("Imbonerakure members beat a man", "militia"),
        ("Homeland Defense Volunteers arrested two men", "militia"),
        ("LNA-affiliated Tariq Bin Ziyad Brigade detained a man", "army"),
        ("Houthi forces shelled a village", "army"),
        ("DCI detectives arrested a suspect", "police"),
        ("KWS rangers beat three fishermen", "police"),
        ("Rwandan Defence Force soldiers burned houses", "foreign_forces"),
        ("Israeli forces demolished a house", "foreign_forces"),
        ("القوات الروسية قصفت القرية", "foreign_forces"),
        ("mercenarios rusos dispararon", "foreign_forces"),
        # nobody named
        ("an air strike hit the market", "army"),
        ("a herder was killed in a dispute with farmers over crops", "militia"),
        ("a blogger was detained in the capital", "police"),
    ],
)
def test_reads_analyst_prose(nlu: Nlu, text: str, expected: str) -> None:
    assert nlu.parse_perpetrator(text)[0] == expected


def test_bandits_are_unidentified(nlu: Nlu) -> None:
    assert nlu.parse_perpetrator("bandits robbed travellers on the highway")[0] == "unknown"
