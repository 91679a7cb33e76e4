"""Debian's chromium driven by Playwright (no browser download), signed in to the desk.

Without chromium (or Playwright) the browser tests skip with the reason locally; in CI
(`CI=true`) they fail, so a green CI means they ran.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.staff.conftest import PASSWORD, Desk

CHROMIUM = os.environ.get("TOCSIN_TEST_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("TOCSIN_TEST_ARTEFACTS", "test-artefacts")).resolve()


def require_chromium() -> None:
    reason = None
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"chromium not found at {CHROMIUM}"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed"
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run every test", pytrace=False)
    pytest.skip(reason)


@asynccontextmanager
async def browser_page(desk: Desk, role: str, **context_options: Any) -> AsyncIterator[Any]:
    """A page of a fresh browser, signed in as `role` through the sign-in forms."""
    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = await browser.new_context(**context_options)
            page = await context.new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
            page.on(
                "response",
                lambda r: console.append(f"http {r.status}: {r.url}") if r.status >= 400 else None,
            )
            page.console = console  # read by tests when something does not show
            await sign_in(page, desk, role)
            yield page
        finally:
            await browser.close()


async def sign_in(page: Any, desk: Desk, role: str) -> None:
    account = desk.accounts[role]
    await page.goto(desk.url("/staff/login"))
    await page.fill("input[name=email]", account.email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("section.signin button[type=submit]")
    await page.wait_for_selector("input[name=code]")
    await page.fill("input[name=code]", desk.code(role))
    await page.click("section.signin button[type=submit]")
    await page.wait_for_url("**/staff/")
    desk.context.clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]  (single-use codes)


def artefact(name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name
