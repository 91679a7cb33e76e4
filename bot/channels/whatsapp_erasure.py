"""How erasure treats the WhatsApp channel's tables (registered in `reports.erasure`).

The delivery ledger keeps no content, only the person's pseudonym beside each status: erasure
deletes those rows and the record of when they last wrote. The sealed copies of messages
waiting for a retry or a delivery report live in the outbound table, under the same
pseudonym, and go with it (`reports.erasers.erase_outbound_messages`).
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
