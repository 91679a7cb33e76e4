"""E-mail over STARTTLS with text and HTML, and signed webhooks that refuse replays."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest

from escalation.notifiers.email import SmtpServer
from escalation.notifiers.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify
from tests.escalation.conftest import HOOK_SECRET, Bench, only


def test_smtp_urls_of_the_interface_spec() -> None:
    submission = SmtpServer.from_url("smtp://desk%40ngo.org:s3cret@mail.ngo.org:587")
    assert (submission.host, submission.port, submission.start_tls) == ("mail.ngo.org", 587, True)
    assert (submission.username, submission.password) == ("desk@ngo.org", "s3cret")
    relay = SmtpServer.from_url("smtp://relay.local:25")
    assert relay.start_tls is None, "STARTTLS when offered"
    implicit = SmtpServer.from_url("smtps://mail.ngo.org")
    assert (implicit.port, implicit.use_tls) == (465, True)
    with pytest.raises(ValueError):
        SmtpServer.from_url("http://mail.ngo.org")


async def test_critical_alert_mail_has_plain_text_and_html_and_travels_encrypted(
    bench: Bench,
) -> None:
    view = await bench.submit(immediate_danger=True)
    await bench.run()
    from datetime import timedelta

    bench.clock.advance(timedelta(minutes=11))
    await bench.run()

    mail = only(bench.mails_to("head@example.org"))
    assert mail.tls
    assert mail.message["From"] == "tocsin@example.org"
    assert view.reference in mail.message["Subject"] and "CRITICAL" in mail.message["Subject"]
    parts = bench.smtp.parts(bench.smtp.received.index(mail))
    assert (
        view.reference in parts["text/plain"] and "Not acknowledged after 10" in parts["text/plain"]
    )
    assert '<a href="https://www.openstreetmap.org/' in parts["text/html"]


async def test_webhook_signature_is_checked_and_a_replay_is_refused(bench: Bench) -> None:
    await bench.submit(immediate_danger=True)
    await bench.run()
    body = json.dumps(only(bench.hooks.accepted)).encode()

    old = int(time.time()) - 3600
    async with aiohttp.ClientSession() as client:
        replay = await client.post(
            bench.hooks.url,
            data=body,
            headers={TIMESTAMP_HEADER: str(old), SIGNATURE_HEADER: sign(HOOK_SECRET, old, body)},
        )
        now = int(time.time())
        forged = await client.post(
            bench.hooks.url,
            data=body,
            headers={TIMESTAMP_HEADER: str(now), SIGNATURE_HEADER: sign("wrong" * 4, now, body)},
        )
    assert (replay.status, forged.status) == (401, 401)
    assert len(bench.hooks.accepted) == 1
    assert verify(HOOK_SECRET, str(now), body, sign(HOOK_SECRET, now, body))


async def test_a_failing_webhook_is_retried_and_delivered_once(bench: Bench) -> None:
    bench.hooks.fail_next, bench.hooks.throttle_next = 2, 1
    view = await bench.submit(immediate_danger=True)
    for _ in range(30):
        await bench.run()
        if bench.hooks.accepted:
            break
        await asyncio.sleep(0.1)
    body = only(bench.hooks.accepted)
    assert body["alert"]["reports"][0]["reference"] == view.reference
    assert "description" not in json.dumps(body)
