"""Places named in text, ranked; and the nearest place to a location pin.

Finding names is the easy half (nlu.geo_mentions): every n-gram of the text is looked up in the
hashed name index, longest first. Ranking is the half that matters (nlu.geo_rank): a name such
as "Kaya" or "San Pedro" has many owners, so the owners of all the text's names are scored
together, by the deployment's country scope, the countries, admin areas and places named
elsewhere in the text ("Seme (Boucle du Mouhoun)", "in Mopti region", "the Malian army"),
population, whether the words look like a name, and nearness to the reporter's earlier pins.
Here the mentions' answers are then ordered: the most specific place first, the areas that
frame it after. Several candidates come back with scores so the flow can ask.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping

import numpy as np

from nlu import country_names
from nlu.force_countries import force_countries, is_force_acronym
from nlu.gazetteer import PRECISION, Gazetteer, distance_km
from nlu.gazetteer_build import KIND_ADMIN1, KIND_ADMIN2, KIND_COUNTRY, KIND_PLACE
from nlu.geo_mentions import WORD, Mention, MentionFinder
from nlu.geo_rank import NEAR_KM, JointRanker, Owner
from nlu.language_countries import SPOKEN_IN
from nlu.result import PlaceCandidate
from nlu.text import tokens

# Owners of one name closer than this are one answer; softmax temperature of raw scores.
SAME_SPOT_KM = 50.0
SCORE_TEMPERATURE = 0.2
GROUPED_OWNERS = 12
# A container ranks after the place it frames; a country guessed from the forces alone is
# offered with at most this score, so the flow still asks.
FRAME_DEMOTION = 0.5
HINT_ONLY_SCORE = 0.3
# A place outside the countries of the national forces a text names (nlu.force_countries),
# when it names no country outright, is the likelier misreading of a local name.
OUTSIDE_FORCE_COUNTRY = 0.5
# The stand-in mention of a country offered from the forces alone (no words matched it).
_NO_MENTION = Mention(0, 0, "", [], False)
_BRACKETS = re.compile(r"\(([^()]*)\)")


class Geotagger:
    """Text -> ranked PlaceCandidate list, and pin -> nearest place."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        countries: Collection[str] | None = None,
        common_words: frozenset[str] | Mapping[str, frozenset[str]] = frozenset(),
    ) -> None:
        """`common_words`: one set, or sets by language with "" for words of every language
        (a text in a known language then skips only its own language's common words)."""
        self.gazetteer = gazetteer
        index = {code: i for i, code in enumerate(gazetteer.countries)}
        self._index = index
        self.scope = {c.upper() for c in countries} if countries else None
        self._scope_ids = {index[c] for c in self.scope if c in index} if self.scope else None
        by_language = (
            {"": common_words} if isinstance(common_words, frozenset) else dict(common_words)
        )
        every = by_language.pop("", frozenset())
        self.common = every.union(*by_language.values())
        self.finder = MentionFinder(gazetteer, self.common)  # language unknown: all of them
        self._finders = {
            language: MentionFinder(gazetteer, every | words)
            for language, words in by_language.items()
        }
        self.ranker = JointRanker(gazetteer)
        # Actor phrases by their first folded word: "al shabaab" -> {("al", "shabaab"): ...}
        self._actors: dict[str, list[tuple[list[str], set[int]]]] = {}
        for actor, codes in country_names.actor_hints().items():
            words = tokens(actor)
            countries = {index[c] for c in codes if c in index}
            if words and countries:
                self._actors.setdefault(words[0], []).append((words, countries))
        self._spoken = {
            language: frozenset(index[c] for c in codes if c in index)
            for language, codes in SPOKEN_IN.items()
        }
        country_entries = np.flatnonzero(gazetteer.kind == KIND_COUNTRY)
        self._country_entry = {gazetteer.view.country[int(e)]: int(e) for e in country_entries}

    def find_mentions(self, text: str) -> list[Mention]:
        """Longest-first matches of the text's n-grams against the name index."""
        return self.finder.find(text)

    def geotag(
        self,
        text: str,
        *,
        near: tuple[float, float] | None = None,
        limit: int = 5,
        language: str | None = None,
    ) -> list[PlaceCandidate]:
        """Candidates for the places of `text`, best first, scores in [0, 1]."""
        finder = self._finders.get(language or "", self.finder)
        originals, words = finder.words(text)
        hinted = self._hinted_countries(words)
        national = {self._index[c] for c in force_countries(originals, words) if c in self._index}
        hinted |= national
        exact = [
            m
            for m in finder.find_in(originals, words, text=text)
            if not (m.size == 1 and is_force_acronym(originals[m.start]))
        ]
        mentions = exact or finder.spelled(text) or finder.shortened(originals, words)
        scope = self._scope_ids
        if not exact and hinted:
            # A guessed spelling is weaker evidence than a named national force: only its
            # owners in the force's countries are kept.
            scope = hinted if scope is None else hinted & scope
        owners = [
            self.ranker.owners(
                mention, order, scope, near, self._spoken.get(language or "", frozenset())
            )
            for order, mention in enumerate(mentions)
        ]
        if not any(owners):
            return self._hinted_only(hinted, limit)
        self.ranker.rank(owners, hinted)
        scored: list[tuple[float, int, Owner, Mention]] = []
        for mention, group in zip(mentions, owners, strict=True):
            if not group:
                continue
            group.sort(key=lambda o: -o.score)
            spots = self._same_spot_groups(group[:GROUPED_OWNERS])
            total = sum(weight for _, weight in spots)
            for rank, (owner, weight) in enumerate(spots[:3]):
                confidence = 1.0 / (1.0 + math.exp(-(2.0 * owner.score - 1.0)))
                scored.append((confidence * weight / total, rank, owner, mention))
        scored = self._demote_frames(scored, mentions, self._framing(text, mentions))
        if national:
            scored = self._prefer_national(scored, national)
        scored.sort(key=lambda item: (-item[0], item[1]))
        return self._unique(scored, limit)

    def _prefer_national(
        self, scored: list[tuple[float, int, Owner, Mention]], national: set[int]
    ) -> list[tuple[float, int, Owner, Mention]]:
        """A text that names a country's own forces ("the FAMa", "GSU officers") most often
        happened there, unless it names a country outright: places elsewhere rank after
        those in the forces' countries, and when none lies there the country is offered."""
        if self._scope_ids is not None:
            national = national & self._scope_ids
        if not national or any(owner.kind == KIND_COUNTRY for _, _, owner, _ in scored):
            return scored
        result = [
            (score if owner.country in national else score * OUTSIDE_FORCE_COUNTRY, rank, owner, m)
            for score, rank, owner, m in scored
        ]
        if not any(owner.country in national for _, _, owner, _ in scored):
            view = self.gazetteer.view
            for country in national:
                entry = self._country_entry.get(country)
                if entry is None:
                    continue
                owner = Owner(
                    entry, KIND_COUNTRY, country, -1, -1, view.lat[entry], view.lon[entry], 0.0
                )
                result.append((HINT_ONLY_SCORE / len(national), 0, owner, _NO_MENTION))
        return result

    def _hinted_countries(self, words: list[str]) -> set[int]:
        """Countries hinted at by the forces or groups the text names."""
        hinted: set[int] = set()
        actors = self._actors
        for i, word in enumerate(words):
            for phrase, countries in actors.get(word, ()):
                if words[i : i + len(phrase)] == phrase:
                    hinted |= countries
        return hinted

    def _hinted_only(self, hinted: set[int], limit: int) -> list[PlaceCandidate]:
        """No place named, but forces that operate in few countries: those countries,
        with a low score (better than nothing for routing; the flow asks anyway)."""
        if self._scope_ids is not None:
            hinted = hinted & self._scope_ids
        entries = [self._country_entry[c] for c in hinted if c in self._country_entry]
        entries.sort(key=lambda e: -self.gazetteer.view.population[e])
        score = HINT_ONLY_SCORE / max(1, len(entries))
        return [self.candidate(e, score) for e in entries[:limit]]

    def _same_spot_groups(self, owners: list[Owner]) -> list[tuple[Owner, float]]:
        """(leader, weight) per group of owners lying close together.

        "Mopti" the town and "Mopti" the region are one answer, not rivals: their weights
        add up behind the best of them, and only that one is offered.
        """
        groups: list[list] = []  # [leader, weight]
        for owner in owners:
            weight = math.exp(min(owner.score, 50.0) / SCORE_TEMPERATURE)
            for group in groups:
                leader = group[0]
                if distance_km(leader.lat, leader.lon, owner.lat, owner.lon) < SAME_SPOT_KM:
                    group[1] += weight
                    break
            else:
                groups.append([owner, weight])
        return [(leader, weight) for leader, weight in groups]

    def _framing(self, text: str, mentions: list[Mention]) -> dict[int, int]:
        """Mention index -> index of the mention it frames, for names in brackets right
        after another name: "Toumbou (Barsalogho, Sanmatenga)", "Kaya (Centre-Nord)"."""
        if "(" not in text or len(mentions) < 2:
            return {}
        framing: dict[int, int] = {}
        starts = [m.start() for m in WORD.finditer(text)]
        by_start = {m.start: n for n, m in enumerate(mentions)}
        for bracket in _BRACKETS.finditer(text):
            inside = [i for i, at in enumerate(starts) if bracket.start() < at < bracket.end()]
            before = [i for i, at in enumerate(starts) if at < bracket.start()]
            if not inside or not before:
                continue
            framed = next(
                (n for n, m in enumerate(mentions) if m.start + m.size - 1 == before[-1]), None
            )
            if framed is None:
                continue
            for i in inside:
                if i in by_start:
                    framing[by_start[i]] = framed
        return framing

    def _demote_frames(
        self,
        scored: list[tuple[float, int, Owner, Mention]],
        mentions: list[Mention],
        framing: dict[int, int],
    ) -> list[tuple[float, int, Owner, Mention]]:
        """An area or country that only frames another mention's place ("Seme (Boucle du
        Mouhoun)", "Nairobi, Kenya") ranks after that place, and so do the names in brackets
        after a place they agree with."""
        tops = {id(mention): owner for _, rank, owner, mention in scored if rank == 0}
        position = {id(mention): n for n, mention in enumerate(mentions)}
        specific = any(owner.kind != KIND_COUNTRY for owner in tops.values())
        result = []
        for score, rank, owner, mention in scored:
            frames = (owner.kind == KIND_COUNTRY and specific) or any(
                _contains(owner, other) for key, other in tops.items() if key != id(mention)
            )
            framed = framing.get(position[id(mention)])
            if not frames and framed is not None and id(mentions[framed]) in tops:
                frames = _agree(owner, tops[id(mentions[framed])])
            result.append((score * FRAME_DEMOTION if frames else score, rank, owner, mention))
        return result

    def _unique(
        self, scored: list[tuple[float, int, Owner, Mention]], limit: int
    ) -> list[PlaceCandidate]:
        results: list[PlaceCandidate] = []
        seen: set[int] = set()
        for score, _, owner, mention in scored:
            if owner.entry in seen:
                continue
            seen.add(owner.entry)
            results.append(self.candidate(owner.entry, score, mention.words or None))
            if len(results) >= limit:
                break
        return results

    def candidate(self, entry: int, score: float, matched: str | None = None) -> PlaceCandidate:
        g = self.gazetteer
        kind = g.view.kind[entry]
        return PlaceCandidate(
            name=g.names[entry],
            country=g.country_of(entry),
            lat=round(float(g.lat[entry]), 5),
            lon=round(float(g.lon[entry]), 5),
            score=round(min(1.0, max(0.0, score)), 4),
            admin1=g.admin1_name(entry) if kind != KIND_COUNTRY else None,
            population=int(g.population[entry]),
            geonameid=int(g.geonameid[entry]) or None,
            precision=PRECISION[kind],
            matched=matched,
        )

    def reverse(self, lat: float, lon: float) -> PlaceCandidate | None:
        """The nearest populated place to a pin; the score falls with the distance to it."""
        entry = self.gazetteer.nearest_place(lat, lon)
        if entry is None:
            return None
        d = distance_km(
            lat, lon, float(self.gazetteer.lat[entry]), float(self.gazetteer.lon[entry])
        )
        return self.candidate(entry, 1.0 / (1.0 + d / 10.0))


def _contains(area: Owner, inner: Owner) -> bool:
    """True when `area` is a country or admin area that `inner` lies in."""
    if area.kind == KIND_COUNTRY:
        return inner.kind != KIND_COUNTRY and inner.country == area.country
    if area.kind == KIND_ADMIN1:
        return inner.kind in (KIND_PLACE, KIND_ADMIN2) and inner.admin1 == area.entry
    if area.kind == KIND_ADMIN2 and inner.kind == KIND_PLACE:
        return inner.admin2 == area.entry
    return False


def _agree(outer: Owner, inner: Owner) -> bool:
    """True when a bracketed name's owner is consistent with the place it follows."""
    if outer.country != inner.country or outer.entry == inner.entry:
        return False
    if _contains(outer, inner):
        return True
    return distance_km(outer.lat, outer.lon, inner.lat, inner.lon) < NEAR_KM
