"""What happens to the bot's messages: statuses, the 24-hour window, failures and limits."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.channels.whatsapp import (
    FollowupTemplate,
    WhatsAppChannel,
    WindowClosedError,
)
from bot.channels.whatsapp_client import GraphError, Remedy, WhatsAppClient
from bot.channels.whatsapp_payloads import StatusUpdate
from bot.channels.whatsapp_store import WhatsAppLedger
from bot.messages import Choice, OutboundMessage
from nlu import Nlu
from reports.models import OutboundRow
from reports.outbound import OutboundLog
from reports.outbound_worker import OutboundWorker
from tests.bot.channels.whatsapp_harness import FOLLOWUP_TEMPLATE, whatsapp_harness
from tests.fakes.whatsapp import (
    FakeGraphAPI,
    Person,
    message_webhook,
    new_wamid,
    status_webhook,
    text,
)
from tocsin.app import App, build_app
from tocsin.settings import Settings

AMINA = Person(bsuid="ML.1410018717833190", phone="22376543210")
KALIFA = Person(bsuid="GB.2389740213554871", username="@kalifa")
QUESTION = OutboundMessage(
    "A monitor asks: were the soldiers in uniform?",
    (Choice("yes", "Yes"), Choice("no", "No")),
    language="fr",
)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "did not happen in time"
        await asyncio.sleep(0.02)


def wrote_days_ago(person: Person, days: int) -> dict:  # type: ignore[type-arg]
    body = message_webhook(person, text("hello"))
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message["timestamp"] = str(int((datetime.now(UTC) - timedelta(days=days)).timestamp()))
    return body


async def test_statuses_move_a_message_forward_and_never_back(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        await harness.say(AMINA, text("/help"))
        wamid = harness.graph.wamids[-1]
        assert await harness.ledger.status_of(wamid) == "accepted"
        for status in ("read", "delivered", "sent"):  # callbacks may arrive out of order
            assert (await harness.post(status_webhook(wamid, status, AMINA.phone or "")))[0] == 200
        assert await harness.ledger.status_of(wamid) == "read"


async def test_follow_up_inside_the_window_is_free_text(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        await harness.say(KALIFA, text("/help"))
        before = len(harness.graph.messages_to(KALIFA.bsuid))
        await harness.app.senders["whatsapp"].send(KALIFA.bsuid, [QUESTION])
        [question] = harness.graph.messages_to(KALIFA.bsuid)[before:]
        assert question["type"] == "interactive"
        assert question["recipient"] == KALIFA.bsuid


async def test_follow_up_after_the_window_is_the_configured_template(
    settings: Settings, shared_nlu: Nlu
) -> None:
    overrides = {"whatsapp_followup_template": FOLLOWUP_TEMPLATE}
    async with whatsapp_harness(settings, shared_nlu, **overrides) as harness:
        body = wrote_days_ago(AMINA, 3)
        assert (await harness.post(body))[0] == 200
        await harness.graph.wait_read(body["entry"][0]["changes"][0]["value"]["messages"][0]["id"])
        harness.graph.close_window(AMINA.phone or "")
        await harness.app.senders["whatsapp"].send(AMINA.bsuid, [QUESTION])
        template = harness.graph.messages_to(AMINA.bsuid)[-1]
        assert template["type"] == "template"
        assert template["template"]["name"] == FOLLOWUP_TEMPLATE
        assert template["template"]["language"] == {"code": "fr"}
        [parameter] = template["template"]["components"][0]["parameters"]
        assert parameter["text"] == "A monitor asks: were the soldiers in uniform? 1. Yes 2. No"


async def test_follow_up_after_the_window_without_a_template_is_a_clear_error(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        with pytest.raises(WindowClosedError, match="TOCSIN_WHATSAPP_FOLLOWUP_TEMPLATE"):
            await harness.app.senders["whatsapp"].send(AMINA.bsuid, [QUESTION])
        assert harness.graph.sent == []


async def test_window_closed_earlier_than_recorded_falls_back_to_the_template(
    settings: Settings, shared_nlu: Nlu
) -> None:
    overrides = {"whatsapp_followup_template": FOLLOWUP_TEMPLATE}
    async with whatsapp_harness(settings, shared_nlu, **overrides) as harness:
        await harness.say(KALIFA, text("/help"))
        harness.graph.close_window(KALIFA.bsuid)  # e.g. the person's clock was wrong
        await harness.app.senders["whatsapp"].send(KALIFA.bsuid, [QUESTION])
        assert [code for _body, code in harness.graph.refused] == [131047]
        assert harness.graph.messages_to(KALIFA.bsuid)[-1]["type"] == "template"


async def test_delivery_failed_for_the_window_is_sent_again_as_the_template(
    settings: Settings, shared_nlu: Nlu
) -> None:
    overrides = {"whatsapp_followup_template": FOLLOWUP_TEMPLATE}
    async with whatsapp_harness(settings, shared_nlu, **overrides) as harness:
        await harness.say(AMINA, text("/help"))
        wamid = harness.graph.wamids[-1]
        failed = status_webhook(wamid, "failed", AMINA.phone or "", error_code=131047)
        assert (await harness.post(failed))[0] == 200

        async def resent() -> bool:
            last = harness.graph.wamids[-1]
            return last != wamid and await harness.ledger.status_of(last) == "accepted"

        await eventually(resent)
        assert harness.graph.sent[-1]["type"] == "template"
        assert harness.graph.sent[-1]["to"] == AMINA.phone


async def test_undeliverable_message_is_given_up_and_reported(
    settings: Settings, shared_nlu: Nlu, caplog: pytest.LogCaptureFixture
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        await harness.say(AMINA, text("/help"))
        wamid = harness.graph.wamids[-1]
        sent_before = len(harness.graph.sent)
        caplog.set_level(logging.WARNING)
        failed = status_webhook(wamid, "failed", AMINA.phone or "", error_code=131026)
        assert (await harness.post(failed))[0] == 200

        async def reported() -> bool:
            return "failed for good" in caplog.text

        await eventually(reported)
        assert await harness.ledger.status_of(wamid) == "failed"
        assert len(harness.graph.sent) == sent_before
        assert "code=131026" in caplog.text and (AMINA.phone or "") not in caplog.text


# --- the channel and its client on their own, with fast back-off ---------------------------


@pytest.fixture
async def graph() -> FakeGraphAPI:  # type: ignore[misc]
    fake = await FakeGraphAPI(templates={FOLLOWUP_TEMPLATE: {"en", "fr", "ar"}}).start()
    yield fake
    await fake.close()


def fast_client(graph: FakeGraphAPI, **options: float) -> WhatsAppClient:
    return WhatsAppClient(
        graph.base_url, graph.token, graph.phone_number_id, backoff_seconds=0.01, **options
    )


async def test_rate_limit_is_retried_after_backing_off(graph: FakeGraphAPI) -> None:
    client = fast_client(graph)
    graph.fail_next(130429, times=2)
    started = time.monotonic()
    wamid = await client.send({"messaging_product": "whatsapp", "to": "22376543210", **_text()})
    assert wamid == graph.wamids[-1]
    assert [code for _body, code in graph.refused] == [130429, 130429]
    assert time.monotonic() - started >= 0.01 * 4 * (1 + 2)  # slower for rate limits
    await client.close()


@pytest.mark.parametrize(
    ("code", "remedy"),
    [(131000, Remedy.RETRY), (4, Remedy.SLOW_DOWN), (80007, Remedy.SLOW_DOWN),
     (131056, Remedy.SLOW_DOWN), (131047, Remedy.TEMPLATE), (131026, Remedy.GIVE_UP),
     (100, Remedy.GIVE_UP)],
)  # fmt: skip
async def test_graph_errors_are_handled_by_their_code(
    graph: FakeGraphAPI, code: int, remedy: Remedy
) -> None:
    client = fast_client(graph, attempts=1)
    graph.fail_next(code)
    with pytest.raises(GraphError) as raised:
        await client.send({"messaging_product": "whatsapp", "to": "22376543210", **_text()})
    assert (raised.value.code, raised.value.remedy) == (code, remedy)
    await client.close()


async def test_a_bad_token_is_not_retried(graph: FakeGraphAPI) -> None:
    client = WhatsAppClient(graph.base_url, "wrong", graph.phone_number_id, backoff_seconds=0.01)
    with pytest.raises(GraphError) as raised:
        await client.send({"messaging_product": "whatsapp", "to": "22376543210", **_text()})
    assert (raised.value.code, raised.value.remedy) == (190, Remedy.GIVE_UP)
    assert graph.unauthorised == 1
    await client.close()


async def test_outbound_messages_are_paced_per_number(graph: FakeGraphAPI) -> None:
    client = fast_client(graph, messages_per_second=50)
    started = time.monotonic()
    body = {"messaging_product": "whatsapp", "to": "22376543210", **_text()}
    await asyncio.gather(*(client.send(body) for _ in range(75)))
    assert time.monotonic() - started >= 0.45  # 50 at once, then 25 more at 50 per second
    await client.close()


def _text() -> dict:  # type: ignore[type-arg]
    return {"type": "text", "text": {"body": "hello"}}


def channel_and_worker(
    app: App, graph: FakeGraphAPI, retry_base_seconds: float = 0
) -> tuple[WhatsAppChannel, WhatsAppLedger, OutboundLog, OutboundWorker]:
    """The channel with fast back-off, and the outbound claim loop that retries for it."""
    ledger = WhatsAppLedger(app.database)
    outbound = OutboundLog(app.database, app.keyring)
    channel = WhatsAppChannel(
        app.conversation,
        fast_client(graph, attempts=2),
        ledger,
        app.keyring,
        max_media_bytes=1024,
        followup=FollowupTemplate(FOLLOWUP_TEMPLATE),
        retry_base_seconds=retry_base_seconds,
        outbound=outbound,
    )
    worker = OutboundWorker(outbound, {"whatsapp": channel}, channel.policy, max_attempts=3)
    return channel, ledger, outbound, worker


async def test_a_message_meta_cannot_take_now_is_queued_and_sent_later(
    graph: FakeGraphAPI, settings: Settings, shared_nlu: Nlu
) -> None:
    app = await build_app(settings, nlu=shared_nlu)
    channel, ledger, outbound, worker = channel_and_worker(app, graph)
    await ledger.touch_window(app.keyring.pseudonym("whatsapp", KALIFA.bsuid), datetime.now(UTC))
    graph.fail_next(131000, times=2)  # Meta is having a bad minute
    await channel.send(KALIFA.bsuid, [QUESTION, OutboundMessage("Thank you.", language="fr")])
    assert graph.sent == []
    assert await outbound.counts("whatsapp") == {"pending": 2}

    assert await worker.run_due() == 2
    assert [body["type"] for body in graph.sent] == ["interactive", "text"]  # in order
    assert await ledger.counts() == {"accepted": 2}
    assert await outbound.counts("whatsapp") == {"accepted": 2}  # kept until delivered
    assert await worker.run_due() == 0  # sent once
    await ledger.close()
    await channel.client.close()
    await app.close()


async def test_a_retry_meta_refuses_again_waits_longer_then_is_given_up(
    graph: FakeGraphAPI, settings: Settings, shared_nlu: Nlu, caplog: pytest.LogCaptureFixture
) -> None:
    app = await build_app(settings, nlu=shared_nlu)
    channel, ledger, outbound, worker = channel_and_worker(app, graph, retry_base_seconds=60)
    assert [channel.policy.delay(n) for n in range(3)] == [60, 120, 240]
    await ledger.touch_window(app.keyring.pseudonym("whatsapp", KALIFA.bsuid), datetime.now(UTC))
    graph.fail_next(131000, times=2)
    await channel.send(KALIFA.bsuid, [QUESTION])
    assert await worker.run_due() == 0  # due in a minute, not now

    async def due_now() -> None:
        async with app.database.begin() as connection:
            await connection.execute(
                update(OutboundRow).values(available_at=datetime.now(UTC) - timedelta(seconds=1))
            )

    async def schedule() -> tuple[int, float]:
        async with app.database.connect() as connection:
            row = (
                await connection.execute(select(OutboundRow.attempts, OutboundRow.available_at))
            ).one()
        available_at = row.available_at.replace(tzinfo=row.available_at.tzinfo or UTC)
        return row.attempts, (available_at - datetime.now(UTC)).total_seconds()

    caplog.set_level(logging.WARNING)
    graph.fail_next(131000, times=4)
    for attempts, wait in ((2, 120), (3, 240)):
        await due_now()
        assert await worker.run_due() == 1
        tried, left = await schedule()
        assert tried == attempts and wait - 5 < left <= wait
    await due_now()
    sent_before = len(graph.sent)
    assert await worker.run_due() == 1
    assert len(graph.sent) == sent_before
    assert await outbound.counts("whatsapp") == {"failed": 1}
    assert "failed for good" in caplog.text and KALIFA.bsuid not in caplog.text
    await ledger.close()
    await channel.client.close()
    await app.close()


async def test_a_delivery_meta_reports_failed_later_is_sent_again_once(
    graph: FakeGraphAPI, settings: Settings, shared_nlu: Nlu
) -> None:
    app = await build_app(settings, nlu=shared_nlu)
    channel, ledger, outbound, worker = channel_and_worker(app, graph)
    await ledger.touch_window(app.keyring.pseudonym("whatsapp", KALIFA.bsuid), datetime.now(UTC))
    await channel.send(KALIFA.bsuid, [QUESTION])
    [first] = graph.wamids
    assert await outbound.counts("whatsapp") == {"accepted": 1}  # its copy, until delivered
    failed = StatusUpdate(first, "failed", 131000)  # Meta's side failed after taking it
    await ledger.record_statuses([failed])
    await ledger.record_statuses([failed])  # the same callback, delivered twice

    async def rescheduled() -> bool:
        return await outbound.counts("whatsapp") == {"pending": 1}

    await eventually(rescheduled)
    assert await worker.run_due() == 1
    assert await worker.run_due() == 0
    [again] = graph.wamids[1:]
    assert graph.sent[-1]["type"] == "interactive"  # the window is open: as it was
    assert await ledger.status_of(again) == "accepted"
    await ledger.record_statuses([StatusUpdate(again, "delivered")])
    assert await outbound.counts("whatsapp") == {"sent": 1}  # delivered: the copy is gone
    await ledger.close()
    await channel.client.close()
    await app.close()


async def test_statuses_arriving_together_are_committed_together(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        wamids = [new_wamid() for _ in range(60)]
        bodies = [status_webhook(w, "delivered", AMINA.phone or "") for w in wamids]
        statuses = await asyncio.gather(*(harness.post(json.dumps(b).encode()) for b in bodies))
        assert {status for status, _text in statuses} == {200}
        assert await harness.ledger.counts() == {"delivered": 60}
