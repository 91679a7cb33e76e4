"""Showing when something happened at the precision it was told.

"Last week" is not a day: it is shown as "the week of 23 November"; "in December" as
"December 2026"; "yesterday evening" as the day and "evening". Showing more precision than
the person gave would make them doubt what was understood, or correct what was right.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_date, format_datetime, format_skeleton

from locales.i18n import N_, Translator

# The hour of the day the NLU gives a part of the day -> how it is named.
PARTS_OF_DAY: tuple[tuple[int, str], ...] = (
    (5, N_("{day}, at night")),
    (12, N_("{day}, in the morning")),
    (18, N_("{day}, in the afternoon")),
    (22, N_("{day}, in the evening")),
    (24, N_("{day}, at night")),
)


def format_when(occurred: str | None, precision: str | None, _: Translator) -> str:
    """The moment as precisely as it was read, in the conversation's language."""
    if not occurred:
        return _("not given")
    moment = datetime.fromisoformat(occurred)
    locale = _.language
    if precision in ("minute", "hour"):
        return format_datetime(moment, format="medium", locale=locale)
    day = format_date(moment, format="long", locale=locale)
    if precision == "part_of_day":
        phrase = next(text for limit, text in PARTS_OF_DAY if moment.hour < limit)
        return _(phrase, day=day)
    if precision == "week":
        monday = moment - timedelta(days=moment.weekday())
        return _(
            "the week of {day}",
            day=format_skeleton("MMMMd", monday, locale=locale),
        )
    if precision == "month":
        return format_skeleton("yMMMM", moment, locale=locale)
    if precision == "year":
        return format_skeleton("y", moment, locale=locale)
    return day
