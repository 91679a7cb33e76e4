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
them one after the other; otherwise it waits for the ordinary claim. Such a hand-over and the
letting go of a failed item never overlap (`_handover`), so the processor always knows of the
failure before, or of the later item while, it decides what runs next.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox_statements import InboxStatements
from reports.crypto import Keyring
from reports.database import is_sqlite
from reports.group_commit import GroupCommit
from reports.models import InboundItem
from reports.retry import Backoff
from reports.wakeup import Wakeup

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
LEASE_SECONDS = 60
RETRY_BACKOFF = Backoff(1.0, cap=300.0)  # 2 s, 4 s ... 5 min: about 4.5 min over 8 attempts
WAKE_CHANNEL = "tocsin:inbox"
SEAL_CONTEXT = b"inbox"


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


@dataclass(frozen=True)
class DeadLetter:
    """An item parked after a failure that retrying would not fix."""

    id: int
    channel: str
    received_at: datetime
    attempts: int
    error: str | None


class LocalTaker(Protocol):
    """A processor in this process that takes freshly accepted items without a claim."""

    worker: str

    def room(self) -> int:
        """How many more items it can take now."""
        ...

    def take(self, items: Sequence[InboxItem]) -> None: ...


def _process_start(pid: int) -> str:
    """When process `pid` started (clock ticks since boot), "" when unknown or gone: with the
    pid it names one process, even after the pid is reused."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return fields[19].decode()
    except (OSError, IndexError):
        return ""


def worker_name() -> str:
    """host:pid:start, so that a restarted process can tell its dead predecessors' leases
    from those of processes still running on the same host."""
    pid = os.getpid()
    return f"{socket.gethostname()[:32]}:{pid}:{_process_start(pid)}"


def is_dead_here(worker: str, host: str | None = None) -> bool:
    """True when `worker` names a process of this host that no longer runs (a worker of
    another host is never judged from here: its leases run out on their own)."""
    parts = worker.split(":")
    if len(parts) < 3 or parts[0] != (host or socket.gethostname()[:32]):
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    return _process_start(pid) != parts[2]


@functools.cache
def _statements(sqlite: bool) -> InboxStatements:
    return InboxStatements.build(sqlite)


class Inbox:
    """Accept, claim, complete and retry inbound items."""

    def __init__(self, engine: AsyncEngine, keyring: Keyring, redis: Any = None) -> None:
        self._engine = engine
        # one-statement work needs no BEGIN/COMMIT round trips of its own
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._keyring = keyring
        self._sql = _statements(is_sqlite(str(engine.url)))
        self._redis = redis
        self._local: LocalTaker | None = None
        # items wait in the database (a busy moment): new ones queue behind them there, so
        # the oldest is served first rather than whichever arrived when a slot freed
        self._backlog = False
        # held while new items are leased and handed to the local taker, and while a failed
        # item is let go: a lease read before the failure committed would otherwise hand over
        # the sender's next item after the processor had forgotten the failed one, and the
        # later message would run first
        self._handover = asyncio.Lock()
        self._accepting: GroupCommit[_Arrival, bool] = GroupCommit(self._accept_batch)
        self._completing: GroupCommit[int, None] = GroupCommit(self._complete_batch)
        # the one wake-up mechanism (reports.wakeup): this process's claim loop at once,
        # the other processes' through Redis
        self.wakes = Wakeup(redis, WAKE_CHANNEL)
        self.wakeup = self.wakes.subscribe()

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
        taker = self._local
        if taker is None:
            new, leased = await self._insert(rows, None, now)
        else:
            async with self._handover:
                new, leased = await self._insert(rows, taker, now)
                taker.take(
                    [
                        InboxItem(id, a.channel, a.external_id, a.sender_key, a.payload, 1, now)
                        for a in arrivals
                        if (id := new.get((a.channel, a.external_id))) in leased
                    ]
                )
        if len(leased) < len(new):
            self._backlog = True
            await self._wake()
        answers, seen = [], set()
        for arrival in arrivals:
            key = (arrival.channel, arrival.external_id)
            answers.append(key in new and key not in seen)
            seen.add(key)
        return answers

    async def _insert(
        self, rows: list[dict[str, Any]], taker: LocalTaker | None, now: datetime
    ) -> tuple[dict[tuple[str, str], int], set[int]]:
        """Insert the new rows and lease what the local taker has room for, in one
        transaction: the new items' ids by (channel, external id), and the leased ids."""
        async with self._engine.begin() as connection:
            inserted = await connection.execute(self._sql.insert, rows)
            new = {(row.channel, row.external_id): row.id for row in inserted}
            room = taker.room() if taker is not None and not self._backlog else 0
            if not new or taker is None or room <= 0:
                return new, set()
            ids = sorted(new.values())[:room]
            return new, await self._lease_new(connection, ids, taker.worker, now)

    async def _lease_new(
        self, connection: Any, ids: list[int], worker: str, now: datetime
    ) -> set[int]:
        """Lease just-inserted items to this process (see `inbox_statements`)."""
        lease = now + timedelta(seconds=LEASE_SECONDS)
        parameters = {"ids": ids, "worker": worker, "now": now, "lease": lease}
        return {row.id for row in await connection.execute(self._sql.lease_new, parameters)}

    async def _wake(self) -> None:
        await self.wakes.announce()

    # -- claiming ----------------------------------------------------------------------------

    async def claim(
        self, worker: str, limit: int = 20, lease_seconds: int = LEASE_SECONDS
    ) -> list[InboxItem]:
        """Lease up to `limit` items, the oldest first, at most the next one per sender."""
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=lease_seconds)
        parameters = {"now": now, "worker": worker, "lease": lease, "limit": limit}
        async with self._autocommit.connect() as connection:
            rows = list(await connection.execute(self._sql.claim, parameters))
        if len(rows) < limit:
            self._backlog = False  # nothing more this worker may take waits in the database
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
        async with self._autocommit.connect() as connection:
            await connection.execute(self._sql.complete, {"ids": ids, "now": datetime.now(UTC)})
        self.wakeup.set()  # the next message of these senders may now be claimed
        return [None] * len(ids)

    async def retry_later(self, item_id: int, attempts: int, error: str) -> None:
        """Back off exponentially; after MAX_ATTEMPTS the item stays as `failed` for operators."""
        delay = RETRY_BACKOFF.delay(attempts)
        status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        parameters = {
            "item_id": item_id,
            "new_status": status,
            "until": datetime.now(UTC) + timedelta(seconds=delay),
            "error": error[:200],
        }
        async with self._handover, self._engine.begin() as connection:
            await connection.execute(self._sql.retry, parameters)

    async def take_back_leases(self) -> int:
        """Release at once the leases that dead processes of this host still hold (a
        restart after a crash), instead of letting their people wait the lease out."""
        now = datetime.now(UTC)
        holders = (
            select(InboundItem.locked_by)
            .where(InboundItem.status == "pending", InboundItem.locked_until > now)
            .distinct()
        )
        async with self._engine.begin() as connection:
            dead = [
                holder
                for (holder,) in await connection.execute(holders)
                if holder and is_dead_here(holder)
            ]
            if not dead:
                return 0
            result = await connection.execute(
                update(InboundItem)
                .where(InboundItem.status == "pending", InboundItem.locked_by.in_(dead))
                .values(locked_by=None, locked_until=None)
            )
        log.info("leases of %d dead processes taken back items=%d", len(dead), result.rowcount)
        await self._wake()
        return int(result.rowcount or 0)

    # -- dead letters --------------------------------------------------------------------

    async def park(self, item_id: int, error: str) -> None:
        """A dead letter: kept (sealed) for operators, holding none of its sender's messages."""
        parameters = {"item_id": item_id, "new_status": "failed", "until": None}
        async with self._engine.begin() as connection:
            await connection.execute(self._sql.retry, {**parameters, "error": error[:200]})

    async def failed(self, limit: int = 100) -> list[DeadLetter]:
        """Dead letters, the newest first (no content: ids, channel, times, the error)."""
        query = (
            select(
                InboundItem.id,
                InboundItem.channel,
                InboundItem.received_at,
                InboundItem.attempts,
                InboundItem.last_error,
            )
            .where(InboundItem.status == "failed")
            .order_by(InboundItem.id.desc())
            .limit(limit)
        )
        async with self._engine.connect() as connection:
            return [DeadLetter(*row) for row in await connection.execute(query)]

    async def requeue(self, item_id: int) -> bool:
        """Give a dead letter another run from the start; False when no such dead letter."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(InboundItem)
                .where(InboundItem.id == item_id, InboundItem.status == "failed")
                .values(
                    status="pending",
                    attempts=0,
                    locked_by=None,
                    locked_until=None,
                    last_error=None,
                    outcome_enc=None,
                )
            )
        if result.rowcount:
            await self._wake()
        return bool(result.rowcount)

    async def release(self, item_ids: Sequence[int]) -> None:
        """Give leased items that were never started back to every worker."""
        if not item_ids:
            return
        async with self._engine.begin() as connection:
            await connection.execute(self._sql.release, {"ids": list(item_ids)})
        await self._wake()

    async def dispose(self) -> None:
        """Close the database connections (a one-off command is done with the inbox)."""
        await self._engine.dispose()

    async def pending_count(self) -> int:
        async with self._engine.connect() as connection:
            result = await connection.execute(
                select(func.count()).select_from(InboundItem).where(InboundItem.status == "pending")
            )
            return int(result.scalar_one())


Handler = Callable[[InboxItem], Awaitable[None]]
