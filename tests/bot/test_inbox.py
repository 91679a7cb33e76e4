"""The durable inbox: duplicates are no-ops, order is kept per sender, workers share work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox import Inbox, InboxItem
from bot.inbox_processor import InboxProcessor
from reports.crypto import Keyring
from reports.models import InboundItem


async def test_redelivered_update_is_accepted_once(database: AsyncEngine, keyring: Keyring) -> None:
    inbox = Inbox(database, keyring)
    assert await inbox.accept("telegram", "u-1", "sender-a", b'{"text": "hello"}')
    assert not await inbox.accept("telegram", "u-1", "sender-a", b'{"text": "hello"}')
    assert await inbox.accept("whatsapp", "u-1", "sender-a", b"{}")
    assert await inbox.pending_count() == 2


async def test_payload_is_sealed_at_rest(database: AsyncEngine, keyring: Keyring) -> None:
    inbox = Inbox(database, keyring)
    await inbox.accept("telegram", "u-secret", "s", b"soldiers came to our house")
    async with database.connect() as connection:
        sealed = (await connection.execute(select(InboundItem.payload_enc))).scalar_one()
    assert b"soldiers" not in bytes(sealed)
    [item] = await inbox.claim("w1")
    assert item.payload == b"soldiers came to our house"


async def test_one_sender_is_claimed_one_message_at_a_time_in_order(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    for number in range(3):
        await inbox.accept("telegram", f"a-{number}", "sender-a", f"a{number}".encode())
    await inbox.accept("telegram", "b-0", "sender-b", b"b0")
    first = await inbox.claim("w1")
    assert sorted(item.payload for item in first) == [b"a0", b"b0"]
    assert await inbox.claim("w2") == []  # a1 waits for a0 to finish
    a0 = next(item for item in first if item.payload == b"a0")
    await inbox.complete(a0.id)
    assert [item.payload for item in await inbox.claim("w2")] == [b"a1"]


async def test_failed_item_is_retried_later_not_lost(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    await inbox.accept("telegram", "x", "s", b"x")
    [item] = await inbox.claim("w1")
    await inbox.retry_later(item.id, item.attempts, "TelegramNetworkError")
    assert await inbox.claim("w1") == []  # backing off
    assert await inbox.pending_count() == 1


async def test_two_processors_share_the_work_without_reordering(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    for sender in range(5):
        for number in range(4):
            await inbox.accept("console", f"{sender}-{number}", f"s{sender}", f"{number}".encode())
    seen: dict[str, list[int]] = {}

    async def handle(item: InboxItem) -> None:
        await asyncio.sleep(0.001)
        seen.setdefault(item.sender_key, []).append(int(item.payload))

    processors = [InboxProcessor(inbox, {"console": handle}, concurrency=3) for _ in range(2)]
    for _round in range(20):
        await asyncio.gather(*(processor.run_once() for processor in processors))
    assert seen == {f"s{sender}": [0, 1, 2, 3] for sender in range(5)}
    assert await inbox.pending_count() == 0


async def test_running_processor_handles_arrivals_in_order_and_stops_cleanly(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    seen: dict[str, list[int]] = {}
    finished = asyncio.Event()

    async def handle(item: InboxItem) -> None:
        if item.payload == b"slow":
            await asyncio.sleep(0.3)  # a slow turn must not hold the other senders back
        else:
            seen.setdefault(item.sender_key, []).append(int(item.payload))
        if sum(map(len, seen.values())) == 9:
            finished.set()

    processor = InboxProcessor(inbox, {"console": handle}, concurrency=4, poll_seconds=5)
    running = asyncio.create_task(processor.run())
    await inbox.accept("console", "slow", "slow-sender", b"slow")
    for number in range(3):
        for sender in ("a", "b", "c"):
            await inbox.accept("console", f"{sender}{number}", sender, str(number).encode())
    await asyncio.wait_for(finished.wait(), timeout=3)
    processor.stop()
    await asyncio.wait_for(running, timeout=5)
    assert seen == {sender: [0, 1, 2] for sender in ("a", "b", "c")}


async def leases(database: AsyncEngine) -> dict[str, tuple[str, str | None]]:
    """external id -> (status, worker holding it)"""
    async with database.connect() as connection:
        rows = await connection.execute(
            select(InboundItem.external_id, InboundItem.status, InboundItem.locked_by)
        )
        return {row.external_id: (row.status, row.locked_by) for row in rows}


@contextlib.asynccontextmanager
async def running(processor: InboxProcessor) -> AsyncIterator[None]:
    """The processor's loop for the length of the block, stopped cleanly at its end."""
    task = asyncio.create_task(processor.run())
    await asyncio.sleep(0.05)  # the processor has attached itself to the inbox
    try:
        yield
    finally:
        processor.stop()
        await asyncio.wait_for(task, timeout=5)


async def eventually(condition: Callable[[], Awaitable[bool]], seconds: float = 2.0) -> None:
    """Wait until `condition` holds or `seconds` pass (the assertion after it judges)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)


async def test_a_running_processor_gets_new_items_in_the_accepting_transaction(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    release = asyncio.Event()
    seen: list[bytes] = []

    async def handle(item: InboxItem) -> None:
        await release.wait()
        seen.append(item.payload)

    processor = InboxProcessor(inbox, {"console": handle}, concurrency=4, poll_seconds=30)

    async def all_done() -> bool:
        states = (await leases(database)).values()
        return len(seen) == 3 and all(state == "done" for state, _ in states)

    async with running(processor):
        accepts = (inbox.accept("console", f"m{n}", f"s{n}", b"%d" % n) for n in range(3))
        await asyncio.gather(*accepts)
        # leased to this process before accept returned: no claim query was needed
        expected = {f"m{n}": ("pending", processor.worker) for n in range(3)}
        assert await leases(database) == expected
        release.set()
        await eventually(all_done)
        assert sorted(seen) == [b"0", b"1", b"2"]
        assert await inbox.pending_count() == 0


async def test_messages_of_one_sender_arriving_during_a_turn_run_after_it_in_order(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    seen: list[int] = []

    async def handle(item: InboxItem) -> None:
        await asyncio.sleep(0.05 if item.payload == b"0" else 0)
        seen.append(int(item.payload))

    processor = InboxProcessor(inbox, {"console": handle}, concurrency=4, poll_seconds=30)

    async def all_seen() -> bool:
        return len(seen) == 5

    async with running(processor):
        for number in range(5):
            await inbox.accept("console", f"a{number}", "sender-a", str(number).encode())
        await eventually(all_seen)
    assert seen == [0, 1, 2, 3, 4]


async def test_an_item_whose_sender_is_busy_in_another_process_waits_for_it(
    database: AsyncEngine, keyring: Keyring
) -> None:
    here, elsewhere = Inbox(database, keyring), Inbox(database, keyring)
    seen: list[bytes] = []

    async def handle(item: InboxItem) -> None:
        seen.append(item.payload)

    await elsewhere.accept("console", "first", "sender-a", b"first")
    [first] = await elsewhere.claim("other-host:1")
    processor = InboxProcessor(here, {"console": handle}, concurrency=4, poll_seconds=0.1)

    async def any_seen() -> bool:
        return bool(seen)

    async with running(processor):
        await here.accept("console", "second", "sender-a", b"second")
        await asyncio.sleep(0.3)
        assert seen == []  # the other process still holds the sender's earlier message
        assert (await leases(database))["second"] == ("pending", None)
        await elsewhere.complete(first.id)
        await eventually(any_seen)
    assert seen == [b"second"]


async def test_a_failed_turn_keeps_the_senders_later_messages_behind_it(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    seen: list[int] = []
    failures = [1]

    async def handle(item: InboxItem) -> None:
        if item.payload == b"0" and failures:
            failures.pop()
            raise ConnectionError("telegram unreachable")
        seen.append(int(item.payload))

    processor = InboxProcessor(inbox, {"console": handle}, concurrency=4, poll_seconds=0.2)

    async def all_seen() -> bool:
        return len(seen) == 3

    async with running(processor):
        for number in range(3):
            await inbox.accept("console", f"a{number}", "sender-a", str(number).encode())
        await eventually(all_seen, seconds=10)  # the retry comes after a two-second back-off
    assert seen == [0, 1, 2]


async def test_a_message_accepted_while_the_earlier_one_fails_waits_for_its_retry(
    database: AsyncEngine, keyring: Keyring
) -> None:
    """The later message arrives exactly while the earlier one's failure is being written:
    however the two interleave, the later one never runs first."""
    inbox = Inbox(database, keyring)
    senders = [f"sender-{number}" for number in range(12)]
    seen: dict[str, list[str]] = {sender: [] for sender in senders}
    failed: set[str] = set()
    arriving: list[asyncio.Task[bool]] = []

    async def handle(item: InboxItem) -> None:
        if item.payload == b"first" and item.sender_key not in failed:
            failed.add(item.sender_key)
            second = inbox.accept("console", f"{item.sender_key}-2", item.sender_key, b"second")
            arriving.append(asyncio.create_task(second))
            await asyncio.sleep(0)  # the accept starts before the failure is written
            raise ConnectionError("telegram unreachable")
        seen[item.sender_key].append(item.payload.decode())

    processor = InboxProcessor(inbox, {"console": handle}, concurrency=16, poll_seconds=0.2)

    async def all_seen() -> bool:
        return sum(map(len, seen.values())) == 2 * len(senders)

    async with running(processor):
        for sender in senders:
            await inbox.accept("console", f"{sender}-1", sender, b"first")
        await eventually(all_seen, seconds=15)  # the retries come after a two-second back-off
        await asyncio.gather(*arriving)
    assert seen == {sender: ["first", "second"] for sender in senders}


async def test_stopping_gives_unstarted_items_back_to_every_worker(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    started = asyncio.Event()

    async def handle(item: InboxItem) -> None:
        started.set()
        await asyncio.sleep(0.2)

    processor = InboxProcessor(inbox, {"console": handle}, concurrency=1, poll_seconds=30)
    async with running(processor):
        for number in range(3):
            await inbox.accept("console", f"m{number}", f"s{number}", b"x")
        await asyncio.wait_for(started.wait(), timeout=2)
    states = sorted((await leases(database)).values(), key=str)
    assert states == [("done", processor.worker), ("pending", None), ("pending", None)]
    assert len(await inbox.claim("another-worker")) == 2


class Taker:
    """A local processor as the inbox sees it: a name, some room, items handed over."""

    worker = "here:1"

    def __init__(self, room: int) -> None:
        self.free = room
        self.taken: list[bytes] = []

    def room(self) -> int:
        return self.free

    def take(self, items: list[InboxItem]) -> None:
        self.taken += [item.payload for item in items]


async def test_while_items_wait_in_the_database_new_ones_queue_behind_them(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    taker = Taker(room=0)  # busy: nothing more is handed over
    inbox.attach(taker)
    await inbox.accept("console", "old", "s1", b"old")
    taker.free = 1  # a slot frees just as a newer message arrives
    await inbox.accept("console", "new", "s2", b"new")
    assert taker.taken == []  # it did not jump the queue
    assert [item.payload for item in await inbox.claim("here:1", limit=1)] == [b"old"]
    assert [item.payload for item in await inbox.claim("here:1", limit=5)] == [b"new"]
    await inbox.accept("console", "later", "s3", b"later")  # the queue is empty again
    assert taker.taken == [b"later"]


async def test_a_claim_never_takes_more_than_its_limit(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    for number in range(30):
        await inbox.accept("console", f"m{number}", f"s{number}", b"x")
    sizes = [len(await inbox.claim("w1", limit=limit)) for limit in (1, 2, 5, 100)]
    assert sizes == [1, 2, 5, 22]
