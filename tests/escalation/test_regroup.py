"""Staff regrouping reports: what the incidents keep afterwards."""

from __future__ import annotations

from escalation.regroup import merge_into
from reports.database import session_factory
from tests.escalation.conftest import Bench
from tests.escalation.test_erasure_race import counted_right
from tests.escalation.test_lifecycle import incident_of, memberships


async def test_an_incident_a_merge_empties_keeps_no_trace_of_the_report_that_left(
    bench: Bench,
) -> None:
    moved = await bench.submit(severity="high", admin_area="Gao", lat=16.27, lon=-0.04)
    stays = await bench.submit(
        severity="high", admin_area="Kidal", category="arbitrary_detention", lat=18.44, lon=1.41
    )
    await bench.run()
    [left_alert] = await memberships(bench, moved.id)
    [joined_alert] = await memberships(bench, stays.id)

    async with session_factory(bench.store.engine)() as session, session.begin():
        await merge_into(session, moved.id, joined_alert, bench.clock.now())
    await bench.run()

    left = await incident_of(bench, left_alert)
    assert (left.report_count, left.state, left.first_report_id) == (0, "dismissed", None)
    assert (left.lat, left.lon, left.admin_area) == (None, None, None)
    joined = await incident_of(bench, joined_alert)
    assert (joined.report_count, joined.first_report_id) == (2, moved.id)
    await counted_right(bench.store.engine)
