""" "What happened?": the free-text account, read by the NLU to pre-fill later steps."""

from __future__ import annotations

from datetime import datetime

from bot.draft import Draft
from bot.flow.review import offer_review
from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from nlu import Analysis

# Steps whose answer the NLU may already have found in the account.
PREFILLED_BY_ANALYSIS = ("when", "affected", "force")
MIN_WORDS = 3


def apply_analysis(draft: Draft, answered: list[str], analysis: Analysis) -> None:
    """Copy what the NLU read into the draft, never over an answer the person gave."""
    draft.category = analysis.category
    draft.category_confidence = analysis.confidence
    draft.categories = list(analysis.categories or (analysis.category,))
    draft.confidential_reading = analysis.confidential
    draft.relevant = analysis.relevant
    draft.relevance = analysis.relevance
    draft.place_candidates = [place.to_dict() for place in analysis.places[:5]]
    if "force" not in answered and analysis.perpetrator and analysis.perpetrator != "unknown":
        draft.perpetrator = analysis.perpetrator
        draft.perpetrator_detail = analysis.perpetrator_text
        answered.append("force")
    if "affected" not in answered and (analysis.affected_groups or analysis.victims):
        draft.affected_groups = dict(analysis.affected_groups)
        draft.victims = analysis.victims
        answered.append("affected")
    if "when" not in answered and analysis.when is not None:
        draft.occurred_at = analysis.when.at.isoformat()
        draft.occurred_precision = analysis.when.precision
        answered.append("when")


async def read_account(turn: Turn, text: str) -> None:
    """Analyse the account in the conversation's language and fill the draft."""
    received: datetime = turn.inbound.received_at
    analysis = await turn.services.nlu.analyze(
        text, language_hint=turn.language, now=received, near=None
    )
    turn.draft.description = text
    apply_analysis(turn.draft, turn.session.answered, analysis)
    if "category" in turn.session.answered:
        turn.session.answered.remove("category")  # a new account is confirmed again
    offer_review(turn)


class DescribeStep(Step):
    name = "describe"
    editable = True
    takes_free_text = True

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        turn.ask(
            _(
                "What happened? Tell us in your own words: what was done, to whom, "
                "by whom, where and when."
            )
        )

    async def answer(self, turn: Turn) -> Outcome:
        _ = turn._
        text = turn.reply.text
        if not text or turn.reply.choice:
            return Outcome.REPROMPT
        if len(text.split()) < MIN_WORDS:
            turn.say(_("Please tell us a little more: what happened, and who did it?"))
            return Outcome.REPROMPT
        await read_account(turn, text)
        return Outcome.DONE
