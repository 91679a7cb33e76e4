"""The inbox's SQL, built once per dialect and reused with bound values.

Building a statement (its aliases, its correlated subqueries) costs more CPU than the database
takes to run it; the inbox runs these few statements for every message, so each is built once
here and executed with parameters: `now`, `worker`, `lease`, `limit`, `ids`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, bindparam, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from reports.models import InboundItem

RETURNED = (
    InboundItem.id,
    InboundItem.channel,
    InboundItem.external_id,
    InboundItem.sender_key,
    InboundItem.payload_enc,
    InboundItem.attempts,
    InboundItem.received_at,
)


def _unleased(table: Any) -> Any:
    return or_(table.locked_until.is_(None), table.locked_until < bindparam("now"))


def _ids() -> Any:
    return bindparam("ids", expanding=True)


@dataclass(frozen=True)
class InboxStatements:
    insert: Any  # executed with one parameter set per new row
    lease_new: Any
    claim: Any
    complete: Any
    retry: Any
    release: Any

    @classmethod
    def build(cls, sqlite: bool) -> InboxStatements:
        insert = (sqlite_insert if sqlite else pg_insert)(InboundItem)
        return cls(
            insert=insert.on_conflict_do_nothing(
                index_elements=["channel", "external_id"]
            ).returning(InboundItem.id, InboundItem.channel, InboundItem.external_id),
            lease_new=_lease_new(),
            claim=_claim(sqlite),
            complete=update(InboundItem)
            .where(InboundItem.id.in_(_ids()))
            .values(
                status="done",
                processed_at=bindparam("now"),
                payload_enc=b"",
                outcome_enc=None,  # replayed only while the item is not done
                locked_until=None,  # locked_by stays: which worker handled it
            ),
            retry=update(InboundItem)
            .where(InboundItem.id == bindparam("item_id"))
            .values(
                status=bindparam("new_status"),
                locked_by=None,  # held by nobody now: its sender's later items stay behind it
                locked_until=bindparam("until"),
                last_error=bindparam("error"),
            ),
            release=update(InboundItem)
            .where(InboundItem.id.in_(_ids()), InboundItem.status == "pending")
            .values(locked_by=None, locked_until=None),
        )


def _lease_values() -> dict[str, Any]:
    return {
        "locked_by": bindparam("worker"),
        "locked_until": bindparam("lease"),
        "attempts": InboundItem.attempts + 1,
    }


def _lease_new() -> Any:
    """Lease just-inserted items to a worker unless another holds an earlier item of the
    same sender (then the ordinary claim takes them, in order)."""
    earlier = aliased(InboundItem)
    held_elsewhere = exists().where(
        earlier.sender_key == InboundItem.sender_key,
        earlier.status == "pending",
        earlier.id < InboundItem.id,
        or_(
            earlier.locked_by.is_(None),
            earlier.locked_by != bindparam("worker"),
            earlier.locked_until < bindparam("now"),
        ),
    )
    return (
        update(InboundItem)
        .where(InboundItem.id.in_(_ids()), ~held_elsewhere)
        .values(**_lease_values())
        .returning(InboundItem.id)
        .execution_options(synchronize_session=False)
    )


def _claim(sqlite: bool) -> Any:
    """Lease the oldest items, at most the next one per sender, in one statement: the
    conditions are checked again on the row, so that without row locks (SQLite) two
    claimers never share an item."""
    candidate, earlier = aliased(InboundItem), aliased(InboundItem)
    blocked = exists().where(
        and_(
            earlier.sender_key == candidate.sender_key,
            earlier.status == "pending",
            earlier.id < candidate.id,
        )
    )
    pick = (
        select(candidate.id)
        .where(candidate.status == "pending", _unleased(candidate), ~blocked)
        .order_by(candidate.id)
        .limit(bindparam("limit", type_=Integer))
    )
    if not sqlite:
        pick = pick.with_for_update(skip_locked=True, of=candidate)
    # a materialised CTE runs once: PostgreSQL may re-run a plain IN (subquery) for every
    # row it updates, taking more than `limit` items
    picked = pick.cte("picked").prefix_with("MATERIALIZED")
    return (
        update(InboundItem)
        .where(InboundItem.id.in_(select(picked.c.id)), InboundItem.status == "pending")
        .where(_unleased(InboundItem))
        .values(**_lease_values())
        .returning(*RETURNED)
        .execution_options(synchronize_session=False)
    )
