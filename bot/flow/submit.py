"""Turning a finished conversation into a stored report, and telling the person its reference.

The reference is shown only after the storage transaction has committed, so a person who
saw it can rely on the report surviving a crash.
"""

from __future__ import annotations

import base64
from datetime import datetime

from bot.draft import Draft
from bot.flow.turn import Turn
from reports.records import MediaUpload, ReportDraft, ReportView


def _description(draft: Draft) -> str | None:
    text = draft.description
    extra = draft.affected_text
    if extra:
        text = f"{text}\n\n[affected] {extra}" if text else f"[affected] {extra}"
    return text


def _categories(draft: Draft) -> list[str]:
    """The person's pick first, then every other act the NLU read in the account."""
    chosen = draft.category or "other"
    return [chosen, *(c for c in draft.categories if c != chosen)]


def build_draft(
    turn: Turn, *, role: str = "community", organisation: str | None = None
) -> ReportDraft:
    """A ReportDraft from the session's answers."""
    draft = turn.draft
    occurred = draft.occurred_at
    consent = bool(draft.consent_followup)
    return ReportDraft(
        channel=turn.inbound.channel,
        reporter_pseudonym=turn.session.pseudonym,
        reporter_role=role,
        organisation=organisation,
        language=turn.language,
        category=draft.category or "other",
        category_confidence=draft.category_confidence,
        categories=_categories(draft),
        confidential_reading=draft.confidential_reading,
        relevant=draft.relevant,
        relevance=draft.relevance,
        description=_description(draft),
        perpetrator=draft.perpetrator,
        perpetrator_detail=draft.perpetrator_detail,
        affected_groups=dict(draft.affected_groups),
        victims=draft.victims,
        occurred_at=datetime.fromisoformat(occurred) if occurred else None,
        occurred_precision=draft.occurred_precision,
        occurred_text=draft.occurred_text,
        lat=draft.lat,
        lon=draft.lon,
        place=draft.place,
        admin_area=draft.admin_area,
        country=draft.country,
        location_precision=draft.location_precision,
        location_source=draft.location_source,
        location_text=draft.location_text,
        immediate_danger=draft.immediate_danger,
        consent_followup=consent,
        contact=f"{turn.inbound.channel}:{turn.inbound.sender_id}" if consent else None,
        media=[
            MediaUpload(
                kind=item["kind"],
                content=base64.b64decode(item["content"]),
                mime_type=item.get("mime_type"),
            )
            for item in draft.media
        ],
    )


async def submit_report(turn: Turn) -> ReportView:
    """Store the report, forget the draft, and give the person the reference."""
    _ = turn._
    role, organisation = await turn.services.reporter_profile(turn.session.pseudonym)
    stored = await turn.services.store.submit(
        build_draft(turn, role=role, organisation=organisation)
    )
    turn.session.reset_report()
    turn.say(
        _(
            "Thank you. Your report has been received.\n"
            "Your reference is {reference}. Keep it: send /status {reference} to see what "
            "happens to it, or /add {reference} to add details. You can erase your data at any "
            "time with /delete.",
            reference=stored.reference,
        ),
        offers_clear_chat=True,
    )
    return stored
