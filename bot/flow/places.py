"""Showing and recording places: shared by the place step and the summary."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError

from bot.draft import Draft, PlaceCandidate
from locales.i18n import Translator
from nlu import PlaceCandidate as NluPlace

NLU_PLACE_FIELDS = tuple(NluPlace.__dataclass_fields__)


def country_name(code: str | None, language: str) -> str | None:
    """The country's name in the conversation's language (Babel's CLDR data)."""
    if not code:
        return None
    try:
        return Locale.parse(language).territories.get(code.upper(), code)
    except (UnknownLocaleError, ValueError):
        return code


def impossible_location_text(_: Translator) -> str:
    """The answer to a pin or typed coordinates that no place on Earth has: never stored."""
    return _(
        "That location cannot be right: a latitude is between -90 and 90 and a longitude "
        "between -180 and 180. Please share your location again, or type the name of the place."
    )


def local_name(candidate: PlaceCandidate, language: str, nlu: object | None) -> str | None:
    """The place's name in the conversation's language where the gazetteer has one ("تمبكتو"
    for Timbuktu in Arabic), found by its GeoNames id; else its gazetteer name."""
    # `Nlu.place_names` comes with the gazetteer's alternate names (`tocsin gazetteer import`);
    # an NLU without it names places as the gazetteer spells them.
    names_of = getattr(nlu, "place_names", None)
    if names_of is None or not candidate.get("geonameid"):
        return candidate.get("name")
    fields = {key: candidate.get(key) for key in NLU_PLACE_FIELDS if key in candidate}
    names = names_of(NluPlace(**fields), language)
    return names[0] if names else candidate.get("name")


def describe_candidate(
    candidate: dict[str, Any], language: str, *, town: bool = False, nlu: object | None = None
) -> str:
    """ "Mopti, Mali"; a first-level area says it is a region ("Gao (region), Mali"), and a
    town says so (`town`) where a region of the same name is offered beside it."""
    _ = Translator(language)
    name = local_name(candidate, language, nlu)
    if name and candidate.get("precision") == "admin":
        name = _("{place} (region)", place=name)
    elif name and town:
        name = _("{place} (town)", place=name)
    parts = [name]
    admin = candidate.get("admin1")
    if admin and admin != candidate.get("name"):
        parts.append(admin)
    parts.append(country_name(candidate.get("country"), language))
    return ", ".join(part for part in parts if part)


def describe_candidates(
    candidates: list[PlaceCandidate], language: str, nlu: object | None = None
) -> list[str]:
    """Each candidate as it is offered; places that would read the same as another are told
    apart (the town and the region of Gao, 480 km apart around Tombouctou)."""
    names = [candidate.get("name") for candidate in candidates]
    return [
        describe_candidate(
            candidate,
            language,
            town=candidate.get("precision") != "admin" and names.count(candidate.get("name")) > 1,
            nlu=nlu,
        )
        for candidate in candidates
    ]


def describe_location(draft: Draft, _: Translator, nlu: object | None = None) -> str:
    """ "Mopti, Mali (14.49, -4.19)" or the person's own words, for summaries."""
    if draft.place:
        place = {"name": draft.place, "admin1": draft.admin_area, "country": draft.country}
        if draft.place_id is not None:
            place.update(geonameid=draft.place_id, lat=draft.lat, lon=draft.lon, score=1.0)
        name: str | None = describe_candidate(place, _.language, nlu=nlu)
    else:
        name = draft.location_text
    if draft.lat is not None and draft.lon is not None:
        coordinates = f"{draft.lat:.4f}, {draft.lon:.4f}"
        return f"{name} ({coordinates})" if name else coordinates
    return name or _("not given")


def record_candidate(draft: Draft, candidate: PlaceCandidate, source: str) -> None:
    draft.place = candidate.get("name")
    draft.place_id = candidate.get("geonameid")
    draft.admin_area = candidate.get("admin1")
    draft.country = candidate.get("country")
    draft.lat, draft.lon = candidate.get("lat"), candidate.get("lon")
    draft.location_precision = candidate.get("precision") or "place"
    draft.location_source = source


def record_pin(draft: Draft, lat: float, lon: float, nearest: PlaceCandidate | None) -> None:
    """A pin keeps its exact coordinates; the nearest place only names it."""
    draft.lat, draft.lon = lat, lon
    draft.location_precision, draft.location_source = "exact", "pin"
    nearest = nearest or {}
    draft.place = nearest.get("name")
    draft.place_id = nearest.get("geonameid")
    draft.admin_area = nearest.get("admin1")
    draft.country = nearest.get("country")


def record_words(draft: Draft, text: str) -> None:
    """A place that the gazetteer does not know is kept in the person's words."""
    draft.clear_location()
    draft.location_precision, draft.location_source = "unknown", "text"
    draft.location_text = text
