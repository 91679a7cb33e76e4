"""What the Telegram channel remembers of a private chat, apart from the conversation itself.

Three things the Bot API does not tell us later: which bot message carries the open question's
buttons (so a newer question can retire them and a late press on them is recognised), whether a
reply keyboard is showing (so it can be removed), and the ids of the messages exchanged in the
last 48 hours (the window in which a bot may delete them when the person asks to clear the
chat). Message ids identify nobody; the chat is keyed by a keyed hash, never by its id. Kept
in Redis when there is one (several replicas), otherwise in this process.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from reports.crypto import Keyring

DELETABLE_SECONDS = 48 * 3600
MAX_IDS_KEPT = 500
LOCAL_CHATS_KEPT = 50_000


@dataclass
class ChatMemory:
    key: str
    # the bot message whose buttons answer the open question: 0 when no buttons are open,
    # None when unknown (a press is then taken as it comes)
    question: int | None = None
    reply_keyboard: bool = False
    sent: list[list[int]] = field(default_factory=list)  # [message id, unix time]

    def remember(self, *message_ids: int | None) -> None:
        now = int(time.time())
        self.sent.extend([number, now] for number in message_ids if number is not None)
        oldest = now - DELETABLE_SECONDS
        self.sent = [entry for entry in self.sent if entry[1] > oldest][-MAX_IDS_KEPT:]

    @property
    def deletable(self) -> list[int]:
        oldest = int(time.time()) - DELETABLE_SECONDS
        return [number for number, at in self.sent if at > oldest]

    def to_json(self) -> str:
        # by hand: dataclasses.asdict deep-copies the id list, a cost paid on every update
        data = {"question": self.question, "reply_keyboard": self.reply_keyboard, "sent": self.sent}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, key: str, raw: str | bytes) -> ChatMemory:
        return cls(key=key, **json.loads(raw))


class ChatMemories:
    """Load and save ChatMemory by chat, in Redis or in a bounded in-process map."""

    def __init__(self, keyring: Keyring, redis: Any = None) -> None:
        self._keyring = keyring
        self._redis = redis
        self._local: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def _key(self, chat_id: str) -> str:
        return "tocsin:telegram:chat:" + self._keyring.pseudonym("telegram-chat", chat_id)

    async def load(self, chat_id: str) -> ChatMemory:
        key = self._key(chat_id)
        if self._redis is not None:
            raw = await self._redis.get(key)
        else:
            expires, raw = self._local.get(key, (0.0, None))
            if expires < time.time():
                raw = None
        return ChatMemory.from_json(key, raw) if raw else ChatMemory(key)

    async def save(self, memory: ChatMemory) -> None:
        raw = memory.to_json()
        if self._redis is not None:
            await self._redis.set(memory.key, raw, ex=DELETABLE_SECONDS)
            return
        self._local[memory.key] = (time.time() + DELETABLE_SECONDS, raw)
        self._local.move_to_end(memory.key)
        while len(self._local) > LOCAL_CHATS_KEPT:
            self._local.popitem(last=False)

    async def forget(self, chat_id: str) -> None:
        key = self._key(chat_id)
        if self._redis is not None:
            await self._redis.delete(key)
        else:
            self._local.pop(key, None)
