"""Escalation's own tables, on the shared `reports.models.Base`.

An alert is what staff see: one incident (a cluster of reports) or one surge. Each message to
one target is a delivery row whose `dedupe_key` is unique, so re-processing an event after a
crash can never create a second ping. Timers (`next_escalation_at`) live in the database, so
re-escalation survives restarts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from reports.models import Base, utcnow

ALERT_KINDS: tuple[str, ...] = ("incident", "surge", "unit")
ALERT_STATES: tuple[str, ...] = ("open", "acknowledged", "verified", "dismissed")
DELIVERY_STATES: tuple[str, ...] = ("pending", "sent", "failed", "skipped")


class Alert(Base):
    """One incident (reports joined by clustering) or one surge, as pinged to staff."""

    __tablename__ = "escalation_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="incident")
    category: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    country: Mapped[str | None] = mapped_column(String(2))
    admin_area: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    supported_unit: Mapped[str | None] = mapped_column(String(64))
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    expected_count: Mapped[float | None] = mapped_column(Float)  # surges: the baseline's count
    first_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL")
    )
    surge_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="open")
    acted_by: Mapped[str | None] = mapped_column(String(64))
    acted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    # rule name -> chain level reached; the timer is the earliest next level of any rule
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chain_level: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_escalation_alerts_cluster", "kind", "category", "created_at"),
        Index("ix_escalation_alerts_timer", "next_escalation_at"),
    )


def new_alert(now: datetime, **fields: Any) -> Alert:
    """An alert as it starts: open, no rule reached, first version, stamped `now`; `fields`
    set the rest (and may override the state, as a split keeps its incident's).

    The columns' defaults apply only at insert, with the wall clock; routing reads these
    attributes before the flush and runs on the injected clock, so they are set here."""
    values: dict[str, Any] = {
        "state": "open",
        "rules": {},
        "chain_level": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    return Alert(**(values | fields))


class AlertReport(Base):
    """Membership of a report in an alert (a report belongs to at most one incident)."""

    __tablename__ = "escalation_alert_reports"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("escalation_alerts.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Delivery(Base):
    """One message to one target: a ping, an edit, a relayed answer, a reporter notice."""

    __tablename__ = "escalation_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation_alerts.id", ondelete="CASCADE"), index=True
    )
    target: Mapped[str] = mapped_column(String(255))  # "telegram:<chat>", "email:<addr>", ...
    purpose: Mapped[str] = mapped_column(String(16))  # ping | edit | answer | notice | digest
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    external_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_escalation_deliveries_due", "state", "available_at"),)


class StaffQuestion(Base):
    """A question staff asked a reporter: where to send the answer back.

    The question text itself is not kept here; it travels to the reporter's sealed session.
    """

    __tablename__ = "escalation_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation_alerts.id", ondelete="CASCADE")
    )
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(32))  # the staff side: "telegram"
    chat_id: Mapped[str] = mapped_column(String(64))
    asked_by: Mapped[str] = mapped_column(String(64))
    prompt_message_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="awaiting_text")  # -> asked -> answered
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    asked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_escalation_questions_prompt", "chat_id", "prompt_message_id"),)
