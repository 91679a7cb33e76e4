"""Notifiers: each sends one kind of delivery (Telegram, e-mail, webhook, reporter).

A notifier gets a `Job` (what to say, already read from the database) and returns the remote
id of what it sent. It raises `RetryLater` when the remote side asks to wait (429), and
`PermanentFailure` when retrying cannot help (an unknown chat); anything else is retried with
back-off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from escalation.cards import AlertCard


class RetryLater(Exception):
    """The remote side asked us to wait this many seconds (not counted as a failure)."""

    def __init__(self, seconds: float, reason: str = "retry later") -> None:
        super().__init__(reason)
        self.seconds = seconds


class PermanentFailure(Exception):
    """Retrying cannot help: the delivery is given up and logged."""


@dataclass
class Job:
    delivery_id: int
    kind: str  # telegram | email | webhook | reporter
    address: str  # chat id, e-mail address, URL, report id
    purpose: str  # ping | remind | edit | update | answer | notice | digest
    language: str = "en"
    card: AlertCard | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    message_ids: list[str] = field(default_factory=list)  # edits: the pings to edit
    text: str | None = None  # answers and digests: the words to send as they are
    reference: str | None = None
    max_wait: float = 15.0  # longest wait for a rate-limit slot before giving the job back


class Notifier(Protocol):
    kind: str

    async def send(self, job: Job) -> str | None: ...

    async def close(self) -> None: ...
