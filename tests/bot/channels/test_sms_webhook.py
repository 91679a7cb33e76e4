"""The SMS webhooks and channel at their edges: forged requests, redeliveries, long messages
in parts, STOP, keywords, delivery failures and the caps (real providers' shapes, over HTTP)."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.messages import OutboundMessage
from locales.i18n import Translator
from nlu import Nlu
from reports.models import InboundItem
from tests.bot.channels.sms_harness import SmsHarness, sms_harness
from tests.fakes import sms as fake
from tests.fakes.sms_people import REFERENCE, STORIES
from tocsin.settings import Settings

NUMBER = "+22376543210"


async def inbox_rows(harness: SmsHarness) -> int:
    async with harness.app.database.connect() as connection:
        return int(
            (await connection.execute(select(func.count()).select_from(InboundItem))).scalar_one()
        )


async def eventually(check, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until the async `check` holds (the channel records a send after the provider
    answered it, so a test reading the records may get there first)."""
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.02)


async def sent_count(harness: SmsHarness, count: int) -> bool:
    return len(await harness.store.outbound()) == count


async def quiet(harness: SmsHarness, number: str, count: int, seconds: float = 0.5) -> None:
    """Nothing more than `count` SMS reached `number` within `seconds`."""
    await asyncio.sleep(seconds)
    assert len(harness.fake.messages_to(number)) == count, harness.fake.messages_to(number)


async def test_forged_or_unsigned_twilio_requests_are_refused_with_nothing_stored(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, "twilio") as harness:
        fields = fake.twilio_inbound(NUMBER, STORIES["en"])
        inbound = "/sms/twilio/inbound"
        forged = fake.twilio_signature(f"{fake.PUBLIC_URL}{inbound}", fields, "not-the-token")
        local_url = fake.twilio_signature(harness.url(inbound), fields)  # not the public URL
        tampered = fake.twilio_signature(f"{fake.PUBLIC_URL}{inbound}", fields)
        changed = [(k, "Nothing happened" if k == "Body" else v) for k, v in fields]
        assert (await harness.post_form(inbound, fields))[0] == 401
        assert (await harness.post_form(inbound, fields, {"X-Twilio-Signature": forged}))[0] == 403
        assert (await harness.post_form(inbound, fields, {"X-Twilio-Signature": local_url}))[
            0
        ] == 403
        assert (await harness.post_form(inbound, changed, {"X-Twilio-Signature": tampered}))[
            0
        ] == 403
        status = [("MessageSid", "SM1"), ("MessageStatus", "failed")]
        assert (await harness.post_form("/sms/twilio/status", status))[0] == 401
        assert await inbox_rows(harness) == 0
        await quiet(harness, NUMBER, 0, 0.2)
        assert (await harness.post_form(inbound, fields, {"X-Twilio-Signature": tampered}))[
            0
        ] == 200
        assert await harness.fake.wait_for(NUMBER, 1)


async def test_africastalking_callbacks_need_the_secret(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, "africastalking") as harness:
        fields = fake.at_inbound(NUMBER, STORIES["fr"])
        for path in ("/sms/africastalking/inbound", "/sms/africastalking/inbound?secret=guess"):
            assert (await harness.post_form(path, fields))[0] == 403
        assert await inbox_rows(harness) == 0


async def test_gateway_events_need_a_fresh_signature(settings: Settings, shared_nlu: Nlu) -> None:
    async with sms_harness(settings, shared_nlu, "http") as harness:
        body = fake.gateway_received(NUMBER, STORIES["ar"])
        raw = json.dumps(body).encode()
        wrong = fake.gateway_headers(raw, secret="another-secret")
        stale = fake.gateway_headers(raw, at=time.time() - 3600)
        unsigned = {"Content-Type": "application/json"}
        for headers in (wrong, stale, unsigned):
            assert (await harness.post_json(body, headers))[0] == 403
        form = [("from", NUMBER), ("text", "hello"), ("id", "k1")]
        assert (await harness.post_form("/sms/http/inbound", form))[0] == 403
        assert await inbox_rows(harness) == 0


@pytest.mark.parametrize("provider", ["africastalking", "twilio", "http"])
async def test_a_redelivered_sms_is_answered_once(
    provider: str, settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, provider) as harness:
        message_id = "SM" + "7" * 32 if provider == "twilio" else "redelivered-1"
        for _attempt in range(3):
            assert await harness.inbound(NUMBER, STORIES["en"], message_id) == 200
        await harness.fake.wait_for(NUMBER, 1)
        await quiet(harness, NUMBER, 1)
        assert await inbox_rows(harness) == 1


async def test_a_long_message_delivered_in_parts_arrives_as_one(
    settings: Settings, shared_nlu: Nlu
) -> None:
    first = "Des soldats ont frappé trois hommes au marché de Gao hier soir "
    second = "et ont pris leurs téléphones"
    parts = [
        [
            ("from", NUMBER),
            ("to", "36123"),
            ("id", "p2"),
            ("udh", "050003a70202"),
            ("text", second),
        ],
        [("from", NUMBER), ("to", "36123"), ("id", "p1"), ("udh", "050003a70201"), ("text", first)],
    ]
    path = f"/sms/http/inbound?secret={fake.WEBHOOK_SECRET}"
    async with sms_harness(settings, shared_nlu, "http") as harness:
        assert (await harness.post_form(path, parts[0]))[0] == 200
        assert (await harness.post_form(path, parts[0]))[0] == 200  # the same part again
        await quiet(harness, NUMBER, 0, 0.3)  # nothing is answered before the whole message
        assert (await harness.post_form(path, parts[1]))[0] == 200
        reporter = harness.reporter(NUMBER, "fr")
        reporter.story = first + second
        reply = (await harness.fake.wait_for(NUMBER, 1))[0]
        turns = 0
        while not REFERENCE.search(reply) and turns < 12:
            reply = await reporter.say(reporter.answer(reply))
            turns += 1
        found = REFERENCE.search(reply)
        assert found is not None
        report = await harness.app.store.get_report(found.group(0), actor="test")
        assert report is not None and report.description == first + second
        assert await inbox_rows(harness) == 1 + turns


async def test_stop_is_honoured_at_once_and_lifted_only_by_writing_again(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, "twilio") as harness:
        reporter = harness.reporter(NUMBER, "fr")
        await reporter.say(STORIES["fr"])
        assert await harness.inbound(NUMBER, "ARRET") == 200
        pseudonym = harness.app.keyring.pseudonym("sms", NUMBER)
        assert await harness.store.opted_out(pseudonym), "recorded before the webhook answered"
        texts = await harness.fake.wait_for(NUMBER, 2)
        assert "plus de SMS" in texts[1], "one confirmation, in the language of the word"
        staff = OutboundMessage("Une question de l'équipe ?", language="fr")
        await harness.app.senders["sms"].send(NUMBER, [staff])
        await quiet(harness, NUMBER, 2)
        reply = await reporter.say("1")  # writing again is consent to an answer
        assert reply and not await harness.store.opted_out(pseudonym)


async def test_a_failed_reply_is_sent_again_once_never_in_a_loop(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, "africastalking") as harness:
        await harness.reporter(NUMBER, "en").say(STORIES["en"])
        first = harness.fake.sent[-1]
        await eventually(lambda: sent_count(harness, 1))
        assert await harness.fake.report(first.message_id, False, harness.http) == 200
        texts = await harness.fake.wait_for(NUMBER, 2)
        assert texts[1] == texts[0], "the same SMS went once more"
        second = harness.fake.sent[-1]
        assert await harness.fake.report(second.message_id, False, harness.http) == 200
        await quiet(harness, NUMBER, 2)
        (row,) = await harness.store.outbound()
        assert (row.status, row.attempts, row.error) == ("failed", 2, "DeliveryFailure")
        assert row.body_enc is None, "given up: neither the text nor the number is kept"


async def test_delivery_is_recorded_and_the_sealed_copy_dropped(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, "http") as harness:
        await harness.reporter(NUMBER, "ar").say(STORIES["ar"])
        sent = harness.fake.sent[-1]
        assert await harness.fake.report(sent.message_id, True, harness.http) == 200
        await eventually(lambda: sent_count(harness, 1))
        (row,) = await harness.store.outbound()
        assert (row.status, row.body_enc) == ("delivered", None)


async def test_a_provider_outage_is_retried_by_the_inbox_from_the_turns_record(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, "twilio") as harness:
        harness.fake.unavailable = 1
        reply = await harness.reporter(NUMBER, "en").say(STORIES["en"])
        assert reply
        await eventually(lambda: sent_count(harness, 1))
        assert await harness.store.counts() == {"sent": 1}
        assert len(harness.fake.sent) == 1, "the turn ran once: its record was replayed"


async def test_each_person_gets_at_most_the_daily_cap(settings: Settings, shared_nlu: Nlu) -> None:
    async with sms_harness(settings, shared_nlu, "twilio", sms_daily_cap=2) as harness:
        reporter = harness.reporter(NUMBER, "en")
        await reporter.say(STORIES["en"])
        await reporter.say("Gao, Mali")
        assert await harness.inbound(NUMBER, "1") == 200
        await quiet(harness, NUMBER, 2)
        other = harness.reporter("+22370000001", "en")
        assert await other.say(STORIES["en"]), "the cap is per person"


async def test_one_message_report_asks_only_what_is_missing(
    settings: Settings, shared_nlu: Nlu
) -> None:
    _ = Translator("en")
    async with sms_harness(settings, shared_nlu, "africastalking") as harness:
        reporter = harness.reporter(NUMBER, "en")
        reference = await reporter.report()
        assert reference is not None
        asked = "\n".join(reporter.transcript)
        for question in (
            "When did it happen?",
            "Who was affected",
            "Who did it?",
            "What happened?",
            "Kind of incident?",
        ):
            assert question not in asked, f"asked again: {question}"
        report = await harness.app.store.get_report(reference, actor="test")
        assert report is not None
        assert report.occurred_at is not None and report.victims == 3
        assert report.perpetrator == "army"
        assert reporter.answers <= 4


async def test_status_and_delete_keywords(settings: Settings, shared_nlu: Nlu) -> None:
    async with sms_harness(settings, shared_nlu, "http") as harness:
        reporter = harness.reporter(NUMBER, "en")
        reference = await reporter.report()
        assert reference is not None
        status = await reporter.say(f"STATUS {reference}")
        assert reference in status and "Received" not in status
        assert "assault" not in status.lower() and "beating" not in status.lower()
        ask = await reporter.say("DELETE")
        assert ask.startswith("Erase all your reports and data?")
        done = await reporter.say("1")
        assert "erased" in done
        report = await harness.app.store.get_report(reference, actor="test")
        assert report is not None and report.erased


def test_form_bodies_are_the_providers_encoding() -> None:
    assert urlencode(fake.at_inbound(NUMBER, "a b", "x")).count("&") == 5


async def test_staff_questions_reach_a_reporter_by_sms(settings: Settings, shared_nlu: Nlu) -> None:
    async with sms_harness(settings, shared_nlu, "africastalking") as harness:
        reporter = harness.reporter(NUMBER, "fr")
        assert await reporter.report() is not None
        before = len(harness.fake.messages_to(NUMBER))
        question = OutboundMessage("L'équipe : à quelle heure exactement ?", language="fr")
        await harness.app.senders["sms"].send(NUMBER, [question])
        texts = await harness.fake.wait_for(NUMBER, before + 1)
        assert texts[-1] == "L'équipe : à quelle heure exactement ?"
        assert "Chiffré" not in texts[-1], "the safety notice went with the first SMS only"
