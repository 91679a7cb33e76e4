"""The webhook's door: Meta's handshake, signatures on the raw body, size, redelivery."""

from __future__ import annotations

import json

from nlu import Nlu
from tests.bot.channels.whatsapp_harness import APP_SECRET, VERIFY_TOKEN, whatsapp_harness
from tests.fakes.whatsapp import Person, message_webhook, new_wamid, sign, text
from tocsin.settings import Settings

AMINA = Person(bsuid="ML.1410018717833190", phone="22376543210")


async def test_handshake_echoes_the_challenge_for_our_verify_token(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        query = {
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        }
        async with harness.http.get(harness.webhook_url, params=query) as response:
            assert response.status == 200
            assert await response.text() == "1158201444"


async def test_handshake_with_a_wrong_verify_token_is_forbidden(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        query = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "42"}
        async with harness.http.get(harness.webhook_url, params=query) as response:
            assert response.status == 403
            assert "42" not in await response.text()


async def test_forged_signature_stores_nothing(settings: Settings, shared_nlu: Nlu) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        body = json.dumps(message_webhook(AMINA, text("hello"))).encode()
        forged = sign(body, "not-the-app-secret")
        status, _text = await harness.post(body, signature=forged)
        assert status == 403
        assert await harness.inbox_rows() == 0
        assert harness.graph.sent == []


async def test_signature_of_another_body_stores_nothing(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        signed = json.dumps(message_webhook(AMINA, text("hello"))).encode()
        tampered = signed.replace(b"hello", b"hullo")
        status, _text = await harness.post(tampered, signature=sign(signed, APP_SECRET))
        assert status == 403
        assert await harness.inbox_rows() == 0


async def test_missing_signature_stores_nothing(settings: Settings, shared_nlu: Nlu) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        status, _text = await harness.post(message_webhook(AMINA, text("hello")), signature=None)
        assert status == 401
        assert await harness.inbox_rows() == 0


async def test_oversized_body_is_refused_before_reading_it(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        huge = message_webhook(AMINA, text("x" * (1024 * 1024)))
        status, _text = await harness.post(huge)
        assert status == 413
        assert await harness.inbox_rows() == 0


async def test_signed_but_unreadable_body_is_acknowledged_and_stores_nothing(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        status, _text = await harness.post(b"{not json")
        assert status == 200  # any error would make Meta deliver the same poison for days
        status, _text = await harness.post({"object": "page", "entry": []})
        assert status == 200
        assert await harness.inbox_rows() == 0


async def test_redelivered_message_is_answered_once(settings: Settings, shared_nlu: Nlu) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        wamid = new_wamid()
        body = message_webhook(AMINA, text("hello"), wamid=wamid)
        assert (await harness.post(body))[0] == 200
        await harness.graph.wait_read(wamid)
        answered = len(harness.graph.messages_to(AMINA.phone or ""))
        assert answered > 0

        assert (await harness.post(body))[0] == 200  # Meta timed out and delivers it again
        assert await harness.inbox_rows() == 1
        assert len(harness.graph.messages_to(AMINA.phone or "")) == answered


async def test_two_messages_in_one_delivery_are_answered_in_order(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        first = message_webhook(AMINA, text("/help"))
        second = message_webhook(AMINA, text("/language"))
        value = first["entry"][0]["changes"][0]["value"]
        value["messages"] += second["entry"][0]["changes"][0]["value"]["messages"]
        assert (await harness.post(first))[0] == 200
        for message in value["messages"]:
            await harness.graph.wait_read(message["id"])
        assert await harness.inbox_rows() == 2
        assert harness.graph.reads[-2:] == [message["id"] for message in value["messages"]]
