"""`tocsin inbox failed` and `tocsin inbox retry ID`: the dead letters of the inbox.

A message that could not be handled for a reason a retry would not fix was answered ("I could
not read that") and parked; operators list such items (ids, channel, times and the error name,
never their content) and, once the cause is fixed, give one another run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable

from bot.inbox import Inbox
from reports.database import create_engine, upgrade_schema
from tocsin.app import load_keyring
from tocsin.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("inbox", help="the durable inbox's dead letters")
    actions = parser.add_subparsers(dest="inbox_action", metavar="ACTION")
    actions.required = True
    failed = actions.add_parser("failed", help="list the messages parked after a failure")
    failed.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    failed.add_argument("--json", action="store_true", help="one JSON object a line")
    failed.set_defaults(handler=run_failed)
    retry = actions.add_parser("retry", help="give a parked message another run")
    retry.add_argument("id", type=int, help="the parked message's id, as `failed` shows it")
    retry.set_defaults(handler=run_retry)


def _with_inbox(settings: Settings, work: Callable[[Inbox], Awaitable[int]]) -> int:
    """Run `work` on the configured database's inbox (its schema brought up to date)."""

    async def run() -> int:
        await upgrade_schema(settings.database_url)
        inbox = Inbox(create_engine(settings.database_url), load_keyring(settings))
        try:
            return await work(inbox)
        finally:
            await inbox.dispose()

    return asyncio.run(run())


def run_failed(args: argparse.Namespace, settings: Settings) -> int:
    async def listing(inbox: Inbox) -> int:
        letters = await inbox.failed(args.limit)
        for letter in letters:
            fields = {
                "id": letter.id,
                "channel": letter.channel,
                "received_at": letter.received_at.isoformat(),
                "attempts": letter.attempts,
                "error": letter.error,
            }
            if args.json:
                print(json.dumps(fields))
            else:
                print(
                    "{id}\t{channel}\t{received_at}\tattempts={attempts}\t{error}".format(**fields)
                )
        if not letters and not args.json:
            print("no failed messages")
        return 0

    return _with_inbox(settings, listing)


def run_retry(args: argparse.Namespace, settings: Settings) -> int:
    async def retrying(inbox: Inbox) -> int:
        if not await inbox.requeue(args.id):
            print(f"no failed message with id {args.id}")
            return 1
        print(f"message {args.id} queued again")
        return 0

    return _with_inbox(settings, retrying)
