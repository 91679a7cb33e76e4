"""`tocsin web --processes 2`: two processes on one port, one desk for every member.

Each client below keeps one connection, so each talks to one process; which one is read from
the kernel (the process holding the accepted socket of that connection), and a second client
connects again until it reaches the other process. A member signs in through the first, the
cookie is honoured by the second; signing out through the first makes the second refuse it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pyotp
import pytest
from yarl import URL

from tests.staff.conftest import CSRF
from tests.tocsin.cli import answers_health, cli_environment, run_tocsin

PASSWORD = "two processes pass phrase"
pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc to tell the processes apart"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            children = [int(child) for child in task.read_text().split()]
            found += children
            todo += children
    return found


def _serving_process(candidates: list[int], server_port: int, client_port: int) -> int | None:
    """The process holding the server's end of the loopback connection from `client_port`."""
    wanted = f"0100007F:{server_port:04X} 0100007F:{client_port:04X}"
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if f"{fields[1]} {fields[2]}" == wanted:
            inode = fields[9]
    if inode is None:
        return None
    for pid in candidates:
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return pid
    return None


@pytest.fixture
def two_processes(postgres_url: str, tmp_path: Path, nlu_cache_dir: Path) -> Iterator[dict]:
    port = _free_port()
    environment = cli_environment(
        postgres_url, nlu_cache_dir, TOCSIN_HTTP_PORT=str(port), TOCSIN_DATABASE_POOL_SIZE="2"
    )
    email = f"two-{port}@desk.example.org"
    added = run_tocsin(
        ["staff", "add", email, "--role", "analyst", "--password-stdin", "--json"],
        environment,
        PASSWORD + "\n",
        tmp_path,
    )
    assert added.returncode == 0, added.stderr
    uri = json.loads(added.stdout)["totp_uri"]
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)  # type: ignore[union-attr]
    server = subprocess.Popen(
        [sys.executable, "-m", "tocsin", "web", "--processes", "2"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # migrates, starts two processes: slow when busy
        while len(_descendants(server.pid)) < 2 or not answers_health(base):
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the desk did not start"
            time.sleep(0.2)
        yield {"base": base, "port": port, "email": email, "secret": secret, "pid": server.pid}
    finally:
        server.terminate()
        server.wait(30)


class Pinned:
    """A client on one kept-alive connection, hence one server process."""

    def __init__(self, base: str, port: int, server_pid: int) -> None:
        self.base, self.port, self.server_pid = base, port, server_pid
        self.sockets: list[socket.socket] = []  # the connections this client opened
        connector = aiohttp.TCPConnector(limit=1, socket_factory=self._socket)
        self.session = aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True)
        )
        self.process: int | None = None

    def _socket(self, address: tuple) -> socket.socket:
        family, kind, protocol, _name, _where = address
        opened = socket.socket(family=family, type=kind, proto=protocol)
        self.sockets.append(opened)
        return opened

    async def request(self, method: str, path: str, **options: object) -> tuple[int, str, str]:
        async with self.session.request(
            method, self.base + path, allow_redirects=False, **options
        ) as response:
            assert len(self.sockets) == 1, "the client opened another connection"
            client_port = self.sockets[0].getsockname()[1]
            process = _serving_process(_descendants(self.server_pid), self.port, client_port)
            assert process is not None, "no process holds this connection"
            assert self.process in (None, process), "the connection moved to another process"
            self.process = process
            return response.status, response.headers.get("Location", ""), await response.text()

    async def close(self) -> None:
        await self.session.close()


async def test_a_session_made_in_one_process_is_honoured_and_ended_in_the_other(
    two_processes: dict,
) -> None:
    base, port, pid = two_processes["base"], two_processes["port"], two_processes["pid"]
    first = Pinned(base, port, pid)
    clients = [first]
    try:
        _status, _to, page = await first.request("GET", "/staff/login")
        form = {"csrf": CSRF.search(page).group(1), "email": two_processes["email"]}  # type: ignore[union-attr]
        form["password"] = PASSWORD
        status, _to, page = await first.request("POST", "/staff/login", data=form)
        assert status == 303, page
        _status, _to, page = await first.request("GET", "/staff/login")  # the code's form
        code = pyotp.TOTP(two_processes["secret"]).now()
        form = {"csrf": CSRF.search(page).group(1), "code": code}  # type: ignore[union-attr]
        status, to, _page = await first.request("POST", "/staff/login", data=form)
        assert status == 303 and to.endswith("/staff/"), (status, to)
        assert (await first.request("GET", "/staff/"))[0] == 200

        # another connection, until the kernel gives it to the other process
        other = None
        for _attempt in range(40):
            candidate = Pinned(base, port, pid)
            clients.append(candidate)
            await candidate.request("GET", "/staff/login")
            if candidate.process != first.process:
                other = candidate
                break
            await asyncio.sleep(0)
        assert other is not None, "every connection reached the same process"
        cookie = first.session.cookie_jar.filter_cookies(URL(base + "/staff/"))["tocsin_staff"]
        other.session.cookie_jar.update_cookies(
            {"tocsin_staff": cookie.value}, URL(base + "/staff/")
        )

        status, _to, page = await other.request("GET", "/staff/")
        assert status == 200 and 'id="case-rows"' in page, status

        _status, _to, page = await first.request("GET", "/staff/")
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        status, to, _page = await first.request("POST", "/staff/logout", data={"csrf": token})
        assert status in (302, 303), status

        status, to, _page = await other.request("GET", "/staff/")
        assert status == 303 and to.endswith("/staff/login"), (status, to)
        assert other.process != first.process
    finally:
        for client in clients:
            await client.close()
