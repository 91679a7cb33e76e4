"""`GET /staff/exports/reports.csv|.xlsx|.geojson`: the filtered cases as a file, streamed.

Only roles that may export get a file; each export is written to the audit log with its
format and filter before the first byte leaves, so an interrupted download is recorded too.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from aiohttp import web

from staff.analysis.scope import read_filter, reader_scope
from staff.analysis.source import stream_records
from staff.analysis.writers import csv_chunks, geojson_chunks, xlsx_chunks
from staff.auth import audit, require_role, staff_context
from staff.roles import Can

routes = web.RouteTableDef()
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def wants_hxl(request: web.Request) -> bool:
    return request.query.get("hxl", "").lower() in ("1", "true", "yes")


async def stream_file(
    request: web.Request, chunks: AsyncIterator[bytes], content_type: str, filename: str
) -> web.StreamResponse:
    """Send `chunks` as an attachment (the desk's security headers set here: a streamed
    response is sent before the middleware could add them)."""
    response = web.StreamResponse(
        headers={
            **DOWNLOAD_HEADERS,
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
        }
    )
    await response.prepare(request)
    async for chunk in chunks:
        await response.write(chunk)
    await response.write_eof()
    return response


@routes.get(r"/exports/reports.{format:csv|xlsx|geojson}", name="export_reports")
@require_role(Can.EXPORT)
async def export_reports(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    kind = request.match_info["format"]
    case_filter = read_filter(request)
    scope = reader_scope(request, case_filter)
    hxl = wants_hxl(request) and kind != "geojson"
    detail = {"format": kind, "hxl": hxl, "filter": case_filter.to_query()}
    await audit(request, "exported", detail=json.dumps(detail, sort_keys=True))
    records = stream_records(context.database, scope, context.keyring)
    visibility = scope.visibility
    if kind == "csv":
        chunks = csv_chunks(records, visibility.columns(), hxl=hxl)
    elif kind == "xlsx":
        chunks = xlsx_chunks(records, visibility.columns(), hxl=hxl)
    else:
        chunks = geojson_chunks(records, visibility.record_fields())
    stamp = context.clock.now().strftime("%Y%m%d-%H%M")
    return await stream_file(request, chunks, CONTENT_TYPES[kind], f"tocsin-reports-{stamp}.{kind}")
