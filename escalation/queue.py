"""The delivery queue: one row per message to one target, claimed by one worker at a time.

Rows are created inside the transaction that processes an outbox event, with a unique
`dedupe_key`, so processing the same event twice (after a crash) never queues a second ping.
Workers claim due rows with `FOR UPDATE SKIP LOCKED` and a lease: a worker that dies
mid-delivery leaves rows that another worker takes once the lease has run out.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation.models import Delivery
from escalation.rules import DeliveryPolicy


async def enqueue(
    session: AsyncSession,
    *,
    target: str,
    purpose: str,
    dedupe_key: str,
    now: datetime,
    alert_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Queue one message unless a message with the same key was ever queued."""
    found = await session.execute(select(Delivery.id).where(Delivery.dedupe_key == dedupe_key))
    if found.first() is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(
                Delivery(
                    alert_id=alert_id,
                    target=target,
                    purpose=purpose,
                    dedupe_key=dedupe_key[:255],
                    payload=payload or {},
                    state="pending",
                    attempts=0,
                    available_at=now,
                    created_at=now,
                )
            )
    except IntegrityError:  # another worker queued it at the same moment
        return False
    return True


async def claim(
    sessions: async_sessionmaker,
    worker_id: str,
    kinds: Sequence[str],
    now: datetime,
    policy: DeliveryPolicy,
    limit: int,
) -> list[Delivery]:
    """Take up to `limit` due deliveries whose target kind this worker can send."""
    if not kinds:
        return []
    async with sessions() as session, session.begin():
        rows = list(
            (
                await session.execute(
                    select(Delivery)
                    .where(
                        Delivery.state == "pending",
                        Delivery.available_at <= now,
                        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
                        or_(*(Delivery.target.startswith(f"{kind}:") for kind in kinds)),
                    )
                    .order_by(Delivery.available_at, Delivery.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).scalars()
        )
        for row in rows:
            row.claimed_by = worker_id
            row.claimed_until = now + policy.lease
    return rows


def backoff(attempts: int, policy: DeliveryPolicy) -> timedelta:
    """Exponential back-off with jitter, capped: 2 s, 4 s, 8 s ... up to `max_backoff`."""
    base = policy.backoff * (2 ** max(0, attempts - 1))
    return min(policy.max_backoff, base) * random.uniform(0.8, 1.2)


async def _settle(
    sessions: async_sessionmaker, delivery: Delivery, worker_id: str, **values: Any
) -> bool:
    """Record an outcome, only if this worker still holds the claim."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(Delivery)
            .where(Delivery.id == delivery.id, Delivery.claimed_by == worker_id)
            .values(claimed_until=None, **values)
        )
        return bool(result.rowcount)


async def mark_sent(
    sessions: async_sessionmaker,
    delivery: Delivery,
    worker_id: str,
    now: datetime,
    external_id: str | None,
) -> bool:
    return await _settle(
        sessions, delivery, worker_id, state="sent", sent_at=now, external_id=external_id
    )


async def mark_skipped(
    sessions: async_sessionmaker, delivery: Delivery, worker_id: str, reason: str
) -> bool:
    return await _settle(sessions, delivery, worker_id, state="skipped", last_error=reason[:300])


async def mark_retry(
    sessions: async_sessionmaker,
    delivery: Delivery,
    worker_id: str,
    now: datetime,
    policy: DeliveryPolicy,
    error: str,
    *,
    delay: timedelta | None = None,
    counts: bool = True,
) -> str:
    """Schedule another attempt (after `delay`, or a back-off); `failed` after the last one."""
    attempts = delivery.attempts + (1 if counts else 0)
    state = "failed" if counts and attempts >= policy.max_attempts else "pending"
    wait = delay if delay is not None else backoff(attempts, policy)
    await _settle(
        sessions,
        delivery,
        worker_id,
        attempts=attempts,
        state=state,
        available_at=now + wait,
        last_error=error[:300],
    )
    return state
