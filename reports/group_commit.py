"""Group commit: calls that arrive while a commit is in flight share the next one.

A webhook must wait for its update to be durable before answering, and a handled item must be
marked done; doing each alone costs a pool check-out, BEGIN, a statement and COMMIT apiece.
Under load the callers waiting at the same moment can share one transaction instead. The first
caller flushes at once (no added latency when idle); callers that arrive meanwhile go together
in the next flush. A failed flush fails every caller of that batch, and only them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Entry = TypeVar("Entry")
Result = TypeVar("Result")

MAX_BATCH = 200


class GroupCommit(Generic[Entry, Result]):
    """`submit(entry)` returns `flush([...entries])[i]` for that entry's place in its batch."""

    def __init__(
        self,
        flush: Callable[[list[Entry]], Awaitable[list[Result]]],
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._waiting: list[tuple[Entry, asyncio.Future[Result]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def submit(self, entry: Entry) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((entry, future))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush_while_waiting())
        return await future

    async def _flush_while_waiting(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self._max_batch]
                self._waiting = self._waiting[self._max_batch :]
                try:
                    results = await self._flush([entry for entry, _ in batch])
                except Exception as error:  # e.g. the database is down: each caller sees it
                    _fail(batch, error)
                    continue
                except BaseException:  # cancelled at shutdown: nobody may wait forever
                    _fail(batch + self._waiting, ConnectionAbortedError("commit cancelled"))
                    self._waiting = []
                    raise
                for (_entry, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._flushing = None


def _fail(batch: list[tuple[Entry, asyncio.Future[Result]]], error: BaseException) -> None:
    for _entry, future in batch:
        if not future.done():
            future.set_exception(error)
