"""Joining reports of one incident: same category, near in space and time, similar words.

Several people often report the same event; staff should get one alert that says "3 reports",
not three pings. A report joins the most recent open incident of its category created within
the time window whose first report lies within the distance (or, without coordinates, in the
same admin area or place), and whose text is similar enough when the rules ask for it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert
from escalation.rules import Clustering
from escalation.statements import INCIDENT_CANDIDATES
from escalation.units import fold

EARTH_RADIUS_KM = 6371.0088
_STOP_WORDS = (
    "the a an and of in at on to by was were is are it they we he she "
    "de la le les des du et un une en au aux ont est sont il elle ils nous"
)
_STOP = frozenset(_STOP_WORDS.split(" "))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def words(text: str | None) -> set[str]:
    return {word for word in re.split(r"\s+", fold(text or "")) if word and word not in _STOP}


def text_similarity(first: str | None, second: str | None) -> float:
    """Jaccard similarity of the folded content words; 1.0 when either text is missing, so
    a missing description never prevents a join."""
    a, b = words(first), words(second)
    if not a or not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Placed:
    """Where and what a report is, as clustering sees it."""

    category: str
    confidential: bool
    lat: float | None
    lon: float | None
    admin_area: str | None
    place: str | None
    country: str | None
    description: str | None


def near(alert: Alert, report: Placed, policy: Clustering) -> bool:
    if None not in (alert.lat, alert.lon, report.lat, report.lon):
        return distance_km(alert.lat, alert.lon, report.lat, report.lon) <= policy.distance_km
    if report.admin_area and alert.admin_area:
        return fold(report.admin_area) == fold(alert.admin_area)
    return False


async def incident_candidates(
    session: AsyncSession, category: str, confidential: bool, policy: Clustering, now: datetime
) -> list[Alert]:
    """Open incidents of the category created within the window, newest first (at most 50)."""
    values = {"category": category, "confidential": confidential, "since": now - policy.window}
    return list((await session.execute(INCIDENT_CANDIDATES, values)).scalars())


async def pick_incident(
    candidates: Iterable[Alert],
    report: Placed,
    policy: Clustering,
    describe_alert: object = None,
) -> Alert | None:
    """The first candidate the report belongs to: same country, near, similar enough."""
    for alert in candidates:
        if alert.country and report.country and alert.country != report.country:
            continue
        if not near(alert, report, policy):
            continue
        if policy.min_text_similarity > 0 and callable(describe_alert):
            other = await describe_alert(alert)
            if text_similarity(report.description, other) < policy.min_text_similarity:
                continue
        return alert
    return None


async def find_incident(
    session: AsyncSession,
    report: Placed,
    policy: Clustering,
    now: datetime,
    describe_alert: object = None,
) -> Alert | None:
    """The open incident this report belongs to, or None to start a new one.

    `describe_alert`, when given, is `async (alert) -> str | None` returning the first report's
    description, used only when the rules ask for text similarity.
    """
    candidates = await incident_candidates(
        session, report.category, report.confidential, policy, now
    )
    return await pick_incident(candidates, report, policy, describe_alert)
