"""`tocsin inbox failed` and `tocsin inbox retry ID`, run as an operator would."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bot.inbox import Inbox
from reports.crypto import Keyring
from reports.database import create_engine, upgrade_schema
from tests.conftest import TEST_SECRET
from tests.tocsin.cli import cli_environment, run_tocsin


async def parked(database_url: str) -> int:
    await upgrade_schema(database_url)
    engine = create_engine(database_url)
    inbox = Inbox(engine, Keyring([TEST_SECRET.encode()]))
    await inbox.accept("telegram", "77", "sender", b'{"secret story": "soldiers"}')
    [item] = await inbox.claim("w1")
    await inbox.park(item.id, "ValidationError")
    await engine.dispose()
    return item.id


async def test_operators_list_dead_letters_without_their_content_and_give_one_another_run(
    sqlite_url: str, tmp_path: Path
) -> None:
    item_id = await parked(sqlite_url)
    environment = cli_environment(sqlite_url, tmp_path)

    listed = run_tocsin(["inbox", "failed", "--json"], environment)
    assert listed.returncode == 0, listed.stderr
    [letter] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (letter["id"], letter["channel"], letter["error"]) == (
        item_id, "telegram", "ValidationError",
    )  # fmt: skip
    assert "soldiers" not in listed.stdout

    retried: subprocess.CompletedProcess[str] = run_tocsin(
        ["inbox", "retry", str(item_id)], environment
    )
    assert retried.returncode == 0 and f"message {item_id} queued again" in retried.stdout
    assert run_tocsin(["inbox", "failed"], environment).stdout.strip() == "no failed messages"
    again = run_tocsin(["inbox", "retry", str(item_id)], environment)
    assert again.returncode == 1 and "no failed message" in again.stdout
