"""A conversation turn happens once: its outcome is recorded, keyed by its inbox item.

The engine runs a turn inside a unit of work (`reports.unit`); at its end `TurnRecord.write`
stores, in that same transaction, the session as the turn left it (sealed, on the inbox row)
and the replies to send (the outbound table), then commits: the report the turn stored, the
session change and the replies become durable together, before anything leaves. The session
store (Redis or the database) is written after that commit, and the replies are sent from the
record and marked sent one by one.

An item taken again after a crash (its attempts above one) is first looked up here: when its
outcome was recorded, the recorded session is put back and the replies not yet marked sent go
out, instead of the turn running a second time (a second report, a question skipped because
the message looked like a duplicate). When nothing was recorded, nothing of the turn survived
and it simply runs again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox import InboxItem
from bot.messages import OutboundMessage
from bot.sessions import Session, SessionStore
from locales.i18n import Translator
from reports.crashpoints import crash_point
from reports.crypto import Keyring
from reports.database import is_sqlite
from reports.models import InboundItem
from reports.outbound import OutboundLog, Outgoing
from reports.unit import UnitOfWork, unit_of_work

SEAL_CONTEXT = b"turn"
# on the table, not the mapped class: run in the turn's ORM session, a statement on the class
# takes the ORM's bulk-update path (synchronising loaded objects there are none of), which cost
# more CPU than the rest of recording the outcome
_ITEMS = InboundItem.__table__
_SET_OUTCOME = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item_id"))
    .values(outcome_enc=bindparam("outcome"))
)
# PostgreSQL: the outcome's UPDATE rides on the replies' INSERT as a data-modifying CTE
_OUTCOME_CTE = _SET_OUTCOME.cte("turn_outcome")
_GET_OUTCOME = select(_ITEMS.c.outcome_enc).where(_ITEMS.c.id == bindparam("item_id"))


def origin_of(item: InboxItem) -> str:
    """The outbound table's origin of the replies to one inbox item."""
    return f"inbox:{item.id}"


@dataclass
class TurnRecord:
    """The recording of one item's turn; `outgoing` holds the replies once written."""

    records: TurnRecords
    item: InboxItem
    recipient: str
    outgoing: list[Outgoing] = field(default_factory=list)

    async def write(
        self,
        unit: UnitOfWork,
        pseudonym: str,
        session: Session | None,
        replies: list[OutboundMessage],
        *,
        session_changed: bool = True,
    ) -> None:
        """Record the outcome in the turn's transaction and commit it (`session` None: the
        turn erased the session; `session_changed` False: the turn left it as it was)."""
        outcome: dict[str, Any] = {"pseudonym": pseudonym}
        if session_changed:
            outcome["session"] = session.to_json().decode() if session is not None else None
        sealed = self.records.keyring.encrypt(
            json.dumps(outcome, separators=(",", ":")).encode(), context=SEAL_CONTEXT
        )
        outcome_params = {"item_id": self.item.id, "outcome": sealed}
        messages = [reply.to_dict() for reply in replies]
        if self.records.sqlite:  # no UPDATE in a CTE: one statement each, then COMMIT
            db = await unit.session()
            await db.execute(_SET_OUTCOME, outcome_params)
            self.outgoing = await self._record_replies(db, messages)
            crash_point("before_commit")
            await unit.commit()
            crash_point("after_commit")
            return
        if unit.open:  # the turn wrote (a report…): the outcome joins its transaction
            # on the session's connection (Core): the ORM's insert path drops the RETURNING
            # rows of a statement carrying a CTE
            connection = await (await unit.session()).connection()
            await self._record_with_outcome(connection, messages, outcome_params)
            crash_point("before_commit")
            await unit.commit()
            crash_point("after_commit")
            return
        # the turn wrote nothing else: one statement, committed on its own (no BEGIN/COMMIT)
        crash_point("before_commit")
        async with self.records.autocommit.connect() as connection:
            await self._record_with_outcome(connection, messages, outcome_params)
        crash_point("after_commit")

    async def _record_replies(
        self,
        db: Any,
        messages: list[dict[str, Any]],
        riding: tuple[Any, dict[str, Any]] | None = None,
    ) -> list[Outgoing]:
        return await self.records.outbound.record(
            db,
            origin_of(self.item),
            self.item.channel,
            self.item.sender_key,
            self.recipient,
            messages,
            riding=riding,
        )

    async def _record_with_outcome(
        self, connection: Any, messages: list[dict[str, Any]], outcome: dict[str, Any]
    ) -> None:
        """The replies' INSERT carries the outcome's UPDATE (one round trip); a turn with
        no reply sends the UPDATE alone."""
        if messages:
            self.outgoing = await self._record_replies(
                connection, messages, riding=(_OUTCOME_CTE, outcome)
            )
        else:
            self.outgoing = []
            await connection.execute(_SET_OUTCOME, outcome)


class TurnRecords:
    """Starts turn records and replays recorded ones."""

    def __init__(
        self, engine: AsyncEngine, keyring: Keyring, outbound: OutboundLog, sessions: SessionStore
    ) -> None:
        self.engine = engine
        self.keyring = keyring
        self.outbound = outbound
        self.sessions = sessions
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.sqlite = is_sqlite(str(engine.url))

    @property
    def autocommit(self) -> AsyncEngine:
        return self._autocommit

    def start(self, item: InboxItem, recipient: str) -> TurnRecord:
        return TurnRecord(self, item, recipient)

    async def replay(self, item: InboxItem) -> list[Outgoing] | None:
        """For an item taken again: None when its turn never committed (run it), else the
        recorded replies still to send, the recorded session put back first."""
        if item.attempts <= 1:
            return None  # first attempt: nothing can have been recorded
        async with self._autocommit.connect() as connection:
            sealed = (await connection.execute(_GET_OUTCOME, {"item_id": item.id})).scalar()
        if not sealed:
            return None
        outcome = json.loads(self.keyring.decrypt(sealed, context=SEAL_CONTEXT))
        if "session" in outcome:
            if outcome["session"] is None:
                await self.sessions.delete(outcome["pseudonym"])
            else:
                await self.sessions.save(Session.from_json(outcome["session"].encode()))
        return await self.outbound.pending(origin_of(item))

    async def record_unreadable(
        self, item: InboxItem, recipient: str, language: str
    ) -> list[Outgoing]:
        """Record the answer to a message that could not be read, under its own origin (the
        item may be given another run later, whose replies must not meet these)."""
        _ = Translator(language)
        message = OutboundMessage(
            _("I could not read that. Please send it again in another way."),
            language=language,
            right_to_left=_.right_to_left,
        )
        async with unit_of_work(self.engine) as unit:
            db = await unit.session()
            origin = f"{origin_of(item)}:unreadable:{item.attempts}"
            outgoing = await self.outbound.record(
                db, origin, item.channel, item.sender_key, recipient, [message.to_dict()]
            )
            await unit.commit()
        return outgoing

    async def language_of(self, channel: str, sender_id: str, hint: str | None) -> str:
        """The language of a person's conversation, else their channel's hint, else ''."""
        session = await self.sessions.load(self.keyring.pseudonym(channel, sender_id))
        if session is not None and session.language:
            return session.language
        return (hint or "").split("-")[0].lower()

    @staticmethod
    def messages(outgoing: list[Outgoing]) -> list[OutboundMessage]:
        return [OutboundMessage.from_dict(one.message) for one in outgoing]
