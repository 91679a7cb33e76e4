"""An erasure in flight while the worker routes the same report (PostgreSQL, two connections).

The worker reads the report before the erasure commits and commits its membership while the
erasure is still open; the check it runs after routing must wait for the erasure, then take
the report out of its incident again. The interleaving is forced, not left to timing: the
erasure's transaction is held open until the check is seen waiting on its row lock.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.models import Alert, AlertReport
from escalation.regroup import merge_into
from escalation.worker import EscalationWorker
from reports.database import session_factory
from reports.erasure import Subject, erase
from reports.models import Report
from tests.escalation.conftest import DESK, Bench
from tests.escalation.test_lifecycle import incident_of, memberships

ERASED_PIN = (14.49, -4.19)


async def wait_until_blocked_by(engine: AsyncEngine, pid: int) -> None:
    """Return once some backend waits on a lock held by backend `pid`."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
    for _ in range(4000):
        async with engine.connect() as connection:
            if await connection.scalar(query, {"pid": pid}):
                return
        await asyncio.sleep(0.005)
    raise AssertionError("nothing waited for the erasure's transaction")


async def counted_right(engine: AsyncEngine) -> None:
    """Every incident counts exactly its members."""
    members = (
        select(func.count())
        .select_from(AlertReport)
        .where(AlertReport.alert_id == Alert.id)
        .scalar_subquery()
    )
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(Alert.id, Alert.report_count, members).where(Alert.kind == "incident")
            )
        ).all()
    assert rows and all(count == real for _, count, real in rows), rows


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: SQLite lets one transaction write at a time, so routing cannot
    commit while an erasure is open and the race does not exist there."""
    return postgres_url


@pytest.mark.parametrize("shared", [False, True], ids=["alone", "shared"])
async def test_a_report_erased_while_it_is_routed_leaves_its_incident(
    bench: Bench, shared: bool
) -> None:
    engine = bench.store.engine
    first = None
    if shared:
        first = await bench.submit(person="another witness")
        await bench.run()
    lat, lon = ERASED_PIN
    erased = await bench.submit(lat=lat, lon=lon, person="erasing witness", place="Sévaré")
    pseudonyms = tuple(bench.keyring.pseudonyms("console", "erasing witness"))
    subject = Subject(pseudonyms, now=bench.clock.now())

    async with session_factory(engine)() as erasure:
        await erasure.begin()
        await erase(erasure, subject)  # the row is marked erased, memberships deleted: open
        assert subject.report_ids == [erased.id]
        eraser = int(await erasure.scalar(text("SELECT pg_backend_pid()")))
        routing = asyncio.create_task(bench.worker.route_once())
        await wait_until_blocked_by(engine, eraser)
        assert not routing.done()
        [alert_id] = await memberships(bench, erased.id)  # routing committed its membership
        await erasure.commit()
    await routing
    await bench.run()

    assert await memberships(bench, erased.id) == []
    alert = await incident_of(bench, alert_id)
    if first is None:
        assert alert.report_count == 0 and alert.state == "dismissed"
        assert (alert.lat, alert.lon, alert.admin_area, alert.first_report_id) == (None,) * 4
    else:
        assert await memberships(bench, first.id) == [alert_id]
        assert alert.report_count == 1 and alert.state == "open"
        assert (alert.first_report_id, alert.lat, alert.lon) == (first.id, 14.4843, -4.1827)
    async with engine.connect() as connection:
        pinned = await connection.scalar(
            select(func.count())
            .select_from(Alert)
            .where((Alert.first_report_id == erased.id) | ((Alert.lat == lat) & (Alert.lon == lon)))
        )
    assert pinned == 0, "no incident keeps the erased report's place"
    await counted_right(engine)
    for message in bench.bot_api.chat(DESK):
        assert erased.reference not in message.text and "Sévaré" not in message.text


async def test_a_report_merged_by_staff_while_it_is_erased_leaves_the_incident_it_joined(
    bench: Bench,
) -> None:
    """Staff merge the report into another incident and commit while its erasure waits on
    the merge's locks: the erasure must take it out of the incident it was moved to (not the
    one it was in when the erasure began), and that incident must forget it."""
    engine = bench.store.engine
    erased = await bench.submit(severity="high", admin_area="Gao", person="erasing witness")
    other = await bench.submit(
        severity="high", admin_area="Kidal", category="arbitrary_detention", person="another"
    )
    await bench.run()
    [left_alert] = await memberships(bench, erased.id)
    [joined_alert] = await memberships(bench, other.id)
    assert left_alert != joined_alert
    subject = Subject(tuple(bench.keyring.pseudonyms("console", "erasing witness")))

    async def erasure() -> None:
        async with session_factory(engine)() as session, session.begin():
            await erase(session, subject)

    async with session_factory(engine)() as staff:
        await staff.begin()
        await merge_into(staff, erased.id, joined_alert, bench.clock.now())
        merging = int(await staff.scalar(text("SELECT pg_backend_pid()")))
        erasing = asyncio.create_task(erasure())
        await wait_until_blocked_by(engine, merging)
        await staff.commit()
    await erasing
    await bench.run()

    assert await memberships(bench, erased.id) == []
    joined = await incident_of(bench, joined_alert)
    assert (joined.report_count, joined.first_report_id) == (1, other.id)
    left = await incident_of(bench, left_alert)
    assert (left.report_count, left.state) == (0, "dismissed")
    async with engine.connect() as connection:
        keeping = await connection.scalar(
            select(func.count()).select_from(Alert).where(Alert.first_report_id == erased.id)
        )
    assert keeping == 0, "no incident keeps the erased report as its first"
    await counted_right(engine)


async def test_a_worker_starting_takes_erased_reports_out_of_their_incidents(bench: Bench) -> None:
    """A worker stopped between a routing commit and its erasure check leaves an erased
    report in its incident: the next worker to start takes it out."""
    lat, lon = ERASED_PIN
    view = await bench.submit(lat=lat, lon=lon, person="erasing witness")
    await bench.run()
    [alert_id] = await memberships(bench, view.id)
    # what the stopped worker left: the erasure committed, the membership it routed stayed
    async with bench.store.engine.begin() as connection:
        await connection.execute(update(Report).where(Report.id == view.id).values(erased=True))
    worker = bench.worker
    restarted = EscalationWorker(
        bench.store.engine, worker.policy, worker.notifiers, clock=bench.clock
    )
    await restarted.route_once()

    assert await memberships(bench, view.id) == []
    alert = await incident_of(bench, alert_id)
    assert (alert.report_count, alert.state, alert.first_report_id) == (0, "dismissed", None)
    assert (alert.lat, alert.lon) == (None, None)
    await counted_right(bench.store.engine)
