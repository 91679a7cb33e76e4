"""The reader's scope of one request: the case list's filter, their role, what they may read.

Every analysis page, API and export starts here, so each answers the same filters as the
case list and hides what the role may not see.
"""

from __future__ import annotations

from aiohttp import web

from staff.analysis.columns import Visibility
from staff.analysis.source import Scope
from staff.auth import member_of, staff_context
from staff.filters import CaseFilter, FilterError, base_query
from staff.roles import Can, can, sees_confidential


def visibility_of(role: str | None) -> Visibility:
    """Free text a reporter typed goes with their media: roles that may open media may read
    it in exports; confidential flags only for the role that sees confidential cases."""
    return Visibility(free_text=can(role, Can.MEDIA), confidential=sees_confidential(role))


def read_filter(request: web.Request) -> CaseFilter:
    try:
        return CaseFilter.from_query(request.query)
    except FilterError as error:
        raise web.HTTPBadRequest(text=str(error)) from None


def reader_scope(request: web.Request, case_filter: CaseFilter | None = None) -> Scope:
    member = member_of(request)
    case_filter = case_filter or read_filter(request)
    now = staff_context(request).clock.now()
    return Scope(base_query(case_filter, member.role, now), visibility_of(member.role))
