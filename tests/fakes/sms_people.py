"""People who report by SMS, for tests and the load bench.

A `SmsReporter` writes through the provider's inbound webhook (as the provider would relay
it), reads the bot's SMS where the fake provider received them, and answers as a cooperative
person on a feature phone would: the number of the first offered choice when the SMS says
"Reply 1 ...", else the story again. It stops when a reference (TX-XXXX-XXXX) arrives.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.channels.sms_render import QUESTIONS
from bot.channels.sms_segments import cost, fold_to_gsm
from locales.i18n import Translator
from tests.fakes.sms import FakeSmsProvider

REFERENCE = re.compile(r"\bTX-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
FIRST_CHOICE = re.compile(r"(?<!\d)1 ")

# Deliver one SMS from `sender` with `text`; returns the HTTP status of the webhook's answer.
Post = Callable[[str, str], Awaitable[int]]

STORIES = {
    "en": "Soldiers beat three men at the market in Gao yesterday evening and took their phones",
    "fr": "Des soldats ont frappé trois hommes au marché de Gao hier soir et ont pris leurs "
    "téléphones",
    "ar": "قام جنود بضرب ثلاثة رجال في سوق غاو مساء أمس وأخذوا هواتفهم",
}
PLACES = {"en": "Gao, Mali", "fr": "Gao, Mali", "ar": "غاو، مالي"}
PLACE_QUESTIONS = (QUESTIONS[("place", "skip")][0],)


@dataclass
class SmsReporter:
    number: str
    language: str
    provider: FakeSmsProvider
    post: Post
    story: str = ""
    turn_timeout: float = 30.0
    transcript: list[str] = field(default_factory=list)  # the bot's SMS, in order
    answers: int = 0  # messages the person sent after the story
    turn_seconds: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.story = self.story or STORIES[self.language]

    async def say(self, text: str) -> str:
        """Send one SMS and return the bot's SMS in answer."""
        seen = len(self.provider.messages_to(self.number))
        started = time.monotonic()
        status = await self.post(self.number, text)
        if status != 200:
            raise AssertionError(f"webhook answered {status}")
        texts = await self.provider.wait_for(self.number, seen + 1, self.turn_timeout)
        self.turn_seconds.append(time.monotonic() - started)
        reply = texts[seen]
        self.transcript.append(reply)
        return reply

    def answer(self, reply: str) -> str:
        """The place when asked where, else the first choice, else the story."""
        _ = Translator(self.language)
        if any(fold_to_gsm(_(question)) in reply for question in PLACE_QUESTIONS):
            return PLACES[self.language]
        return "1" if FIRST_CHOICE.search(reply) else self.story

    async def report(self, max_turns: int = 20) -> str | None:
        """Tell the story and answer every question; the reference, or None if none came."""
        reply = await self.say(self.story)
        for _turn in range(max_turns):
            found = REFERENCE.search(reply)
            if found:
                return found.group(0)
            self.answers += 1
            reply = await self.say(self.answer(reply))
        return None

    @property
    def segments(self) -> int:
        """What the bot's SMS to this person cost, in billed segments."""
        return sum(cost(text).segments for text in self.transcript)
