"""What the staff desk needs from the running application, handed in by `tocsin`.

The desk never reads settings or builds engines itself: `tocsin/server.py` composes a
`StaffContext` from the app (or `tocsin web` from its own), which keeps the dependency
direction `tocsin -> staff -> escalation, reports`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import Clock, SystemClock
from reports.crypto import Keyring
from reports.storage import ReportStore
from staff.sessions import Timeouts

if TYPE_CHECKING:
    from escalation.gateway import EscalationGateway


@dataclass
class StaffContext:
    database: AsyncEngine
    keyring: Keyring
    store: ReportStore
    # the escalation gateway shared with Telegram buttons (set once escalation has started)
    gateway: Callable[[], EscalationGateway | None] = lambda: None
    clock: Clock = field(default_factory=SystemClock)
    public_url: str | None = None
    default_language: str = "en"
    timeouts: Timeouts = field(default_factory=Timeouts)
    # seconds between two refreshes of the live case list
    poll_seconds: float = 5.0

    @property
    def secure_cookies(self) -> bool:
        """Cookies are `Secure` when the desk is published over https."""
        return bool(self.public_url and self.public_url.lower().startswith("https://"))
