"""How erasure treats the tables of `reports`: reports, media, additions, inbox, sessions.

Registered in `reports.erasure` on import (`reports.storage` imports this module).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from reports.erasure import Subject, erases, keeps
from reports.models import (
    AuditEntry,
    ConversationSession,
    InboundItem,
    OutboundRow,
    OutboxEvent,
    Report,
    ReportAddition,
    ReportMedia,
)

ERASED = "erased"
WIPED_COLUMNS = (
    "description_enc",
    "perpetrator_detail_enc",
    "occurred_text_enc",
    "location_text_enc",
    "contact_enc",
    "lat",
    "lon",
    "place",
    "admin_area",
    "organisation",
)

keeps("outbox_events", "events carry a report id, its reference and a topic only")
keeps("audit_log", "entries keep references and actions only (append-only by design)")
keeps("monitors", "an enrolment is a pseudonym and an organisation; operators revoke it")
keeps("monitor_code_failures", "the brake on guessed invite codes: /delete must not reset it")


def wipe(row: Report, now: datetime) -> None:
    """The report row stays, marked erased, so staff see that it was erased, not a gap."""
    for column in WIPED_COLUMNS:
        setattr(row, column, None)
    row.reporter_pseudonym = ERASED
    row.affected_groups = {}
    row.consent_followup = False
    row.erased = True
    row.erased_at = now
    row.updated_at = now


@erases("reports", order=0)
async def erase_reports(session: AsyncSession, subject: Subject) -> None:
    rows = (
        await session.execute(
            select(Report).where(
                Report.reporter_pseudonym.in_(subject.pseudonyms), Report.erased.is_(False)
            )
        )
    ).scalars()
    now = subject.now
    for row in rows:
        wipe(row, now)
        subject.report_ids.append(row.id)
        subject.references.append(row.reference)
        session.add(
            OutboxEvent(
                topic="report.erased",
                report_id=row.id,
                payload={"reference": row.reference},
                created_at=now,
                available_at=now,
            )
        )
        session.add(AuditEntry(actor="reporter", action="erased", report_id=row.id))
    await session.flush()


@erases("report_media", order=1)
async def erase_media(session: AsyncSession, subject: Subject) -> None:
    if subject.report_ids:
        await session.execute(
            delete(ReportMedia).where(ReportMedia.report_id.in_(subject.report_ids))
        )


@erases("report_additions", order=1)
async def erase_additions(session: AsyncSession, subject: Subject) -> None:
    if subject.report_ids:
        await session.execute(
            delete(ReportAddition).where(ReportAddition.report_id.in_(subject.report_ids))
        )


@erases("conversation_sessions")
async def erase_sessions(session: AsyncSession, subject: Subject) -> None:
    await session.execute(
        delete(ConversationSession).where(ConversationSession.pseudonym.in_(subject.pseudonyms))
    )


@erases("inbound_queue")
async def erase_inbox_items(session: AsyncSession, subject: Subject) -> None:
    """Handled items already hold no payload; failed ones and replies waiting to be delivered
    are emptied and closed, and none stays under the person's key. Items still waiting to be
    handled (sent after the erasure was asked for, the erasing one among them) are left to
    be handled as new messages."""
    keys = subject.inbox_keys or subject.pseudonyms
    mine = InboundItem.sender_key.in_(keys)
    if subject.channel is not None:
        mine = mine & (InboundItem.channel == subject.channel)
    finished = or_(InboundItem.status != "pending", InboundItem.external_id.like("%:deferred:%"))
    await session.execute(
        update(InboundItem)
        .where(mine, finished)
        .values(
            payload_enc=b"", outcome_enc=None, sender_key=ERASED, status="done", locked_until=None
        )
        .execution_options(synchronize_session=False)
    )


@erases("outbound_messages")
async def erase_outbound_messages(session: AsyncSession, subject: Subject) -> None:
    """Messages to the person recorded before the erasure (sent ones keep no payload; those
    still waiting carry the summary and the address): gone. The turn that erases records its
    own confirmation afterwards, in the same transaction."""
    mine = OutboundRow.recipient_key.in_(subject.inbox_keys or subject.pseudonyms)
    if subject.channel is not None:
        mine = mine & (OutboundRow.channel == subject.channel)
    await session.execute(
        delete(OutboundRow).where(mine).execution_options(synchronize_session=False)
    )
