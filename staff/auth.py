"""Who is asking and what they may do, on the server, for every page, API call and file.

`session_middleware` puts the signed-in `StaffMember` (or None) on each request;
`require_role(Can.X, ...)` wraps a handler so that without a full session it redirects to the
sign-in page (pages) or answers 401 (API, exports, media), and without the capability answers
403. `audit(request, ...)` writes who read, exported or did what to the append-only log.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from locales.i18n import Translator
from staff.auditlog import audit_writer
from staff.context import StaffContext
from staff.roles import Can, can
from staff.sessions import SessionStore, StaffMember

CONTEXT = web.AppKey("staff_context", StaffContext)
SESSIONS = web.AppKey("staff_sessions", SessionStore)
SESSION_COOKIE = "tocsin_staff"
MEMBER = web.RequestKey("staff_member", StaffMember | None)  # type: ignore[arg-type]
LANGUAGE = web.RequestKey("staff_language", str)
TRANSLATE = web.RequestKey("staff_translate", Translator)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def staff_context(request: web.Request) -> StaffContext:
    return request.config_dict[CONTEXT]


def current_staff(request: web.Request) -> StaffMember | None:
    """The signed-in staff member (both factors passed), or None."""
    member = request.get(MEMBER)
    return member if member is not None and member.stage == "full" else None


def pending_staff(request: web.Request) -> StaffMember | None:
    """A session past the password, waiting for the code (sign-in page only)."""
    member = request.get(MEMBER)
    return member if member is not None and member.stage != "full" else None


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    store = request.config_dict[SESSIONS]
    request[MEMBER] = await store.find(request.cookies.get(SESSION_COOKIE))
    return await handler(request)


def _wants_page(request: web.Request) -> bool:
    path = request.path
    return (
        request.method == "GET"
        and not any(part in path for part in ("/api/", "/exports/", "/media/"))
        and "HX-Request" not in request.headers
    )


def require_role(*needed: Can) -> Callable[[Handler], Handler]:
    """Decorate a handler: only a signed-in member whose role has every capability in
    `needed` gets through (Can.READ is always implied)."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            member = current_staff(request)
            if member is None:
                if _wants_page(request):
                    raise web.HTTPSeeOther(request.app.router["login"].url_for())
                raise web.HTTPUnauthorized(text="sign in first")
            if not all(can(member.role, capability) for capability in (Can.READ, *needed)):
                raise web.HTTPForbidden(text="your role does not allow this")
            return await handler(request)

        return guarded

    return decorate


def member_of(request: web.Request) -> StaffMember:
    """The member of a request that `require_role` let through."""
    member = current_staff(request)
    if member is None:
        raise web.HTTPUnauthorized(text="sign in first")
    return member


async def audit(
    request: web.Request,
    action: str,
    report_id: int | None = None,
    detail: str | None = None,
    actor: str | None = None,
) -> None:
    """Append one entry to the audit log: who (the member), what, which report."""
    context = staff_context(request)
    member = current_staff(request)
    who = actor or (member.actor if member else "staff:web:anonymous")
    # committed before the page answers; entries of pages arriving together share a statement
    await audit_writer(context.database).write(
        who, action, report_id, (detail or "")[:2000] or None
    )


def template_member(request: web.Request) -> dict[str, Any]:
    member = current_staff(request)
    return {
        "staff": member,
        "can": (lambda capability: member is not None and can(member.role, Can(capability))),
    }
