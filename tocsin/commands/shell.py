"""`tocsin shell [--lang L]`: chat with the bot in the terminal (the console channel)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.channels.console import ConsoleChannel
from tocsin.app import build_app
from tocsin.logs import configure_logging, operator_values
from tocsin.settings import Settings, SettingsError

LOG_FILE_NAME = "shell.log"


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


def same_terminal(first: TextIO, second: TextIO) -> bool:
    """Whether two streams write to one terminal (then logs would land in the chat)."""
    try:
        if not (first.isatty() and second.isatty()):
            return False
        return os.path.samestat(os.fstat(first.fileno()), os.fstat(second.fileno()))
    except (OSError, ValueError):
        return False


def log_file(settings: Settings) -> Path:
    return settings.resolved_cache_dir / LOG_FILE_NAME


def route_logs(settings: Settings, stdout: TextIO, stderr: TextIO) -> None:
    """The chat shows only the conversation: logs go to standard error when it is not the
    chat's terminal, else to a log file, whose name is said once before the chat starts."""
    level = settings.log_level if "TOCSIN_LOG_LEVEL" in os.environ else "WARNING"
    keep = operator_values(settings)
    if not same_terminal(stdout, stderr):
        configure_logging(level, keep=keep, stream=stderr)
        return
    path = log_file(settings)
    configure_logging(level, keep=keep, file=path)
    stderr.write(f"(logs: {path})\n")
    stderr.flush()


def run_shell(args: argparse.Namespace, settings: Settings) -> int:
    route_logs(settings, sys.stdout, sys.stderr)
    if args.lang and args.lang not in settings.languages:
        raise SettingsError(f"--lang {args.lang}: not one of {','.join(settings.languages)}")
    asyncio.run(_shell(settings, args.lang, args.user or getpass.getuser()))
    return 0
