"""The one retry policy: how long every send, claim or call waits before it tries again.

Two kinds of retry take their delays from here. An in-process retry (one HTTP call tried a few
times while the caller waits) runs `Backoff.retrying`, a `tenacity` loop whose waits are this
policy's. A durable retry (a row whose `attempts` column counts the failures and whose
`available_at` says when to try again) asks `Backoff.delay` for the same figure. So the
Telegram, WhatsApp and SMS clients, the inbox, the escalation queue and the outbound records
all grow their waits the same way: `first`, twice that, four times..., never above `cap`, with
an optional jitter so that replicas failing together do not all retry at the same instant.

It lives in `reports` because both `bot` and `escalation` use it and neither may import the
other; it knows nothing of any remote API (callers say which errors are worth a retry).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

log = logging.getLogger(__name__)
T = TypeVar("T")
Asked = Callable[[BaseException, int], float | None]


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off: `first` seconds after the first failure, doubling up to `cap`;
    `jitter` spreads each wait by up to that fraction either way."""

    first: float
    cap: float
    jitter: float = 0.0

    def delay(
        self, retries: int, *, scale: float = 1.0, rand: Callable[[], float] = random.random
    ) -> float:
        """Seconds before retry number `retries` + 1 (0 for the first retry). `scale`
        lengthens every wait of one kind of failure (a remote that asked us to slow down)."""
        base = min(self.cap, self.first * scale * 2 ** max(0, retries))
        if not self.jitter:
            return base
        return base * (1 - self.jitter + 2 * self.jitter * rand())

    def after(self, retries: int, *, scale: float = 1.0) -> timedelta:
        """`delay` as a `timedelta`, for a durable schedule (`available_at = now + after(n)`)."""
        return timedelta(seconds=self.delay(retries, scale=scale))

    async def run(
        self,
        call: Callable[[], Awaitable[T]],
        *,
        attempts: int,
        worth_retrying: Callable[[BaseException], bool],
        wait: Asked | None = None,
        what: str = "call",
    ) -> T:
        """`call()` tried at most `attempts` times; an error `worth_retrying` refuses, or the
        last one, is raised as it is. `wait(error, retries)` may name the delay the remote
        asked for (a 429's `retry_after`); None means the policy's own.

        The first try runs bare: a `tenacity` loop costs tens of microseconds, which the send
        that succeeds at once (nearly all of them) should not pay; the loop takes over at the
        first failure."""
        try:
            return await call()
        except Exception as error:
            if attempts <= 1 or not worth_retrying(error):
                raise
            await asyncio.sleep(self._wait(error, 0, wait, what))
        async for attempt in self.retrying(attempts - 1, worth_retrying, wait=wait, what=what):
            with attempt:
                return await call()
        raise AssertionError("unreachable: the loop returns or raises")

    def retrying(
        self,
        attempts: int,
        worth_retrying: Callable[[BaseException], bool],
        *,
        wait: Asked | None = None,
        what: str = "call",
        first_retry: int = 1,
    ) -> AsyncRetrying:
        """The `tenacity` loop behind `run`, for callers that need its attempts one by one;
        `first_retry` is the number of failures already behind it."""

        def seconds(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            retries = state.attempt_number - 1 + first_retry
            return self._wait(error, retries, wait, what)

        return AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=seconds,
            retry=retry_if_exception(worth_retrying),
            reraise=True,
        )

    def _wait(
        self, error: BaseException | None, retries: int, wait: Asked | None, what: str
    ) -> float:
        asked = wait(error, retries) if wait is not None and error is not None else None
        delay = self.delay(retries) if asked is None else asked
        log.warning("%s retried error=%s in=%.2fs", what, type(error).__name__, delay)
        return delay


def retry_after_header(value: str | None, default: float = 30.0) -> float:
    """Seconds from an HTTP `Retry-After` header (an HTTP date counts as the default)."""
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default
