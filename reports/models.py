"""The stored shape of reports, their media and additions, the outbox and the audit log.

Sensitive columns end in `_enc` and hold values sealed by `reports.crypto.Keyring`; nothing
else in a row can identify the reporter. The outbox row is written in the same transaction as
the report, so an escalation can be late but never lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES: tuple[str, ...] = (
    "received",
    "triaged",
    "under_verification",
    "verified",
    "unverified",
    "dismissed",
    "referred",
    "closed",
)

# Which status may follow which: the lifecycle of spec issue "Foundation".
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"triaged", "under_verification", "dismissed"}),
    "triaged": frozenset({"under_verification", "dismissed"}),
    "under_verification": frozenset({"verified", "unverified", "dismissed"}),
    "verified": frozenset({"referred", "closed"}),
    "unverified": frozenset({"referred", "closed", "under_verification"}),
    "dismissed": frozenset({"closed", "under_verification"}),
    "referred": frozenset({"closed"}),
    "closed": frozenset(),
}

REPORTER_ROLES: tuple[str, ...] = ("community", "monitor")
LOCATION_SOURCES: tuple[str, ...] = ("pin", "gazetteer", "text")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    reporter_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    reporter_role: Mapped[str] = mapped_column(String(16), default="community")
    organisation: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))

    category: Mapped[str] = mapped_column(String(64), index=True)
    category_confidence: Mapped[float | None] = mapped_column(Float)
    # every category the NLU read, primary first, kept even when the person picked another
    categories: Mapped[list[str] | None] = mapped_column(JSON)
    # the NLU read sexual violence or foreign / EU-mission personnel in the text
    confidential_reading: Mapped[bool | None] = mapped_column(Boolean)
    # False: a greeting, test, advertisement or rumour with no act; kept, not escalated
    relevant: Mapped[bool | None] = mapped_column(Boolean)
    relevance: Mapped[float | None] = mapped_column(Float)
    perpetrator: Mapped[str | None] = mapped_column(String(32))
    perpetrator_detail_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    affected_groups: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    victims: Mapped[int | None] = mapped_column(Integer)

    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    occurred_precision: Mapped[str | None] = mapped_column(String(16))
    occurred_text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str | None] = mapped_column(String(200))
    admin_area: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    location_precision: Mapped[str | None] = mapped_column(String(16))
    location_source: Mapped[str | None] = mapped_column(String(16))
    location_text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    description_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    immediate_danger: Mapped[bool | None] = mapped_column(Boolean)
    consent_followup: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    source_reliability: Mapped[str | None] = mapped_column(String(1))
    info_credibility: Mapped[str | None] = mapped_column(String(1))

    status: Mapped[str] = mapped_column(String(32), default="received", index=True)
    # When staff first took the report in hand (first status change by anyone but the
    # reporter), and when its reporter first heard back (a status notice delivered or a staff
    # question relayed): written as they happen, so the accountability figures read one row
    # per report instead of grouping the audit log and the deliveries.
    first_ack_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_notice_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    erased: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    media: Mapped[list[ReportMedia]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="raise"
    )
    additions: Mapped[list[ReportAddition]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="raise"
    )

    __table_args__ = (Index("ix_reports_created_at", "created_at"),)


class ReportMedia(Base):
    """A photo, voice note, video or document: sealed content plus the original's SHA-256."""

    __tablename__ = "report_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="media")


class ReportAddition(Base):
    """More details a reporter sent later with `/add REF` (or an answer to a staff question)."""

    __tablename__ = "report_additions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="details")
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="additions")


class ReportGroup(Base):
    """One affected group a report names, with how many people of it (None: named, not
    counted): `Report.affected_groups` as rows, kept equal to it whenever a report is written
    (`reports.affected`), so the accountability figures count by group without reading
    every report's JSON."""

    __tablename__ = "report_groups"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    people: Mapped[int | None] = mapped_column(Integer)


class OutboxEvent(Base):
    """An event for the escalation worker, committed with the change that caused it."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    available_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_outbox_pending", "processed_at", "available_at"),)


class AuditEntry(Base):
    """Append-only record of who read or changed what (database triggers refuse edits)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str | None] = mapped_column(Text)


class InboundItem(Base):
    """A message a channel accepted, sealed, waiting to be handled (the durable inbox).

    A webhook answers 200 only after this row is committed; the unique (channel, external id)
    makes a redelivered update a no-op.
    """

    __tablename__ = "inbound_queue"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    sender_key: Mapped[str] = mapped_column(String(64))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(200))
    # the turn's recorded outcome (the session after it), sealed, written in the turn's own
    # transaction: a retaken item replays it instead of running the turn again
    outcome_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_inbound_queue_channel_external_id"),
        Index("ix_inbound_queue_pending", "status", "id"),
        Index("ix_inbound_queue_sender", "sender_key", "status", "id"),
    )


class ConversationSession(Base):
    """A conversation's state between messages, for deployments without Redis.

    Keyed by the sender's pseudonym; holds the in-progress draft sealed, so a restart
    resumes a half-told report instead of losing it.
    """

    __tablename__ = "conversation_sessions"

    pseudonym: Mapped[str] = mapped_column(String(64), primary_key=True)
    state_enc: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class OutboundRow(Base):
    """One message to send, recorded in the transaction that decided it (the outbound path).

    `origin` names what decided it (an inbox item's turn, an escalation delivery) and
    `position` its place among that origin's messages, so recording the same outcome twice
    stores it once and a replay sends only what is not yet marked sent. The recipient and the
    message are sealed together in `payload_enc`; `recipient_key` is a keyed hash (pacing,
    ordering), never the raw id.
    """

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    origin: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(32))
    recipient_key: Mapped[str] = mapped_column(String(64))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(200))
    # set: the row is due again at this time, for the claim loop (`reports.outbound_worker`);
    # NULL: the row belongs to its origin's replay (a turn sent from its inbox item)
    available_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # what the remote called the message once it took it (a wamid), for its delivery reports
    external_id: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (
        UniqueConstraint("origin", "position", name="uq_outbound_messages_origin"),
        Index("ix_outbound_messages_pending", "status", "id"),
        Index("ix_outbound_messages_due", "status", "available_at"),
        Index("ix_outbound_messages_external", "external_id"),
    )


class ImportedRow(Base):
    """A file row already filed as a report, so importing the same file again adds nothing.

    The key is a keyed hash of the monitor's pseudonym and the row's normalised cells: it tells
    a repeated row apart without keeping any of its words.
    """

    __tablename__ = "imported_rows"

    row_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
