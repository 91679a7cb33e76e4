"""`tocsin staff add|list|disable|reset-2fa` as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.tocsin.cli import cli_environment, run_tocsin


def test_accounts_are_added_listed_disabled_and_their_second_factor_reset(
    tmp_path: Path, nlu_cache_dir: Path
) -> None:
    environment = cli_environment(f"sqlite+aiosqlite:///{tmp_path / 'staff.db'}", nlu_cache_dir)
    added = run_tocsin(
        ["staff", "add", "Lead@Example.org", "--role", "admin", "--password-stdin", "--json"],
        environment,
        "correct horse battery staple\n",
        tmp_path,
    )
    assert added.returncode == 0, added.stderr
    account = json.loads(added.stdout)
    assert account["email"] == "lead@example.org" and account["role"] == "admin"
    assert account["totp_uri"].startswith("otpauth://totp/") and "secret=" in account["totp_uri"]
    assert "correct horse" not in added.stdout + added.stderr

    again = run_tocsin(
        ["staff", "add", "lead@example.org", "--role", "viewer", "--password-stdin"],
        environment,
        "another long pass phrase\n",
        tmp_path,
    )
    assert again.returncode == 1 and "already exists" in again.stderr
    short = run_tocsin(
        ["staff", "add", "b@example.org", "--role", "viewer", "--password-stdin"],
        environment,
        "short\n",
        tmp_path,
    )
    assert short.returncode == 1 and "at least 12 characters" in short.stderr

    reset = run_tocsin(
        ["staff", "reset-2fa", "lead@example.org", "--json"], environment, "", tmp_path
    )
    assert reset.returncode == 0
    assert json.loads(reset.stdout)["totp_uri"] != account["totp_uri"]
    assert (
        run_tocsin(["staff", "disable", "lead@example.org"], environment, "", tmp_path).returncode
        == 0
    )
    listing = json.loads(run_tocsin(["staff", "list", "--json"], environment, "", tmp_path).stdout)
    assert [(row["email"], row["disabled"]) for row in listing] == [("lead@example.org", True)]
    unknown = run_tocsin(["staff", "disable", "nobody@example.org"], environment, "", tmp_path)
    assert unknown.returncode == 1 and "no account" in unknown.stderr
