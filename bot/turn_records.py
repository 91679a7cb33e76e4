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

from sqlalchemy import BigInteger, LargeBinary, bindparam, column, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox import InboxItem
from bot.messages import OutboundMessage
from bot.sessions import Session, SessionStore
from locales.i18n import Translator
from reports.crashpoints import crash_point
from reports.crypto import Keyring
from reports.database import is_sqlite
from reports.group_commit import GroupCommit
from reports.models import InboundItem
from reports.outbound import Decided, OutboundLog, Outgoing
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
# PostgreSQL: the outcomes' UPDATE (of one turn, or of several sharing a commit) rides on the
# replies' INSERT as a data-modifying CTE; arrays keep it one cacheable statement
_GIVEN = (
    func.unnest(
        bindparam("item_ids", type_=ARRAY(BigInteger)),
        bindparam("outcomes", type_=ARRAY(LargeBinary)),
    )
    .table_valued(column("id", BigInteger), column("outcome", LargeBinary))
    .render_derived(name="given_outcomes")
)
_OUTCOME_CTE = (
    update(_ITEMS)
    .where(_ITEMS.c.id == _GIVEN.c.id)
    .values(outcome_enc=_GIVEN.c.outcome)
    .cte("turn_outcomes")
)
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
        messages = [reply.to_dict() for reply in replies]
        if self.records.sqlite:  # no UPDATE in a CTE: one statement each, then COMMIT
            db = await unit.session()
            await db.execute(_SET_OUTCOME, {"item_id": self.item.id, "outcome": sealed})
            self.outgoing = await self._record_replies(db, messages)
            crash_point("before_commit")
            await unit.commit()
            crash_point("after_commit")
            return
        decided = self._decided(messages)
        if unit.open:  # the turn wrote (a report…): the outcome joins its transaction
            # on the session's connection (Core): the ORM's insert path drops the RETURNING
            # rows of a statement carrying a CTE
            connection = await (await unit.session()).connection()
            outcomes = {"item_ids": [self.item.id], "outcomes": [sealed]}
            recorded = await self.records.outbound.record_many(
                connection, [decided], riding=(_OUTCOME_CTE, outcomes)
            )
            self.outgoing = recorded[0]
            crash_point("before_commit")
            await unit.commit()
            crash_point("after_commit")
            return
        # the turn wrote nothing else: its outcome and replies join those of the turns
        # recording at the same moment, in one statement committed on its own
        crash_point("before_commit")
        self.outgoing = await self.records.recording.submit((self.item.id, sealed, decided))
        crash_point("after_commit")

    def _decided(self, messages: list[dict[str, Any]]) -> Decided:
        return Decided(
            origin_of(self.item), self.item.channel, self.item.sender_key, self.recipient, messages
        )

    async def _record_replies(self, db: Any, messages: list[dict[str, Any]]) -> list[Outgoing]:
        return await self.records.outbound.record(
            db,
            origin_of(self.item),
            self.item.channel,
            self.item.sender_key,
            self.recipient,
            messages,
        )


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
        # outcomes of turns that wrote nothing else, recorded together (PostgreSQL)
        self.recording: GroupCommit[tuple[int, bytes, Decided], list[Outgoing]] = GroupCommit(
            self._record_together
        )

    async def _record_together(
        self, turns: list[tuple[int, bytes, Decided]]
    ) -> list[list[Outgoing]]:
        """The outcomes and replies of several turns in one statement (autocommit: no BEGIN
        or COMMIT). It is atomic: every turn of the batch is recorded, or none is and each
        of their callers sees the error (their items are taken again)."""
        outcomes = {
            "item_ids": [item_id for item_id, _sealed, _decided in turns],
            "outcomes": [sealed for _item_id, sealed, _decided in turns],
        }
        async with self._autocommit.connect() as connection:
            return await self.outbound.record_many(
                connection,
                [decided for _item_id, _sealed, decided in turns],
                riding=(_OUTCOME_CTE, outcomes),
            )

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
