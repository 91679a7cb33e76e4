"""CSO monitors: invite codes, enrolled monitors, and the brake on guessed codes.

A monitor is a pseudonym with an organisation, nothing more: enrolment never learns who the
person is. Invite codes are single-use secrets, so only their keyed hash is stored and a
database dump cannot be used to enrol. Every change here is one small transaction whose
conditions sit in the UPDATE itself, so two replicas racing for one code cannot both win it.
"""

from __future__ import annotations

import enum
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Integer, String, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from reports.crypto import Keyring
from reports.database import session_factory
from reports.models import Base, Report, utcnow

log = logging.getLogger(__name__)

# No 0/O, 1/I/L or U/V: codes are read aloud and typed on feature phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
CODE_LENGTH = 12  # 29**12 ~ 2**58: unguessable, even before the brake on wrong codes
FREE_ATTEMPTS = 3  # wrong codes allowed before each further one has to wait
FIRST_PAUSE = timedelta(seconds=30)
LONGEST_PAUSE = timedelta(hours=1)
FORGET_FAILURES_AFTER = timedelta(hours=24)


class MonitorInvite(Base):
    """A single-use invite to become a monitor of one organisation."""

    __tablename__ = "monitor_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the first group of the code, so an operator can tell open invites apart; the other
    # eight characters (40 bits) stay secret, behind the brake on wrong codes
    code_prefix: Mapped[str | None] = mapped_column(String(4))
    organisation: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Monitor(Base):
    """An enrolled monitor: a pseudonym and the organisation that vouched for it."""

    __tablename__ = "monitors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    organisation: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))
    invite_id: Mapped[int | None] = mapped_column(
        ForeignKey("monitor_invites.id", ondelete="SET NULL")
    )
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CodeFailures(Base):
    """Wrong invite codes sent by one pseudonym, to slow down guessing."""

    __tablename__ = "monitor_code_failures"

    pseudonym: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Enrolment(enum.Enum):
    ENROLLED = "enrolled"
    ALREADY = "already"  # already an active monitor; the code stays unused
    WRONG = "wrong"
    USED = "used"
    EXPIRED = "expired"
    SLOWED = "slowed"  # too many wrong codes lately; the code was not even looked at


@dataclass(frozen=True)
class EnrolmentResult:
    outcome: Enrolment
    organisation: str | None = None
    retry_after: timedelta | None = None


@dataclass(frozen=True)
class NewInvite:
    id: int
    code: str  # shown once to the operator, never stored
    organisation: str
    expires_at: datetime


@dataclass(frozen=True)
class OpenInvite:
    """An invite not used yet and not expired: only its first characters are known."""

    id: int
    code_prefix: str | None
    organisation: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class MonitorView:
    id: int
    pseudonym: str
    organisation: str
    channel: str
    enrolled_at: datetime
    revoked_at: datetime | None
    reports: int

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def new_code() -> str:
    """A fresh invite code such as `K7QM-3XPA-9RTD`."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{body[:4]}-{body[4:8]}-{body[8:]}"


def normalise_code(text: str) -> str | None:
    """The code's canonical form (upper case, no separators), or None if it cannot be one."""
    cleaned = "".join(character for character in text.upper() if character.isalnum())
    if len(cleaned) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in cleaned):
        return None
    return cleaned


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pause_after(failures: int) -> timedelta | None:
    """How long a sender waits after `failures` wrong codes: doubling, capped."""
    if failures < FREE_ATTEMPTS:
        return None
    doublings = min(failures - FREE_ATTEMPTS, 16)  # 30 s * 2**16 is far past the cap
    return min(FIRST_PAUSE * 2**doublings, LONGEST_PAUSE)


_ORGANISATION_OF = select(Monitor.organisation).where(
    Monitor.pseudonym.in_(bindparam("pseudonyms", expanding=True)), Monitor.revoked_at.is_(None)
)


class MonitorStore:
    """Invites, monitors and wrong-code counters on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, keyring: Keyring) -> None:
        self.engine = engine
        self.keyring = keyring
        self._sessions = session_factory(engine)

    async def create_invite(self, organisation: str, valid_for: timedelta) -> NewInvite:
        code = new_code()
        expires_at = datetime.now(UTC) + valid_for
        row = MonitorInvite(
            code_hash=self.keyring.hash_secret(normalise_code(code) or code),
            code_prefix=code[:4],
            organisation=organisation,
            expires_at=expires_at,
        )
        async with self._sessions() as session, session.begin():
            session.add(row)
        log.info("monitor invite created id=%s", row.id)
        return NewInvite(row.id, code, organisation, expires_at)

    async def profile(self, pseudonym: str) -> tuple[str, str | None]:
        """("monitor", organisation) for an active monitor, else ("community", None)."""
        organisation = await self.organisation_of([pseudonym])
        return ("monitor", organisation) if organisation else ("community", None)

    async def organisation_of(self, pseudonyms: list[str]) -> str | None:
        """The organisation of an active monitor among `pseudonyms` (one person's, across keys)."""
        # asked before every template and file, so a bare connection rather than an ORM
        # session, and a statement built once
        async with self.engine.connect() as connection:
            result = await connection.execute(_ORGANISATION_OF, {"pseudonyms": pseudonyms})
            return result.scalars().first()

    async def get(self, monitor_id: int) -> MonitorView | None:
        return next((view for view in await self.list_monitors() if view.id == monitor_id), None)

    async def list_monitors(self) -> list[MonitorView]:
        """Every monitor ever enrolled, with how many reports each sent."""
        counts = (
            select(Report.reporter_pseudonym, func.count(Report.id).label("n"))
            .where(Report.reporter_role == "monitor")
            .group_by(Report.reporter_pseudonym)
            .subquery()
        )
        async with self._sessions() as session:
            result = await session.execute(
                select(Monitor, counts.c.n)
                .outerjoin(counts, counts.c.reporter_pseudonym == Monitor.pseudonym)
                .order_by(Monitor.id)
            )
            return [
                MonitorView(
                    id=row.id,
                    pseudonym=row.pseudonym,
                    organisation=row.organisation,
                    channel=row.channel,
                    enrolled_at=_aware(row.enrolled_at),
                    revoked_at=_aware(row.revoked_at) if row.revoked_at else None,
                    reports=count or 0,
                )
                for row, count in result.all()
            ]

    async def open_invites(self, now: datetime) -> list[OpenInvite]:
        """Invites that can still be used at `now`, soonest to expire first."""
        async with self._sessions() as session:
            result = await session.execute(
                select(MonitorInvite)
                .where(MonitorInvite.used_at.is_(None), MonitorInvite.expires_at > now)
                .order_by(MonitorInvite.expires_at, MonitorInvite.id)
            )
            return [
                OpenInvite(
                    row.id,
                    row.code_prefix,
                    row.organisation,
                    _aware(row.created_at),
                    _aware(row.expires_at),
                )
                for row in result.scalars()
            ]

    async def revoke(self, monitor_id: int) -> bool:
        """End a monitor's role; False when there is no such active monitor."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Monitor)
                .where(Monitor.id == monitor_id, Monitor.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        if result.rowcount:
            log.info("monitor revoked id=%s", monitor_id)
        return bool(result.rowcount)

    async def enrol(self, pseudonym: str, channel: str, typed_code: str) -> EnrolmentResult:
        """Turn `pseudonym` into a monitor if `typed_code` is a live invite."""
        now = datetime.now(UTC)
        waiting = await self._waiting(pseudonym, now)
        if waiting is not None:
            return EnrolmentResult(Enrolment.SLOWED, retry_after=waiting)
        current = await self.organisation_of([pseudonym])
        if current is not None:
            return EnrolmentResult(Enrolment.ALREADY, organisation=current)
        code = normalise_code(typed_code)
        code_hash = self.keyring.hash_secret(code) if code else None
        async with self._sessions() as session, session.begin():
            claimed = await session.execute(
                update(MonitorInvite)
                .where(
                    MonitorInvite.code_hash == code_hash,
                    MonitorInvite.used_at.is_(None),
                    MonitorInvite.expires_at > now,
                )
                .values(used_at=now)
                .returning(MonitorInvite.id, MonitorInvite.organisation)
            )
            won = claimed.first()
            if won is not None:
                await self._make_monitor(session, pseudonym, channel, won.id, won.organisation)
                await session.execute(
                    CodeFailures.__table__.delete().where(CodeFailures.pseudonym == pseudonym)
                )
                log.info("monitor enrolled invite=%s channel=%s", won.id, channel)
                return EnrolmentResult(Enrolment.ENROLLED, organisation=won.organisation)
            invite = (
                await session.execute(
                    select(MonitorInvite).where(MonitorInvite.code_hash == code_hash)
                )
            ).scalar_one_or_none()
        outcome = Enrolment.WRONG
        if invite is not None:
            outcome = Enrolment.USED if invite.used_at is not None else Enrolment.EXPIRED
        await self._count_failure(pseudonym, now)
        log.info("monitor code refused outcome=%s channel=%s", outcome.value, channel)
        return EnrolmentResult(outcome)

    @staticmethod
    async def _make_monitor(
        session: AsyncSession, pseudonym: str, channel: str, invite_id: int, organisation: str
    ) -> None:
        """Insert the monitor, or give a revoked one back its role with the new organisation."""
        existing = (
            await session.execute(select(Monitor).where(Monitor.pseudonym == pseudonym))
        ).scalar_one_or_none()
        if existing is None:
            session.add(
                Monitor(
                    pseudonym=pseudonym,
                    organisation=organisation,
                    channel=channel,
                    invite_id=invite_id,
                )
            )
            return
        existing.organisation = organisation
        existing.channel = channel
        existing.invite_id = invite_id
        existing.enrolled_at = datetime.now(UTC)
        existing.revoked_at = None

    async def _waiting(self, pseudonym: str, now: datetime) -> timedelta | None:
        async with self._sessions() as session:
            row = await session.get(CodeFailures, pseudonym)
        if row is None or row.blocked_until is None:
            return None
        blocked_until = _aware(row.blocked_until)
        return blocked_until - now if blocked_until > now else None

    async def _count_failure(self, pseudonym: str, now: datetime) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get(CodeFailures, pseudonym, with_for_update=True)
            if row is None:
                row = CodeFailures(pseudonym=pseudonym, failures=0)
                session.add(row)
            elif now - _aware(row.last_failure_at) > FORGET_FAILURES_AFTER:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            pause = pause_after(row.failures)
            row.blocked_until = now + pause if pause else None
