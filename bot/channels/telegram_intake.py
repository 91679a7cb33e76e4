"""Group commit for the webhook: many updates accepted in one transaction.

Every webhook call must wait for its update to be durable before answering 200. Committing each
one alone costs a pool check-out, BEGIN, INSERT and COMMIT per update; under load the calls
waiting at the same moment can share one multi-row INSERT instead. The first caller commits at
once (no added latency when idle); callers that arrive while a commit is in flight go together
in the next one. The rows are exactly those `Inbox.accept` writes (sealed payload, unique
(channel, external id), so a redelivery is still a no-op) and the inbox processor is woken the
same way. A candidate for `Inbox.accept_many`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox import WAKE_CHANNEL, Inbox
from reports.crypto import Keyring
from reports.models import InboundItem

log = logging.getLogger(__name__)
MAX_BATCH = 200


@dataclass
class _Waiting:
    channel: str
    external_id: str
    sender_key: str
    payload: bytes
    accepted: asyncio.Future[bool]


class GroupCommit:
    """`accept` with the meaning of `Inbox.accept`, committed together with concurrent calls."""

    def __init__(
        self, database: AsyncEngine, keyring: Keyring, inbox: Inbox, redis: Any = None
    ) -> None:
        self._database = database
        self._keyring = keyring
        self._inbox = inbox
        self._redis = redis
        self._insert = sqlite_insert if database.dialect.name == "sqlite" else pg_insert
        self._waiting: list[_Waiting] = []
        self._committing = False
        self._committer: asyncio.Task[None] | None = None

    async def accept(self, channel: str, external_id: str, sender_key: str, payload: bytes) -> bool:
        """Commit the sealed payload; False when this update was accepted before."""
        accepted: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(channel, external_id, sender_key, payload, accepted))
        if not self._committing:
            self._committing = True
            self._committer = asyncio.create_task(self._commit_while_waiting())
        return await accepted

    async def _commit_while_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                try:
                    new = await self._commit(batch)
                except Exception as error:  # each caller answers 500; Telegram redelivers
                    for waiting in batch:
                        if not waiting.accepted.done():
                            waiting.accepted.set_exception(error)
                    continue
                seen: set[tuple[str, str]] = set()
                for waiting in batch:
                    key = (waiting.channel, waiting.external_id)
                    if not waiting.accepted.done():
                        waiting.accepted.set_result(key in new and key not in seen)
                    seen.add(key)
                if new:
                    await self._wake()
        finally:
            self._committing = False

    async def _commit(self, batch: list[_Waiting]) -> set[tuple[str, str]]:
        now = datetime.now(UTC)
        rows = [
            {
                "channel": waiting.channel,
                "external_id": waiting.external_id,
                "sender_key": waiting.sender_key,
                "payload_enc": self._keyring.encrypt(waiting.payload, context=b"inbox"),
                "received_at": now,
                "status": "pending",
                "attempts": 0,
            }
            for waiting in batch
        ]
        statement = (
            self._insert(InboundItem)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
            .returning(InboundItem.channel, InboundItem.external_id)
        )
        async with self._database.begin() as connection:
            result = await connection.execute(statement)
            return {(row.channel, row.external_id) for row in result}

    async def _wake(self) -> None:
        self._inbox.wakeup.set()
        if self._redis is not None:
            try:
                await self._redis.publish(WAKE_CHANNEL, b"1")
            except Exception as error:  # a missed wake-up only costs one poll interval
                log.warning("inbox wake-up not published: %s", type(error).__name__)
