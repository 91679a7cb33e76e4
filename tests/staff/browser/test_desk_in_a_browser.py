"""The desk as staff use it, in Chromium: the flows of issue #15's "Must show"."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from reports.database import create_engine
from reports.keys import build_keyring
from reports.storage import ReportStore
from tests.conftest import TEST_SECRET
from tests.escalation.conftest import make_draft
from tests.staff.browser.conftest import ARTEFACTS, LiveDesk, sign_in, wait_until

pytestmark = [pytest.mark.slow]
REFERENCE = r"TX-[A-Z0-9]{4}-[A-Z0-9]{4}"
STORY = "Soldiers beat three men with sticks at the market in Mopti yesterday evening"


def test_a_console_report_arrives_live_is_acknowledged_asked_about_and_its_photo_opened(
    live_desk: LiveDesk, browser: Any
) -> None:
    page = sign_in(browser, live_desk, "analyst")
    page.evaluate("window.stillTheSamePage = true")
    photo = live_desk.tmp / "photo.png"
    photo.write_bytes(_png())
    reporter = live_desk.reporter("browser-reporter")
    # confirm the reading, danger now (so the case is urgent and pinged), the photo, then
    # send with consent to questions
    reporter.say(STORY, "1", "1", f"/attach {photo}", "2")
    reference = reporter.wait_for(f"Your reference is ({REFERENCE})").group(1)

    row = page.wait_for_selector(f'tr[data-reference="{reference}"]', timeout=90_000)
    assert page.evaluate("window.stillTheSamePage") is True, "no reload happened"
    assert "Mopti" in row.inner_text()

    page.click(f"a:text('{reference}')")
    page.wait_for_selector("#act-ack")
    page.click("#act-ack")
    page.wait_for_selector("p.done")
    card = wait_until(
        lambda: [text for text in live_desk.edits() if "Acknowledged by Analyst" in text],
        60,
        "the Telegram card to show the acknowledgement",
    )
    assert reference in card[-1]

    page.fill("textarea[name=question]", "Were the soldiers in uniform?")
    page.click("#act-ask")
    page.wait_for_selector("p.done")
    reporter.wait_for("Monitoring staff have a question about your report", 60)
    reporter.wait_for("Were the soldiers in uniform\\?", 10)
    assert not any("analyst@" in line for line in reporter.lines)

    with page.context.expect_page() as opened:
        page.click("a.view-media")
    image = opened.value
    image.wait_for_load_state()
    assert image.evaluate("document.images.length && document.images[0].naturalWidth") == 8
    page.reload()
    assert "File viewed" in page.inner_text(".media")
    page.context.close()


def test_a_viewer_cannot_find_a_confidential_case_by_list_url_api_or_export(
    live_desk: LiveDesk, browser: Any
) -> None:
    secret = _file_report(live_desk, category="sexual_violence", severity="critical")
    visible = _file_report(live_desk, severity="high")
    page = sign_in(browser, live_desk, "viewer")
    page.wait_for_selector(f'tr[data-reference="{visible}"]', timeout=60_000)
    assert f'data-reference="{secret}"' not in page.content()

    response = page.goto(f"{live_desk.url}/staff/reports/{secret}")
    assert response is not None and response.status == 404
    api = page.request.get(f"{live_desk.url}/staff/api/reports?limit=500")
    references = {report["reference"] for report in api.json()["reports"]}
    assert visible in references and secret not in references
    for export in ("reports.csv", "reports.geojson"):
        answer = page.request.get(f"{live_desk.url}/staff/exports/{export}")
        assert answer.status in (200, 403, 404)
        assert secret not in answer.text()
    page.context.close()


def test_a_forged_csrf_token_and_a_cookie_replayed_after_logout_are_refused(
    live_desk: LiveDesk, browser: Any
) -> None:
    page = sign_in(browser, live_desk, "analyst")
    forged = page.request.post(
        f"{live_desk.url}/staff/logout", form={"csrf": "forged-by-another-site"}
    )
    assert forged.status == 403
    stolen = page.context.cookies()
    page.click("text=Sign out")
    page.wait_for_url(f"{live_desk.url}/staff/login")

    thief = browser.new_context()
    thief.add_cookies(stolen)
    replay = thief.new_page()
    replay.goto(f"{live_desk.url}/staff/")
    assert replay.url.endswith("/staff/login"), "the old cookie opens nothing"
    assert replay.request.get(f"{live_desk.url}/staff/api/reports").status == 401
    thief.close()
    page.context.close()


def test_the_arabic_desk_is_laid_out_right_to_left(live_desk: LiveDesk, browser: Any) -> None:
    page = sign_in(browser, live_desk, "viewer", locale="ar")
    page.goto(f"{live_desk.url}/staff/?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand = page.locator(".brand").bounding_box()
    signout = page.locator(".who").bounding_box()
    assert brand and signout and brand["x"] > signout["x"], "the brand starts on the right"
    assert "القضايا" in page.inner_text("nav")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "staff-desk-ar.png"), full_page=True)
    page.context.close()


def _file_report(desk: LiveDesk, **fields: Any) -> str:
    """A report stored as a channel would store it (same database, same key); in a thread,
    as Playwright's synchronous API holds this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _store(desk, **fields)).result(60)


async def _store(desk: LiveDesk, **fields: Any) -> str:
    engine = create_engine(desk.environment["TOCSIN_DATABASE_URL"])
    try:
        keyring = build_keyring(TEST_SECRET, desk.tmp / "tocsin.key")
        view = await ReportStore(engine, keyring).submit(make_draft(keyring, **fields))
        return view.reference
    finally:
        await engine.dispose()


def _png() -> bytes:
    """An 8x8 red PNG, made here (no binary test data)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xc8\x1e\x1e" * 8 for _row in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
