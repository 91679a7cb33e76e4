"""The one retry policy: the delays it gives and the loop that uses them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reports.retry import Backoff, retry_after_header


def test_delays_double_from_the_first_up_to_the_cap() -> None:
    policy = Backoff(0.5, cap=8.0)
    assert [policy.delay(n) for n in range(7)] == [0.5, 1, 2, 4, 8, 8, 8]
    assert policy.after(2) == timedelta(seconds=2)
    assert policy.delay(1, scale=4) == 4


def test_jitter_spreads_a_wait_both_ways_by_at_most_its_fraction() -> None:
    policy = Backoff(2.0, cap=60.0, jitter=0.2)
    assert policy.delay(0, rand=lambda: 0.0) == pytest.approx(1.6)
    assert policy.delay(0, rand=lambda: 1.0) == pytest.approx(2.4)


def test_a_retry_after_header_in_seconds_or_not() -> None:
    assert retry_after_header("7") == 7
    assert retry_after_header("Wed, 21 Oct 2015 07:28:00 GMT") == 30
    assert retry_after_header(None, default=5) == 5


class Flaky(Exception):
    pass


async def test_a_call_is_tried_until_it_passes_and_a_hopeless_error_is_raised_at_once() -> None:
    calls: list[int] = []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise Flaky()
        return "done"

    policy = Backoff(0.0, cap=0.0)
    assert await policy.run(flaky, attempts=5, worth_retrying=lambda e: True) == "done"
    assert len(calls) == 3

    calls.clear()
    with pytest.raises(Flaky):
        await policy.run(flaky, attempts=5, worth_retrying=lambda e: False)
    assert len(calls) == 1

    calls.clear()
    with pytest.raises(Flaky):
        await policy.run(flaky, attempts=2, worth_retrying=lambda e: True)
    assert len(calls) == 2


async def test_the_wait_a_remote_asked_for_replaces_the_policys() -> None:
    asked: list[int] = []
    calls: list[int] = []

    async def limited() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise Flaky()
        return "ok"

    def wait(_error: BaseException, retries: int) -> float:
        asked.append(retries)
        return 0.0

    policy = Backoff(60.0, cap=60.0)  # never waited: the remote's figure wins
    assert await policy.run(limited, attempts=3, worth_retrying=lambda e: True, wait=wait) == "ok"
    assert asked == [0, 1]
