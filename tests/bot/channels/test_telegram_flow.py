"""A whole report told over Telegram, in English, French and Arabic, by webhook and by polling."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nlu import Nlu
from reports.telegram_rate import RateLimits
from tests.bot.channels.telegram_harness import (
    TelegramPerson,
    bot_settings,
    complete_report,
    running_bot,
)
from tests.fakes.telegram import FakeTelegram
from tocsin.settings import Settings

STORIES = {
    "en": "Soldiers beat three men at the market in Gao yesterday evening",
    "fr": "Des militaires ont frappé trois hommes au marché de Gao hier soir",
    "ar": "قام جنود بضرب ثلاثة رجال في سوق غاو مساء أمس",
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.mark.parametrize("mode", ["webhook", "polling"])
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
async def test_a_whole_report_is_stored_once_and_its_reference_shown(
    fake: FakeTelegram, settings: Settings, shared_nlu: Nlu, language: str, mode: str
) -> None:
    configured = bot_settings(settings, fake, webhook=mode == "webhook")
    async with running_bot(configured, shared_nlu, fake, limits=RateLimits.unlimited()) as bot:
        person = TelegramPerson(bot, 41_000_001, language_code=language)
        reference = await complete_report(person, language, STORIES[language])

        [report] = await bot.app.store.list_reports(actor="test")
        assert report.reference == reference
        assert (report.channel, report.language) == ("telegram", language)
        assert STORIES[language] in (report.description or "")
        assert not report.consent_followup and report.place
        # every press was answered, and each answered question now shows the answer, no buttons
        presses = len(fake.calls_to("answerCallbackQuery"))
        # a webhook answers each press in its own response; polling has to call the API
        answered_in_webhook = [
            c.in_webhook_answer for c in fake.calls if c.method == "answerCallbackQuery"
        ]
        assert answered_in_webhook == [mode == "webhook"] * presses
        answered = [m for m in person.screen.values() if "✅" in m["text"]]
        assert presses >= 3 and len(answered) >= presses - 1
        assert all("reply_markup" not in m for m in answered)
        # the confirmation offers to clear the chat
        confirmation = person.last_sent()
        buttons = confirmation["reply_markup"]["inline_keyboard"]
        assert [b["callback_data"] for row in buttons for b in row] == ["~clear"]
        assert confirmation["parse_mode"] == "HTML"
