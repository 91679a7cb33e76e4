"""Turning drafts into sealed rows and sealed rows back into views.

Each sealed column uses its own context string, so a ciphertext copied from one column (or one
report) into another fails authentication instead of being shown out of place.
"""

from __future__ import annotations

import hashlib
from typing import Any

from reports.crypto import Keyring
from reports.models import Report, ReportMedia
from reports.records import MediaUpload, MediaView, ReportDraft, ReportView


def field_context(reference: str, column: str) -> str:
    return f"{reference}/{column}"


MAPPED_SOURCES = frozenset({"pin", "gazetteer"})


def all_categories(chosen: str, read: list[str]) -> list[str]:
    """The chosen category first, then every other category the NLU read."""
    return [chosen, *(c for c in dict.fromkeys(read) if c != chosen)]


def seal_report(keyring: Keyring, draft: ReportDraft, reference: str, severity: str) -> Report:
    """A new Report row; contact details are kept only with consent."""

    def seal(column: str, value: str | None) -> bytes | None:
        return keyring.encrypt_text(value, context=field_context(reference, column))

    contact = draft.contact if draft.consent_followup else None
    # a place name is kept in clear only when it came from the gazetteer or a pin; anything
    # else is the person's own words, kept sealed with the rest of what they wrote
    mapped = draft.location_source in MAPPED_SOURCES
    place, admin_area = (draft.place, draft.admin_area) if mapped else (None, None)
    location_text = draft.location_text or (None if mapped else draft.place)
    return Report(
        reference=reference,
        channel=draft.channel,
        reporter_pseudonym=draft.reporter_pseudonym,
        reporter_role=draft.reporter_role,
        organisation=draft.organisation,
        language=draft.language,
        category=draft.category,
        category_confidence=draft.category_confidence,
        categories=all_categories(draft.category, draft.categories),
        confidential_reading=draft.confidential_reading,
        relevant=draft.relevant,
        relevance=draft.relevance,
        perpetrator=draft.perpetrator,
        perpetrator_detail_enc=seal("perpetrator_detail", draft.perpetrator_detail),
        affected_groups=dict(draft.affected_groups),
        victims=draft.victims,
        occurred_at=draft.occurred_at,
        occurred_precision=draft.occurred_precision,
        occurred_text_enc=seal("occurred_text", draft.occurred_text),
        lat=draft.lat,
        lon=draft.lon,
        place=place,
        admin_area=admin_area,
        country=draft.country,
        location_precision=draft.location_precision,
        location_source=draft.location_source,
        location_text_enc=seal("location_text", location_text),
        description_enc=seal("description", draft.description),
        severity=severity,
        immediate_danger=draft.immediate_danger,
        consent_followup=draft.consent_followup and contact is not None,
        contact_enc=seal("contact", contact),
        source_reliability=draft.source_reliability,
        info_credibility=draft.info_credibility,
        status="received",
    )


def seal_media(keyring: Keyring, reference: str, upload: MediaUpload) -> ReportMedia:
    digest = hashlib.sha256(upload.content).hexdigest()
    return ReportMedia(
        kind=upload.kind,
        mime_type=upload.mime_type,
        size_bytes=len(upload.content),
        sha256=digest,
        content_enc=keyring.encrypt(
            upload.content, context=field_context(reference, f"media/{digest}").encode()
        ),
    )


def open_media(keyring: Keyring, reference: str, media: ReportMedia) -> bytes | None:
    if media.content_enc is None:
        return None
    return keyring.decrypt(
        media.content_enc, context=field_context(reference, f"media/{media.sha256}").encode()
    )


def open_report(
    keyring: Keyring,
    row: Report | Any,
    media: list[ReportMedia] | None = None,
    additions: list[str] | None = None,
) -> ReportView:
    """The decrypted view of a row: a `Report`, or a result row of some of its columns (a
    sealed column that was not selected reads as absent, so a list that selects no
    description decrypts none)."""

    def unseal(column: str) -> str | None:
        token = getattr(row, f"{column}_enc", None)
        return keyring.decrypt_text(token, context=field_context(row.reference, column))

    return ReportView(
        id=row.id,
        reference=row.reference,
        channel=row.channel,
        reporter_role=row.reporter_role,
        organisation=row.organisation,
        language=row.language,
        category=row.category,
        category_confidence=row.category_confidence,
        perpetrator=row.perpetrator,
        perpetrator_detail=unseal("perpetrator_detail"),
        affected_groups=dict(row.affected_groups or {}),
        victims=row.victims,
        occurred_at=row.occurred_at,
        occurred_precision=row.occurred_precision,
        place=row.place,
        admin_area=row.admin_area,
        country=row.country,
        lat=row.lat,
        lon=row.lon,
        location_precision=row.location_precision,
        location_source=row.location_source,
        description=unseal("description"),
        severity=row.severity,
        immediate_danger=row.immediate_danger,
        consent_followup=row.consent_followup,
        status=row.status,
        erased=row.erased,
        source_reliability=row.source_reliability,
        info_credibility=row.info_credibility,
        created_at=row.created_at,
        updated_at=row.updated_at,
        media=tuple(
            MediaView(m.id, m.kind, m.mime_type, m.size_bytes, m.sha256) for m in (media or [])
        ),
        additions=tuple(additions or ()),
        categories=tuple(row.categories or (row.category,)),
        confidential_reading=row.confidential_reading,
        relevant=row.relevant,
        relevance=row.relevance,
        location_text=unseal("location_text"),
    )


def open_contact(keyring: Keyring, row: Report) -> str | None:
    """The reporter's contact address, present only when they consented to follow-up."""
    return keyring.decrypt_text(row.contact_enc, context=field_context(row.reference, "contact"))
