"""A monitor's CSV or XLSX file of reports: good rows stored, the others named with why."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

from openpyxl import Workbook

from bot.messages import MediaRef
from tests.bot.conversation import REFERENCE, Person
from tests.bot.monitors.test_template_reports import own_reports, text_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["what", "where", "when", "who", "victims", "source", "text"]
GOOD_ROWS = [
    ["killing", "Mopti", "2025-03-12 18:00", "army", "2", "B2", "two herders shot"],
    ["arrest", "14.4843,-4.1830", "yesterday", "police", "3 men", "A1", ""],
]
BAD_ROWS = [
    ["killing", "Xyzzyqwv", "", "", "", "", ""],  # row 4: place not on the map
    ["arrest", "", "", "", "", "Q7", ""],  # row 5: no place, bad grading
]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def document(path: Path, mime_type: str | None) -> MediaRef:
    async def fetch() -> bytes:
        return await asyncio.to_thread(path.read_bytes)

    return MediaRef(
        kind="document",
        fetch=fetch,
        mime_type=mime_type,
        size=path.stat().st_size,
        file_name=path.name,
    )


async def test_a_csv_stores_its_good_rows_and_names_the_bad_ones(
    monitor: Person, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "trip.csv", [HEADER, *GOOD_ROWS, *BAD_ROWS])
    reply = text_of(await monitor.send(media_ref=document(path, "text/csv")))
    assert "2 of 4 rows stored" in reply
    assert len(REFERENCE.findall(reply)) == 2
    assert "row 4 “where: Xyzzyqwv”: this place is not on the map" in reply
    assert "row 5: the “where” cell is empty" in reply
    assert "row 5 “source: Q7”: this is not a grading" in reply
    views = await own_reports(monitor)
    assert sorted(view.category for view in views) == ["arbitrary_detention", "killing"]
    assert all(view.reporter_role == "monitor" for view in views)
    assert {(view.source_reliability, view.info_credibility) for view in views} == {
        ("B", "2"),
        ("A", "1"),
    }


async def test_an_xlsx_with_french_columns_and_real_cell_types_is_read(
    monitor: Person, tmp_path: Path
) -> None:
    from datetime import datetime

    rows: list[list[object]] = [
        ["quoi", "où", "quand", "victimes", "danger"],
        ["pillage", "Gao", datetime(2025, 3, 12, 18, 0), 3, "oui"],
        ["arrestation", "Bamako", None, None, "peut-être"],
    ]
    path = write_xlsx(tmp_path / "mission.xlsx", rows)
    reply = text_of(await monitor.send(media_ref=document(path, XLSX)))
    assert "1 of 2 rows stored" in reply
    assert "row 3 “danger: peut-être”" in reply
    [view] = await own_reports(monitor)
    assert (view.category, view.place, view.victims) == ("property_destruction_looting", "Gao", 3)
    assert view.occurred_at is not None and (view.occurred_at.month, view.occurred_at.hour) == (
        3,
        18,
    )
    assert view.immediate_danger is True
    assert view.language == "fr"


async def test_a_semicolon_separated_csv_is_read_too(monitor: Person, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", [HEADER, GOOD_ROWS[0]], delimiter=";")
    reply = text_of(await monitor.send(media_ref=document(path, None)))
    assert "1 of 1 rows stored" in reply


async def test_a_file_with_unknown_columns_stores_nothing(monitor: Person, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "trip.csv", [["what", "where", "notes"], ["killing", "Mopti", "x"]])
    reply = text_of(await monitor.send(media_ref=document(path, "text/csv")))
    assert "not keys of the template: notes" in reply
    assert await own_reports(monitor) == []


async def test_a_file_without_a_place_column_stores_nothing(
    monitor: Person, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "trip.csv", [["what", "when"], ["killing", "yesterday"]])
    assert "needs the columns where" in text_of(
        await monitor.send(media_ref=document(path, "text/csv"))
    )


async def test_a_broken_spreadsheet_is_answered_not_crashed_on(
    monitor: Person, tmp_path: Path
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    reply = text_of(await monitor.send(media_ref=document(path, XLSX)))
    assert "cannot be read as a CSV or Excel table" in reply


async def test_a_community_members_csv_is_evidence_not_a_file_of_reports(
    community: Person, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "trip.csv", [HEADER, *GOOD_ROWS])
    reply = text_of(await community.send(media_ref=document(path, "text/csv")))
    assert "rows stored" not in reply
    assert await own_reports(community) == []
