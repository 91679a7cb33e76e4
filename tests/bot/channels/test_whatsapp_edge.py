"""What the WhatsApp webhook cannot read it refuses cleanly: a signed poison is acknowledged
with 200 and nothing stored (Meta would redeliver any error for days), odd strings and ids are
made storable, impossible pins get a clear answer, and nobody holds a connection open by
promising a body they never send."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from bot.channels.whatsapp_payloads import MAX_WAMID_CHARS
from nlu import Nlu
from tests.bot.channels.whatsapp_harness import WhatsAppHarness, whatsapp_harness
from tests.fakes.whatsapp import Person, message_webhook, new_wamid, sign, text
from tocsin.settings import Settings

AWA = Person(bsuid="ML.1410018717833191", phone="22376543211")


async def _answers(harness: WhatsAppHarness, person: Person, wamid: str) -> list[str]:
    await harness.graph.wait_read(wamid, timeout=20)
    return [
        json.dumps(message, ensure_ascii=False)
        for message in harness.graph.messages_to(person.address)
    ]


async def test_json_nested_five_thousand_deep_is_acknowledged_and_stores_nothing(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        body = message_webhook(AWA, text("hello"))
        raw = json.dumps(body).encode().replace(b'"hello"', b"[" * 5000 + b"]" * 5000)
        assert (await harness.post(raw))[0] == 200
        assert await harness.inbox_rows() == 0


async def test_an_entry_that_is_not_a_list_is_acknowledged_and_stores_nothing(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        assert (await harness.post({"object": "whatsapp_business_account", "entry": "notalist"}))[
            0
        ] == 200
        broken = message_webhook(AWA, text("hello"))
        broken["entry"][0]["changes"] = [{"field": "messages", "value": "notadict"}, 7]
        assert (await harness.post(broken))[0] == 200
        assert await harness.inbox_rows() == 0


async def test_a_lone_surrogate_in_the_text_is_repaired_stored_and_answered(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        wamid = new_wamid()
        raw = json.dumps(message_webhook(AWA, text("MARKER"), wamid=wamid)).encode()
        raw = raw.replace(b"MARKER", b"hello \\ud800 there")  # JSON allows it; UTF-8 does not
        assert (await harness.post(raw))[0] == 200
        assert await harness.inbox_rows() == 1
        assert await _answers(harness, AWA, wamid)


async def test_parts_of_the_wrong_type_in_a_message_are_answered_not_retried(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        for index, content in enumerate(
            (
                {"type": "text", "text": "a string, not an object"},
                {"type": "interactive", "interactive": "a string"},
                {"type": "image", "image": ["a", "list"]},
                {"type": ["text"], "text": {"body": "hello"}},
                {"type": "text", "text": {"body": "late"}, "timestamp": "9" * 40},
            )
        ):
            person = Person(bsuid=f"ML.14100187178332{index:02d}", phone=f"2237600000{index}")
            wamid = new_wamid()
            assert (await harness.post(message_webhook(person, content, wamid=wamid)))[0] == 200
            assert await _answers(harness, person, wamid), content


@pytest.fixture(params=["sqlite", "postgres"])
def both_backends(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The settings on SQLite, and on PostgreSQL (whose columns enforce their length)."""
    if request.param == "sqlite":
        return settings
    return settings.model_copy(update={"database_url": request.getfixturevalue("postgres_url")})


async def test_a_message_id_longer_than_the_column_is_kept_by_a_fixed_length_key(
    both_backends: Settings, shared_nlu: Nlu
) -> None:
    settings = both_backends
    async with whatsapp_harness(settings, shared_nlu) as harness:
        wamid = "wamid." + "A" * 300
        body = message_webhook(AWA, text("hello"), wamid=wamid)
        assert (await harness.post(body))[0] == 200
        assert await _answers(harness, AWA, wamid)
        answered = len(harness.graph.messages_to(AWA.address))
        assert (await harness.post(body))[0] == 200  # redelivered: still one item
        assert await harness.inbox_rows() == 1
        status = {"id": "wamid." + "B" * MAX_WAMID_CHARS, "status": "delivered"}
        statuses = message_webhook(AWA, text("x"))
        value = statuses["entry"][0]["changes"][0]["value"]
        value.pop("messages")
        value["statuses"] = [{**status, "timestamp": "1779372805", "recipient_id": AWA.phone}]
        assert (await harness.post(statuses))[0] == 200
        await asyncio.sleep(0.2)
        assert len(harness.graph.messages_to(AWA.address)) == answered


@pytest.mark.parametrize(
    "pin",
    [b'{"latitude": 999, "longitude": 999}', b'{"latitude": -91, "longitude": 181}',
     b'{"latitude": NaN, "longitude": NaN}', b'{"latitude": "nan", "longitude": "0"}'],
    ids=["999-999", "minus91-181", "nan", "nan-string"],
)  # fmt: skip
async def test_an_impossible_pin_gets_a_clear_answer_and_is_not_kept(
    pin: bytes, settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        wamid = new_wamid()
        start = message_webhook(AWA, text("Soldiers beat three men at the market yesterday"))
        assert (await harness.post(start))[0] == 200
        await harness.graph.wait_read(start["entry"][0]["changes"][0]["value"]["messages"][0]["id"])
        body = message_webhook(AWA, {"type": "location", "location": {}}, wamid=wamid)
        raw = json.dumps(body).encode().replace(b'"location": {}', b'"location": ' + pin)
        assert (await harness.post(raw))[0] == 200
        answers = await _answers(harness, AWA, wamid)
        assert "cannot be right" in answers[-2] or "cannot be right" in answers[-1]
        session = await harness.app.sessions.load(
            harness.app.keyring.pseudonym("whatsapp", AWA.bsuid)
        )
        assert session is not None and session.draft.lat is None


async def _raw_request(harness: WhatsAppHarness, headers: dict[str, str], body: bytes) -> bytes:
    """Send a request by hand, promising 1,000,000 bytes and sending `body`; the answer."""
    host, port = harness.server.host, harness.server.port
    reader, writer = await asyncio.open_connection(host, port)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(
        f"POST /whatsapp/webhook HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: 1000000\r\n{head}\r\n".encode()
        + body
    )
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(200), timeout=30)
    finally:
        writer.close()


async def test_an_unsigned_request_promising_a_large_body_is_refused_at_once(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        started = time.monotonic()
        answer = await _raw_request(harness, {}, b"x" * 50)
        assert answer.startswith(b"HTTP/1.1 401")
        assert time.monotonic() - started < 2
        forged = await _raw_request(harness, {"X-Hub-Signature-256": "sha256=abc"}, b"x" * 50)
        assert forged.startswith(b"HTTP/1.1 403")


async def test_a_signed_looking_request_whose_body_never_comes_is_dropped_after_a_timeout(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        started = time.monotonic()
        header = {"X-Hub-Signature-256": sign(b"x" * 1_000_000, "guess")}
        answer = await _raw_request(harness, header, b"x" * 50)
        assert answer.startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < 15
        assert await harness.inbox_rows() == 0
