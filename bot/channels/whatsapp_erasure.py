"""How erasure treats the WhatsApp channel's tables (registered in `reports.erasure`).

The outbound log keeps a sealed copy of each message (address and text, a summary among them)
until it is delivered: erasure deletes every row of the person, queued retries included, and
the record of when they last wrote.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.whatsapp_payloads import CHANNEL
from bot.channels.whatsapp_store import WhatsAppOutbound, WhatsAppWindow
from reports.erasure import Subject, erases


def _applies(subject: Subject) -> bool:
    return subject.channel in (None, CHANNEL)


@erases("whatsapp_outbound")
async def erase_outbound(session: AsyncSession, subject: Subject) -> None:
    if _applies(subject):
        await session.execute(
            delete(WhatsAppOutbound).where(WhatsAppOutbound.pseudonym.in_(subject.pseudonyms))
        )


@erases("whatsapp_windows")
async def erase_windows(session: AsyncSession, subject: Subject) -> None:
    if _applies(subject):
        await session.execute(
            delete(WhatsAppWindow).where(WhatsAppWindow.pseudonym.in_(subject.pseudonyms))
        )
