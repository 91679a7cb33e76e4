"""Accountability figures: how fast staff acknowledge and reporters hear back, by group."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import aware
from reports.crypto import Keyring
from reports.models import Report
from reports.storage import ReportStore
from staff.analysis.columns import Visibility
from staff.analysis.metrics import accountability, figures_from_facts, percentile
from staff.analysis.source import Scope
from staff.filters import CaseFilter, base_query
from tests.staff.analysis.seeding import T0, Seed, random_seeds, seed_reports

NOW = T0 + timedelta(days=3)
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


def scope(role: str, case_filter: CaseFilter | None = None) -> Scope:
    visibility = Visibility(free_text=True, confidential=role == "confidential")
    return Scope(base_query(case_filter or CaseFilter(), role, NOW), visibility)


def scenario() -> list[Seed]:
    return [
        Seed(
            acknowledged_after=10 * MINUTE,
            noticed_after=HOUR,
            affected_groups={"women": 2, "children": None},
            victims=2,
            desks=("telegram:-1001", "telegram:-1002"),
            unit="GTIA 8",
        ),
        Seed(
            acknowledged_after=20 * MINUTE,
            asked_after=2 * HOUR,
            affected_groups={"women": 1},
            status="closed",
            channel="whatsapp",
        ),
        Seed(created_at=T0 - timedelta(days=40), acknowledged_after=30 * MINUTE),
        Seed(created_at=NOW - HOUR, country="BF", admin_area="Nord", category="killing"),
        Seed(category="sexual_violence", confidential=True, acknowledged_after=5 * MINUTE),
    ]


def by_key(figures: list) -> dict:
    return {item.key: item.to_json() for item in figures}


async def test_time_to_acknowledge_and_to_feedback_median_and_p90(
    database: AsyncEngine, keyring: Keyring
) -> None:
    await seed_reports(database, keyring, scenario())
    table = await accountability(database, scope("analyst"), NOW, {"telegram:-1001": "desk"})
    overall = by_key(table["all"])["all"]
    assert overall["reports"] == 4 and overall["acknowledged"] == 3
    assert overall["time_to_ack_seconds"] == {"median": 1200.0, "p90": 1680.0}
    assert overall["with_feedback"] == 2 and overall["feedback_share"] == 0.5
    assert overall["time_to_feedback_seconds"] == {"median": 5400.0, "p90": 6840.0}
    countries = by_key(table["country"])
    assert countries["BF"]["acknowledged"] == 0
    assert countries["BF"]["time_to_ack_seconds"] == {"median": None, "p90": None}
    assert countries["ML"]["reports"] == 3
    assert by_key(table["channel"])["whatsapp"]["time_to_feedback_seconds"]["median"] == 7200.0
    assert by_key(table["category"])["killing"]["reports"] == 1


async def test_figures_by_desk_affected_group_and_unit(
    database: AsyncEngine, keyring: Keyring
) -> None:
    await seed_reports(database, keyring, scenario())
    table = await accountability(database, scope("analyst"), NOW, {"telegram:-1001": "desk"})
    desks = by_key(table["desk"])
    assert desks["desk"]["reports"] == 4
    assert desks["telegram:-1002"]["reports"] == 1
    groups = by_key(table["affected_group"])
    assert (groups["women"]["reports"], groups["women"]["people_affected"]) == (2, 3)
    assert (groups["children"]["reports"], groups["children"]["people_affected"]) == (1, 0)
    assert groups["women"]["time_to_ack_seconds"]["median"] == 900.0
    assert by_key(table["supported_unit"])["GTIA 8"]["reports"] == 1


async def test_open_cases_by_age(database: AsyncEngine, keyring: Keyring) -> None:
    await seed_reports(database, keyring, scenario())
    table = await accountability(database, scope("analyst"), NOW)
    assert by_key(table["all"])["all"]["open_by_age"] == {
        "under_1d": 1,
        "1d_7d": 1,
        "7d_30d": 0,
        "over_30d": 1,
    }
    assert by_key(table["affected_group"])["women"]["open_by_age"]["1d_7d"] == 1


async def test_confidential_reports_count_only_for_the_confidential_role(
    database: AsyncEngine, keyring: Keyring
) -> None:
    await seed_reports(database, keyring, scenario())
    analyst = await accountability(database, scope("analyst"), NOW)
    confidential = await accountability(database, scope("confidential"), NOW)
    assert "sexual_violence" not in by_key(analyst["category"])
    assert by_key(confidential["category"])["sexual_violence"]["reports"] == 1
    assert by_key(confidential["all"])["all"]["reports"] == 5


async def test_figures_answer_the_case_list_filter(database: AsyncEngine, keyring: Keyring) -> None:
    await seed_reports(database, keyring, scenario())
    table = await accountability(database, scope("analyst", CaseFilter(country=("BF",))), NOW)
    assert [figures.key for figures in table["country"]] == ["BF"]
    assert by_key(table["all"])["all"]["reports"] == 1


async def test_the_databases_grouped_figures_equal_those_summed_from_every_report(
    database: AsyncEngine, keyring: Keyring
) -> None:
    """PostgreSQL groups the reports and packs their times; summing every report's facts
    here is the plain definition. Over varied reports, under a filter and without, every
    figure of every dimension is the same."""
    await seed_reports(database, keyring, random_seeds(600, start=NOW - timedelta(days=60)))
    desks = {"telegram:-1001": "Sahel desk"}
    for case_filter in (CaseFilter(), CaseFilter(unit="GTIA 8"), CaseFilter(category=("killing",))):
        reader = scope("analyst", case_filter)
        grouped = await accountability(database, reader, NOW, desks)
        summed = await figures_from_facts(database, reader, NOW, desks)
        for dimension, figures in grouped.items():
            expected = sorted(summed.get(dimension, []), key=lambda item: item.key)
            assert sorted(figures, key=lambda item: item.key) == expected, dimension
        assert grouped["all"][0].reports > 0 and grouped["affected_group"]


def test_percentile_interpolates_like_percentile_cont() -> None:
    assert percentile([600.0, 1200.0, 1800.0], 0.9) == 1680.0
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([], 0.5) is None


class StoppedClock:
    """A clock that shows what the test sets (the store stamps the moments with it)."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


async def test_the_first_acknowledgement_and_feedback_are_stored_as_they_happen(
    database: AsyncEngine, keyring: Keyring
) -> None:
    """The figures read times the store wrote when staff acted and the reporter was told,
    not the audit log: only the first of each counts, and the reporter's own changes none."""
    (reference,) = await seed_reports(database, keyring, [Seed()])
    clock = StoppedClock(T0 + 5 * MINUTE)
    store = ReportStore(database, keyring, clock)
    await store.set_status(reference, "triaged", actor="reporter")  # not staff: no ack
    clock.moment = T0 + 15 * MINUTE
    await store.set_status(reference, "under_verification", actor="staff:web:1")
    clock.moment = T0 + 50 * MINUTE
    await store.set_status(reference, "verified", actor="staff:telegram:42")  # not the first
    clock.moment = T0 + 2 * HOUR
    await store.heard_back(reference)
    clock.moment = T0 + 3 * HOUR
    await store.heard_back(reference)  # a later notice does not move the first
    async with database.connect() as connection:
        stored = (
            await connection.execute(
                select(Report.first_ack_at, Report.first_notice_at).where(
                    Report.reference == reference
                )
            )
        ).one()
    assert [aware(moment) for moment in stored] == [T0 + 15 * MINUTE, T0 + 2 * HOUR]
    overall = by_key((await accountability(database, scope("analyst"), NOW))["all"])["all"]
    assert overall["time_to_ack_seconds"] == {"median": 900.0, "p90": 900.0}
    assert overall["time_to_feedback_seconds"] == {"median": 7200.0, "p90": 7200.0}
