"""Every webhook shape Meta documents, replayed through the real application.

Each file in tests/payloads/whatsapp/ holds one webhook body exactly as Meta posts it and what
must follow: the HTTP answer, how many messages the inbox accepted, how each message reads
once normalised, whom the answer goes to (a phone number, or a BSUID for a person without
one), which files were fetched from the Graph API, and which statuses were recorded. A new
shape is a new file, not a new test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from bot.channels.whatsapp_payloads import read_delivery, to_inbound
from nlu import Nlu
from tests.bot.channels.whatsapp_harness import whatsapp_harness
from tests.fakes.whatsapp import PHONE_NUMBER_ID
from tocsin.settings import Settings

PAYLOADS = sorted((Path(__file__).parents[2] / "payloads" / "whatsapp").glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _normalised(inbound: Any) -> dict[str, Any]:
    """The fields of an InboundMessage a payload file may state."""
    return {
        "sender_id": inbound.sender_id,
        "text": inbound.text,
        "choice": inbound.choice,
        "location": [inbound.location.lat, inbound.location.lon] if inbound.location else None,
        "media_kind": inbound.media.kind if inbound.media else None,
        "unsupported": inbound.unsupported,
    }


def test_there_is_a_payload_for_every_shape_the_issue_names() -> None:
    names = {path.stem for path in PAYLOADS}
    for needed in ("text_username_only", "interactive_button_reply", "interactive_list_reply"):
        assert needed in names
    assert {"image", "audio_voice", "video", "document", "contacts", "reaction"} <= names
    assert {"status_sent", "status_delivered", "status_read", "status_failed"} <= names


@pytest.mark.parametrize("path", PAYLOADS, ids=[path.stem for path in PAYLOADS])
async def test_meta_webhook_is_accepted_answered_and_recorded(
    path: Path, settings: Settings, shared_nlu: Nlu
) -> None:
    case = _load(path)
    expect = case["expect"]
    async with whatsapp_harness(settings, shared_nlu) as harness:
        for media_id, media in (case.get("media") or {}).items():
            content = hashlib.sha256(media_id.encode()).digest() * (media["size"] // 32)
            harness.graph.add_media(media_id, content, media["mime_type"])

        status, _text = await harness.post(case["webhook"])
        assert status == expect["http"]
        assert await harness.inbox_rows() == expect["accepted"]

        delivery = read_delivery(case["webhook"], PHONE_NUMBER_ID)
        assert len(delivery.messages) == len(expect["inbound"])
        for item, expected in zip(delivery.messages, expect["inbound"], strict=True):
            normalised = _normalised(to_inbound(item))
            if "media_kind" in expected:  # the file itself is attached by the channel
                normalised["media_kind"] = expected["media_kind"]
            assert {key: normalised[key] for key in expected} == expected
            await harness.graph.wait_read(item.wamid)

        if "reply_to" in expect:
            [(key, address)] = expect["reply_to"].items()
            answers = harness.graph.messages_to(address)
            assert answers, "the person got an answer"
            assert all(answer.get(key) == address for answer in answers)
            assert all(("to" in answer) == (key == "to") for answer in answers)
        assert harness.graph.downloads == expect.get("downloaded", [])
        for wamid, recorded in (expect.get("statuses") or {}).items():
            assert await harness.ledger.status_of(wamid) == recorded
