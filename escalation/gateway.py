"""What staff do in a staff chat: the ping's buttons, and typed questions for reporters.

The Telegram channel hands button presses and messages from configured staff chats here.
Only staff may act: the chat must be a staff chat of the rules and, when
`TOCSIN_STAFF_TELEGRAM_USERS` is set, the person one of those users; anyone else gets an error
and the refusal is logged (ids only). An action updates the alert, moves its reports along
their lifecycle (which tells consenting reporters) and queues edits of every ping.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert, AlertReport, Delivery, StaffQuestion
from escalation.notifiers.telegram import TelegramNotifier
from escalation.relay import ReporterRelay, raw_id_of
from escalation.render import ACTIONS, CALLBACK_PREFIX
from escalation.routing import queue_updates
from escalation.worker import EscalationWorker
from locales.i18n import Translator
from reports.models import STATUS_TRANSITIONS, Report
from reports.storage import ReportStore, StatusChangeError

log = logging.getLogger(__name__)
TARGET_STATUS = {"ack": "triaged", "assign": "under_verification", "verify": "verified"}
TARGET_STATUS["dismiss"] = "dismissed"
NEW_STATE = {"ack": "acknowledged", "assign": "acknowledged", "verify": "verified"}
NEW_STATE["dismiss"] = "dismissed"


def status_path(current: str, target: str) -> list[str]:
    """The statuses to pass through from `current` to `target` (empty when unreachable)."""
    queue: deque[list[str]] = deque([[current]])
    seen = {current}
    while queue:
        path = queue.popleft()
        if path[-1] == target:
            return path[1:]
        for following in sorted(STATUS_TRANSITIONS.get(path[-1], ())):
            if following not in seen:
                seen.add(following)
                queue.append([*path, following])
    return []


class EscalationGateway:
    """The `StaffGateway` of `bot.channels`, for Telegram staff chats."""

    def __init__(
        self,
        worker: EscalationWorker,
        store: ReportStore,
        telegram: TelegramNotifier | None,
        relay: ReporterRelay | None,
        staff_users: list[str],
    ) -> None:
        self.worker = worker
        self.store = store
        self.telegram = telegram
        self.relay = relay
        self.staff_users = {str(user) for user in staff_users}

    @property
    def _(self) -> Translator:
        return Translator(self._language())

    def _language(self) -> str:
        for target in self.worker.ruleset.targets.values():
            if target.telegram:
                return target.language
        return "en"

    @property
    def staff_chats(self) -> frozenset[str]:
        """Every Telegram chat the rules ping (confidential ones included): the chats whose
        button presses and replies a channel should hand to this gateway."""
        return frozenset(self.worker.ruleset.telegram_chats())

    def allowed(self, chat_id: str, user_id: str) -> bool:
        if str(chat_id) not in self.worker.ruleset.telegram_chats():
            return False
        return not self.staff_users or str(user_id) in self.staff_users

    async def handle_staff_action(
        self, channel: str, chat_id: str, user_id: str, message_id: str, data: str
    ) -> str:
        _ = self._
        prefix, _sep, rest = data.partition(":")
        action, _sep, alert_text = rest.partition(":")
        if prefix != CALLBACK_PREFIX or action not in ACTIONS or not alert_text.isdigit():
            return _("This button is no longer valid.")
        if not self.allowed(chat_id, user_id):
            log.warning("staff action refused chat=%s user=%s action=%s", chat_id, user_id, action)
            return _("You are not allowed to act on alerts.")
        alert_id = int(alert_text)
        if not await self._pinged(alert_id, chat_id):
            log.warning("staff action refused chat=%s alert=%s not pinged there", chat_id, alert_id)
            return _("You are not allowed to act on alerts.")
        if action == "ask":
            return await self._open_question(channel, chat_id, user_id, alert_id)
        name = await self._staff_name(chat_id, user_id)
        references = await self.act(alert_id, action, name, f"staff:{channel}:{user_id}")
        if references is None:
            return _("This alert no longer exists.")
        log.info("staff action alert=%s action=%s user=%s", alert_id, action, user_id)
        return {
            "ack": _("Acknowledged."),
            "assign": _("Assigned to you."),
            "verify": _("Marked as verified."),
            "dismiss": _("Dismissed."),
        }[action]

    async def act(self, alert_id: int, action: str, name: str, actor: str) -> list[str] | None:
        """Acknowledge, assign, verify or dismiss an alert, from a button or the staff desk:
        the alert changes, its reports move along their lifecycle, its pings are edited.
        Returns the references of its reports, or None when the alert is gone."""
        references = await self._apply(alert_id, action, name)
        if references is None:
            return None
        for reference in references:
            await self._move_report(reference, TARGET_STATUS[action], actor)
        self.worker.waker.notify()
        return references

    async def ask_reporters(
        self, alert_id: int, report_id: int, text: str, *, channel: str, asker: str, actor: str
    ) -> list[str]:
        """A question typed on the staff desk: relayed like a reply to "Ask reporter"; the
        answer comes back as an addition to the report (shown on the desk)."""
        async with self.worker.sessions() as session, session.begin():
            question = StaffQuestion(
                alert_id=alert_id,
                report_id=report_id,
                channel=channel,
                chat_id=asker,
                asked_by=asker,
                state="awaiting_text",
                created_at=self.worker.clock.now(),
            )
            session.add(question)
        reached = await self._relay(question, text.strip(), actor)
        self.worker.waker.notify()
        return reached

    async def _pinged(self, alert_id: int, chat_id: str) -> bool:
        """Whether the alert was sent to this chat: a desk cannot act on a confidential alert
        (or any alert) it never received, whatever callback data it sends."""
        async with self.worker.sessions() as session:
            found = await session.execute(
                select(Delivery.id)
                .where(
                    Delivery.alert_id == alert_id,
                    Delivery.target == f"telegram:{chat_id}",
                    Delivery.purpose.in_(("ping", "remind")),
                )
                .limit(1)
            )
            return found.first() is not None

    async def _staff_name(self, chat_id: str, user_id: str) -> str:
        if self.telegram is None:
            return f"#{user_id}"
        return await self.telegram.staff_name(chat_id, user_id)

    async def _apply(self, alert_id: int, action: str, name: str) -> list[str] | None:
        """Record the action on the alert, stop its timer, queue edits of its pings."""
        now = self.worker.clock.now()
        async with self.worker.sessions() as session, session.begin():
            alert = await session.get(Alert, alert_id, with_for_update=True)
            if alert is None:
                return None
            if action == "assign":
                alert.assigned_to = name
            if action in ("verify", "dismiss") or alert.state == "open":
                alert.state = NEW_STATE[action]
                alert.acted_by, alert.acted_at = name, now
            alert.next_escalation_at = None
            await queue_updates(session, alert, now)
            return await self._references(session, alert_id)

    @staticmethod
    async def _references(session: AsyncSession, alert_id: int) -> list[str]:
        rows = await session.execute(
            select(Report.reference)
            .join(AlertReport, AlertReport.report_id == Report.id)
            .where(AlertReport.alert_id == alert_id, Report.erased.is_(False))
            .order_by(Report.id)
        )
        return list(rows.scalars())

    async def _move_report(self, reference: str, target: str, actor: str) -> None:
        view = await self.store.get_report(reference, actor=actor)
        if view is None:
            return
        for status in status_path(view.status, target):
            try:
                await self.store.set_status(reference, status, actor=actor)
            except StatusChangeError:
                return

    async def _open_question(self, channel: str, chat_id: str, user_id: str, alert_id: int) -> str:
        _ = self._
        async with self.worker.sessions() as session, session.begin():
            alert = await session.get(Alert, alert_id)
            if alert is None or alert.first_report_id is None:
                return _("This alert no longer exists.")
            question = StaffQuestion(
                alert_id=alert_id,
                report_id=alert.first_report_id,
                channel=channel,
                chat_id=str(chat_id),
                asked_by=str(user_id),
                state="awaiting_text",
                created_at=self.worker.clock.now(),
            )
            session.add(question)
            await session.flush()
            references = await self._references(session, alert_id)
        if self.telegram is not None:
            prompt = _(
                "Reply to this message with your question for the reporter of {reference}. "
                "They will not see who you are, and you will not see who they are.",
                reference=", ".join(references[:3]),
            )
            prompt_id = await self.telegram.prompt(str(chat_id), prompt)
            async with self.worker.sessions() as session, session.begin():
                row = await session.get(StaffQuestion, question.id)
                if row is not None:
                    row.prompt_message_id = prompt_id
        return _("Type your question as a reply.")

    async def handle_staff_message(
        self, channel: str, chat_id: str, user_id: str, text: str, reply_to_message_id: str | None
    ) -> str | None:
        """A reply to an "Ask reporter" prompt: relay it to the consenting reporters."""
        if not text.strip() or not self.allowed(chat_id, user_id):
            return None
        question = await self._pending_question(str(chat_id), str(user_id), reply_to_message_id)
        if question is None:
            return None
        _ = self._
        reached = await self._relay(question, text.strip(), f"staff:{channel}:{user_id}")
        log.info("staff question alert=%s relayed=%s", question.alert_id, len(reached))
        if not reached:
            return _("No reporter of this alert can be reached: none agreed to be contacted.")
        return _("Question sent to the reporter of {reference}.", reference=", ".join(reached))

    async def _pending_question(
        self, chat_id: str, user_id: str, reply_to: str | None
    ) -> StaffQuestion | None:
        async with self.worker.sessions() as session:
            query = select(StaffQuestion).where(
                StaffQuestion.chat_id == chat_id, StaffQuestion.state == "awaiting_text"
            )
            if reply_to is not None:
                query = query.where(StaffQuestion.prompt_message_id == str(reply_to))
            else:
                query = query.where(StaffQuestion.asked_by == user_id)
            query = query.order_by(StaffQuestion.id.desc()).limit(1)
            return (await session.execute(query)).scalar_one_or_none()

    async def _relay(self, question: StaffQuestion, text: str, actor: str) -> list[str]:
        """Open the question in each consenting reporter's conversation."""
        now = self.worker.clock.now()
        async with self.worker.sessions() as session:
            rows = await session.execute(
                select(Report.id, Report.reference, Report.language)
                .join(AlertReport, AlertReport.report_id == Report.id)
                .where(
                    AlertReport.alert_id == question.alert_id,
                    Report.consent_followup.is_(True),
                    Report.erased.is_(False),
                )
                .order_by(Report.id)
            )
            targets = list(rows.all())
        reached: list[str] = []
        for report_id, reference, language in targets:
            if await self._ask_one(reference, language, text, actor):
                reached.append(reference)
                await self._record_asked(question, report_id, now)
        async with self.worker.sessions() as session, session.begin():
            prompt = await session.get(StaffQuestion, question.id)
            if prompt is not None and prompt.state == "awaiting_text":
                prompt.state = "closed"  # its own reporter could not be reached
        return reached

    async def _ask_one(self, reference: str, language: str, text: str, actor: str) -> bool:
        if self.relay is None:
            return False
        contact = await self.store.contact_of(reference, actor=actor)
        if contact is None or not self.relay.serves(contact[0]):
            return False
        channel, address = contact
        asked = await self.relay.ask(channel, raw_id_of(address), reference, text, language)
        if asked:
            await self.store.heard_back(reference)
        return asked

    async def _record_asked(self, question: StaffQuestion, report_id: int, now: datetime) -> None:
        async with self.worker.sessions() as session, session.begin():
            row = await session.get(StaffQuestion, question.id)
            if row is not None and row.report_id == report_id:
                row.state, row.asked_at = "asked", now
                return
            session.add(
                StaffQuestion(
                    alert_id=question.alert_id,
                    report_id=report_id,
                    channel=question.channel,
                    chat_id=question.chat_id,
                    asked_by=question.asked_by,
                    prompt_message_id=question.prompt_message_id,
                    state="asked",
                    created_at=now,
                    asked_at=now,
                )
            )
