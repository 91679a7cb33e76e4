"""CSO monitors on every channel: enrolment by invite code, one-message and file reports.

`install(services)` is the only entry point: it registers the monitor commands and the
interceptor with the conversation engine's services and makes stored reports carry the
monitor's role and organisation. Nothing here knows which channel a message came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands import show_help, start
from bot.monitors.desk import MonitorDesk
from bot.monitors.enrolment import Enrolling
from reports.monitors import MonitorStore

if TYPE_CHECKING:
    from bot.engine import EngineServices


def install(services: EngineServices) -> MonitorStore:
    """Give the engine its monitor commands; returns the store of invites and monitors."""
    monitors = MonitorStore(services.store.engine, services.keyring)
    enrolling = Enrolling(monitors, services.commands.get("start", start))
    desk = MonitorDesk(monitors, services.commands.get("help", show_help))
    services.commands.update(
        {
            "monitor": enrolling.monitor,
            "start": enrolling.start,
            "template": desk.template,
            "myreports": desk.my_reports,
            "help": desk.help,
        }
    )
    services.interceptors.append(desk.intercept)
    services.reporter_profile = monitors.profile
    return monitors
