"""One transaction for the effects of one conversation turn.

A turn may store a report, add details to one or erase a person's data, and it always changes
the session and decides replies. Done as separate commits, a crash between them either loses a
reference the person never sees or, once the turn runs again, stores a second report. The
engine therefore opens a unit of work for the turn: `ReportStore` writes made while it is
active join its transaction instead of committing on their own, and the turn's recorded outcome
(the session after it and the replies to send) is written last, in the same transaction.

The unit is found through a context variable, so storage needs no extra argument on every
call and code outside a turn (staff, escalation, the command line) is untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from reports.database import session_factory

_current: ContextVar[UnitOfWork | None] = ContextVar("tocsin_unit_of_work", default=None)


class UnitOfWork:
    """A transaction opened at its first write and committed once, at the end of the turn."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._factory = session_factory(engine)
        self._session: AsyncSession | None = None

    @property
    def open(self) -> bool:
        """Whether the turn has written (a transaction is begun); when not, its outcome may be
        recorded by one statement that commits itself, sparing BEGIN and COMMIT."""
        return self._session is not None

    async def session(self) -> AsyncSession:
        """The turn's database session, its transaction begun (opened on first use, so a
        turn that writes nothing takes no connection until its outcome is recorded)."""
        if self._session is None:
            self._session = self._factory()
            await self._session.begin()
        return self._session

    async def commit(self) -> None:
        await self._end(commit=True)

    async def rollback(self) -> None:
        """Forget what the turn wrote so far; a later write opens a new transaction."""
        await self._end(commit=False)

    async def _end(self, *, commit: bool) -> None:
        if self._session is None:
            return
        session, self._session = self._session, None
        try:
            await (session.commit() if commit else session.rollback())
        finally:
            await session.close()


def current_unit(engine: AsyncEngine) -> UnitOfWork | None:
    """The active unit of work when it writes to `engine`, else None."""
    unit = _current.get()
    return unit if unit is not None and unit.engine is engine else None


@asynccontextmanager
async def unit_of_work(engine: AsyncEngine) -> AsyncIterator[UnitOfWork]:
    """Make a unit active for the block; whatever it did not commit is rolled back."""
    unit = UnitOfWork(engine)
    token = _current.set(unit)
    try:
        yield unit
    finally:
        _current.reset(token)
        await unit.rollback()


@asynccontextmanager
async def writing(engine: AsyncEngine, factory: object) -> AsyncIterator[AsyncSession]:
    """A session to write in: the active unit's (a savepoint, committed with the turn) or a
    new one committed when the block ends."""
    unit = current_unit(engine)
    if unit is not None:
        session = await unit.session()
        async with session.begin_nested():
            yield session
        return
    async with factory() as session, session.begin():  # type: ignore[operator]
        yield session
