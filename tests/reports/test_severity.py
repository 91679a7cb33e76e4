"""Severity follows the taxonomy's definition of critical."""

from __future__ import annotations

import pytest

from reports.severity import compute_severity


@pytest.mark.parametrize(
    ("category", "options", "expected"),
    [
        ("killing", {"victims": 3}, "critical"),
        ("killing", {"victims": 1}, "high"),
        ("sexual_violence", {"affected_groups": {"children": 1}}, "critical"),
        ("sexual_violence", {"affected_groups": {"women": 1}}, "high"),
        ("arbitrary_detention", {"immediate_danger": True}, "critical"),
        ("arbitrary_detention", {}, "medium"),
        ("physical_assault", {"affected_groups": {"children": 2}}, "high"),
        ("other", {}, "low"),
        ("other", {"immediate_danger": True}, "high"),
    ],
)
def test_severity(category: str, options: dict, expected: str) -> None:
    assert compute_severity(category, **options) == expected
