"""Parts of `tocsin run`, one module each: a channel or a worker that starts when configured.

Each module exposes `async def start(app: App, web: aiohttp.web.Application) -> Stopper | None`:
it returns None when its settings are absent, otherwise it has added its routes to `web`
(before the server starts) and returns an async function that stops it.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from types import ModuleType

Stopper = Callable[[], Awaitable[None]]

COMPONENT_MODULES = (
    "tocsin.components.telegram",
    "tocsin.components.whatsapp",
    "tocsin.components.sms",
    "tocsin.components.escalation",
    "tocsin.components.inbox",  # last: runs the handlers the channels registered
)


def available_components() -> list[ModuleType]:
    """The component modules present in this build."""
    modules = []
    for name in COMPONENT_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules
