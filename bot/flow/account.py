"""What a person can do with reports already sent: status, more details, erasure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from babel.dates import format_date

from bot.flow.media import download_media
from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.flow.words import NO, SKIP
from bot.messages import Choice
from locales.labels import CATEGORY_LABELS, STATUS_LABELS, label
from reports.records import MediaUpload


def _pseudonyms(turn: Turn) -> list[str]:
    return turn.services.keyring.pseudonyms(turn.inbound.channel, turn.inbound.sender_id)


async def show_status(turn: Turn, reference: str | None) -> None:
    """The status of one own report, or of the last few when no reference is given."""
    _ = turn._
    store = turn.services.store
    if reference:
        view = await store.find_own(reference, _pseudonyms(turn))
        views = [view] if view else []
        if not views:
            turn.say(_("I found no report {reference} sent from this chat.", reference=reference))
            return
    else:
        views = await store.list_own(_pseudonyms(turn), limit=5)
        if not views:
            turn.say(_("You have not sent any report from this chat yet."))
            return
    lines = []
    for view in views:
        status = _("erased") if view.erased else label(STATUS_LABELS, view.status, _)
        lines.append(
            _(
                "{reference} ({date}): {category}. Status: {status}.",
                reference=view.reference,
                date=format_date(view.created_at, format="medium", locale=turn.language),
                category=label(CATEGORY_LABELS, view.category, _),
                status=status,
            )
        )
    turn.say("\n".join(lines))


class AddDetailsStep(Step):
    """After `/add REF`: every text or file is appended to that report until "Done"."""

    name = "add_details"
    meanings: ClassVar[Mapping[str, str]] = {SKIP: "done"}
    takes_free_text = True

    def needed(self, session: object) -> bool:
        return False

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        turn.ask(
            _(
                "Send the details you want to add to {reference}: text, photos, voice "
                "messages or documents. Choose “Done” when you have finished.",
                reference=turn.session.context["add_reference"],
            ),
            [Choice("done", _("Done"))],
        )

    async def answer(self, turn: Turn) -> Outcome:
        _ = turn._
        reference = turn.session.context["add_reference"]
        reply = turn.reply
        if reply.choice == "done":
            turn.session.context.pop("add_reference", None)
            turn.say(_("Thank you. The details were added to {reference}.", reference=reference))
            return Outcome.DONE
        media = []
        if reply.media is not None:
            content = await download_media(turn, reply.media)
            if content is None:
                return Outcome.WAIT
            media.append(MediaUpload(reply.media.kind, content, reply.media.mime_type))
        if not (reply.text or media):
            return Outcome.REPROMPT
        added = await turn.services.store.add_details(
            reference, _pseudonyms(turn), reply.text, media
        )
        if not added:
            turn.session.context.pop("add_reference", None)
            turn.say(_("I found no report {reference} sent from this chat.", reference=reference))
            return Outcome.DONE
        turn.say(
            _("Added to {reference}. Send more, or choose “Done”.", reference=reference),
            choices=(Choice("done", _("Done")),),
        )
        turn.session.pending_choices = [["done", _("Done")]]
        return Outcome.WAIT


class EraseStep(Step):
    """After `/delete`: confirm, then erase every report and the conversation itself."""

    name = "erase"
    meanings: ClassVar[Mapping[str, str]] = {NO: "keep"}

    def needed(self, session: object) -> bool:
        return False

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        turn.ask(
            _(
                "This erases every report you sent from this chat and what you told us. "
                "Staff will only see that a report was erased. Erase everything?"
            ),
            [Choice("erase", _("Yes, erase everything")), Choice("keep", _("No, keep it"))],
        )

    async def answer(self, turn: Turn) -> Outcome:
        _ = turn._
        if turn.reply.choice == "keep":
            turn.say(_("Nothing was erased."))
            return Outcome.DONE
        if turn.reply.choice != "erase":
            return Outcome.REPROMPT
        inbound = turn.inbound
        count = await turn.services.store.erase_person(inbound.channel, inbound.sender_id)
        turn.session.reset_report()
        turn.session.context["discard_session"] = True
        turn.say(
            _("Done. {count} reports and this conversation were erased.", count=count)
            if count != 1
            else _("Done. Your report and this conversation were erased.")
        )
        return Outcome.WAIT
