"""Slash commands, available at any step: /start /help /language /status /add /delete /cancel.

More commands (e.g. the monitors' /monitor and /template) are added by registering handlers
with the engine; a handler gets the turn and the text after the command.
"""

from __future__ import annotations

from rapidfuzz import distance, process

from bot.flow.account import show_status
from bot.flow.driver import advance, ask_step
from bot.flow.opening import welcome
from bot.flow.turn import CommandHandler, Turn
from reports.references import normalise_reference

__all__ = ["DEFAULT_COMMANDS", "CommandHandler", "welcome"]


async def start(turn: Turn, argument: str) -> None:
    if turn.session.draft and turn.session.step not in (None, "language"):
        await ask_step(turn, "resume")
        return
    turn.session.reset_report()
    welcome(turn)
    await advance(turn)


async def show_help(turn: Turn, argument: str) -> None:
    _ = turn._
    turn.say(
        _(
            "You can tell me what happened at any time, and I will guide you through a report.\n"
            "/start – start a new report\n"
            "/status REF – see what happened to a report\n"
            "/add REF – add details or files to a report\n"
            "/language – change the language\n"
            "/delete – erase your reports and data\n"
            "/cancel – stop the report in progress\n"
            "/help – this message"
        )
    )
    await _reask(turn)


async def _reask(turn: Turn) -> None:
    """Repeat the current question after a command, so the person knows where they are."""
    if turn.session.step:
        await ask_step(turn, turn.session.step)


async def change_language(turn: Turn, argument: str) -> None:
    code = argument.strip().lower()
    if code in turn.services.settings.languages:
        turn.set_language(code, explicit=True)
        if turn.session.step:
            await _reask(turn)
        else:
            await advance(turn)
        return
    turn.session.language = None
    await ask_step(turn, "language")


async def status(turn: Turn, argument: str) -> None:
    reference = normalise_reference(argument) if argument.strip() else None
    if argument.strip() and reference is None:
        await _not_a_reference(turn, argument.strip()[:20])
    else:
        await show_status(turn, reference)
    await _reask(turn)


async def _not_a_reference(turn: Turn, text: str) -> None:
    """A mistyped reference: suggest only one of this person's own reports, when one is
    that close; never an example that looks like a real reference."""
    _ = turn._
    pseudonyms = turn.services.keyring.pseudonyms(turn.inbound.channel, turn.inbound.sender_id)
    own = [view.reference for view in await turn.services.store.list_own(pseudonyms, limit=50)]
    typed = text.upper().replace(" ", "")
    close = process.extractOne(typed, own, scorer=distance.OSA.distance, score_cutoff=3)
    if close is not None:
        turn.say(
            _(
                "I found no report “{text}” sent from this chat. Did you mean {reference}? "
                "Send /status {reference}",
                text=text,
                reference=close[0],
            )
        )
    else:
        turn.say(_("I found no report {reference} sent from this chat.", reference=text))


async def add_details(turn: Turn, argument: str) -> None:
    _ = turn._
    reference = normalise_reference(argument) if argument.strip() else None
    if reference is None:
        turn.say(_("Please give the reference of the report, for example: /add TX-ABCD-EFGH"))
        await _reask(turn)
        return
    pseudonyms = turn.services.keyring.pseudonyms(turn.inbound.channel, turn.inbound.sender_id)
    if await turn.services.store.find_own(reference, pseudonyms) is None:
        turn.say(_("I found no report {reference} sent from this chat.", reference=reference))
        await _reask(turn)
        return
    turn.session.context["add_reference"] = reference
    await ask_step(turn, "add_details")


async def delete(turn: Turn, argument: str) -> None:
    await ask_step(turn, "erase")


async def cancel(turn: Turn, argument: str) -> None:
    _ = turn._
    had_report = bool(turn.session.draft)
    turn.session.reset_report()
    if had_report:
        turn.say(_("Your report was cancelled. Nothing was stored."))
    else:
        turn.say(_("There was nothing to cancel. Tell me what happened whenever you are ready."))


DEFAULT_COMMANDS: dict[str, CommandHandler] = {
    "start": start,
    "help": show_help,
    "language": change_language,
    "status": status,
    "add": add_details,
    "delete": delete,
    "cancel": cancel,
}
