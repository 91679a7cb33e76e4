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

from reports.crypto import Keyring
from reports.database import session_factory
from reports.models import STATUS_TRANSITIONS, Report, ReportMedia
from reports.sealing import field_context, open_media, open_report
from staff.auth import audit, member_of, require_role, staff_context
from staff.caselist import case_row_of, visible_case, visible_report_row
from staff.desk import ERRORS
from staff.roles import Can, can
from staff.timeline import case_records, cluster_members

routes = web.RouteTableDef()
VIEWABLE = ("image/jpeg", "image/png", "image/gif", "image/webp", "audio/ogg", "audio/mpeg")
VIEWABLE += ("video/mp4", "audio/mp4", "application/pdf")


@routes.get("/reports/{reference}", name="case")
@require_role()
async def case(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    member = member_of(request)
    reference = request.match_info["reference"].upper()
    # one statement checks the role may see the case and reads its report, still sealed
    found = await visible_report_row(context.database, reference, member.role)
    if found is None:
        raise web.HTTPNotFound(text="no such case")
    # the read is audited (committed) before anything decrypted is shown; the rest of the
    # page is read meanwhile, on connections of its own
    _audited, records, cluster = await asyncio.gather(
        audit(request, "read", found.id),
        case_records(
            context.database,
            context.keyring,
            found.id,
            found.reference,
            found.alert_id,
            with_custody=can(member.role, Can.MEDIA),
        ),
        cluster_members(context.database, found.alert_id, found.id, member.role),
    )
    view = open_report(context.keyring, found, records.media, records.additions)
    row = case_row_of(context.keyring, found, context.clock.now(), view)
    values = {
        "case": row,
        "r": view,
        "texts": _sealed_texts(context.keyring, found),
        "timeline": records.timeline,
        "cluster": cluster,
        "custody": records.custody,
        "next_statuses": sorted(STATUS_TRANSITIONS.get(view.status, ())),
        "alert_state": row.alert_state,
        "done": request.query.get("done"),
        "failed": ERRORS.get(request.query.get("failed", "")),
    }
    return aiohttp_jinja2.render_template("case.html", request, values)


def _sealed_texts(keyring: Keyring, found: Any) -> dict[str, str]:
    """The words the reporter used for the time, the place and the perpetrator (the NLU's
    reading is shown beside them), decrypted for this reader: the page load is audited."""
    texts = {}
    for column in ("occurred_text", "location_text"):
        text = keyring.decrypt_text(
            getattr(found, f"{column}_enc"), context=field_context(found.reference, column)
        )
        if text:
            texts[column] = text
    return texts


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
