"""The summary of the report, with send, change and cancel."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from babel.dates import format_date, format_datetime

from bot.flow.places import describe_location
from bot.flow.step import Step
from bot.flow.submit import submit_report
from bot.flow.turn import Outcome, Turn
from bot.flow.words import YES
from bot.messages import Choice
from locales.i18n import N_, Translator
from locales.labels import CATEGORY_LABELS, PERPETRATOR_LABELS, describe_groups, label

CHANGE = "change"
EDITABLE_FIELDS: dict[str, str] = {
    "describe": N_("What happened"),
    "category": N_("Kind of incident"),
    "force": N_("Who did it"),
    "place": N_("Where"),
    "when": N_("When"),
    "affected": N_("Who was affected"),
    "danger": N_("Danger now"),
    "media": N_("Files"),
    "contact": N_("Follow-up"),
}
PREVIEW_CHARS = 300


def format_when(occurred: str | None, precision: str | None, _: Translator) -> str:
    if not occurred:
        return _("not given")
    moment = datetime.fromisoformat(occurred)
    if precision in ("minute", "hour"):
        return format_datetime(moment, format="medium", locale=_.language)
    return format_date(moment, format="long", locale=_.language)


def summary_text(turn: Turn) -> str:
    _ = turn._
    draft = turn.draft
    description = draft.description or ""
    if len(description) > PREVIEW_CHARS:
        description = description[:PREVIEW_CHARS] + "…"
    force = label(PERPETRATOR_LABELS, draft.perpetrator, _)
    if draft.perpetrator_detail:
        force = f"{force} ({draft.perpetrator_detail})"
    danger = {True: _("Yes"), False: _("No")}.get(draft.immediate_danger, _("I don't know"))
    follow_up = _("You may be contacted") if draft.consent_followup else _("Anonymous")
    when = format_when(draft.occurred_at, draft.occurred_precision, _)
    lines = [
        _("Here is your report:"),
        f"• {_('What happened')}: {description}",
        f"• {_('Kind of incident')}: {label(CATEGORY_LABELS, draft.category, _)}",
        f"• {_('Who did it')}: {force}",
        f"• {_('Where')}: {describe_location(draft, _)}",
        f"• {_('When')}: {when}",
        f"• {_('Who was affected')}: {describe_groups(draft.affected_groups, draft.victims, _)}",
        f"• {_('Danger now')}: {danger}",
        f"• {_('Files')}: {len(draft.media)}",
        f"• {_('Follow-up')}: {follow_up}",
        "",
        _("Shall I send it?"),
    ]
    return "\n".join(lines)


class SummaryStep(Step):
    name = "summary"
    meanings: ClassVar[Mapping[str, str]] = {YES: "send"}

    def needed(self, session: object) -> bool:
        return True

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        if turn.session.mode == CHANGE:
            choices = [Choice(f"edit:{step}", _(title)) for step, title in EDITABLE_FIELDS.items()]
            turn.ask(_("What would you like to change?"), choices)
            return
        turn.ask(
            summary_text(turn),
            [
                Choice("send", _("Send the report")),
                Choice("change", _("Change something")),
                Choice("cancel", _("Cancel the report")),
            ],
        )

    async def answer(self, turn: Turn) -> Outcome:
        _ = turn._
        choice = turn.reply.choice
        if turn.session.mode == CHANGE:
            step = choice[5:] if choice and choice.startswith("edit:") else None
            if step not in EDITABLE_FIELDS:
                return Outcome.REPROMPT
            if step in turn.session.answered:
                turn.session.answered.remove(step)
            if step == "place":
                turn.draft.place_candidates = []  # ask afresh rather than re-offer
            turn.session.mode = None
            return Outcome.DONE
        if choice == "send":
            await submit_report(turn)
            return Outcome.WAIT
        if choice == "change":
            turn.session.mode = CHANGE
            return Outcome.STAY
        if choice == "cancel":
            turn.session.reset_report()
            turn.say(_("Your report was cancelled. Nothing was stored."))
            return Outcome.WAIT
        return Outcome.REPROMPT
