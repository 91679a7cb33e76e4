"""The WhatsApp channel: inbox items in, rendered answers out, over the Cloud API.

The webhook (`whatsapp_webhook`) only accepts deliveries into the durable inbox; this module
handles each accepted message: it resolves media through the Graph API, hands the
channel-neutral message to the conversation engine, sends the answers (rendered by
`whatsapp_render`) and marks the message read once answered.

Outbound messages are recorded (`whatsapp_store`) so that Meta's status callbacks land on
them. A send Meta cannot take now (its side failed, a rate limit) is queued and retried by
`run_retries`; a failed delivery reported later by a callback is retried the same way, or
turned into the follow-up template when the 24-hour window had closed, or given up and
logged for operators when nothing can help.

Staff follow-up questions (the ChannelSender side) go as free text while the person's
24-hour window is open, else as the configured template message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.whatsapp_client import GraphError, MediaInfo, Remedy, WhatsAppClient
from bot.channels.whatsapp_payloads import (
    CHANNEL,
    MEDIA_TYPES,
    IncomingItem,
    MediaPart,
    Sender,
    media_part,
    to_inbound,
)
from bot.channels.whatsapp_render import numbered, plain_text, render, template_part
from bot.channels.whatsapp_store import PendingMessage, WhatsAppLedger
from bot.engine import ConversationEngine
from bot.inbox import InboxItem
from bot.messages import InboundMessage, MediaRef, OutboundMessage
from bot.turn_records import TurnRecords
from reports.crypto import Keyring
from reports.outbound import Outgoing
from reports.retry import Backoff

log = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 6
RETRY_POLL_SECONDS = 2.0
PRUNE_EVERY_SECONDS = 3600.0


class WindowClosedError(Exception):
    """A follow-up cannot go: the 24-hour window is closed and no template is configured."""


class DeliveryError(Exception):
    """Meta refused a follow-up for a reason no retry can fix (the code says which)."""


@dataclass(frozen=True)
class FollowupTemplate:
    """An approved template with one body variable `{{1}}` that carries the staff's text."""

    name: str
    languages: tuple[str, ...] = ("en", "fr", "ar")

    def language_code(self, language: str) -> str:
        """The template's language for a conversation language: exact, regional, or first."""
        for code in self.languages:
            if code.lower() == language.lower():
                return code
        for code in self.languages:
            if code.lower().split("_")[0] == language.lower():
                return code
        return self.languages[0] if self.languages else language

    @classmethod
    def from_settings(cls, name: str | None, languages: str) -> FollowupTemplate | None:
        if not name:
            return None
        codes = tuple(code.strip() for code in languages.split(",") if code.strip())
        return cls(name, codes or ("en",))


def _envelope(address: dict[str, str], part: dict[str, Any]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", **address, **part}


class WhatsAppChannel:
    """Handles the inbox items of the WhatsApp channel and sends what the bot says."""

    channel = CHANNEL

    def __init__(
        self,
        engine: ConversationEngine,
        client: WhatsAppClient,
        ledger: WhatsAppLedger,
        keyring: Keyring,
        *,
        max_media_bytes: int,
        followup: FollowupTemplate | None = None,
        retry_base_seconds: float = 15.0,
        turns: TurnRecords | None = None,
        languages: Sequence[str] = ("en",),
    ) -> None:
        self.engine = engine
        self.turns = turns
        self.languages = tuple(languages)  # the first is the deployment's default
        self.client = client
        self.ledger = ledger
        self.keyring = keyring
        self.max_media_bytes = max_media_bytes
        self.followup = followup
        self.retry_base_seconds = retry_base_seconds
        ledger.on_failed = self.handle_failed_deliveries

    def _backoff_seconds(self, attempts: int) -> float:
        """How long a message Meta could not take waits: 15 s, 30 s, 1 min... at most 30 min."""
        return Backoff(self.retry_base_seconds, cap=1800.0).delay(attempts)

    # --- inbound ---------------------------------------------------------------------

    async def handle_item(self, item: InboxItem) -> None:
        """One accepted message: answer it, then mark it read. Raising retries it later."""
        incoming = IncomingItem.from_json(item.payload)
        pseudonym = self.keyring.pseudonym(CHANNEL, incoming.sender.id)
        touch = asyncio.ensure_future(self.ledger.touch_window(pseudonym, incoming.sent_at))
        try:
            outgoing = await self._turn(item, incoming)
            replies = TurnRecords.messages(outgoing)
            await self._deliver(incoming.sender.address, pseudonym, replies, kind="reply")
            if self.turns is not None:  # sent or queued in the ledger, which retries them
                await asyncio.gather(*(self.turns.outbound.mark_sent(one.id) for one in outgoing))
        finally:
            await touch
        try:
            await self.client.mark_read(incoming.wamid)
        except GraphError as error:
            log.warning("whatsapp mark-as-read failed code=%s", error.code)
        log.info("whatsapp message handled type=%s replies=%d", incoming.kind, len(replies))

    async def answer_unreadable(self, item: InboxItem) -> None:
        """Tell the person their message could not be read (the processor then parks it)."""
        if self.turns is None:
            return
        incoming = IncomingItem.from_json(item.payload)
        language = await self.turns.language_of(CHANNEL, incoming.sender.id, None)
        if language not in self.languages:
            language = self.languages[0]
        outgoing = await self.turns.record_unreadable(item, incoming.sender.id, language)
        pseudonym = self.keyring.pseudonym(CHANNEL, incoming.sender.id)
        replies = TurnRecords.messages(outgoing)
        await self._deliver(incoming.sender.address, pseudonym, replies, kind="reply")
        await asyncio.gather(*(self.turns.outbound.mark_sent(one.id) for one in outgoing))

    async def _turn(self, item: InboxItem, incoming: IncomingItem) -> list[Outgoing]:
        """The turn's replies, recorded with its outcome (replayed when recorded before)."""
        if self.turns is None:
            replies = await self.engine.handle(await self._inbound(incoming))
            return [Outgoing(0, CHANNEL, "", reply.to_dict()) for reply in replies]
        outgoing = await self.turns.replay(item)
        if outgoing is None:
            record = self.turns.start(item, incoming.sender.id)
            await self.engine.handle(await self._inbound(incoming), record)
            outgoing = record.outgoing
        return outgoing

    async def _inbound(self, incoming: IncomingItem) -> InboundMessage:
        part = media_part(incoming.message)
        if part is None:
            if incoming.kind in MEDIA_TYPES:
                return to_inbound(incoming, unsupported=incoming.kind)
            return to_inbound(incoming)
        return to_inbound(incoming, media=await self._media(part))

    async def _media(self, part: MediaPart) -> MediaRef:
        """The file as the flow sees it; its size is known before anything is downloaded."""
        try:
            info = await self.client.media_info(part.media_id)
        except GraphError as error:
            if error.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
                raise  # Meta is down: the inbox hands this message over again later
            log.warning("whatsapp media unavailable kind=%s code=%s", part.kind, error.code)
            failure = error

            async def unavailable() -> bytes:
                raise failure

            return MediaRef(part.kind, unavailable, part.mime_type, None, part.file_name)
        known = MediaInfo(info.url, info.mime_type, info.sha256 or part.sha256, info.file_size)

        async def fetch() -> bytes:
            return await self.client.download(known, limit=self.max_media_bytes)

        return MediaRef(
            part.kind, fetch, info.mime_type or part.mime_type, info.file_size, part.file_name
        )

    # --- outbound ----------------------------------------------------------------------

    async def _deliver(
        self,
        address: dict[str, str],
        pseudonym: str,
        messages: Sequence[OutboundMessage],
        *,
        kind: str,
    ) -> None:
        """Send each message's parts in order; what Meta cannot take now is queued, in order."""
        records: list[asyncio.Future[None]] = []
        queue_rest = False
        try:
            for message in messages:
                for part in render(message):
                    body = _envelope(address, part)
                    sealed = self.ledger.seal(body, message.language)
                    if queue_rest:
                        await self.ledger.queue(
                            pseudonym, kind, sealed, delay_seconds=self._backoff_seconds(0)
                        )
                        continue
                    try:
                        wamid = await self.client.send(body)
                    except GraphError as error:
                        queue_rest = await self._send_failed(error, pseudonym, kind, sealed)
                        continue
                    records.append(
                        asyncio.ensure_future(
                            self.ledger.record_sent(wamid, pseudonym, kind, sealed)
                        )
                    )
        finally:
            if records:
                await asyncio.gather(*records)

    async def _send_failed(
        self, error: GraphError, pseudonym: str, kind: str, sealed: bytes
    ) -> bool:
        """Queue a message Meta may take later (True: queue the rest too), or record it failed."""
        if error.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
            log.warning("whatsapp send queued for retry code=%s", error.code)
            await self.ledger.queue(
                pseudonym,
                kind,
                sealed,
                delay_seconds=self._backoff_seconds(0),
                error_code=error.code,
            )
            return True
        if error.remedy is Remedy.TEMPLATE and kind == "followup":
            raise error
        log.warning("whatsapp send failed kind=%s code=%s", kind, error.code)
        await self.ledger.record_failure(pseudonym, kind, error.code)
        return False

    async def send(self, recipient_id: str, messages: Sequence[OutboundMessage]) -> None:
        """A message nobody just asked for (a staff question), to a consenting reporter.

        Free text inside the person's 24-hour window, else the follow-up template; raises
        WindowClosedError when the window is closed and no template is configured, and
        DeliveryError when Meta refuses the message for good.
        """
        if not messages:
            return
        sender = Sender.from_recipient_id(recipient_id)
        pseudonym = self.keyring.pseudonym(CHANNEL, sender.id)
        if await self.ledger.window_open(pseudonym):
            try:
                await self._deliver(sender.address, pseudonym, messages, kind="followup")
                return
            except GraphError as error:  # Meta knows the window closed before we did
                log.info("whatsapp window closed early code=%s", error.code)
        await self._send_template(sender.address, pseudonym, messages)

    async def _send_template(
        self, address: dict[str, str], pseudonym: str, messages: Sequence[OutboundMessage]
    ) -> None:
        if self.followup is None:
            raise WindowClosedError(
                "the WhatsApp user's 24-hour window is closed and no follow-up template is "
                "configured: set TOCSIN_WHATSAPP_FOLLOWUP_TEMPLATE to an approved template "
                "with one body variable"
            )
        language = messages[0].language
        texts = [numbered(message.text, message.choices) for message in messages]
        body = _envelope(
            address,
            template_part(self.followup.name, self.followup.language_code(language), texts),
        )
        sealed = self.ledger.seal(body, language)
        try:
            wamid = await self.client.send(body)
        except GraphError as error:
            if error.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
                await self.ledger.queue(
                    pseudonym, "template", sealed, delay_seconds=self._backoff_seconds(0)
                )
                return
            await self.ledger.record_failure(pseudonym, "template", error.code)
            raise DeliveryError(f"WhatsApp refused the follow-up (code {error.code})") from None
        await self.ledger.record_sent(wamid, pseudonym, "template", sealed)

    # --- failed deliveries and retries -----------------------------------------------------

    def _as_template(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The template version of a sealed free-form request, when a template is configured."""
        body = request.get("body") or {}
        if self.followup is None or body.get("type") == "template":
            return None
        address = {key: body[key] for key in ("to", "recipient") if key in body}
        language = self.followup.language_code(request.get("language") or "en")
        return _envelope(address, template_part(self.followup.name, language, [plain_text(body)]))

    async def _retry(self, message: PendingMessage, code: int | None, remedy: Remedy) -> None:
        """Send a failed or queued message again, as a template when the window closed."""
        body = message.request.get("body") or {}
        sealed: bytes | None = None
        if remedy is Remedy.TEMPLATE:
            template = self._as_template(message.request)
            if template is None:
                log.warning("whatsapp delivery failed: window closed id=%s", message.id)
                await self.ledger.give_up(message.id, code)
                return
            body = template
            sealed = self.ledger.seal(body, message.request.get("language") or "en")
        elif remedy is Remedy.GIVE_UP or message.attempts >= MAX_SEND_ATTEMPTS:
            log.warning(
                "whatsapp delivery failed for good id=%s kind=%s code=%s attempts=%d",
                message.id,
                message.kind,
                code,
                message.attempts,
            )
            await self.ledger.give_up(message.id, code)
            return
        try:
            wamid = await self.client.send(body)
        except GraphError as error:
            if error.remedy is Remedy.TEMPLATE and remedy is not Remedy.TEMPLATE:
                await self._retry(message, error.code, Remedy.TEMPLATE)
            elif error.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
                await self.ledger.retry_later(
                    message, self._backoff_seconds(message.attempts), error.code
                )
            else:
                await self._retry(message, error.code, Remedy.GIVE_UP)
            return
        await self.ledger.resent(message, wamid, sealed)

    async def handle_failed_deliveries(self, failed: list[PendingMessage]) -> None:
        """Meta reported messages as failed after accepting them: retry, template, or report."""
        for message in failed:
            remedy = GraphError(message.error_code, None).remedy
            if remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
                await self.ledger.retry_later(
                    message, self._backoff_seconds(message.attempts), message.error_code
                )
            else:
                await self._retry(message, message.error_code, remedy)

    async def retry_due(self) -> int:
        """One pass of the retry worker: send the queued messages whose time has come."""
        due = await self.ledger.claim_due()
        for message in due:  # in order: a person's messages were queued in order
            await self._retry(message, message.error_code, Remedy.RETRY)
        return len(due)

    async def run_retries(self, stop: asyncio.Event) -> None:
        """Until `stop`: retry what is due, and now and then forget old delivery records."""
        loop = asyncio.get_running_loop()
        pruned_at = loop.time()
        while not stop.is_set():
            try:
                if await self.retry_due():
                    continue
                if loop.time() - pruned_at > PRUNE_EVERY_SECONDS:
                    pruned_at = loop.time()
                    await self.ledger.prune()
            except Exception:
                log.exception("whatsapp retry pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RETRY_POLL_SECONDS)
