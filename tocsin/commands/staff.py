"""`tocsin staff add|list|disable|reset-2fa`: staff accounts of the web desk."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from reports.database import create_engine, upgrade_schema
from staff.accounts import AccountError, Accounts
from staff.models import ROLES
from tocsin.app import load_keyring
from tocsin.settings import Settings

OPERATOR = "operator:cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("staff", help="manage staff accounts of the web desk")
    commands = parser.add_subparsers(dest="staff_command", metavar="ACTION")
    commands.required = True
    add = commands.add_parser("add", help="create an account (password read from stdin)")
    add.add_argument("email", help="the account's e-mail address, its sign-in name")
    add.add_argument(
        "--role", required=True, choices=ROLES, help="what the account may do on the desk"
    )
    add.add_argument("--name", help="the name shown on the desk (the e-mail address)")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (never from the command line)",
    )
    add.add_argument("--json", action="store_true", help="print a JSON object")
    add.set_defaults(handler=lambda args, settings: _run(settings, _add, args))
    listing = commands.add_parser("list", help="list accounts")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=lambda args, settings: _run(settings, _list, args))
    disable = commands.add_parser("disable", help="disable an account (its sessions end)")
    disable.add_argument("email", help="the account's e-mail address")
    disable.set_defaults(handler=lambda args, settings: _run(settings, _disable, args))
    reset = commands.add_parser("reset-2fa", help="new TOTP secret, enrolled at next sign-in")
    reset.add_argument("email", help="the account's e-mail address")
    reset.add_argument("--json", action="store_true", help="print a JSON object")
    reset.set_defaults(handler=lambda args, settings: _run(settings, _reset, args))


Action = Callable[[Accounts, argparse.Namespace], Awaitable[int]]


def _run(settings: Settings, action: Action, args: argparse.Namespace) -> int:
    async def main() -> int:
        keyring = load_keyring(settings)
        await upgrade_schema(settings.database_url)
        engine = create_engine(settings.database_url)
        try:
            return await action(Accounts(engine, keyring), args)
        except AccountError as error:
            print(f"tocsin staff: {error}", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


async def _add(accounts: Accounts, args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\r\n")
    info, uri = await accounts.add(args.email, args.role, password, args.name, OPERATOR)
    if args.json:
        _print({"id": info.id, "email": info.email, "role": info.role, "totp_uri": uri})
    else:
        print(f"added {info.email} ({info.role}); authenticator: {uri}")
    return 0


async def _list(accounts: Accounts, args: argparse.Namespace) -> int:
    found = await accounts.list()
    if args.json:
        _print([info.to_json() for info in found])
        return 0
    for info in found:
        state = (
            "disabled" if info.disabled else ("active" if info.totp_confirmed else "not enrolled")
        )
        print(f"{info.id:>4}  {info.email:<40} {info.role:<12} {state}")
    return 0


async def _disable(accounts: Accounts, args: argparse.Namespace) -> int:
    info = await accounts.disable(args.email, OPERATOR)
    print(f"disabled {info.email}")
    return 0


async def _reset(accounts: Accounts, args: argparse.Namespace) -> int:
    info, uri = await accounts.reset_2fa(args.email, OPERATOR)
    if args.json:
        _print({"id": info.id, "email": info.email, "role": info.role, "totp_uri": uri})
    else:
        print(f"second factor reset for {info.email}; authenticator: {uri}")
    return 0
