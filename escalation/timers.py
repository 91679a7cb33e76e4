"""Re-escalation when nobody acknowledges, and the daily digest.

Each open alert keeps, per matched rule, the chain level reached and when the rule matched;
`next_escalation_at` is the earliest next step. The timer lives in the database, so a restart
(or another worker) picks it up; acknowledging clears it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation.clock import Clock
from escalation.models import Alert
from escalation.queue import enqueue
from escalation.routing import set_timer
from escalation.rules import RuleSet

log = logging.getLogger(__name__)


async def _escalate(session: AsyncSession, ruleset: RuleSet, alert: Alert, now: datetime) -> int:
    rules = {rule.name: rule for rule in ruleset.rules}
    state = dict(alert.rules or {})
    queued = 0
    for name, (level, since) in state.items():
        rule = rules.get(name)
        if rule is None:
            continue
        started = datetime.fromisoformat(since)
        while level + 1 < len(rule.chain) and started + rule.chain[level + 1].after <= now:
            level += 1
            minutes = int(rule.chain[level].after.total_seconds() // 60)
            for target in ruleset.step_targets(rule, level):
                first = await enqueue(
                    session,
                    alert_id=alert.id,
                    target=target,
                    purpose="ping",
                    dedupe_key=f"ping:{alert.id}:{target}",
                    now=now,
                    payload={"reminder_after": minutes},
                )
                queued += first or await enqueue(
                    session,
                    alert_id=alert.id,
                    target=target,
                    purpose="remind",
                    dedupe_key=f"remind:{alert.id}:{target}:{name}:{level}",
                    now=now,
                    payload={"reminder_after": minutes},
                )
        state[name] = [level, since]
    alert.rules = state
    alert.chain_level = max((level for level, _since in state.values()), default=0)
    set_timer(ruleset, alert)
    return queued


async def escalate_due(sessions: async_sessionmaker, ruleset: RuleSet, clock: Clock) -> int:
    """Queue the next chain step of every unacknowledged alert whose time has come."""
    now = clock.now()
    async with sessions() as session, session.begin():
        alerts = (
            await session.execute(
                select(Alert)
                .where(Alert.state == "open", Alert.next_escalation_at <= now)
                .order_by(Alert.next_escalation_at)
                .limit(50)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
        queued = 0
        for alert in alerts:
            count = await _escalate(session, ruleset, alert, now)
            log.info("re-escalated alert=%s level=%s queued=%s", alert.id, alert.chain_level, count)
            queued += count
    return queued


def digest_day(now: datetime, hour: int) -> str | None:
    """The digest due now (its date), once the configured hour has passed."""
    if now.hour < hour:
        return None
    return now.date().isoformat()


async def queue_digest(sessions: async_sessionmaker, ruleset: RuleSet, clock: Clock) -> int:
    """One digest a day to every non-confidential staff chat and address."""
    if not ruleset.digest.enabled:
        return 0
    now = clock.now()
    day = digest_day(now, ruleset.digest.at_hour_utc)
    if day is None:
        return 0
    queued = 0
    async with sessions() as session, session.begin():
        for target in ruleset.targets.values():
            if target.confidential:
                continue
            for address in target.addresses():
                if address.startswith("webhook:"):
                    continue
                queued += await enqueue(
                    session,
                    target=address,
                    purpose="digest",
                    dedupe_key=f"digest:{day}:{address}",
                    now=now,
                    payload={"day": day, "since": (now - timedelta(days=1)).isoformat()},
                )
    return queued
