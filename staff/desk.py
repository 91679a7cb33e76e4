"""What staff do to a case on the desk, through the same code as the Telegram buttons.

Acknowledge, assign, verify and dismiss go through `EscalationGateway.act` (the alert, its
reports' statuses and the edits of every Telegram card change together); questions through
`EscalationGateway.ask_reporters` (the reporter's identity never reaches the desk). Every
action is audited with the staff member's id and, where the form asks for one, the reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from escalation.gateway import EscalationGateway, status_path
from escalation.models import Alert
from escalation.queue import enqueue
from escalation.regroup import RegroupError, merge_into, split_out
from escalation.routing import queue_updates
from locales.i18n import N_
from reports.models import STATUSES
from reports.storage import StatusChangeError
from staff.caselist import CaseRow
from staff.context import StaffContext
from staff.sessions import StaffMember

GATEWAY_ACTIONS = ("ack", "assign", "verify", "dismiss")


# why an action was not taken: a code travels in the redirect, the page shows the words
ERRORS: dict[str, str] = {
    "not_running": N_("Escalation is not running in this process."),
    "not_placed": N_("Escalation has not read this report yet; try again shortly."),
    "unknown": N_("This action or status is not known."),
    "gone": N_("The incident of this case no longer exists."),
    "grading": N_("The grading is a letter from A to F and a number from 1 to 6."),
    "lifecycle": N_("The lifecycle of a report does not allow this change."),
    "regroup": N_("These reports cannot be regrouped that way."),
    "question": N_("A question has 1 to 1000 characters."),
    "reason": N_("A reason is needed for this action."),
    "unreachable": N_("No reporter of this case agreed to be contacted."),
}


class ActionError(ValueError):
    """An action that cannot be taken on this case; `code` is a key of ERRORS."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Desk:
    context: StaffContext
    member: StaffMember

    @property
    def gateway(self) -> EscalationGateway:
        gateway = self.context.gateway()
        if gateway is None:
            raise ActionError("not_running")
        return gateway

    def _alert_of(self, case: CaseRow) -> int:
        if case.alert_id is None:
            raise ActionError("not_placed")
        return case.alert_id

    async def gateway_action(self, case: CaseRow, action: str, name: str | None = None) -> None:
        """ack | assign | verify | dismiss: as the Telegram button of the same name."""
        if action not in GATEWAY_ACTIONS:
            raise ActionError("unknown")
        done = await self.gateway.act(
            self._alert_of(case), action, name or self.member.display_name, self.member.actor
        )
        if done is None:
            raise ActionError("gone")

    async def verify(self, case: CaseRow, reliability: str, credibility: str) -> None:
        """Admiralty grading of the source and the information, then verified."""
        try:
            await self.context.store.set_grading(
                case.report.reference, reliability or None, credibility or None, self.member.actor
            )
        except ValueError:
            raise ActionError("grading") from None
        await self.gateway_action(case, "verify")

    async def change_status(self, case: CaseRow, status: str) -> None:
        """Move the report to `status` along the lifecycle (through the steps between)."""
        if status not in STATUSES:
            raise ActionError("unknown")
        path = status_path(case.report.status, status)
        if not path:
            raise ActionError("lifecycle")
        for step in path:
            try:
                await self.context.store.set_status(case.report.reference, step, self.member.actor)
            except StatusChangeError:
                raise ActionError("lifecycle") from None
        await self._refresh_cards(case)

    async def _refresh_cards(self, case: CaseRow) -> None:
        if case.alert_id is None:
            return
        worker = self.gateway.worker
        async with worker.sessions() as session, session.begin():
            alert = await session.get(Alert, case.alert_id, with_for_update=True)
            if alert is not None:
                await queue_updates(session, alert, worker.clock.now())
        worker.waker.notify()

    async def merge(self, case: CaseRow, into: CaseRow) -> None:
        await self._regroup(case, into)

    async def split(self, case: CaseRow) -> None:
        await self._regroup(case, None)

    async def _regroup(self, case: CaseRow, into: CaseRow | None) -> None:
        worker = self.gateway.worker
        try:
            async with worker.sessions() as session, session.begin():
                now = worker.clock.now()
                if into is None:
                    await split_out(session, case.report.id, now)
                else:
                    await merge_into(session, case.report.id, self._alert_of(into), now)
        except RegroupError:
            raise ActionError("regroup") from None
        worker.waker.notify()

    async def ask(self, case: CaseRow, question: str) -> list[str]:
        """Relay a question to the consenting reporters of the case's incident."""
        text = question.strip()
        if not text or len(text) > 1000:
            raise ActionError("question")
        return await self.gateway.ask_reporters(
            self._alert_of(case),
            case.report.id,
            text,
            channel="web",
            asker=str(self.member.account_id),
            actor=self.member.actor,
        )

    async def send_notice(self, case: CaseRow) -> bool:
        """Tell the reporter (if they agreed to be contacted) the report's current status."""
        report = case.report
        if report.erased or not report.consent_followup:
            return False
        worker = self.gateway.worker
        async with worker.sessions() as session, session.begin():
            await enqueue(
                session,
                target=f"reporter:{report.id}",
                purpose="notice",
                dedupe_key=f"notice:{report.id}:{report.status}:desk:{uuid.uuid4().hex}",
                now=worker.clock.now(),
                alert_id=case.alert_id,
                payload={"status": report.status},
            )
        worker.waker.notify()
        return True
