"""What happens to pings later: the reporter erases, the day ends (digest)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from escalation.rules import Digest
from escalation.timers import queue_digest
from tests.escalation.conftest import DESK, Bench, only


async def test_an_erased_report_shows_as_erased_in_its_ping(bench: Bench) -> None:
    view = await bench.submit(immediate_danger=True, person="erasing witness")
    await bench.run()
    pseudonyms = bench.keyring.pseudonyms("console", "erasing witness")
    assert await bench.store.erase_reporter(pseudonyms) == 1
    await bench.run()
    ping = only(bench.bot_api.chat(DESK))
    assert view.reference in ping.text
    assert "The reporter erased this report." in ping.text
    assert "Mopti" not in ping.text, "the erased place is gone from the ping too"


async def test_the_digest_waits_for_its_hour_and_goes_once_a_day(bench: Bench) -> None:
    ruleset = bench.worker.ruleset.model_copy(
        update={"digest": Digest(enabled=True, at_hour_utc=7)}
    )
    next_day = (bench.clock.now() + timedelta(days=1)).date()
    bench.clock.set(datetime.combine(next_day, time(6, 59, 50), UTC))
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) == 0
    bench.clock.advance(timedelta(seconds=15))
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) >= 1
    bench.clock.set(datetime.combine(next_day, time(23, 59, 50), UTC))
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) == 0
    bench.clock.advance(timedelta(hours=7, seconds=15))
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) >= 1


async def test_each_staff_chat_gets_one_digest_a_day(bench: Bench) -> None:
    await bench.submit(immediate_danger=True)
    await bench.run()
    ruleset = bench.worker.ruleset.model_copy(
        update={
            "digest": bench.worker.ruleset.digest.model_copy(
                update={"enabled": True, "at_hour_utc": 0}
            )
        }
    )
    bench.worker.policy.ruleset = ruleset
    bench.worker.dispatcher.ruleset = ruleset
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) >= 1
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) == 0
    await bench.run()
    digest = bench.texts(DESK)[-1]
    assert digest.startswith("🗓 Daily digest")
    assert "New alerts: " in digest and "Still waiting for acknowledgement: 1" in digest
    assert "Daily digest" in bench.mails_to("head@example.org")[-1].message["Subject"]
