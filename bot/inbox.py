"""The durable inbox: channel messages are committed before they are acknowledged.

A webhook (or a poller) calls `Inbox.accept` with the raw update and answers 200 only after it
returns; a redelivered update is a no-op thanks to the unique (channel, external id). Workers
`claim` items with `FOR UPDATE SKIP LOCKED` on PostgreSQL, strictly in order per sender (an
item is claimable only when no earlier item of the same sender is still pending), so several
processes can share the work without reordering a conversation.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import aliased

from reports.crypto import Keyring
from reports.database import is_sqlite, session_factory
from reports.models import InboundItem

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
WAKE_CHANNEL = "tocsin:inbox"


@dataclass(frozen=True)
class InboxItem:
    id: int
    channel: str
    external_id: str
    sender_key: str
    payload: bytes
    attempts: int
    received_at: datetime


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Inbox:
    """Accept, claim, complete and retry inbound items."""

    def __init__(self, engine: AsyncEngine, keyring: Keyring, redis: Any = None) -> None:
        self._db = session_factory(engine)
        self._keyring = keyring
        self._sqlite = is_sqlite(str(engine.url))
        self._redis = redis
        self.wakeup = asyncio.Event()

    async def accept(self, channel: str, external_id: str, sender_key: str, payload: bytes) -> bool:
        """Commit the sealed payload; False when this update was accepted before."""
        insert = sqlite_insert if self._sqlite else pg_insert
        statement = (
            insert(InboundItem)
            .values(
                channel=channel,
                external_id=external_id,
                sender_key=sender_key,
                payload_enc=self._keyring.encrypt(payload, context=b"inbox"),
                received_at=datetime.now(UTC),
                status="pending",
                attempts=0,
            )
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        )
        async with self._db() as session, session.begin():
            result = await session.execute(statement)
        accepted = bool(result.rowcount)
        if accepted:
            await self._wake()
        return accepted

    async def _wake(self) -> None:
        self.wakeup.set()
        if self._redis is not None:
            try:
                await self._redis.publish(WAKE_CHANNEL, b"1")
            except Exception as error:  # a missed wake-up only costs one poll interval
                log.warning("inbox wake-up not published: %s", type(error).__name__)

    async def claim(self, worker: str, limit: int = 20, lease_seconds: int = 60) -> list[InboxItem]:
        """Lease up to `limit` items, the oldest first, at most the next one per sender."""
        now = datetime.now(UTC)
        earlier = aliased(InboundItem)
        blocked = exists().where(
            and_(
                earlier.sender_key == InboundItem.sender_key,
                earlier.status == "pending",
                earlier.id < InboundItem.id,
            )
        )
        query = (
            select(InboundItem)
            .where(
                InboundItem.status == "pending",
                or_(InboundItem.locked_until.is_(None), InboundItem.locked_until < now),
                ~blocked,
            )
            .order_by(InboundItem.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=InboundItem)
        )
        lease = now + timedelta(seconds=lease_seconds)
        async with self._db() as session, session.begin():
            candidates = list((await session.execute(query)).scalars())
            rows = []
            for row in candidates:
                # conditional, so that without row locks (SQLite) two claimers never share
                claimed = await session.execute(
                    update(InboundItem)
                    .where(
                        InboundItem.id == row.id,
                        InboundItem.status == "pending",
                        or_(InboundItem.locked_until.is_(None), InboundItem.locked_until < now),
                    )
                    .values(locked_by=worker, locked_until=lease, attempts=row.attempts + 1)
                    .execution_options(synchronize_session=False)
                )
                if claimed.rowcount:
                    row.attempts += 1
                    rows.append(row)
        return [
            InboxItem(
                id=row.id,
                channel=row.channel,
                external_id=row.external_id,
                sender_key=row.sender_key,
                payload=self._keyring.decrypt(row.payload_enc, context=b"inbox"),
                attempts=row.attempts,
                received_at=row.received_at,
            )
            for row in rows
        ]

    async def complete(self, item_id: int) -> None:
        """Handled: the sealed payload is dropped, only the de-duplication key stays."""
        async with self._db() as session, session.begin():
            await session.execute(
                update(InboundItem)
                .where(InboundItem.id == item_id)
                .values(
                    status="done",
                    processed_at=datetime.now(UTC),
                    payload_enc=b"",
                    locked_until=None,
                )
            )

    async def retry_later(self, item_id: int, attempts: int, error: str) -> None:
        """Back off exponentially; after MAX_ATTEMPTS the item stays as `failed` for operators."""
        delay = min(2**attempts, 300)
        status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        async with self._db() as session, session.begin():
            await session.execute(
                update(InboundItem)
                .where(InboundItem.id == item_id)
                .values(
                    status=status,
                    locked_until=datetime.now(UTC) + timedelta(seconds=delay),
                    last_error=error[:200],
                )
            )

    async def pending_count(self) -> int:
        from sqlalchemy import func

        async with self._db() as session:
            result = await session.execute(
                select(func.count()).select_from(InboundItem).where(InboundItem.status == "pending")
            )
            return int(result.scalar_one())


Handler = Callable[[InboxItem], Awaitable[None]]


class InboxProcessor:
    """Claims items and hands each to its channel's handler until stopped."""

    def __init__(
        self,
        inbox: Inbox,
        handlers: dict[str, Handler],
        *,
        concurrency: int = 32,
        poll_seconds: float = 1.0,
        redis: Any = None,
    ) -> None:
        self.inbox = inbox
        self.handlers = handlers
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.worker = worker_name()
        self._redis = redis
        self._stopping = asyncio.Event()

    async def _handle(self, item: InboxItem) -> None:
        handler = self.handlers.get(item.channel)
        try:
            if handler is None:
                raise LookupError(f"no handler for channel {item.channel}")
            await handler(item)
        except Exception as error:
            log.exception("inbox item failed id=%s channel=%s", item.id, item.channel)
            await self.inbox.retry_later(item.id, item.attempts, type(error).__name__)
            return
        await self.inbox.complete(item.id)

    async def run_once(self) -> int:
        """Handle one batch; items of different senders run concurrently."""
        items = await self.inbox.claim(self.worker, limit=self.concurrency)
        if items:
            await asyncio.gather(*(self._handle(item) for item in items))
        return len(items)

    async def _listen_for_wakeups(self) -> None:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(WAKE_CHANNEL)
        try:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self.inbox.wakeup.set()
        finally:
            await pubsub.aclose()

    def _start(self, item: InboxItem, in_flight: set[asyncio.Task[None]]) -> None:
        task = asyncio.create_task(self._handle(item))
        in_flight.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            in_flight.discard(done)
            self.inbox.wakeup.set()  # a free slot, and maybe the sender's next message

        task.add_done_callback(finished)

    async def run(self) -> None:
        """Keep up to `concurrency` items in flight, claiming more as soon as one finishes,
        so one slow turn never holds the others back."""
        listener = asyncio.create_task(self._listen_for_wakeups()) if self._redis else None
        in_flight: set[asyncio.Task[None]] = set()
        try:
            while not self._stopping.is_set():
                # cleared before claiming: an item accepted while the claim runs wakes the
                # next round at once instead of after a whole poll interval
                self.inbox.wakeup.clear()
                free = self.concurrency - len(in_flight)
                claimed = await self.inbox.claim(self.worker, limit=free) if free > 0 else []
                for item in claimed:
                    self._start(item, in_flight)
                if claimed and len(in_flight) < self.concurrency:
                    continue
                waiter = asyncio.create_task(self.inbox.wakeup.wait())
                await asyncio.wait(
                    {waiter, *in_flight},
                    timeout=self.poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                waiter.cancel()
        finally:
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)
            if listener is not None:
                listener.cancel()

    def stop(self) -> None:
        self._stopping.set()
        self.inbox.wakeup.set()
