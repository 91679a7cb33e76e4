"""Ranking the owners of every place mention of a text jointly, so the places cohere.

A name alone says little ("Kaya" is a town in Burkina Faso and in a dozen other countries);
the other names of the text say the rest. Each owner first gets a prior from its own
evidence (population, how the name was written, area words, the deployment's scope, an
earlier pin). Then two rounds of agreement: every mention votes for the countries its likely
owners lie in, and for the admin areas and neighbourhoods they share, and an owner gains what
the OTHER mentions vouch for. So in "Toumbou (Barsalogho, Sanmatenga)" the district and the
province agree on one country and one area, and a foreign homonym of the village loses to
them; a country named anywhere ("the Malian army") frames the whole text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nlu.gazetteer import Gazetteer, distance_km
from nlu.gazetteer_build import KIND_ADMIN1, KIND_ADMIN2, KIND_COUNTRY, KIND_PLACE
from nlu.geo_mentions import Mention

# A name right after a preposition of place is more surely a place than a capitalised word.
CUE_BONUS = 0.2
KIND_PRIOR = {KIND_PLACE: 0.0, KIND_ADMIN1: -0.25, KIND_ADMIN2: -0.1, KIND_COUNTRY: -0.3}
# An owner in a country where the text's language is spoken (nlu.language_countries).
LANGUAGE_BONUS = 0.4
# Softmax temperature turning priors into each mention's belief about its owners.
BELIEF_TEMPERATURE = 0.3
# How much a named country, or a force that operates in few countries, weighs as a vote.
NAMED_COUNTRY_VOTE = 1.5
PLACE_VOTE = 0.5
HINT_VOTE = 0.6
COUNTRY_BONUS = 1.0
RIVAL_COUNTRY_PENALTY = 0.6
# An owner inside an area another mention names, or close to another mention's owner.
INSIDE_NAMED_AREA = 1.2
CONTAINS_NAMED_PLACE = 0.6
NEAR_NAMED_DISTRICT = 0.8
NEAR_NAMED_PLACE = 0.5
NEAR_KM = 100.0
# Two places of one first-level area, farther apart than NEAR_KM ("Kaya ... Dori" in one
# region of a large country): less than neighbours, more than strangers.
SAME_ADMIN1 = 0.3
MAX_SUPPORT = 2.5
ROUNDS = 2
# When the mentions of a text agree on one country, its owners gain this much at the end:
# a reading where every place lies in one country beats one that scatters them.
CONSENSUS_BONUS = 0.8
# The agreed country needs this many mentions that believe in it at least this much.
CONSENSUS_MENTIONS = 2
CONSENSUS_BELIEF = 0.5


@dataclass
class Owner:
    """One owner of a mention's name, with what the ranking learns about it."""

    entry: int
    kind: int
    country: int
    admin1: int
    admin2: int
    lat: float
    lon: float
    prior: float
    belief: float = 0.0
    score: float = 0.0


class JointRanker:
    """Scores every owner of every mention of one text (see the module docstring)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def owners(
        self,
        mention: Mention,
        order: int,
        scope: set[int] | None,
        near: tuple[float, float] | None,
        spoken: frozenset[int] = frozenset(),
    ) -> list[Owner]:
        """The owners of a mention in the scope, each with its prior; `spoken`: the
        countries where the text's language is spoken."""
        view = self.gazetteer.view
        found = []
        for entry, flags in mention.owners:
            country = view.country[entry]
            if scope is not None and country not in scope:
                continue
            kind = view.kind[entry]
            lat, lon = view.lat[entry], view.lon[entry]
            prior = math.log10(view.population[entry] + 1) / 6.0
            prior += 0.1 * (flags & 1) + 0.15 * ((flags >> 1) - 1) + KIND_PRIOR[kind]
            prior += 0.3 if mention.looks_like_name else -0.3
            prior += CUE_BONUS if mention.cued else 0.0
            if mention.says_area:
                prior += 1.0 if kind in (KIND_ADMIN1, KIND_ADMIN2) else -0.3
            prior += 1.0 if scope is not None else 0.0
            prior += LANGUAGE_BONUS if country in spoken else 0.0
            prior -= 0.1 * min(order, 5)  # the incident's place is usually named first
            if near is not None:
                d = distance_km(near[0], near[1], lat, lon)
                prior += 1.5 * math.exp(-d / 50.0) + 1.0 * math.exp(-d / 400.0)
            found.append(
                Owner(entry, kind, country, view.admin1[entry], view.admin2[entry], lat, lon, prior)
            )
        return found

    def rank(self, owners: list[list[Owner]], hinted: set[int]) -> int | None:
        """Set `score` of every owner of every mention (lists in text order); return the
        country the mentions agree on, if any (see `consensus`)."""
        for group in owners:
            for owner in group:
                owner.score = owner.prior
        for _ in range(ROUNDS):
            for group in owners:
                _set_beliefs(group)
            votes = [_country_votes(group) for group in owners]
            named = [_frames(group) for group in owners]
            hints = {c: HINT_VOTE / max(1.0, len(hinted) / 2.0) for c in hinted}
            for index, group in enumerate(owners):
                others = [g for i, g in enumerate(owners) if i != index]
                support = _sum_votes([v for i, v in enumerate(votes) if i != index], hints)
                frames = _sum_votes([v for i, v in enumerate(named) if i != index], hints)
                for owner in group:
                    owner.score = owner.prior + _area_support(owner, others)
                    if owner.kind != KIND_COUNTRY:
                        owner.score += _country_term(owner, support, frames)
        agreed = consensus(owners)
        if agreed is not None:
            for group in owners:
                for owner in group:
                    if owner.country == agreed and owner.kind != KIND_COUNTRY:
                        owner.score += CONSENSUS_BONUS
        return agreed


def consensus(owners: list[list[Owner]]) -> int | None:
    """The one country that several of the text's mentions agree on, or None.

    A mention agrees with a country when it believes more in its owners there than
    anywhere else (at least CONSENSUS_BELIEF); the country needs CONSENSUS_MENTIONS such
    mentions and more than any other country. A country named outright is a frame
    (`_country_term`), not a vote here.
    """
    counts: dict[int, int] = {}
    for group in owners:
        _set_beliefs(group)
        best: dict[int, float] = {}
        for owner in group:
            if owner.kind != KIND_COUNTRY:
                best[owner.country] = best.get(owner.country, 0.0) + owner.belief
        if best:
            country, belief = max(best.items(), key=lambda item: item[1])
            if belief >= CONSENSUS_BELIEF:
                counts[country] = counts.get(country, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    country, count = ranked[0]
    if count < CONSENSUS_MENTIONS or (len(ranked) > 1 and ranked[1][1] >= count):
        return None
    return country


def _set_beliefs(group: list[Owner]) -> None:
    if not group:
        return
    top = max(o.score for o in group)
    weights = [math.exp((o.score - top) / BELIEF_TEMPERATURE) for o in group]
    total = sum(weights)
    for owner, weight in zip(group, weights, strict=True):
        owner.belief = weight / total


def _country_votes(group: list[Owner]) -> dict[int, float]:
    """One mention's vote: for each country, its belief in its best owner there.

    A country named outright is a frame; a place only hints at its country, since a stray
    capitalised word can match a hamlet anywhere.
    """
    votes: dict[int, float] = {}
    for owner in group:
        weight = NAMED_COUNTRY_VOTE if owner.kind == KIND_COUNTRY else PLACE_VOTE
        vote = owner.belief * weight
        if vote > votes.get(owner.country, 0.0):
            votes[owner.country] = vote
    return votes


def _frames(group: list[Owner]) -> dict[int, float]:
    """The countries a mention names outright (its belief in each country entry)."""
    return {o.country: o.belief for o in group if o.kind == KIND_COUNTRY}


def _sum_votes(votes: list[dict[int, float]], hints: dict[int, float]) -> dict[int, float]:
    total = dict(hints)
    for vote in votes:
        for country, weight in vote.items():
            total[country] = total.get(country, 0.0) + weight
    return total


def _country_term(owner: Owner, support: dict[int, float], frames: dict[int, float]) -> float:
    """A bonus for the country the rest of the text points at; a penalty when the text
    names, or the forces it names hint at, other countries only."""
    bonus = COUNTRY_BONUS * min(support.get(owner.country, 0.0), 2.0)
    if owner.country in frames:
        return bonus
    rival = max(frames.values(), default=0.0)
    return bonus - RIVAL_COUNTRY_PENALTY * min(rival, 1.5)


def _area_support(owner: Owner, others: list[list[Owner]]) -> float:
    """What the other mentions vouch for: the areas this owner lies in or contains, and
    owners close to it in the same country (each mention counts once, by its belief)."""
    if owner.kind == KIND_COUNTRY:
        return 0.0
    total = 0.0
    for group in others:
        best = 0.0
        for other in group:
            if other.kind == KIND_COUNTRY or other.country != owner.country:
                continue
            strength = _coherence(owner, other) * min(1.0, 2.0 * other.belief)
            best = max(best, strength)
        total += best
    return min(total, MAX_SUPPORT)


def _coherence(owner: Owner, other: Owner) -> float:
    """How strongly two owners in one country belong together."""
    if owner.entry == other.entry:
        return 0.0
    if other.kind == KIND_ADMIN1 and owner.admin1 == other.entry:
        return INSIDE_NAMED_AREA
    if other.kind == KIND_ADMIN2 and owner.admin2 == other.entry:
        return INSIDE_NAMED_AREA
    if owner.kind == KIND_ADMIN1 and other.admin1 == owner.entry:
        return CONTAINS_NAMED_PLACE
    if owner.kind == KIND_ADMIN2 and other.admin2 == owner.entry:
        return CONTAINS_NAMED_PLACE
    if owner.kind == KIND_ADMIN1 or other.kind == KIND_ADMIN1:
        return 0.0  # a region's centroid says little about what lies near it
    if distance_km(owner.lat, owner.lon, other.lat, other.lon) < NEAR_KM:
        return NEAR_NAMED_DISTRICT if other.kind == KIND_ADMIN2 else NEAR_NAMED_PLACE
    if owner.admin1 >= 0 and owner.admin1 == other.admin1:
        return SAME_ADMIN1
    return 0.0
