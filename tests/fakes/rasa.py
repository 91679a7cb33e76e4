"""A Rasa server on loopback that answers `POST /model/parse` in Rasa 3's response shape.

It "recognises" an intent by keywords given by the test, and returns the fields a real Rasa 3
server returns: `text`, `intent` {id, name, confidence}, `entities` (DIETClassifier style with
`confidence_entity`), `text_tokens`, `intent_ranking` and `response_selector`. It can be told
to fail, so tests see the built-in model take over.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve_on_loopback


def _intent(name: str, confidence: float) -> dict[str, Any]:
    return {"id": zlib.crc32(name.encode()), "name": name, "confidence": confidence}


@dataclass
class FakeRasa:
    """Keyword -> intent rules; the first rule whose keyword is in the text wins."""

    rules: dict[str, str] = field(default_factory=dict)
    fallback_intent: str = "nlu_fallback"
    fail_with: int | None = None  # answer this HTTP status instead of parsing
    delay: float = 0.0  # seconds to wait before answering (a slow server)
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> FakeRasa:
        app = web.Application()
        app.router.add_post("/model/parse", self._parse)
        self._runner, port = await serve_on_loopback(app)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _parse(self, request: web.Request) -> web.Response:
        payload = await request.json()
        self.requests.append(payload)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_with is not None:
            return web.json_response(
                {"status": "failure", "code": self.fail_with}, status=self.fail_with
            )
        return web.json_response(self.answer(str(payload.get("text", ""))))

    def answer(self, text: str) -> dict[str, Any]:
        """The body Rasa 3 sends back for `text`."""
        lowered = text.lower()
        chosen = next((i for k, i in self.rules.items() if k in lowered), self.fallback_intent)
        others = [i for i in dict.fromkeys(self.rules.values()) if i != chosen]
        ranking = [_intent(chosen, 0.91)] + [
            _intent(name, round(0.09 / (len(others) or 1), 4)) for name in others
        ]
        entities = []
        for keyword in self.rules:
            found = lowered.find(keyword)
            if found >= 0:
                entities.append(
                    {
                        "entity": "keyword",
                        "start": found,
                        "end": found + len(keyword),
                        "confidence_entity": 0.98,
                        "value": text[found : found + len(keyword)],
                        "extractor": "DIETClassifier",
                    }
                )
        return {
            "text": text,
            "intent": ranking[0],
            "entities": entities,
            "text_tokens": [[m.start(), m.end()] for m in re.finditer(r"\w+", text)],
            "intent_ranking": ranking,
            "response_selector": {
                "all_retrieval_intents": [],
                "default": {
                    "response": {
                        "id": None,
                        "responses": None,
                        "response_templates": None,
                        "confidence": 0.0,
                        "intent_response_key": None,
                        "utter_action": "utter_None",
                        "template_name": "utter_None",
                    },
                    "ranking": [],
                },
            },
        }
