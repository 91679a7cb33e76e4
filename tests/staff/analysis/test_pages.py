"""The analysis pages, APIs and exports through the desk: roles, filters and audit."""

from __future__ import annotations

import io
import json
from typing import Any

import hxl
from sqlalchemy import select

from reports.models import AuditEntry
from tests.staff.analysis.seeding import T0, Seed, random_seeds, seed_reports
from tests.staff.conftest import Desk

SECRET_TEXT = "the soldier's name is written here"


async def seed(desk: Desk) -> dict[str, list[str]]:
    """Ordinary reports in Mali, one confidential, one in Burkina Faso."""
    bench = desk.bench
    ordinary = [s for s in random_seeds(20) if not s.confidential]
    refs = await seed_reports(bench.store.engine, bench.keyring, ordinary)
    confidential = await seed_reports(
        bench.store.engine,
        bench.keyring,
        [Seed(category="sexual_violence", confidential=True, description=SECRET_TEXT)],
        first=len(refs) + 1,
    )
    burkina = await seed_reports(
        bench.store.engine,
        bench.keyring,
        [Seed(country="BF", admin_area="Nord", place="Ouahigouya", lat=13.58, lon=-2.42)],
        first=len(refs) + 2,
    )
    return {"ordinary": refs, "confidential": confidential, "burkina": burkina}


async def audit_entries(desk: Desk, action: str) -> list[Any]:
    async with desk.bench.store.engine.connect() as connection:
        rows = await connection.execute(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows.all())


async def test_a_viewer_gets_no_export_at_all(desk: Desk) -> None:
    found = await seed(desk)
    viewer = await desk.sign_in("viewer")
    for kind in ("csv", "xlsx", "geojson"):
        status, body = await desk.get(viewer, f"/staff/exports/reports.{kind}")
        assert status == 403
        assert not any(reference in body for reference in found["ordinary"])


async def test_an_analyst_export_has_no_confidential_row_and_is_audited_with_its_filter(
    desk: Desk,
) -> None:
    found = await seed(desk)
    analyst = await desk.sign_in("analyst")
    status, body = await desk.get(analyst, "/staff/exports/reports.csv?hxl=1&country=ML")
    assert status == 200
    dataset = hxl.data(io.BytesIO(body.encode()))
    references = {row.get("#meta+id") for row in dataset}
    assert references == set(found["ordinary"])
    assert SECRET_TEXT not in body
    (entry,) = await audit_entries(desk, "exported")
    detail = json.loads(entry.detail)
    assert detail == {"filter": {"country": "ML"}, "format": "csv", "hxl": True}
    assert entry.actor.startswith("staff:web:")


async def test_the_confidential_role_exports_confidential_cases_with_their_description(
    desk: Desk,
) -> None:
    found = await seed(desk)
    member = await desk.sign_in("confidential")
    status, body = await desk.get(member, "/staff/exports/reports.geojson?category=sexual_violence")
    assert status == 200
    features = json.loads(body)["features"]
    assert [f["id"] for f in features] == found["confidential"]
    assert features[0]["properties"]["description"] == SECRET_TEXT
    assert features[0]["properties"]["confidential"] is True


async def test_map_points_answer_the_case_list_filters_and_hide_confidential_cases(
    desk: Desk,
) -> None:
    found = await seed(desk)
    viewer = await desk.sign_in("viewer")
    status, body = await desk.get(viewer, "/staff/api/map")
    assert status == 200
    points = json.loads(body)["points"]
    shown = {point[5] for point in points}
    assert found["confidential"][0] not in shown
    assert set(found["ordinary"]) | set(found["burkina"]) == shown
    status, body = await desk.get(viewer, "/staff/api/map?country=BF")
    assert [point[5] for point in json.loads(body)["points"]] == found["burkina"]
    assert json.loads(body)["countries"] == ["BF"]


async def test_metrics_api_counts_only_what_the_role_may_see(desk: Desk) -> None:
    found = await seed(desk)
    visible = len(found["ordinary"]) + len(found["burkina"])
    viewer = await desk.sign_in("viewer")
    member = await desk.sign_in("confidential")
    _, seen_by_viewer = await desk.get(viewer, "/staff/api/metrics")
    _, seen_by_confidential = await desk.get(member, "/staff/api/metrics")
    viewer_figures, confidential_figures = (
        json.loads(seen_by_viewer),
        json.loads(seen_by_confidential),
    )
    assert viewer_figures["overall"]["reports"] == visible
    assert confidential_figures["overall"]["reports"] == visible + 1
    categories = {f["key"] for f in viewer_figures["by"]["category"]}
    assert "sexual_violence" not in categories
    assert set(viewer_figures["affected_groups"]) <= {
        "women",
        "men",
        "children",
        "elderly",
        "minority",
        "refugee_idp",
    }


async def test_every_chart_has_its_table_and_csv_link(desk: Desk) -> None:
    found = await seed(desk)
    analyst = await desk.sign_in("analyst")
    status, page = await desk.get(analyst, "/staff/charts")
    assert status == 200
    for chart in ("by_category", "by_perpetrator", "by_admin_area", "by_channel", "severity"):
        assert f'data-chart="{chart}"' in page
        assert f"/staff/charts/{chart}.csv" in page
    status, body = await desk.get(analyst, "/staff/charts/severity.csv")
    rows = [line.split(",") for line in body.strip().splitlines()]
    assert rows[0] == ["label", "reports"]
    assert sum(int(row[1]) for row in rows[1:]) == len(found["ordinary"]) + 1


async def test_unit_dossier_cites_references_and_never_reporters(desk: Desk) -> None:
    bench = desk.bench
    refs = await seed_reports(
        bench.store.engine,
        bench.keyring,
        [Seed(unit="GTIA 8", created_at=T0), Seed(unit="GTIA 8", status="verified"), Seed()],
    )
    analyst = await desk.sign_in("analyst")
    status, page = await desk.get(analyst, "/staff/units")
    assert status == 200 and "GTIA 8" in page and "/staff/units/gtia-8" in page
    status, page = await desk.get(analyst, "/staff/units/gtia-8")
    assert status == 200
    assert refs[0] in page and refs[1] in page and refs[2] not in page
    assert 'id="dossier-reports">2<' in page
    assert "p0000" not in page  # the seeded reporter pseudonyms
    assert await audit_entries(desk, "dossier_read")


async def test_accountability_page_shows_each_dimension_with_a_csv_link(desk: Desk) -> None:
    await seed(desk)
    analyst = await desk.sign_in("analyst")
    status, page = await desk.get(analyst, "/staff/accountability")
    assert status == 200
    for dimension in ("all", "country", "category", "channel", "desk"):
        assert f'id="metrics-{dimension}"' in page
        assert f"/staff/accountability/{dimension}.csv" in page
    status, body = await desk.get(analyst, "/staff/accountability/country.csv")
    assert status == 200 and body.splitlines()[0].startswith("country,reports,acknowledged")


async def test_a_bad_filter_gets_a_clear_error(desk: Desk) -> None:
    analyst = await desk.sign_in("analyst")
    status, body = await desk.get(analyst, "/staff/api/metrics?since=yesterday")
    assert status == 400 and "since" in body
