"""The order of the report's steps, and every step by name.

What to ask next is derived from the session (the first needed step in this order), never
stored separately, so a change in the summary or a resumed session simply asks what is missing.
"""

from __future__ import annotations

from bot.flow.account import AddDetailsStep, EraseStep
from bot.flow.affected import AffectedStep
from bot.flow.category import CategoryStep
from bot.flow.contact import ContactStep
from bot.flow.danger import DangerStep
from bot.flow.describe import DescribeStep
from bot.flow.followup import StaffQuestionStep
from bot.flow.force import ForceStep
from bot.flow.language import LanguageStep
from bot.flow.media import MediaStep
from bot.flow.opening import begin, take_aside, welcome
from bot.flow.place import PlaceStep
from bot.flow.places import impossible_location_text
from bot.flow.resume import ResumeStep
from bot.flow.review import ReviewStep
from bot.flow.step import Step
from bot.flow.summary import SummaryStep
from bot.flow.when import WhenStep
from bot.sessions import Session

REPORT_STEPS: tuple[Step, ...] = (
    LanguageStep(),
    DescribeStep(),
    ReviewStep(),
    CategoryStep(),
    PlaceStep(),
    WhenStep(),
    AffectedStep(),
    ForceStep(),
    DangerStep(),
    MediaStep(),
    ContactStep(),
    SummaryStep(),
)

OTHER_STEPS: tuple[Step, ...] = (ResumeStep(), AddDetailsStep(), EraseStep(), StaffQuestionStep())

STEPS: dict[str, Step] = {step.name: step for step in (*REPORT_STEPS, *OTHER_STEPS)}
REPORT_STEP_NAMES = frozenset(step.name for step in REPORT_STEPS)
# Asked when a person comes back to a report left unfinished for a while.
RESUME_STEP = ResumeStep.name
# What the engine does with a first message and with files or pins sent out of turn.
__all__ = [
    "REPORT_STEPS",
    "RESUME_STEP",
    "STEPS",
    "begin",
    "impossible_location_text",
    "take_aside",
    "welcome",
]


def next_report_step(session: Session) -> Step:
    """The first step of the report that still needs an answer (the summary at the end)."""
    return next(step for step in REPORT_STEPS if step.needed(session))
