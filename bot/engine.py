"""The conversation engine: one inbound message in, the bot's answers out.

It loads the sender's session under a per-sender lock, routes the message to a command or to
the current step, and saves the session. It never knows which channel it talks to.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, nullcontext
from dataclasses import replace
from typing import Any

from bot.commands import DEFAULT_COMMANDS
from bot.direction import without_direction_marks
from bot.flow.driver import advance, ask_step, finish_side_step
from bot.flow.registry import (
    REPORT_STEP_NAMES,
    RESUME_STEP,
    STEPS,
    begin,
    impossible_location_text,
    take_aside,
)
from bot.flow.turn import (
    CommandHandler,
    EngineServices,
    Interceptor,
    Outcome,
    ProfileLookup,
    Turn,
    community_profile,
    resolve_reply,
)
from bot.messages import IMPOSSIBLE_LOCATION, InboundMessage, OutboundMessage
from bot.sessions import Session
from bot.turn_records import TurnRecord
from locales.i18n import Translator
from reports.unit import unit_of_work

log = logging.getLogger(__name__)
RECENT_IDS_KEPT = 20
# Re-exported: channels, the app and extensions build the engine from these.
__all__ = [
    "CommandHandler",
    "ConversationEngine",
    "EngineServices",
    "Interceptor",
    "ProfileLookup",
    "community_profile",
    "split_command",
]


def split_command(text: str) -> tuple[str, str] | None:
    """("status", "TX-…") for "/status TX-…"; None when the text is not a command."""
    if not text.startswith("/"):
        return None
    name, _space, argument = text[1:].partition(" ")
    name = name.split("@", 1)[0].lower()  # Telegram adds @botname in groups
    return (name, argument.strip()) if name else None


class ConversationEngine:
    """Handles messages from any channel; safe to call concurrently for many senders."""

    def __init__(self, services: EngineServices) -> None:
        services.commands = {**DEFAULT_COMMANDS, **services.commands}
        self.services = services

    def register_command(self, name: str, handler: CommandHandler) -> None:
        self.services.commands[name] = handler

    def add_interceptor(self, interceptor: Interceptor) -> None:
        self.services.interceptors.append(interceptor)

    @property
    def commands(self) -> Mapping[str, CommandHandler]:
        return self.services.commands

    def _initial_language(self, session: Session, inbound: InboundMessage) -> str:
        """The person's choice, else the channel's hint (which then counts as known),
        else the deployment default; detection on the first story may still refine it."""
        if session.language:
            return session.language
        hint = (inbound.language_hint or "").split("-")[0].lower()
        if hint in self.services.settings.languages:
            session.language = hint
            return hint
        return self.services.settings.default_language

    async def preset_language(self, channel: str, sender_id: str, language: str) -> None:
        """Record a language the person chose outside the chat (e.g. `tocsin shell --lang`)."""
        pseudonym = self.services.keyring.pseudonym(channel, sender_id)
        async with self.services.sessions.hold(pseudonym) as held:
            session = held.session or Session(pseudonym)
            session.language = language
            session.language_explicit = True
            held.save(session)

    @asynccontextmanager
    async def _conversation(
        self, inbound: InboundMessage, language: str | None = None
    ) -> AsyncIterator[Turn]:
        """The sender's session, locked for the turn and saved after it (or discarded when
        the turn erased it); one way in for messages and for questions opened by staff. The
        save is written with the release (`SessionStore.hold`): one Redis round trip."""
        pseudonym = self.services.keyring.pseudonym(inbound.channel, inbound.sender_id)
        async with self.services.sessions.hold(pseudonym) as held:
            session = held.session or Session(pseudonym, language=language)
            if session.language is None and language:
                spoken = language  # e.g. the language a report was sent in
            else:
                spoken = self._initial_language(session, inbound)
            turn = Turn(inbound, session, self.services, Translator(spoken))
            yield turn
            if not turn.keep:
                return
            session.updated_at = time.time()
            if session.context.pop("discard_session", False):
                held.delete()
            else:
                held.save(session)

    async def handle(
        self, inbound: InboundMessage, record: TurnRecord | None = None
    ) -> list[OutboundMessage]:
        """Answer one message. Never raises for anything the person sent.

        With a `record`, the turn's writes (a report, details, an erasure) and its outcome (the
        session after it, the replies) are committed in one transaction before the session
        store is written and before anything is sent (see `bot.turn_records`)."""
        if inbound.text:
            inbound = replace(inbound, text=without_direction_marks(inbound.text))
        async with self._conversation(inbound) as turn:
            session = turn.session
            pseudonym = session.pseudonym
            step_before = session.step
            if inbound.message_id and inbound.message_id in session.recent_message_ids:
                log.info("duplicate message ignored channel=%s", inbound.channel)
                turn.keep = False
                return []
            database = self.services.store.engine
            async with unit_of_work(database) if record else nullcontext() as unit:
                try:
                    await self._dispatch(turn)
                except Exception:
                    log.exception("turn failed channel=%s step=%s", inbound.channel, step_before)
                    turn.keep = False
                    turn.outbound.clear()
                    _ = turn._
                    turn.say(_("Sorry, something went wrong on our side. Please send that again."))
                    if record is not None:
                        await unit.rollback()
                        await record.write(
                            unit, pseudonym, None, turn.outbound, session_changed=False
                        )
                    return turn.outbound
                session.updated_at = time.time()
                if inbound.message_id:
                    session.recent_message_ids = [
                        *session.recent_message_ids[-(RECENT_IDS_KEPT - 1) :],
                        inbound.message_id,
                    ]
                if record is not None:
                    discard = bool(session.context.get("discard_session"))
                    await record.write(unit, pseudonym, None if discard else session, turn.outbound)
            log.info(
                "turn channel=%s step=%s->%s replies=%d",
                inbound.channel,
                step_before,
                session.step,
                len(turn.outbound),
            )
        return turn.outbound

    async def enter(
        self,
        channel: str,
        sender_id: str,
        step: str,
        *,
        language: str,
        context: Mapping[str, Any] | None = None,
    ) -> list[OutboundMessage]:
        """Make `step` the person's current question, from outside the chat (e.g. a staff
        question); returns the messages to send them. A report in progress is kept."""
        inbound = InboundMessage(channel=channel, sender_id=sender_id)
        async with self._conversation(inbound, language) as turn:
            turn.session.context.update(context or {})
            await ask_step(turn, step)
        return turn.outbound

    async def _dispatch(self, turn: Turn) -> None:
        _ = turn._
        session, inbound = turn.session, turn.inbound
        text = (inbound.text or "").strip()
        if len(text) > self.services.settings.max_message_chars:
            turn.say(
                _(
                    "That message is too long (more than {limit} characters). Please send it "
                    "in shorter parts; you can add details to a report later.",
                    limit=self.services.settings.max_message_chars,
                )
            )
            if session.step:
                await ask_step(turn, session.step)
            return
        if inbound.shared_contact is not None or inbound.unsupported == "contacts":
            self._refuse_contact_card(turn)
            if session.step:
                await ask_step(turn, session.step)
            return
        for interceptor in self.services.interceptors:
            if await interceptor(turn):
                return
        command = split_command(text)
        if command is not None:
            await self._run_command(turn, *command)
            return
        if session.step is None:
            await self._begin(turn)
            return
        idle = time.time() - session.updated_at
        if (
            session.step in REPORT_STEP_NAMES
            and session.draft
            and idle > self.services.settings.session_resume_after_seconds
        ):
            await ask_step(turn, RESUME_STEP)
            return
        await self._answer(turn)

    async def _run_command(self, turn: Turn, name: str, argument: str) -> None:
        handler = self.services.commands.get(name)
        if handler is None:
            _ = turn._
            turn.say(
                _(
                    "I don't know the command /{name}. Send /help to see the commands.",
                    name=name[:30],
                )
            )
            if turn.session.step:
                await ask_step(turn, turn.session.step)
            return
        await handler(turn, argument)

    async def _begin(self, turn: Turn) -> None:
        """The first message of a conversation (or the first after a finished report)."""
        if turn.inbound.unsupported:
            self._refuse_unsupported(turn)
            return
        await begin(turn)
        await advance(turn)

    def _refuse_contact_card(self, turn: Turn) -> None:
        """A phone number or contact card is never kept: staff reach people only through
        this chat, and only with their consent."""
        _ = turn._
        turn.say(
            _(
                "For your safety I do not keep phone numbers or contact cards, and I have not "
                "kept this one. If you agree at the end of your report, staff can send you "
                "questions through this chat without ever seeing your number."
            )
        )

    def _say_ambiguous(self, turn: Turn) -> None:
        """Typed words that fit several choices: say what was understood, guess nothing."""
        _ = turn._
        labels = dict((choice_id, label) for choice_id, label in turn.session.pending_choices)
        options = " / ".join(f"“{labels[choice_id]}”" for choice_id in turn.reply.ambiguous)
        turn.say(
            _(
                "I understood “{text}”, which could mean {options}. Please choose one.",
                text=turn.reply.heard or turn.reply.text or "",
                options=options,
            )
        )

    def _refuse_unsupported(self, turn: Turn) -> None:
        _ = turn._
        if turn.inbound.unsupported == IMPOSSIBLE_LOCATION:
            turn.say(impossible_location_text(_))
            return
        turn.say(
            _(
                "Sorry, I cannot take that kind of message. Please send text, a location, "
                "a photo, a voice message, a video or a document."
            )
        )

    async def _answer(self, turn: Turn) -> None:
        """Give the current step the person's reply and act on its outcome."""
        session = turn.session
        step = STEPS[session.step]
        turn.reply = resolve_reply(turn.inbound, session.pending_choices, step.reading(turn))
        _ = turn._
        if turn.reply.unsupported:
            self._refuse_unsupported(turn)
            await step.ask(turn)
            return
        if turn.reply.out_of_range:
            turn.say(_("Please answer with one of the numbers shown."))
            await step.ask(turn)
            return
        if turn.reply.ambiguous:
            self._say_ambiguous(turn)
            await step.ask(turn)
            return
        if await take_aside(turn, step.name, step.name in REPORT_STEP_NAMES):
            await step.ask(turn)
            return
        said = len(turn.outbound)
        outcome = await step.answer(turn)
        if outcome is Outcome.DONE:
            if step.name not in session.answered and step.name in REPORT_STEP_NAMES:
                session.answered.append(step.name)
            if step.name in REPORT_STEP_NAMES:
                await advance(turn)
            else:
                await finish_side_step(turn)
        elif outcome is Outcome.NEXT:
            if turn.next_step:
                await ask_step(turn, turn.next_step)
            else:
                await advance(turn)
        elif outcome is Outcome.STAY:
            await step.ask(turn)
        elif outcome is Outcome.REPROMPT:
            session.failed_attempts += 1
            if len(turn.outbound) == said:
                turn.say(_("Sorry, I did not understand that."))
            await step.ask(turn)
