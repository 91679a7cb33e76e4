"""Times read relative to the message time, in each language, as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from nlu import Nlu
from tests.nlu.conftest import MESSAGE_TIME


@pytest.mark.parametrize(
    ("text", "language", "expected", "precision"),
    [
        ("yesterday evening", "en", datetime(2024, 5, 14, 19, tzinfo=UTC), "part_of_day"),
        ("hier soir", "fr", datetime(2024, 5, 14, 19, tzinfo=UTC), "part_of_day"),
        ("أمس", "ar", datetime(2024, 5, 14, tzinfo=UTC), "day"),
        ("jana usiku", "sw", datetime(2024, 5, 14, 23, tzinfo=UTC), "part_of_day"),
        ("siku tatu zilizopita", "sw", datetime(2024, 5, 12, tzinfo=UTC), "day"),
        ("anoche", "es", datetime(2024, 5, 14, 23, tzinfo=UTC), "part_of_day"),
        ("ontem", "pt", datetime(2024, 5, 14, tzinfo=UTC), "day"),
        ("avant-hier", "fr", datetime(2024, 5, 13, tzinfo=UTC), "day"),
        ("On 3 May 2020, soldiers", "en", datetime(2020, 5, 3, tzinfo=UTC), "day"),
        ("le 12 mars vers 18h30", "fr", datetime(2024, 3, 12, 18, 30, tzinfo=UTC), "minute"),
        ("il y a 3 jours", "fr", datetime(2024, 5, 12, tzinfo=UTC), "day"),
        ("منذ 3 أيام", "ar", datetime(2024, 5, 12, tzinfo=UTC), "day"),
        ("two weeks ago", "en", datetime(2024, 5, 1, tzinfo=UTC), "week"),
        ("hace una semana", "es", datetime(2024, 5, 8, tzinfo=UTC), "week"),
        ("lundi", "fr", datetime(2024, 5, 13, tzinfo=UTC), "day"),
        ("this morning at 6am", "en", datetime(2024, 5, 15, 6, tzinfo=UTC), "hour"),
        ("last week", "en", datetime(2024, 5, 8, tzinfo=UTC), "week"),
        ("the 3rd of May", "en", datetime(2024, 5, 3, tzinfo=UTC), "day"),
        ("3 مايو", "ar", datetime(2024, 5, 3, tzinfo=UTC), "day"),
        ("tarehe 3 Mei", "sw", datetime(2024, 5, 3, tzinfo=UTC), "day"),
    ],
)
def test_reads_relative_and_absolute_times(
    nlu: Nlu, text: str, language: str, expected: datetime, precision: str
) -> None:
    reading = nlu.parse_when(text, language=language, now=MESSAGE_TIME)
    assert reading is not None
    assert (reading.at, reading.precision) == (expected, precision)
    assert reading.at.tzinfo is not None and reading.at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-12 18:00", datetime(2024, 3, 12, 18, tzinfo=UTC)),
        ("2024-03-12T18:00", datetime(2024, 3, 12, 18, tzinfo=UTC)),
        ("le 2024/03/12 à 18h", datetime(2024, 3, 12, 18, tzinfo=UTC)),
        ("12/03/2024 18:00", datetime(2024, 3, 12, 18, tzinfo=UTC)),
    ],
)
def test_iso_dates_are_read_year_month_day(nlu: Nlu, text: str, expected: datetime) -> None:
    reading = nlu.parse_when(text, language="en", now=MESSAGE_TIME)
    assert reading is not None and reading.at == expected


def test_a_date_without_year_is_never_in_the_future(nlu: Nlu) -> None:
    reading = nlu.parse_when("le 28 décembre", language="fr", now=MESSAGE_TIME)
    assert reading is not None and reading.at == datetime(2023, 12, 28, tzinfo=UTC)


def test_a_clock_time_later_than_now_means_yesterday(nlu: Nlu) -> None:
    reading = nlu.parse_when("at 18h", language="en", now=MESSAGE_TIME)
    assert reading is not None and reading.at == datetime(2024, 5, 14, 18, tzinfo=UTC)


def test_local_message_time_is_converted_to_utc(nlu: Nlu) -> None:
    local = MESSAGE_TIME.astimezone(timezone(timedelta(hours=3)))
    reading = nlu.parse_when("yesterday at 20:00", language="en", now=local)
    assert reading is not None and reading.at == datetime(2024, 5, 14, 17, tzinfo=UTC)


def test_short_answers_fall_back_to_dateparser_in_the_reports_language(nlu: Nlu) -> None:
    reading = nlu.parse_when("en mars", language="fr", now=MESSAGE_TIME)
    assert reading is not None and reading.at.month == 3 and reading.at.year == 2024


@pytest.mark.parametrize("text", ["Mopti", "3", "the soldiers beat us", ""])
def test_no_time_in_text(nlu: Nlu, text: str) -> None:
    assert nlu.parse_when(text, language="en", now=MESSAGE_TIME) is None
