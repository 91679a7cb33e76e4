"""Every table that can hold what a person told us is known to erasure."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, inspect

import staff.models  # noqa: F401  (the staff desk's tables)
import tocsin.app  # noqa: F401  (the composition root imports every package's tables)
from reports.database import create_engine, upgrade_schema_sync
from reports.erasure import REGISTRY, personal_columns, uncovered
from reports.models import Base


def test_every_table_holding_person_data_is_covered_by_erasure() -> None:
    assert uncovered(Base.metadata) == []
    assert {"escalation_alerts", "whatsapp_outbound", "inbound_queue"} <= set(REGISTRY)


def test_a_new_table_with_a_sealed_or_personal_column_is_reported_until_covered() -> None:
    metadata = MetaData()
    Table(
        "notes", metadata, Column("id", Integer, primary_key=True), Column("text_enc", LargeBinary)
    )
    Table("sightings", metadata, Column("id", Integer, primary_key=True), Column("lat", Integer))
    Table(
        "tips",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("caller", String, info={"personal": True}),
    )
    Table("counters", metadata, Column("id", Integer, primary_key=True), Column("n", Integer))
    assert uncovered(metadata) == ["notes", "sightings", "tips"]
    assert personal_columns(metadata.tables["tips"]) == ["caller"]


async def test_every_table_of_a_migrated_database_is_in_the_metadata(tmp_path: Path) -> None:
    """A table created by a migration but never declared would escape the check above."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"
    await asyncio.to_thread(upgrade_schema_sync, url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    assert set(names) - {"alembic_version"} <= set(Base.metadata.tables)
