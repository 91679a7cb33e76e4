"""Moving a conversation from one step to the next."""

from __future__ import annotations

from bot.flow.registry import STEPS, next_report_step
from bot.flow.turn import Turn


async def ask_step(turn: Turn, name: str) -> None:
    """Make `name` the current step and ask its question afresh."""
    session = turn.session
    session.step = name
    session.mode = None
    session.failed_attempts = 0
    await STEPS[name].ask(turn)


async def advance(turn: Turn) -> None:
    """Ask the first step of the report that still needs an answer."""
    await ask_step(turn, next_report_step(turn.session).name)


async def finish_side_step(turn: Turn) -> None:
    """After a step outside the report (resume, /add, /delete): back to the report, if any."""
    if turn.session.draft:
        await advance(turn)
    else:
        turn.session.step = None
        turn.session.mode = None
        turn.session.pending_choices = []
