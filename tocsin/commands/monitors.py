"""`tocsin monitors invite|list|revoke`: operators vouch for CSO monitors and end their role.

An invite code is printed once and stored only as a keyed hash; the operator passes it to the
organisation, whose monitor sends `/monitor CODE` (or opens the Telegram link).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from reports.database import create_engine, upgrade_schema
from reports.monitors import MonitorStore, MonitorView, NewInvite, OpenInvite
from tocsin.app import load_keyring
from tocsin.settings import Settings

Result = TypeVar("Result")


def parse_duration(text: str) -> timedelta:
    """`30s`, `30m`, `12h`, `7d` or `2w`: read as the escalation rules read durations."""
    from escalation.rules import parse_duration as read_duration

    try:
        duration = read_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if duration <= timedelta(0):
        raise argparse.ArgumentTypeError(f"{text!r}: an invite must last some time")
    return duration


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("monitors", help="CSO monitors and their invite codes")
    actions = parser.add_subparsers(dest="monitors_action", metavar="ACTION")
    actions.required = True
    invite = actions.add_parser("invite", help="create a single-use invite code")
    invite.add_argument("--org", required=True, help="the monitor's organisation")
    invite.add_argument(
        "--expires",
        type=parse_duration,
        default=timedelta(days=7),
        help="how long the code stays valid, e.g. 7d, 12h, 30m (7d)",
    )
    invite.add_argument("--json", action="store_true", help="print a JSON object")
    invite.set_defaults(handler=run_invite)
    listing = actions.add_parser("list", help="the enrolled monitors (pseudonymous)")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=run_list)
    revoke = actions.add_parser("revoke", help="end a monitor's role")
    revoke.add_argument("id", type=int, help="the monitor's id, as `list` shows it")
    revoke.set_defaults(handler=run_revoke)


def with_monitors(
    settings: Settings, action: Callable[[MonitorStore], Awaitable[Result]]
) -> Result:
    """Run `action` on a migrated database, closing the engine afterwards."""

    async def run() -> Result:
        await upgrade_schema(settings.database_url)
        engine = create_engine(settings.database_url)
        try:
            return await action(MonitorStore(engine, load_keyring(settings)))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def telegram_link(settings: Settings, code: str) -> str | None:
    """The deep link that sends `/start CODE`, when the bot's username is configured."""
    username = settings.telegram_bot_username
    return f"https://t.me/{username.lstrip('@')}?start={code}" if username else None


def invite_json(invite: NewInvite, settings: Settings) -> dict[str, Any]:
    return {
        "id": invite.id,
        "code": invite.code,
        "organisation": invite.organisation,
        "telegram_link": telegram_link(settings, invite.code),
        "expires_at": invite.expires_at.isoformat(),
    }


def run_invite(args: argparse.Namespace, settings: Settings) -> int:
    organisation = args.org.strip()
    if not organisation:
        print("tocsin: --org must name the organisation", file=sys.stderr)
        return 2
    invite = with_monitors(
        settings, lambda monitors: monitors.create_invite(organisation, args.expires)
    )
    output = invite_json(invite, settings)
    if args.json:
        print(json.dumps(output, ensure_ascii=False))
        return 0
    print(f"invite code for {invite.organisation}: {invite.code}")
    print(f"valid until {invite.expires_at:%Y-%m-%d %H:%M} UTC, once")
    print(f"the monitor sends: /monitor {invite.code}")
    if output["telegram_link"]:
        print(f"or opens: {output['telegram_link']}")
    return 0


def monitor_json(view: MonitorView) -> dict[str, Any]:
    return {
        "id": view.id,
        "pseudonym": view.pseudonym,
        "organisation": view.organisation,
        "channel": view.channel,
        "active": view.active,
        "enrolled_at": view.enrolled_at.isoformat(),
        "revoked_at": view.revoked_at.isoformat() if view.revoked_at else None,
        "reports": view.reports,
    }


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    async def both(monitors: MonitorStore) -> tuple[list[MonitorView], list[OpenInvite]]:
        return await monitors.list_monitors(), await monitors.open_invites(datetime.now(UTC))

    views, invites = with_monitors(settings, both)
    if args.json:
        print(json.dumps([monitor_json(view) for view in views], ensure_ascii=False, indent=2))
        return 0
    print_monitors(views)
    print_invites(invites)
    return 0


def print_invites(invites: list[OpenInvite]) -> None:
    """Open invites by the first group of their code: which ones are still out there."""
    if not invites:
        print("no open invites")
        return
    print("open invites:")
    for invite in invites:
        prefix = f"{invite.code_prefix}-…" if invite.code_prefix else "(code not shown)"
        print(
            f"  {prefix:<16} until {invite.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC  "
            f"{invite.organisation}"
        )


def print_monitors(views: list[MonitorView]) -> None:
    if not views:
        print("no monitors")
    else:
        for view in views:
            state = "active" if view.active else f"revoked {view.revoked_at:%Y-%m-%d}"
            print(
                f"{view.id:>4}  {view.pseudonym[:12]}  {view.channel:<10} "
                f"{view.enrolled_at:%Y-%m-%d}  {view.reports:>5} reports  {state:<18} "
                f"{view.organisation}"
            )


def run_revoke(args: argparse.Namespace, settings: Settings) -> int:
    revoked = with_monitors(settings, lambda monitors: monitors.revoke(args.id))
    if not revoked:
        print(f"tocsin: no active monitor {args.id}", file=sys.stderr)
        return 1
    print(f"monitor {args.id} revoked")
    return 0
