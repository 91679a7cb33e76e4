"""Weapons or means, when the words are plain."""

from __future__ import annotations

from nlu.extraction.weapons import parse_weapons


def test_reads_weapons_in_several_languages() -> None:
    assert parse_weapons("they shot at us with a kalash") == ("firearm",)
    assert parse_weapons("gaz lacrymogène et matraques") == ("tear_gas", "blunt")
    assert parse_weapons("طائرة مسيرة قصفت السوق") == ("airstrike_drone", "shelling")
    assert parse_weapons("a grenade was thrown at the bus") == ("explosive",)
    assert parse_weapons("walichoma nyumba zetu") == ("fire",)


def test_a_motorbike_is_not_fire() -> None:
    assert parse_weapons("ils sont venus à moto") == ()


def test_nothing_named() -> None:
    assert parse_weapons("hello, how does this work?") == ()
