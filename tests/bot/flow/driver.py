"""Answering whatever the bot asks from a plan keyed by step, for flow tests."""

from __future__ import annotations

from typing import Any

from tests.bot.conversation import Person

# What a cooperative person answers at each step unless the test says otherwise.
DEFAULT_PLAN: dict[str, Any] = {
    "language": ("choice", "lang:en"),
    "review": ("choice", "yes"),
    "category": ("choice", "yes"),
    "place": ("text", "Mopti"),
    "when": ("choice", "yesterday"),
    "affected": ("text", "2 men"),
    "force": ("choice", "force:army"),
    "danger": ("choice", "no"),
    "media": ("choice", "done"),
    "contact": ("choice", "anonymous"),
    "summary": ("choice", "send"),
}


async def answer_one(person: Person, plan: dict[str, Any] | None = None) -> None:
    """Answer the current question from `plan`, else from DEFAULT_PLAN."""
    steps = {**DEFAULT_PLAN, **(plan or {})}
    step = person.step
    first = person.last.choices[0].id if person.last.choices else ""
    if step == "place" and first == "yes":
        kind, value = steps.get("place_confirm", ("choice", "yes"))
    elif step == "place" and first.startswith("place:"):
        kind, value = steps.get("place_pick", ("choice", "place:0"))
    elif step == "summary" and first.startswith("send") and steps["summary"] == ("choice", "send"):
        # consent is given with the send choice when it was not asked on its own
        consent = steps["contact"] == ("choice", "contact")
        kind, value = "choice", "send_contact" if consent else "send"
    else:
        kind, value = steps[step]
    if kind == "choice":
        await person.pick(value)
    else:
        await person.send(value)


async def answer_until(person: Person, step: str, limit: int = 20) -> None:
    """Answer with the defaults until the bot asks `step`."""
    for _ in range(limit):
        if person.step == step:
            return
        await answer_one(person)
    raise AssertionError(f"never reached {step}:\n{person.text()}")


async def answer_until_submitted(person: Person, plan: dict[str, Any], limit: int = 25) -> str:
    """Answer each question from `plan` (then DEFAULT_PLAN) until a reference is given."""
    for _ in range(limit):
        if person.reference():
            return person.reference()
        await answer_one(person, plan)
    raise AssertionError(f"no reference after {limit} answers:\n{person.text()}")
