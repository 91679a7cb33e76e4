"""Escalation inside `tocsin run`: the worker starts with the app and the gateway is set."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from nlu import Nlu
from tests.escalation.conftest import TOKEN, make_draft
from tests.fakes.telegram_staff_api import FakeStaffBotApi
from tocsin.app import build_app
from tocsin.components import escalation as component
from tocsin.settings import Settings


async def test_tocsin_run_pings_staff_chats_of_the_default_rules(
    bot_api: FakeStaffBotApi, sqlite_url: str, shared_nlu: Nlu, nlu_cache_dir: Path
) -> None:
    settings = Settings(
        _env_file=None,
        database_url=sqlite_url,
        secret_key="test-secret-key-for-tocsin-0123456789",
        cache_dir=nlu_cache_dir,
        telegram_token=TOKEN,
        telegram_api_url=bot_api.url,
        staff_telegram_chats="-1001",
    )
    app = await build_app(settings, nlu=shared_nlu)
    stop = await component.start(app, web.Application())
    try:
        assert app.staff_gateway is not None
        view = await app.store.submit(make_draft(app.keyring, immediate_danger=True))
        for _ in range(100):  # woken by the commit, not by a poll
            if bot_api.chat("-1001"):
                break
            await asyncio.sleep(0.05)
        assert view.reference in bot_api.chat("-1001")[0].text
        refused = await app.staff_gateway.handle_staff_action(
            "telegram", "-999", "1", "1", bot_api.chat("-1001")[0].buttons[0]
        )
        assert refused == "You are not allowed to act on alerts."
    finally:
        assert stop is not None
        await stop()
        await app.close()
