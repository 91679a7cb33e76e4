"""Anonymous follow-up: staff ask, the bot relays, the reporter answers, staff read it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.engine import ConversationEngine, EngineServices
from bot.messages import InboundMessage, OutboundMessage
from bot.sessions import MemorySessionStore
from escalation.gateway import EscalationGateway
from escalation.notifiers.telegram import TelegramNotifier
from nlu import Nlu
from reports.models import Report
from tests.escalation.conftest import DESK, STAFF_USER, Bench, bench_settings, new_worker, only
from tocsin.components.escalation import AppRelay
from tocsin.settings import Settings

REPORTER = "5551234"


@dataclass
class RecordingSender:
    """The reporter's channel: what the bot sends them without being asked."""

    channel: str = "telegram"
    sent: list[tuple[str, list[OutboundMessage]]] = field(default_factory=list)

    slow: str | None = None  # messages with these words take a while to go out

    async def send(self, recipient_id: str, messages: Sequence[OutboundMessage]) -> None:
        if self.slow and any(self.slow in message.text for message in messages):
            await asyncio.sleep(0.3)
        self.sent.append((recipient_id, list(messages)))

    def texts(self) -> list[str]:
        return [message.text for _recipient, messages in self.sent for message in messages]


@dataclass
class Channels:
    """What `AppRelay` uses of the app: the senders and the conversation engine."""

    conversation: ConversationEngine
    senders: dict[str, RecordingSender]


@pytest.fixture
def channels(bench: Bench, shared_nlu: Nlu, nlu_cache_dir: Path) -> Channels:
    services = EngineServices(
        settings=Settings(_env_file=None, cache_dir=nlu_cache_dir),
        nlu=shared_nlu,
        store=bench.store,
        keyring=bench.keyring,
        sessions=MemorySessionStore(ttl_seconds=3600),
    )
    return Channels(ConversationEngine(services), {"telegram": RecordingSender()})


@pytest.fixture
def relayed(bench: Bench, channels: Channels, database_url: str) -> Bench:
    """The bench with a worker and gateway that reach reporters through `channels`."""
    relay = AppRelay(channels)  # type: ignore[arg-type]
    settings = bench_settings(database_url, bench.bot_api.url)
    worker = new_worker(
        settings, bench.store.engine, bench.keyring, bench.store, bench.worker.ruleset,
        bench.clock, relay=relay,
    )  # fmt: skip
    telegram = worker.notifiers["telegram"]
    assert isinstance(telegram, TelegramNotifier)
    bench.workers.append(worker)
    bench.worker = worker
    bench.gateway = EscalationGateway(worker, bench.store, telegram, relay, [STAFF_USER])
    return bench


async def _submit_contactable(bench: Bench) -> str:
    view = await bench.submit(
        channel="telegram",
        person=REPORTER,
        immediate_danger=True,
        consent_followup=True,
        contact=f"telegram:{REPORTER}",
    )
    await bench.run()
    return view.reference


async def test_staff_question_reaches_the_reporter_and_the_answer_comes_back(
    relayed: Bench, channels: Channels
) -> None:
    bench, sender = relayed, channels.senders["telegram"]
    reference = await _submit_contactable(bench)

    assert await bench.press("ask", reference) == "Type your question as a reply."
    prompt = bench.bot_api.chat(DESK)[-1]
    assert "Reply to this message" in prompt.text and reference in prompt.text
    reply = await bench.gateway.handle_staff_message(
        "telegram", DESK, STAFF_USER, "How many soldiers were there?", str(prompt.message_id)
    )
    assert reply == f"Question sent to the reporter of {reference}."
    recipient, messages = only(sender.sent)
    assert recipient == REPORTER
    assert "How many soldiers were there?" in messages[0].text and reference in messages[0].text
    assert "Amina" not in messages[0].text, "the reporter never learns who asked"

    answers = await channels.conversation.handle(
        InboundMessage(channel="telegram", sender_id=REPORTER, text="About twenty, in two trucks")
    )
    assert "Your answer was sent" in answers[0].text
    await bench.run()

    relayed_answer = bench.bot_api.chat(DESK)[-1].text
    assert relayed_answer.startswith(f"Answer from the reporter of {reference}:")
    assert "About twenty, in two trucks" in relayed_answer
    assert REPORTER not in relayed_answer, "staff never see the reporter's identity"
    view = await bench.store.get_report(reference, actor="test")
    assert view.additions == ("About twenty, in two trucks",)


async def test_the_reporter_hears_when_staff_change_the_status(
    relayed: Bench, channels: Channels
) -> None:
    bench, sender = relayed, channels.senders["telegram"]
    reference = await _submit_contactable(bench)
    await bench.press("verify", reference)
    await bench.run()
    news = [text for text in sender.texts() if text.startswith("News about your report")]
    assert news[-1] == f"News about your report {reference}: it is now verified."


async def test_status_news_reaches_the_reporter_in_the_order_of_the_changes(
    relayed: Bench, channels: Channels
) -> None:
    """Verified from "triaged" passes through "being verified": that notice, even when it
    is slower to send, never arrives after "verified" (it is sent first, or not at all)."""
    bench, sender = relayed, channels.senders["telegram"]
    sender.slow = "being verified"
    reference = await _submit_contactable(bench)
    await bench.press("ack", reference)
    await bench.run()
    await bench.press("verify", reference)
    await bench.run()
    news = [text for text in sender.texts() if text.startswith("News about your report")]
    assert news[-1] == f"News about your report {reference}: it is now verified.", news
    assert len(news) == len(set(news)), "each status is told once"
    order = ["being reviewed", "being verified", "verified"]
    told = [next(s for s in reversed(order) if text.endswith(f"now {s}.")) for text in news]
    assert told == sorted(told, key=order.index), told


async def test_a_reporter_who_stayed_anonymous_cannot_be_asked(relayed: Bench) -> None:
    bench = relayed
    view = await bench.submit(immediate_danger=True, consent_followup=False)
    await bench.run()
    ping = only(bench.bot_api.chat(DESK))
    assert not any(data.startswith("esc:ask:") for data in ping.buttons)

    alert_id = ping.buttons[0].rsplit(":", 1)[1]
    await bench.gateway.handle_staff_action(
        "telegram", DESK, STAFF_USER, str(ping.message_id), f"esc:ask:{alert_id}"
    )
    prompt = bench.bot_api.chat(DESK)[-1]
    reply = await bench.gateway.handle_staff_message(
        "telegram", DESK, STAFF_USER, "Are you safe?", str(prompt.message_id)
    )
    assert reply is not None and "none agreed to be contacted" in reply
    assert view.reference in prompt.text


async def test_messages_in_a_staff_chat_that_answer_no_prompt_are_left_alone(
    relayed: Bench,
) -> None:
    assert (
        await relayed.gateway.handle_staff_message("telegram", DESK, STAFF_USER, "hello", None)
        is None
    )


async def test_a_question_arriving_mid_report_is_answered_then_the_report_goes_on(
    relayed: Bench, channels: Channels
) -> None:
    bench, sender = relayed, channels.senders["telegram"]
    reference = await _submit_contactable(bench)
    engine = channels.conversation
    await engine.handle(
        InboundMessage(
            channel="telegram",
            sender_id=REPORTER,
            text="Police beat three men at the market in Mopti this morning",
        )
    )
    session = await engine.services.sessions.load(bench.keyring.pseudonym("telegram", REPORTER))
    step_before = session.step
    assert step_before not in (None, "staff_question")

    relay = AppRelay(channels)  # type: ignore[arg-type]
    assert await relay.ask("telegram", REPORTER, reference, "Were they released?", "en")
    assert "Were they released?" in sender.texts()[-1]
    replies = await engine.handle(
        InboundMessage(channel="telegram", sender_id=REPORTER, text="Yes, at night")
    )
    assert "Your answer was sent" in replies[0].text
    assert replies[-1].step == step_before, "the report in progress is asked again"


async def test_the_first_acknowledgement_and_news_are_stored_on_the_report(
    relayed: Bench, channels: Channels
) -> None:
    """What the accountability figures read: stamped when the button is pressed and when the
    reporter is told, not found again in the audit log and the deliveries."""
    bench = relayed
    reference = await _submit_contactable(bench)
    stamps = select(Report.first_ack_at, Report.first_notice_at).where(
        Report.reference == reference
    )
    async with bench.store.engine.connect() as connection:
        assert tuple((await connection.execute(stamps)).one()) == (None, None)
    await bench.press("ack", reference)
    await bench.run()
    assert any(
        text.startswith("News about your report") for text in channels.senders["telegram"].texts()
    )
    async with bench.store.engine.connect() as connection:
        acknowledged, told = (await connection.execute(stamps)).one()
    assert acknowledged is not None and told is not None and acknowledged <= told
