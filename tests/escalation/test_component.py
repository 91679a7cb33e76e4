"""Escalation inside `tocsin run`: the worker starts with the app and the gateway is set.

`tocsin run` takes the application's clock: these tests set it to the hours that matter (the
default rules send the daily digest at 07:00 UTC; a day ends at midnight) instead of depending
on the hour the suite happens to run at.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from escalation.clock import ManualClock
from nlu import Nlu
from tests.escalation.conftest import TOKEN, make_draft
from tests.fakes.telegram_staff_api import FakeStaffBotApi
from tocsin.app import App, build_app
from tocsin.components import escalation as component
from tocsin.settings import Settings

MOMENTS = {
    "before the digest hour": datetime(2026, 3, 2, 6, 59, tzinfo=UTC),
    "after the digest hour": datetime(2026, 3, 2, 7, 30, tzinfo=UTC),
    "just before midnight": datetime(2026, 3, 2, 23, 59, 50, tzinfo=UTC),
}


def run_settings(sqlite_url: str, nlu_cache_dir: Path, api_url: str) -> Settings:
    return Settings(
        _env_file=None,
        database_url=sqlite_url,
        secret_key="test-secret-key-for-tocsin-0123456789",
        cache_dir=nlu_cache_dir,
        telegram_token=TOKEN,
        telegram_api_url=api_url,
        staff_telegram_chats="-1001",
    )


@asynccontextmanager
async def running(settings: Settings, nlu: Nlu, clock: ManualClock) -> AsyncIterator[App]:
    """`tocsin run`'s escalation component on the given clock."""
    app = await build_app(settings, nlu=nlu, clock=clock)
    stop = await component.start(app, web.Application())
    assert stop is not None
    try:
        yield app
    finally:
        await stop()
        await app.close()


async def arrives(condition: Callable[[], bool], seconds: float = 10) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


@pytest.mark.parametrize("moment", MOMENTS.values(), ids=list(MOMENTS))
async def test_tocsin_run_pings_staff_chats_of_the_default_rules(
    bot_api: FakeStaffBotApi,
    sqlite_url: str,
    shared_nlu: Nlu,
    nlu_cache_dir: Path,
    moment: datetime,
) -> None:
    settings = run_settings(sqlite_url, nlu_cache_dir, bot_api.url)
    async with running(settings, shared_nlu, ManualClock(moment)) as app:
        assert app.staff_gateway is not None
        view = await app.store.submit(make_draft(app.keyring, immediate_danger=True))

        def pings() -> list[str]:
            return [m.text for m in bot_api.chat("-1001") if view.reference in m.text]

        assert await arrives(lambda: bool(pings())), [m.text for m in bot_api.chat("-1001")]
        ping = next(m for m in bot_api.chat("-1001") if view.reference in m.text)
        refused = await app.staff_gateway.handle_staff_action(
            "telegram", "-999", "1", "1", ping.buttons[0]
        )
        assert refused == "You are not allowed to act on alerts."


async def test_tocsin_run_sends_the_daily_digest_once_its_hour_has_passed(
    bot_api: FakeStaffBotApi, sqlite_url: str, shared_nlu: Nlu, nlu_cache_dir: Path
) -> None:
    settings = run_settings(sqlite_url, nlu_cache_dir, bot_api.url)
    clock = ManualClock(datetime(2026, 3, 2, 6, 59, 58, tzinfo=UTC))

    def digests() -> list[str]:
        return [m.text for m in bot_api.chat("-1001") if "Daily digest" in m.text]

    async with running(settings, shared_nlu, clock):
        await asyncio.sleep(0.5)
        assert digests() == [], "no digest before 07:00 UTC"
        clock.advance(timedelta(seconds=5))
        assert await arrives(lambda: bool(digests()))
        clock.advance(timedelta(hours=3))
        await asyncio.sleep(2.5)  # more than a poll interval of the default rules
        assert len(digests()) == 1, "one digest a day"


async def test_tocsin_run_warns_at_start_when_nobody_can_send_or_be_told(
    sqlite_url: str,
    nlu_cache_dir: Path,
    shared_nlu: Nlu,  # the cache `tocsin run` reads is built
    caplog: pytest.LogCaptureFixture,
    unused_port: int,
) -> None:
    from tocsin.commands.run import serve

    settings = Settings(
        _env_file=None,
        database_url=sqlite_url,
        secret_key="test-secret-key-for-tocsin-0123456789",
        cache_dir=nlu_cache_dir,
        http_port=unused_port,
    )
    stop = asyncio.Event()
    caplog.set_level(logging.INFO)
    task = asyncio.create_task(serve(settings, stop))
    assert await arrives(lambda: "serving on" in caplog.text or task.done(), seconds=120)
    stop.set()
    await task
    assert "no channel is configured" in caplog.text
    assert "rule high reaches nobody: its targets (desk, duty_mail) are empty" in caplog.text


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
