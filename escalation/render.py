"""The words of a ping, in the staff member's language, and its buttons.

One plain-text rendering serves Telegram (sent without parse mode, so nothing needs escaping)
and the e-mail body; the HTML e-mail wraps the same lines. A confidential alert says only that
it exists, its reference, severity and country: the details stay in the case system.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from babel.dates import format_datetime

from escalation.cards import AlertCard
from locales.i18n import Translator
from locales.labels import (
    CATEGORY_LABELS,
    PERPETRATOR_LABELS,
    SEVERITY_LABELS,
    describe_groups,
    label,
)

SEVERITY_MARKS = {"low": "⚪", "medium": "🟡", "high": "🟠", "critical": "🔴"}
ACTIONS: tuple[str, ...] = ("ack", "assign", "verify", "dismiss", "ask")
CALLBACK_PREFIX = "esc"


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes


def callback_data(action: str, alert_id: int) -> str:
    data = f"{CALLBACK_PREFIX}:{action}:{alert_id}"
    assert len(data.encode()) <= 64
    return data


def map_link(lat: float, lon: float) -> str:
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=13/{lat:.5f}/{lon:.5f}"
    )


def _when(moment: object, _: Translator) -> str:
    if moment is None:
        return _("not given")
    return format_datetime(moment, "d MMM y HH:mm 'UTC'", tzinfo="UTC", locale=_.language)


def _state_line(card: AlertCard, _: Translator) -> str:
    when = _when(card.acted_at, _) if card.acted_at else ""
    who = card.acted_by or "?"
    lines = {
        "open": _("Status: waiting for acknowledgement"),
        "acknowledged": _("Acknowledged by {who} at {when}", who=who, when=when),
        "verified": _("Verified by {who} at {when}", who=who, when=when),
        "dismissed": _("Dismissed by {who} at {when}", who=who, when=when),
    }
    line = lines.get(card.state, card.state)
    if card.assigned_to:
        line += "\n" + _("Assigned to {who}", who=card.assigned_to)
    return line


def _headline(card: AlertCard, _: Translator) -> str:
    mark = SEVERITY_MARKS.get(card.severity, "")
    severity = label(SEVERITY_LABELS, card.severity, _).upper()
    if card.confidential:
        return f"🔒 {severity} · " + _("Confidential report")
    return f"{mark} {severity} · {label(CATEGORY_LABELS, card.category, _)}"


def _incident_lines(card: AlertCard, _: Translator) -> list[str]:
    first = card.first
    lines: list[str] = []
    if first is None:
        return lines
    place = ", ".join(part for part in (first.place, card.admin_area, card.country) if part)
    lines.append(_("Place: {place}", place=place or _("not given")))
    if first.lat is not None and first.lon is not None:
        lines.append(_("Map: {link}", link=map_link(first.lat, first.lon)))
    lines.append(_("When: {when}", when=_when(first.occurred_at, _)))
    lines.append(_("Victims: {who}", who=describe_groups(first.affected_groups, first.victims, _)))
    force = label(PERPETRATOR_LABELS, first.perpetrator, _)
    lines.append(_("Perpetrator: {force}", force=force))
    if card.supported_unit:
        lines.append(_("Supported unit implicated: {unit}", unit=card.supported_unit))
    if first.immediate_danger:
        lines.append(_("Someone is in danger now."))
    roles = {report.reporter_role for report in card.reports}
    if "monitor" in roles:
        grading = "".join(filter(None, (first.source_reliability, first.info_credibility)))
        lines.append(_("Reported by a monitor ({grading})", grading=grading or "-"))
    else:
        lines.append(_("Reported by a community member"))
    if all(report.erased for report in card.reports):
        lines.append(_("The reporter erased this report."))
    return lines


def render_text(card: AlertCard, language: str, reminder_after: int | None = None) -> str:
    """The whole ping as plain text."""
    _ = Translator(language)
    lines: list[str] = []
    if reminder_after is not None:
        lines.append("⏰ " + _("Not acknowledged after {minutes} minutes.", minutes=reminder_after))
    if card.kind == "surge":
        lines.append(
            "📈 "
            + _(
                "Surge of reports in {area}: {count} in the last window, about {expected} "
                "expected.",
                area=", ".join(filter(None, (card.admin_area, card.country))),
                count=card.report_count,
                expected=f"{card.surge_expected or 0:.1f}",
            )
        )
        lines.append(_state_line(card, _))
        return "\n".join(lines)
    if card.kind == "unit":
        lines.append(
            "🪖 "
            + _(
                "Supported unit {unit} named in {count} reports in the window; its threshold "
                "is {threshold}.",
                unit=card.supported_unit or "-",
                count=card.report_count,
                threshold=f"{card.surge_expected or 0:.0f}",
            )
        )
        lines.append(_state_line(card, _))
        return "\n".join(lines)
    lines.append(_headline(card, _))
    if not card.reports:  # erased or moved out; such an incident is dismissed by no one
        lines.append(_("No report is left in this incident: it was erased or moved to another."))
        return "\n".join(lines)
    references = card.references
    if references:
        lines.append(_("Reference: {reference}", reference=references[0]))
    if card.report_count > 1:
        lines.append(_("Reports of this incident: {count}", count=card.report_count))
        lines.append(_("Also: {references}", references=", ".join(references[1:6])))
    if card.confidential:
        lines.append(_("Country: {country}", country=card.country or "-"))
        lines.append(_("Details are withheld from pings; open the report in the case system."))
    else:
        lines.extend(_incident_lines(card, _))
    lines.append(_state_line(card, _))
    return "\n".join(lines)


def render_html(text: str) -> str:
    """The e-mail's HTML part: the same lines, escaped, links clickable."""
    parts = []
    for line in text.splitlines():
        escaped = html.escape(line)
        if "https://" in line:
            start = escaped.index("https://")
            url = escaped[start:]
            escaped = f'{escaped[:start]}<a href="{url}">{url}</a>'
        parts.append(f'<p style="margin:0 0 4px 0">{escaped}</p>')
    return "<html><body>" + "".join(parts) + "</body></html>"


def buttons(card: AlertCard, language: str) -> list[list[Button]]:
    """Inline buttons of a ping: what staff can still do with the alert."""
    _ = Translator(language)
    if card.state in ("verified", "dismissed"):
        return []
    rows: list[list[Button]] = []
    first_row = []
    if card.state == "open":
        first_row.append(Button(_("Acknowledge"), callback_data("ack", card.alert_id)))
    if not card.assigned_to:
        first_row.append(Button(_("Assign to me"), callback_data("assign", card.alert_id)))
    if first_row:
        rows.append(first_row)
    if card.kind == "incident":
        rows.append(
            [
                Button(_("Verified"), callback_data("verify", card.alert_id)),
                Button(_("Dismiss"), callback_data("dismiss", card.alert_id)),
            ]
        )
        if any(report.consent_followup and not report.erased for report in card.reports):
            rows.append([Button(_("Ask reporter"), callback_data("ask", card.alert_id))])
    else:
        rows.append([Button(_("Dismiss"), callback_data("dismiss", card.alert_id))])
    return rows


def email_subject(card: AlertCard, language: str) -> str:
    _ = Translator(language)
    severity = label(SEVERITY_LABELS, card.severity, _)
    if card.kind == "surge":
        return "[Tocsin] " + _("Surge of reports in {area}", area=card.admin_area or "-")
    if card.kind == "unit":
        return "[Tocsin] " + _(
            "Supported unit over its threshold: {unit}", unit=card.supported_unit or "-"
        )
    if card.confidential:
        return "[Tocsin] " + _("Confidential report ({severity})", severity=severity)
    reference = card.references[0] if card.references else ""
    category = label(CATEGORY_LABELS, card.category, _)
    return f"[Tocsin] {severity.upper()}: {category} {reference}".strip()
