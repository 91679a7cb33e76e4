"""The WhatsApp channel: inbox items in, rendered answers out, over the Cloud API.

The webhook (`whatsapp_webhook`) only accepts deliveries into the durable inbox; this module
handles each accepted message: it resolves media through the Graph API, hands the
channel-neutral message to the conversation engine, sends the answers (rendered by
`whatsapp_render`) and marks the message read once answered.

Every message leaves through the one outbound path (`reports.outbound`): a turn's replies
are sent from the turn's record; what Meta took is kept sealed in the outbound table under
its wamid until Meta reports it delivered, and its status is followed in the delivery ledger
(`whatsapp_store`). A send Meta cannot take now (its side failed, a rate limit) is scheduled
in the outbound table, and the one claim loop (`reports.outbound_worker`) sends it again
through `send_outgoing` under the one retry policy; a failed delivery reported later by a
callback is scheduled the same way, and goes again as the follow-up template when the 24-hour
window had closed, or is given up and logged for operators when nothing can help.

Staff follow-up questions (the ChannelSender side) go as free text while the person's
24-hour window is open, else as the configured template message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
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
from bot.channels.whatsapp_store import FailedDelivery, WhatsAppLedger
from bot.engine import ConversationEngine
from bot.inbox import InboxItem
from bot.messages import InboundMessage, MediaRef, OutboundMessage
from bot.turn_records import TurnRecords
from reports.crypto import Keyring
from reports.outbound import OutboundLog, Outgoing
from reports.outbound_worker import SendFailed, SendLater, Sent
from reports.retry import Backoff

log = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 6
RETRY_CAP_SECONDS = 1800.0


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
        outbound: OutboundLog | None = None,
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
        if outbound is None:
            if turns is None:
                raise ValueError("the WhatsApp channel needs the outbound table")
            outbound = turns.outbound
        self.outbound = outbound
        # a message Meta could not take waits 15 s, 30 s, 1 min... at most 30 min
        self.policy = Backoff(retry_base_seconds, cap=RETRY_CAP_SECONDS)
        self.scheduled: Callable[[], None] = lambda: None  # the claim loop's wake-up
        ledger.on_failed = self.handle_failed_deliveries

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
            if self.turns is not None:  # sent, or scheduled in the outbound table
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
        """Send each message's parts in order; from the first part Meta cannot take now, the
        rest are scheduled in the outbound table, in order."""
        records: list[asyncio.Future[None]] = []
        later: list[dict[str, Any]] = []
        error_code: int | None = None
        try:
            for message in messages:
                for part in render(message):
                    request = _request(_envelope(address, part), message.language, kind, pseudonym)
                    if later:
                        later.append(request)
                        continue
                    try:
                        wamid = await self.client.send(request["body"])
                    except GraphError as error:
                        if error.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
                            log.warning("whatsapp send scheduled for retry code=%s", error.code)
                            later.append(request)
                            error_code = error.code
                            continue
                        if error.remedy is Remedy.TEMPLATE and kind == "followup":
                            raise
                        log.warning("whatsapp send failed kind=%s code=%s", kind, error.code)
                        await self.ledger.record_failure(pseudonym, kind, error.code)
                        continue
                    records.extend(self._accepted(wamid, request))
        finally:
            if records:
                await asyncio.gather(*records)
        await self._schedule(later, error_code)

    def _accepted(self, wamid: str, request: dict[str, Any]) -> list[asyncio.Future[None]]:
        """Meta took `request` as `wamid`: its status row, and its copy until delivered."""
        pseudonym, kind = request["pseudonym"], request["kind"]
        recipient = _recipient(request["body"])
        return [
            asyncio.ensure_future(self.ledger.record_sent(wamid, pseudonym, kind)),
            asyncio.ensure_future(
                self.outbound.accepted(CHANNEL, pseudonym, recipient, request, wamid)
            ),
        ]

    async def _schedule(self, requests: list[dict[str, Any]], error_code: int | None) -> None:
        """Requests Meta could not take now, for the claim loop (after one try)."""
        if not requests:
            return
        await self.outbound.schedule(
            CHANNEL,
            requests[0]["pseudonym"],
            _recipient(requests[0]["body"]),
            requests,
            delay=self.policy.after(0),
            error=None if error_code is None else str(error_code),
        )
        self.scheduled()

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
        request = _request(body, language, "template", pseudonym)
        try:
            wamid = await self.client.send(body)
        except GraphError as error:
            if error.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
                await self._schedule([request], error.code)
                return
            await self.ledger.record_failure(pseudonym, "template", error.code)
            raise DeliveryError(f"WhatsApp refused the follow-up (code {error.code})") from None
        await asyncio.gather(*self._accepted(wamid, request))

    # --- failed deliveries and retries: the outbound claim loop's side ----------------------

    def _as_template(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The template version of a free-form request, when a template is configured."""
        body = request.get("body") or {}
        if self.followup is None or body.get("type") == "template":
            return None
        address = {key: body[key] for key in ("to", "recipient") if key in body}
        language = self.followup.language_code(request.get("language") or "en")
        template = _envelope(
            address, template_part(self.followup.name, language, [plain_text(body)])
        )
        return {**request, "body": template, "kind": "template"}

    async def send_outgoing(self, outgoing: Outgoing) -> Sent:
        """One scheduled message, sent again (called by the outbound claim loop): as the
        template when the window closed, else as it was; raises SendLater / SendFailed."""
        request = outgoing.message
        replaced: dict[str, Any] | None = None
        if _remedy(outgoing.last_error) is Remedy.TEMPLATE:
            replaced = self._as_template(request)
            if replaced is None:
                log.warning("whatsapp delivery failed: window closed id=%s", outgoing.id)
                raise SendFailed(outgoing.last_error or "window closed")
        try:
            wamid = await self.client.send((replaced or request)["body"])
        except GraphError as error:
            if error.remedy is Remedy.TEMPLATE and replaced is None:
                return await self.send_outgoing(
                    Outgoing(
                        outgoing.id,
                        outgoing.channel,
                        outgoing.recipient,
                        request,
                        outgoing.attempts,
                        str(error.code),
                    )
                )
            if error.remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
                raise SendLater(str(error.code)) from None
            raise SendFailed(str(error.code)) from None
        sent = replaced or request
        await self.ledger.record_sent(wamid, sent["pseudonym"], sent["kind"])
        return Sent(wamid, replaced)

    async def handle_failed_deliveries(self, failed: list[FailedDelivery]) -> None:
        """Meta reported messages as failed after accepting them: scheduled again (as the
        template when the window closed), or given up and reported."""
        codes = {one.wamid: one.error_code for one in failed}
        rows = await self.outbound.by_external(list(codes))
        now = False
        for wamid, row in rows.items():
            code = codes[wamid]
            remedy = _remedy(None if code is None else str(code))
            if remedy in (Remedy.RETRY, Remedy.SLOW_DOWN):
                await self.outbound.retry_later(row, self.policy.after(row.attempts), str(code))
            elif remedy is Remedy.TEMPLATE:  # goes now, as the template
                await self.outbound.retry_later(row, timedelta(0), str(code), tried=False)
                now = True
            else:
                log.warning(
                    "whatsapp delivery failed for good id=%s kind=%s code=%s attempts=%d",
                    row.id,
                    row.message.get("kind"),
                    code,
                    row.attempts,
                )
                await self.outbound.give_up(row, None if code is None else str(code))
        if now:
            self.scheduled()


def _request(body: dict[str, Any], language: str, kind: str, pseudonym: str) -> dict[str, Any]:
    """What the outbound table keeps of one Graph request: enough to send it again."""
    return {"body": body, "language": language, "kind": kind, "pseudonym": pseudonym}


def _recipient(body: dict[str, Any]) -> str:
    return str(body.get("to") or body.get("recipient") or "")


def _remedy(error: str | None) -> Remedy | None:
    """What a recorded Graph error code asks for (None: no code recorded)."""
    if error is None or not error.lstrip("-").isdigit():
        return None
    return GraphError(int(error), None).remedy
