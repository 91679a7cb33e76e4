"""The case list and its API: columns, filters, search, cursor pages, role visibility."""

from __future__ import annotations

import re

from escalation.models import Alert, AlertReport
from reports.database import session_factory
from tests.staff.conftest import Desk

REFERENCE = re.compile(r"TX-[A-Z0-9]{4}-[A-Z0-9]{4}")


async def _api(desk: Desk, client, query: str = "") -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    async with client.get(desk.url(f"/staff/api/reports{query}")) as response:
        body = await response.json() if response.status == 200 else {}
        return response.status, body


async def test_the_list_shows_the_named_columns_of_each_visible_case(desk: Desk) -> None:
    view = await desk.bench.submit(severity="high", perpetrator_detail="8e GTIA")
    await desk.bench.run()
    member = await desk.sign_in("viewer")
    status, page = await desk.get(member, "/staff/")
    assert status == 200
    row = page[page.index(f'data-reference="{view.reference}"') :].split("</tr>")[0]
    for expected in ("Mopti", "Killing or wounding", "army", "2 men", "high", "received", "min"):
        assert expected.lower() in row.lower(), expected


async def test_filters_search_and_cursor_pages_cover_every_case_once(desk: Desk) -> None:
    made = [await desk.bench.submit(country="ML" if n % 2 else "BF") for n in range(7)]
    await desk.bench.run()
    member = await desk.sign_in("analyst")
    seen: list[str] = []
    query = "?country=ML&limit=2"
    while True:
        status, body = await _api(desk, member, query)
        assert status == 200
        seen += [report["reference"] for report in body["reports"]]
        if body["next"] is None:
            break
        query = f"?country=ML&limit=2&cursor={body['next']}"
    expected = [view.reference for view in reversed(made) if view.country == "ML"]
    assert seen == expected, "newest first, each once"
    _status, found = await _api(desk, member, f"?q={made[3].reference.lower()}")
    assert [report["reference"] for report in found["reports"]] == [made[3].reference]
    assert "contact" not in found["reports"][0]


async def test_a_bad_filter_value_is_named_in_a_clear_error(desk: Desk) -> None:
    member = await desk.sign_in("analyst")
    async with member.get(desk.url("/staff/api/reports?severity=apocalyptic")) as response:
        assert response.status == 400 and "severity" in await response.text()
    async with member.get(desk.url("/staff/api/reports?cursor=nonsense!")) as response:
        assert response.status == 400 and "cursor" in await response.text()


async def test_a_viewer_cannot_see_a_confidential_case_by_list_url_or_api(desk: Desk) -> None:
    secret = await desk.bench.submit(category="sexual_violence", severity="critical")
    open_case = await desk.bench.submit(severity="high")
    await desk.bench.run()
    viewer = await desk.sign_in("viewer")
    _status, page = await desk.get(viewer, "/staff/?q=" + secret.reference)
    assert f'data-reference="{secret.reference}"' not in page and "No case matches." in page
    _status, page = await desk.get(viewer, "/staff/")
    assert open_case.reference in page and secret.reference not in page
    assert (await desk.get(viewer, f"/staff/reports/{secret.reference}"))[0] == 404
    _status, body = await _api(desk, viewer, "?confidential=yes")
    assert body["reports"] == []
    _status, body = await _api(desk, viewer)
    assert secret.reference not in {report["reference"] for report in body["reports"]}
    confidential = await desk.sign_in("confidential")
    _status, body = await _api(desk, confidential, "?confidential=yes")
    assert [report["reference"] for report in body["reports"]] == [secret.reference]
    assert (await desk.get(confidential, f"/staff/reports/{secret.reference}"))[0] == 200


async def test_a_report_escalation_has_not_placed_yet_is_shown_only_to_the_confidential_role(
    desk: Desk,
) -> None:
    fresh = await desk.bench.submit()  # the worker has not run: confidentiality unknown
    analyst = await desk.sign_in("analyst")
    assert (await desk.get(analyst, f"/staff/reports/{fresh.reference}"))[0] == 404
    confidential = await desk.sign_in("confidential")
    assert (await desk.get(confidential, f"/staff/reports/{fresh.reference}"))[0] == 200
    await desk.bench.run()
    assert (await desk.get(analyst, f"/staff/reports/{fresh.reference}"))[0] == 200


async def test_needs_action_keeps_cases_nobody_has_acted_on(desk: Desk) -> None:
    waiting = await desk.bench.submit(severity="high")
    await desk.bench.run()
    handled = await desk.bench.submit(severity="high", admin_area="Elsewhere")
    await desk.bench.run()
    async with session_factory(desk.context.database)() as session, session.begin():
        membership = await session.get(AlertReport, handled.id)
        alert = await session.get(Alert, membership.alert_id)  # type: ignore[union-attr]
        alert.state = "acknowledged"  # type: ignore[union-attr]
    await desk.bench.store.set_status(handled.reference, "triaged", actor="test")
    member = await desk.sign_in("analyst")
    _status, body = await _api(desk, member, "?needs_action=yes")
    references = {report["reference"] for report in body["reports"]}
    assert waiting.reference in references and handled.reference not in references


async def test_roles_without_the_right_get_403_and_strangers_get_401(desk: Desk) -> None:
    view = await desk.bench.submit(severity="high")
    await desk.bench.run()
    viewer = await desk.sign_in("viewer")
    token = await desk.page_csrf(viewer)
    action = f"/staff/reports/{view.reference}/actions/ack"
    response = await desk.post(viewer, action, {"csrf": token}, allow_redirects=False)
    assert response.status == 403
    assert (await desk.get(viewer, "/staff/audit"))[0] == 403
    analyst = await desk.sign_in("analyst")
    assert (await desk.get(analyst, "/staff/audit"))[0] == 403
    admin = await desk.sign_in("admin")
    status, page = await desk.get(admin, "/staff/audit")
    assert status == 200 and "staff_added" in page and "password_ok" in page
    async with desk.client().get(desk.url("/staff/api/reports")) as response:
        assert response.status == 401
