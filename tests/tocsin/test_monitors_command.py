"""`tocsin monitors invite|list|revoke` and `tocsin reports import`, run as an operator would.

The real entry point `tocsin.cli.main` runs in this process (starting the command line once per
call costs seconds of imports); settings come from the environment, as in production.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nlu import Nlu
from tests.conftest import TEST_SECRET
from tocsin.cli import main

REFERENCE = re.compile(r"TX-[A-Z0-9]{4}-[A-Z0-9]{4}")


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Operator:
    """Runs `tocsin …` with the deployment's environment and keeps what it printed."""

    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch

    def run(self, arguments: list[str], stdin: str = "") -> Done:
        self.capsys.readouterr()
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main(arguments)
        except SystemExit as exit_:  # argparse refusing an argument
            code = int(exit_.code or 0)
        out, err = self.capsys.readouterr()
        return Done(code, out, err)

    def json(self, arguments: list[str]) -> object:
        done = self.run(arguments)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture
def operator(
    sqlite_url: str,
    nlu_cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Operator:
    monkeypatch.setenv("TOCSIN_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TOCSIN_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("TOCSIN_CACHE_DIR", str(nlu_cache_dir))
    return Operator(capsys, monkeypatch)


def invite(operator: Operator, *extra: str) -> dict[str, object]:
    output = operator.json(["monitors", "invite", "--org", "Sahel Watch", "--json", *extra])
    assert isinstance(output, dict)
    return output


def enrol_in_the_shell(operator: Operator, code: str, *lines: str) -> str:
    done = operator.run(["shell"], stdin="\n".join([f"/monitor {code}", *lines]) + "\n")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_invite_prints_a_code_that_expires_when_asked(operator: Operator) -> None:
    output = invite(operator, "--expires", "12h")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", str(output["code"]))
    assert output["telegram_link"] is None
    expires = datetime.fromisoformat(str(output["expires_at"]))
    assert timedelta(hours=11) < expires - datetime.now(UTC) <= timedelta(hours=12)


def test_invite_refuses_a_duration_it_cannot_read(operator: Operator) -> None:
    done = operator.run(["monitors", "invite", "--org", "X", "--expires", "soon"])
    assert done.returncode == 2
    assert "not a duration" in done.stderr


def test_a_monitor_enrolled_in_the_shell_is_listed_then_revoked(
    operator: Operator, shared_nlu: Nlu
) -> None:
    code = str(invite(operator)["code"])
    transcript = enrol_in_the_shell(
        operator, code, "#report what: killing; where: Mopti; source: B2"
    )
    assert "you are now a monitor for Sahel Watch" in transcript
    assert REFERENCE.search(transcript)
    [monitor] = operator.json(["monitors", "list", "--json"])  # type: ignore[misc]
    assert (monitor["organisation"], monitor["channel"], monitor["active"]) == (
        "Sahel Watch",
        "console",
        True,
    )
    assert monitor["reports"] == 1
    [report] = operator.json(["reports", "list", "--json"])  # type: ignore[misc]
    assert (report["reporter_role"], report["organisation"]) == ("monitor", "Sahel Watch")
    assert (report["source_reliability"], report["info_credibility"]) == ("B", "2")

    revoked = operator.run(["monitors", "revoke", str(monitor["id"])])
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    again = operator.run(["monitors", "revoke", str(monitor["id"])])
    assert again.returncode == 1
    [after] = operator.json(["monitors", "list", "--json"])  # type: ignore[misc]
    assert after["active"] is False and after["revoked_at"]


def test_import_files_a_csv_as_the_monitors_reports(
    operator: Operator, shared_nlu: Nlu, tmp_path: Path
) -> None:
    enrol_in_the_shell(operator, str(invite(operator)["code"]))
    [monitor] = operator.json(["monitors", "list", "--json"])  # type: ignore[misc]
    path = tmp_path / "field-trip.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["what", "where", "victims", "source"],
                ["killing", "Mopti", "2", "C3"],
                ["arrest", "Gao", "3 men", ""],
                ["killing", "Xyzzyqwv", "", ""],
            ]
        )
    done = operator.run(["reports", "import", str(path), "--monitor", str(monitor["id"]), "--json"])
    assert done.returncode == 1, done.stderr  # one row was refused
    output = json.loads(done.stdout)
    assert [row["row"] for row in output["stored"]] == [2, 3]
    assert output["refused"][0]["row"] == 4
    assert "not on the map" in output["refused"][0]["faults"][0]
    reports = operator.json(["reports", "list", "--json"])
    assert isinstance(reports, list) and len(reports) == 2
    assert {report["channel"] for report in reports} == {"import"}
    assert {report["organisation"] for report in reports} == {"Sahel Watch"}


def test_import_needs_an_active_monitor(operator: Operator, tmp_path: Path) -> None:
    path = tmp_path / "trip.csv"
    path.write_text("what,where\nkilling,Mopti\n", encoding="utf-8")
    done = operator.run(["reports", "import", str(path), "--monitor", "999"])
    assert done.returncode == 2
    assert "no active monitor 999" in done.stderr


def test_monitors_list_shows_open_invites_until_they_are_used(
    operator: Operator, shared_nlu: Nlu
) -> None:
    first = invite(operator, "--expires", "12h")
    second = operator.json(
        ["monitors", "invite", "--org", "Kidal Rights", "--expires", "3d", "--json"]
    )
    assert isinstance(second, dict)
    listing = operator.run(["monitors", "list"]).stdout
    assert "no monitors" in listing and "open invites:" in listing
    lines = listing.splitlines()
    [line_1] = [line for line in lines if line.strip().startswith(str(first["code"])[:4] + "-")]
    [line_2] = [line for line in lines if line.strip().startswith(str(second["code"])[:4] + "-")]
    assert "Sahel Watch" in line_1 and "Kidal Rights" in line_2
    expires = datetime.fromisoformat(str(first["expires_at"]))
    assert f"until {expires:%Y-%m-%d %H:%M} UTC" in line_1
    assert str(first["code"])[5:] not in listing  # the rest of the code stays secret
    assert lines.index(line_1) < lines.index(line_2)  # soonest to expire first

    enrol_in_the_shell(operator, str(first["code"]))
    after = operator.run(["monitors", "list"]).stdout
    assert str(first["code"])[:4] + "-" not in after
    assert str(second["code"])[:4] + "-" in after
