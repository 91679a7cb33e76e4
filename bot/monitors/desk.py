"""The monitor's desk: one-message templates, files of reports, `/template` and `/myreports`.

The interceptor looks at every message before the guided flow, so it must stay cheap: only a
message opening with a hashtag, or a CSV/XLSX document, costs a database look-up. A monitor's
file is taken as a file of reports only when no guided report is in progress; during one it is
evidence like any other document.
"""

from __future__ import annotations

import logging
import time

from babel.dates import format_date

from bot.commands import CommandHandler
from bot.flow.driver import ask_step
from bot.flow.media import download_media
from bot.flow.turn import Turn
from bot.messages import OutboundMessage
from bot.monitors.bulk import TableError, import_table, table_kind
from bot.monitors.guide import template_guide
from bot.monitors.reading import Reporter, read_report
from bot.monitors.replies import fault_line, import_lines, listed, summary
from bot.monitors.template import split_template, template_language
from locales.labels import CATEGORY_LABELS, STATUS_LABELS, label
from reports.monitors import MonitorStore
from reports.records import ReportDraft

log = logging.getLogger(__name__)
MY_REPORTS = 10
KNOWN_MONITOR_SECONDS = 30.0
KNOWN_MONITORS_MAX = 10_000


class MonitorDesk:
    """What only monitors can do, bound to the monitor store."""

    def __init__(self, monitors: MonitorStore, default_help: CommandHandler) -> None:
        self.monitors = monitors
        self.default_help = default_help
        # pseudonym -> (organisation, until): a monitor sending a batch of templates is looked
        # up once; a revocation reaches a running bot within KNOWN_MONITOR_SECONDS.
        self._known: dict[str, tuple[str, float]] = {}

    async def organisation(self, turn: Turn) -> str | None:
        """The sender's organisation if they are an active monitor."""
        pseudonym = turn.session.pseudonym
        known = self._known.get(pseudonym)
        if known and known[1] > time.monotonic():
            return known[0]
        keyring = turn.services.keyring
        pseudonyms = keyring.pseudonyms(turn.inbound.channel, turn.inbound.sender_id)
        organisation = await self.monitors.organisation_of(pseudonyms)
        if organisation is None:
            self._known.pop(pseudonym, None)
        else:
            if len(self._known) > KNOWN_MONITORS_MAX:
                self._known.clear()
            self._known[pseudonym] = (organisation, time.monotonic() + KNOWN_MONITOR_SECONDS)
        return organisation

    def _reporter(self, turn: Turn, organisation: str) -> Reporter:
        return Reporter(turn.inbound.channel, turn.session.pseudonym, organisation)

    def _not_a_monitor(self, turn: Turn) -> None:
        _ = turn._
        turn.say(
            _(
                "This is for monitors of partner organisations. If your organisation gave you "
                "an invite code, send /monitor followed by the code. Otherwise just tell me "
                "what happened and I will guide you."
            )
        )

    async def intercept(self, turn: Turn) -> bool:
        """Take a `#report` message or a monitor's file of reports; True when taken."""
        inbound = turn.inbound
        if inbound.text and inbound.text.lstrip()[:1] in ("#", "＃"):
            language = template_language(inbound.text)
            if language is None:
                return False
            await self._take_template(turn, language)
        elif (
            inbound.media is not None
            and inbound.media.kind == "document"
            and table_kind(inbound.media.file_name, inbound.media.mime_type)
            and not turn.session.draft
        ):
            organisation = await self.organisation(turn)
            if organisation is None:
                return False  # a community member's document is evidence for the flow
            await self._take_file(turn, organisation)
        else:
            return False
        if turn.session.draft and turn.session.step:
            await ask_step(turn, turn.session.step)
        return True

    async def _take_template(self, turn: Turn, hashtag_language: str) -> None:
        organisation = await self.organisation(turn)
        if organisation is None:
            self._not_a_monitor(turn)
            return
        if turn.session.language is None and hashtag_language in turn.services.settings.languages:
            turn.set_language(hashtag_language, explicit=False)
        _ = turn._
        raws = split_template(turn.inbound.text or "", turn.language)
        drafts: list[tuple[ReportDraft, list[str]]] = []
        faults: list[str] = []
        for raw in raws:
            draft, found = read_report(
                raw,
                nlu=turn.services.nlu,
                language=raw.language(turn.language),
                now=turn.inbound.received_at,
                reporter=self._reporter(turn, organisation),
            )
            number = raw.number if len(raws) > 1 else None
            faults.extend(fault_line(fault, _, report=number) for fault in found)
            if draft is not None:
                drafts.append((draft, list(raw.fields)))
        if faults:
            log.info("monitor template refused reports=%d faults=%d", len(raws), len(faults))
            header = _("Nothing was stored. Please correct these lines and send it again:")
            turn.say("\n".join([header, *listed(faults, _)]))
            return
        lines = []
        for draft, given in drafts:
            stored = await turn.services.store.submit(draft)
            lines.append(
                _(
                    "Stored as {reference}: {summary}",
                    reference=stored.reference,
                    summary=summary(draft, given, _),
                )
            )
        if len(lines) > 1:
            lines.insert(0, _("{count} reports stored.", count=len(lines)))
        turn.say("\n".join(lines))

    async def _take_file(self, turn: Turn, organisation: str) -> None:
        _ = turn._
        media = turn.inbound.media
        assert media is not None
        kind = table_kind(media.file_name, media.mime_type) or "csv"
        content = await download_media(turn, media)
        if content is None:
            return
        try:
            result = await import_table(
                content,
                kind,
                nlu=turn.services.nlu,
                store=turn.services.store,
                reporter=self._reporter(turn, organisation),
                language=turn.language,
                now=turn.inbound.received_at,
            )
        except TableError as error:
            turn.say(_(error.message, **error.values))
            return
        turn.say("\n".join(import_lines(result, _)))

    async def template(self, turn: Turn, argument: str) -> None:
        """`/template`: the template in the chat's language, with an example."""
        if await self.organisation(turn) is None:
            self._not_a_monitor(turn)
        else:
            turn.say(template_guide(turn._))
        if turn.session.draft and turn.session.step:
            await ask_step(turn, turn.session.step)

    async def my_reports(self, turn: Turn, argument: str) -> None:
        """`/myreports`: the monitor's last reports with reference, category, place, status."""
        _ = turn._
        if await self.organisation(turn) is None:
            self._not_a_monitor(turn)
            return
        keyring = turn.services.keyring
        pseudonyms = keyring.pseudonyms(turn.inbound.channel, turn.inbound.sender_id)
        views = await turn.services.store.list_own(pseudonyms, limit=MY_REPORTS)
        if not views:
            turn.say(_("You have not sent any report from this chat yet."))
            return
        lines = [
            _(
                "{reference} ({date}): {category}, {place}. Status: {status}.",
                reference=view.reference,
                date=format_date(view.created_at, format="medium", locale=turn.language),
                category=label(CATEGORY_LABELS, view.category, _),
                place=view.place or _("not given"),
                status=label(STATUS_LABELS, view.status, _),
            )
            for view in views
        ]
        turn.say("\n".join(lines))

    async def help(self, turn: Turn, argument: str) -> None:
        """The usual help, and for monitors the commands only they have."""
        said = len(turn.outbound)
        await self.default_help(turn, argument)
        if await self.organisation(turn) is None:
            return
        _ = turn._
        extra = _(
            "As a monitor you can also use:\n"
            "/template – send whole reports in one message, or a CSV or Excel file\n"
            "/myreports – your last reports\n"
            "/monitor – your organisation"
        )
        message = OutboundMessage(
            text=extra, language=turn.language, right_to_left=turn._.right_to_left
        )
        turn.outbound.insert(min(said + 1, len(turn.outbound)), message)
