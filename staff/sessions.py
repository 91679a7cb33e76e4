"""Server-side sessions of the staff desk, with idle and absolute timeouts.

The browser holds a random token; the database holds only its SHA-256, the account, the
stage reached ("password": the first factor passed; "full": signed in), the CSRF token, and
when the session began and was last used. Logging out ends the row, so a copied cookie
replayed afterwards finds nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import Clock, aware
from reports.database import session_factory
from staff.models import StaffAccount, StaffSession
from staff.reading import reader

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
PASSWORD_STAGE_TIMEOUT = timedelta(minutes=5)  # time to type the code after the password
TOUCH_EVERY = timedelta(seconds=30)  # last_seen is written at most this often


FOUND_COLUMNS = (
    StaffSession.account_id,
    StaffSession.stage,
    StaffSession.csrf_token,
    StaffSession.created_at,
    StaffSession.last_seen_at,
    StaffAccount.email,
    StaffAccount.name,
    StaffAccount.role,
    StaffAccount.disabled,
)


# Built once: every request of the desk asks it (columns in autocommit, no entity, no
# transaction; a prebuilt statement is found in the compiled cache without being rebuilt).
_FIND = (
    select(*FOUND_COLUMNS)
    .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
    .where(StaffSession.token_hash == bindparam("digest"), StaffSession.ended_at.is_(None))
)
_TOUCH = (
    update(StaffSession)
    .where(StaffSession.token_hash == bindparam("digest"))
    .values(last_seen_at=bindparam("now"))
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class StaffMember:
    """Who is asking: the account behind a live session."""

    account_id: int
    email: str
    name: str | None
    role: str
    stage: str
    csrf_token: str
    token_hash: str

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"staff:web:{self.account_id}"

    @property
    def display_name(self) -> str:
        return self.name or self.email


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta = IDLE_TIMEOUT
    absolute: timedelta = ABSOLUTE_TIMEOUT
    password_stage: timedelta = PASSWORD_STAGE_TIMEOUT


class SessionStore:
    def __init__(self, engine: AsyncEngine, clock: Clock, timeouts: Timeouts | None = None):
        self.engine = engine
        self._sessions = session_factory(engine)
        self.clock = clock
        self.timeouts = timeouts or Timeouts()

    async def open(self, account_id: int, stage: str) -> str:
        """A new session; returns the token for the cookie (never stored)."""
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            session.add(
                StaffSession(
                    token_hash=token_hash(token),
                    account_id=account_id,
                    stage=stage,
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=now,
                    last_seen_at=now,
                )
            )
        return token

    async def find(self, token: str | None) -> StaffMember | None:
        """The live session behind `token`, touched; None when absent, ended or expired."""
        if not token or len(token) > 200:
            return None
        digest = token_hash(token)
        now = self.clock.now()
        async with reader(self.engine).connect() as connection:
            row = (await connection.execute(_FIND, {"digest": digest})).first()
            if row is None:
                return None
            if row.disabled or self._expired(row, now):
                row = None
            elif now - (aware(row.last_seen_at) or now) >= TOUCH_EVERY:
                await connection.execute(_TOUCH, {"digest": digest, "now": now})
        if row is None:
            await self.end(token)
            return None
        return StaffMember(
            row.account_id, row.email, row.name, row.role, row.stage, row.csrf_token, digest
        )

    def _expired(self, row: Any, now: datetime) -> bool:
        created = aware(row.created_at) or now
        last_seen = aware(row.last_seen_at) or now
        if row.stage != "full":
            return now - created > self.timeouts.password_stage
        return now - last_seen > self.timeouts.idle or now - created > self.timeouts.absolute

    async def end(self, token: str) -> None:
        await self.end_hash(token_hash(token))

    async def end_hash(self, digest: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(StaffSession)
                .where(StaffSession.token_hash == digest, StaffSession.ended_at.is_(None))
                .values(ended_at=self.clock.now())
            )
