"""`GET /staff/reports/{REF}` (one case) and `GET /staff/media/{ID}` (one file of a case).

The page decrypts the description for this reader through `ReportStore.get_report`, which
audits the read. A file is decrypted, checked against its SHA-256, and every view or download
is an audit entry: the custody line shown under the file.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import select

from reports.database import session_factory
from reports.models import STATUS_TRANSITIONS, Report, ReportMedia
from reports.sealing import field_context, open_media
from staff.auth import audit, member_of, require_role, staff_context
from staff.caselist import visible_case
from staff.desk import ERRORS
from staff.reading import reader
from staff.roles import Can, can
from staff.timeline import case_timeline, cluster_members, custody

routes = web.RouteTableDef()
VIEWABLE = ("image/jpeg", "image/png", "image/gif", "image/webp", "audio/ogg", "audio/mpeg")
VIEWABLE += ("video/mp4", "audio/mp4", "application/pdf")


@routes.get("/reports/{reference}", name="case")
@require_role()
async def case(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    member = member_of(request)
    reference = request.match_info["reference"].upper()
    row = await visible_case(
        context.database, context.keyring, reference, member.role, context.clock.now()
    )
    if row is None:
        raise web.HTTPNotFound(text="no such case")
    view = await context.store.get_report(reference, actor=member.actor)  # audited read
    if view is None:
        raise web.HTTPNotFound(text="no such case")
    # the rest of the page: independent reads, side by side on connections of their own
    texts, timeline, cluster, lines = await asyncio.gather(
        _sealed_texts(request, view.id, reference),
        case_timeline(context.database, context.keyring, view.id, reference, row.alert_id),
        cluster_members(context.database, row.alert_id, view.id, member.role),
        custody(context.database, view.id) if can(member.role, Can.MEDIA) else _nothing(),
    )
    values = {
        "case": row,
        "r": view,
        "texts": texts,
        "timeline": timeline,
        "cluster": cluster,
        "custody": lines,
        "next_statuses": sorted(STATUS_TRANSITIONS.get(view.status, ())),
        "alert_state": row.alert_state,
        "done": request.query.get("done"),
        "failed": ERRORS.get(request.query.get("failed", "")),
    }
    return aiohttp_jinja2.render_template("case.html", request, values)


async def _nothing() -> dict[int, list[Any]]:
    return {}


async def _sealed_texts(request: web.Request, report_id: int, reference: str) -> dict[str, str]:
    """The words the reporter used for the time, the place and the perpetrator (the NLU's
    reading is shown beside them), decrypted for this reader: the page load is audited."""
    context = staff_context(request)
    query = select(Report.occurred_text_enc, Report.location_text_enc).where(Report.id == report_id)
    async with reader(context.database).connect() as connection:
        row = (await connection.execute(query)).first()
    if row is None:
        return {}
    found = {}
    for column, value in (
        ("occurred_text", row.occurred_text_enc),
        ("location_text", row.location_text_enc),
    ):
        text = context.keyring.decrypt_text(value, context=field_context(reference, column))
        if text:
            found[column] = text
    return found


@routes.get("/media/{media_id:\\d+}", name="media")
@require_role(Can.MEDIA)
async def media(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    member = member_of(request)
    async with session_factory(context.database)() as session:
        found = (
            await session.execute(
                select(ReportMedia, Report.reference)
                .join(Report, Report.id == ReportMedia.report_id)
                .where(ReportMedia.id == int(request.match_info["media_id"]))
            )
        ).first()
    if found is None:
        raise web.HTTPNotFound()
    item, reference = found
    if (
        await visible_case(
            context.database, context.keyring, reference, member.role, context.clock.now()
        )
        is None
    ):
        raise web.HTTPNotFound()
    content = open_media(context.keyring, reference, item)
    if content is None or hashlib.sha256(content).hexdigest() != item.sha256:
        raise web.HTTPInternalServerError(text="the file does not match its SHA-256")
    download = request.query.get("download") == "1" or item.mime_type not in VIEWABLE
    action = "media_downloaded" if download else "media_viewed"
    await audit(request, action, item.report_id, f"{item.id} sha256:{item.sha256}")
    extension = (item.mime_type or "application/octet-stream").split("/")[-1][:8]
    disposition = "attachment" if download else "inline"
    return web.Response(
        body=content,
        content_type=item.mime_type or "application/octet-stream",
        headers={
            "Content-Disposition": f'{disposition}; filename="{reference}-{item.id}.{extension}"',
            "X-SHA256": item.sha256,
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
