"""Calling the Bot API reliably: paced, with 429 honoured and 5xx and network errors retried.

Every call the channel makes goes through `BotApi.call` (an aiogram method) or `BotApi.post`
(the calls of every turn: sendMessage, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, posted as plain JSON and answered as decoded JSON, without building
aiogram's models; a failed answer raises the same aiogram exception `call` would). A 429
pauses the chat for Telegram's `retry_after` and tries again; a 5xx or a network error is
retried with the one back-off policy (`reports.retry`). When the attempts run out
`DeliveryError` is raised, and the channel keeps what was not sent in the durable inbox for
later, so a Telegram outage delays answers without losing them. A 400 (bad request) or 403
(the person blocked the bot) is not retried: trying again cannot help.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from http import HTTPStatus
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessages,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    SendMessage,
    SetMyCommands,
    SetWebhook,
    TelegramMethod,
)
from aiogram.methods.base import Response
from aiohttp import ClientError, ClientTimeout

from reports.retry import Backoff
from reports.telegram_rate import OutboundLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")

# aiogram reads every answer through `Response[<the method's result type>]`; pydantic keeps such
# a parametrised class only while something references it and rebuilding it costs tens of
# milliseconds, once per call. Holding the ones the channel uses makes reading an answer cheap.
RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        SendMessage,
        EditMessageText,
        EditMessageReplyMarkup,
        AnswerCallbackQuery,
        DeleteMessages,
        GetFile,
        SetMyCommands,
        SetWebhook,
        DeleteWebhook,
    )
)


# the methods `BotApi.post` sends, by name: an error names its method as aiogram's would
POSTED: dict[str, type[TelegramMethod[Any]]] = {
    "sendMessage": SendMessage,
    "editMessageText": EditMessageText,
    "editMessageReplyMarkup": EditMessageReplyMarkup,
    "answerCallbackQuery": AnswerCallbackQuery,
}
JSON_HEADERS = {"Content-Type": "application/json"}


class DeliveryError(Exception):
    """Telegram stayed unreachable (or kept answering 429) through every attempt."""

    transient = True  # see `bot.failures`


class BotApi:
    """The bot's Bot API client with pacing and retries."""

    def __init__(
        self,
        bot: Bot,
        limiter: OutboundLimiter | None = None,
        *,
        attempts: int = 5,
        first_delay: float = 0.5,
        max_delay: float = 8.0,
        max_retry_after: float = 60.0,
    ) -> None:
        self.bot = bot
        self.limiter = limiter or OutboundLimiter()
        self.attempts = attempts
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after

    @property
    def backoff(self) -> Backoff:
        """The retry policy with this client's figures (tests shorten `first_delay`)."""
        return Backoff(self.first_delay, self.max_delay, jitter=0.25)  # replicas not in step

    async def call(self, method: TelegramMethod[T], *, paced_chat: str | None = None) -> T:
        """Run one Bot API method; `paced_chat` counts it as a message sent to that chat."""
        return await self._paced(
            method.__api_method__, lambda: self.bot(method), paced_chat=paced_chat
        )

    async def post(
        self, name: str, params: dict[str, Any], *, paced_chat: str | None = None
    ) -> Any:
        """One of the `POSTED` methods as plain JSON (`params` as the Bot API names them, no
        None values), paced and retried exactly as `call`; the answer's `result`, decoded."""
        return await self._paced(name, lambda: self._post_json(name, params), paced_chat=paced_chat)

    async def _paced(
        self, name: str, request: Callable[[], Awaitable[T]], *, paced_chat: str | None
    ) -> T:
        """`request` under the chat's pacing, a 429 honoured, transient failures retried."""

        async def once() -> T:
            if paced_chat is not None:
                await self.limiter.wait(paced_chat)
            try:
                return await request()
            except TelegramRetryAfter as error:
                if error.retry_after > self.max_retry_after:
                    raise DeliveryError(f"retry_after {error.retry_after}s") from error
                log.warning("telegram 429 method=%s retry_after=%s", name, error.retry_after)
                # holds the chat's other sends, in every process
                await self.limiter.pause(paced_chat, error.retry_after)
                raise

        try:
            return await self.backoff.run(
                once,
                attempts=self.attempts,
                worth_retrying=_worth_retrying,
                wait=_asked_wait,
                what=f"telegram {name}",
            )
        except TelegramRetryAfter as error:
            raise DeliveryError("attempts exhausted") from error
        except (TelegramServerError, TelegramNetworkError) as error:
            raise DeliveryError(type(error).__name__) from error

    async def _post_json(self, name: str, params: dict[str, Any]) -> Any:
        """One request over the bot's own aiohttp session (its timeout, its API server)."""
        session = await self.bot.session.create_session()
        url = self.bot.session.api.api_url(self.bot.token, name)
        try:
            async with session.post(
                url,
                data=json.dumps(params, ensure_ascii=False).encode(),
                headers=JSON_HEADERS,
                timeout=ClientTimeout(total=self.bot.session.timeout),
            ) as response:
                status, raw = response.status, await response.read()
        except TimeoutError as error:
            raise TelegramNetworkError(_named(name, params), "Request timeout error") from error
        except ClientError as error:
            message = f"{type(error).__name__}: {error}"
            raise TelegramNetworkError(_named(name, params), message) from error
        return answer_result(name, params, status, raw)

    async def download(self, file_path: str, limit: int, *, timeout: int = 120) -> bytes:
        """A file's bytes, reading at most `limit + 1` of them (the caller refuses more)."""
        session = self.bot.session
        url = session.api.file_url(self.bot.token, file_path)
        received = bytearray()
        chunks: AsyncIterator[bytes] = session.stream_content(
            url, timeout=timeout, chunk_size=64 * 1024, raise_for_status=True
        )
        async for chunk in chunks:
            received.extend(chunk)
            if len(received) > limit:
                break
        return bytes(received[: limit + 1])

    async def post_raw(
        self, method: str, payload: dict[str, Any], timeout: ClientTimeout
    ) -> tuple[int, bytes]:
        """A call whose raw JSON answer we keep (getUpdates: the updates as Telegram sent
        them, stored before they are parsed)."""
        session = await self.bot.session.create_session()
        url = self.bot.session.api.api_url(self.bot.token, method)
        async with session.post(url, json=payload, timeout=timeout) as response:
            return response.status, await response.read()


def _worth_retrying(error: BaseException) -> bool:
    """A 429 (within `max_retry_after`), a 5xx or a network error: a retry may pass."""
    return isinstance(error, (TelegramRetryAfter, TelegramServerError, TelegramNetworkError))


def _asked_wait(error: BaseException, _retries: int) -> float | None:
    """A 429 names its own wait; anything else takes the policy's."""
    return float(error.retry_after) if isinstance(error, TelegramRetryAfter) else None


def _named(name: str, params: dict[str, Any]) -> TelegramMethod[Any]:
    """The aiogram method an error names (built only when something failed, unvalidated)."""
    return POSTED[name].model_construct(**params)


def answer_result(name: str, params: dict[str, Any], status: int, raw: bytes) -> Any:
    """The `result` of a Bot API answer, or the exception aiogram's `check_response` raises for
    it: the same classes for the same status and parameters, so callers' handling (429
    honoured, 403 blocked, 400 refused, 5xx retried) does not depend on which path sent it."""
    try:
        answer = json.loads(raw)
    except ValueError as error:
        raise ClientDecodeError("Failed to decode object", error, raw) from error
    if not isinstance(answer, dict):
        raise ClientDecodeError("Failed to deserialize object", ValueError(name), answer)
    if HTTPStatus.OK <= status <= HTTPStatus.IM_USED and answer.get("ok"):
        return answer.get("result")
    method = _named(name, params)
    description = str(answer.get("description"))
    parameters = answer.get("parameters") or {}
    if parameters.get("retry_after"):
        raise TelegramRetryAfter(method, description, int(parameters["retry_after"]))
    if parameters.get("migrate_to_chat_id"):
        raise TelegramMigrateToChat(method, description, int(parameters["migrate_to_chat_id"]))
    by_status: dict[int, type[TelegramAPIError]] = {
        HTTPStatus.BAD_REQUEST: TelegramBadRequest,
        HTTPStatus.NOT_FOUND: TelegramNotFound,
        HTTPStatus.CONFLICT: TelegramConflictError,
        HTTPStatus.UNAUTHORIZED: TelegramUnauthorizedError,
        HTTPStatus.FORBIDDEN: TelegramForbiddenError,
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE: TelegramEntityTooLarge,
    }
    if status in by_status:
        raise by_status[status](method, description)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        if "restart" in description:
            raise RestartingTelegram(method, description)
        raise TelegramServerError(method, description)
    raise TelegramAPIError(method, description)
