"""What monitors read back: a one-line summary of how each field was read, or the faults.

A monitor checks the summary against what they meant, so it shows the reading (the category's
label, the place found on the map with its country and coordinates, the time understood), not
their own words again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from babel.dates import format_date, format_time

from bot.draft import Draft
from bot.flow.places import describe_location
from bot.monitors.template import Fault
from bot.monitors.words import display_key
from locales.i18n import Translator
from locales.labels import CATEGORY_LABELS, PERPETRATOR_LABELS, describe_groups, label
from reports.records import ReportDraft

if TYPE_CHECKING:
    from bot.monitors.bulk import ImportResult

MAX_LISTED = 15  # faults or rows named in one chat message (channels cap ~4,096 chars)
TIME_PRECISIONS = frozenset({"minute", "hour", "part_of_day"})


def _when(at: datetime, precision: str | None, language: str) -> str:
    day = format_date(at, format="medium", locale=language)
    if precision in TIME_PRECISIONS:
        return f"{day} {format_time(at, format='short', tzinfo=at.tzinfo, locale=language)}"
    return day


def _danger(answer: bool | None, _: Translator) -> str:
    if answer is None:
        return _("I don't know")
    return _("Yes") if answer else _("No")


def summary(draft: ReportDraft, given: Sequence[str], _: Translator) -> str:
    """`what: …; who: …; where: …` for the fields the monitor gave, in the chat's language."""
    language = _.language
    parts = [f"{display_key('what', language)}: {label(CATEGORY_LABELS, draft.category, _)}"]
    if "who" in given:
        who = label(PERPETRATOR_LABELS, draft.perpetrator, _)
        if draft.perpetrator_detail:
            who += f" (“{draft.perpetrator_detail}”)"
        parts.append(f"{display_key('who', language)}: {who}")
    where = describe_location(
        Draft(
            place=draft.place,
            admin_area=draft.admin_area,
            country=draft.country,
            lat=draft.lat,
            lon=draft.lon,
        ),
        _,
    )
    parts.append(f"{display_key('where', language)}: {where}")
    if "when" in given and draft.occurred_at is not None:
        when = _when(draft.occurred_at, draft.occurred_precision, language)
        parts.append(f"{display_key('when', language)}: {when}")
    if "victims" in given:
        victims = describe_groups(draft.affected_groups, draft.victims, _)
        parts.append(f"{display_key('victims', language)}: {victims}")
    if "danger" in given:
        parts.append(f"{display_key('danger', language)}: {_danger(draft.immediate_danger, _)}")
    if "source" in given:
        grading = f"{draft.source_reliability}{draft.info_credibility}"
        parts.append(f"{display_key('source', language)}: {grading}")
    return "; ".join(parts)


def fault_line(fault: Fault, _: Translator, *, report: int | None = None) -> str:
    """One faulty line named with its number and its words, and why."""
    reason = _(fault.message, **fault.values)
    if fault.line is not None and fault.excerpt:
        return "• " + _(
            "line {line} “{excerpt}”: {reason}",
            line=fault.line,
            excerpt=fault.excerpt,
            reason=reason,
        )
    if report is not None:
        return "• " + _("report {number}: {reason}", number=report, reason=reason)
    return f"• {reason}"


def row_line(fault: Fault, _: Translator) -> str:
    """One faulty cell of a file, named by its spreadsheet row."""
    reason = _(fault.message, **fault.values)
    if fault.excerpt:
        return "• " + _(
            "row {row} “{excerpt}”: {reason}", row=fault.line, excerpt=fault.excerpt, reason=reason
        )
    return "• " + _("row {row}: {reason}", row=fault.line, reason=reason)


def import_lines(result: ImportResult, _: Translator) -> list[str]:
    """The reply to a file: how many rows were stored, which, and why the others were not."""
    lines = [_("{stored} of {total} rows stored.", stored=len(result.stored), total=result.total)]
    if 0 < len(result.stored) <= MAX_LISTED:
        lines.extend(
            _("row {row}: {reference}", row=row, reference=view.reference)
            for row, view in result.stored
        )
    elif result.stored:
        lines.append(_("Send /myreports to see the latest ones."))
    if result.skipped:
        lines.append(
            _(
                "{count} rows were already imported and were not stored again.",
                count=len(result.skipped),
            )
        )
    if result.refused:
        lines.append(_("Not stored:"))
        lines.extend(
            listed([row_line(fault, _) for _row, faults in result.refused for fault in faults], _)
        )
    return lines


def listed(lines: list[str], _: Translator) -> list[str]:
    """At most MAX_LISTED lines, then how many more there are."""
    if len(lines) <= MAX_LISTED:
        return lines
    rest = len(lines) - MAX_LISTED
    return [*lines[:MAX_LISTED], _("… and {count} more.", count=rest)]
