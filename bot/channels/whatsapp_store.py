"""What the WhatsApp channel remembers: its outbound messages' fate and each person's window.

`whatsapp_outbound` is a delivery ledger: one row per message Meta took (or refused for good),
by wamid; Meta's status callbacks move it forward (accepted -> sent -> delivered -> read, or
failed). It keeps no copy of the message and schedules nothing: the sealed copy a failed
delivery is sent again from lives in the outbound table (`reports.outbound`, under the same
wamid), and retries leave through its one claim loop. A delivery report settles that copy in
the same transaction; a failure is handed to the channel, which schedules the retry.
`whatsapp_windows` holds when each pseudonymous person last wrote, which decides whether a
message may be free text or must be the follow-up template.

Meta sends about three status callbacks per outbound message, so writes go through one
group-committing writer: callbacks that arrive while a commit is in flight are committed
together in the next one, and each caller returns only once its own write is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    SmallInteger,
    String,
    and_,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from bot.channels.whatsapp_payloads import StatusUpdate
from reports.database import is_sqlite, session_factory
from reports.models import Base
from reports.outbound import settle_delivered

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=10)  # a window this close to closing counts as closed
TOUCH_EVERY_SECONDS = 300.0  # how often one process re-records the same person's window
STATUS_RANK: dict[str, int] = {
    "accepted": 1,
    "sent": 2,
    "failed": 3,
    "delivered": 4,
    "read": 5,
}
DELIVERED_RANK = STATUS_RANK["delivered"]


def _now() -> datetime:
    return datetime.now(UTC)


class WhatsAppOutbound(Base):
    """One message Meta took (or refused) for a WhatsApp user, and what became of it."""

    __tablename__ = "whatsapp_outbound"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    wamid: Mapped[str | None] = mapped_column(String(128), unique=True)
    pseudonym: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # reply | followup | template | unknown
    status: Mapped[str] = mapped_column(String(16))
    status_rank: Mapped[int] = mapped_column(SmallInteger)
    error_code: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WhatsAppWindow(Base):
    """When a person last wrote: free-form messages may follow for 24 hours."""

    __tablename__ = "whatsapp_windows"

    pseudonym: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_inbound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class FailedDelivery:
    """Meta reported a message it had taken as not delivered, and why."""

    wamid: str
    error_code: int | None


@dataclass(frozen=True)
class _Sent:
    wamid: str
    pseudonym: str
    kind: str


@dataclass(frozen=True)
class _Touch:
    pseudonym: str
    at: datetime


_Op = StatusUpdate | _Sent | _Touch
FailureHandler = Callable[[list[FailedDelivery]], Awaitable[None]]


class WhatsAppLedger:
    """Records statuses, sent messages and windows; hands failed deliveries to a handler."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._db = session_factory(engine)
        self._insert = sqlite_insert if is_sqlite(str(engine.url)) else pg_insert
        self._statements = self._upserts()
        self._pending: list[tuple[_Op, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._touched: dict[str, float] = {}
        self._background: set[asyncio.Task[None]] = set()
        self.on_failed: FailureHandler | None = None

    # --- group commit --------------------------------------------------------------------

    async def _submit(self, op: _Op) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((op, future))
        self._wake.set()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_loop(), name="whatsapp-ledger")
        await future

    async def _write_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            try:
                failed = await self._flush([op for op, _future in batch])
            except Exception as error:
                log.exception("whatsapp ledger write failed ops=%d", len(batch))
                for _op, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for _op, future in batch:
                if not future.done():
                    future.set_result(None)
            if failed and self.on_failed is not None:
                task = asyncio.create_task(self.on_failed(failed))
                self._background.add(task)
                task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        """Finish what was submitted (within ten seconds), then stop the writer."""
        deadline = time.monotonic() + 10
        while self._pending and time.monotonic() < deadline:
            if self._writer is None or self._writer.done():
                self._writer = asyncio.create_task(self._write_loop(), name="whatsapp-ledger")
            self._wake.set()
            await asyncio.sleep(0.01)
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer

    async def _flush(self, ops: list[_Op]) -> list[FailedDelivery]:
        statuses = [op for op in ops if isinstance(op, StatusUpdate)]
        sent = [op for op in ops if isinstance(op, _Sent)]
        touches = [op for op in ops if isinstance(op, _Touch)]
        async with self._db() as session, session.begin():
            if sent:
                await self._write_sent(session, sent)
            moved = await self._write_statuses(session, statuses) if statuses else []
            if touches:
                await self._write_touches(session, touches)
            delivered = [wamid for wamid, status in moved if STATUS_RANK[status] >= DELIVERED_RANK]
            await settle_delivered(session, delivered)
        codes = {update_.wamid: update_.error_code for update_ in statuses}
        return [
            FailedDelivery(wamid, codes.get(wamid)) for wamid, status in moved if status == "failed"
        ]

    def _upserts(self) -> dict[str, Any]:
        """The three upserts, built once: executed with many rows each, compiled once."""
        outbound, window = WhatsAppOutbound.__table__, WhatsAppWindow.__table__
        sent = self._insert(outbound)
        sent = sent.on_conflict_do_update(
            index_elements=["wamid"],
            set_={
                "pseudonym": sent.excluded.pseudonym,
                "kind": sent.excluded.kind,
            },
        )
        status = self._insert(outbound)
        excluded = status.excluded
        status = status.on_conflict_do_update(
            index_elements=["wamid"],
            set_={
                "status": excluded.status,
                "status_rank": excluded.status_rank,
                "error_code": func.coalesce(excluded.error_code, outbound.c.error_code),
                "updated_at": excluded.updated_at,
            },
            where=outbound.c.status_rank < excluded.status_rank,
        ).returning(outbound.c.wamid, outbound.c.status)
        touch = self._insert(window)
        touch = touch.on_conflict_do_update(
            index_elements=["pseudonym"],
            set_={"last_inbound_at": touch.excluded.last_inbound_at},
            where=window.c.last_inbound_at < touch.excluded.last_inbound_at,
        )
        return {"sent": sent, "status": status, "touch": touch}

    async def _write_sent(self, session: Any, sent: list[_Sent]) -> None:
        now = _now()
        rows = {
            op.wamid: {
                "wamid": op.wamid,
                "pseudonym": op.pseudonym,
                "kind": op.kind,
                "status": "accepted",
                "status_rank": STATUS_RANK["accepted"],
                "error_code": None,
                "created_at": now,
                "updated_at": now,
            }
            for op in sent
        }
        await session.execute(self._statements["sent"], list(rows.values()))

    async def _write_statuses(
        self, session: Any, statuses: list[StatusUpdate]
    ) -> list[tuple[str, str]]:
        """Move rows forward (never back); returns (wamid, status) of the rows that moved."""
        latest: dict[str, StatusUpdate] = {}
        for update_ in statuses:
            known = latest.get(update_.wamid)
            if known is None or STATUS_RANK[update_.status] > STATUS_RANK[known.status]:
                latest[update_.wamid] = update_
        now = _now()
        rows = [
            {
                "wamid": update_.wamid,
                "pseudonym": None,
                "kind": "unknown",
                "status": update_.status,
                "status_rank": STATUS_RANK[update_.status],
                "error_code": update_.error_code,
                "created_at": now,
                "updated_at": now,
            }
            for update_ in latest.values()
        ]
        result = await session.execute(self._statements["status"], rows)
        return [(wamid, status) for wamid, status in result]

    async def _write_touches(self, session: Any, touches: list[_Touch]) -> None:
        latest: dict[str, datetime] = {}
        for touch in touches:
            latest[touch.pseudonym] = max(touch.at, latest.get(touch.pseudonym, touch.at))
        rows = [{"pseudonym": key, "last_inbound_at": at} for key, at in sorted(latest.items())]
        await session.execute(self._statements["touch"], rows)

    # --- what the channel calls ----------------------------------------------------------

    async def record_statuses(self, updates: Iterable[StatusUpdate]) -> None:
        """Meta's callbacks, durable when this returns (the webhook may then answer 200)."""
        await asyncio.gather(*(self._submit(update_) for update_ in updates))

    async def record_sent(self, wamid: str, pseudonym: str, kind: str) -> None:
        """Meta took a message as `wamid` (its copy, when kept, is in the outbound table)."""
        await self._submit(_Sent(wamid, pseudonym, kind))

    async def touch_window(self, pseudonym: str, at: datetime) -> None:
        """The person wrote at `at`; re-recorded at most every few minutes per process."""
        now = time.monotonic()
        if now - self._touched.get(pseudonym, -TOUCH_EVERY_SECONDS) < TOUCH_EVERY_SECONDS:
            return
        if len(self._touched) > 100_000:
            self._touched.clear()
        self._touched[pseudonym] = now
        await self._submit(_Touch(pseudonym, at))

    async def window_open(self, pseudonym: str) -> bool:
        """Whether free-form messages may still reach this person (with a safety margin)."""
        since = _now() - WINDOW + WINDOW_MARGIN
        async with self._db() as session:
            found = await session.execute(
                select(WhatsAppWindow.pseudonym).where(
                    WhatsAppWindow.pseudonym == pseudonym, WhatsAppWindow.last_inbound_at > since
                )
            )
            return found.first() is not None

    async def record_failure(self, pseudonym: str, kind: str, error_code: int | None) -> None:
        """A send Meta refused outright (nothing to retry): a row for operators, no content."""
        now = _now()
        async with self._db() as session, session.begin():
            session.add(
                WhatsAppOutbound(
                    pseudonym=pseudonym,
                    kind=kind,
                    status="failed",
                    status_rank=STATUS_RANK["failed"],
                    error_code=error_code,
                    attempts=1,
                    created_at=now,
                    updated_at=now,
                )
            )

    async def counts(self) -> dict[str, int]:
        """Outbound messages per status (for operators and tests)."""
        async with self._db() as session:
            rows = await session.execute(
                select(WhatsAppOutbound.status, func.count()).group_by(WhatsAppOutbound.status)
            )
            return {status: count for status, count in rows}

    async def status_of(self, wamid: str) -> str | None:
        async with self._db() as session:
            return (
                await session.execute(
                    select(WhatsAppOutbound.status).where(WhatsAppOutbound.wamid == wamid)
                )
            ).scalar_one_or_none()

    async def prune(self, *, delivered_days: int = 7, failed_days: int = 30) -> int:
        """Forget old rows: delivered ones after a week, failed ones after a month."""
        now = _now()
        async with self._db() as session, session.begin():
            result = await session.execute(
                delete(WhatsAppOutbound).where(
                    or_(
                        and_(
                            WhatsAppOutbound.status_rank >= DELIVERED_RANK,
                            WhatsAppOutbound.updated_at < now - timedelta(days=delivered_days),
                        ),
                        and_(
                            WhatsAppOutbound.status.in_(("failed", "sent", "accepted")),
                            WhatsAppOutbound.updated_at < now - timedelta(days=failed_days),
                        ),
                    )
                )
            )
            await session.execute(
                delete(WhatsAppWindow).where(
                    WhatsAppWindow.last_inbound_at < now - WINDOW - timedelta(days=1)
                )
            )
            return int(result.rowcount or 0)
