"""People on WhatsApp who tell the bot what happened, for tests and the load bench.

A `Reporter` writes through signed webhook deliveries (as Meta would relay them), reads the
bot's answers where the fake Graph API received them, and answers the last question the way
a cooperative person would: it taps the sensible button, picks the first row of a list,
shares a pin when asked where, types the number of a numbered choice, and tells the story
again when asked what happened. It stops when a reference (TX-XXXX-XXXX) arrives.

A turn ends when the bot marks the person's message read, which the channel does once it
has sent every answer to it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.whatsapp import (
    FakeGraphAPI,
    Person,
    button_reply,
    list_reply,
    location,
    message_webhook,
    new_wamid,
    text,
)

REFERENCE = re.compile(r"\bTX-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
NUMBERED = re.compile(r"^1\. ", re.MULTILINE)
PREFERRED_CHOICES = ("send", "anonymous", "yes", "done", "no", "continue")

# Deliver a webhook body; returns the HTTP status of the answer.
Post = Callable[[bytes], Awaitable[int]]

STORIES = {
    "en": "Soldiers beat three men at the market in Gao yesterday evening and took their phones",
    "fr": "Des soldats ont frappé trois hommes au marché de Gao hier soir et ont pris leurs "
    "téléphones",
    "ar": "قام جنود بضرب ثلاثة رجال في سوق غاو مساء أمس وأخذوا هواتفهم",
}
GAO = (16.2717, -0.0447)


def body_text(message: dict[str, Any]) -> str:
    """What a message the bot sent says (text, interactive body, template parameter)."""
    if message.get("type") == "text":
        return message["text"]["body"]
    if message.get("type") == "interactive":
        return message["interactive"]["body"]["text"]
    if message.get("type") == "template":
        return " ".join(
            parameter.get("text", "")
            for component in message["template"].get("components", [])
            for parameter in component.get("parameters", [])
        )
    return ""


def reference_in(messages: list[dict[str, Any]]) -> str | None:
    for message in messages:
        found = REFERENCE.search(body_text(message))
        if found:
            return found.group(0)
    return None


@dataclass
class TurnTiming:
    posted_at: float
    first_reply_at: float | None
    read_at: float | None

    @property
    def first_reply_seconds(self) -> float | None:
        return None if self.first_reply_at is None else self.first_reply_at - self.posted_at

    @property
    def turn_seconds(self) -> float | None:
        return None if self.read_at is None else self.read_at - self.posted_at


@dataclass
class Reporter:
    person: Person
    language: str
    graph: FakeGraphAPI
    post: Post
    story: str = ""
    pin: tuple[float, float] = GAO
    turn_timeout: float = 30.0  # how long to wait for the bot to finish answering
    timings: list[TurnTiming] = field(default_factory=list)
    transcript: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.story = self.story or STORIES[self.language]

    async def say(self, content: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one message and return the bot's answers to it."""
        address = self.person.address
        seen = len(self.graph.messages_to(address))
        wamid = new_wamid()
        body = json.dumps(
            message_webhook(
                self.person, content, wamid=wamid, phone_number_id=self.graph.phone_number_id
            )
        ).encode()
        posted = time.monotonic()
        status = await self.post(body)
        if status != 200:
            raise AssertionError(f"webhook answered {status}")
        await self.graph.wait_read(wamid, self.turn_timeout)
        arrivals = self.graph.arrivals_to(address)[seen:]
        self.timings.append(
            TurnTiming(posted, arrivals[0] if arrivals else None, self.graph.read_at.get(wamid))
        )
        replies = self.graph.messages_to(address)[seen:]
        self.transcript.extend(replies)
        return replies

    def answer(self, replies: list[dict[str, Any]]) -> dict[str, Any]:
        """What a cooperative person sends back to the bot's last question."""
        if any(
            (reply.get("interactive") or {}).get("type") == "location_request_message"
            for reply in replies
        ):
            return location(*self.pin)
        last = replies[-1] if replies else {}
        interactive = last.get("interactive") or {}
        if interactive.get("type") == "button":
            options = {
                b["reply"]["id"]: b["reply"]["title"] for b in interactive["action"]["buttons"]
            }
            choice = self._choose(options)
            return button_reply(choice, options[choice])
        if interactive.get("type") == "list":
            options = {
                row["id"]: row["title"]
                for section in interactive["action"]["sections"]
                for row in section["rows"]
            }
            choice = self._choose(options)
            return list_reply(choice, options[choice])
        if NUMBERED.search(body_text(last)):
            return text("1")
        return text(self.story)

    def _choose(self, options: dict[str, str]) -> str:
        for preferred in (f"lang:{self.language}", *PREFERRED_CHOICES):
            if preferred in options:
                return preferred
        return next(iter(options))

    async def report(self, max_turns: int = 30) -> str | None:
        """Tell the story and answer every question; the reference, or None if none came."""
        return await self.finish(await self.say(text(self.story)), max_turns)

    async def finish(self, replies: list[dict[str, Any]], max_turns: int = 30) -> str | None:
        """Answer from the bot's `replies` on until the reference comes."""
        for _turn in range(max_turns):
            reference = reference_in(replies)
            if reference:
                return reference
            replies = await self.say(self.answer(replies))
        return None
