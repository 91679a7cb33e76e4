"""The single entry point of the NLU: `Nlu`.

The conversation flow, the monitor template parser, the CLI and escalation all talk to this one
object, built once per process (it loads the classifier and the gazetteer), so none of them
knows which model or gazetteer sits behind it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from nlu.classifier import LinearModel
from nlu.extraction.nationality import is_foreign
from nlu.extraction.perpetrator import parse_perpetrator as read_perpetrator
from nlu.extraction.victims import parse_victims as read_victims
from nlu.extraction.weapons import parse_weapons
from nlu.extraction.when import parse_when as read_when
from nlu.gazetteer import Gazetteer
from nlu.gazetteer_import import imported_files
from nlu.geotagger import Geotagger
from nlu.language import LanguageDetector
from nlu.models import load_classifier, load_common_words
from nlu.place_names import LazyPlaceNames
from nlu.precedence import apply_precedence
from nlu.rasa import RasaClient
from nlu.reading import read
from nlu.result import Analysis, Classification, PlaceCandidate, TimeReading, VictimReading
from nlu.text import fold

DETECTION_LANGUAGES = ("en", "fr", "ar", "es", "pt", "sw")
# Readings a named national force abroad turns into `foreign_forces` (nlu.extraction.nationality)
NATIONAL_TYPES = frozenset({None, "army", "police", "unknown"})


class Nlu:
    """Language id, classification, extraction and geotagging for incident reports.

    CONTRACT (implemented in this package):
      - `languages`: the languages to detect between (ISO 639-1).
      - `countries`: ISO alpha-2 codes that scope the gazetteer; None means worldwide.
      - `cache_dir`: where trained artefacts and gazetteer indexes are cached by data hash.
      - `rasa_url`: an optional Rasa server asked first by `analyze`.
      - `extra_gazetteer`: an optional GeoNames-format TSV of extra places.
      - `gazetteer_dir`: the directory `tocsin gazetteer import` writes (country files and
        alternate names); absent or empty means the shipped gazetteer alone.
      - `warm_up`: load the k-d tree and dateparser in a background thread (default).
    """

    def __init__(
        self,
        *,
        languages: Sequence[str] = DETECTION_LANGUAGES,
        countries: Sequence[str] | None = None,
        cache_dir: Path | None = None,
        rasa_url: str | None = None,
        extra_gazetteer: Path | None = None,
        gazetteer_dir: Path | None = None,
        warm_up: bool = True,
    ) -> None:
        self.languages = tuple(dict.fromkeys(code.lower() for code in languages))
        self.countries = tuple(c.upper() for c in countries) if countries else None
        self._language = LanguageDetector(self.languages)
        self._model: LinearModel = load_classifier(cache_dir)
        dumps, names_files = imported_files(gazetteer_dir)
        extras = [*dumps, *([extra_gazetteer] if extra_gazetteer else [])]
        gazetteer = Gazetteer.load(cache_dir, extras, self.countries, names_files)
        self._place_names = LazyPlaceNames(cache_dir, [*extras, *names_files])
        self._geotagger = Geotagger(
            gazetteer, countries=self.countries, common_words=load_common_words(cache_dir)
        )
        self._rasa = RasaClient(rasa_url) if rasa_url else None
        # set once the warm-up is over (at once without one): a server may then freeze what it
        # loaded out of the garbage collector's sight (`tocsin run`)
        self.warmed = threading.Event()
        # The first location pin and the first unusual time phrase would otherwise pay for
        # loading scipy's k-d tree and dateparser's language data in the middle of a chat.
        # `warm_up=False` suits one-shot commands that never see a pin.
        if warm_up:
            threading.Thread(target=self._warm_up, name="nlu-warm-up", daemon=True).start()
        else:
            self.warmed.set()

    @property
    def gazetteer(self) -> Gazetteer:
        """The loaded place index (for `tocsin gazetteer info`)."""
        return self._geotagger.gazetteer

    def _warm_up(self) -> None:
        try:
            self._geotagger.gazetteer.build_spatial_index()
            self._place_names.load()  # built once per data change (seconds), then a file read
            for language in self.languages:
                read_when("warm up", datetime.now(UTC), language)  # dateparser for `language`
        finally:
            self.warmed.set()

    # Below this calibrated confidence the flow asks the person to pick the category.
    confidence_threshold: float = 0.5

    async def analyze(
        self,
        text: str,
        *,
        language_hint: str | None = None,
        now: datetime | None = None,
        near: tuple[float, float] | None = None,
    ) -> Analysis:
        """Read a free-text report: language, category, perpetrator, victims, time, places."""
        language, language_confidence = self.detect_language(text, language_hint)
        reading_language = language if language != "und" else language_hint
        weapons = parse_weapons(text)  # read once: the classifier's precedence needs them too
        classification, backend = None, "builtin"
        if self._rasa is not None:
            classification = await self._rasa.classify(text)
            backend = "rasa" if classification is not None else "builtin"
        if classification is None:
            classification = self._classify(text, weapons)
        perpetrator, perpetrator_text = self.parse_perpetrator(text, language=reading_language)
        places = tuple(self.geotag(text, language=reading_language, near=near))
        # Home: the country of the best place, and the deployment's countries
        home = set(self.countries or ())
        if places:
            home.add(places[0].country)
        foreign = is_foreign(text, home)
        if perpetrator in NATIONAL_TYPES and foreign:
            perpetrator = "foreign_forces"
        classification, reading = read(fold(text), classification, perpetrator, foreign)
        victims = self.parse_victims(text, language=reading_language)
        return Analysis(
            language=language,
            language_confidence=language_confidence,
            category=classification.category,
            confidence=classification.confidence,
            ranked_categories=classification.ranked,
            perpetrator=perpetrator,
            perpetrator_text=perpetrator_text,
            affected_groups=victims.groups,
            victims=victims.total,
            when=self.parse_when(text, language=reading_language, now=now),
            places=places,
            weapons=weapons,
            backend=backend,
            categories=reading.categories,
            confidential=reading.confidential,
            relevant=reading.relevant,
            relevance=reading.relevance,
        )

    async def aclose(self) -> None:
        """Release the process's connections (the Rasa client's HTTP session) at shutdown."""
        if self._rasa is not None:
            await self._rasa.close()

    def detect_language(self, text: str, hint: str | None = None) -> tuple[str, float]:
        """(ISO 639-1 code or "und" when unsure, confidence)."""
        return self._language.detect(text, hint)

    def classify(self, text: str, *, language: str | None = None) -> Classification:
        """The category of `text` with calibrated confidence; "other" for empty text."""
        return self._classify(text, parse_weapons(text))

    def _classify(self, text: str, weapons: Sequence[str]) -> Classification:
        if not text.strip():
            return Classification(category="other", confidence=0.0, ranked=(("other", 0.0),))
        return apply_precedence(self._model.classify(text), weapons, text)

    def geotag(
        self,
        text: str,
        *,
        language: str | None = None,
        near: tuple[float, float] | None = None,
        limit: int = 5,
    ) -> list[PlaceCandidate]:
        """Candidates for the places named in `text` (a bare place name or a sentence),
        best first, scored in [0, 1]."""
        return self._geotagger.geotag(text, near=near, limit=limit, language=language)

    def place_names(self, place: PlaceCandidate, language: str) -> list[str]:
        """The names of `place` in `language` (ISO 639-1), most usual first, e.g. ["تمبكتو"]
        for Timbuktu in "ar" or ["Tombouctou"] in "fr"; [] when the data has none (show
        `place.name` then). Found by the place's GeoNames id: shipped Arabic-script names,
        country names in every shipped language, and imported alternateNames files
        (`tocsin gazetteer import alternateNamesV2.txt`). The first call loads a small index."""
        return self._place_names.names(place.geonameid, language)

    def reverse_geocode(self, lat: float, lon: float) -> PlaceCandidate | None:
        """The nearest populated place (with admin area and country) to a location pin."""
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            return None
        return self._geotagger.reverse(lat, lon)

    def parse_when(
        self, text: str, *, language: str | None = None, now: datetime | None = None
    ) -> TimeReading | None:
        """A time from words such as "yesterday evening", "hier soir", "أمس"; timezone-aware
        UTC datetimes; None when nothing in the text reads as a time."""
        return read_when(text, now or datetime.now(UTC), language)

    def parse_victims(self, text: str, *, language: str | None = None) -> VictimReading:
        """Groups and counts from "3 women, 2 children", "trois hommes", "ثلاثة أطفال"."""
        return read_victims(text)

    def parse_perpetrator(
        self, text: str, *, language: str | None = None
    ) -> tuple[str | None, str | None]:
        """(perpetrator type id or None, the words that named it, e.g. "FAMa")."""
        return read_perpetrator(text)
