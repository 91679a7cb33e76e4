"""Whole conversations on WhatsApp: reports in three languages, people without a phone
number, files, and what the bot politely declines (all through signed webhooks)."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from pathlib import Path

import pytest

from locales.i18n import Translator
from nlu import Nlu
from tests.bot.channels.whatsapp_harness import WhatsAppHarness, whatsapp_harness
from tests.fakes.whatsapp import Person, text
from tests.fakes.whatsapp_people import STORIES, body_text
from tocsin.settings import Settings

AMINA = Person(bsuid="ML.1410018717833190", phone="22376543210", name="Amina Traoré")
KALIFA = Person(bsuid="GB.2389740213554871", name="K.", username="@kalifa")
CANNOT_TAKE = (
    "Sorry, I cannot take that kind of message. Please send text, a location, a photo, a voice "
    "message, a video or a document."
)


def database_bytes(settings: Settings) -> bytes:
    """Everything the SQLite database holds on disk, write-ahead log included."""
    path = Path(settings.database_url.split("///", 1)[1])
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def stored(harness: WhatsAppHarness, reference: str):  # type: ignore[no-untyped-def]
    view = await harness.app.store.get_report(reference, actor="test")
    assert view is not None
    return view


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
async def test_full_report_by_whatsapp(
    language: str, settings: Settings, shared_nlu: Nlu, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with whatsapp_harness(settings, shared_nlu) as harness:
        reporter = harness.reporter(AMINA, language)
        reference = await reporter.report()
        assert reference is not None
        report = await stored(harness, reference)
        assert (report.channel, report.language) == ("whatsapp", language)
        assert report.place and report.lat is not None
        assert report.description == STORIES[language]
        by_bsuid = harness.app.keyring.pseudonyms("whatsapp", AMINA.bsuid)
        assert await harness.app.store.find_own(reference, by_bsuid) is not None
        kinds = {(m.get("interactive") or {}).get("type") for m in reporter.transcript}
        assert "button" in kinds

    on_disk = database_bytes(settings)
    logged = caplog.text
    for secret in (AMINA.phone or "", AMINA.bsuid, AMINA.name, STORIES[language]):
        assert secret.encode() not in on_disk
        assert secret not in logged


async def test_where_is_asked_with_a_location_request_and_answered_with_a_pin(
    settings: Settings, shared_nlu: Nlu
) -> None:
    story = "Police officers arrested my brother yesterday and beat him in the street"
    async with whatsapp_harness(settings, shared_nlu) as harness:
        reporter = harness.reporter(AMINA, "en")
        reporter.story, reporter.pin = story, (12.6392, -8.0029)
        reference = await reporter.report()
        asked = [
            m
            for m in reporter.transcript
            if m.get("interactive", {}).get("type") == "location_request_message"
        ]
        assert asked, "the place was asked with WhatsApp's location request"
        report = await stored(harness, reference or "")
        assert (report.lat, report.lon) == (12.6392, -8.0029)
        assert report.location_source == "pin"


async def test_person_with_only_a_username_reports_without_a_phone_number(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        reporter = harness.reporter(KALIFA, "fr")
        reference = await reporter.report()
        assert reference is not None
        answers = harness.graph.messages_to(KALIFA.bsuid)
        assert answers and all(a["recipient"] == KALIFA.bsuid and "to" not in a for a in answers)
        report = await stored(harness, reference)
        assert report.language == "fr"
    assert KALIFA.bsuid.encode() not in database_bytes(settings)


async def test_a_person_hiding_their_number_midway_keeps_their_conversation(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        reporter = harness.reporter(AMINA, "en")
        replies = await reporter.say(text(STORIES["en"]))
        reporter.person = dataclasses.replace(AMINA, phone=None, username="@amina")
        reference = await reporter.finish(replies)
        assert reference is not None  # the same session went on: one report, not a restart
        assert harness.graph.messages_to(AMINA.bsuid), "answers went to the BSUID afterwards"
        welcome = Translator("en")("Welcome.")
        everything = harness.graph.messages_to(AMINA.phone or "") + harness.graph.messages_to(
            AMINA.bsuid
        )
        assert sum(body_text(m).startswith(welcome) for m in everything) == 1


async def test_photo_is_fetched_with_the_token_and_stored_encrypted_with_its_hash(
    settings: Settings, shared_nlu: Nlu
) -> None:
    photo = hashlib.sha256(b"market").digest() * 300
    async with whatsapp_harness(settings, shared_nlu) as harness:
        harness.graph.add_media("1497352751296843", photo, "image/jpeg")
        reporter = harness.reporter(AMINA, "en")
        replies = await reporter.say(text(STORIES["en"]))
        image = {"type": "image", "image": {"mime_type": "image/jpeg", "id": "1497352751296843"}}
        received = await reporter.say(image)
        assert any(body_text(m).startswith("File received") for m in received)
        reference = await reporter.finish(replies)
        assert reference is not None
        report = await stored(harness, reference)
        [media] = report.media
        assert media.kind == "photo"
        assert media.sha256 == hashlib.sha256(photo).hexdigest()
        assert harness.graph.downloads == ["1497352751296843"]
        assert harness.graph.unauthorised == 0
    assert photo[:64] not in database_bytes(settings)


async def test_file_over_the_limit_is_refused_without_downloading_it(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu, max_media_bytes=1024 * 1024) as harness:
        harness.graph.add_media("1137402217538470", b"v" * (2 * 1024 * 1024), "video/mp4")
        await harness.say(AMINA, text(STORIES["fr"]))
        video = {"type": "video", "video": {"mime_type": "video/mp4", "id": "1137402217538470"}}
        answers = await harness.say(AMINA, video)
        too_large = Translator("fr")("That file is too large (the limit is {limit} MB).", limit=1)
        assert any(body_text(m) == too_large for m in answers)
        assert harness.graph.downloads == []


async def test_reaction_is_answered_politely_in_the_persons_language(
    settings: Settings, shared_nlu: Nlu
) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        await harness.say(AMINA, text(STORIES["ar"]))
        reaction = {"type": "reaction", "reaction": {"message_id": "wamid.x", "emoji": "🙏"}}
        answers = await harness.say(AMINA, reaction)
        assert body_text(answers[0]) == Translator("ar")(CANNOT_TAKE)


async def test_shared_contact_card_is_not_stored(settings: Settings, shared_nlu: Nlu) -> None:
    card = {
        "type": "contacts",
        "contacts": [
            {
                "name": {"formatted_name": "Ibrahim Maïga", "first_name": "Ibrahim"},
                "phones": [{"phone": "+223 70 11 22 33", "type": "CELL", "wa_id": "22370112233"}],
            }
        ],
    }
    async with whatsapp_harness(settings, shared_nlu) as harness:
        reporter = harness.reporter(AMINA, "en")
        replies = await reporter.say(text(STORIES["en"]))
        answers = await reporter.say(card)
        assert body_text(answers[0]).startswith("For your safety I do not keep phone numbers")
        reference = await reporter.finish(replies)
        report = await stored(harness, reference or "")
        assert "22370112233" not in repr(report) and "Ibrahim" not in repr(report)
    on_disk = database_bytes(settings)
    assert b"22370112233" not in on_disk and "Maïga".encode() not in on_disk
