"""Exports of the reader's reports: CSV with HXL hashtags, XLSX, GeoJSON, streamed."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import hxl
import openpyxl
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.crypto import Keyring
from staff.analysis.columns import ALL_COLUMNS, Visibility
from staff.analysis.source import Scope, stream_records
from staff.analysis.writers import csv_chunks, geojson_chunks, xlsx_chunks
from staff.filters import CaseFilter, base_query
from tests.staff.analysis.seeding import T0, Seed, random_seeds, seed_reports

ANALYST = Visibility(free_text=True, confidential=True)
VIEWER = Visibility(free_text=False, confidential=False)
HXL_RULES = [
    ["#valid_tag", "#valid_required", "#valid_datatype", "#valid_value+min", "#valid_value+max"],
    ["#meta+id", "true", "", "", ""],
    ["#event+type", "true", "", "", ""],
    ["#geo+lat", "", "number", "-90", "90"],
    ["#geo+lon", "", "number", "-180", "180"],
    ["#affected+total", "", "number", "0", ""],
    ["#affected+f", "", "number", "0", ""],
    ["#date+reported", "true", "date", "", ""],
]


async def collect(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def everything(visibility: Visibility, role: str = "confidential") -> Scope:
    return Scope(base_query(CaseFilter(), role, T0), visibility)


async def test_csv_with_hxl_row_passes_libhxl_validation(
    database: AsyncEngine, keyring: Keyring
) -> None:
    await seed_reports(database, keyring, random_seeds(40))
    await seed_reports(database, keyring, [Seed(lat=None, lon=None, location_precision=None)], 41)
    scope = everything(ANALYST)
    body = await collect(
        csv_chunks(stream_records(database, scope, keyring), ANALYST.columns(), hxl=True)
    )
    errors: list[Any] = []
    schema = hxl.schema(HXL_RULES, callback=errors.append)
    dataset = hxl.data(io.BytesIO(body))
    assert schema.validate(dataset), [(e.message, e.value) for e in errors]
    tags = [column.display_tag for column in hxl.data(io.BytesIO(body)).columns]
    assert tags == [column.hxl for column in ANALYST.columns()]
    assert len(list(hxl.data(io.BytesIO(body)))) == 41


async def test_hxl_row_is_only_there_on_request(database: AsyncEngine, keyring: Keyring) -> None:
    await seed_reports(database, keyring, random_seeds(3))
    body = await collect(
        csv_chunks(stream_records(database, everything(VIEWER), keyring), VIEWER.columns())
    )
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0][0] == "reference"
    assert not rows[1][0].startswith("#")
    assert len(rows) == 4


async def test_geojson_parses_and_every_feature_has_valid_coordinates(
    database: AsyncEngine, keyring: Keyring
) -> None:
    seeds = list(random_seeds(30))
    seeds.append(Seed(lat=None, lon=None, location_precision="country"))
    seeds.append(Seed(lat=95.0, lon=10.0))  # out of range: never drawn
    await seed_reports(database, keyring, seeds)
    body = await collect(
        geojson_chunks(
            stream_records(database, everything(ANALYST), keyring), ANALYST.record_fields()
        )
    )
    collection = json.loads(body)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 30
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert -90 <= lat <= 90 and -180 <= lon <= 180
        assert (feature["properties"]["lat"], feature["properties"]["lon"]) == (lat, lon)
        assert feature["properties"]["description"].startswith("Report number")


async def test_viewer_export_has_no_free_text_and_no_confidential_flag(
    database: AsyncEngine, keyring: Keyring
) -> None:
    await seed_reports(
        database, keyring, [Seed(perpetrator_detail="le 8e GTIA", description="secret")]
    )
    records = [record async for record in stream_records(database, everything(VIEWER), keyring)]
    assert "description" not in records[0] and "perpetrator_detail" not in records[0]
    assert "confidential" not in records[0]
    for chunks in (
        csv_chunks(stream_records(database, everything(VIEWER), keyring), VIEWER.columns()),
        geojson_chunks(
            stream_records(database, everything(VIEWER), keyring), VIEWER.record_fields()
        ),
    ):
        body = (await collect(chunks)).decode()
        assert "secret" not in body and "GTIA" not in body and "description" not in body


async def test_spreadsheet_formulas_typed_by_a_reporter_stay_text(
    database: AsyncEngine, keyring: Keyring
) -> None:
    await seed_reports(database, keyring, [Seed(description='=HYPERLINK("http://x.test","y")')])
    body = await collect(
        xlsx_chunks(stream_records(database, everything(ANALYST), keyring), ANALYST.columns())
    )
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("description") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    text = await collect(
        csv_chunks(stream_records(database, everything(ANALYST), keyring), ANALYST.columns())
    )
    assert "'=HYPERLINK" in text.decode()


async def test_xlsx_has_the_hashtag_row_and_every_report(
    database: AsyncEngine, keyring: Keyring
) -> None:
    await seed_reports(database, keyring, random_seeds(25))
    body = await collect(
        xlsx_chunks(
            stream_records(database, everything(VIEWER), keyring), VIEWER.columns(), hxl=True
        )
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.values)
    assert list(rows[1]) == [column.hxl for column in VIEWER.columns()]
    assert len(rows) == 27
    assert {row[0] for row in rows[2:]} == {f"TX-0000-{n:04d}" for n in range(1, 26)}


async def test_rows_come_newest_first_with_the_incident_unit(
    database: AsyncEngine, keyring: Keyring
) -> None:
    await seed_reports(
        database,
        keyring,
        [Seed(created_at=T0, unit="GTIA 8"), Seed(created_at=T0 + timedelta(hours=1))],
    )
    records = [r async for r in stream_records(database, everything(ANALYST), keyring)]
    assert [r["reference"] for r in records] == ["TX-0000-0002", "TX-0000-0001"]
    assert [r["supported_unit"] for r in records] == [None, "GTIA 8"]


async def test_geojson_writer_holds_one_chunk_not_the_whole_export() -> None:
    record = {column.name: "x" * 20 for column in ALL_COLUMNS} | {"lat": 14.5, "lon": -4.1}
    fields = ANALYST.record_fields()

    async def many() -> AsyncIterator[dict[str, Any]]:
        for number in range(20_000):
            yield record | {"reference": f"TX-{number:08d}"}

    tracemalloc.start()
    total = 0
    async for chunk in geojson_chunks(many(), fields):
        total += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total > 20_000 * 500  # the export itself is over ten megabytes
    assert peak < total / 3  # a few chunks at most, never the export
