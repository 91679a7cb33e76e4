"""Delivery at least once, never twice: 429, errors, restarts mid-delivery, several workers."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from escalation.models import Delivery
from escalation.wakeup import Waker
from tests.escalation.conftest import DESK, Bench, bench_settings, new_worker, only


async def test_429_is_honoured_and_the_ping_arrives_after_retry_after(bench: Bench) -> None:
    bench.bot_api.too_many, bench.bot_api.retry_after = 1, 1
    view = await bench.submit(immediate_danger=True)
    await bench.run()
    assert bench.bot_api.chat(DESK) == [], "nothing is sent before retry_after has passed"

    await asyncio.sleep(1.1)
    await bench.run()
    assert view.reference in only(bench.bot_api.chat(DESK)).text
    assert bench.bot_api.calls.count("sendMessage") == 2


async def test_server_errors_are_retried_with_backoff(bench: Bench) -> None:
    bench.bot_api.server_errors = 2
    view = await bench.submit(immediate_danger=True)
    for _ in range(20):
        await bench.run()
        if bench.bot_api.chat(DESK):
            break
        await asyncio.sleep(0.1)
    assert view.reference in only(bench.bot_api.chat(DESK)).text


async def test_an_unknown_chat_is_given_up_without_blocking_the_others(bench: Bench) -> None:
    from escalation.loading import parse_rules
    from tests.escalation.conftest import rules_text

    text = rules_text(bench.hooks.url, bench.smtp.url).replace('["-1001"]', '["-404", "-1001"]')
    bench.worker.policy.ruleset = parse_rules(text, bench.worker.ruleset.source)
    bench.worker.dispatcher.ruleset = bench.worker.policy.ruleset
    await bench.submit(immediate_danger=True)
    await bench.run()
    assert len(bench.bot_api.chat(DESK)) == 1
    async with bench.store.engine.connect() as connection:
        states = dict((await connection.execute(select(Delivery.target, Delivery.state))).all())
    assert states["telegram:-404"] == "skipped"


async def test_restart_mid_delivery_loses_nothing_and_pings_once(bench: Bench) -> None:
    references = [
        (
            await bench.submit(immediate_danger=True, lat=10.0 + i, lon=2.0, admin_area=f"A{i}")
        ).reference
        for i in range(6)
    ]
    bench.bot_api.gate = asyncio.Event()  # Telegram stops answering
    crashing = asyncio.create_task(bench.worker.drain())
    for _ in range(200):
        if bench.bot_api.waiting == len(references):
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    crashing.cancel()  # the worker dies with every ping claimed and its request in flight
    with pytest.raises(asyncio.CancelledError):
        await crashing
    await bench.worker.close()
    bench.bot_api.gate.set()

    settings = bench_settings("sqlite+aiosqlite:///unused.db", bench.bot_api.url)
    restarted = new_worker(
        settings, bench.store.engine, bench.keyring, bench.store, bench.worker.ruleset, bench.clock
    )
    bench.workers.append(restarted)
    await asyncio.sleep(1.1)  # the dead worker's claims expire (lease: 1 s)
    await restarted.drain()

    sent = Counter(
        ref for message in bench.bot_api.chat(DESK) for ref in references if ref in message.text
    )
    assert sent == Counter({reference: 1 for reference in references})


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SKIP LOCKED sharing
async def test_several_workers_share_the_work_without_double_pings(
    bench: Bench, database_url: str
) -> None:
    chats = [f"-20{i:02d}" for i in range(30)]
    from escalation.loading import parse_rules
    from tests.escalation.conftest import rules_text

    text = rules_text(bench.hooks.url, bench.smtp.url).replace('["-1001"]', f"[{', '.join(chats)}]")
    text = text.replace("lease: 1s", "lease: 20s")
    ruleset = parse_rules(text, bench.worker.ruleset.source)
    settings = bench_settings(database_url, bench.bot_api.url)
    workers = [
        new_worker(settings, bench.store.engine, bench.keyring, bench.store, ruleset, bench.clock)
        for _ in range(3)
    ]
    bench.workers.extend(workers)
    references = [
        (
            await bench.submit(immediate_danger=True, lat=-30.0 - i, lon=20.0, admin_area=f"W{i}")
        ).reference
        for i in range(10)
    ]
    stop = asyncio.Event()
    running = [asyncio.create_task(worker.run(stop)) for worker in workers]
    expected = len(chats) * len(references)
    for _ in range(400):
        if len(bench.bot_api.messages) >= expected:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)  # a double ping would show up now
    stop.set()
    await asyncio.gather(*running)

    pings = Counter(
        (message.chat_id, ref)
        for message in bench.bot_api.messages
        for ref in references
        if ref in message.text
    )
    assert len(pings) == len(chats) * len(references)
    assert set(pings.values()) == {1}


@pytest.mark.redis
async def test_a_report_committed_elsewhere_wakes_a_sleeping_worker_through_redis(
    bench: Bench, redis_url: str
) -> None:
    from redis.asyncio import Redis

    listener_redis, publisher_redis = Redis.from_url(redis_url), Redis.from_url(redis_url)
    bench.worker.waker = Waker(listener_redis)
    bench.worker.policy.ruleset = bench.worker.ruleset.model_copy(
        update={
            "delivery": bench.worker.ruleset.delivery.model_copy(
                update={"poll_interval": timedelta(seconds=30)}
            )
        }
    )
    stop = asyncio.Event()
    running = asyncio.create_task(bench.worker.run(stop))
    await asyncio.sleep(0.3)  # the worker polls once, finds nothing, sleeps for 30 s
    view = await bench.submit(immediate_danger=True)
    other_process = Waker(publisher_redis)
    other_process.notify()  # what the committing process publishes
    for _ in range(50):
        if bench.bot_api.chat(DESK):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await running
    await listener_redis.aclose()
    await publisher_redis.aclose()
    assert view.reference in only(bench.bot_api.chat(DESK)).text
