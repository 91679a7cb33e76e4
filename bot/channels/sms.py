"""The SMS channel: inbox items in, one compact SMS out per turn, through one provider.

Each accepted SMS goes to the conversation engine as text (keywords such as `STATUS TX-...`
or `DELETE` become the engine's commands). The turn runs recorded (`bot.turn_records`: its
replies are written in the outbound table with its outcome, and an item taken again replays
them); its answers are rendered as one SMS (`sms_render`), capped in segments, and sent
through the provider's client. A question an
SMS cannot ask (files; confirming what was read, which it may not show) is answered by the
channel (`sms_render.AUTOMATIC`), so the person is never asked what they cannot answer.

STOP (ARRET, توقف) was recorded by the webhook before it answered; here it gets one
confirmation and nothing else, and every send checks the opt-out first, so a reply decided
just before the STOP does not go either. Each person gets at most a configured number of SMS
a day. A send the provider cannot take now is retried by the inbox's one policy (the item
runs again and replays its record). A delivery report that says a reply failed sends it once
more, never again after that (`sms_outbound` keeps the sealed copy only until then).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from bot.channels.sms_client import SmsClient, SmsSendError
from bot.channels.sms_payloads import CHANNEL, DeliveryReport, IncomingSms, as_command, is_opt_out
from bot.channels.sms_render import SmsRenderer, automatic_choice, opted_out_text
from bot.channels.sms_segments import cost
from bot.channels.sms_store import SmsStore
from bot.engine import ConversationEngine
from bot.inbox import InboxItem
from bot.messages import InboundMessage, OutboundMessage
from bot.turn_records import TurnRecords, origin_of
from reports.crypto import Keyring
from reports.outbound import Outgoing
from reports.unit import unit_of_work

log = logging.getLogger(__name__)

# the person opted out with the operator or provider (Twilio 21610, Africa's Talking's
# blacklist): sending again cannot help, and they are opted out here too
UNSUBSCRIBED = frozenset({"21610", "UserInBlacklist"})
MAX_AUTOMATIC = 4  # questions answered by the channel in one turn, at most
OPT_OUT_LANGUAGES = {"arret": "fr", "arrêt": "fr", "arreter": "fr", "arrêter": "fr"}


def _opt_out_language(text: str) -> str:
    word = text.strip().strip(".!؟?").casefold()
    if any("\u0600" <= char <= "\u06ff" for char in word):
        return "ar"
    return OPT_OUT_LANGUAGES.get(word, "en")


class SmsChannel:
    """Handles the SMS inbox items, sends what the bot says, and follows delivery reports."""

    channel = CHANNEL

    def __init__(
        self,
        engine: ConversationEngine,
        client: SmsClient,
        store: SmsStore,
        keyring: Keyring,
        *,
        turns: TurnRecords | None = None,
        default_language: str = "en",
        max_segments: int = 4,
        daily_cap: int = 30,
    ) -> None:
        self.engine = engine
        self.client = client
        self.store = store
        self.keyring = keyring
        self.turns = turns
        self.default_language = default_language
        self.renderer = SmsRenderer(max_segments)
        self.daily_cap = daily_cap

    # --- inbound -------------------------------------------------------------------------------

    async def handle_item(self, item: InboxItem) -> None:
        """One accepted SMS: its turn run once (or replayed) and answered with one SMS; a STOP
        confirmed. A send the provider could not take raises: the inbox tries the item again
        and the replay sends what is not yet marked sent."""
        sms = IncomingSms.from_json(item.payload)
        pseudonym = self.keyring.pseudonym(CHANNEL, sms.sender)
        if is_opt_out(sms.text):
            if await self.store.opted_out(pseudonym):
                text = opted_out_text(_opt_out_language(sms.text))
                await self._send(sms.sender, pseudonym, text, confirming_stop=True)
            log.info("sms opt-out")
            return
        await self.store.lift_opt_out(pseudonym, item.received_at)
        received = datetime.fromisoformat(sms.received_at)
        outgoing = await self._turn(item, sms, received)
        replies = TurnRecords.messages(outgoing)
        if replies:
            await self._reply(sms.sender, pseudonym, replies)
        await self._mark_sent(outgoing)
        log.info("sms message handled replies=%d", len(replies))

    async def answer_unreadable(self, item: InboxItem) -> None:
        """Tell the person their SMS could not be read (the processor then parks it)."""
        if self.turns is None:
            return
        sms = IncomingSms.from_json(item.payload)
        language = await self.turns.language_of(CHANNEL, sms.sender, None)
        outgoing = await self.turns.record_unreadable(
            item, sms.sender, language or self.default_language
        )
        pseudonym = self.keyring.pseudonym(CHANNEL, sms.sender)
        await self._reply(sms.sender, pseudonym, TurnRecords.messages(outgoing))
        await self._mark_sent(outgoing)

    def _inbound(
        self, sms: IncomingSms, text: str | None, received: datetime, **extra: str
    ) -> InboundMessage:
        command = as_command(text) if text else None
        return InboundMessage(
            channel=CHANNEL,
            sender_id=sms.sender,
            text=command or text,
            message_id=extra.pop("message_id", sms.external_id),
            received_at=received,
            **extra,  # type: ignore[arg-type]
        )

    async def _turn(self, item: InboxItem, sms: IncomingSms, received: datetime) -> list[Outgoing]:
        """The replies of the item's turn, and of the questions the channel answered after it:
        recorded in the outbound table before anything is sent, replayed when recorded."""
        inbound = self._inbound(sms, sms.text, received)
        if self.turns is None:
            replies = await self.engine.handle(inbound)
            outgoing = [Outgoing(0, CHANNEL, sms.sender, reply.to_dict()) for reply in replies]
            return outgoing + await self._automatic(item, sms, replies, received)
        replayed = await self.turns.replay(item)
        if replayed is not None:
            automatic = await self.turns.outbound.pending(f"{origin_of(item)}:auto")
            return replayed + automatic
        record = self.turns.start(item, sms.sender)
        await self.engine.handle(inbound, record)
        replies = TurnRecords.messages(record.outgoing)
        return record.outgoing + await self._automatic(item, sms, replies, received)

    async def _automatic(
        self,
        item: InboxItem,
        sms: IncomingSms,
        replies: list[OutboundMessage],
        received: datetime,
    ) -> list[Outgoing]:
        """Answer the questions an SMS cannot ask (`sms_render.AUTOMATIC`) and record what the
        bot says next under the item's origin, so a replay sends it too."""
        more: list[OutboundMessage] = []
        for turn in range(MAX_AUTOMATIC):
            last = (more or replies)[-1] if (more or replies) else None
            choice = automatic_choice(last) if last is not None else None
            if choice is None:
                break
            message_id = f"{sms.external_id}:{turn}"
            more += await self.engine.handle(
                self._inbound(sms, None, received, choice=choice, message_id=message_id)
            )
        if not more:
            return []
        if self.turns is None:
            return [Outgoing(0, CHANNEL, sms.sender, reply.to_dict()) for reply in more]
        async with unit_of_work(self.turns.engine) as unit:
            recorded = await self.turns.outbound.record(
                await unit.session(),
                f"{origin_of(item)}:auto",
                CHANNEL,
                item.sender_key,
                sms.sender,
                [reply.to_dict() for reply in more],
            )
            await unit.commit()
        return recorded

    async def _mark_sent(self, outgoing: list[Outgoing]) -> None:
        if self.turns is not None:
            await asyncio.gather(
                *(self.turns.outbound.mark_sent(one.id) for one in outgoing if one.id)
            )

    async def _reply(
        self, recipient: str, pseudonym: str, messages: Sequence[OutboundMessage]
    ) -> None:
        first = await self.store.take_notice(pseudonym)
        await self._send(recipient, pseudonym, self.renderer.render(messages, first=first))

    # --- outbound ------------------------------------------------------------------------------

    async def _send(
        self, recipient: str, pseudonym: str, text: str, *, confirming_stop: bool = False
    ) -> bool:
        """One SMS, unless the person opted out or reached today's cap. A refusal no retry can
        fix is recorded as failed; one a retry may fix raises (`transient`), so the inbox
        tries the item again later under its one retry policy."""
        if not text:
            return False
        if not confirming_stop and await self.store.opted_out(pseudonym):
            log.info("sms not sent: opted out")
            return False
        if not await self.store.take_daily(pseudonym, self.daily_cap):
            log.warning("sms not sent: daily cap reached")
            return False
        segments = cost(text).segments
        try:
            message_id = await self.client.send(recipient, text)
        except SmsSendError as error:
            log.warning("sms send failed code=%s transient=%s", error.code, error.transient)
            if error.transient:
                raise
            await self.store.record_sent(
                self.client.provider, None, pseudonym, recipient, text, segments, failed=error.code
            )
            return False
        failed_early = await self.store.record_sent(
            self.client.provider, message_id, pseudonym, recipient, text, segments
        )
        log.info("sms sent segments=%d", segments)
        if failed_early:
            await self.handle_report(DeliveryReport(self.client.provider, message_id, "failed"))
        return True

    async def send(self, recipient_id: str, messages: Sequence[OutboundMessage]) -> None:
        """A message nobody just asked for (a staff question, a status notice)."""
        if messages:
            pseudonym = self.keyring.pseudonym(CHANNEL, recipient_id)
            await self._reply(recipient_id, pseudonym, messages)

    # --- delivery reports ----------------------------------------------------------------------

    async def handle_report(self, report: DeliveryReport) -> None:
        """Record a delivery report; a failed SMS is sent once more (only once)."""
        unsubscribed = report.error in UNSUBSCRIBED
        pseudonym, resend = await self.store.apply_report(report, retry=not unsubscribed)
        if unsubscribed and pseudonym is not None:
            await self.store.set_opted_out(pseudonym, True)  # STOP said to the operator
        if resend is None:
            return
        if await self.store.opted_out(pseudonym or ""):
            await self.store.resent(resend.row_id, None, "opted out")
            return
        try:
            message_id = await self.client.send(resend.recipient, resend.text)
        except SmsSendError as error:
            log.warning("sms retry failed code=%s", error.code)
            await self.store.resent(resend.row_id, None, error.code)
            return
        log.info("sms failed delivery sent again")
        await self.store.resent(resend.row_id, message_id, None)
