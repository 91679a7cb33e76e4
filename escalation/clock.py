"""Time as the worker sees it: the application's clock (`reports.clock`), re-exported here
because every timer comparison of escalation goes through `Clock.now()`."""

from __future__ import annotations

from reports.clock import Clock, ManualClock, SystemClock, aware

__all__ = ["Clock", "ManualClock", "SystemClock", "aware"]
