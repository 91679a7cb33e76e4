"""Showing and recording places: shared by the place step and the summary."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError

from locales.i18n import Translator


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


def describe_candidate(candidate: dict[str, Any], language: str) -> str:
    parts = [candidate.get("name")]
    admin = candidate.get("admin1")
    if admin and admin != candidate.get("name"):
        parts.append(admin)
    parts.append(country_name(candidate.get("country"), language))
    return ", ".join(part for part in parts if part)


def describe_location(draft: dict[str, Any], _: Translator) -> str:
    """ "Mopti, Mali (14.49, -4.19)" or the person's own words, for summaries."""
    place = draft.get("place")
    lat, lon = draft.get("lat"), draft.get("lon")
    if place:
        name = describe_candidate(
            {"name": place, "admin1": draft.get("admin_area"), "country": draft.get("country")},
            _.language,
        )
    elif draft.get("location_text"):
        name = draft["location_text"]
    else:
        name = None
    if lat is not None and lon is not None:
        coordinates = f"{lat:.4f}, {lon:.4f}"
        return f"{name} ({coordinates})" if name else coordinates
    return name or _("not given")


def record_candidate(draft: dict[str, Any], candidate: dict[str, Any], source: str) -> None:
    draft.update(
        place=candidate.get("name"),
        admin_area=candidate.get("admin1"),
        country=candidate.get("country"),
        lat=candidate.get("lat"),
        lon=candidate.get("lon"),
        location_precision=candidate.get("precision") or "place",
        location_source=source,
    )


def record_pin(
    draft: dict[str, Any], lat: float, lon: float, nearest: dict[str, Any] | None
) -> None:
    """A pin keeps its exact coordinates; the nearest place only names it."""
    draft.update(lat=lat, lon=lon, location_precision="exact", location_source="pin")
    if nearest:
        draft.update(
            place=nearest.get("name"),
            admin_area=nearest.get("admin1"),
            country=nearest.get("country"),
        )
    else:
        draft.update(place=None, admin_area=None, country=None)


def record_words(draft: dict[str, Any], text: str) -> None:
    """A place that the gazetteer does not know is kept in the person's words."""
    draft.update(
        place=None,
        admin_area=None,
        country=None,
        lat=None,
        lon=None,
        location_precision="unknown",
        location_source="text",
        location_text=text,
    )


def clear_location(draft: dict[str, Any]) -> None:
    for key in (
        "place",
        "admin_area",
        "country",
        "lat",
        "lon",
        "location_precision",
        "location_source",
        "location_text",
    ):
        draft.pop(key, None)
