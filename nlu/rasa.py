"""An optional backend: ask an existing Rasa server for the intent of a message.

A deployment that already runs Rasa (trained on our exported data, or on its own) can point
`TOCSIN_RASA_URL` at it. Its answer to `POST /model/parse` is mapped onto our Classification;
when the server is unreachable, slow, or answers with an intent outside the taxonomy, the
built-in model answers instead, so a Rasa outage never stops reports.
"""

from __future__ import annotations

import logging
from typing import Any

from nlu.result import Classification
from nlu.taxonomy import CATEGORIES

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2.0


class RasaClient:
    """A small client of Rasa's HTTP API (`POST {url}/model/parse`)."""

    def __init__(self, url: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.timeout = timeout

    async def parse(self, text: str) -> dict[str, Any] | None:
        """Rasa's raw answer, or None when the server cannot be asked."""
        import aiohttp  # only deployments with a Rasa server pay for importing it

        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session,
                session.post(self.url, json={"text": text}) as response,
            ):
                if response.status != 200:
                    log.warning("rasa answered HTTP %s; using the built-in model", response.status)
                    return None
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("rasa unreachable (%s); using the built-in model", type(error).__name__)
            return None

    async def classify(self, text: str) -> Classification | None:
        """The Rasa intent as a Classification, or None to fall back to the built-in model."""
        answer = await self.parse(text)
        return classification_from_rasa(answer) if answer else None


def classification_from_rasa(answer: dict[str, Any]) -> Classification | None:
    """Map Rasa's `intent` / `intent_ranking` onto taxonomy ids; None if nothing maps."""
    ranking = answer.get("intent_ranking") or []
    intent = answer.get("intent") or {}
    if intent and not ranking:
        ranking = [intent]
    ranked = tuple(
        (str(item.get("name")), float(item.get("confidence") or 0.0))
        for item in ranking
        if item.get("name") in CATEGORIES
    )
    if not ranked:
        return None
    ranked = tuple(sorted(ranked, key=lambda pair: -pair[1]))
    return Classification(category=ranked[0][0], confidence=ranked[0][1], ranked=ranked)
