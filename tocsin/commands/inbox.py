"""`tocsin inbox failed` and `tocsin inbox retry ID`: the dead letters of the inbox.

A message that could not be handled for a reason a retry would not fix was answered ("I could
not read that") and parked; operators list such items (ids, channel, times and the error name,
never their content) and, once the cause is fixed, give one another run.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from bot.inbox import Inbox
from reports.database import create_engine, upgrade_schema
from tocsin.app import load_keyring
from tocsin.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("inbox", help="the durable inbox's dead letters")
    actions = parser.add_subparsers(dest="inbox_action", metavar="ACTION")
    actions.required = True
    failed = actions.add_parser("failed", help="list the messages parked after a failure")
    failed.add_argument("--limit", type=int, default=100)
    failed.add_argument("--json", action="store_true", help="one JSON object a line")
    failed.set_defaults(handler=run_failed)
    retry = actions.add_parser("retry", help="give a parked message another run")
    retry.add_argument("id", type=int)
    retry.set_defaults(handler=run_retry)


async def _inbox(settings: Settings) -> Inbox:
    await upgrade_schema(settings.database_url)
    return Inbox(create_engine(settings.database_url), load_keyring(settings))


def run_failed(args: argparse.Namespace, settings: Settings) -> int:
    async def listing() -> int:
        inbox = await _inbox(settings)
        try:
            letters = await inbox.failed(args.limit)
        finally:
            await inbox.dispose()
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
                print("{id}\t{channel}\t{received_at}\tattempts={attempts}\t{error}".format(**fields))
        if not letters and not args.json:
            print("no failed messages")
        return 0

    return asyncio.run(listing())


def run_retry(args: argparse.Namespace, settings: Settings) -> int:
    async def retrying() -> int:
        inbox = await _inbox(settings)
        try:
            requeued = await inbox.requeue(args.id)
        finally:
            await inbox.dispose()
        if not requeued:
            print(f"no failed message with id {args.id}")
            return 1
        print(f"message {args.id} queued again")
        return 0

    return asyncio.run(retrying())
