"""Reaching a reporter without staff ever seeing who they are.

The relay is given by whoever runs the channels (`tocsin run`): it opens a staff question in
the reporter's conversation, or tells them their report's status changed, through the
channel's sender. Escalation only ever holds the sealed contact long enough to hand it over.
"""

from __future__ import annotations

from typing import Protocol

from escalation.notifiers import Job, PermanentFailure
from reports.storage import ReportStore


class ReporterRelay(Protocol):
    def serves(self, channel: str) -> bool: ...

    async def ask(
        self, channel: str, raw_id: str, reference: str, question: str, language: str
    ) -> bool: ...

    async def tell_status(
        self, channel: str, raw_id: str, reference: str, status: str, language: str
    ) -> bool: ...


def raw_id_of(contact: str) -> str:
    """The channel's own id from a stored contact `channel:raw_id`."""
    return contact.split(":", 1)[1] if ":" in contact else contact


class ReporterNotifier:
    """Deliveries to `reporter:<report id>`: status changes of their report."""

    kind = "reporter"

    def __init__(self, store: ReportStore, relay: ReporterRelay) -> None:
        self.store = store
        self.relay = relay

    async def send(self, job: Job) -> str | None:
        if job.reference is None:
            raise PermanentFailure("report gone")
        contact = await self.store.contact_of(job.reference, actor="escalation:notice")
        if contact is None:
            raise PermanentFailure("reporter not contactable")
        channel, address = contact
        if not self.relay.serves(channel):
            raise PermanentFailure("channel not served")
        status = str(job.payload.get("status", ""))
        told = await self.relay.tell_status(
            channel, raw_id_of(address), job.reference, status, job.language
        )
        if not told:
            raise PermanentFailure("reporter not reached")
        await self.store.heard_back(job.reference)
        return None

    async def close(self) -> None:
        return None
