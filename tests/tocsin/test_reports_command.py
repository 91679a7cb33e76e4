"""`tocsin reports list`, read by an operator: a header, an honest cut, every place, offsets.

The real entry point `tocsin.cli.main` runs in this process; the reports are filed through the
storage layer the bots use, on a scratch SQLite database.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reports.crypto import Keyring
from reports.database import create_engine, upgrade_schema
from reports.monitors import MonitorStore
from reports.records import ReportDraft
from reports.storage import ReportStore
from tests.conftest import TEST_SECRET
from tocsin.cli import main


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def tocsin(
    sqlite_url: str,
    nlu_cache_dir: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    """Runs `tocsin …` with the deployment's environment and returns what it printed."""
    monkeypatch.setenv("TOCSIN_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TOCSIN_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("TOCSIN_CACHE_DIR", str(nlu_cache_dir))

    def run(*arguments: str) -> Done:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        try:
            code = main(list(arguments))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return Done(code, out, err)

    return run


def file_reports(database_url: str, *drafts: ReportDraft) -> list[str]:
    """Store `drafts` as the bots would; their references, in filing order."""

    async def submit() -> list[str]:
        await upgrade_schema(database_url)
        engine = create_engine(database_url)
        try:
            store = ReportStore(engine, Keyring([TEST_SECRET.encode()]))
            return [(await store.submit(draft)).reference for draft in drafts]
        finally:
            await engine.dispose()

    return asyncio.run(submit())


def draft(**fields: object) -> ReportDraft:
    values: dict[str, object] = {
        "channel": "console",
        "reporter_pseudonym": "p" * 64,
        "language": "en",
        "category": "arbitrary_arrest",
        "description": "soldiers took three men from the market",
    }
    values.update(fields)
    return ReportDraft(**values)  # type: ignore[arg-type]


MAPPED = {
    "place": "Mopti",
    "country": "ML",
    "lat": 14.49,
    "lon": -4.19,
    "location_source": "gazetteer",
}


def test_reports_list_prints_a_header_row_above_the_reports(tocsin, sqlite_url: str) -> None:
    [reference] = file_reports(sqlite_url, draft(**MAPPED))
    lines = tocsin("reports", "list").stdout.splitlines()
    assert lines[0].split()[:2] == ["reference", "created"]
    assert "category" in lines[0] and "status" in lines[0] and "place" in lines[0]
    assert lines[1].startswith(reference) and "Mopti" in lines[1]


def test_reports_list_says_when_its_limit_cut_the_listing(tocsin, sqlite_url: str) -> None:
    file_reports(sqlite_url, draft(**MAPPED), draft(**MAPPED), draft(**MAPPED))
    cut = tocsin("reports", "list", "--limit", "2")
    assert len(cut.stdout.splitlines()) == 1 + 2
    assert "2 of 3; --limit 0 for all" in cut.stderr
    everything = tocsin("reports", "list", "--limit", "0")
    assert len(everything.stdout.splitlines()) == 1 + 3
    assert "of 3" not in everything.stderr
    as_json = tocsin("reports", "list", "--limit", "1", "--json")
    assert len(json.loads(as_json.stdout)) == 1 and "1 of 3" in as_json.stderr


def test_reports_list_refuses_a_negative_limit(tocsin) -> None:
    done = tocsin("reports", "list", "--limit", "-1")
    assert done.returncode == 2 and "--limit" in done.stderr


def test_reports_list_shows_a_typed_place_that_was_not_on_the_map(tocsin, sqlite_url: str) -> None:
    file_reports(sqlite_url, draft(place="behind the old mill of Kassa", location_source="text"))
    line = tocsin("reports", "list").stdout.splitlines()[1]
    assert '"behind the old mill of Kassa" (not on the map)' in line
    [report] = json.loads(tocsin("reports", "list", "--json").stdout)
    assert report["place"] is None  # never stored in clear: it is the person's own words
    assert report["location_text"] == "behind the old mill of Kassa"


def test_reports_list_json_timestamps_carry_their_utc_offset(tocsin, sqlite_url: str) -> None:
    occurred = datetime(2026, 3, 1, 9, 30)
    file_reports(sqlite_url, draft(occurred_at=occurred, occurred_precision="hour", **MAPPED))
    [report] = json.loads(tocsin("reports", "list", "--json").stdout)
    assert report["created_at"].endswith("+00:00")
    assert datetime.fromisoformat(report["created_at"]).utcoffset() is not None
    assert report["occurred_at"] == "2026-03-01T09:30:00+00:00"


def enrol_monitor(database_url: str) -> int:
    """A monitor of Sahel Watch, enrolled with an invite code as on the console channel."""

    async def enrol() -> int:
        await upgrade_schema(database_url)
        engine = create_engine(database_url)
        try:
            monitors = MonitorStore(engine, Keyring([TEST_SECRET.encode()]))
            invite = await monitors.create_invite("Sahel Watch", timedelta(days=1))
            await monitors.enrol("m" * 64, "console", invite.code)
            [monitor] = await monitors.list_monitors()
            return monitor.id
        finally:
            await engine.dispose()

    return asyncio.run(enrol())


def write_csv(path: Path, *rows: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["what", "where", "victims"], *rows])
    return path


def test_importing_the_same_file_twice_stores_nothing_new_and_says_so(
    tocsin, sqlite_url: str, shared_nlu: object, tmp_path: Path
) -> None:
    monitor = str(enrol_monitor(sqlite_url))
    rows = [["killing", "Mopti", "2"], ["arrest", "Gao", "3 men"], ["killing", "Xyzzyqwv", ""]]
    path = write_csv(tmp_path / "trip.csv", *rows)

    first = tocsin("reports", "import", str(path), "--monitor", monitor)
    assert first.returncode == 1, first.stderr  # row 4 is not on the map
    assert first.stdout.splitlines()[-1] == (
        "imported 2, skipped 0 already imported, 1 refused (rows 4)"
    )
    assert "/myreports" not in first.stdout  # a terminal, not a chat

    again = tocsin("reports", "import", str(path), "--monitor", monitor)
    assert again.stdout.splitlines()[-1] == (
        "imported 0, skipped 2 already imported, 1 refused (rows 4)"
    )
    assert len(json.loads(tocsin("reports", "list", "--json").stdout)) == 2

    # the same rows retyped with other spacing and case, and one new row
    grown = write_csv(
        tmp_path / "trip-2.csv",
        ["Killing ", " mopti", "2"],
        ["arrest", "Gao", "3 men"],
        ["arrest", "Timbuktu", "1"],
    )
    output = json.loads(
        tocsin("reports", "import", str(grown), "--monitor", monitor, "--json").stdout
    )
    assert output["skipped"] == [2, 3] and [row["row"] for row in output["stored"]] == [4]
    assert len(json.loads(tocsin("reports", "list", "--json").stdout)) == 3


def test_importing_many_rows_logs_the_import_once_not_each_row(
    tocsin, sqlite_url: str, shared_nlu: object, tmp_path: Path
) -> None:
    monitor = str(enrol_monitor(sqlite_url))
    places = ["Mopti", "Gao", "Timbuktu", "Kidal", "Segou"]
    rows = [["arrest", places[n % 5], str(n + 1)] for n in range(200)]  # 200 different rows
    done = tocsin(
        "reports", "import", str(write_csv(tmp_path / "big.csv", *rows)), "--monitor", monitor
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1].startswith("imported 200, skipped 0")
    info = [line for line in done.stderr.splitlines() if " INFO " in line]
    assert len(info) <= 3, info[:5]
    assert "report stored" not in done.stderr
