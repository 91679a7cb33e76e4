"""Reads of the desk's pages that need no transaction of their own."""

from __future__ import annotations

import weakref

from sqlalchemy.ext.asyncio import AsyncEngine

# engine -> its autocommit variant (which holds the synchronous engine, not the key)
_READERS: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def reader(engine: AsyncEngine) -> AsyncEngine:
    """`engine` for single reads that need no transaction: each statement runs on its own
    (autocommit), sparing the BEGIN and ROLLBACK round trips around it, which on a busy desk
    each wait their turn on the event loop again. Same pool; made once per engine."""
    found = _READERS.get(engine)
    if found is None:
        found = _READERS[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return found
