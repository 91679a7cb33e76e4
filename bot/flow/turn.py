"""One turn of the conversation: the message, the session, and the answers being built.

Steps receive a `Turn`, read the person's `Reply` and return an `Outcome`; they add their
messages with `turn.say()` / `turn.ask()`. The engine owns the turn's life cycle.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.direction import isolate_left_to_right
from bot.draft import Draft
from bot.flow.answers import normalise_digits, understand
from bot.messages import Choice, InboundMessage, Location, MediaRef, OutboundMessage
from bot.sessions import Session, SessionStore
from locales.i18n import Translator
from nlu import Nlu
from reports.crypto import Keyring
from reports.storage import ReportStore

_LAT_LON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;/ ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_NUMBER_PAIR = re.compile(r"^\s*(-?\d{1,6}(?:\.\d+)?)\s*[,;/ ]\s*(-?\d{1,6}(?:\.\d+)?)\s*$")


class Outcome(enum.Enum):
    DONE = "done"  # the step has its answer: go on to the next one
    NEXT = "next"  # ask `turn.next_step`, else the report's first unanswered step
    STAY = "stay"  # ask the same step again (its mode or content changed)
    WAIT = "wait"  # the step answered by itself; wait for the next message without re-asking
    REPROMPT = "reprompt"  # the answer did not fit: say so briefly and ask again


def typed_coordinates(text: str) -> Location | None:
    """Two numbers typed as `lat,lon`, whether or not a place on Earth has them."""
    match = _NUMBER_PAIR.match(normalise_digits(text))
    if not match:
        return None
    return Location(float(match.group(1)), float(match.group(2)))


def parse_coordinates(text: str) -> Location | None:
    """`lat,lon` typed as text, within the valid ranges."""
    match = _LAT_LON.match(normalise_digits(text))
    if not match:
        return None
    location = Location(float(match.group(1)), float(match.group(2)))
    return location if location.possible else None


@dataclass
class Reply:
    """The person's answer, with a pressed or typed choice resolved against the question."""

    text: str | None = None
    choice: str | None = None
    location: Location | None = None
    media: MediaRef | None = None
    unsupported: str | None = None
    # a number was typed that matches no choice of the question
    out_of_range: bool = False
    # typed words that fit several choices (their ids), and what was understood
    ambiguous: tuple[str, ...] = ()
    heard: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.choice or self.location or self.media)


@dataclass(frozen=True)
class Reading:
    """How the current question reads typed answers (from its step)."""

    language: str = "en"
    # meaning ("yes", "no", "unknown", "skip") -> the choice id it stands for
    meanings: Mapping[str, str] = field(default_factory=dict)
    numbers_are_answers: bool = False  # "12" at "how many" is a count, not choice 12
    forgive_typos: bool = True


def resolve_reply(
    inbound: InboundMessage, pending: list[list[str]], reading: Reading | None = None
) -> Reply:
    """Match a button id, a typed number or typed words against the pending choices."""
    reading = reading or Reading()
    text = inbound.text.strip() if inbound.text else None
    reply = Reply(
        text=text or None,
        location=inbound.location,
        media=inbound.media,
        unsupported=inbound.unsupported,
    )
    ids = [choice_id for choice_id, _label in pending]
    if inbound.choice is not None:
        if inbound.choice in ids:
            reply.choice = inbound.choice
        else:
            reply.out_of_range = True  # a button of an older question
        return reply
    if not (text and pending):
        return reply
    digits = normalise_digits(text).strip().rstrip(".)")
    if digits.isdigit() and not reading.numbers_are_answers:
        index = int(digits) - 1
        if 0 <= index < len(pending):
            reply.choice, reply.text = pending[index][0], None
        elif len(digits) <= 2:
            reply.out_of_range = True
        return reply
    understood = understand(
        text,
        [(choice_id, label) for choice_id, label in pending],
        language=reading.language,
        meanings=reading.meanings,
        forgive_typos=reading.forgive_typos,
    )
    if understood.choice:
        reply.choice, reply.text = understood.choice, None
    reply.ambiguous, reply.heard = understood.candidates, understood.heard
    return reply


# A slash command: gets the turn and the text after the command.
CommandHandler = Callable[["Turn", str], Awaitable[None]]
# Looks at a message before the flow does; True means it was handled (e.g. a monitor's
# one-message "#report" template or a file of reports).
Interceptor = Callable[["Turn"], Awaitable[bool]]
# (reporter role, organisation) of a pseudonym: "community" unless enrolled as a monitor.
ProfileLookup = Callable[[str], Awaitable[tuple[str, str | None]]]


async def community_profile(pseudonym: str) -> tuple[str, str | None]:
    return "community", None


@dataclass
class EngineServices:
    """What steps may use: settings, NLU, storage, keys, sessions, and extensions.

    It lives beside the turn, below the engine, so that steps never import the engine.
    The engine adds its default commands to `commands`.
    """

    settings: Any
    nlu: Nlu
    store: ReportStore
    keyring: Keyring
    sessions: SessionStore
    commands: dict[str, CommandHandler] = field(default_factory=dict)
    interceptors: list[Interceptor] = field(default_factory=list)
    reporter_profile: ProfileLookup = community_profile


@dataclass
class Turn:
    """Everything a step may use while handling one message."""

    inbound: InboundMessage
    session: Session
    services: EngineServices
    _: Translator
    reply: Reply = field(default_factory=Reply)
    outbound: list[OutboundMessage] = field(default_factory=list)
    # False when the turn must leave the session as it was (a duplicate, or a failure)
    keep: bool = True
    # with Outcome.NEXT: the step to ask (e.g. the answer to change, from the summary)
    next_step: str | None = None

    @property
    def draft(self) -> Draft:
        return self.session.draft

    @property
    def language(self) -> str:
        return self._.language

    def set_language(self, language: str, *, explicit: bool) -> None:
        self.session.language = language
        self.session.language_explicit = explicit
        self._ = Translator(language)

    def say(self, text: str, **options: Any) -> None:
        """Add a message; in a right-to-left language its left-to-right runs are isolated."""
        if self._.right_to_left:
            text = isolate_left_to_right(text)
            options["choices"] = tuple(
                Choice(choice.id, isolate_left_to_right(choice.label))
                for choice in options.get("choices", ())
            )
        self.outbound.append(
            OutboundMessage(
                text=text, language=self.language, right_to_left=self._.right_to_left, **options
            )
        )

    def ask(
        self, text: str, choices: list[Choice] | None = None, *, request_location: bool = False
    ) -> None:
        """Send a question; its choices become what typed numbers and labels resolve to."""
        choices = choices or []
        self.session.pending_choices = [[choice.id, choice.label] for choice in choices]
        self.say(
            text,
            choices=tuple(choices),
            request_location=request_location,
            step=self.session.step,
        )
