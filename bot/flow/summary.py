"""The summary of the report, with send, change and cancel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from bot.draft import Draft
from bot.flow.moments import format_when
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


def _who(draft: Draft, _: Translator) -> str:
    """Counted people, else the person's own words ("beaucoup"), else "not given"."""
    if not draft.affected_groups and draft.victims is None and draft.affected_text:
        return draft.affected_text
    return describe_groups(draft.affected_groups, draft.victims, _)


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
        f"• {_('Where')}: {describe_location(draft, _, turn.services.nlu)}",
        f"• {_('When')}: {when}",
        f"• {_('Who was affected')}: {_who(draft, _)}",
        f"• {_('Danger now')}: {danger}",
        f"• {_('Files')}: {len(draft.media)}",
    ]
    if draft.consent_followup is None:
        question = _(
            "Shall I send it? Monitoring staff may want to ask you questions about it through "
            "this chat; they never see your name or number."
        )
    else:
        lines.append(f"• {_('Follow-up')}: {follow_up}")
        question = _("Shall I send it?")
    return "\n".join([*lines, "", question])


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
        if turn.draft.consent_followup is None:  # consent asked with the send choice
            send = [
                Choice("send", _("Send, anonymously")),
                Choice("send_contact", _("Send; staff may ask me questions here")),
            ]
        else:
            send = [Choice("send", _("Send the report"))]
        turn.ask(
            summary_text(turn),
            [
                *send,
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
            turn.next_step = step
            return Outcome.NEXT
        if choice in ("send", "send_contact"):
            if turn.draft.consent_followup is None:
                turn.draft.consent_followup = choice == "send_contact"
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
