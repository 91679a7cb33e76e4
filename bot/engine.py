"""The conversation engine: one inbound message in, the bot's answers out.

It loads the sender's session under a per-sender lock, routes the message to a command or to
the current step, and saves the session. It never knows which channel it talks to.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from bot.commands import DEFAULT_COMMANDS, CommandHandler, welcome
from bot.flow.describe import MIN_WORDS, read_account
from bot.flow.driver import advance, ask_step, finish_side_step
from bot.flow.media import stage_media
from bot.flow.places import describe_candidate, record_pin
from bot.flow.registry import REPORT_STEPS, STEPS
from bot.flow.turn import Outcome, Turn, resolve_reply
from bot.messages import InboundMessage, OutboundMessage
from bot.sessions import Session, SessionStore
from bot.turn_records import TurnRecord
from locales.i18n import Translator
from nlu import Nlu
from reports.crypto import Keyring
from reports.storage import ReportStore
from reports.unit import unit_of_work

log = logging.getLogger(__name__)
RECENT_IDS_KEPT = 20
REPORT_STEP_NAMES = frozenset(step.name for step in REPORT_STEPS)


# Looks at a message before the flow does; True means it was handled (e.g. a monitor's
# one-message "#report" template or a file of reports).
Interceptor = Callable[[Turn], Awaitable[bool]]
# (reporter role, organisation) of a pseudonym: "community" unless enrolled as a monitor.
ProfileLookup = Callable[[str], Awaitable[tuple[str, str | None]]]


async def community_profile(pseudonym: str) -> tuple[str, str | None]:
    return "community", None


@dataclass
class EngineServices:
    """What steps may use: settings, NLU, storage, keys, sessions, and extensions."""

    settings: Any
    nlu: Nlu
    store: ReportStore
    keyring: Keyring
    sessions: SessionStore
    commands: dict[str, CommandHandler] = field(default_factory=lambda: dict(DEFAULT_COMMANDS))
    interceptors: list[Interceptor] = field(default_factory=list)
    reporter_profile: ProfileLookup = community_profile


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
        async with self.services.sessions.lock(pseudonym):
            session = await self.services.sessions.load(pseudonym) or Session(pseudonym)
            session.language = language
            session.language_explicit = True
            await self.services.sessions.save(session)

    async def handle(
        self, inbound: InboundMessage, record: TurnRecord | None = None
    ) -> list[OutboundMessage]:
        """Answer one message. Never raises for anything the person sent.

        With a `record`, the turn's writes (a report, details, an erasure) and its outcome (the
        session after it, the replies) are committed in one transaction before the session
        store is written and before anything is sent (see `bot.turn_records`)."""
        pseudonym = self.services.keyring.pseudonym(inbound.channel, inbound.sender_id)
        async with self.services.sessions.lock(pseudonym):
            session = await self.services.sessions.load(pseudonym) or Session(pseudonym)
            turn = Turn(
                inbound,
                session,
                self.services,
                Translator(self._initial_language(session, inbound)),
            )
            step_before = session.step
            if inbound.message_id and inbound.message_id in session.recent_message_ids:
                log.info("duplicate message ignored channel=%s", inbound.channel)
                return []
            database = self.services.store.engine
            async with unit_of_work(database) if record else nullcontext() as unit:
                try:
                    await self._dispatch(turn)
                except Exception:
                    log.exception("turn failed channel=%s step=%s", inbound.channel, step_before)
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
                discard = bool(session.context.pop("discard_session", False))
                if record is not None:
                    await record.write(unit, pseudonym, None if discard else session, turn.outbound)
            if discard:
                await self.services.sessions.delete(pseudonym)
            else:
                await self.services.sessions.save(session)
            log.info(
                "turn channel=%s step=%s->%s replies=%d",
                inbound.channel,
                step_before,
                session.step,
                len(turn.outbound),
            )
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
            await ask_step(turn, "resume")
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
        session, inbound = turn.session, turn.inbound
        text = (inbound.text or "").strip()
        if inbound.unsupported:
            self._refuse_unsupported(turn)
            return
        returning = session.language is not None
        if text and len(text.split()) >= MIN_WORDS:
            if not session.language_explicit:
                code, _confidence = self.services.nlu.detect_language(text, inbound.language_hint)
                if code in self.services.settings.languages:
                    turn.set_language(code, explicit=False)
            session.language = turn.language
        if not returning:
            welcome(turn)
        if inbound.location is not None:
            self._record_early_pin(turn)
        if inbound.media is not None:  # a photo with a caption: both are kept
            await stage_media(turn, inbound.media)
        if text and len(text.split()) >= MIN_WORDS:
            await read_account(turn, text)
            session.answered.append("describe")
        await advance(turn)

    def _record_early_pin(self, turn: Turn) -> None:
        """A location shared before the place question answers it in advance."""
        _ = turn._
        location = turn.inbound.location
        assert location is not None
        nearest = self.services.nlu.reverse_geocode(location.lat, location.lon)
        nearest_place = nearest.to_dict() if nearest else None
        record_pin(turn.session.draft, location.lat, location.lon, nearest_place)
        if "place" not in turn.session.answered:
            turn.session.answered.append("place")
        if nearest_place:
            turn.say(
                _("Noted: near {place}.", place=describe_candidate(nearest_place, turn.language))
            )

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

    def _refuse_unsupported(self, turn: Turn) -> None:
        _ = turn._
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
        turn.reply = resolve_reply(turn.inbound, session.pending_choices)
        _ = turn._
        if turn.reply.unsupported:
            self._refuse_unsupported(turn)
            await step.ask(turn)
            return
        if turn.reply.out_of_range:
            turn.say(_("Please answer with one of the numbers shown."))
            await step.ask(turn)
            return
        if turn.reply.location is not None and step.name in REPORT_STEP_NAMES - {"place"}:
            self._record_early_pin(turn)
            await step.ask(turn)
            return
        if turn.reply.media is not None and step.name not in ("media", "add_details"):
            if session.step in REPORT_STEP_NAMES:
                await stage_media(turn, turn.reply.media)
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
        elif outcome is Outcome.STAY:
            await step.ask(turn)
        elif outcome is Outcome.REPROMPT:
            session.failed_attempts += 1
            if len(turn.outbound) == said:
                turn.say(_("Sorry, I did not understand that."))
            await step.ask(turn)
