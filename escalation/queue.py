"""The delivery queue: one row per message to one target, claimed by one worker at a time.

Rows are created inside the transaction that processes an outbox event, with a unique
`dedupe_key`, so processing the same event twice (after a crash) never queues a second ping.
Workers claim due rows with `FOR UPDATE SKIP LOCKED` and a lease: a worker that dies
mid-delivery leaves rows that another worker takes once the lease has run out.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation.models import Delivery
from escalation.rules import DeliveryPolicy
from escalation.statements import insert_deliveries, run_core
from reports.group_commit import GroupCommit
from reports.retry import Backoff


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
    row = {"target": target, "purpose": purpose, "dedupe_key": dedupe_key, "payload": payload}
    return bool(await enqueue_many(session, [row], now=now, alert_id=alert_id))


async def enqueue_many(
    session: AsyncSession,
    rows: Sequence[dict[str, Any]],
    *,
    now: datetime,
    alert_id: int | None = None,
) -> int:
    """Queue several messages in one `INSERT ... ON CONFLICT DO NOTHING` on `dedupe_key`
    (built once, see `escalation.statements`): two workers queueing the same key at the same
    moment leave one row. Returns how many were queued."""
    if not rows:
        return 0
    values = [
        {
            "alert_id": alert_id,
            "target": row["target"],
            "purpose": row["purpose"],
            "dedupe_key": row["dedupe_key"][:255],
            "payload": row.get("payload") or {},
            "state": "pending",
            "attempts": 0,
            "available_at": now,
            "created_at": now,
        }
        for row in rows
    ]
    statement = insert_deliveries(session.bind.dialect.name)
    queued = len((await run_core(session, statement, values)).all())
    if queued:  # rows met by their dedupe key are nothing new: waking would find no work
        session.info["tocsin_escalation_wake"] = True
    return queued


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
    """The one retry policy (`reports.retry`) with the rules' figures: 2 s, 4 s, 8 s ... up
    to `max_backoff`, with jitter; `attempts` counts the failures so far."""
    figures = Backoff(
        policy.backoff.total_seconds(), policy.max_backoff.total_seconds(), jitter=0.2
    )
    return figures.after(attempts - 1)


Settlement = tuple[int, str, dict[str, Any]]  # (delivery id, worker holding it, new values)


async def _flush(sessions: async_sessionmaker, batch: list[Settlement]) -> list[bool]:
    """One transaction for outcomes that finish together (one fsync on SQLite); outcomes with
    the same columns go as one executemany. True where the worker still held the claim."""
    shapes: dict[tuple[str, ...], list[int]] = {}
    for index, (_row, _holder, values) in enumerate(batch):
        shapes.setdefault(tuple(sorted(values)), []).append(index)
    held = [True] * len(batch)
    table = Delivery.__table__
    async with sessions() as session, session.begin():
        for columns, indexes in shapes.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("row_id"), table.c.claimed_by == bindparam("holder"))
                .values(claimed_until=None, **{name: bindparam(f"v_{name}") for name in columns})
            )
            parameters = [
                {"row_id": batch[i][0], "holder": batch[i][1]}
                | {f"v_{name}": value for name, value in batch[i][2].items()}
                for i in indexes
            ]
            if len(parameters) == 1:
                result = await session.execute(statement, parameters[0])
                held[indexes[0]] = bool(result.rowcount)
                continue
            await session.execute(statement, parameters)
    return held


# one batched commit (reports.group_commit) per session factory, so per worker and per event
# loop, dropped with it
_GROUPS: weakref.WeakKeyDictionary[async_sessionmaker, GroupCommit[Settlement, bool]] = (
    weakref.WeakKeyDictionary()
)


async def _settle(
    sessions: async_sessionmaker, delivery: Delivery, worker_id: str, **values: Any
) -> bool:
    """Record an outcome, only if this worker still holds the claim; returns once committed."""
    group = _GROUPS.get(sessions)
    if group is None:
        factory = weakref.ref(sessions)

        async def flush(batch: list[Settlement]) -> list[bool]:
            live = factory()
            assert live is not None, "settled after its session factory was dropped"
            return await _flush(live, batch)

        group = _GROUPS[sessions] = GroupCommit(flush)
    return await group.submit((delivery.id, worker_id, values))


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
