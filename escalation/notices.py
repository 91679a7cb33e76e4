"""Status news to one reporter arrives in the order of the changes, or only the latest.

Pressing Verified on a report that staff had only acknowledged moves it through "being
verified" to "verified": two notices queued a moment apart. Sent side by side, the slower could
arrive last and leave the reporter believing the report is still being verified. So a notice
is sent only once every older notice to the same reporter is settled, and an older notice that
is not yet on its way when a newer one exists is dropped: the reporter hears the latest news,
and never older news after it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import Enum

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Delivery

PURPOSE = "notice"


class Turn(Enum):
    SEND = "send"
    DROP = "drop"  # a newer notice to the same reporter exists
    WAIT = "wait"  # an older notice to the same reporter is still on its way


async def supersede_older(session: AsyncSession, target: str, key: str, now: datetime) -> None:
    """A newer notice was queued for `target` (dedupe key `key`): older notices that no
    worker holds are dropped at once, so the newer one does not wait for their retries."""
    await session.execute(
        update(Delivery)
        .where(
            Delivery.target == target,
            Delivery.purpose == PURPOSE,
            Delivery.state == "pending",
            Delivery.dedupe_key != key,
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .values(state="skipped", last_error="superseded by newer news")
        .execution_options(synchronize_session=False)
    )


async def turn_of(session: AsyncSession, row: Delivery, batch: Collection[int]) -> Turn:
    """Whether a claimed notice goes now; `batch` are the deliveries claimed with it (an
    older notice in the same batch drops itself for this one, so it is not waited for)."""
    same = (Delivery.target == row.target) & (Delivery.purpose == PURPOSE)
    newer = exists().where(same, Delivery.id > row.id, Delivery.state.in_(("pending", "sent")))
    if (await session.execute(select(newer))).scalar():
        return Turn.DROP
    older = exists().where(
        same, Delivery.id < row.id, Delivery.state == "pending", Delivery.id.not_in(list(batch))
    )
    if (await session.execute(select(older))).scalar():
        return Turn.WAIT
    return Turn.SEND
