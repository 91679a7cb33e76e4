"""Signed webhooks: the alert as JSON to other systems (case management, dashboards).

The body is signed with HMAC-SHA256 over `"<timestamp>.<body>"` with the target's secret:
`X-Tocsin-Timestamp` (Unix seconds) and `X-Tocsin-Signature: sha256=<hex>`. Receivers check
the signature and refuse a timestamp older than a few minutes (replay); `X-Tocsin-Delivery` is
the same on every retry of one delivery, so a receiver can drop duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import aiohttp

from escalation.notifiers import Job, PermanentFailure, RetryLater
from escalation.rules import RuleSet
from reports.retry import retry_after_header

SIGNATURE_HEADER = "X-Tocsin-Signature"
TIMESTAMP_HEADER = "X-Tocsin-Timestamp"
DELIVERY_HEADER = "X-Tocsin-Delivery"
EVENT_HEADER = "X-Tocsin-Event"
REPLAY_WINDOW_SECONDS = 300
EVENTS = {"ping": "alert.created", "remind": "alert.reminder", "update": "alert.updated"}


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: str,
    timestamp: str | None,
    body: bytes,
    signature: str | None,
    now: float | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > window:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


class WebhookNotifier:
    kind = "webhook"

    def __init__(self, ruleset: RuleSet, timeout: float = 10) -> None:
        self.ruleset = ruleset
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def body(self, job: Job) -> dict[str, Any]:
        if job.card is None:
            raise PermanentFailure(f"nothing to send for {job.purpose}")
        return {
            "event": EVENTS.get(job.purpose, f"alert.{job.purpose}"),
            "delivery": job.delivery_id,
            "alert": job.card.to_json(),
        }

    async def send(self, job: Job) -> str | None:
        hook = self.ruleset.webhook(job.address)
        if hook is None:
            raise PermanentFailure("webhook no longer in the rules")
        body = json.dumps(self.body(job), ensure_ascii=False, sort_keys=True).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(hook.secret, timestamp, body),
            DELIVERY_HEADER: str(job.delivery_id),
            EVENT_HEADER: EVENTS.get(job.purpose, job.purpose),
        }
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        async with self._session.post(hook.url, data=body, headers=headers) as response:
            if response.status == 429:
                raise RetryLater(
                    retry_after_header(response.headers.get("Retry-After")), "webhook 429"
                )
            if 400 <= response.status < 500:
                raise PermanentFailure(f"webhook answered {response.status}")
            if response.status >= 500:
                raise ConnectionError(f"webhook answered {response.status}")
        return str(job.delivery_id)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
