"""Photos, voice notes, videos and documents as evidence, optional.

Files are downloaded as soon as they arrive (channel links expire), checked against the size
limit, and held in the sealed session until the report is submitted.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from typing import ClassVar

from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.flow.words import NO, SKIP
from bot.messages import Choice, MediaRef

log = logging.getLogger(__name__)
MAX_FILES = 5


async def download_media(turn: Turn, media: MediaRef) -> bytes | None:
    """The file's bytes, or None after telling the person why it cannot be taken."""
    _ = turn._
    limit = turn.services.settings.max_media_bytes
    megabytes = max(1, limit // (1024 * 1024))
    if media.size is not None and media.size > limit:
        turn.say(_("That file is too large (the limit is {limit} MB).", limit=megabytes))
        return None
    try:
        content = await media.fetch()
    except Exception as error:  # the channel's download failed; say so, keep the flow
        log.warning("media download failed kind=%s error=%s", media.kind, type(error).__name__)
        turn.say(_("Sorry, I could not receive that file. Please try sending it again."))
        return None
    if len(content) > limit:
        turn.say(_("That file is too large (the limit is {limit} MB).", limit=megabytes))
        return None
    return content


async def stage_media(turn: Turn, media: MediaRef) -> bool:
    """Keep a file for the report in progress; False when it was refused."""
    _ = turn._
    staged = turn.draft.media
    if len(staged) >= MAX_FILES:
        turn.say(
            _("You have already sent {count} files, the most one report can take.", count=MAX_FILES)
        )
        return False
    content = await download_media(turn, media)
    if content is None:
        return False
    staged.append(
        {
            "kind": media.kind,
            "mime_type": media.mime_type,
            "content": base64.b64encode(content).decode("ascii"),
        }
    )
    turn.say(_("File received. It will be attached to your report."))
    return True


class MediaStep(Step):
    name = "media"
    editable = True
    meanings: ClassVar[Mapping[str, str]] = {NO: "done", SKIP: "done"}

    def needed(self, session: object) -> bool:
        """Files are invited with the danger question and taken at any step; this question
        is asked only when the person chooses "Files" in the summary."""
        return False

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        if turn.draft.media:
            turn.ask(_("Send another file, or choose “Done”."), [Choice("done", _("Done"))])
            return
        turn.ask(
            _(
                "If you have photos, voice messages, videos or documents about it, send them "
                "now. Otherwise choose “Skip”."
            ),
            [Choice("done", _("Skip"))],
        )

    async def answer(self, turn: Turn) -> Outcome:
        if turn.reply.media is not None:
            await stage_media(turn, turn.reply.media)
            return Outcome.STAY
        if turn.reply.choice == "done":
            return Outcome.DONE
        return Outcome.REPROMPT
