"""Signing in: password then TOTP code, rate-limited, locked after repeated failures, recorded.

Every attempt becomes a `staff_signins` row (the e-mail as typed, the outcome, a keyed hash of
the client address): that table is the sign-in record admins read, and it is also what the
limits count, so they hold across processes and restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import Clock, aware
from reports.crypto import Keyring
from reports.database import session_factory
from staff.accounts import AccountError, Accounts, check_code, check_password, normalise_email
from staff.models import SignInAttempt, StaffAccount

WINDOW = timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5  # then the account is locked for LOCKOUT
LOCKOUT = timedelta(minutes=15)
MAX_CLIENT_FAILURES = 20  # per client address and WINDOW, whatever the e-mail
FAILURES = ("bad_password", "bad_code", "unknown", "disabled")


@dataclass(frozen=True)
class Outcome:
    """What the sign-in page does next: `ok`, `need_code`, `enrol`, or a refusal."""

    result: str
    account_id: int | None = None
    totp_secret: str | None = None
    email: str | None = None


class SignIn:
    def __init__(self, engine: AsyncEngine, keyring: Keyring, clock: Clock) -> None:
        self._sessions = session_factory(engine)
        self.accounts = Accounts(engine, keyring)
        self.keyring = keyring
        self.clock = clock

    def client_key(self, address: str) -> str:
        return self.keyring.pseudonym("staff-client", address)[:64]

    async def _record(self, email: str, account_id: int | None, client: str, outcome: str) -> None:
        async with self._sessions() as session, session.begin():
            session.add(
                SignInAttempt(
                    at=self.clock.now(),
                    email=email[:254],
                    account_id=account_id,
                    client=client,
                    outcome=outcome,
                )
            )

    async def _failures(self, column: object, value: str) -> int:
        since = self.clock.now() - WINDOW
        async with self._sessions() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(SignInAttempt)
                    .where(column == value, SignInAttempt.at >= since)  # type: ignore[operator]
                    .where(SignInAttempt.outcome.in_(FAILURES))
                )
                or 0
            )

    async def client_blocked(self, address: str) -> bool:
        return await self._failures(SignInAttempt.client, self.client_key(address)) >= (
            MAX_CLIENT_FAILURES
        )

    async def password(self, email: str, password: str, address: str) -> Outcome:
        """The first factor. Never says whether the e-mail exists."""
        client = self.client_key(address)
        try:
            email = normalise_email(email)
        except AccountError:
            await self._record(email, None, client, "unknown")
            return Outcome("refused")
        async with self._sessions() as session:
            account = (
                await session.execute(select(StaffAccount).where(StaffAccount.email == email))
            ).scalar_one_or_none()
        now = self.clock.now()
        if account is not None and (aware(account.locked_until) or now) > now:
            check_password(None, password)  # same cost as any other answer
            await self._record(email, account.id, client, "locked")
            return Outcome("locked")
        if not check_password(account.password_hash if account else None, password):
            await self._fail(
                email, account, client, "unknown" if account is None else "bad_password"
            )
            return Outcome("refused")
        assert account is not None
        if account.disabled:
            await self._record(email, account.id, client, "disabled")
            return Outcome("refused")
        await self._record(email, account.id, client, "password_ok")
        secret = self.accounts.totp_secret(account)
        if not account.totp_confirmed:
            return Outcome("enrol", account.id, secret, email)
        return Outcome("need_code", account.id, None, email)

    async def _fail(
        self, email: str, account: StaffAccount | None, client: str, outcome: str
    ) -> None:
        await self._record(email, account.id if account else None, client, outcome)
        if account is None:
            return
        if await self._failures(SignInAttempt.email, email) >= MAX_ACCOUNT_FAILURES:
            async with self._sessions() as session, session.begin():
                row = await session.get(StaffAccount, account.id)
                if row is not None:
                    row.locked_until = self.clock.now() + LOCKOUT
            await self._record(email, account.id, client, "locked")

    async def code(self, account_id: int, code: str, address: str) -> Outcome:
        """The second factor; a right code also confirms a first enrolment."""
        client = self.client_key(address)
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            account = await session.get(StaffAccount, account_id, with_for_update=True)
            if account is None or account.disabled:
                return Outcome("refused")
            if (aware(account.locked_until) or now) > now:
                await self._record(account.email, account.id, client, "locked")
                return Outcome("locked")
            step = check_code(self.accounts.totp_secret(account), code, now, account.last_totp_step)
            if step is not None:
                account.last_totp_step = step
                account.totp_confirmed = True
                email = account.email
        if step is None:
            await self._fail(account.email, account, client, "bad_code")
            return Outcome("refused")
        await self._record(email, account_id, client, "ok")
        return Outcome("ok", account_id, None, email)


async def enrolment_uri(signin: SignIn, account_id: int) -> str | None:
    """The `otpauth://` URI of an account not yet enrolled (shown as a QR code once)."""
    from staff.accounts import totp_uri

    async with signin._sessions() as session:
        account = await session.get(StaffAccount, account_id)
    if account is None or account.totp_confirmed:
        return None
    return totp_uri(signin.accounts.totp_secret(account), account.email)


SIGNIN = web.AppKey("staff_signin", SignIn)
