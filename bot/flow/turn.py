"""One turn of the conversation: the message, the session, and the answers being built.

Steps receive a `Turn`, read the person's `Reply` and return an `Outcome`; they add their
messages with `turn.say()` / `turn.ask()`. The engine owns the turn's life cycle.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.messages import Choice, InboundMessage, Location, MediaRef, OutboundMessage
from bot.sessions import Session
from locales.i18n import Translator

if TYPE_CHECKING:
    from bot.engine import EngineServices

_LAT_LON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;/ ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_NUMBER_PAIR = re.compile(r"^\s*(-?\d{1,6}(?:\.\d+)?)\s*[,;/ ]\s*(-?\d{1,6}(?:\.\d+)?)\s*$")


class Outcome(enum.Enum):
    DONE = "done"  # the step has its answer: go on to the next one
    STAY = "stay"  # ask the same step again (its mode or content changed)
    WAIT = "wait"  # the step answered by itself; wait for the next message without re-asking
    REPROMPT = "reprompt"  # the answer did not fit: say so briefly and ask again


def normalise_digits(text: str) -> str:
    """Arabic-Indic and other Unicode digits become ASCII digits."""
    return "".join(
        str(unicodedata.digit(character)) if character.isdigit() else character
        for character in text
    )


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

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.choice or self.location or self.media)


def _fold(text: str) -> str:
    return " ".join(normalise_digits(text).casefold().split())


def resolve_reply(inbound: InboundMessage, pending: list[list[str]]) -> Reply:
    """Match a button id, a typed number or a typed label against the pending choices."""
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
    if text and pending:
        folded = _fold(text)
        if folded.isdigit():
            index = int(folded) - 1
            if 0 <= index < len(pending):
                reply.choice = pending[index][0]
                reply.text = None
            elif len(folded) <= 2:
                reply.out_of_range = True
            return reply
        for choice_id, choice_label in pending:
            if folded == _fold(choice_label):
                reply.choice = choice_id
                reply.text = None
                break
    return reply


@dataclass
class Turn:
    """Everything a step may use while handling one message."""

    inbound: InboundMessage
    session: Session
    services: EngineServices
    _: Translator
    reply: Reply = field(default_factory=Reply)
    outbound: list[OutboundMessage] = field(default_factory=list)

    @property
    def draft(self) -> dict[str, Any]:
        return self.session.draft

    @property
    def language(self) -> str:
        return self._.language

    def set_language(self, language: str, *, explicit: bool) -> None:
        self.session.language = language
        self.session.language_explicit = explicit
        self._ = Translator(language)

    def say(self, text: str, **options: Any) -> None:
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
