"""How erasure treats the SMS channel's tables (registered in `reports.erasure`).

Delivery records keep a sealed copy of a reply (number and text) until it is delivered or its
one retry has gone, and the parts of a long message wait sealed until the whole has come:
erasure deletes both. The opt-out record holds no content (a pseudonym, when STOP was sent,
the day's count), and it is kept so that a STOP outlives the erasure of the person's reports.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.sms_payloads import CHANNEL
from bot.channels.sms_store import SmsOutbound, SmsPart
from reports.erasure import Subject, erases, keeps


def _applies(subject: Subject) -> bool:
    return subject.channel in (None, CHANNEL)


@erases("sms_outbound")
async def erase_delivery_records(session: AsyncSession, subject: Subject) -> None:
    if _applies(subject):
        await session.execute(
            delete(SmsOutbound).where(SmsOutbound.pseudonym.in_(subject.pseudonyms))
        )


@erases("sms_parts")
async def erase_waiting_parts(session: AsyncSession, subject: Subject) -> None:
    if _applies(subject) and subject.inbox_keys:
        await session.execute(delete(SmsPart).where(SmsPart.sender_key.in_(subject.inbox_keys)))


keeps("sms_people", "opt-outs and daily counts by pseudonym, no content: a STOP outlives erasure")
