"""The one claim loop: scheduled rows of the outbound table, sent again when they are due.

A channel whose remote may refuse a message for a while (WhatsApp's Graph API), or report it
undelivered minutes after taking it, schedules the message in the outbound table instead of
keeping a queue of its own. This loop claims the due rows in order, hands each to its
channel's `send_outgoing`, and settles the row from what the channel says: it went (under the
remote's id, maybe in another form, such as a template), try again later (the one retry
policy says when), or give up. The row is claimed before it is sent and settled after, so a
process that dies in between leaves it claimed; the lease runs out and it is sent again: at
most one duplicate per crash, never a lost message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reports.outbound import OutboundLog, Outgoing
from reports.retry import Backoff

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
HOUSEKEEPING_EVERY_SECONDS = 3600.0


@dataclass(frozen=True)
class Sent:
    """The remote took the message: its id for delivery reports (None: nothing will be
    reported, the row is settled now) and, when it went in another form, that form."""

    external_id: str | None
    message: dict[str, Any] | None = None


class SendLater(Exception):
    """The remote may take the message later: the row is due again under the policy; `scale`
    lengthens the wait (the remote asked us to slow down)."""

    def __init__(self, error: str, scale: float = 1.0) -> None:
        super().__init__(error)
        self.error = error
        self.scale = scale


class SendFailed(Exception):
    """No retry can help (the person cannot be reached, the request is wrong): give up."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class OutgoingSender(Protocol):
    """A channel's side of the loop: send one recorded message, or raise SendLater/SendFailed."""

    async def send_outgoing(self, outgoing: Outgoing) -> Sent: ...


class OutboundWorker:
    """Claims due scheduled rows of its channels and sends them through their senders."""

    def __init__(
        self,
        outbound: OutboundLog,
        senders: Mapping[str, OutgoingSender],
        policy: Backoff,
        *,
        max_attempts: int = 6,
        housekeeping: Sequence[Callable[[], Awaitable[Any]]] = (),
    ) -> None:
        self.outbound = outbound
        self.senders = dict(senders)
        self.policy = policy
        self.max_attempts = max_attempts
        self.housekeeping = tuple(housekeeping)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was scheduled to go now: look before the next poll."""
        self._wake.set()

    async def run_due(self) -> int:
        """One pass: send the claimed rows whose time has come, in order."""
        due = await self.outbound.claim_due(list(self.senders))
        for one in due:
            await self._send(one)
        return len(due)

    async def _send(self, one: Outgoing) -> None:
        if one.attempts >= self.max_attempts:
            await self._give_up(one, one.last_error)
            return
        try:
            sent = await self.senders[one.channel].send_outgoing(one)
        except SendLater as later:
            delay = self.policy.after(one.attempts, scale=later.scale)
            await self.outbound.retry_later(one, delay, later.error)
            return
        except SendFailed as failed:
            await self._give_up(one, failed.error)
            return
        except Exception as error:  # a bug or an outage of ours: try again under the policy
            log.exception("outbound send failed id=%s channel=%s", one.id, one.channel)
            await self.outbound.retry_later(
                one, self.policy.after(one.attempts), type(error).__name__
            )
            return
        await self.outbound.resent(one, sent.external_id, sent.message)

    async def _give_up(self, one: Outgoing, error: str | None) -> None:
        log.warning(
            "outbound delivery failed for good id=%s channel=%s code=%s attempts=%d",
            one.id,
            one.channel,
            error,
            one.attempts,
        )
        await self.outbound.give_up(one, error)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: send what is due, and now and then run the housekeeping."""
        loop = asyncio.get_running_loop()
        kept_at = loop.time()
        while not stop.is_set():
            self._wake.clear()
            try:
                if await self.run_due():
                    continue
                if loop.time() - kept_at > HOUSEKEEPING_EVERY_SECONDS:
                    kept_at = loop.time()
                    for task in self.housekeeping:
                        await task()
            except Exception:
                log.exception("outbound pass failed")
            waiting = asyncio.ensure_future(stop.wait())
            waking = asyncio.ensure_future(self._wake.wait())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait(
                    (waiting, waking), timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED
                )
            for task_ in (waiting, waking):
                task_.cancel()
