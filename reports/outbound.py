"""The outbound table: every message that must leave, recorded where it was decided.

A message is written in the transaction that decided it (a conversation turn's outcome, with
its report and session change), sent from that record, and marked sent once the remote API has
taken it. A process that dies in between leaves it pending, and whoever replays the origin
sends only what is not marked: the person gets at most one duplicate per crash (the Bot API has
no idempotency keys) and never loses an answer. Channels know nothing of this table: they are
handed `(row id, recipient, message)` and report back which ids went out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from reports.crypto import Keyring
from reports.database import is_sqlite
from reports.group_commit import GroupCommit
from reports.models import OutboundRow

SEAL_CONTEXT = b"outbound"


@dataclass(frozen=True)
class Outgoing:
    """One recorded message: its row, where it goes, and what it says (plain data)."""

    id: int
    channel: str
    recipient: str
    message: dict[str, Any]


class OutboundLog:
    """Records, lists and settles the messages of the outbound table."""

    def __init__(self, engine: AsyncEngine, keyring: Keyring) -> None:
        self._engine = engine
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._keyring = keyring
        insert = sqlite_insert if is_sqlite(str(engine.url)) else pg_insert
        self._insert = (
            insert(OutboundRow)
            .on_conflict_do_nothing(index_elements=["origin", "position"])
            .returning(OutboundRow.id, OutboundRow.position)
        )
        self._settle = (
            update(OutboundRow)
            .where(OutboundRow.id.in_(bindparam("ids", expanding=True)))
            # what was sent is not kept: only that it went, and when
            .values(status="sent", sent_at=bindparam("now"), payload_enc=b"")
        )
        self._pending = (
            select(OutboundRow.id, OutboundRow.channel, OutboundRow.payload_enc)
            .where(OutboundRow.origin == bindparam("origin"), OutboundRow.status == "pending")
            .order_by(OutboundRow.position)
        )
        self._sending: GroupCommit[int, None] = GroupCommit(self._mark_batch)

    async def record(
        self,
        session: AsyncSession,
        origin: str,
        channel: str,
        recipient_key: str,
        recipient: str,
        messages: Sequence[dict[str, Any]],
    ) -> list[Outgoing]:
        """Write `messages` in the caller's transaction; an origin recorded before keeps
        its first record (only the rows new here are returned)."""
        if not messages:
            return []
        now = datetime.now(UTC)
        rows = [
            {
                "origin": origin,
                "position": position,
                "channel": channel,
                "recipient_key": recipient_key,
                "payload_enc": self._seal(recipient, message),
                "status": "pending",
                "attempts": 0,
                "created_at": now,
            }
            for position, message in enumerate(messages)
        ]
        inserted = {row.position: row.id for row in await session.execute(self._insert, rows)}
        return [
            Outgoing(inserted[position], channel, recipient, message)
            for position, message in enumerate(messages)
            if position in inserted
        ]

    async def pending(self, origin: str) -> list[Outgoing]:
        """What `origin` decided and is not yet marked sent, in order."""
        async with self._autocommit.connect() as connection:
            rows = list(await connection.execute(self._pending, {"origin": origin}))
        outgoing = []
        for row in rows:
            data = json.loads(self._keyring.decrypt(row.payload_enc, context=SEAL_CONTEXT))
            outgoing.append(Outgoing(row.id, row.channel, data["to"], data["message"]))
        return outgoing

    async def mark_sent(self, row_id: int) -> None:
        """The remote API took it: the sealed message is dropped; concurrent marks share one
        statement."""
        await self._sending.submit(row_id)

    async def _mark_batch(self, ids: list[int]) -> list[None]:
        async with self._autocommit.connect() as connection:
            await connection.execute(self._settle, {"ids": ids, "now": datetime.now(UTC)})
        return [None] * len(ids)

    def _seal(self, recipient: str, message: dict[str, Any]) -> bytes:
        plain = json.dumps({"to": recipient, "message": message}, separators=(",", ":"))
        return self._keyring.encrypt(plain.encode(), context=SEAL_CONTEXT)
