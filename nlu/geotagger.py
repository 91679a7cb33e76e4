"""Places named in text, ranked; and the nearest place to a location pin.

Finding names is the easy half: every n-gram of the text is looked up in the hashed name index
(longest first). Ranking is the half that matters: a name such as "Kaya" or "San Pedro" has many
owners, so each owner is scored by the deployment's country scope, the admin areas or countries
named elsewhere in the text ("Seme (Boucle du Mouhoun)", "in Mopti region"), population,
whether the words look like a name (capitalised, after "in"/"à"/"في"), and nearness to the
reporter's earlier pins. Several candidates come back with scores so the flow can ask.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass

from nlu import country_names
from nlu.extraction.lexicon import Lexicon
from nlu.gazetteer import PRECISION, Gazetteer, distance_km
from nlu.gazetteer_build import KIND_ADMIN1, KIND_ADMIN2, KIND_COUNTRY, KIND_PLACE
from nlu.gazetteer_keys import MAX_NAME_TOKENS, key_of
from nlu.result import PlaceCandidate
from nlu.text import arabic_stems, fold


def _folded_words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
CUE_WORDS = _folded_words(
    """
    in at near from around outside inside to village town city of commune locality area region
    province district county a à au aux dans pres près vers de du des en sur localite localité
    ville quartier cercle departement département em no na do da perto cerca desde aldeia
    cidade en cerca cerca de pueblo ciudad kwa huko karibu katika mjini kijiji kata wilaya
    mkoa في قرب من الى بلده مدينه قريه حي منطقه محافظه ولايه ناحيه بالقرب
    """
)
BARE_ANSWER_WORDS = 4
# How many owners of another mention vouch for nearness, and how near is near.
COHERENCE_OWNERS = 10
COHERENCE_KM = 100.0
# Owners of one name closer than this are one answer; softmax temperature of raw scores.
SAME_SPOT_KM = 50.0
SCORE_TEMPERATURE = 0.2
GROUPED_OWNERS = 12
AREA_WORDS = _folded_words(
    """region regions province district county state governorate department prefecture
    cercle commune municipality division zone région préfecture département provincia
    departamento estado mkoa wilaya kaunti محافظه ولايه منطقه اقليم قضاء"""
)


def _says_area(words: list[str], start: int, size: int) -> bool:
    """True when an area word stands right after the name or just before it."""
    after = start + size
    if after < len(words) and words[after] in AREA_WORDS:
        return True
    before = [words[j] for j in range(max(0, start - 3), start)]
    return any(word in AREA_WORDS for word in before[-3:]) and (
        not before or before[-1] in AREA_WORDS or before[-1] in {"du", "de", "of", "del", "d"}
    )


@dataclass
class Mention:
    """An n-gram of the text that names one or more gazetteer entries."""

    start: int
    size: int
    words: str
    owners: list[tuple[int, int]]
    looks_like_name: bool
    # "Mopti region", "province du Bam", "محافظة حلب": the words call it an area
    says_area: bool = False


class Geotagger:
    """Text -> ranked PlaceCandidate list, and pin -> nearest place."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        countries: Collection[str] | None = None,
        common_words: frozenset[str] = frozenset(),
    ) -> None:
        self.gazetteer = gazetteer
        self.scope = {c.upper() for c in countries} if countries else None
        self.common = common_words
        hints = country_names.actor_hints()
        self._actor_lexicon = Lexicon({actor: [re.escape(actor)] for actor in hints})
        index = {code: i for i, code in enumerate(gazetteer.countries)}
        self._actor_countries = {
            actor: {index[c] for c in codes if c in index} for actor, codes in hints.items()
        }

    def find_mentions(self, text: str) -> list[Mention]:
        """Longest-first matches of the text's n-grams against the name index.

        Every window's key is computed first and checked against the index in one vectorised
        search, so the per-window Python work is only done for names that exist.
        """
        originals = _WORD.findall(text)
        words = [fold(w) for w in originals]
        keys, present = self._window_keys(words)
        bare = len(words) <= BARE_ANSWER_WORDS
        mentions: list[Mention] = []
        i = 0
        while i < len(words):
            mention = self._mention_at(words, originals, i, bare, keys, present)
            if mention is None:
                i += 1
                continue
            mentions.append(mention)
            i += mention.size
        return mentions

    def _window_keys(self, words: list[str]) -> tuple[dict[tuple[int, int | str], int], set[int]]:
        """Keys of the windows worth trying, and those of them that name something.

        (start, size) -> key for one word everywhere, and for longer windows only where a
        longer name can start; (start, stem) -> key for Arabic words without clitics.
        """
        gazetteer = self.gazetteer
        keys: dict[tuple[int, int | str], int] = {(i, 1): key_of([w]) for i, w in enumerate(words)}
        starts = gazetteer.starts([keys[(i, 1)] for i in range(len(words))])
        for i, word in enumerate(words):
            if keys[(i, 1)] in starts:
                for size in range(2, min(MAX_NAME_TOKENS, len(words) - i) + 1):
                    keys[(i, size)] = key_of(words[i : i + size])
            if "\u0600" <= word[:1] <= "\u06ff":
                for stem in arabic_stems(word)[1:]:
                    keys[(i, stem)] = key_of([stem])
        return keys, gazetteer.present(list(keys.values()))

    def _mention_at(
        self,
        words: list[str],
        originals: list[str],
        i: int,
        bare: bool,
        keys: dict[tuple[int, int | str], int],
        present: set[int],
    ) -> Mention | None:
        cue = i > 0 and (words[i - 1] in CUE_WORDS or (i > 1 and words[i - 2] in CUE_WORDS))
        for size in range(min(MAX_NAME_TOKENS, len(words) - i), 0, -1):
            key = keys.get((i, size), -1)
            if key not in present:
                continue
            window = words[i : i + size]
            if size == 1 and not self._single_word_ok(window[0], originals[i], cue, bare):
                countries = self._country_owners(key)
                if countries:  # "l'armée malienne": adjectives are lower case in French
                    return Mention(i, 1, originals[i], countries, True)
                continue
            if size > 1 and all(w in self.common for w in window):
                continue
            capital = originals[i][:1].isupper()
            words_text = " ".join(originals[i : i + size])
            area = _says_area(words, i, size)
            owners = self.gazetteer.lookup(key)
            return Mention(i, size, words_text, owners, cue or capital or bare, area)
        for stem in arabic_stems(words[i])[1:]:
            key = keys.get((i, stem), -1)
            if key in present and stem not in self.common and len(stem) >= 3:
                return Mention(i, 1, originals[i], self.gazetteer.lookup(key), True)
        return None

    def _spelled_mentions(self, text: str) -> list[Mention]:
        """A bare answer that named nothing exactly: a prefix ("Ouaga") or a typo ("Mpoti")."""
        words = [fold(w) for w in _WORD.findall(text)]
        if not words or len(words) > 2 or any(w in self.common for w in words):
            return []
        owners = self.gazetteer.by_spelling(" ".join(words))
        if not owners:
            return []
        # Flags as for an alternate name of one word: found, but less sure than exact.
        return [Mention(0, len(words), text.strip(), [(e, 2) for e, _ in owners], False)]

    def _single_word_ok(self, word: str, original: str, cue: bool, bare: bool) -> bool:
        if len(word) < 3 or word in self.common or word.isdigit():
            return False
        if bare or cue:
            return True
        return original[:1].isupper()

    def geotag(
        self, text: str, *, near: tuple[float, float] | None = None, limit: int = 5
    ) -> list[PlaceCandidate]:
        """Candidates for the places of `text`, best first, scores in [0, 1]."""
        mentions = self.find_mentions(text) or self._spelled_mentions(text)
        if not mentions:
            return []
        hinted = self._hinted_countries(text)
        scored: list[tuple[float, int, int, Mention]] = []
        for order, mention in enumerate(mentions):
            context = self._context([m for m in mentions if m is not mention])
            context["hinted"] = hinted
            raws = [
                (self._raw_score(entry, flags, mention, context, near, order), entry)
                for entry, flags in mention.owners
                if self._in_scope(entry) is not None
            ]
            if not raws:
                continue
            raws.sort(reverse=True)
            groups = self._same_spot_groups(raws[:GROUPED_OWNERS])
            total = sum(weight for _, _, weight in groups)
            for rank, (raw, entry, weight) in enumerate(groups[:3]):
                confidence = 1.0 / (1.0 + math.exp(-(2.0 * raw - 1.0)))
                scored.append((confidence * weight / total, rank, entry, mention))
        scored = self._demote_containers(scored)
        scored.sort(key=lambda item: (-item[0], item[1]))
        return self._unique(scored, limit)

    def _country_owners(self, key: int) -> list[tuple[int, int]]:
        """The country entries among the owners of a name key."""
        return [
            (entry, flags)
            for entry, flags in self.gazetteer.lookup(key)
            if self.gazetteer.kind[entry] == KIND_COUNTRY
        ]

    def _hinted_countries(self, text: str) -> set[int]:
        """Countries hinted at by the forces or groups the text names."""
        hinted: set[int] = set()
        for match in self._actor_lexicon.find(fold(text)):
            hinted |= self._actor_countries.get(match.label, set())
        return hinted

    def _same_spot_groups(self, raws: list[tuple[float, int]]) -> list[tuple[float, int, float]]:
        """(raw, leader entry, weight) per group of owners lying close together.

        "Mopti" the town and "Mopti" the region are one answer, not rivals: their weights
        add up behind the best of them, and only that one is offered.
        """
        g = self.gazetteer
        groups: list[list] = []  # [raw, entry, weight, lat, lon]
        for raw, entry in raws:
            lat, lon = float(g.lat[entry]), float(g.lon[entry])
            weight = math.exp(raw / SCORE_TEMPERATURE)
            for group in groups:
                if distance_km(group[3], group[4], lat, lon) < SAME_SPOT_KM:
                    group[2] += weight
                    break
            else:
                groups.append([raw, entry, weight, lat, lon])
        return [(raw, entry, weight) for raw, entry, weight, _, _ in groups]

    def _demote_containers(
        self, scored: list[tuple[float, int, int, Mention]]
    ) -> list[tuple[float, int, int, Mention]]:
        """An area or country that only frames another mention ("Seme (Boucle du Mouhoun)",
        "Nairobi, Kenya") ranks after the place it frames."""
        g = self.gazetteer
        tops = [(entry, mention) for _, rank, entry, mention in scored if rank == 0]
        framed_countries = {
            int(g.country_index[e]) for e, _ in tops if g.kind[e] in (KIND_PLACE, KIND_ADMIN2)
        }
        framed_admin1 = {int(g.admin1[e]) for e, _ in tops if g.kind[e] == KIND_PLACE}
        result = []
        for score, rank, entry, mention in scored:
            kind = int(g.kind[entry])
            frames = (kind == KIND_COUNTRY and int(g.country_index[entry]) in framed_countries) or (
                kind == KIND_ADMIN1 and entry in framed_admin1
            )
            result.append((score * 0.5 if frames else score, rank, entry, mention))
        return result

    def _unique(
        self, scored: list[tuple[float, int, int, Mention]], limit: int
    ) -> list[PlaceCandidate]:
        results: list[PlaceCandidate] = []
        seen: set[int] = set()
        for score, _, entry, mention in scored:
            if entry in seen:
                continue
            seen.add(entry)
            results.append(self.candidate(entry, score, mention.words))
            if len(results) >= limit:
                break
        return results

    def _context(self, mentions: list[Mention]) -> dict[str, set[int]]:
        """What the other mentions of the text vouch for: named areas and countries, and the
        countries and positions of the places they may be (names that cohere win)."""
        g = self.gazetteer
        context: dict[str, set[int]] = {"admin1": set(), "admin2": set(), "countries": set()}
        context["near"] = set()  # entries of other mentions, for the nearness test
        context["nearby_countries"] = set()
        for mention in mentions:
            for entry, _ in mention.owners[:COHERENCE_OWNERS]:
                kind = int(g.kind[entry])
                if kind == KIND_ADMIN1:
                    context["admin1"].add(entry)
                elif kind == KIND_ADMIN2:
                    context["admin2"].add(entry)
                elif kind == KIND_COUNTRY:
                    context["countries"].add(int(g.country_index[entry]))
                if kind != KIND_COUNTRY:
                    context["near"].add(entry)
                    context["nearby_countries"].add(int(g.country_index[entry]))
        return context

    def _in_scope(self, entry: int) -> float | None:
        """Score adjustment for the deployment's scope; None excludes the entry."""
        if self.scope is None:
            return 0.0
        return 1.0 if self.gazetteer.country_of(entry) in self.scope else None

    def _raw_score(
        self,
        entry: int,
        flags: int,
        mention: Mention,
        context: dict[str, set[int]],
        near: tuple[float, float] | None,
        order: int,
    ) -> float:
        g = self.gazetteer
        kind = int(g.kind[entry])
        raw = math.log10(int(g.population[entry]) + 1) / 6.0
        raw += 0.1 * (flags & 1) + 0.15 * ((flags >> 1) - 1)
        raw += {KIND_PLACE: 0.0, KIND_ADMIN1: -0.25, KIND_ADMIN2: 0.3, KIND_COUNTRY: -0.3}[kind]
        raw += 0.3 if mention.looks_like_name else -0.3
        if mention.says_area:
            raw += 1.0 if kind in (KIND_ADMIN1, KIND_ADMIN2) else -0.3
        raw += self._in_scope(entry) or 0.0
        raw += self._containment(entry, kind, context)
        raw -= 0.1 * min(order, 5)  # the incident's place is usually named first
        if near is not None:
            d = distance_km(near[0], near[1], float(g.lat[entry]), float(g.lon[entry]))
            raw += 1.5 * math.exp(-d / 50.0) + 1.0 * math.exp(-d / 400.0)
        return raw

    def _containment(self, entry: int, kind: int, context: dict[str, set[int]]) -> float:
        """A bonus when other mentions name the area or country this entry lies in, or
        places in the same country and close by ("Toumbou, near Kaya")."""
        g = self.gazetteer
        country = int(g.country_index[entry])
        bonus = 0.0
        if country in context["countries"] and kind != KIND_COUNTRY:
            bonus += 1.0  # a named country ("the Malian army") frames the whole text
        elif context["countries"] and kind != KIND_COUNTRY:
            bonus -= 0.6
        parent = int(g.admin1[entry])
        if kind in (KIND_PLACE, KIND_ADMIN2) and parent >= 0 and parent in context["admin1"]:
            bonus += 1.2
        if country in context.get("hinted", ()):
            bonus += 0.5
        elif context.get("hinted"):
            bonus -= 0.6  # "FAMa ... Boni" is not Bonn
        if kind == KIND_COUNTRY:
            return bonus
        if country in context["nearby_countries"]:
            bonus += 0.3
        lat, lon = float(g.lat[entry]), float(g.lon[entry])
        for other in context["near"] | context["admin2"]:
            if g.country_index[other] == country and entry != other:
                d = distance_km(float(g.lat[other]), float(g.lon[other]), lat, lon)
                if d < COHERENCE_KM:
                    bonus += 0.8 if other in context["admin2"] else 0.5
                    break
        return bonus

    def candidate(self, entry: int, score: float, matched: str | None = None) -> PlaceCandidate:
        g = self.gazetteer
        kind = int(g.kind[entry])
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
