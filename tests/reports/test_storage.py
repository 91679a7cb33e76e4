"""Report storage on SQLite and PostgreSQL: atomic outbox, sealed columns, audit, erasure."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.crypto import Keyring
from reports.models import AuditEntry, OutboxEvent, Report
from reports.records import MediaUpload, ReportDraft
from reports.sealing import field_context
from reports.storage import ReportStore, StatusChangeError


def make_draft(keyring: Keyring, **fields: object) -> ReportDraft:
    person = fields.pop("person", uuid.uuid4().hex)
    values: dict = {
        "channel": "console",
        "reporter_pseudonym": keyring.pseudonym("console", str(person)),
        "language": "en",
        "category": "arbitrary_detention",
        "description": "Gendarmes took my cousin from the market in Mopti",
        "perpetrator": "gendarmerie",
        "affected_groups": {"men": 1},
        "victims": 1,
        "place": "Mopti",
        "country": "ML",
        "lat": 14.4843,
        "lon": -4.1827,
        "location_source": "gazetteer",
    }
    values.update(fields)
    return ReportDraft(**values)


async def test_submit_writes_report_and_outbox_event_together(
    store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    view = await store.submit(make_draft(keyring))
    async with database.connect() as connection:
        events = (
            await connection.execute(
                select(OutboxEvent.topic, OutboxEvent.payload).where(
                    OutboxEvent.report_id == view.id
                )
            )
        ).all()
    assert [(topic, payload["reference"]) for topic, payload in events] == [
        ("report.submitted", view.reference)
    ]
    assert view.severity == "medium"
    assert view.status == "received"


async def test_sensitive_columns_are_sealed_in_the_row(
    store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    draft = make_draft(
        keyring,
        consent_followup=True,
        contact="console:amina-contact",
        media=[MediaUpload("photo", b"\x89PNG evidence bytes", "image/png")],
    )
    view = await store.submit(draft)
    async with database.connect() as connection:
        row = (await connection.execute(select(Report.__table__).where(Report.id == view.id))).one()
        media = (await connection.execute(text("SELECT content_enc FROM report_media"))).all()
    assert b"Gendarmes took" not in row.description_enc
    assert b"amina-contact" not in row.contact_enc
    assert all(b"evidence bytes" not in bytes(m.content_enc) for m in media)
    assert view.media[0].sha256 == (
        __import__("hashlib").sha256(b"\x89PNG evidence bytes").hexdigest()
    )
    assert (await store.contact_of(view.reference, actor="relay")) == (
        "console",
        "console:amina-contact",
    )


async def test_contact_is_dropped_without_consent(store: ReportStore, keyring: Keyring) -> None:
    view = await store.submit(make_draft(keyring, consent_followup=False, contact="console:x"))
    assert await store.contact_of(view.reference, actor="relay") is None


async def test_reporter_sees_own_reports_only(store: ReportStore, keyring: Keyring) -> None:
    mine = await store.submit(make_draft(keyring, person="me"))
    pseudonyms_of_me = keyring.pseudonyms("console", "me")
    assert (await store.find_own(mine.reference, pseudonyms_of_me)).reference == mine.reference
    assert await store.find_own(mine.reference, keyring.pseudonyms("console", "other")) is None


async def test_add_details_appends_sealed_text_and_an_event(
    store: ReportStore, keyring: Keyring
) -> None:
    view = await store.submit(make_draft(keyring, person="adder"))
    pseudonyms = keyring.pseudonyms("console", "adder")
    assert await store.add_details(view.reference, pseudonyms, "They were released at night")
    assert not await store.add_details(view.reference, keyring.pseudonyms("console", "x"), "no")
    full = await store.get_report(view.reference, actor="staff:test")
    assert full.additions == ("They were released at night",)


async def test_erasure_wipes_content_but_keeps_an_erased_marker(
    store: ReportStore, keyring: Keyring
) -> None:
    view = await store.submit(
        make_draft(keyring, person="eraser", media=[MediaUpload("photo", b"img", "image/jpeg")])
    )
    assert await store.erase_reporter(keyring.pseudonyms("console", "eraser")) == 1
    erased = await store.get_report(view.reference, actor="staff:test")
    assert erased.erased
    assert erased.description is None and erased.lat is None and erased.place is None
    assert erased.media == ()
    assert await store.list_own(keyring.pseudonyms("console", "eraser")) == []


async def test_status_follows_the_lifecycle(store: ReportStore, keyring: Keyring) -> None:
    view = await store.submit(make_draft(keyring))
    await store.set_status(view.reference, "triaged", actor="staff:1")
    await store.set_status(view.reference, "under_verification", actor="staff:1")
    assert (await store.set_status(view.reference, "verified", actor="staff:1")).status == (
        "verified"
    )
    with pytest.raises(StatusChangeError):
        await store.set_status(view.reference, "received", actor="staff:1")


async def test_audit_log_is_append_only(
    store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    view = await store.submit(make_draft(keyring))
    await store.list_reports(actor="cli:operator")
    async with database.connect() as connection:
        actions = (await connection.execute(select(AuditEntry.actor, AuditEntry.action))).all()
        assert ("cli:operator", "listed") in actions
        with pytest.raises(DBAPIError, match="append-only"):
            await connection.execute(text("UPDATE audit_log SET actor = 'x'"))
        await connection.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            await connection.execute(
                text("DELETE FROM audit_log WHERE report_id = :id"), {"id": view.id}
            )


async def test_a_listing_audits_which_references_were_read(
    store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    first = await store.submit(make_draft(keyring))
    second = await store.submit(make_draft(keyring))
    await store.list_reports(actor="cli:operator", limit=1)
    async with database.connect() as connection:
        entries = (
            await connection.execute(
                select(AuditEntry.report_id, AuditEntry.detail).where(
                    AuditEntry.actor == "cli:operator", AuditEntry.action == "listed"
                )
            )
        ).all()
    assert entries == [(second.id, second.reference)]  # the newest only, not "1 reports"
    assert first.id not in {report_id for report_id, _detail in entries}


async def test_list_reports_is_newest_first(store: ReportStore, keyring: Keyring) -> None:
    first = await store.submit(make_draft(keyring))
    second = await store.submit(make_draft(keyring))
    listed = [view.reference for view in await store.list_reports(actor="cli:test")]
    assert listed.index(second.reference) < listed.index(first.reference)


@pytest.mark.parametrize("source", ["text", None])
async def test_a_place_not_from_the_gazetteer_or_a_pin_is_never_stored_in_clear(
    source: str | None, store: ReportStore, database: AsyncEngine, keyring: Keyring
) -> None:
    draft = make_draft(
        keyring, place="Ibrahim Keita", admin_area="Tahoua", lat=None, lon=None,
        location_source=source,
    )  # fmt: skip
    view = await store.submit(draft)
    async with database.connect() as connection:
        row = (
            await connection.execute(
                select(Report.place, Report.admin_area, Report.location_text_enc).where(
                    Report.id == view.id
                )
            )
        ).one()
    assert (row.place, row.admin_area) == (None, None)
    context = field_context(view.reference, "location_text")  # kept sealed, in their words
    assert keyring.decrypt_text(row.location_text_enc, context=context) == "Ibrahim Keita"
