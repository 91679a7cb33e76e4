"""Report storage: the only place that writes reports, their outbox events and audit entries.

Every change to a report and the outbox event that tells escalation about it are committed in
one transaction. Reads by staff or operators write an audit entry in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from reports import affected  # noqa: F401  (keeps report_groups equal to the reports)
from reports.clock import Clock, SystemClock
from reports.crypto import Keyring
from reports.database import session_factory
from reports.erasers import ERASED  # noqa: F401  (registers the reports tables' erasers)
from reports.erasure import Subject, erase
from reports.models import (
    STATUS_TRANSITIONS,
    AuditEntry,
    ImportedRow,
    OutboxEvent,
    Report,
    ReportAddition,
    ReportMedia,
)
from reports.records import MediaUpload, ReportDraft, ReportView
from reports.references import new_reference
from reports.sealing import field_context, open_contact, open_report, seal_media, seal_report
from reports.severity import compute_severity
from reports.unit import writing

log = logging.getLogger(__name__)


class StatusChangeError(Exception):
    """A status change that the lifecycle does not allow."""


class AlreadyImported(Exception):
    """This file row was filed already (by an import running at the same time)."""


class ReportStore:
    """Async storage of reports on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, keyring: Keyring, clock: Clock | None = None) -> None:
        self.engine = engine
        self.keyring = keyring
        # stamps reports and outbox events: escalation reads them on the same clock
        self.clock = clock or SystemClock()
        self._sessions = session_factory(engine)

    async def submit(self, draft: ReportDraft, row_key: str | None = None) -> ReportView:
        """Store a finished report with its media and its outbox event, atomically.

        Returns only after the commit, so whoever shows the reference to the reporter can
        promise that the report survives a crash. Inside a turn's unit of work (see
        `reports.unit`) the commit is the turn's own, and the reference leaves only after it.
        """
        severity = draft.severity or compute_severity(
            [draft.category, *draft.categories],
            victims=draft.victims,
            affected_groups=draft.affected_groups,
            immediate_danger=draft.immediate_danger,
        )
        for _attempt in range(5):
            reference = new_reference()
            row = seal_report(self.keyring, draft, reference, severity)
            row.media = [seal_media(self.keyring, reference, upload) for upload in draft.media]
            row.additions = []
            row.created_at = row.updated_at = self.clock.now()
            try:
                async with writing(self.engine, self._sessions) as session:
                    session.add(row)
                    await session.flush()
                    session.add(self._event("report.submitted", row))
                    session.add(AuditEntry(actor="reporter", action="submitted", report_id=row.id))
                    if row_key is not None:  # a file row: remembered with its report, atomically
                        session.add(ImportedRow(row_key=row_key, report_id=row.id))
            except IntegrityError:
                if row_key is not None and await self.imported([row_key]):
                    raise AlreadyImported(row_key) from None
                log.warning("reference collision, drawing another")
                continue
            # a file of 1,000 rows is one import, logged once by the importer, not 1,000 lines
            log.log(
                logging.DEBUG if row_key is not None else logging.INFO,
                "report stored id=%s category=%s severity=%s channel=%s",
                row.id,
                row.category,
                row.severity,
                row.channel,
            )
            return open_report(self.keyring, row, row.media, [])
        raise RuntimeError("could not draw a unique reference")

    def _event(self, topic: str, row: Report, **payload: Any) -> OutboxEvent:
        now = self.clock.now()
        return OutboxEvent(
            topic=topic,
            report_id=row.id,
            payload={"reference": row.reference, **payload},
            created_at=now,
            available_at=now,
        )

    async def _owned(
        self, session: AsyncSession, reference: str, pseudonyms: Sequence[str]
    ) -> Report | None:
        result = await session.execute(
            select(Report).where(
                Report.reference == reference, Report.reporter_pseudonym.in_(list(pseudonyms))
            )
        )
        return result.scalar_one_or_none()

    async def find_own(self, reference: str, pseudonyms: Sequence[str]) -> ReportView | None:
        """A report by reference, only if the asking reporter made it."""
        async with self._sessions() as session:
            row = await self._owned(session, reference, pseudonyms)
            return open_report(self.keyring, row) if row else None

    async def list_own(self, pseudonyms: Sequence[str], limit: int = 10) -> list[ReportView]:
        async with self._sessions() as session:
            result = await session.execute(
                select(Report)
                .where(Report.reporter_pseudonym.in_(list(pseudonyms)), Report.erased.is_(False))
                .order_by(Report.created_at.desc(), Report.id.desc())
                .limit(limit)
            )
            return [open_report(self.keyring, row) for row in result.scalars()]

    async def add_details(
        self,
        reference: str,
        pseudonyms: Sequence[str],
        text: str | None,
        media: Sequence[MediaUpload] = (),
        kind: str = "details",
    ) -> bool:
        """Append details (text and files) to one of the reporter's own reports."""
        async with writing(self.engine, self._sessions) as session:
            row = await self._owned(session, reference, pseudonyms)
            if row is None or row.erased:
                return False
            context = field_context(row.reference, "addition")
            if text:
                session.add(
                    ReportAddition(
                        report_id=row.id,
                        kind=kind,
                        text_enc=self.keyring.encrypt_text(text, context=context),
                    )
                )
            for upload in media:
                sealed = seal_media(self.keyring, row.reference, upload)
                sealed.report_id = row.id
                session.add(sealed)
            row.updated_at = self.clock.now()
            session.add(self._event("report.updated", row, kind=kind))
            session.add(AuditEntry(actor="reporter", action=f"added_{kind}", report_id=row.id))
        return True

    async def erase_reporter(
        self,
        pseudonyms: Sequence[str],
        *,
        channel: str | None = None,
        inbox_keys: Sequence[str] = (),
    ) -> int:
        """Erase every report of a reporter and every copy of what they sent, in one
        transaction: each table registered in `reports.erasure` (alerts, outbound logs,
        inbox items, sessions, follow-up threads, media) is erased by its owner's eraser.

        The report row stays, marked erased, so staff see that it was erased, not a gap.
        """
        subject = Subject(tuple(pseudonyms), tuple(inbox_keys), channel, self.clock.now())
        async with writing(self.engine, self._sessions) as session:
            await erase(session, subject)
        log.info("reporter erased reports=%d", len(subject.report_ids))
        return len(subject.report_ids)

    async def erase_person(self, channel: str, sender_id: str) -> int:
        """`/delete`: erase the person writing from `sender_id` on `channel`, under every key
        (their inbox items are queued under the channel's `-inbox` pseudonym as well)."""
        pseudonyms = self.keyring.pseudonyms(channel, sender_id)
        inbox_keys = [*pseudonyms, *self.keyring.pseudonyms(f"{channel}-inbox", sender_id)]
        return await self.erase_reporter(pseudonyms, channel=channel, inbox_keys=inbox_keys)

    async def list_reports(self, actor: str, limit: int | None = 100) -> list[ReportView]:
        """Newest first, decrypted for an operator; the read is audited: one entry per report
        read, so "who read this report" has an answer for listings as for single reads.
        `limit` None (or 0) lists them all."""
        async with self._sessions() as session, session.begin():
            query = select(Report).order_by(Report.created_at.desc(), Report.id.desc())
            result = await session.execute(query.limit(limit) if limit else query)
            rows = list(result.scalars())
            views = [await self._full_view(session, row) for row in rows]
            session.add_all(
                AuditEntry(actor=actor, action="listed", report_id=row.id, detail=row.reference)
                for row in rows
            )
        return views

    async def imported(self, row_keys: Sequence[str]) -> set[str]:
        """Which of these file-row keys were already filed as reports."""
        if not row_keys:
            return set()
        async with self._sessions() as session:
            result = await session.execute(
                select(ImportedRow.row_key).where(ImportedRow.row_key.in_(list(row_keys)))
            )
            return set(result.scalars())

    async def count_reports(self) -> int:
        """How many reports are stored, so a cut listing can say what it left out."""
        async with self._sessions() as session:
            return int((await session.execute(select(func.count(Report.id)))).scalar_one())

    async def get_report(self, reference: str, actor: str) -> ReportView | None:
        """One report decrypted for staff; the read is audited."""
        async with self._sessions() as session, session.begin():
            row = await self._by_reference(session, reference)
            if row is None:
                return None
            session.add(AuditEntry(actor=actor, action="read", report_id=row.id))
            return await self._full_view(session, row)

    async def contact_of(self, reference: str, actor: str) -> tuple[str, str] | None:
        """(channel, contact address) of a consenting reporter, for relaying a question.

        Never shown to staff: only the relay that sends the question calls this; audited.
        """
        async with self._sessions() as session, session.begin():
            row = await self._by_reference(session, reference)
            if row is None or row.erased or not row.consent_followup:
                return None
            contact = open_contact(self.keyring, row)
            if contact is None:
                return None
            session.add(AuditEntry(actor=actor, action="contact_used", report_id=row.id))
            return row.channel, contact

    async def set_status(self, reference: str, status: str, actor: str) -> ReportView:
        """Move a report along its lifecycle; refuses transitions the lifecycle forbids."""
        async with self._sessions() as session, session.begin():
            row = await self._by_reference(session, reference, lock=True)
            if row is None:
                raise StatusChangeError(f"no report {reference}")
            if status not in STATUS_TRANSITIONS.get(row.status, frozenset()):
                raise StatusChangeError(f"{row.status} cannot become {status}")
            previous, row.status = row.status, status
            row.updated_at = self.clock.now()
            if actor != "reporter" and row.first_ack_at is None:
                row.first_ack_at = row.updated_at  # staff took it in hand (metrics read this)
            session.add(self._event("report.status", row, previous=previous, status=status))
            session.add(
                AuditEntry(
                    actor=actor, action="status", report_id=row.id, detail=f"{previous}->{status}"
                )
            )
            return open_report(self.keyring, row)

    async def heard_back(self, reference: str) -> None:
        """The reporter was just told something (a status notice, a staff question): the
        first such moment is kept on the report, for the time-to-feedback figures."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Report)
                .where(Report.reference == reference, Report.first_notice_at.is_(None))
                .values(first_notice_at=self.clock.now())
                .execution_options(synchronize_session=False)
            )

    async def set_relevant(self, reference: str, relevant: bool, actor: str) -> ReportView:
        """Staff overrule the NLU's triage. A report marked relevant that was kept unrouted
        is submitted to escalation now (its `report.submitted` event is queued again)."""
        async with self._sessions() as session, session.begin():
            row = await self._by_reference(session, reference, lock=True)
            if row is None:
                raise StatusChangeError(f"no report {reference}")
            previous, row.relevant = row.relevant, relevant
            row.updated_at = self.clock.now()
            if relevant and previous is False:
                session.add(self._event("report.submitted", row))
            session.add(
                AuditEntry(actor=actor, action="relevance", report_id=row.id, detail=f"{relevant}")
            )
            return open_report(self.keyring, row)

    @staticmethod
    async def _by_reference(
        session: AsyncSession, reference: str, lock: bool = False
    ) -> Report | None:
        query = select(Report).where(Report.reference == reference)
        if lock:
            query = query.with_for_update()
        return (await session.execute(query)).scalar_one_or_none()

    async def _full_view(self, session: AsyncSession, row: Report) -> ReportView:
        media = list(
            (
                await session.execute(select(ReportMedia).where(ReportMedia.report_id == row.id))
            ).scalars()
        )
        additions = (
            await session.execute(
                select(ReportAddition.text_enc)
                .where(ReportAddition.report_id == row.id)
                .order_by(ReportAddition.id)
            )
        ).scalars()
        context = field_context(row.reference, "addition")
        texts = [self.keyring.decrypt_text(token, context=context) or "" for token in additions]
        return open_report(self.keyring, row, media, texts)

    async def set_grading(
        self, reference: str, reliability: str | None, credibility: str | None, actor: str
    ) -> bool:
        """Admiralty grading of a report by staff (source A..F, information 1..6); audited."""
        if reliability not in (None, *"ABCDEF") or credibility not in (None, *"123456"):
            raise ValueError("grading: reliability A..F, credibility 1..6")
        async with self._sessions() as session, session.begin():
            row = await self._by_reference(session, reference, lock=True)
            if row is None:
                return False
            row.source_reliability, row.info_credibility = reliability, credibility
            row.updated_at = self.clock.now()
            session.add(self._event("report.updated", row, kind="grading"))
            session.add(
                AuditEntry(
                    actor=actor,
                    action="graded",
                    report_id=row.id,
                    detail=f"{reliability or '-'}{credibility or '-'}",
                )
            )
        return True
