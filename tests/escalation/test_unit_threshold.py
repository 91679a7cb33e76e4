"""A supported unit named in more reports than its threshold raises a staff alert."""

from __future__ import annotations

from sqlalchemy import select

from escalation.models import Alert
from tests.escalation.conftest import DESK, Bench

PLACES = ((14.49, -4.18), (13.43, -6.22), (16.27, -0.04), (12.65, -8.0))


async def unit_alerts(bench: Bench) -> list[Alert]:
    async with bench.store.engine.connect() as connection:
        rows = await connection.execute(select(Alert).where(Alert.kind == "unit"))
        return list(rows.all())


async def name_the_unit(bench: Bench, count: int, start: int = 0) -> None:
    for lat, lon in PLACES[start : start + count]:
        await bench.submit(
            category="arbitrary_detention",
            victims=1,
            affected_groups={},
            lat=lat,
            lon=lon,
            perpetrator_detail="les militaires du 8e GTIA",
        )
    await bench.run()


async def test_below_the_threshold_there_is_no_unit_alert(bench: Bench) -> None:
    await name_the_unit(bench, 2)
    assert await unit_alerts(bench) == []
    assert not [m for m in bench.bot_api.chat(DESK) if "threshold" in m.text]


async def test_crossing_the_threshold_raises_one_alert_that_later_reports_update(
    bench: Bench,
) -> None:
    await name_the_unit(bench, 3)
    (alert,) = await unit_alerts(bench)
    assert (alert.supported_unit, alert.report_count, alert.expected_count) == ("GTIA 8", 3, 3)
    pings = [m for m in bench.bot_api.chat(DESK) if "GTIA 8" in m.text and "threshold" in m.text]
    assert len(pings) == 1
    await name_the_unit(bench, 1, start=3)
    (alert,) = await unit_alerts(bench)
    assert alert.report_count == 4
