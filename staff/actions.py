"""`POST /staff/reports/{REF}/actions/{ACTION}`: the desk's buttons, for roles that act.

Each answers with a redirect to the case page (plain forms work without script) carrying a
short outcome code that the page shows. The case must be visible to the member's role, so a
hidden case answers 404 here as on its page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from staff.auth import audit, member_of, require_role, staff_context
from staff.caselist import CaseRow, visible_case
from staff.desk import ActionError, Desk
from staff.roles import Can

routes = web.RouteTableDef()
ACTIONS = ("ack", "assign", "verify", "dismiss", "status", "merge", "split", "ask", "notice")


async def _case(request: web.Request, reference: str) -> CaseRow:
    context = staff_context(request)
    member = member_of(request)
    case = await visible_case(
        context.database, context.keyring, reference, member.role, context.clock.now()
    )
    if case is None:
        raise web.HTTPNotFound()
    return case


def _back(request: web.Request, reference: str, **outcome: str) -> web.HTTPSeeOther:
    url = request.app.router["case"].url_for(reference=reference)
    return web.HTTPSeeOther(f"{url}?{urlencode(outcome)}" if outcome else str(url))


@routes.post("/reports/{reference}/actions/{action}", name="case_action")
@require_role(Can.ACT)
async def case_action(request: web.Request) -> web.StreamResponse:
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    case = await _case(request, request.match_info["reference"])
    form = await request.post()
    reason = str(form.get("reason", "")).strip()[:500]
    desk = Desk(staff_context(request), member_of(request))
    try:
        detail = await _perform(request, desk, case, action, form)
    except ActionError as error:
        raise _back(request, case.report.reference, failed=error.code) from None
    await audit(
        request,
        f"desk_{action}",
        case.report.id,
        " ".join(part for part in (detail, reason and f"reason: {reason}") if part),
    )
    raise _back(request, case.report.reference, done=action)


async def _perform(
    request: web.Request, desk: Desk, case: CaseRow, action: str, form: object
) -> str:
    """Do the action; returns what the audit entry should add."""
    get = form.get  # type: ignore[attr-defined]
    if action in ("ack", "assign", "dismiss"):
        name = str(get("assignee", "")).strip()[:64] or None if action == "assign" else None
        if action == "dismiss" and not str(get("reason", "")).strip():
            raise ActionError("reason")
        await desk.gateway_action(case, action, name)
        return name or ""
    if action == "verify":
        reliability, credibility = str(get("reliability", "")), str(get("credibility", ""))
        await desk.verify(case, reliability, credibility)
        return f"{reliability}{credibility}"
    if action == "status":
        if not str(get("reason", "")).strip():
            raise ActionError("reason")
        target = str(get("status", ""))
        await desk.change_status(case, target)
        return f"{case.report.status}->{target}"
    if action == "merge":
        into = await _case(request, str(get("into", "")).strip() or "-")
        await desk.merge(case, into)
        return f"into {into.report.reference}"
    if action == "split":
        await desk.split(case)
        return ""
    if action == "ask":
        reached = await desk.ask(case, str(get("question", "")))
        if not reached:
            raise ActionError("unreachable")
        return f"reached {len(reached)}"
    if not await desk.send_notice(case):
        raise ActionError("unreachable")
    return case.report.status
