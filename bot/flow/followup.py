"""The reporter's side of "Ask reporter": a staff question and its answer, anonymously.

Escalation opens the question in the reporter's own conversation (`open_staff_question`); the
reporter's next message is their answer, added to the report as kind "answer" (which tells
escalation to relay it to the staff chat that asked). Staff never see who the reporter is and
the reporter never sees who asked. A report in progress is resumed after the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from bot.direction import isolate_left_to_right
from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.messages import Choice, OutboundMessage
from bot.sessions import Session
from locales.i18n import Translator
from locales.labels import STATUS_LABELS, label

STEP_NAME = "staff_question"


class StaffQuestionStep(Step):
    """Shows the staff question and takes one answer (or a refusal)."""

    name = STEP_NAME
    meanings: ClassVar[Mapping[str, str]] = {}  # "I don't know" is an answer for the staff to read
    takes_free_text = True

    def needed(self, session: object) -> bool:
        return False

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        context = turn.session.context
        turn.ask(
            _(
                "Monitoring staff have a question about your report {reference}:\n\n"
                "{question}\n\nPlease send your answer. They will not see your name or number.",
                reference=context.get("question_reference", ""),
                question=context.get("staff_question", ""),
            ),
            [Choice("skip", _("I prefer not to answer"))],
        )

    async def answer(self, turn: Turn) -> Outcome:
        _ = turn._
        context = turn.session.context
        reference = context.get("question_reference", "")
        if turn.reply.choice == "skip":
            _forget(turn.session)
            turn.say(_("All right. Nothing was sent."))
            return Outcome.DONE
        if not turn.reply.text:
            return Outcome.REPROMPT
        pseudonyms = turn.services.keyring.pseudonyms(turn.inbound.channel, turn.inbound.sender_id)
        added = await turn.services.store.add_details(
            reference, pseudonyms, turn.reply.text, kind="answer"
        )
        _forget(turn.session)
        if not added:
            turn.say(_("I found no report {reference} sent from this chat.", reference=reference))
            return Outcome.DONE
        turn.say(
            _("Thank you. Your answer was sent to the staff for {reference}.", reference=reference)
        )
        return Outcome.DONE


def _forget(session: Session) -> None:
    session.context.pop("staff_question", None)
    session.context.pop("question_reference", None)


class QuestionOpener(Protocol):
    """The conversation engine's own entry for a question asked from outside the chat."""

    async def enter(
        self,
        channel: str,
        sender_id: str,
        step: str,
        *,
        language: str,
        context: Mapping[str, Any] | None = None,
    ) -> list[OutboundMessage]: ...


async def open_staff_question(
    engine: QuestionOpener,
    channel: str,
    raw_id: str,
    reference: str,
    question: str,
    language: str,
) -> list[OutboundMessage]:
    """Make the question the reporter's current step; returns the messages to send them."""
    return await engine.enter(
        channel,
        raw_id,
        STEP_NAME,
        language=language,
        context={"question_reference": reference, "staff_question": question},
    )


def status_notice(reference: str, status: str, language: str) -> list[OutboundMessage]:
    """ "Your report TX-… is now: verified" in the reporter's language."""
    _ = Translator(language)
    text = _(
        "News about your report {reference}: it is now {status}.",
        reference=reference,
        status=label(STATUS_LABELS, status, _),
    )
    if _.right_to_left:
        text = isolate_left_to_right(text)
    return [OutboundMessage(text=text, language=language, right_to_left=_.right_to_left)]


MAILBOX_KEY = "mailbox"


async def post_to_mailbox(
    services: object, channel: str, raw_id: str, messages: list[OutboundMessage]
) -> None:
    """Keep messages for a person whose channel has no sender in this process (the console
    of `tocsin shell` runs elsewhere): they wait in the person's session until their
    channel looks (`take_mailbox`)."""
    keyring = services.keyring  # type: ignore[attr-defined]
    sessions = services.sessions  # type: ignore[attr-defined]
    pseudonym = keyring.pseudonym(channel, raw_id)
    async with sessions.hold(pseudonym) as held:
        session = held.session or Session(pseudonym)
        box = session.context.setdefault(MAILBOX_KEY, [])
        for message in messages:
            box.append(
                {
                    "text": message.text,
                    "choices": [[choice.id, choice.label] for choice in message.choices],
                    "language": message.language,
                    "rtl": message.right_to_left,
                }
            )
        held.save(session)


async def take_mailbox(services: object, channel: str, raw_id: str) -> list[OutboundMessage]:
    """The messages kept for this person, removed from their session."""
    keyring = services.keyring  # type: ignore[attr-defined]
    sessions = services.sessions  # type: ignore[attr-defined]
    pseudonym = keyring.pseudonym(channel, raw_id)
    async with sessions.hold(pseudonym) as held:
        session = held.session
        if session is None or not session.context.get(MAILBOX_KEY):
            return []
        box = session.context.pop(MAILBOX_KEY)
        held.save(session)
    return [
        OutboundMessage(
            text=item["text"],
            choices=tuple(Choice(value, label) for value, label in item.get("choices", [])),
            language=item.get("language", "en"),
            right_to_left=bool(item.get("rtl")),
        )
        for item in box
    ]
