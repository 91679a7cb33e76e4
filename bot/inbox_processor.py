"""Runs the inbox's items through their channel's handler, in order per sender.

Items arrive two ways: handed over by the inbox as it accepts them (this processor is the
inbox's local taker) or claimed from the database (items accepted by another process, items
whose sender was busy, retries). Either way one sender's items run one after the other in the
order of their ids, and different senders run side by side up to `concurrency` at a time.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from bot.failures import is_transient
from bot.inbox import Handler, Inbox, InboxItem, worker_name

log = logging.getLogger(__name__)
_numbers = itertools.count(1)
# a message that still fails this long after it arrived is answered and parked even when the
# failure is remote (an outage): the person hears back within 10 s and may go on
ANSWER_WITHIN = timedelta(seconds=6)


class InboxProcessor:
    """Claims items and hands each to its channel's handler until stopped."""

    def __init__(
        self,
        inbox: Inbox,
        handlers: dict[str, Handler],
        *,
        concurrency: int = 64,
        poll_seconds: float = 1.0,
        redis: object = None,
        apologies: dict[str, Handler] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.inbox = inbox
        self.handlers = handlers
        # channel -> tells an item's sender their message could not be read
        self.apologies = dict(apologies or {})
        self.clock = clock
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.worker = f"{worker_name()}:{next(_numbers)}"
        self._redis = redis
        self._stopping = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()
        self._ready: deque[InboxItem] = deque()  # waiting for a free slot
        self._behind: dict[str, deque[InboxItem]] = {}  # sender busy -> its next items
        self._held = 0  # items leased to this processor and not finished

    # -- one item ----------------------------------------------------------------------------

    async def _handle(self, item: InboxItem) -> bool:
        """True when done with (handled, or answered and parked); a remote failure is retried
        shortly and the sender's later items wait for it."""
        handler = self.handlers.get(item.channel)
        try:
            if handler is None:
                raise LookupError(f"no handler for channel {item.channel}")
            await handler(item)
        except Exception as error:
            received = item.received_at
            if received.tzinfo is None:  # SQLite gives back naive UTC times
                received = received.replace(tzinfo=UTC)
            # a remote failure is always tried once more; one still failing well after the
            # message arrived is answered and parked
            overdue = item.attempts >= 2 and self.clock() - received >= ANSWER_WITHIN
            if (is_transient(error) and not overdue) or not await self._park(item, error):
                log.warning(
                    "inbox item failed id=%s channel=%s error=%s attempt=%d",
                    item.id, item.channel, type(error).__name__, item.attempts,
                    exc_info=not is_transient(error),
                )  # fmt: skip
                await self.inbox.retry_later(item.id, item.attempts, type(error).__name__)
                return False
            return True
        await self.inbox.complete(item.id)
        return True

    async def _park(self, item: InboxItem, error: Exception) -> bool:
        """Answer "I could not read that" and park the item as a dead letter; False when the
        answer could not be given (then it is tried again like any remote failure)."""
        log.error(
            "inbox item parked id=%s channel=%s error=%s",
            item.id, item.channel, type(error).__name__, exc_info=error,
        )  # fmt: skip
        apology = self.apologies.get(item.channel)
        try:
            if apology is not None:
                await apology(item)
        except Exception as failure:
            log.warning("unreadable message not answered error=%s", type(failure).__name__)
            return False
        await self.inbox.park(item.id, type(error).__name__)
        return True

    async def run_once(self) -> int:
        """Handle one claimed batch; items of different senders run concurrently."""
        items = await self.inbox.claim(self.worker, limit=self.concurrency)
        if items:
            await asyncio.gather(*(self._handle(item) for item in items))
        return len(items)

    # -- the local taker protocol ------------------------------------------------------------

    def room(self) -> int:
        """Free slots. A busy processor takes nothing more, so that what waits stays in the
        database, where the oldest is claimed first by whichever worker frees a slot."""
        return self.concurrency - self._held

    def take(self, items: Sequence[InboxItem]) -> None:
        for item in items:
            self._admit(item)

    # -- scheduling --------------------------------------------------------------------------

    def _admit(self, item: InboxItem) -> None:
        self._held += 1
        queue = self._behind.get(item.sender_key)
        if queue is not None:  # the sender has an item running or waiting: keep the order
            queue.append(item)
            return
        self._behind[item.sender_key] = deque()
        self._ready.append(item)
        self._start_ready()

    def _start_ready(self) -> None:
        while self._ready and len(self._running) < self.concurrency:
            self._start(self._ready.popleft())

    def _start(self, item: InboxItem) -> None:
        task = asyncio.create_task(self._run_item(item))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run_item(self, item: InboxItem) -> None:
        handled = False
        try:
            handled = await self._handle(item)
        finally:
            self._held -= 1
            queue = self._behind.get(item.sender_key)
            if queue and handled and not self._stopping.is_set():
                self._ready.append(queue.popleft())
            else:
                self._behind.pop(item.sender_key, None)
                if queue:  # failed or stopping: the later items go back to every worker
                    self._held -= len(queue)
                    await self.inbox.release([later.id for later in queue])
            self._start_ready()
            self.inbox.wakeup.set()  # a free slot, and maybe a claim to make

    async def run(self) -> None:
        """Keep up to `concurrency` items running, claiming more as soon as a slot frees, so
        one slow turn never holds the others back."""
        # other processes' accepts wake this loop (reports.wakeup, the inbox's channel)
        listener = asyncio.create_task(self.inbox.wakes.listen(self._redis))
        self.inbox.attach(self)
        try:
            await self.inbox.take_back_leases()
        except Exception as error:  # the database is still starting: the leases run out
            log.warning("leases not taken back error=%s", type(error).__name__)
        try:
            while not self._stopping.is_set():
                # cleared before claiming: an item accepted while the claim runs wakes the
                # next round at once instead of after a whole poll interval
                self.inbox.wakeup.clear()
                free = self.room()
                claimed = await self.inbox.claim(self.worker, limit=free) if free > 0 else []
                self.take(claimed)
                if len(claimed) == free > 0:
                    continue  # there may be more waiting
                waiter = asyncio.create_task(self.inbox.wakeup.wait())
                await asyncio.wait({waiter}, timeout=self.poll_seconds)
                waiter.cancel()
        finally:
            self.inbox.attach(None)
            waiting = [item.id for item in self._ready]
            waiting += [item.id for queue in self._behind.values() for item in queue]
            self._ready.clear()
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)
            await self.inbox.release(waiting)
            listener.cancel()

    def stop(self) -> None:
        self._stopping.set()
        self.inbox.wakeup.set()
