"""`tocsin shell [--lang L]`: chat with the bot in the terminal (the console channel)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os

from bot.channels.console import ConsoleChannel
from tocsin.app import build_app
from tocsin.settings import Settings, SettingsError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "shell",
        help="chat with the bot in the terminal; reads standard input, so it can be scripted",
    )
    parser.add_argument("--lang", help="conversation language (e.g. en, fr, ar)")
    parser.add_argument(
        "--user", help="who is talking (default: your login name); each user is a separate person"
    )
    parser.set_defaults(handler=run_shell)


async def _shell(settings: Settings, language: str | None, user: str) -> None:
    app = await build_app(settings)
    try:
        await ConsoleChannel(app.conversation, sender_id=user, language=language).run()
    finally:
        await app.close()


def run_shell(args: argparse.Namespace, settings: Settings) -> int:
    if "TOCSIN_LOG_LEVEL" not in os.environ:
        # the terminal is the conversation: only warnings may interrupt it
        logging.getLogger().setLevel(logging.WARNING)
    if args.lang and args.lang not in settings.languages:
        raise SettingsError(f"--lang {args.lang}: not one of {','.join(settings.languages)}")
    asyncio.run(_shell(settings, args.lang, args.user or getpass.getuser()))
    return 0
