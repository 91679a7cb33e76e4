"""Signing in to the desk: two factors, limits, sessions, cookies, CSRF and CSP."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reports.database import session_factory
from staff.models import SignInAttempt
from tests.staff.conftest import CSRF, PASSWORD, Desk


async def _attempts(desk: Desk) -> list[str]:
    async with session_factory(desk.context.database)() as session:
        rows = await session.execute(select(SignInAttempt.outcome).order_by(SignInAttempt.id))
        return list(rows.scalars())


async def _password(desk: Desk, role: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    client = desk.client()
    token = await desk.csrf(client)
    form = {"csrf": token, "email": desk.accounts[role].email, "password": password}
    response = await desk.post(client, "/staff/login", form)
    return client, response, await response.text()


async def test_password_then_code_signs_in_and_every_attempt_is_recorded(desk: Desk) -> None:
    client, response, page = await _password(desk, "analyst")
    assert response.status == 200 and 'name="code"' in page
    status, _ = await desk.get(client, "/staff/")
    assert status == 303, "the password alone opens nothing"
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    done = await desk.post(client, "/staff/login", {"csrf": token, "code": desk.code("analyst")})
    assert done.url.path == "/staff/" and "Cases" in await done.text()
    assert await _attempts(desk) == ["password_ok", "ok"]


async def test_the_first_sign_in_shows_the_enrolment_qr_code_and_later_ones_do_not(
    desk: Desk,
) -> None:
    _client, _response, page = await _password(desk, "viewer")
    assert "<svg" in page and "authenticator app" in page
    await desk.sign_in("viewer")
    _client, _response, page = await _password(desk, "viewer")
    assert "<svg" not in page and 'name="code"' in page


async def test_a_wrong_code_and_a_reused_code_are_refused(desk: Desk) -> None:
    client, _response, page = await _password(desk, "analyst")
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    wrong = await desk.post(client, "/staff/login", {"csrf": token, "code": "000000"})
    assert wrong.status == 403
    code = desk.code("analyst")
    assert (await desk.post(client, "/staff/login", {"csrf": token, "code": code})).ok
    again, _response, page = await _password(desk, "analyst")
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    replay = await desk.post(again, "/staff/login", {"csrf": token, "code": code})
    assert replay.status == 403, "a code already used cannot sign in again"


async def test_repeated_wrong_passwords_lock_the_account_even_against_the_right_one(
    desk: Desk,
) -> None:
    for _attempt in range(5):
        _client, response, _page = await _password(desk, "admin", "not the password at all")
        assert response.status == 403
    _client, response, page = await _password(desk, "admin")
    assert response.status == 403 and "locked" in page
    desk.context.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    _client, response, page = await _password(desk, "admin")
    assert response.status == 200 and 'name="code"' in page
    assert (await _attempts(desk)).count("locked") >= 2


async def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(desk: Desk) -> None:
    client = desk.client()
    token = await desk.csrf(client)
    form = {"csrf": token, "email": "nobody@desk.example.org", "password": PASSWORD}
    unknown = await desk.post(client, "/staff/login", form)
    _client, wrong, _page = await _password(desk, "viewer", "wrong password here")
    assert unknown.status == wrong.status == 403
    assert "Wrong e-mail address, password or code." in await unknown.text()


async def test_a_forged_or_missing_csrf_token_is_refused(desk: Desk) -> None:
    client = desk.client()
    await desk.csrf(client)
    form = {"csrf": "forged-token-from-another-site", "email": "a@b.org", "password": PASSWORD}
    assert (await desk.post(client, "/staff/login", form)).status == 403
    member = await desk.sign_in("analyst")
    logout = await desk.post(member, "/staff/logout", {"csrf": "forged"}, allow_redirects=False)
    assert logout.status == 403
    assert (await desk.get(member, "/staff/"))[0] == 200, "the forged logout did nothing"


async def test_a_cookie_replayed_after_logout_is_refused(desk: Desk) -> None:
    member = await desk.sign_in("analyst")
    stolen = {cookie.key: cookie.value for cookie in member.cookie_jar}
    token = await desk.page_csrf(member)
    await desk.post(member, "/staff/logout", {"csrf": token})
    thief = desk.client()
    thief.cookie_jar.update_cookies(stolen, desk.server.make_url("/staff/"))
    status, _ = await desk.get(thief, "/staff/")
    assert status == 303
    async with thief.get(desk.url("/staff/api/reports")) as response:
        assert response.status == 401


async def test_sessions_end_when_idle_and_after_the_absolute_limit(desk: Desk) -> None:
    member = await desk.sign_in("viewer")
    desk.context.clock.advance(timedelta(minutes=29))  # type: ignore[attr-defined]
    assert (await desk.get(member, "/staff/"))[0] == 200
    desk.context.clock.advance(timedelta(minutes=31))  # type: ignore[attr-defined]
    assert (await desk.get(member, "/staff/"))[0] == 303, "idle for over 30 minutes"
    busy = await desk.sign_in("viewer")
    for _hour in range(13):
        desk.context.clock.advance(timedelta(minutes=25))  # type: ignore[attr-defined]
        await desk.get(busy, "/staff/")
        desk.context.clock.advance(timedelta(minutes=25))  # type: ignore[attr-defined]
    assert (await desk.get(busy, "/staff/"))[0] == 303, "past 12 hours whatever the use"


async def test_cookies_are_httponly_strict_scoped_and_secure_behind_https(desk: Desk) -> None:
    _client, response, _page = await _password(desk, "analyst")
    cookie = response.history[0].cookies["tocsin_staff"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/staff"
    assert not cookie["secure"], "plain http on loopback"
    desk.context.public_url = "https://desk.example.org"
    async with desk.client().get(desk.url("/staff/login")) as response:
        cookie = response.cookies["tocsin_staff_pre"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"


async def test_every_page_carries_a_strict_content_security_policy(desk: Desk) -> None:
    member = await desk.sign_in("analyst")
    async with member.get(desk.url("/staff/")) as response:
        policy = response.headers["Content-Security-Policy"]
        page = await response.text()
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in page and " on" + "click=" not in page
