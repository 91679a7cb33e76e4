"""The Graph API calls of the WhatsApp channel: send, mark as read, fetch media.

Errors are classified by Meta's error code, because the code, not the HTTP status, says what
to do: try again soon (Meta's side failed), slow down (a rate limit), give up on free-form
text (131047: the 24-hour window is closed, a template is needed), or give up and report
(a bad request, an unreachable number, an expired token). Sends are paced by a token bucket
per business phone number (Cloud API numbers take 80 messages/s unless Meta raised it).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp

from reports.pacing import LocalPacer, Pacer, Rate, wait_for_slot
from reports.retry import Backoff

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_MESSAGES_PER_SECOND = 80.0
MAX_RETRY_WAIT_SECONDS = 60.0
PAIR_RATE_WAIT_SECONDS = 6.0  # Meta allows about one message every 6 s to one person in bursts


class Remedy(enum.Enum):
    """What to do about a failed call."""

    RETRY = "retry"  # Meta's side or the network failed: try again soon
    SLOW_DOWN = "slow_down"  # a rate limit: wait longer, then try again
    TEMPLATE = "template"  # outside the 24-hour window: only a template message may go
    GIVE_UP = "give_up"  # retrying cannot help: record and report


RETRY_CODES = frozenset({1, 2, 131000, 131016, 133004})
SLOW_DOWN_CODES = frozenset({4, 80007, 130429, 131048, 131056})
WINDOW_CODES = frozenset({131047})


def remedy_for(code: int | None, http_status: int | None = None) -> Remedy:
    """Meta's error code decides; an unknown code falls back on the HTTP status."""
    if code in WINDOW_CODES:
        return Remedy.TEMPLATE
    if code in SLOW_DOWN_CODES:
        return Remedy.SLOW_DOWN
    if code in RETRY_CODES:
        return Remedy.RETRY
    if code is None and (http_status is None or http_status >= 500 or http_status == 429):
        return Remedy.SLOW_DOWN if http_status == 429 else Remedy.RETRY
    return Remedy.GIVE_UP


class GraphError(Exception):
    """A Graph API call failed; `remedy` says whether and how to try again."""

    def __init__(self, code: int | None, http_status: int | None, title: str = "") -> None:
        self.code = code
        self.http_status = http_status
        self.title = title
        self.remedy = remedy_for(code, http_status)
        super().__init__(f"Graph API error code={code} http={http_status} {title}".strip())

    @property
    def transient(self) -> bool:
        """Meta may take it later (see `bot.failures`)."""
        return self.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN)


@dataclass(frozen=True)
class MediaInfo:
    url: str
    mime_type: str | None
    sha256: str | None
    file_size: int | None


class WhatsAppClient:
    """One business phone number's Graph API client, with retries by error code."""

    def __init__(
        self,
        base_url: str,
        token: str,
        phone_number_id: str,
        *,
        messages_per_second: float | None = DEFAULT_MESSAGES_PER_SECOND,
        pacer: Pacer | None = None,
        attempts: int = 4,
        backoff_seconds: float = 0.5,
        timeout_seconds: float = 20.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self._headers = {"Authorization": f"Bearer {token}"}
        # a burst of one second's worth, then the number's rate, shared by every process
        # when the pacer is Redis's (Meta counts per business number, not per replica)
        self._pacer = pacer or LocalPacer()
        self._pace = (
            [(f"wa:{phone_number_id}", Rate(messages_per_second, max(1, int(messages_per_second))))]
            if messages_per_second
            else []
        )
        self._attempts = attempts
        self._backoff = Backoff(backoff_seconds, cap=MAX_RETRY_WAIT_SECONDS)
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=200),
                headers=self._headers,
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _json(self, method: str, url: str, payload: Mapping[str, Any] | None) -> Any:
        try:
            async with self.session.request(method, url, json=payload) as response:
                try:
                    data = await response.json(content_type=None)
                except ValueError:
                    data = None
                if response.status >= 400 or (isinstance(data, dict) and "error" in data):
                    error = (data or {}).get("error") if isinstance(data, dict) else None
                    error = error if isinstance(error, dict) else {}
                    code = error.get("code") if isinstance(error.get("code"), int) else None
                    raise GraphError(code, response.status, str(error.get("message") or ""))
                return data
        except (aiohttp.ClientError, TimeoutError) as failure:
            raise GraphError(None, None, type(failure).__name__) from None

    def _asked_wait(self, error: BaseException, retries: int) -> float | None:
        """Meta's codes set the pace: a pair rate limit waits its fixed spell, a "slow down"
        waits four times the policy's delay, anything else the policy's own."""
        if not isinstance(error, GraphError):
            return None
        if error.code == 131056:
            return PAIR_RATE_WAIT_SECONDS * self._backoff.first * 2
        if error.remedy is Remedy.SLOW_DOWN:
            return self._backoff.delay(retries, scale=4)
        return None

    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        """Repeat `call` while the error says a retry can help, backing off between tries."""
        return await self._backoff.run(
            call,
            attempts=self._attempts,
            worth_retrying=_worth_retrying,
            wait=self._asked_wait,
            what="whatsapp call",
        )

    async def send(self, body: Mapping[str, Any]) -> str:
        """Send one message object; returns its wamid."""
        url = f"{self.base_url}/{self.phone_number_id}/messages"

        async def call() -> str:
            await wait_for_slot(self._pacer, self._pace)
            data = await self._json("POST", url, body)
            try:
                return str(data["messages"][0]["id"])
            except (KeyError, IndexError, TypeError):
                raise GraphError(None, 200, "no message id in the answer") from None

        return await self._with_retries(call)

    async def mark_read(self, wamid: str) -> None:
        """Blue ticks: the person's message was handled."""
        url = f"{self.base_url}/{self.phone_number_id}/messages"
        body = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
        await self._with_retries(lambda: self._json("POST", url, body))

    async def media_info(self, media_id: str) -> MediaInfo:
        """Where to download a media file the person sent (the URL lives a few minutes)."""
        data = await self._with_retries(
            lambda: self._json("GET", f"{self.base_url}/{media_id}", None)
        )
        try:
            size = int(data["file_size"]) if data.get("file_size") is not None else None
            return MediaInfo(str(data["url"]), data.get("mime_type"), data.get("sha256"), size)
        except (KeyError, TypeError, ValueError):
            raise GraphError(None, 200, "no media url in the answer") from None

    async def download(self, info: MediaInfo, *, limit: int) -> bytes:
        """The file's bytes; reading stops after `limit` + 1 bytes, so a longer result means
        "too large" to the caller. A whole file is checked against Meta's SHA-256 when given
        (a mismatch is most likely a cut download, so it is fetched again)."""

        async def call() -> bytes:
            try:
                async with self.session.get(info.url) as response:
                    if response.status >= 400:
                        raise GraphError(None, response.status, "media download failed")
                    content = bytearray()
                    async for chunk in response.content.iter_chunked(64 * 1024):
                        content += chunk
                        if len(content) > limit:
                            return bytes(content[: limit + 1])
            except (aiohttp.ClientError, TimeoutError) as failure:
                raise GraphError(None, None, type(failure).__name__) from None
            if info.sha256 and not matches_sha256(bytes(content), info.sha256):
                raise GraphError(None, None, "media does not match its SHA-256")
            return bytes(content)

        return await self._with_retries(call)


def _worth_retrying(error: BaseException) -> bool:
    return isinstance(error, GraphError) and error.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN)


def matches_sha256(content: bytes, expected: str) -> bool:
    """Meta documents the hash in hex and sends it in base64; either form is accepted."""
    digest = hashlib.sha256(content).digest()
    expected = expected.strip()
    return hmac.compare_digest(digest.hex(), expected.lower()) or hmac.compare_digest(
        base64.b64encode(digest).decode(), expected
    )
