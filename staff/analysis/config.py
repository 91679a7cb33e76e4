"""What the analysis pages need from the deployment, composed by `tocsin` at start.

The supported units and the desks (the rules' targets, to name the staff chats a report was
sent to) come from the escalation rules file; the tile server is optional: without it the
map draws the packaged country and region outlines only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from aiohttp import web

from escalation.loading import RulesError, load_rules
from escalation.units import UnitRegistry, load_units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisSettings:
    units: UnitRegistry = field(default_factory=UnitRegistry)
    desks: dict[str, str] = field(default_factory=dict)  # target address -> desk name
    tiles_url: str | None = None  # e.g. https://tiles.example.org/{z}/{x}/{y}.png

    @property
    def tiles_origin(self) -> str | None:
        """The tile server's origin, for the map page's Content-Security-Policy."""
        if not self.tiles_url:
            return None
        parsed = urlparse(self.tiles_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            return None
        return f"{parsed.scheme}://{parsed.netloc}"


ANALYSIS = web.AppKey("staff_analysis_settings", AnalysisSettings)


def load_analysis_settings(
    settings: object, rules_path: Path | None = None, tiles_url: str | None = None
) -> AnalysisSettings:
    """From the rules file the escalation worker uses; a broken file stops escalation at
    start with its own message, so here it only leaves units and desk names out."""
    try:
        ruleset = load_rules(settings, rules_path)
        units = load_units(ruleset.supported_units)
    except RulesError as error:
        log.warning("analysis: rules not read (%s); no unit registry", type(error).__name__)
        return AnalysisSettings(tiles_url=tiles_url)
    desks = {
        address: name for name, target in ruleset.targets.items() for address in target.addresses()
    }
    return AnalysisSettings(units=units, desks=desks, tiles_url=tiles_url)


def analysis_settings(request: web.Request) -> AnalysisSettings:
    """The deployment's analysis settings, or the defaults when `tocsin` gave none."""
    return request.config_dict.get(ANALYSIS) or AnalysisSettings()
