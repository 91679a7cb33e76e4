"""The outbound table: every message that must leave, recorded where it was decided.

A message is written in the transaction that decided it (a conversation turn's outcome, with
its report and session change), sent from that record, and marked sent once the remote API has
taken it. A process that dies in between leaves it pending, and whoever replays the origin
sends only what is not marked: the person gets at most one duplicate per crash (the Bot API has
no idempotency keys) and never loses an answer. Channels know nothing of this table: they are
handed `(row id, recipient, message)` and report back which ids went out.

A row may also be scheduled (`available_at` set): a message the remote could not take now, or
one it took and later reported undelivered. Such rows belong to the one claim loop
(`reports.outbound_worker`), which sends them again under the one retry policy; rows without
`available_at` belong to their origin's replay, so the two never send the same row. A row
whose channel reports delivery later (WhatsApp) is kept `accepted`, sealed, under the remote's
id (`external_id`) until the delivery report says it arrived, so a failed delivery can be sent
again from it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    LargeBinary,
    String,
    and_,
    bindparam,
    column,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from reports.crypto import Keyring
from reports.database import is_sqlite
from reports.group_commit import GroupCommit
from reports.models import OutboundRow

SEAL_CONTEXT = b"outbound"
UNREPORTED_DAYS = 30  # an accepted message with no delivery report by then is forgotten


async def settle_delivered(session: AsyncSession, external_ids: Sequence[str]) -> None:
    """The remote reported these messages delivered: their sealed copies are dropped (called
    in the transaction that records the delivery report)."""
    if external_ids:
        await session.execute(
            update(OutboundRow)
            .where(
                OutboundRow.external_id.in_(list(external_ids)), OutboundRow.status == "accepted"
            )
            .values(status="sent", payload_enc=b"", sent_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )


# PostgreSQL: the rows of any number of origins as one array per column, unnested into the
# INSERT. One statement shape whatever the count of rows, so SQLAlchemy compiles it once (a
# multi-row VALUES has no cache key: it was compiled again on every turn).
_COLUMNS = ("origin", "position", "channel", "recipient_key", "payload_enc")
_GIVEN = (
    func.unnest(
        bindparam("origins", type_=ARRAY(String)),
        bindparam("positions", type_=ARRAY(Integer)),
        bindparam("channels", type_=ARRAY(String)),
        bindparam("recipient_keys", type_=ARRAY(String)),
        bindparam("payloads", type_=ARRAY(LargeBinary)),
    )
    .table_valued(
        column("origin", String),
        column("position", Integer),
        column("channel", String),
        column("recipient_key", String),
        column("payload_enc", LargeBinary),
    )
    .render_derived(name="given_rows")
)
_INSERT_GIVEN = (
    pg_insert(OutboundRow)
    .from_select(
        [*_COLUMNS, "status", "attempts", "created_at"],
        select(
            *(_GIVEN.c[name] for name in _COLUMNS),
            literal("pending"),
            literal(0),
            bindparam("now", type_=DateTime(timezone=True)),
        ),
    )
    .on_conflict_do_nothing(index_elements=["origin", "position"])
    .returning(OutboundRow.id, OutboundRow.origin, OutboundRow.position)
)


@dataclass(frozen=True)
class Decided:
    """The messages one origin decided, to record: where they go and what they say."""

    origin: str
    channel: str
    recipient_key: str
    recipient: str
    messages: Sequence[dict[str, Any]]


@dataclass(frozen=True)
class Outgoing:
    """One recorded message: its row, where it goes, and what it says (plain data)."""

    id: int
    channel: str
    recipient: str
    message: dict[str, Any]
    attempts: int = 0
    last_error: str | None = None


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
        self._carrying: dict[Any, Any] = {}  # riding CTE -> the INSERT that carries it
        self._keeping: GroupCommit[dict[str, Any], None] = GroupCommit(self._keep_batch)

    def _rows(
        self,
        origin: str,
        channel: str,
        recipient_key: str,
        recipient: str,
        messages: Sequence[dict[str, Any]],
        *,
        attempts: int = 0,
        **scheduling: Any,
    ) -> list[dict[str, Any]]:
        """The rows of `messages` in order, sealed; `scheduling` adds the claim loop's columns
        (`available_at`, `last_error`) to rows that wait for it."""
        now = datetime.now(UTC)
        return [
            {
                "origin": origin,
                "position": position,
                "channel": channel,
                "recipient_key": recipient_key,
                "payload_enc": self._seal(recipient, message),
                "status": "pending",
                "attempts": attempts,
                "created_at": now,
                **scheduling,
            }
            for position, message in enumerate(messages)
        ]

    async def record(
        self,
        session: AsyncSession,
        origin: str,
        channel: str,
        recipient_key: str,
        recipient: str,
        messages: Sequence[dict[str, Any]],
        *,
        riding: tuple[Any, dict[str, Any]] | None = None,
    ) -> list[Outgoing]:
        """Write `messages` in the caller's transaction; an origin recorded before keeps
        its first record (only the rows new here are returned). `riding`, a data-modifying
        CTE and its parameters (PostgreSQL; run on a Core connection), goes to the database
        in the same statement as the INSERT: one round trip for both."""
        if riding is not None:
            decided = Decided(origin, channel, recipient_key, recipient, messages)
            return (await self.record_many(session, [decided], riding=riding))[0]
        if not messages:
            return []
        rows = self._rows(origin, channel, recipient_key, recipient, messages)
        result = await session.execute(self._insert, rows)
        inserted = {row.position: row.id for row in result}
        return [
            Outgoing(inserted[position], channel, recipient, message)
            for position, message in enumerate(messages)
            if position in inserted
        ]

    async def record_many(
        self,
        connection: Any,
        decided: Sequence[Decided],
        *,
        riding: tuple[Any, dict[str, Any]] | None = None,
    ) -> list[list[Outgoing]]:
        """PostgreSQL, on a Core connection: the messages of several origins in one INSERT
        (concurrent turns sharing a commit), with `riding` (a data-modifying CTE and its
        parameters) in the same statement; each origin's new rows, in the order given. The
        statement runs even with no message, for the CTE it carries."""
        columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
        for one in decided:
            rows = self._rows(
                one.origin, one.channel, one.recipient_key, one.recipient, one.messages
            )
            for row in rows:
                for name in _COLUMNS:
                    columns[name].append(row[name])
        if not columns["origin"] and riding is None:
            return [[] for _one in decided]
        statement = _INSERT_GIVEN
        if riding is not None:  # built once per CTE: its cache key is then computed once too
            statement = self._carrying.get(riding[0])
            if statement is None:
                statement = self._carrying[riding[0]] = _INSERT_GIVEN.add_cte(riding[0])
        parameters = {
            "origins": columns["origin"],
            "positions": columns["position"],
            "channels": columns["channel"],
            "recipient_keys": columns["recipient_key"],
            "payloads": columns["payload_enc"],
            "now": datetime.now(UTC),
            **(riding[1] if riding is not None else {}),
        }
        result = await connection.execute(statement, parameters)
        inserted = {(row.origin, row.position): row.id for row in result}
        return [
            [
                Outgoing(inserted[(one.origin, position)], one.channel, one.recipient, message)
                for position, message in enumerate(one.messages)
                if (one.origin, position) in inserted
            ]
            for one in decided
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

    # --- the scheduled rows: what the claim loop sends ---------------------------------------

    async def schedule(
        self,
        channel: str,
        recipient_key: str,
        recipient: str,
        messages: Sequence[dict[str, Any]],
        *,
        delay: timedelta,
        attempts: int = 1,
        error: str | None = None,
    ) -> None:
        """Keep `messages` (in order) for the claim loop, due after `delay`: messages the
        remote could not take now, after `attempts` tries."""
        if not messages:
            return
        now = datetime.now(UTC)
        rows = self._rows(
            f"scheduled:{uuid.uuid4().hex}",
            channel,
            recipient_key,
            recipient,
            messages,
            attempts=attempts,
            available_at=now + delay,
            last_error=error,
        )
        async with self._autocommit.connect() as connection:
            await connection.execute(OutboundRow.__table__.insert(), rows)

    async def accepted(
        self,
        channel: str,
        recipient_key: str,
        recipient: str,
        message: dict[str, Any],
        external_id: str,
    ) -> None:
        """The remote took `message` as `external_id` and reports its delivery later: keep it
        sealed until then (concurrent calls share one statement)."""
        row = {
            "origin": f"accepted:{uuid.uuid4().hex}",
            "position": 0,
            "channel": channel,
            "recipient_key": recipient_key,
            "payload_enc": self._seal(recipient, message),
            "status": "accepted",
            "attempts": 1,
            "created_at": datetime.now(UTC),
            "external_id": external_id,
        }
        await self._keeping.submit(row)

    async def _keep_batch(self, rows: list[dict[str, Any]]) -> list[None]:
        async with self._autocommit.connect() as connection:
            await connection.execute(OutboundRow.__table__.insert(), rows)
        return [None] * len(rows)

    async def claim_due(
        self, channels: Sequence[str], *, limit: int = 20, lease: timedelta = timedelta(seconds=60)
    ) -> list[Outgoing]:
        """Scheduled rows whose time has come (and sends a crashed claimer left behind), in
        order, each claimed by one caller for `lease`."""
        now = datetime.now(UTC)
        due = and_(
            OutboundRow.channel.in_(list(channels)),
            OutboundRow.available_at.is_not(None),
            or_(
                and_(OutboundRow.status == "pending", OutboundRow.available_at <= now),
                and_(OutboundRow.status == "sending", OutboundRow.available_at < now),
            ),
        )
        query = (
            select(OutboundRow)
            .where(due)
            .order_by(OutboundRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[Outgoing] = []
        async with AsyncSession(self._engine) as session, session.begin():
            for row in list((await session.execute(query)).scalars()):
                result = await session.execute(
                    update(OutboundRow)
                    .where(OutboundRow.id == row.id, due)
                    .values(status="sending", available_at=now + lease)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount and row.payload_enc:
                    claimed.append(self._open(row))
        return claimed

    async def by_external(self, external_ids: Sequence[str]) -> dict[str, Outgoing]:
        """The accepted rows the remote knows by these ids (those still holding their copy),
        by id."""
        query = select(OutboundRow).where(
            OutboundRow.external_id.in_(list(external_ids)),
            OutboundRow.status == "accepted",
            OutboundRow.payload_enc != b"",
        )
        async with AsyncSession(self._engine) as session:
            rows = list((await session.execute(query.order_by(OutboundRow.id))).scalars())
        return {str(row.external_id): self._open(row) for row in rows}

    async def resent(
        self, one: Outgoing, external_id: str | None, message: dict[str, Any] | None = None
    ) -> None:
        """A scheduled row went out again: accepted under `external_id` (its copy kept for the
        delivery report, replaced by `message` when it went in another form), or sent."""
        values: dict[str, Any] = {"attempts": one.attempts + 1, "available_at": None}
        if external_id is None:
            values.update(status="sent", sent_at=datetime.now(UTC), payload_enc=b"")
        else:
            values.update(status="accepted", external_id=external_id)
            if message is not None:
                values["payload_enc"] = self._seal(one.recipient, message)
        await self._update(one.id, values)

    async def retry_later(
        self, one: Outgoing, delay: timedelta, error: str | None, *, tried: bool = True
    ) -> None:
        """Due again after `delay` (`tried`: this was one more attempt)."""
        await self._update(
            one.id,
            {
                "status": "pending",
                "attempts": one.attempts + (1 if tried else 0),
                "available_at": datetime.now(UTC) + delay,
                "last_error": (error or "")[:200] or None,
            },
        )

    async def give_up(self, one: Outgoing, error: str | None) -> None:
        """Failed for good: the sealed copy is dropped, the row stays for operators."""
        await self._update(
            one.id,
            {
                "status": "failed",
                "payload_enc": b"",
                "available_at": None,
                "last_error": (error or "")[:200] or None,
            },
        )

    async def counts(self, channel: str) -> dict[str, int]:
        """A channel's rows per status (for operators and tests)."""
        query = (
            select(OutboundRow.status, func.count())
            .where(OutboundRow.channel == channel)
            .group_by(OutboundRow.status)
        )
        async with self._autocommit.connect() as connection:
            return {status: count for status, count in await connection.execute(query)}

    async def forget_unreported(self, *, days: int = UNREPORTED_DAYS) -> int:
        """Accepted rows whose delivery was never reported, after `days`: deleted."""
        before = datetime.now(UTC) - timedelta(days=days)
        async with self._autocommit.connect() as connection:
            result = await connection.execute(
                delete(OutboundRow).where(
                    OutboundRow.status == "accepted", OutboundRow.created_at < before
                )
            )
        return int(result.rowcount or 0)

    async def _update(self, row_id: int, values: dict[str, Any]) -> None:
        async with self._autocommit.connect() as connection:
            await connection.execute(
                update(OutboundRow).where(OutboundRow.id == row_id).values(**values)
            )

    def _open(self, row: OutboundRow) -> Outgoing:
        data = json.loads(self._keyring.decrypt(row.payload_enc, context=SEAL_CONTEXT))
        return Outgoing(
            row.id, row.channel, data["to"], data["message"], row.attempts, row.last_error
        )

    def _seal(self, recipient: str, message: dict[str, Any]) -> bytes:
        plain = json.dumps({"to": recipient, "message": message}, separators=(",", ":"))
        return self._keyring.encrypt(plain.encode(), context=SEAL_CONTEXT)
