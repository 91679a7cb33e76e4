"""Browser-side defences of the desk: a strict CSP, no framing, no sniffing, CSRF tokens.

The Content-Security-Policy allows scripts, styles, images and connections from the desk
itself only: no inline script or style, no eval, nothing from a CDN. Every state-changing
request carries the session's CSRF token (a hidden `csrf` field, or the `X-CSRF-Token`
header that htmx sends); before sign-in, the token is a double-submitted random cookie.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

from staff.auth import MEMBER, Handler, staff_context

NEW_PRE_SESSION = web.RequestKey("staff_new_pre_session", str)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
PRE_SESSION_COOKIE = "tocsin_staff_pre"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
        _decorate(response)
        raise
    _decorate(response)
    return response


def _decorate(response: web.StreamResponse) -> None:
    if response.prepared:
        return
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cache-Control", "no-store")


def pre_session_token(request: web.Request) -> str:
    """The sign-in form's CSRF token: the pre-session cookie's value, made when absent."""
    token = request.cookies.get(PRE_SESSION_COOKIE)
    if token and 20 <= len(token) <= 100:
        return token
    token = request.get(NEW_PRE_SESSION) or secrets.token_urlsafe(24)
    request[NEW_PRE_SESSION] = token
    return token


def expected_csrf(request: web.Request) -> str | None:
    member = request.get(MEMBER)
    if member is not None:
        return member.csrf_token
    return request.cookies.get(PRE_SESSION_COOKIE)


@web.middleware
async def csrf_protection(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in SAFE_METHODS:
        expected = expected_csrf(request)
        sent = request.headers.get("X-CSRF-Token")
        if sent is None and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sent = str((await request.post()).get("csrf", ""))
        if not expected or not sent or not hmac.compare_digest(expected, sent):
            raise web.HTTPForbidden(text="missing or wrong CSRF token; reload the page")
    response = await handler(request)
    token = request.get(NEW_PRE_SESSION)
    if token and not response.prepared:
        set_cookie(request, response, PRE_SESSION_COOKIE, token, max_age=3600)
    return response


def set_cookie(
    request: web.Request,
    response: web.StreamResponse,
    name: str,
    value: str,
    max_age: int | None = None,
) -> None:
    """HttpOnly, SameSite=Strict, scoped to the desk, Secure behind https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/staff",
        httponly=True,
        samesite="Strict",
        secure=staff_context(request).secure_cookies,
    )
