"""Answers typed as people type them, in six languages, at every kind of question.

Each phrasing of `typed_answers.TYPED` is sent at its question (opened through the engine's
own entry, as a staff question is) and is either accepted with the right value, or asked
again with what was understood; none is refused with a bare "I did not understand", and none
is taken for something else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import ConversationEngine
from bot.messages import InboundMessage
from bot.sessions import Session
from reports.database import upgrade_schema_sync
from tests.bot.flow.typed_answers import TYPED, Row

GROUPS = ("men", "women", "children")
DANGER = {"yes": True, "no": False, "unknown": None}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One backend is enough here: these answers never reach storage's differences."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"
    upgrade_schema_sync(url)
    return url


def test_every_language_has_at_least_forty_phrasings_across_the_questions() -> None:
    for language, rows in TYPED.items():
        assert len(rows) >= 40, language
        assert len({step for step, _text, _expected in rows}) >= 8, language


async def _ask(engine: ConversationEngine, sender: str, step: str, language: str) -> None:
    context = {"add_reference": "TX-AAAA-BBBB"} if step == "add_details" else None
    await engine.enter("test", sender, step, language=language, context=context)


async def _session(engine: ConversationEngine, sender: str) -> Session:
    pseudonym = engine.services.keyring.pseudonym("test", sender)
    session = await engine.services.sessions.load(pseudonym)
    return session or Session(pseudonym)


def _check(row: Row, session: Session, said: str) -> str | None:
    """What is wrong with how `row` was read, or None."""
    step, text, expected = row
    draft, moved = session.draft, session.step != step
    if "did not understand" in said:
        return f"refused: {said!r}"
    if expected.startswith("reask:"):
        heard = expected.split(":", 1)[1]
        if moved or heard not in said:
            return f"not re-asked with “{heard}”: step={session.step} said={said!r}"
        return None
    if not moved:
        return f"still at {step}: said={said!r}"
    key, _, value = expected.partition("=")
    actual: object
    wanted: object
    if key == "danger":
        actual, wanted = draft.immediate_danger, DANGER[value]
    elif key == "consent":
        actual, wanted = draft.consent_followup, value == "yes"
    elif key == "victims":
        actual, wanted = draft.victims, int(value)
    elif key in GROUPS:
        actual, wanted = draft.affected_groups.get(key), int(value)
    elif key == "vague":
        actual, wanted = (draft.victims, draft.affected_text), (None, text)
    elif key == "category":
        actual, wanted = draft.category, value
    elif key == "language":
        actual, wanted = session.language, value
    elif key == "when":
        actual, wanted = (draft.occurred_at, "when" in session.answered), (None, True)
    elif key == "place":
        actual, wanted = (
            (draft.place, draft.location_text, "place" in session.answered),
            (
                None,
                None,
                True,
            ),
        )
    else:
        return None  # "moved": answered, and nothing more to check
    return None if actual == wanted else f"read as {actual!r}, not {wanted!r}"


@pytest.mark.parametrize("language", sorted(TYPED))
async def test_typed_answers_are_read_or_re_asked_with_what_was_understood(
    engine: ConversationEngine, language: str
) -> None:
    wrong = []
    for number, row in enumerate(TYPED[language]):
        step, text, _expected = row
        sender = f"typed-{language}-{number}"
        await _ask(engine, sender, step, language)
        replies = await engine.handle(InboundMessage(channel="test", sender_id=sender, text=text))
        said = "\n".join(reply.text for reply in replies)
        problem = _check(row, await _session(engine, sender), said)
        if problem:
            wrong.append(f"{step} {text!r}: {problem}")
    assert not wrong, f"{len(wrong)} of {len(TYPED[language])} misread:\n" + "\n".join(wrong)
