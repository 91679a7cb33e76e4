"""The analysis settings tocsin composes: units and desk names from the rules, the tile server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from staff.analysis.config import AnalysisSettings, load_analysis_settings

RULES = """
version: 1
targets:
  desk_ml: {telegram: ["-1001"], email: ["desk@example.org"]}
rules:
  - name: all
    chain: [{notify: [desk_ml]}]
supported_units: units.yml
"""
UNITS = """
units:
  - id: gtia-8
    name: GTIA 8
    country: ML
    threshold: {reports: 4, window: 14d}
"""


def test_units_thresholds_and_desk_names_come_from_the_rules_file(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(RULES)
    (tmp_path / "units.yml").write_text(UNITS)
    found = load_analysis_settings(None, rules_path=tmp_path / "rules.yml")
    (unit,) = found.units.units
    assert unit.threshold is not None
    assert (unit.threshold.reports, unit.threshold.window) == (4, timedelta(days=14))
    assert found.desks == {"telegram:-1001": "desk_ml", "email:desk@example.org": "desk_ml"}


def test_a_broken_rules_file_leaves_the_pages_without_units_rather_than_down(
    tmp_path: Path,
) -> None:
    (tmp_path / "rules.yml").write_text("targets: [not, a, mapping]")
    found = load_analysis_settings(None, rules_path=tmp_path / "rules.yml", tiles_url=None)
    assert found.units.units == () and found.desks == {}


def test_only_an_http_tile_server_is_allowed_into_the_map_policy() -> None:
    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert AnalysisSettings(tiles_url=tiles).tiles_origin == "https://tiles.example.org"
    assert AnalysisSettings(tiles_url="javascript:alert(1)").tiles_origin is None
    assert AnalysisSettings().tiles_origin is None
