"""The desk's audit entries, written in shared statements when pages arrive together.

Every page load and decrypted read is audited, and the entry must be durable before the page
answers. Written alone, each costs a pool check-out and an INSERT; under load the entries
waiting at the same moment go in one multi-row INSERT instead (`reports.group_commit`): the
first is written at once, the ones that arrive meanwhile share the next statement, and each
caller still waits for its own entry to be committed (autocommit: the statement is its own
transaction). A failed write fails the pages of that batch, and only them.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.group_commit import GroupCommit
from reports.models import AuditEntry
from staff.reading import reader

_INSERT = insert(AuditEntry.__table__)  # type: ignore[arg-type]


class AuditWriter:
    """Appends entries to `audit_log` through one engine, batching concurrent callers."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reader(engine)
        self._batches: GroupCommit[dict[str, Any], None] = GroupCommit(self._flush)

    async def write(
        self, actor: str, action: str, report_id: int | None = None, detail: str | None = None
    ) -> None:
        """Return once the entry is committed."""
        await self._batches.submit(
            {"actor": actor, "action": action, "report_id": report_id, "detail": detail}
        )

    async def _flush(self, entries: list[dict[str, Any]]) -> list[None]:
        async with self._engine.connect() as connection:
            if len(entries) == 1:
                await connection.execute(_INSERT, entries[0])
            else:
                await connection.execute(_INSERT, entries)
        return [None] * len(entries)


# engine -> (event loop, its writer): a batch lives on one loop (tests run one per test)
_WRITERS: weakref.WeakKeyDictionary[AsyncEngine, tuple[asyncio.AbstractEventLoop, AuditWriter]] = (
    weakref.WeakKeyDictionary()
)


def audit_writer(engine: AsyncEngine) -> AuditWriter:
    """The writer of `engine` on the running event loop (made once per engine and loop)."""
    loop = asyncio.get_running_loop()
    found = _WRITERS.get(engine)
    if found is None or found[0] is not loop:
        found = _WRITERS[engine] = (loop, AuditWriter(engine))
    return found[1]
