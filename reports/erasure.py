"""Erasing a person: one registry of every table that can hold what they told us.

`/delete` promises that everything a person sent is gone, not only the report rows: copies
live in escalation alerts, the WhatsApp outbound log, inbox items, sessions, follow-up
threads and media. Each package registers here, next to its tables, how a person's rows are
erased (an eraser run inside the erasure's one transaction), or why a table is kept as it is
(it holds ids and references only). A table whose columns can hold person data (sealed `_enc`
columns, places, pseudonyms, or a column marked `info={"personal": True}`) and that nobody
registered is a bug: `uncovered()` names it, and a test fails on it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncSession

PERSONAL_COLUMNS = frozenset(
    {"lat", "lon", "place", "admin_area", "pseudonym", "reporter_pseudonym", "sender_key"}
)


@dataclass
class Subject:
    """Whom to erase: their pseudonyms under every key, the keys their inbox items are
    queued under, and (filled by the reports eraser, read by the others) their reports."""

    pseudonyms: tuple[str, ...]
    inbox_keys: tuple[str, ...] = ()
    channel: str | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    report_ids: list[int] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


Eraser = Callable[[AsyncSession, Subject], Awaitable[None]]


@dataclass(frozen=True)
class Erasable:
    table: str
    eraser: Eraser | None  # None: kept as it is, for `kept_because`
    kept_because: str | None = None
    order: int = 100  # the reports eraser (0) runs first: others read subject.report_ids


REGISTRY: dict[str, Erasable] = {}


def erases(table: str, *, order: int = 100) -> Callable[[Eraser], Eraser]:
    """Decorator: `eraser` removes a person's data from `table`."""

    def register(eraser: Eraser) -> Eraser:
        REGISTRY[table] = Erasable(table, eraser, order=order)
        return eraser

    return register


def keeps(table: str, because: str) -> None:
    """`table` is left as it is on erasure, for the reason given (ids and references only)."""
    REGISTRY[table] = Erasable(table, None, kept_because=because)


def personal_columns(table: Table) -> list[str]:
    """The columns of `table` that can hold person data."""
    return [
        column.name
        for column in table.columns
        if column.name.endswith("_enc")
        or column.name in PERSONAL_COLUMNS
        or column.info.get("personal")
    ]


def uncovered(metadata: MetaData) -> list[str]:
    """Tables with person data that the registry does not know."""
    return sorted(
        name
        for name, table in metadata.tables.items()
        if personal_columns(table) and name not in REGISTRY
    )


async def erase(session: AsyncSession, subject: Subject, only: Iterable[str] | None = None) -> None:
    """Run every registered eraser (or those of `only`) in `session`'s transaction."""
    wanted = set(only) if only is not None else None
    for entry in sorted(REGISTRY.values(), key=lambda entry: (entry.order, entry.table)):
        if entry.eraser is not None and (wanted is None or entry.table in wanted):
            await entry.eraser(session, subject)
