"""The staff desk as an aiohttp sub-application, mounted at `/staff/` by `tocsin`.

`create_staff_app(context)` builds it; `mount(parent, context)` adds it to the application of
`tocsin run` / `tocsin web`. Pages are server-rendered Jinja2 with htmx (vendored) for the
live parts; every route checks the role on the server (`staff.auth.require_role`).

Extension hook: if the module `staff.analysis.routes` exists and has `register(app)`, it is
called with the staff sub-application after the desk's own routes are added, so the analysis
pages (map, charts, units, metrics, exports) live in `staff/analysis/` and their templates in
`staff/templates/analysis/` (extending `base.html`). They use `staff.filters` for what a role
may see and `staff.auth` for roles and auditing. Route names the navigation links to when
present: `map`, `charts`, `units`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from escalation.clock import aware
from staff import actions, audit_page, case_page, cases, login
from staff.auth import (
    CONTEXT,
    LANGUAGE,
    SESSIONS,
    TRANSLATE,
    session_middleware,
    template_member,
)
from staff.context import StaffContext
from staff.i18n import LANGUAGE_COOKIE, is_rtl, language_choices, request_language, translator
from staff.rowcells import groups_of, label_of
from staff.security import csrf_protection, security_headers, set_cookie
from staff.sessions import SessionStore
from staff.signin import SIGNIN, SignIn
from staff.timeline import EVENT_LABELS

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
ANALYSIS_MODULE = "staff.analysis.routes"
MAX_REQUEST_BYTES = 64 * 1024  # forms only: nothing is uploaded through the desk


@web.middleware
async def language_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Pick the page language; `?lang=` also sets the cookie for the next pages."""
    language = request_language(request, request.config_dict[CONTEXT].default_language)
    request[LANGUAGE] = language
    request["lang"] = language  # the seam the analysis pages read (kept stable)
    request[TRANSLATE] = translator(language)
    response = await handler(request)
    if request.query.get("lang") == language and not response.prepared:
        set_cookie(request, response, LANGUAGE_COOKIE, language, max_age=365 * 86400)
    return response


async def _template_context(request: web.Request) -> dict[str, Any]:
    _ = request[TRANSLATE]
    language = request[LANGUAGE]
    router = request.app.router
    return {
        "_": _,
        "lang": request[LANGUAGE],
        "rtl": is_rtl(request[LANGUAGE]),
        "languages": language_choices(),
        "has_route": lambda name: name in router,
        "url": lambda name, **parts: str(
            router[name].url_for(**{key: str(value) for key, value in parts.items()})
        ),
        "static": lambda path: f"{router['static'].canonical}/{path}",
        # taxonomy words come from the shared catalogues, each looked up once per language
        "category_label": lambda code: label_of("category", code, language),
        "status_label": lambda code: label_of("status", code, language),
        "severity_label": lambda code: label_of("severity", code, language),
        "perpetrator_label": lambda code: label_of("perpetrator", code, language),
        "groups_label": lambda groups, victims: groups_of(groups, victims, language),
        "aware": aware,
        "event_label": lambda kind: _(EVENT_LABELS[kind]) if kind in EVENT_LABELS else kind,
        **template_member(request),
    }


def create_staff_app(context: StaffContext) -> web.Application:
    """The desk's sub-application (routes relative to `/staff/`)."""
    app = web.Application(
        middlewares=[security_headers, language_middleware, session_middleware, csrf_protection],
        client_max_size=MAX_REQUEST_BYTES,
    )
    app[CONTEXT] = context
    app[SESSIONS] = SessionStore(context.database, context.clock, context.timeouts)
    app[SIGNIN] = SignIn(context.database, context.keyring, context.clock)
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(("html", "xml"), default=True),
        context_processors=[_template_context],
        undefined=jinja2.StrictUndefined,
        # templates ship with the package: compiled once, not checked on disk at each page
        auto_reload=False,
    )
    environment.globals["page_size"] = 50
    app.router.add_static("/static/", STATIC_DIR, name="static", append_version=False)
    for module in (login, cases, case_page, actions, audit_page):
        app.router.add_routes(module.routes)
    register_analysis(app)
    return app


def register_analysis(app: web.Application) -> bool:
    """Call `staff.analysis.routes.register(app)` when that module exists (the hook)."""
    try:
        module = importlib.import_module(ANALYSIS_MODULE)
    except ModuleNotFoundError as error:
        if error.name in ("staff.analysis", ANALYSIS_MODULE):
            return False
        raise
    register = getattr(module, "register", None)
    if register is None:
        return False
    register(app)
    return True


def mount(parent: web.Application, context: StaffContext) -> web.Application:
    """Add the desk under `/staff/` to the application that serves the webhooks."""
    staff_app = create_staff_app(context)
    parent.add_subapp("/staff", staff_app)

    async def slash(request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect("/staff/")

    parent.router.add_get("/staff", slash)
    return staff_app
