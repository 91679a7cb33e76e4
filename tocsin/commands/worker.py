"""`tocsin worker`: only the escalation worker, for scaling out beside `tocsin run`.

Several workers may run against one PostgreSQL (rows are claimed with SKIP LOCKED) and wake
each other through Redis when it is configured. Reporter relays need the channels, so status
news for reporters is left to `tocsin run`.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Any

from tocsin.settings import Settings, SettingsError

# The worker's modules (and the Telegram client under them) are imported when the command
# runs, not when `tocsin` builds its parser: every other command starts seconds faster.


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("worker", help="run only the escalation worker (scale-out)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="validate the escalation rules and exit; non-zero when a rule can reach nobody",
    )
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    parser.set_defaults(handler=run_worker)


async def _work(settings: Settings, once: bool, clock: Any = None) -> None:
    """Work until stopped (or, with `once`, until nothing is due); `clock` is the system
    clock unless a test sets one."""
    from escalation.loading import load_rules
    from escalation.worker import build_worker
    from reports.database import create_engine, upgrade_schema
    from tocsin.app import connect_redis, load_keyring

    ruleset = load_rules(settings)
    await upgrade_schema(settings.database_url)
    engine = create_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        pool_overflow=settings.database_pool_overflow,
    )
    redis = await connect_redis(settings.redis_url) if settings.redis_url else None
    keyring = load_keyring(settings)
    worker = build_worker(settings, engine, keyring, redis=redis, ruleset=ruleset, clock=clock)
    try:
        if once:
            await worker.drain()
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await worker.run(stop)
    finally:
        await worker.close()
        if redis is not None:
            await redis.aclose()
        await engine.dispose()


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    from escalation.loading import RulesError, load_rules

    try:
        ruleset = load_rules(settings)
    except RulesError as error:
        raise SettingsError(f"TOCSIN_ESCALATION_RULES: {error}") from None
    if args.check:
        from escalation.reach import unreachable_rules

        problems = unreachable_rules(settings, ruleset)
        if problems:
            for problem in problems:
                print(f"tocsin: {problem}", file=sys.stderr)
            print(
                "tocsin: set the staff targets (e.g. TOCSIN_STAFF_TELEGRAM_CHATS with "
                "TOCSIN_TELEGRAM_TOKEN, TOCSIN_STAFF_EMAILS with TOCSIN_SMTP_URL)",
                file=sys.stderr,
            )
            return 1
        count = f"{len(ruleset.rules)} rules, {len(ruleset.targets)} targets"
        print(f"escalation rules are valid: {count}")
        return 0
    asyncio.run(_work(settings, args.once))
    return 0
