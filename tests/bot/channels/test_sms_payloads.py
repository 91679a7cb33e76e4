"""Real provider payloads replayed through the SMS webhooks, and the parsing of each shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from bot.channels.sms_payloads import (
    ConcatPart,
    PayloadError,
    africastalking_delivery,
    africastalking_inbound,
    as_command,
    gateway_event,
    is_opt_out,
    parse_udh,
    twilio_status,
)
from nlu import Nlu
from tests.bot.channels.sms_harness import sms_harness
from tests.fakes import sms as fake
from tocsin.settings import Settings

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "sms"
NOW = datetime(2026, 12, 4, 10, 15, tzinfo=UTC)


def form(name: str) -> list[tuple[str, str]]:
    return parse_qsl((PAYLOADS / name).read_text(), keep_blank_values=True)


def event(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


def test_africastalking_inbound_reads_both_date_formats() -> None:
    first = africastalking_inbound(dict(form("africastalking/inbound.form")), NOW)
    assert (first.sender, first.text, first.message_id) == (
        "+254791541111",
        "Msg",
        "ec9adc86-51d5-4bc8-8eb0-d8ab0bb53dc3",
    )
    assert first.received_at == "2017-05-03T06:04:45+00:00"
    second = africastalking_inbound(dict(form("africastalking/inbound_space_date.form")), NOW)
    assert second.received_at == "2017-05-03T06:04:45+00:00"
    assert second.text.startswith("Polisi wamempiga")


@pytest.mark.parametrize(
    ("name", "state", "error"),
    [
        ("africastalking/delivery_success.form", "delivered", None),
        ("africastalking/delivery_failed.form", "failed", "UserInBlacklist"),
    ],
)
def test_africastalking_delivery_reports(name: str, state: str, error: str | None) -> None:
    report = africastalking_delivery(dict(form(name)))
    assert (report.message_id, report.state, report.error) == (
        "ATXid_dda018a640edfcc5d2ce455de3e4a6e7",
        state,
        error,
    )


def test_unknown_statuses_are_refused() -> None:
    with pytest.raises(PayloadError):
        africastalking_delivery(dict(form("africastalking/delivery_unknown_status.form")))
    with pytest.raises(PayloadError):
        twilio_status(dict(form("twilio/status_unknown.form")))


def test_twilio_status_callbacks() -> None:
    assert twilio_status(dict(form("twilio/status_delivered.form"))).state == "delivered"
    failed = twilio_status(dict(form("twilio/status_failed_unsubscribed.form")))
    assert (failed.state, failed.error) == ("failed", "21610")


def test_gateway_events() -> None:
    received = gateway_event(event("http/received.json"), NOW)
    assert (received.sender, received.message_id) == ("+79990001234", "Ey6ECgOkVVFjz3CL48B8C")
    assert received.received_at == "2024-06-22T15:46:11+07:00"
    assert gateway_event(event("http/delivered.json"), NOW).state == "delivered"  # type: ignore[union-attr]
    failed = gateway_event(event("http/failed.json"), NOW)
    assert (failed.state, failed.error) == ("failed", "RESULT_ERROR_GENERIC_FAILURE")  # type: ignore[union-attr]


def test_user_data_header_of_a_long_message() -> None:
    assert parse_udh("050003a70201") == ConcatPart(0xA7, 2, 1)
    assert parse_udh("0608040102" + "0302") == ConcatPart(0x0102, 3, 2)
    for bad in ("zz", "050003a70203", "0400"):
        with pytest.raises(PayloadError):
            parse_udh(bad)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("STATUS TX-ABCD-EFGH", "/status TX-ABCD-EFGH"),
        ("statut tx-abcd-efgh", "/status TX-ABCD-EFGH"),
        ("حالة TX-ABCD-EFGH", "/status TX-ABCD-EFGH"),
        ("DELETE", "/delete"),
        ("Supprimer", "/delete"),
        ("حذف", "/delete"),
        ("help", "/help"),
        ("LANGUE fr", "/language fr"),
        ("Help soldiers are beating people", None),
        ("status of the road is bad", None),
        ("1", None),
    ],
)
def test_keywords_become_commands_only_when_alone(text: str, command: str | None) -> None:
    assert as_command(text) == command


@pytest.mark.parametrize("text", ["STOP", "stop", "Arrêt", "ARRET", "توقف", " Stop. "])
def test_opt_out_words(text: str) -> None:
    assert is_opt_out(text)


def test_a_story_that_starts_with_stop_is_a_story() -> None:
    assert not is_opt_out("stop them they are beating people in Gao")


async def test_replayed_payloads_are_accepted_and_answered(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, "africastalking") as harness:
        for name, sender in (
            ("africastalking/inbound.form", "+254791541111"),
            ("africastalking/inbound_space_date.form", "+254711082000"),
        ):
            status, _text = await harness.post_form(
                f"/sms/africastalking/inbound?secret={fake.WEBHOOK_SECRET}", form(name)
            )
            assert status == 200
            assert await harness.fake.wait_for(sender, 1)
    async with sms_harness(settings, shared_nlu, "twilio") as harness:
        fields = form("twilio/inbound.form")
        signature = fake.twilio_signature(f"{fake.PUBLIC_URL}/sms/twilio/inbound", fields)
        status, body = await harness.post_form(
            "/sms/twilio/inbound", fields, {"X-Twilio-Signature": signature}
        )
        assert status == 200 and "<Response>" in body
        assert await harness.fake.wait_for("+14133881111", 1)
    async with sms_harness(settings, shared_nlu, "http") as harness:
        status, _text = await harness.post_json(event("http/received.json"))
        assert status == 200
        assert await harness.fake.wait_for("+79990001234", 1)


@pytest.mark.parametrize(
    ("provider", "file", "message_id", "status"),
    [
        (
            "africastalking",
            "africastalking/delivery_success.form",
            "ATXid_dda018a640edfcc5d2ce455de3e4a6e7",
            "delivered",
        ),
        (
            "twilio",
            "twilio/status_delivered.form",
            "SMe287d7109a5a925f182f0e07fe5b223b",
            "delivered",
        ),
        (
            "twilio",
            "twilio/status_failed_unsubscribed.form",
            "SMe287d7109a5a925f182f0e07fe5b223b",
            "failed",
        ),  # unsubscribed at the operator: not sent again, and opted out here
        ("http", "http/delivered.json", "zXDYfTmTVf3iMd16zzdBj", "delivered"),
    ],
)
async def test_replayed_delivery_reports_land_on_the_sent_message(
    provider: str, file: str, message_id: str, status: str, settings: Settings, shared_nlu: Nlu
) -> None:
    async with sms_harness(settings, shared_nlu, provider) as harness:
        await harness.store.record_sent(provider, message_id, "p" * 64, "+254711082000", "Hi", 1)
        if provider == "africastalking":
            code, _text = await harness.post_form(
                f"/sms/africastalking/delivery?secret={fake.WEBHOOK_SECRET}", form(file)
            )
        elif provider == "twilio":
            fields = form(file)
            signature = fake.twilio_signature(f"{fake.PUBLIC_URL}/sms/twilio/status", fields)
            code, _text = await harness.post_form(
                "/sms/twilio/status", fields, {"X-Twilio-Signature": signature}
            )
        else:
            code, _text = await harness.post_json(event(file))
        assert code == 200
        (row,) = await harness.store.outbound()
        assert row.status == status
        if status in ("delivered", "failed"):
            assert row.body_enc is None, "a final SMS keeps neither its text nor its number"
        assert await harness.store.opted_out("p" * 64) == (status == "failed")
