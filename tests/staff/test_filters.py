"""Reading the case filter from a query string (shared by lists, API, exports, map, charts)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from multidict import MultiDict

from staff.filters import CaseFilter, Cursor, FilterError


def test_repeated_and_comma_separated_values_both_count() -> None:
    query = MultiDict([("status", "received"), ("status", "triaged,verified"), ("country", "ml")])
    found = CaseFilter.from_query(query)
    assert found.status == ("received", "triaged", "verified") and found.country == ("ML",)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("status", "lost"),
        ("severity", "apocalyptic"),
        ("role", "soldier"),
        ("country", "MALI"),
        ("since", "yesterday"),
        ("period", "1y"),
        ("limit", "0"),
        ("confidential", "maybe"),
        ("cursor", "%%%"),
    ],
)
def test_a_bad_value_is_refused_naming_its_parameter(name: str, value: str) -> None:
    with pytest.raises(FilterError, match=name):
        CaseFilter.from_query(MultiDict([(name, value)]))


def test_a_filter_survives_its_own_query_string_and_a_cursor_its_encoding() -> None:
    query = MultiDict(
        [("category", "killing"), ("period", "7d"), ("needs_action", "yes"), ("q", "TX-AB")]
    )
    found = CaseFilter.from_query(query)
    assert CaseFilter.from_query(MultiDict(found.to_query())) == found
    mark = Cursor(datetime(2026, 3, 1, 12, 30, tzinfo=UTC), 4321)
    assert Cursor.decode(mark.encode()) == mark
