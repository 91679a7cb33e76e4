"""Crash safety on PostgreSQL + Redis: `tocsin run` and `tocsin worker` killed at chosen points
of a turn (nothing committed yet, after the commit, after Telegram took a reply) and of a staff
ping (after Telegram took it, after it was marked sent), in a loop. Every reference shown
exists once, every report stored was shown, nobody is left without their next question, and
pings never exceed reports plus kills. The long form, with figures: bench/crash.py."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nlu import Nlu
from reports.database import create_engine
from tests.conftest import truncate_all
from tests.fakes.telegram import FakeTelegram
from tests.tocsin.crash_run import STORY, crash_loop, environment
from tests.tocsin.test_telegram_run import free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

# (run's crash point, turns let through first, worker's crash point, pings let through first)
# `tocsin run` routes and pings too (its escalation component), so its ping points are reached
# for sure; the worker's are reached when it wins a delivery
SCHEDULE = [
    ("before_commit", 3, "ping_after_remote", 0),
    ("after_commit", 4, "ping_after_commit", 0),
    ("after_remote", 5, "ping_after_remote", 0),
    ("ping_after_remote", 0, "ping_after_remote", 0),
]


async def test_kills_at_chosen_points_lose_no_reference_no_question_and_store_no_report_twice(
    postgres_url: str, redis_url: str, nlu_cache_dir: Path, shared_nlu: Nlu, tmp_path: Path
) -> None:
    await shared_nlu.analyze(STORY)  # trained and cached for the processes
    engine = create_engine(postgres_url)
    await truncate_all(engine)
    await engine.dispose()
    async with FakeTelegram() as fake:
        port = free_port()
        env = environment(
            postgres_url, redis_url, nlu_cache_dir, fake, port, tmp_path / "rules.yml"
        )
        tally = await crash_loop(fake, env, tmp_path, port, SCHEDULE, random.randint(10**8, 10**9))
    assert tally.kills >= len(SCHEDULE)  # every crash point of the run process was reached
    assert sorted(tally.stored) == sorted(set(tally.shown))  # shown once, stored once
    assert len(tally.stored) == len(SCHEDULE)
    assert tally.duplicates <= tally.kills  # at most one repeated message per kill
    assert tally.unanswered == 0  # every message of the person got an answer: no lost question
    assert tally.pings <= len(tally.stored) + tally.kills
