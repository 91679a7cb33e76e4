"""The console channel: chat with the bot in a terminal, or script it through standard input.

Rendering follows the console contract (spec/interfaces.md): bot text as it is, each choice on
its own line as `  [n] label`, and a `> ` prompt only when standard input is a terminal.
`/attach PATH` sends a file, as a photo or voice message would be sent on a phone.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import sys
from pathlib import Path
from typing import TextIO

from bot.engine import ConversationEngine
from bot.messages import InboundMessage, MediaRef, OutboundMessage
from locales.i18n import Translator

CHANNEL = "console"


def media_kind(mime_type: str | None) -> str:
    """The kind a phone would give this file."""
    major = (mime_type or "").split("/", 1)[0]
    return {"image": "photo", "audio": "voice", "video": "video"}.get(major, "document")


def render(message: OutboundMessage) -> str:
    """One OutboundMessage as console text."""
    lines = [message.text]
    lines.extend(f"  [{number}] {choice.label}" for number, choice in enumerate(message.choices, 1))
    if message.request_location:
        _ = Translator(message.language)
        lines.append(_("(Type a place name, or coordinates as lat,lon.)"))
    return "\n".join(lines)


class ConsoleChannel:
    """Reads lines, hands them to the engine, prints the answers."""

    def __init__(
        self,
        engine: ConversationEngine,
        *,
        sender_id: str,
        language: str | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        mailbox_seconds: float = 1.0,
    ) -> None:
        self.engine = engine
        self.sender_id = sender_id
        self.language = language
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.mailbox_seconds = mailbox_seconds

    def _print(self, messages: list[OutboundMessage]) -> None:
        for message in messages:
            self.stdout.write(render(message) + "\n")
        self.stdout.flush()

    def _inbound(self, line: str) -> InboundMessage:
        if line.startswith("/attach "):
            path = Path(line[len("/attach ") :].strip()).expanduser()
            mime_type = mimetypes.guess_type(path.name)[0]

            async def fetch() -> bytes:
                return await asyncio.to_thread(path.read_bytes)

            size = path.stat().st_size if path.is_file() else None
            return InboundMessage(
                channel=CHANNEL,
                sender_id=self.sender_id,
                media=MediaRef(media_kind(mime_type), fetch, mime_type, size, path.name),
                language_hint=self.language,
            )
        return InboundMessage(
            channel=CHANNEL, sender_id=self.sender_id, text=line, language_hint=self.language
        )

    async def _watch_mailbox(self) -> None:
        """Print what staff send while the person is quiet (a question, a status notice):
        `tocsin run` keeps it in the person's session, as this process sends nothing."""
        from bot.flow.followup import take_mailbox

        services = self.engine.services
        while True:
            await asyncio.sleep(self.mailbox_seconds)
            messages = await take_mailbox(services, CHANNEL, self.sender_id)
            if messages:
                self._print(messages)

    async def run(self) -> None:
        """Talk until end of input; staff messages are shown as they arrive."""
        watcher = asyncio.create_task(self._watch_mailbox(), name="console-mailbox")
        try:
            await self._talk()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _talk(self) -> None:
        interactive = self.stdin.isatty()
        if self.language:
            await self.engine.preset_language(CHANNEL, self.sender_id, self.language)
        self._print(await self.engine.handle(self._inbound("/start")))
        while True:
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            self._print(await self.engine.handle(self._inbound(line)))
