"""The durable inbox: channel messages are committed before they are acknowledged.

A webhook (or a poller) calls `Inbox.accept` with the raw update and answers 200 only after it
returns; a redelivered update is a no-op thanks to the unique (channel, external id).
Concurrent accepts share one transaction (group commit). Workers `claim` items with
`FOR UPDATE SKIP LOCKED` on PostgreSQL, strictly in order per sender (an item is claimable only
when no earlier item of the same sender is still pending), so several processes can share the
work without reordering a conversation.

When a processor runs in the same process it is attached as the inbox's local taker: the
transaction that accepts new items also leases them to it and hands them over in memory, so
the common case costs no claim query at all. An item whose sender has an earlier pending item
is leased this way only when that earlier item is leased to the same process, which then runs
them one after the other; otherwise it waits for the ordinary claim.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import aliased

from bot.group_commit import GroupCommit
from reports.crypto import Keyring
from reports.database import is_sqlite
from reports.models import InboundItem

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
LEASE_SECONDS = 60
WAKE_CHANNEL = "tocsin:inbox"
SEAL_CONTEXT = b"inbox"
RETURNED = (
    InboundItem.id,
    InboundItem.channel,
    InboundItem.external_id,
    InboundItem.sender_key,
    InboundItem.payload_enc,
    InboundItem.attempts,
    InboundItem.received_at,
)


@dataclass(frozen=True)
class InboxItem:
    id: int
    channel: str
    external_id: str
    sender_key: str
    payload: bytes
    attempts: int
    received_at: datetime


@dataclass(frozen=True)
class _Arrival:
    channel: str
    external_id: str
    sender_key: str
    payload: bytes


class LocalTaker(Protocol):
    """A processor in this process that takes freshly accepted items without a claim."""

    worker: str

    def room(self) -> int:
        """How many more items it can take now."""
        ...

    def take(self, items: Sequence[InboxItem]) -> None: ...


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _unleased(table: Any, now: datetime) -> Any:
    return or_(table.locked_until.is_(None), table.locked_until < now)


class Inbox:
    """Accept, claim, complete and retry inbound items."""

    def __init__(self, engine: AsyncEngine, keyring: Keyring, redis: Any = None) -> None:
        self._engine = engine
        self._keyring = keyring
        self._sqlite = is_sqlite(str(engine.url))
        self._insert = sqlite_insert if self._sqlite else pg_insert
        self._redis = redis
        self._local: LocalTaker | None = None
        self._accepting: GroupCommit[_Arrival, bool] = GroupCommit(self._accept_batch)
        self._completing: GroupCommit[int, None] = GroupCommit(self._complete_batch)
        self.wakeup = asyncio.Event()

    def attach(self, taker: LocalTaker | None) -> None:
        """Hand new items to `taker` as they are accepted (None: stop doing so)."""
        self._local = taker

    # -- accepting ---------------------------------------------------------------------------

    async def accept(self, channel: str, external_id: str, sender_key: str, payload: bytes) -> bool:
        """Commit the sealed payload; False when this update was accepted before."""
        return await self._accepting.submit(_Arrival(channel, external_id, sender_key, payload))

    async def _accept_batch(self, arrivals: list[_Arrival]) -> list[bool]:
        now = datetime.now(UTC)
        rows = [
            {
                "channel": arrival.channel,
                "external_id": arrival.external_id,
                "sender_key": arrival.sender_key,
                "payload_enc": self._keyring.encrypt(arrival.payload, context=SEAL_CONTEXT),
                "received_at": now,
                "status": "pending",
                "attempts": 0,
            }
            for arrival in arrivals
        ]
        statement = (
            self._insert(InboundItem)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
            .returning(InboundItem.id, InboundItem.channel, InboundItem.external_id)
        )
        taker = self._local
        async with self._engine.begin() as connection:
            new = {
                (row.channel, row.external_id): row.id
                for row in await connection.execute(statement)
            }
            leased: set[int] = set()
            room = taker.room() if taker is not None else 0
            if new and taker is not None and room > 0:
                ids = sorted(new.values())[:room]
                leased = await self._lease_new(connection, ids, taker.worker, now)
        if taker is not None and leased:
            taker.take(
                [
                    InboxItem(id, a.channel, a.external_id, a.sender_key, a.payload, 1, now)
                    for a in arrivals
                    if (id := new.get((a.channel, a.external_id))) in leased
                ]
            )
        if len(leased) < len(new):
            await self._wake()
        answers, seen = [], set()
        for arrival in arrivals:
            key = (arrival.channel, arrival.external_id)
            answers.append(key in new and key not in seen)
            seen.add(key)
        return answers

    async def _lease_new(
        self, connection: Any, ids: list[int], worker: str, now: datetime
    ) -> set[int]:
        """Lease just-inserted items to this process unless another holds an earlier item of
        the same sender (then the ordinary claim takes them, in order)."""
        earlier = aliased(InboundItem)
        held_elsewhere = exists().where(
            earlier.sender_key == InboundItem.sender_key,
            earlier.status == "pending",
            earlier.id < InboundItem.id,
            or_(
                earlier.locked_by.is_(None), earlier.locked_by != worker, earlier.locked_until < now
            ),
        )
        statement = (
            update(InboundItem)
            .where(InboundItem.id.in_(ids), ~held_elsewhere)
            .values(
                locked_by=worker,
                locked_until=now + timedelta(seconds=LEASE_SECONDS),
                attempts=InboundItem.attempts + 1,
            )
            .returning(InboundItem.id)
            .execution_options(synchronize_session=False)
        )
        return {row.id for row in await connection.execute(statement)}

    async def _wake(self) -> None:
        self.wakeup.set()
        if self._redis is not None:
            try:
                await self._redis.publish(WAKE_CHANNEL, b"1")
            except Exception as error:  # a missed wake-up only costs one poll interval
                log.warning("inbox wake-up not published: %s", type(error).__name__)

    # -- claiming ----------------------------------------------------------------------------

    async def claim(
        self, worker: str, limit: int = 20, lease_seconds: int = LEASE_SECONDS
    ) -> list[InboxItem]:
        """Lease up to `limit` items, the oldest first, at most the next one per sender."""
        now = datetime.now(UTC)
        candidate, earlier = aliased(InboundItem), aliased(InboundItem)
        blocked = exists().where(
            and_(
                earlier.sender_key == candidate.sender_key,
                earlier.status == "pending",
                earlier.id < candidate.id,
            )
        )
        pick = (
            select(candidate.id)
            .where(candidate.status == "pending", _unleased(candidate, now), ~blocked)
            .order_by(candidate.id)
            .limit(limit)
        )
        if not self._sqlite:
            pick = pick.with_for_update(skip_locked=True, of=candidate)
        # one statement: the conditions are checked again on the row, so that without row
        # locks (SQLite) two claimers never share an item
        statement = (
            update(InboundItem)
            .where(InboundItem.id.in_(pick), InboundItem.status == "pending")
            .where(_unleased(InboundItem, now))
            .values(
                locked_by=worker,
                locked_until=now + timedelta(seconds=lease_seconds),
                attempts=InboundItem.attempts + 1,
            )
            .returning(*RETURNED)
            .execution_options(synchronize_session=False)
        )
        async with self._engine.begin() as connection:
            rows = list(await connection.execute(statement))
        return [
            InboxItem(
                id=row.id,
                channel=row.channel,
                external_id=row.external_id,
                sender_key=row.sender_key,
                payload=self._keyring.decrypt(row.payload_enc, context=SEAL_CONTEXT),
                attempts=row.attempts,
                received_at=row.received_at,
            )
            for row in sorted(rows, key=lambda row: row.id)
        ]

    # -- finishing ---------------------------------------------------------------------------

    async def complete(self, item_id: int) -> None:
        """Handled: the sealed payload is dropped, only the de-duplication key stays."""
        await self._completing.submit(item_id)

    async def _complete_batch(self, ids: list[int]) -> list[None]:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(InboundItem)
                .where(InboundItem.id.in_(ids))
                .values(
                    status="done",
                    processed_at=datetime.now(UTC),
                    payload_enc=b"",
                    locked_until=None,  # locked_by stays: which worker handled it
                )
            )
        self.wakeup.set()  # the next message of these senders may now be claimed
        return [None] * len(ids)

    async def retry_later(self, item_id: int, attempts: int, error: str) -> None:
        """Back off exponentially; after MAX_ATTEMPTS the item stays as `failed` for operators."""
        delay = min(2**attempts, 300)
        status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        async with self._engine.begin() as connection:
            await connection.execute(
                update(InboundItem)
                .where(InboundItem.id == item_id)
                .values(
                    status=status,
                    locked_by=None,  # held by nobody now: its sender's later items stay behind it
                    locked_until=datetime.now(UTC) + timedelta(seconds=delay),
                    last_error=error[:200],
                )
            )

    async def release(self, item_ids: Sequence[int]) -> None:
        """Give leased items that were never started back to every worker."""
        if not item_ids:
            return
        async with self._engine.begin() as connection:
            await connection.execute(
                update(InboundItem)
                .where(InboundItem.id.in_(list(item_ids)), InboundItem.status == "pending")
                .values(locked_by=None, locked_until=None)
            )
        await self._wake()

    async def pending_count(self) -> int:
        async with self._engine.connect() as connection:
            result = await connection.execute(
                select(func.count()).select_from(InboundItem).where(InboundItem.status == "pending")
            )
            return int(result.scalar_one())


Handler = Callable[[InboxItem], Awaitable[None]]
