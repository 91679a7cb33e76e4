"""One alert per subject and counting window: raised once, then updated as the count grows.

A surge (reports in one area) and a supported unit over its threshold (reports naming one
unit) are both counts over a fixed window. Each keeps a single alert per subject and window,
found again by its `surge_key`, so that every later report of the window updates that alert
(and its pings) instead of raising another. The key's window number comes from the clock, so
two processes counting the same window agree on it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert, new_alert
from escalation.statements import SURGE_ALERT


def window_number(now: datetime, window: timedelta) -> int:
    """The fixed window `now` falls in, counted from the epoch."""
    return int(now.timestamp() // window.total_seconds())


async def record_window_alert(
    session: AsyncSession,
    key: str,
    count: int,
    expected: float,
    now: datetime,
    known: dict[str, Alert] | None = None,
    **fields: Any,
) -> tuple[Alert, bool]:
    """The alert of `key`, created with `fields` or updated; True when it was created.

    An existing alert changes (a new version, so its pings are edited) only when the count
    grew. `known`, when given, holds the alerts this transaction has already found or created,
    by key: a busy subject is counted for every report of a batch, and each would otherwise look
    its alert up again."""
    known = {} if known is None else known
    alert = known.get(key)
    if alert is None:
        alert = (await session.execute(SURGE_ALERT, {"key": key})).scalar_one_or_none()
    if alert is not None:
        known[key] = alert
        if count > alert.report_count:
            alert.report_count, alert.expected_count = count, expected
            alert.version, alert.updated_at = alert.version + 1, now
        return alert, False
    alert = new_alert(
        now,
        severity="high",
        confidential=False,
        report_count=count,
        expected_count=expected,
        surge_key=key,
        **fields,
    )
    session.add(alert)
    await session.flush()
    known[key] = alert
    return alert, True
