"""`report_groups` holds each report's affected groups as rows, kept equal to
`Report.affected_groups` whenever the report is written: stored, edited, erased."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.affected import group_rows
from reports.crypto import Keyring
from reports.database import session_factory
from reports.models import Report, ReportGroup
from reports.storage import ReportStore
from tests.reports.test_storage import make_draft


async def stored_groups(database: AsyncEngine, report_id: int) -> dict[str, int | None]:
    async with database.connect() as connection:
        rows = await connection.execute(
            select(ReportGroup.name, ReportGroup.people).where(ReportGroup.report_id == report_id)
        )
        return dict(rows.all())


async def test_a_stored_report_has_a_row_per_group_it_names(
    store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    view = await store.submit(
        make_draft(keyring, affected_groups={"women": 2, "children": None}, victims=2)
    )
    plain = await store.submit(make_draft(keyring, affected_groups={}, victims=None))
    assert await stored_groups(database, view.id) == {"women": 2, "children": None}
    assert await stored_groups(database, plain.id) == {}


async def test_an_edit_of_the_groups_rewrites_the_rows(
    store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    view = await store.submit(make_draft(keyring, affected_groups={"women": 2, "men": 1}))
    sessions = session_factory(database)
    async with sessions() as session, session.begin():
        row = await session.get(Report, view.id)
        assert row is not None
        row.affected_groups = {"women": 3, "elderly": None}
    assert await stored_groups(database, view.id) == {"women": 3, "elderly": None}
    async with sessions() as session, session.begin():
        row = await session.get(Report, view.id)
        assert row is not None
        row.severity = "high"  # a change elsewhere leaves the groups as they are
    assert await stored_groups(database, view.id) == {"women": 3, "elderly": None}


async def test_status_changes_and_notices_leave_the_groups_alone(
    store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    view = await store.submit(make_draft(keyring, affected_groups={"minority": 4}))
    await store.set_status(view.reference, "triaged", actor="staff:web:1")
    await store.heard_back(view.reference)
    assert await stored_groups(database, view.id) == {"minority": 4}


async def test_erasure_empties_the_groups(
    store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    draft = make_draft(keyring, person="ama", affected_groups={"women": 1, "children": 2})
    view = await store.submit(draft)
    kept = await store.submit(make_draft(keyring, person="kofi", affected_groups={"men": 1}))
    assert await store.erase_reporter([draft.reporter_pseudonym]) == 1
    assert await stored_groups(database, view.id) == {}
    assert await stored_groups(database, kept.id) == {"men": 1}


def test_only_whole_numbers_count_people() -> None:
    rows = group_rows(7, {"women": 2, "men": None, "children": "some", "elderly": True})
    assert {row["name"]: row["people"] for row in rows} == {
        "women": 2,
        "men": None,
        "children": None,
        "elderly": None,
    }
    assert group_rows(7, ["women"]) == [] and group_rows(7, None) == []
