"""The countries where each shipped language other than English is spoken by many.

A place name shared by several countries is more likely, in a text written in Portuguese,
to be Mozambique's Palma than Majorca's; in Arabic, a town of Chad or Sudan than a namesake
elsewhere. The geotagger gives owners in these countries a small prior
(nlu.geo_rank.LANGUAGE_BONUS): a hint, never a scope, since people also write about their
neighbours. English is spoken or written in nearly every country, so it hints at none.
"""

from __future__ import annotations


def _codes(text: str) -> frozenset[str]:
    """ISO codes written as one line of text, the way a list of countries is read."""
    return frozenset(text.split())


SPOKEN_IN: dict[str, frozenset[str]] = {
    "fr": _codes(
        "FR BE CH LU MC CA HT SN ML BF NE CI GN BJ TG CM TD CF CG CD GA GQ DJ KM MG BI RW SC MU "
        "MA DZ TN MR LB VU NC PF RE GP MQ GF YT"
    ),
    "es": _codes("ES MX GT HN SV NI CR PA CU DO PR CO VE EC PE BO PY CL AR UY GQ"),
    "pt": _codes("PT BR AO MZ GW CV ST TL"),
    "ar": _codes(
        "SA AE YE OM QA BH KW IQ SY JO LB PS IL EG SD SS LY TN DZ MA EH MR SO DJ KM TD ER"
    ),
    "sw": _codes("KE TZ UG CD RW BI"),
}
