"""The desk's language: its own gettext domain `staff`, in en, fr and ar (right-to-left).

The conversation catalogues (`messages`) carry many languages; the desk needs only those
with a `staff.po`. A `?lang=` choice is kept in a cookie; otherwise the browser's
Accept-Language decides, then the deployment default.
"""

from __future__ import annotations

import functools

from aiohttp import web

from locales.i18n import LOCALES_DIR, RIGHT_TO_LEFT, Translator, native_name

DOMAIN = "staff"
LANGUAGE_COOKIE = "tocsin_staff_lang"


@functools.cache
def desk_languages() -> tuple[str, ...]:
    """The languages with a desk catalogue (read once: every request asks)."""
    return tuple(
        sorted(path.parent.parent.name for path in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    )


def request_language(request: web.Request, default: str = "en") -> str:
    languages = desk_languages()
    chosen = request.query.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in languages:
            return code
    return default if default in languages else "en"


@functools.cache
def translator(language: str) -> Translator:
    """The desk's translator of `language`, made once (it holds no state of a request)."""
    return Translator(language, domain=DOMAIN)


def language_choices() -> list[tuple[str, str]]:
    return [(code, native_name(code)) for code in desk_languages()]


def is_rtl(language: str) -> bool:
    return language in RIGHT_TO_LEFT
