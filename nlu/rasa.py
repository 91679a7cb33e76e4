"""An optional backend: ask a Rasa server for the incident type of a message.

A deployment that runs Rasa (trained on `tocsin nlu export-rasa`, or on its own data) points
`TOCSIN_RASA_URL` at it. What Tocsin takes from Rasa and what it never does:

- taken: the intent ranking, mapped onto taxonomy ids (intents outside the taxonomy are
  ignored); it becomes the primary category and its confidence;
- never taken: places, times, counts, perpetrators and confidentiality. Tocsin reads those
  from the text itself whatever Rasa answers, so a Rasa answer can never route a confidential
  report to a public desk, and a Rasa model without entities loses nothing.

When the server is unreachable, slow (over the time budget) or answers with nothing that maps,
the built-in model answers instead; after a failure Rasa is left alone for a cool-down, so an
outage costs one slow message, not one per message. One HTTP session serves the process.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from nlu.result import Classification
from nlu.taxonomy import CATEGORIES

log = logging.getLogger(__name__)
TIME_BUDGET_SECONDS = 2.0
COOL_DOWN_SECONDS = 30.0


class RasaClient:
    """A client of Rasa's HTTP API (`POST {url}/model/parse`) with one session per process."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = TIME_BUDGET_SECONDS,
        cool_down: float = COOL_DOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.cool_down = cool_down
        self._clock = clock
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._resting_until = float("-inf")
        self.sessions_opened = 0  # read by tests: one session serves many messages

    def _current_session(self) -> aiohttp.ClientSession:
        """The process's session; a new one only when the event loop changed (a new CLI run)."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
            self._session_loop = loop
            self.sessions_opened += 1
        return self._session

    async def close(self) -> None:
        """Close the HTTP session (at shutdown)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    @property
    def resting(self) -> bool:
        """True during the cool-down after a failure: the built-in model answers at once."""
        return self._clock() < self._resting_until

    def _fail(self, reason: str) -> None:
        self._resting_until = self._clock() + self.cool_down
        log.warning("rasa %s; the built-in model answers for %.0f s", reason, self.cool_down)

    async def parse(self, text: str) -> dict[str, Any] | None:
        """Rasa's raw answer, or None when the server cannot be asked in time."""
        if self.resting:
            return None
        try:
            async with self._current_session().post(self.url, json={"text": text}) as response:
                if response.status != 200:
                    self._fail(f"answered HTTP {response.status}")
                    return None
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            self._fail(f"unreachable ({type(error).__name__})")
            return None
        return answer if isinstance(answer, dict) else None

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
        if isinstance(item, dict) and item.get("name") in CATEGORIES
    )
    if not ranked:
        return None
    ranked = tuple(sorted(ranked, key=lambda pair: -pair[1]))
    return Classification(category=ranked[0][0], confidence=ranked[0][1], ranked=ranked)
