"""Surge early warning: a sudden rise of reports in one area raises its own alert.

Reports per admin area over the last window are compared with the rate of the same area over
a longer baseline before it. A rise is significant when there are at least `min_reports`, at
least `ratio` times the expected count, and the Poisson probability of so many by chance is
below `max_p_value`. One surge alert per area and window: later reports update it.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert
from escalation.rules import Confidentiality, Surge
from escalation.statements import AREA_COUNTS, AREA_COUNTS_ANY_COUNTRY, run_core
from escalation.units import fold
from escalation.window_alert import record_window_alert, window_number

MIN_EXPECTED = 0.2  # a quiet area still expects a little, so one report is never a surge


def poisson_tail(count: int, expected: float) -> float:
    """P(X >= count) for X ~ Poisson(expected)."""
    if count <= 0:
        return 1.0
    term = math.exp(-expected)
    below = term
    for i in range(1, count):
        term *= expected / i
        below += term
    return max(0.0, 1.0 - below)


@dataclass(frozen=True)
class SurgeReading:
    area: str
    country: str | None
    count: int
    expected: float
    p_value: float

    def significant(self, policy: Surge) -> bool:
        return (
            self.count >= policy.min_reports
            and self.count >= policy.ratio * self.expected
            and self.p_value <= policy.max_p_value
        )


async def read_area(
    session: AsyncSession,
    country: str | None,
    area: str,
    policy: Surge,
    now: datetime,
    confidential: Confidentiality | None = None,
    confidential_ids: Collection[int] = (),
) -> SurgeReading:
    """Counts of one admin area: this window, and the baseline's rate scaled to a window.

    A surge alert goes to non-confidential staff: confidential reports (by `confidential`'s
    categories and perpetrators, as members of a confidential incident, or listed in
    `confidential_ids`) are not counted, so its count never reveals one."""
    window_start = now - policy.window
    rules = confidential or Confidentiality()
    values = {
        "area": area,
        "baseline_start": window_start - policy.baseline,
        "window_start": window_start,
        "window_end": now + timedelta(seconds=1),
        "confidential_categories": list(rules.categories),
        "confidential_perpetrators": list(rules.perpetrators),
        "confidential_ids": list(confidential_ids),
    }
    statement = AREA_COUNTS_ANY_COUNTRY
    if country:
        statement, values["country"] = AREA_COUNTS, country
    recent, before = (await run_core(session, statement, values)).one()
    recent, before = int(recent), int(before)
    expected = max(MIN_EXPECTED, before * (policy.window / policy.baseline))
    return SurgeReading(area, country, recent, expected, poisson_tail(recent, expected))


def surge_key(reading: SurgeReading, policy: Surge, now: datetime) -> str:
    bucket = window_number(now, policy.window)
    return f"surge:{reading.country or '--'}:{fold(reading.area)[:180]}:{bucket}"


async def record_surge(
    session: AsyncSession,
    reading: SurgeReading,
    policy: Surge,
    now: datetime,
    known: dict[str, Alert] | None = None,
) -> tuple[Alert, bool] | None:
    """The surge alert of this area and window, created or updated; None if no surge.

    `known`, when given, holds the surge alerts this transaction has already found or
    created, by key: a busy area surges for every report of a batch, and each would otherwise
    look its alert up again."""
    if not reading.significant(policy):
        return None
    return await record_window_alert(
        session,
        surge_key(reading, policy, now),
        reading.count,
        reading.expected,
        now,
        known,
        kind="surge",
        country=reading.country,
        admin_area=reading.area,
    )
