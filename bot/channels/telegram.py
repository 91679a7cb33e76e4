"""The Telegram channel: updates in through the durable inbox, the bot's answers out.

An update (webhook or polling) is routed cheaply and committed to the inbox before Telegram is
acknowledged; the inbox processor then calls `handle_item`, in order per chat, which reads the
update into aiogram's types (reusing the webhook's parse and route, see `Readings`), gives
private messages to the conversation engine, hands staff-chat actions to the staff gateway, and
renders the answers. Parsing lives in `telegram_updates`, rendering in `telegram_keyboard`, Bot
API calls in `telegram_sender`: this module only connects them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram import types
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import DeleteMessages, GetFile

from bot.channels import StaffGateway
from bot.channels.telegram_keyboard import (
    CLEAR_CHAT,
    Rendered,
    answered_question,
    remove_reply_keyboard,
    render,
)
from bot.channels.telegram_memory import ChatMemories, ChatMemory
from bot.channels.telegram_sender import BotApi, DeliveryError
from bot.channels.telegram_updates import (
    CHANNEL,
    PersonUpdate,
    Reading,
    Route,
    StaffAction,
    StaffMessage,
    parse_update,
    read_person,
    read_staff,
    route_update,
)
from bot.engine import ConversationEngine
from bot.inbox import Inbox, InboxItem
from bot.messages import OutboundMessage
from bot.turn_records import TurnRecords, origin_of
from locales.i18n import Translator
from reports.crashpoints import crash_point
from reports.crypto import Keyring
from reports.outbound import Outgoing

log = logging.getLogger(__name__)
# marks an inbox item that sends a turn's recorded replies Telegram did not take in time
DEFERRED = "tocsin_deferred_replies"
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
READINGS_KEPT = 4096  # readings waiting for this process's handler (a few seconds' worth)
NO_PREVIEW = {"is_disabled": True}


class Readings:
    """The webhook's readings of accepted updates, waiting for this process's handler.

    The inbox hands an update it has just committed to the local processor with the very bytes
    it was given, so the handler takes the reading of those bytes (checked by identity) instead
    of parsing and routing them again. An update handled elsewhere leaves its reading behind;
    the oldest are dropped past `READINGS_KEPT`, and a missing reading only means a parse."""

    def __init__(self, limit: int = READINGS_KEPT) -> None:
        self._limit = limit
        self._kept: OrderedDict[str, Reading] = OrderedDict()

    def keep(self, external_id: str, reading: Reading) -> None:
        self._kept[external_id] = reading
        self._kept.move_to_end(external_id)
        while len(self._kept) > self._limit:
            self._kept.popitem(last=False)

    def forget(self, external_id: str) -> None:
        self._kept.pop(external_id, None)

    def take(self, item: InboxItem) -> Reading | None:
        reading = self._kept.pop(item.external_id, None)
        return reading if reading is not None and reading.raw is item.payload else None


class TelegramChannel:
    """Accepts, handles and answers Telegram updates; also the channel's ChannelSender."""

    channel = CHANNEL

    def __init__(
        self,
        *,
        api: BotApi,
        engine: ConversationEngine,
        inbox: Inbox,
        keyring: Keyring,
        settings: Any,
        redis: Any = None,
        staff_gateway: Callable[[], StaffGateway | None] = lambda: None,
        turns: TurnRecords | None = None,
    ) -> None:
        self.api = api
        self.turns = turns
        self.engine = engine
        self.inbox = inbox
        self.keyring = keyring
        self.settings = settings
        self.memories = ChatMemories(keyring, redis)
        self._configured_staff_chats = frozenset(str(c) for c in settings.staff_telegram_chats)
        self.staff_gateway = staff_gateway
        self.readings = Readings()
        # in webhook mode a person's press is answered in the webhook's own response (a method
        # Telegram carries out itself), which stops the button's spinner at once and saves a call
        self.presses_answered_in_webhook = bool(getattr(settings, "telegram_webhook_url", None))

    @property
    def staff_chats(self) -> frozenset[str]:
        """The configured staff chats and every chat the escalation rules ping (confidential
        ones included), so presses there always reach the staff gateway."""
        gateway = self.staff_gateway()
        from_rules = gateway.staff_chats if gateway is not None else frozenset()
        return self._configured_staff_chats | from_rules

    # -- acceptance (webhook and polling) ---------------------------------------------------

    def sender_key(self, chat_id: str) -> str:
        """The inbox's ordering key of a chat: a keyed hash, never the chat id."""
        return self.keyring.pseudonym("telegram-inbox", chat_id)

    def route(self, update: Any) -> Route:
        """Where an update goes (read once, then passed to `accept` and `webhook_answer`)."""
        return route_update(update, self.staff_chats)

    async def accept(self, raw: bytes, update: Any, route: Route | None = None) -> bool:
        """Commit an update to the inbox if it is one we keep; True when it was new. `raw`
        must be the JSON of `update`; its reading is kept for this process's handler."""
        route = route or self.route(update)
        if route.kind == "ignored" or route.chat_id is None:
            return False
        external_id = str(route.update_id)
        # kept before the commit: the inbox may hand the item to the processor at once
        self.readings.keep(external_id, Reading(raw, update, route))
        try:
            new = await self.inbox.accept(CHANNEL, external_id, self.sender_key(route.chat_id), raw)
        except BaseException:
            self.readings.forget(external_id)
            raise
        if not new:  # seen before: that earlier delivery is (or was) handled from its own bytes
            self.readings.forget(external_id)
        return new

    def webhook_answer(self, update: Any, route: Route | None = None) -> dict[str, Any] | None:
        """The Bot API method to put in the webhook's response: a silent answer to a person's
        button press (not "clear this chat", whose answer says it was done)."""
        query = update.get("callback_query") if isinstance(update, dict) else None
        if not self.presses_answered_in_webhook or not isinstance(query, dict):
            return None
        if query.get("data") == CLEAR_CHAT or not isinstance(query.get("id"), str):
            return None
        if (route or self.route(update)).kind != "person":
            return None
        return {"method": "answerCallbackQuery", "callback_query_id": query["id"]}

    # -- handling (the inbox processor calls this, in order per chat) ------------------------

    async def handle_item(self, item: InboxItem) -> None:
        reading = self.readings.take(item)
        # read by this process's webhook a moment ago, or now from the stored bytes
        payload = reading.payload if reading is not None else json.loads(item.payload)
        if DEFERRED in payload:
            await self._deliver_deferred(payload[DEFERRED])
            return
        route = reading.route if reading is not None else self.route(payload)
        if route.kind == "staff":
            update = parse_update(payload, self.api.bot)
            if update is not None:
                await self._handle_staff(update, item)
        elif route.kind == "person":
            await self._handle_person(payload, item)

    async def _handle_person(self, payload: dict[str, Any], item: InboxItem) -> None:
        person, query = read_person(payload, self.download, self.api.bot)
        message = query.message if query is not None else None
        if query is not None and query.data == CLEAR_CHAT and isinstance(message, types.Message):
            await self.clear_chat(str(message.chat.id), query)
            return
        # cosmetic calls (the button stops spinning, the question shows its answer) run while
        # the engine thinks, so they add no time to the turn
        cosmetic: list[Awaitable[None]] = []
        if query is not None and not self.presses_answered_in_webhook:
            cosmetic.append(self._answer_callback(query.id))
        if person is None:
            await asyncio.gather(*cosmetic)
            return
        memory = await self.memories.load(person.chat_id)
        memory.remember(person.message_id)
        if person.press is not None:
            if memory.question is not None and person.press.message_id != memory.question:
                log.info("late button press ignored update=%s", item.external_id)
                cosmetic.append(self._retire_buttons(person.chat_id, person.press.message_id))
                await asyncio.gather(*cosmetic, self.memories.save(memory))
                return
            cosmetic.append(self._show_answer(person))
            memory.question = 0
        if self.turns is None:
            replies, *_ = await asyncio.gather(self.engine.handle(person.inbound), *cosmetic)
            await self._reply(person.chat_id, replies, memory, item)
            return
        replayed = await self.turns.replay(item)
        if replayed is None:  # the turn never committed: run it, recorded
            record = self.turns.start(item, person.chat_id)
            await asyncio.gather(self.engine.handle(person.inbound, record), *cosmetic)
            replayed = record.outgoing
        else:
            await asyncio.gather(*cosmetic)
            log.info("turn replayed from its record update=%s", item.external_id)
        await self._send_recorded(person.chat_id, replayed, memory, item)

    async def _send_recorded(
        self, chat_id: str, outgoing: list[Outgoing], memory: ChatMemory, item: InboxItem
    ) -> None:
        """Send recorded replies, marking each sent as Telegram takes it."""
        replies = TurnRecords.messages(outgoing)
        await self._reply(chat_id, replies, memory, item, [one.id for one in outgoing])

    async def answer_unreadable(self, item: InboxItem) -> None:
        """Tell the person their message could not be read (the processor then parks it)."""
        try:
            payload = json.loads(item.payload)
        except ValueError:
            return  # not even JSON: there is nobody to answer
        route = self.route(payload)
        if route.kind != "person" or route.chat_id is None or self.turns is None:
            return
        sender = (payload.get("message") or payload.get("callback_query") or {}).get("from")
        hint = sender.get("language_code") if isinstance(sender, dict) else None
        language = await self.turns.language_of(
            CHANNEL, route.chat_id, hint if isinstance(hint, str) else None
        )
        if language not in self.settings.languages:
            language = self.settings.default_language
        outgoing = await self.turns.record_unreadable(item, route.chat_id, language)
        memory = await self.memories.load(route.chat_id)
        await self._send_recorded(route.chat_id, outgoing, memory, item)

    async def _answer_callback(self, callback_id: str, text: str | None = None) -> None:
        params: dict[str, Any] = {"callback_query_id": callback_id}
        if text is not None:
            params["text"] = text
        try:
            await self.api.post("answerCallbackQuery", params)
        except (TelegramBadRequest, DeliveryError) as error:  # too old; the press still counts
            log.info("callback not answered error=%s", type(error).__name__)

    async def _show_answer(self, person: PersonUpdate) -> None:
        """Edit the question to show the chosen answer, without its buttons."""
        press = person.press
        assert press is not None
        if press.label is None:
            await self._retire_buttons(person.chat_id, press.message_id)
            return
        params = {
            "chat_id": person.chat_id,
            "message_id": press.message_id,
            "text": answered_question(press.question_text, press.label),
            "parse_mode": ParseMode.HTML.value,
        }
        await self._best_effort("editMessageText", params)

    async def _retire_buttons(self, chat_id: str, message_id: int) -> None:
        params = {"chat_id": chat_id, "message_id": message_id}
        await self._best_effort("editMessageReplyMarkup", params)

    async def _best_effort(self, name: str, params: dict[str, Any]) -> None:
        """A cosmetic call: its failure must not cost the person their answer."""
        try:
            await self.api.post(name, params)
        except (TelegramBadRequest, TelegramForbiddenError, DeliveryError) as error:
            log.info("cosmetic call skipped method=%s error=%s", name, error)

    async def _best_effort_call(self, method: Any) -> None:
        """`_best_effort` for a method sent through aiogram (a rare one)."""
        try:
            await self.api.call(method)
        except (TelegramBadRequest, TelegramForbiddenError, DeliveryError) as error:
            log.info("cosmetic call skipped method=%s error=%s", method.__api_method__, error)

    # -- answering --------------------------------------------------------------------------

    async def _reply(
        self,
        chat_id: str,
        replies: Sequence[OutboundMessage],
        memory: ChatMemory,
        item: InboxItem | None,
        recorded: Sequence[int] = (),
    ) -> None:
        """Send the engine's answers; what Telegram does not take now is deferred, not lost.
        `recorded`: the outbound rows of `replies`, each marked sent once Telegram took it."""
        retiring = None
        if replies and memory.question:
            retiring = asyncio.create_task(self._retire_buttons(chat_id, memory.question))
        if replies:
            memory.question = 0  # whatever buttons were showing belong to an older question
        sent = 0
        marking: list[Awaitable[None]] = []
        try:
            for reply in replies:
                await self._send_one(chat_id, reply, memory)
                crash_point("after_remote")
                if recorded and self.turns is not None:
                    marking.append(
                        asyncio.ensure_future(self.turns.outbound.mark_sent(recorded[sent]))
                    )
                sent += 1
        except DeliveryError:
            if item is None:
                raise
            await self._defer(chat_id, replies[sent:], item, bool(recorded))
        finally:
            await asyncio.gather(*marking)
            await self.memories.save(memory)
            if retiring is not None:
                await retiring

    async def _send_one(self, chat_id: str, reply: OutboundMessage, memory: ChatMemory) -> None:
        pieces = render(reply)
        showing = memory.reply_keyboard and not any(piece.has_reply_keyboard for piece in pieces)
        if showing and pieces[0].markup is None:  # the location keyboard has served its turn
            pieces[0] = Rendered(pieces[0].html, remove_reply_keyboard())
            memory.reply_keyboard = False
        for piece in pieces:
            message_id = await self._send_piece(chat_id, piece)
            if message_id is None:
                continue
            memory.remember(message_id)
            if piece.has_inline_keyboard and reply.choices:
                memory.question = message_id
            if piece.has_reply_keyboard:
                memory.reply_keyboard = True

    async def _send_piece(self, chat_id: str, piece: Rendered) -> int | None:
        """The sent message's id; None when Telegram refused it for good."""
        params: dict[str, Any] = {
            "chat_id": chat_id,
            "text": piece.html,
            "parse_mode": ParseMode.HTML.value,
            "link_preview_options": NO_PREVIEW,
        }
        if piece.markup is not None:
            params["reply_markup"] = piece.markup.model_dump(exclude_none=True)
        try:
            message = await self.api.post("sendMessage", params, paced_chat=chat_id)
            return int(message["message_id"])
        except TelegramForbiddenError:
            log.info("message not delivered: the bot is blocked in this chat")
        except TelegramBadRequest as error:
            log.error("message refused by telegram: %s", error.message)
        return None

    async def _defer(
        self, chat_id: str, replies: Sequence[OutboundMessage], item: InboxItem, recorded: bool
    ) -> None:
        """An inbox item of the same chat (so the chat's next messages wait behind it) sends
        what is left, retried with back-off. Recorded replies stay in the outbound table and
        the item names their origin; others travel in the item, sealed like any payload."""
        if recorded:
            deferred: dict[str, Any] = {"chat_id": chat_id, "origin": origin_of(item)}
        else:
            deferred = {"chat_id": chat_id, "replies": [reply.to_dict() for reply in replies]}
        await self.inbox.accept(
            CHANNEL,
            f"{item.external_id}:deferred:{item.attempts}",
            item.sender_key,
            json.dumps({DEFERRED: deferred}).encode(),
        )
        log.warning("telegram unreachable: %d answers deferred", len(replies))

    async def _deliver_deferred(self, deferred: dict[str, Any]) -> None:
        chat_id = str(deferred["chat_id"])
        memory = await self.memories.load(chat_id)
        if "origin" in deferred and self.turns is not None:
            outgoing = await self.turns.outbound.pending(deferred["origin"])
            replies = TurnRecords.messages(outgoing)
            ids = [one.id for one in outgoing]
            await self._reply(chat_id, replies, memory, None, ids)  # raises: retried later
            return
        replies = [OutboundMessage.from_dict(data) for data in deferred.get("replies", [])]
        await self._reply(chat_id, replies, memory, None)  # raises: the inbox retries later

    async def send(self, recipient_id: str, messages: Sequence[OutboundMessage]) -> None:
        """ChannelSender: messages nobody just asked for (a staff question, a staff ping)."""
        memory = await self.memories.load(recipient_id)
        await self._reply(recipient_id, messages, memory, None)

    # -- files ------------------------------------------------------------------------------

    async def download(self, file_id: str, size: int | None) -> bytes:
        """A file the person sent, read up to one byte past the size limit."""
        file = await self.api.call(GetFile(file_id=file_id))
        if not file.file_path:
            raise DeliveryError("no file path")
        return await self.api.download(file.file_path, self.settings.max_media_bytes)

    # -- clearing the chat ------------------------------------------------------------------

    async def clear_chat(self, chat_id: str, query: types.CallbackQuery) -> None:
        """Delete every message of the last 48 hours that the bot may delete in this chat."""
        memory = await self.memories.load(chat_id)
        numbers = sorted({*memory.deletable, *self._pressed(query)})
        language = (query.from_user.language_code or "").split("-")[0]
        if language not in self.settings.languages:
            language = self.settings.default_language
        _ = Translator(language)
        await self._answer_callback(query.id, _("This chat has been cleared."))
        for start in range(0, len(numbers), DELETE_BATCH):
            batch = numbers[start : start + DELETE_BATCH]
            await self._best_effort_call(DeleteMessages(chat_id=chat_id, message_ids=batch))
        await self.memories.forget(chat_id)
        log.info("chat cleared messages=%d", len(numbers))

    @staticmethod
    def _pressed(query: types.CallbackQuery) -> list[int]:
        return [query.message.message_id] if query.message is not None else []

    # -- staff chats ------------------------------------------------------------------------

    async def _handle_staff(self, update: types.Update, item: InboxItem) -> None:
        event = read_staff(update)
        gateway = self.staff_gateway()
        if isinstance(event, StaffAction):
            answer = None
            if gateway is not None:
                answer = await gateway.handle_staff_action(
                    CHANNEL, event.chat_id, event.user_id, event.message_id, event.data
                )
            else:
                log.warning("staff action with no escalation running")
            await self._answer_callback(event.callback_id, answer[:200] if answer else None)
        elif isinstance(event, StaffMessage) and gateway is not None:
            answer = await gateway.handle_staff_message(
                CHANNEL, event.chat_id, event.user_id, event.text, event.reply_to_message_id
            )
            if answer:
                language = self.settings.default_language
                memory = await self.memories.load(event.chat_id)
                await self._reply(
                    event.chat_id, [OutboundMessage(answer, language=language)], memory, item
                )
