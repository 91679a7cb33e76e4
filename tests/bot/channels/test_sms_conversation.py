"""Whole conversations by SMS over each provider: reports in three languages, one-message
reports, keywords, STOP, and what the bot never repeats back (through the providers' own
webhook shapes, answered through their send APIs)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.sms_segments import cost
from nlu import Nlu
from reports.models import OutboundRow
from tests.bot.channels.sms_harness import PROVIDERS, sms_harness
from tests.bot.channels.test_sms_webhook import eventually, sent_count
from tests.fakes.sms_people import STORIES
from tocsin.settings import Settings

NUMBER = "+22376543210"
PLACE_WORDS = {"en": "Gao", "fr": "Gao", "ar": "غاو"}
SEGMENT_GOALS = {"en": 6, "fr": 8, "ar": 10}


def database_bytes(settings: Settings) -> bytes:
    path = Path(settings.database_url.split("///", 1)[1])
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
async def test_whole_report_by_sms(
    provider: str,
    language: str,
    settings: Settings,
    shared_nlu: Nlu,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with sms_harness(settings, shared_nlu, provider) as harness:
        reporter = harness.reporter(NUMBER, language)
        reference = await reporter.report()
        assert reference is not None, reporter.transcript
        report = await harness.app.store.get_report(reference, actor="test")
        assert report is not None
        assert (report.channel, report.language) == ("sms", language)
        assert report.description == STORIES[language]
        assert report.place, "the place in the story was confirmed by number"
        for text in reporter.transcript:
            assert PLACE_WORDS[language] not in text, "an SMS repeated what was reported"
            assert cost(text).segments <= 4
        assert "STOP" in reporter.transcript[0], "the first SMS says how to stop"
        assert reporter.segments <= SEGMENT_GOALS[language], reporter.transcript
        print(
            f"\n{provider} {language}: answers={reporter.answers} sms={len(reporter.transcript)} "
            f"segments={reporter.segments}",
            *reporter.transcript,
            sep="\n  ",
        )
        expected = len(reporter.transcript)
        await eventually(lambda: sent_count(harness, expected))  # recorded after the send
        outbound = await harness.store.outbound()
        assert {row.status for row in outbound} == {"sent"}

        async def all_marked_sent() -> bool:
            async with harness.app.database.connect() as connection:
                recorded = list(await connection.execute(select(OutboundRow.status)))
            return bool(recorded) and {row.status for row in recorded} == {"sent"}

        await eventually(all_marked_sent)  # every reply left from the turn's record
    on_disk, logged = database_bytes(settings), caplog.text
    for secret in (NUMBER, NUMBER[1:], STORIES[language]):
        assert secret.encode() not in on_disk
        assert secret not in logged
