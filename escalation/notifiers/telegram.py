"""Staff pings in Telegram chats: the essentials, inline buttons, edits as the alert changes.

Uses aiogram's `Bot` on the configured Bot API base URL (`TOCSIN_TELEGRAM_API_URL`), so a local
Bot API server or a test fake can stand in for Telegram. Sending goes through the bot's one
rate limiter (`reports.telegram_rate`, shared with the conversation's replies), which keeps
under Telegram's limits; a 429 pauses the chat and the delivery waits `retry_after`.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from escalation.cards import AlertCard
from escalation.notifiers import Job, PermanentFailure, RetryLater
from escalation.render import buttons, render_text
from reports.telegram_rate import OutboundLimiter

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_TEXT = 4096


def build_bot(token: str, api_url: str) -> Bot:
    """An aiogram Bot talking to `api_url` (Telegram, a local Bot API server, or a fake).
    `tocsin run` makes one per token with this and gives it to the conversation and the staff
    pings alike; a separate `tocsin worker` process makes its own."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url), limit=200)
    return Bot(token=token, session=session)


def keyboard(card: AlertCard, language: str) -> InlineKeyboardMarkup | None:
    rows = buttons(card, language)
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=button.label, callback_data=button.data) for button in row]
            for row in rows
        ]
    )


class TelegramNotifier:
    kind = "telegram"

    def __init__(self, bot: Bot, limiter: OutboundLimiter) -> None:
        self.bot = bot
        self.limiter = limiter

    async def send(self, job: Job) -> str | None:
        try:
            return await self._send(job)
        except TelegramRetryAfter as error:
            await self.limiter.pause(job.address, error.retry_after)
            raise RetryLater(error.retry_after, "telegram 429") from None
        except (TelegramForbiddenError, TelegramNotFound, TelegramUnauthorizedError) as error:
            raise PermanentFailure(type(error).__name__) from None
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return None
            raise PermanentFailure("telegram bad request") from None

    async def _send(self, job: Job) -> str | None:
        if job.purpose in ("ping", "remind") and job.card is not None:
            reminder = job.payload.get("reminder_after")
            text = render_text(job.card, job.language, reminder_after=reminder)
            return await self.say(
                job.address, text, keyboard(job.card, job.language), max_wait=job.max_wait
            )
        if job.purpose == "edit" and job.card is not None:
            text = render_text(job.card, job.language)
            markup = keyboard(job.card, job.language)
            for message_id in job.message_ids:
                await self._slot(f"edit:{job.address}", job.max_wait)
                await self.bot.edit_message_text(
                    text=text[:MAX_TEXT],
                    chat_id=job.address,
                    message_id=int(message_id),
                    reply_markup=markup,
                    link_preview_options=NO_PREVIEW,
                )
            return None
        if job.text is not None:
            return await self.say(job.address, job.text, max_wait=job.max_wait)
        raise PermanentFailure(f"nothing to send for {job.purpose}")

    async def _slot(self, chat_id: str, max_wait: float | None) -> None:
        delay = await self.limiter.wait(chat_id, max_wait)
        if delay:
            raise RetryLater(delay, "rate limit slot too far")

    async def say(
        self,
        chat_id: str,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        max_wait: float | None = None,
    ) -> str:
        await self._slot(chat_id, max_wait)
        message = await self.bot.send_message(
            chat_id=chat_id,
            text=text[:MAX_TEXT],
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
        return str(message.message_id)

    async def prompt(self, chat_id: str, text: str) -> str:
        """A message staff answer by replying to it (Telegram shows the reply box at once)."""
        await self.limiter.wait(chat_id)
        message = await self.bot.send_message(
            chat_id=chat_id,
            text=text[:MAX_TEXT],
            reply_markup=ForceReply(force_reply=True, selective=True),
        )
        return str(message.message_id)

    async def staff_name(self, chat_id: str, user_id: str) -> str:
        """A staff member's first name for "acknowledged by", or their id when unknown."""
        try:
            member = await self.bot.get_chat_member(chat_id=chat_id, user_id=int(user_id))
        except Exception:
            return f"#{user_id}"
        user = member.user
        name = user.first_name or f"#{user_id}"
        return f"{name} (@{user.username})"[:64] if user.username else name[:64]

    async def close(self) -> None:
        await self.bot.session.close()
