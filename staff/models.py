"""The staff desk's own tables, on the shared `reports.models.Base`.

Accounts hold an Argon2 hash and a sealed TOTP secret; sessions are server-side rows keyed by
the SHA-256 of the cookie token (a stolen database holds no usable cookie); every sign-in
attempt is a row, which both records it and feeds the rate limit and the lockout.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from reports.erasure import keeps
from reports.models import Base, utcnow

ROLES: tuple[str, ...] = ("viewer", "analyst", "confidential", "admin")


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret_enc: Mapped[bytes] = mapped_column(LargeBinary)
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    last_totp_step: Mapped[int | None] = mapped_column(Integer)  # a code is used only once
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    # "password": first factor passed, waiting for the code; "full": signed in
    stage: Mapped[str] = mapped_column(String(16))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInAttempt(Base):
    __tablename__ = "staff_signins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    email: Mapped[str] = mapped_column(String(254))
    account_id: Mapped[int | None] = mapped_column(Integer)
    client: Mapped[str] = mapped_column(String(64))  # keyed hash of the client address
    outcome: Mapped[str] = mapped_column(String(32))  # ok | bad_password | bad_code | locked ...

    __table_args__ = (
        Index("ix_staff_signins_email_at", "email", "at"),
        Index("ix_staff_signins_client_at", "client", "at"),
    )


# Erasure of a reporter (`/delete`) never concerns staff accounts; said once, for the registry.
keeps("staff_accounts", "staff accounts, not reporters: a reporter's erasure never reads them")
