"""Staff accounts: Argon2 password hashes, a TOTP second factor for everyone, disabling.

Used by `tocsin staff ...` and by the sign-in page. The TOTP secret is sealed with the
deployment key like every other secret at rest; the password never is (only its hash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from reports.crypto import Keyring
from reports.database import session_factory
from reports.models import AuditEntry
from staff.models import ROLES, StaffAccount

ISSUER = "Tocsin staff desk"
MIN_PASSWORD_LENGTH = 12
TOTP_CONTEXT = "staff-totp"
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# verifying an unknown e-mail costs the same as a known one (no timing oracle)
_DUMMY_HASH = HASHER.hash("not a password of anyone")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class AccountInfo:
    id: int
    email: str
    name: str | None
    role: str
    disabled: bool
    totp_confirmed: bool
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "totp_enrolled": self.totp_confirmed,
            "created_at": self.created_at.isoformat(),
        }


def _info(row: StaffAccount) -> AccountInfo:
    return AccountInfo(
        row.id, row.email, row.name, row.role, row.disabled, row.totp_confirmed, row.created_at
    )


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned):
        raise AccountError(f"not an e-mail address: {email[:60]!r}")
    return cleaned


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


class Accounts:
    """Creating, listing and changing staff accounts; every change is audited."""

    def __init__(self, engine: AsyncEngine, keyring: Keyring) -> None:
        self.keyring = keyring
        self._sessions = session_factory(engine)

    def _seal(self, secret: str) -> bytes:
        sealed = self.keyring.encrypt_text(secret, context=TOTP_CONTEXT)
        assert sealed is not None
        return sealed

    def totp_secret(self, row: StaffAccount) -> str:
        return self.keyring.decrypt_text(row.totp_secret_enc, context=TOTP_CONTEXT) or ""

    async def add(
        self, email: str, role: str, password: str, name: str | None, actor: str
    ) -> tuple[AccountInfo, str]:
        """A new account and its `otpauth://` URI (for the authenticator app)."""
        email = normalise_email(email)
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        secret = pyotp.random_base32()
        row = StaffAccount(
            email=email,
            name=(name or "").strip() or None,
            role=role,
            password_hash=HASHER.hash(password),
            totp_secret_enc=self._seal(secret),
            totp_confirmed=False,
            disabled=False,
        )
        try:
            async with self._sessions() as session, session.begin():
                session.add(row)
                await session.flush()
                session.add(
                    AuditEntry(actor=actor, action="staff_added", detail=f"{row.id} {role}")
                )
        except IntegrityError:
            raise AccountError(f"an account for {email} already exists") from None
        return _info(row), totp_uri(secret, email)

    async def list(self) -> list[AccountInfo]:
        async with self._sessions() as session:
            rows = await session.execute(select(StaffAccount).order_by(StaffAccount.id))
            return [_info(row) for row in rows.scalars()]

    async def disable(self, email: str, actor: str) -> AccountInfo:
        """Disable an account; its open sessions end on their next request."""
        async with self._sessions() as session, session.begin():
            row = await self._by_email(session, email)
            row.disabled = True
            session.add(AuditEntry(actor=actor, action="staff_disabled", detail=str(row.id)))
            return _info(row)

    async def reset_2fa(self, email: str, actor: str) -> tuple[AccountInfo, str]:
        """A new TOTP secret, to be enrolled again at the next sign-in (or from the URI)."""
        secret = pyotp.random_base32()
        async with self._sessions() as session, session.begin():
            row = await self._by_email(session, email)
            row.totp_secret_enc = self._seal(secret)
            row.totp_confirmed = False
            row.last_totp_step = None
            session.add(AuditEntry(actor=actor, action="staff_2fa_reset", detail=str(row.id)))
            return _info(row), totp_uri(secret, row.email)

    @staticmethod
    async def _by_email(session: AsyncSession, email: str) -> StaffAccount:
        address = normalise_email(email)
        row = (
            await session.execute(select(StaffAccount).where(StaffAccount.email == address))
        ).scalar_one_or_none()
        if row is None:
            raise AccountError(f"no account for {address}")
        return row


def check_password(password_hash: str | None, password: str) -> bool:
    """Argon2 verification; an absent account costs the same time as a wrong password."""
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def check_code(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The TOTP time step that `code` matches (one step of drift allowed), or None.

    A step at or before `last_step` is refused, so a code seen over a shoulder or replayed
    from a log cannot be used a second time.
    """
    cleaned = code.strip().replace(" ", "")
    if not cleaned.isdigit() or len(cleaned) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), cleaned):
            return candidate
    return None
