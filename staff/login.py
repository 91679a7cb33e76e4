"""`GET|POST /staff/login` and `POST /staff/logout`.

The first form takes `email` and `password` (and may take `code` too); when the code is not
given, a short-lived half session remembers that the password passed and the second form asks
for the code, showing the enrolment QR code the first time. A full session gets a new token
(no fixation of the half session's cookie).
"""

from __future__ import annotations

import aiohttp_jinja2
import segno
from aiohttp import web

from staff.auth import SESSION_COOKIE, SESSIONS, TRANSLATE, current_staff, pending_staff
from staff.security import pre_session_token, set_cookie
from staff.signin import SIGNIN, Outcome, enrolment_uri

routes = web.RouteTableDef()


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


async def _form(request: web.Request, error: str | None = None, status: int = 200) -> web.Response:
    pending = pending_staff(request)
    qr = None
    if pending is not None and pending.stage == "enrol":
        uri = await enrolment_uri(request.config_dict[SIGNIN], pending.account_id)
        qr = (
            segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
            if uri
            else None
        )
    csrf = pending.csrf_token if pending else pre_session_token(request)
    return aiohttp_jinja2.render_template(
        "login.html",
        request,
        {"error": error, "pending": pending, "qr": qr, "csrf": csrf},
        status=status,
    )


@routes.get("/login", name="login")
async def login_page(request: web.Request) -> web.StreamResponse:
    if current_staff(request) is not None:
        raise web.HTTPSeeOther(request.app.router["cases"].url_for())
    return await _form(request)


@routes.post("/login")
async def login_submit(request: web.Request) -> web.StreamResponse:
    signin = request.config_dict[SIGNIN]
    form = await request.post()
    _ = request[TRANSLATE]
    if await signin.client_blocked(_client(request)):
        return await _form(request, _("Too many failed attempts. Try again later."), 429)
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    code = str(form.get("code", "")).strip()
    pending = pending_staff(request)
    if email and password:
        outcome = await signin.password(email, password, _client(request))
        if outcome.result not in ("enrol", "need_code"):
            return await _refused(request, outcome)
        assert outcome.account_id is not None
        if not code:
            return await _half_session(request, outcome)
        return await _second_factor(request, outcome.account_id, code, None)
    if pending is not None and code:
        return await _second_factor(request, pending.account_id, code, pending.token_hash)
    return await _form(request, _("Enter your e-mail address and password."), 400)


async def _refused(request: web.Request, outcome: Outcome) -> web.Response:
    _ = request[TRANSLATE]
    if outcome.result == "locked":
        return await _form(
            request, _("This account is locked for a while after failed attempts."), 403
        )
    return await _form(request, _("Wrong e-mail address, password or code."), 403)


async def _half_session(request: web.Request, outcome: Outcome) -> web.StreamResponse:
    sessions = request.config_dict[SESSIONS]
    assert outcome.account_id is not None
    token = await sessions.open(
        outcome.account_id, "enrol" if outcome.result == "enrol" else "password"
    )
    response = web.HTTPSeeOther(request.app.router["login"].url_for())
    set_cookie(request, response, SESSION_COOKIE, token)
    raise response


async def _second_factor(
    request: web.Request, account_id: int, code: str, half_session: str | None
) -> web.StreamResponse:
    signin = request.config_dict[SIGNIN]
    sessions = request.config_dict[SESSIONS]
    outcome = await signin.code(account_id, code, _client(request))
    if outcome.result != "ok":
        if outcome.result == "locked" and half_session:
            await sessions.end_hash(half_session)
        return await _refused(request, outcome)
    if half_session:
        await sessions.end_hash(half_session)
    token = await sessions.open(account_id, "full")
    response = web.HTTPSeeOther(request.app.router["cases"].url_for())
    set_cookie(request, response, SESSION_COOKIE, token)
    raise response


@routes.post("/logout", name="logout")
async def logout(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await request.config_dict[SESSIONS].end(token)
    response = web.HTTPSeeOther(request.app.router["login"].url_for())
    response.del_cookie(SESSION_COOKIE, path="/staff")
    raise response
