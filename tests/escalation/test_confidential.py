"""Nothing of a confidential case reaches anyone who is not on its confidential route.

One confidential report is filed among ordinary reports of the same area and kind, then
everything every non-confidential target received is read: Telegram messages with their edits,
e-mails (subjects and bodies), webhook bodies, and the daily digest. The confidential report's
reference, category, and its weight in any count (incident size, surge, digest) must not appear.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from escalation.rules import Digest
from tests.escalation.conftest import DESK, HEAD, SEAH, Bench

ORDINARY = 4  # one fewer than the bench's surge threshold (min_reports: 5)

CONFIDENTIAL = {
    "sexual violence": {
        "category": "sexual_violence",
        "description": "Soldiers assaulted a woman at the well",
    },
    "foreign personnel named in the account": {
        "category": "killing",
        "perpetrator_detail": "soldiers",
        "description": "EUTM instructors were with the soldiers who shot a herder",
    },
}


def everything_received(bench: Bench) -> list[str]:
    """Every text a non-confidential target got: chats (with edits), mail, webhooks."""
    texts: list[str] = []
    for chat in (DESK, HEAD):
        for message in bench.bot_api.chat(chat):
            texts.extend([message.text, *message.edits])
    for mail in bench.smtp.received:
        if "seah@example.org" in mail.recipients:
            continue
        texts.append(str(mail.message["Subject"]))
        for part in mail.message.walk():
            if part.get_content_maintype() == "text":
                payload: Any = part.get_payload(decode=True) or b""
                texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    texts.extend(json.dumps(body, ensure_ascii=False) for body in bench.hooks.accepted)
    return texts


@pytest.mark.parametrize("confidential", CONFIDENTIAL.values(), ids=list(CONFIDENTIAL))
async def test_a_confidential_report_leaves_no_trace_with_non_confidential_targets(
    bench: Bench, confidential: dict[str, str]
) -> None:
    ordinary = [
        await bench.submit(
            severity="critical", lat=None, lon=None, place=f"village {i}", person=f"p{i}"
        )
        for i in range(ORDINARY)
    ]
    await bench.run()
    secret = await bench.submit(
        severity="critical", lat=None, lon=None, place="village 9", person="witness", **confidential
    )
    await bench.run()
    ruleset = bench.worker.ruleset.model_copy(
        update={"digest": Digest(enabled=True, at_hour_utc=0)}
    )
    bench.worker.policy.ruleset = bench.worker.dispatcher.ruleset = ruleset
    await bench.run()  # the day's digest

    assert any(secret.reference in m.text for m in bench.bot_api.chat(SEAH)), "filed and routed"
    received = "\n".join(everything_received(bench))
    assert ordinary[0].reference in received, "the ordinary reports did reach the desk"
    assert secret.reference not in received
    assert "Sexual violence" not in received and "EUTM" not in received
    assert "Confidential" not in received
    assert f"Reports of this incident: {ORDINARY + 1}" not in received
    assert f"Reports of this incident: {ORDINARY}" in received
    assert "Surge of reports" not in received, "a surge counted the confidential report"
    digest = next(text for text in bench.texts(DESK) if "Daily digest" in text)
    assert f"Reports in the last day: {ORDINARY}" in digest
    assert "New alerts: 1" in digest
