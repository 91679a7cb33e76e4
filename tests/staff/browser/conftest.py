"""A real desk in a real browser: `tocsin run` in a subprocess, Debian's Chromium by Playwright.

The Telegram Bot API is the fake of tests/fakes (served from a thread of its own), the storage
a SQLite file, reporters are `tocsin shell` processes. Without Chromium (or Playwright) the
browser tests skip with the reason; in CI (`CI=true`) they fail instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest

from tests.fakes.telegram import FakeTelegram
from tests.tocsin.cli import answers_health, cli_environment, run_tocsin

CHROMIUM = Path(os.environ.get("TOCSIN_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF_CHAT = "-1001"
PASSWORD = "browser test pass phrase"
ROOT = Path(__file__).resolve().parents[3]
ARTEFACTS = Path(os.environ.get("TOCSIN_TEST_ARTEFACTS", ROOT / "test-artefacts"))


def require_browser() -> None:
    """Skip (locally) or fail (in CI) when Chromium or Playwright is missing."""
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright package is not installed"
    if reason is None and not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run every test", pytrace=False)
    pytest.skip(reason)


def wait_until(check: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what or check}"
        time.sleep(0.1)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThreadedFake:
    """The fake Bot API on an event loop of its own thread (the tests here are synchronous)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake: FakeTelegram = self._run(self._make())
        self.url = self._run(self.fake.start())

    async def _make(self) -> FakeTelegram:
        return FakeTelegram()

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def close(self) -> None:
        self._run(self.fake.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@dataclass
class Reporter:
    """A person chatting through `tocsin shell`, whose output is read as it comes."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def say(self, *lines: str) -> None:
        assert self.process.stdin is not None
        for line in lines:
            self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait_for(self, pattern: str, timeout: float = 120.0) -> re.Match[str]:
        regex = re.compile(pattern)
        return wait_until(
            lambda: next((m for line in self.lines if (m := regex.search(line))), None),
            timeout,
            f"{pattern!r} in the console",
        )

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class LiveDesk:
    url: str
    environment: dict[str, str]
    telegram: ThreadedFake
    secrets: dict[str, str]
    tmp: Path
    reporters: list[Reporter] = field(default_factory=list)
    used_steps: dict[str, int] = field(default_factory=dict)

    def email(self, role: str) -> str:
        return f"{role}@browser.example.org"

    def code(self, role: str) -> str:
        """The current code; waits for the next one when this one was used (single use)."""
        while int(time.time()) // 30 == self.used_steps.get(role):
            time.sleep(0.5)
        self.used_steps[role] = int(time.time()) // 30
        return pyotp.TOTP(self.secrets[role]).now()

    def reporter(self, user: str) -> Reporter:
        process = subprocess.Popen(
            [sys.executable, "-m", "tocsin", "shell", "--lang", "en", "--user", user],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.environment,
            cwd=self.tmp,
        )
        reporter = Reporter(process)
        self.reporters.append(reporter)
        return reporter

    def edits(self) -> list[str]:
        return [
            str(params.get("text", ""))
            for params in self.telegram.fake.calls_to("editMessageText", succeeded=True)
            if str(params.get("chat_id")) == STAFF_CHAT
        ]


def _add_account(environment: dict[str, str], tmp: Path, email: str, role: str) -> str:
    arguments = ["staff", "add", email, "--role", role, "--name", role.title()]
    result = run_tocsin(
        [*arguments, "--password-stdin", "--json"],
        environment,
        PASSWORD + "\n",
        tmp,
    )
    assert result.returncode == 0, result.stderr
    uri = json.loads(result.stdout)["totp_uri"]
    return re.search(r"secret=([A-Z2-7]+)", uri).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def live_desk(tmp_path_factory: pytest.TempPathFactory, nlu_cache_dir: Path) -> Iterator[LiveDesk]:
    require_browser()
    tmp = tmp_path_factory.mktemp("desk")
    telegram = ThreadedFake()
    port = free_port()
    environment = cli_environment(
        f"sqlite+aiosqlite:///{tmp / 'desk.db'}",
        nlu_cache_dir,
        TOCSIN_TELEGRAM_TOKEN=telegram.fake.token,
        TOCSIN_TELEGRAM_API_URL=telegram.url,
        TOCSIN_STAFF_TELEGRAM_CHATS=STAFF_CHAT,
        TOCSIN_HTTP_PORT=str(port),
    )
    secrets = {
        role: _add_account(environment, tmp, f"{role}@browser.example.org", role)
        for role in ("viewer", "analyst")
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "tocsin", "run"],
        env=environment,
        cwd=tmp,
        stdout=open(tmp / "run.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    desk = LiveDesk(url, environment, telegram, secrets, tmp)
    try:
        wait_until(lambda: answers_health(url) or server.poll() is not None, 180, "tocsin run")
        assert server.poll() is None, (tmp / "run.log").read_text()[-3000:]
        yield desk
    finally:
        for reporter in desk.reporters:
            reporter.close()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        telegram.close()


@pytest.fixture(scope="module")
def browser(live_desk: LiveDesk) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(browser: Any, desk: LiveDesk, role: str, locale: str = "en-GB") -> Any:
    """A new browser context signed in as `role` through the two forms."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"{desk.url}/staff/login")
    page.fill("input[name=email]", desk.email(role))
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", desk.code(role))
    page.click("button[type=submit]")
    page.wait_for_url(f"{desk.url}/staff/")
    return page
