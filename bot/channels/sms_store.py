"""What the SMS channel remembers, per pseudonymous number and per message sent.

- `sms_people`: whether the person opted out (STOP) and since when, whether the first-reply
  safety notice went out, and how many SMS they were sent today (the daily cap). Keyed by the
  pseudonym only: no number is stored here.
- `sms_parts`: the parts of a long message a gateway delivered one by one, sealed, until the
  last arrives and the whole text goes to the inbox; the row then keeps only its key.
- `sms_outbound`: one row per SMS sent, so the provider's delivery report lands on it. The
  sealed text and number are kept only until the SMS is delivered, or failed after its one
  retry: a failed reply is sent once more, never in a loop.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from bot.channels.sms_payloads import DeliveryReport, IncomingSms
from reports.crypto import Keyring
from reports.database import session_factory
from reports.models import Base

SEAL_OUTBOUND = b"sms-outbound"
SEAL_PART = b"sms-part"
MAX_ATTEMPTS = 2  # the first send and one retry
Clock = Callable[[], datetime]
T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


async def _again_on_conflict(write: Callable[[], Awaitable[T]]) -> T:
    """Run `write`, and once more when the unique key refused its insert.

    A send's record and its delivery report race: either may insert the row first. The loser's
    insert fails; run again, it finds the winner's row and updates it. Two passes suffice, as
    only those two writers ever insert a given message id."""
    try:
        return await write()
    except IntegrityError:
        return await write()


class SmsPerson(Base):
    __tablename__ = "sms_people"

    pseudonym: Mapped[str] = mapped_column(String(64), primary_key=True)
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    noticed: Mapped[bool] = mapped_column(Boolean, default=False)
    day: Mapped[date | None] = mapped_column(Date)
    sent_today: Mapped[int] = mapped_column(Integer, default=0)


class SmsPart(Base):
    __tablename__ = "sms_parts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(128))
    sender_key: Mapped[str] = mapped_column(String(64), index=True)
    reference: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("provider", "message_id", name="uq_sms_parts_message"),)


class SmsOutbound(Base):
    __tablename__ = "sms_outbound"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # sent | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    segments: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(64))
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Resend:
    """A failed SMS to send once more: its row, the number and the text."""

    row_id: int
    recipient: str
    text: str


class SmsStore:
    """Opt-outs, notices, daily counts, long messages' parts and delivery records."""

    def __init__(self, engine: AsyncEngine, keyring: Keyring, clock: Clock = utc_now) -> None:
        self._db = session_factory(engine)
        self._keyring = keyring
        self._clock = clock

    # --- people ------------------------------------------------------------------------------

    async def _person(self, session: object, pseudonym: str) -> SmsPerson:
        person = await session.get(SmsPerson, pseudonym)  # type: ignore[attr-defined]
        if person is None:
            person = SmsPerson(pseudonym=pseudonym, noticed=False, sent_today=0)
            session.add(person)  # type: ignore[attr-defined]
        return person

    async def set_opted_out(self, pseudonym: str, opted_out: bool) -> None:
        """STOP (True) or the person writing again (False), durable when this returns."""
        async with self._db() as session, session.begin():
            person = await self._person(session, pseudonym)
            person.opted_out_at = self._clock() if opted_out else None

    async def lift_opt_out(self, pseudonym: str, written_at: datetime) -> None:
        """A message accepted after the person's STOP: writing again is consent to answers.
        One accepted before it (its turn runs later) leaves the opt-out in place."""
        async with self._db() as session, session.begin():
            await session.execute(
                update(SmsPerson)
                .where(SmsPerson.pseudonym == pseudonym, SmsPerson.opted_out_at < written_at)
                .values(opted_out_at=None)
            )

    async def opted_out(self, pseudonym: str) -> bool:
        async with self._db() as session:
            found = await session.execute(
                select(SmsPerson.opted_out_at).where(SmsPerson.pseudonym == pseudonym)
            )
            return found.scalar_one_or_none() is not None

    async def take_notice(self, pseudonym: str) -> bool:
        """True the first time only: this reply carries the safety notice."""
        async with self._db() as session, session.begin():
            person = await self._person(session, pseudonym)
            first = not person.noticed
            person.noticed = True
            return first

    async def take_daily(self, pseudonym: str, cap: int) -> bool:
        """Count one SMS to this person today; False (nothing counted) once `cap` is reached."""
        today = self._clock().date()
        async with self._db() as session, session.begin():
            person = await self._person(session, pseudonym)
            if person.day != today:
                person.day, person.sent_today = today, 0
            if person.sent_today >= cap:
                return False
            person.sent_today += 1
            return True

    # --- long messages delivered in parts ------------------------------------------------------

    async def add_part(self, sender_key: str, sms: IncomingSms) -> IncomingSms | None:
        """Keep one part; the whole message once every part is here (None until then, and
        for a part delivered twice)."""
        part = sms.part
        assert part is not None
        sealed = self._keyring.encrypt(sms.to_json(), context=SEAL_PART)
        async with self._db() as session, session.begin():
            seen = await session.execute(
                select(SmsPart.id).where(
                    SmsPart.provider == sms.provider, SmsPart.message_id == sms.message_id
                )
            )
            if seen.first() is not None:
                return None  # a part delivered twice (a racing twin fails on the unique key)
            session.add(
                SmsPart(
                    provider=sms.provider,
                    message_id=sms.message_id,
                    sender_key=sender_key,
                    reference=part.reference,
                    total=part.total,
                    number=part.number,
                    body_enc=sealed,
                    received_at=self._clock(),
                )
            )
            await session.flush()
            rows = list(
                (
                    await session.execute(
                        select(SmsPart)
                        .where(
                            SmsPart.sender_key == sender_key,
                            SmsPart.reference == part.reference,
                            SmsPart.total == part.total,
                            SmsPart.body_enc.is_not(None),
                        )
                        .order_by(SmsPart.number)
                    )
                ).scalars()
            )
            numbers = {row.number for row in rows}
            if numbers != set(range(1, part.total + 1)):
                return None
            pieces = {
                row.number: IncomingSms.from_json(
                    self._keyring.decrypt(row.body_enc or b"", context=SEAL_PART)
                )
                for row in rows
            }
            for row in rows:
                row.body_enc = None
        first = pieces[1]
        ids = "+".join(pieces[number].message_id for number in sorted(pieces))
        return IncomingSms(
            first.provider,
            ids,
            first.sender,
            "".join(pieces[number].text for number in sorted(pieces)),
            first.received_at,
        )

    # --- delivery records ----------------------------------------------------------------------

    def _seal(self, recipient: str, text: str) -> bytes:
        plain = json.dumps({"to": recipient, "text": text}, ensure_ascii=False).encode()
        return self._keyring.encrypt(plain, context=SEAL_OUTBOUND)

    async def record_sent(
        self,
        provider: str,
        message_id: str | None,
        pseudonym: str,
        recipient: str,
        text: str,
        segments: int,
        *,
        failed: str | None = None,
    ) -> bool:
        """An SMS the provider took (or refused: `failed` holds its error). True when its
        delivery report came first and said it failed (the caller sends it again, once)."""
        sealed = self._seal(recipient, text)

        async def record() -> bool:
            now = self._clock()
            async with self._db() as session, session.begin():
                early = None
                if message_id is not None:
                    early = (
                        await session.execute(
                            select(SmsOutbound).where(
                                SmsOutbound.provider == provider,
                                SmsOutbound.message_id == message_id,
                            )
                        )
                    ).scalar_one_or_none()
                if early is not None:  # the report overtook the provider's answer
                    early.pseudonym, early.segments, early.updated_at = pseudonym, segments, now
                    if early.status != "delivered":
                        early.body_enc = sealed
                    return early.status == "failed"
                session.add(
                    SmsOutbound(
                        provider=provider,
                        message_id=message_id,
                        pseudonym=pseudonym,
                        status="failed" if failed else "sent",
                        attempts=1,
                        segments=segments,
                        error=failed[:64] if failed else None,
                        body_enc=sealed,
                        created_at=now,
                        updated_at=now,
                    )
                )
                return False

        return await _again_on_conflict(record)

    async def apply_report(
        self, report: DeliveryReport, *, retry: bool = True
    ) -> tuple[str | None, Resend | None]:
        """`_apply_report`, run again when the send's record was inserted meanwhile."""
        return await _again_on_conflict(lambda: self._apply_report(report, retry=retry))

    async def _apply_report(
        self, report: DeliveryReport, *, retry: bool
    ) -> tuple[str | None, Resend | None]:
        """Record a delivery report: (the row's pseudonym, the SMS to send again). A failed SMS
        comes back once, when `retry` says sending again may help."""
        if report.state != "failed":  # most reports: one statement, nothing to send again
            return await self._progress(report), None
        async with self._db() as session, session.begin():
            row = (
                await session.execute(
                    select(SmsOutbound)
                    .where(
                        SmsOutbound.provider == report.provider,
                        SmsOutbound.message_id == report.message_id,
                    )
                    .with_for_update()
                )
            ).scalar_one_or_none()
            if row is None:  # not recorded yet: kept, so the send finds it
                session.add(self._early(report))
                return None, None
            pseudonym = row.pseudonym
            if row.status == "delivered":
                return pseudonym, None  # final already (reports may arrive out of order)
            if row.status == "failed" and report.state == "sent":
                return pseudonym, None
            row.status, row.updated_at = report.state, self._clock()
            if report.error:
                row.error = report.error[:64]
            if report.state == "delivered":
                row.body_enc = None
                return pseudonym, None
            if report.state != "failed" or row.body_enc is None:
                return pseudonym, None
            if row.attempts >= MAX_ATTEMPTS or not retry:
                row.body_enc = None  # given up: the row stays for operators, without content
                return pseudonym, None
            row.attempts += 1
            opened = json.loads(self._keyring.decrypt(row.body_enc, context=SEAL_OUTBOUND))
            return pseudonym, Resend(row.id, opened["to"], opened["text"])

    async def _progress(self, report: DeliveryReport) -> str | None:
        """A `sent` or `delivered` report: the row moves forward (delivered drops the sealed
        copy); an unknown id is kept for the send whose answer it overtook."""
        table = SmsOutbound.__table__
        values: dict[str, object] = {"updated_at": self._clock()}
        forward = table.c.status == "sent"
        if report.state == "delivered":
            values.update(status="delivered", body_enc=None)
            forward = table.c.status != "delivered"
        async with self._db() as session, session.begin():
            moved = await session.execute(
                update(table)
                .where(
                    table.c.provider == report.provider,
                    table.c.message_id == report.message_id,
                    forward,
                )
                .values(**values)
                .returning(table.c.pseudonym)
            )
            found = moved.first()
            if found is not None:
                return str(found.pseudonym)
            known = await session.execute(
                select(table.c.pseudonym).where(
                    table.c.provider == report.provider, table.c.message_id == report.message_id
                )
            )
            row = known.first()
            if row is None:
                session.add(self._early(report))
                return None
            return str(row.pseudonym)

    def _early(self, report: DeliveryReport) -> SmsOutbound:
        now = self._clock()
        return SmsOutbound(
            provider=report.provider,
            message_id=report.message_id,
            pseudonym="",
            status=report.state,
            attempts=1,
            segments=0,
            error=(report.error or None) and report.error[:64],
            created_at=now,
            updated_at=now,
        )

    async def resent(self, row_id: int, message_id: str | None, error: str | None) -> None:
        """The retry went out under a new id (or was refused, and is given up)."""
        values: dict[str, object] = {"updated_at": self._clock()}
        if message_id is not None and error is None:
            values.update(message_id=message_id, status="sent")
        else:
            values.update(status="failed", error=(error or "")[:64], body_enc=None)
        async with self._db() as session, session.begin():
            await session.execute(
                update(SmsOutbound).where(SmsOutbound.id == row_id).values(**values)
            )

    async def outbound(self) -> list[SmsOutbound]:
        """Every delivery record, oldest first (for operators and tests)."""
        async with self._db() as session:
            return list(
                (await session.execute(select(SmsOutbound).order_by(SmsOutbound.id))).scalars()
            )

    async def counts(self) -> dict[str, int]:
        async with self._db() as session:
            rows = await session.execute(
                select(SmsOutbound.status, func.count()).group_by(SmsOutbound.status)
            )
            return {status: count for status, count in rows}

    async def prune(self, *, days: int = 30) -> None:
        """Forget old delivery records and parts that never completed."""
        before = self._clock() - timedelta(days=days)
        async with self._db() as session, session.begin():
            await session.execute(delete(SmsOutbound).where(SmsOutbound.updated_at < before))
            await session.execute(delete(SmsPart).where(SmsPart.received_at < before))
