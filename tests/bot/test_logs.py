"""Logs carry ids and categories, never what people said, who they are or where they were."""

from __future__ import annotations

import logging

import pytest

from bot.engine import ConversationEngine
from bot.messages import Location
from tests.bot.conversation import Person
from tests.bot.flow.driver import answer_until_submitted
from tocsin.logs import RedactingFilter, quiet_libraries, redact

STORY = "Soldiers beat Moussa Traore and two others at the market in Mopti yesterday"


async def test_a_whole_report_logs_nothing_sensitive(
    engine: ConversationEngine, caplog: pytest.LogCaptureFixture
) -> None:
    person = Person(engine, sender_id="+22376000000")
    quiet_libraries()  # as `tocsin` does at start-up, before anything runs
    with caplog.at_level(logging.DEBUG):
        await person.send("/start")
        await person.pick("lang:en")
        await person.send(STORY)
        await answer_until_submitted(person, {"contact": ("choice", "contact")})
        await person.send(f"/add {person.reference()}")
        await person.send(location=Location(14.4843, -4.1827))
        await person.send("The second man is called Ali Diallo")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "report stored" in logged  # the log is not simply empty
    for secret in ("Moussa", "Traore", "Diallo", "22376000000", "14.48", "-4.18", "market"):
        assert secret not in logged


def test_filter_masks_numbers_coordinates_and_addresses() -> None:
    assert redact("call +223 76 00 00 00 now") == "call [redacted] now"
    assert "14.4843" not in redact("pin at 14.4843,-4.1827")
    assert redact("write to amina@example.org") == "write to [redacted]"
    assert redact("report id=42 category=killing") == "report id=42 category=killing"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "from %s", ("+22376000000",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "from [redacted]"
