"""Fuzzing both webhooks with real payload shapes whose parts are replaced by arbitrary JSON.

For a delivery that passes authentication the webhook never answers 5xx and never hangs, and
a message from a person (its sender left intact) is always answered, whatever else it holds:
strings with lone surrogates, NaN, huge numbers, lists where objects belong, and so on.
Hypothesis draws the examples (derandomised, so CI replays the same ones) in a worker thread
and posts each to the server running on the test's event loop.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu import Nlu
from reports.telegram_rate import RateLimits
from tests.bot.channels.telegram_harness import SECRET, bot_settings, running_bot
from tests.bot.channels.whatsapp_harness import whatsapp_harness
from tests.fakes.telegram import FakeTelegram
from tests.fakes.whatsapp import PHONE_NUMBER_ID, new_wamid
from tocsin.settings import Settings

PAYLOADS = Path(__file__).parents[2] / "payloads"
EXAMPLES = 40
ANSWER_TIMEOUT = 20.0
SENDER_FIELDS = frozenset({"from", "from_user_id", "id", "wa_id", "user_id", "chat", "update_id"})

ODD_STRINGS = st.sampled_from(["\ud800", "a\udfffb", "\x00", "‮", "9" * 400, "", "NaN"])
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | ODD_STRINGS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value that can be replaced, the sender's ids excepted."""
    found = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        if key in SENDER_FIELDS:
            continue
        found.append((*prefix, key))
        found.extend(_paths(item, (*prefix, key)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    changed = copy.deepcopy(value)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return changed


def _mutations(shapes: list[Any], root: tuple[Any, ...] = ()) -> st.SearchStrategy[tuple[Any, Any]]:
    """(original shape, shape with one part under `root` replaced by arbitrary JSON)."""

    def inside(shape: Any) -> Any:
        for key in root:
            shape = shape[key]
        return shape

    @st.composite
    def mutate(draw: st.DrawFn) -> tuple[Any, Any]:
        shape = draw(st.sampled_from(shapes))
        path = draw(st.sampled_from([(*root, *p) for p in _paths(inside(shape))]))
        return shape, _replace(shape, path, draw(JSON_VALUES))

    return mutate()


MESSAGE = ("entry", 0, "changes", 0, "value", "messages", 0)


def _run_examples(
    loop: asyncio.AbstractEventLoop,
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], Coroutine[Any, Any, None]],
) -> None:
    """Hypothesis in this thread; each example checked on the server's loop."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def example(drawn: Any) -> None:
        asyncio.run_coroutine_threadsafe(check(drawn), loop).result(timeout=60)

    example()


def _whatsapp_messages() -> list[dict[str, Any]]:
    shapes = []
    for path in sorted((PAYLOADS / "whatsapp").glob("*.json")):
        webhook = json.loads(path.read_text(encoding="utf-8"))["webhook"]
        value = webhook["entry"][0]["changes"][0]["value"]
        if value.get("messages") and value["metadata"]["phone_number_id"] == PHONE_NUMBER_ID:
            shapes.append(webhook)
    return shapes


async def test_whatsapp_webhook_answers_every_authenticated_shape_without_5xx(
    settings: Settings, shared_nlu: Nlu
) -> None:
    shapes = _whatsapp_messages()
    assert len(shapes) > 10
    people = itertools.count(1)
    async with whatsapp_harness(
        settings, shared_nlu, whatsapp_phone_number_id="106540352242922"
    ) as harness:
        harness.graph.phone_number_id = "106540352242922"

        async def check(drawn: tuple[Any, Any]) -> None:
            _shape, webhook = drawn
            number = next(people)
            value = webhook["entry"][0]["changes"][0]["value"]
            message, contact = value["messages"][0], value["contacts"][0]
            phone, bsuid = f"2237{number:07d}", f"ML.99{number:08d}"
            message.update({"from": phone, "from_user_id": bsuid, "id": new_wamid()})
            contact.update({"wa_id": phone, "user_id": bsuid})
            started = time.monotonic()
            status, _text = await harness.post(json.dumps(webhook).encode())
            assert status == 200, (status, webhook)
            assert time.monotonic() - started < 10
            await harness.graph.wait_read(message["id"], ANSWER_TIMEOUT)
            assert harness.graph.messages_to(phone), ("not answered", message)

        await asyncio.to_thread(
            _run_examples, asyncio.get_running_loop(), _mutations(shapes, MESSAGE), check
        )


async def test_whatsapp_webhook_never_answers_5xx_for_any_envelope(
    settings: Settings, shared_nlu: Nlu
) -> None:
    shapes = [
        json.loads(p.read_text("utf-8"))["webhook"]
        for p in sorted((PAYLOADS / "whatsapp").glob("*.json"))
    ]
    async with whatsapp_harness(settings, shared_nlu) as harness:

        async def check(drawn: tuple[Any, Any]) -> None:
            started = time.monotonic()
            status, _text = await harness.post(json.dumps(drawn[1]).encode())
            assert status < 500, (status, drawn[1])
            assert time.monotonic() - started < 10

        await asyncio.to_thread(
            _run_examples, asyncio.get_running_loop(), _mutations(shapes), check
        )


def _telegram_strategy(shapes: list[Any]) -> st.SearchStrategy[tuple[Any, Any]]:
    """Mutations of the real shapes, and a pin sent as a string (seen silencing a person)."""
    pin = next(shape for shape in shapes if "location" in shape["message"])
    as_string = _replace(pin, ("message", "location"), "14.4843,-4.1827")
    return st.one_of(st.just((pin, as_string)), _mutations(shapes, ("message",)))


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_telegram_webhook_answers_every_authenticated_shape_without_5xx(
    fake: FakeTelegram, settings: Settings, shared_nlu: Nlu
) -> None:
    shapes = []
    for path in sorted((PAYLOADS / "telegram").glob("*.json")):
        update = json.loads(path.read_text(encoding="utf-8"))["update"]
        if update.get("message", {}).get("chat", {}).get("type") == "private":
            shapes.append(update)
    assert len(shapes) > 10
    chats = itertools.count(61_000_001)
    updates = itertools.count(900_000_001)
    configured = bot_settings(settings, fake)
    async with running_bot(configured, shared_nlu, fake, limits=RateLimits.unlimited()) as bot:

        async def check(drawn: tuple[Any, Any]) -> None:
            _shape, update = drawn
            chat_id = next(chats)
            update["update_id"] = next(updates)
            update["message"]["chat"] = {"id": chat_id, "type": "private", "first_name": "Awa"}
            started = time.monotonic()
            status = await bot.post_webhook(update, secret=SECRET)
            assert status == 200, (status, update)
            assert time.monotonic() - started < 10
            await bot.settled(ANSWER_TIMEOUT)
            answered = [
                c for c in fake.calls_to("sendMessage") if str(c.get("chat_id")) == str(chat_id)
            ]
            assert answered, ("not answered", update)

        await asyncio.to_thread(
            _run_examples, asyncio.get_running_loop(), _telegram_strategy(shapes), check
        )
