"""Acting on a case from the desk: the same effects as the Telegram buttons, both ways."""

from __future__ import annotations

import hashlib
import re

from bot.engine import ConversationEngine, EngineServices
from bot.sessions import MemorySessionStore
from escalation.gateway import EscalationGateway
from escalation.notifiers.telegram import TelegramNotifier
from reports.records import MediaUpload
from tests.escalation.conftest import DESK, STAFF_USER, only
from tests.escalation.test_followup import Channels, RecordingSender
from tests.staff.conftest import Desk
from tocsin.components.escalation import AppRelay
from tocsin.settings import Settings

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def _act(desk: Desk, client, reference: str, action: str, **form: str):  # type: ignore[no-untyped-def]
    token = await desk.page_csrf(client, f"/staff/reports/{reference}")
    response = await desk.post(
        client, f"/staff/reports/{reference}/actions/{action}", {"csrf": token, **form}
    )
    return response, await response.text()


async def test_acknowledging_on_the_desk_edits_the_telegram_card(desk: Desk) -> None:
    view = await desk.bench.submit(severity="high")
    await desk.bench.run()
    ping = only(desk.bench.bot_api.chat(DESK))
    analyst = await desk.sign_in("analyst")
    response, page = await _act(desk, analyst, view.reference, "ack")
    assert response.url.query.get("done") == "ack" and "Done." in page
    await desk.bench.run()
    assert ping.edits and "Acknowledged by Analyst" in ping.text
    assert "being reviewed" in page, "the report moved to triaged, as with the button"


async def test_a_telegram_button_shows_on_the_desk(desk: Desk) -> None:
    view = await desk.bench.submit(severity="high")
    await desk.bench.run()
    await desk.bench.press("assign", view.reference)
    member = await desk.sign_in("viewer")
    _status, page = await desk.get(member, "/staff/")
    row = page[page.index(f'data-reference="{view.reference}"') :].split("</tr>")[0]
    assert "Amina" in row and "being verified" in row


async def test_verifying_records_the_admiralty_grading(desk: Desk) -> None:
    view = await desk.bench.submit(severity="high")
    await desk.bench.run()
    analyst = await desk.sign_in("analyst")
    _response, page = await _act(
        desk, analyst, view.reference, "verify", reliability="B", credibility="2"
    )
    report = await desk.bench.store.get_report(view.reference, actor="test")
    assert report is not None and report.status == "verified"
    assert (report.source_reliability, report.info_credibility) == ("B", "2")
    assert "Graded" in page and "B2" in page


async def test_changing_the_status_needs_a_reason_and_follows_the_lifecycle(desk: Desk) -> None:
    view = await desk.bench.submit(severity="high")
    await desk.bench.run()
    analyst = await desk.sign_in("analyst")
    response, _page = await _act(desk, analyst, view.reference, "status", status="verified")
    assert response.url.query.get("failed") == "reason"
    response, page = await _act(
        desk, analyst, view.reference, "status", status="under_verification", reason="call back"
    )
    assert response.url.query.get("done") == "status"
    assert "received-&gt;under_verification reason: call back" in page


async def test_merging_and_splitting_regroup_incidents(desk: Desk) -> None:
    first = await desk.bench.submit(severity="high", admin_area="Gao")
    second = await desk.bench.submit(
        severity="high", admin_area="Kidal", category="arbitrary_detention"
    )
    await desk.bench.run()
    analyst = await desk.sign_in("analyst")
    response, page = await _act(desk, analyst, second.reference, "merge", into=first.reference)
    assert response.url.query.get("done") == "merge", page
    assert first.reference in page, "the other report is now in the same incident"
    response, page = await _act(desk, analyst, second.reference, "split")
    assert response.url.query.get("done") == "split"
    assert "No other report." in page


async def test_a_question_from_the_desk_reaches_the_reporter_anonymously(desk: Desk) -> None:
    bench = desk.bench
    sender = RecordingSender()
    services = EngineServices(
        settings=Settings(_env_file=None),
        nlu=None,  # type: ignore[arg-type]  (the question step never reads text)
        store=bench.store,
        keyring=bench.keyring,
        sessions=MemorySessionStore(ttl_seconds=3600),
    )
    relay = AppRelay(Channels(ConversationEngine(services), {"telegram": sender}))  # type: ignore[arg-type]
    telegram = bench.worker.notifiers["telegram"]
    assert isinstance(telegram, TelegramNotifier)
    bench.gateway = EscalationGateway(bench.worker, bench.store, telegram, relay, [STAFF_USER])
    view = await bench.submit(
        channel="telegram", person="5550001", severity="high", consent_followup=True,
        contact="telegram:5550001",
    )  # fmt: skip
    await bench.run()
    analyst = await desk.sign_in("analyst")
    response, _page = await _act(
        desk, analyst, view.reference, "ask", question="Were the soldiers in uniform?"
    )
    assert response.url.query.get("done") == "ask"
    recipient, messages = only(sender.sent)
    assert recipient == "5550001"
    assert "Were the soldiers in uniform?" in messages[0].text
    assert "Analyst" not in messages[0].text and "analyst@" not in messages[0].text


async def test_opening_a_photo_checks_its_hash_and_writes_the_custody_line(desk: Desk) -> None:
    view = await desk.bench.submit(
        severity="high", media=[MediaUpload("photo", PHOTO, "image/png")]
    )
    await desk.bench.run()
    digest = hashlib.sha256(PHOTO).hexdigest()
    viewer = await desk.sign_in("viewer")
    _status, page = await desk.get(viewer, f"/staff/reports/{view.reference}")
    assert digest in page and "/staff/media/" not in page, "viewers see the hash, not the file"
    analyst = await desk.sign_in("analyst")
    _status, page = await desk.get(analyst, f"/staff/reports/{view.reference}")
    link = re.search(r'href="(/staff/media/\d+)"', page).group(1)  # type: ignore[union-attr]
    async with viewer.get(desk.url(link)) as response:
        assert response.status == 403
    async with analyst.get(desk.url(link)) as response:
        assert response.status == 200 and await response.read() == PHOTO
        assert response.headers["X-SHA256"] == digest
    async with analyst.get(desk.url(link + "?download=1")) as response:
        assert response.headers["Content-Disposition"].startswith("attachment")
    _status, page = await desk.get(analyst, f"/staff/reports/{view.reference}")
    custody = page[page.index("Custody:") :].split("</div>")[0]
    assert "File viewed" in custody and "File downloaded" in custody


async def test_reading_a_case_is_audited_and_shows_the_description(desk: Desk) -> None:
    view = await desk.bench.submit(severity="high")
    await desk.bench.run()
    viewer = await desk.sign_in("viewer")
    _status, page = await desk.get(viewer, f"/staff/reports/{view.reference}")
    assert "Soldiers shot two herders near the well" in page
    admin = await desk.sign_in("admin")
    _status, audit = await desk.get(admin, f"/staff/audit?reference={view.reference}&action=read")
    assert "staff:web:" in audit and view.reference in audit
