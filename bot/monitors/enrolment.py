"""Becoming a monitor: `/monitor CODE` on any channel, or `/start CODE` from a Telegram link.

The code is checked by `reports.monitors.MonitorStore`, which keeps only its hash and slows
down a sender who keeps sending wrong ones. A `/start` whose argument is not shaped like an
invite code is an ordinary start, so deep links and plain `/start` keep working.
"""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_timedelta

from bot.commands import CommandHandler
from bot.flow.driver import ask_step
from bot.flow.turn import Turn
from locales.i18n import N_
from reports.monitors import Enrolment, EnrolmentResult, MonitorStore, normalise_code


def _wait(retry_after: timedelta, language: str) -> str:
    seconds = max(1, int(retry_after.total_seconds()) + 1)
    return format_timedelta(
        timedelta(seconds=seconds), threshold=1.1, add_direction=False, locale=language
    )


ANSWERS: dict[Enrolment, str] = {
    Enrolment.ENROLLED: N_(
        "Welcome: you are now a monitor for {organisation}. We know you only by a "
        "pseudonym, never by name or number.\n"
        "Send /template to see how to send a whole report in one message, or a CSV or "
        "Excel file of reports; /myreports lists your reports. You can still tell me "
        "what happened and I will guide you."
    ),
    Enrolment.ALREADY: N_("You are already a monitor for {organisation}. The code was not used."),
    Enrolment.USED: N_(
        "This invite code has already been used: each code works once. Ask your "
        "organisation for a new one."
    ),
    Enrolment.EXPIRED: N_("This invite code has expired. Ask your organisation for a new one."),
    Enrolment.SLOWED: N_(
        "Too many wrong codes were sent from this chat. Please try again in {wait}."
    ),
    Enrolment.WRONG: N_(
        "This invite code is not valid. Check it and try again, or ask your "
        "organisation for a new one."
    ),
}


def tell_enrolment(turn: Turn, result: EnrolmentResult) -> None:
    """The clear answer to an invite code, whatever became of it."""
    _ = turn._
    wait = _wait(result.retry_after or timedelta(seconds=30), turn.language)
    turn.say(_(ANSWERS[result.outcome], organisation=result.organisation or "", wait=wait))


class Enrolling:
    """The `/monitor` and `/start` handlers, bound to the monitor store."""

    def __init__(self, monitors: MonitorStore, default_start: CommandHandler) -> None:
        self.monitors = monitors
        self.default_start = default_start

    async def _enrol(self, turn: Turn, code: str) -> EnrolmentResult:
        result = await self.monitors.enrol(turn.session.pseudonym, turn.inbound.channel, code)
        tell_enrolment(turn, result)
        return result

    async def monitor(self, turn: Turn, argument: str) -> None:
        """`/monitor CODE`; without a code, say how it works (or whose monitor one is)."""
        _ = turn._
        if argument.strip():
            await self._enrol(turn, argument)
        else:
            pseudonyms = turn.services.keyring.pseudonyms(
                turn.inbound.channel, turn.inbound.sender_id
            )
            organisation = await self.monitors.organisation_of(pseudonyms)
            if organisation:
                turn.say(
                    _(
                        "You are a monitor for {organisation}. Send /template to see how to "
                        "send a report in one message.",
                        organisation=organisation,
                    )
                )
            else:
                turn.say(
                    _(
                        "To become a monitor, send /monitor followed by the invite code your "
                        "organisation gave you, for example: /monitor K7QM-3XPA-9RTD"
                    )
                )
        if turn.session.step:
            await ask_step(turn, turn.session.step)

    async def start(self, turn: Turn, argument: str) -> None:
        """`/start CODE` enrols; anything else is the ordinary start."""
        if normalise_code(argument) is None:
            await self.default_start(turn, argument)
            return
        result = await self._enrol(turn, argument)
        if result.outcome not in (Enrolment.ENROLLED, Enrolment.ALREADY):
            await self.default_start(turn, "")
