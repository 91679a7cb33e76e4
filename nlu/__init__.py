"""Natural-language understanding for incident reports, offline and multilingual.

`nlu` imports nothing of the other Tocsin packages.
"""

from nlu.engine import Nlu
from nlu.result import Analysis, Classification, PlaceCandidate, TimeReading, VictimReading

__all__ = ["Analysis", "Classification", "Nlu", "PlaceCandidate", "TimeReading", "VictimReading"]
