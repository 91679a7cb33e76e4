"""The registry of supported security-force units, and matching a report against it.

Units that receive support (training, equipment, funding) must be watched closely: a report
whose perpetrator detail or account names one is flagged on its alert and can be routed by the
rules.
Names are compared folded (case, accents, punctuation ignored) on word boundaries, so "8e
GTIA" matches "les soldats du 8E GTIA" but "GTIA 8" does not match "GTIA 81".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from escalation.loading import RulesError, describe
from escalation.rules import Duration


class Threshold(BaseModel):
    """So many reports naming the unit within the window raise a staff alert of their own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reports: int = Field(ge=1)
    window: Duration = timedelta(days=30)


class Unit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_\-]{1,64}$")
    name: str
    country: str | None = None
    aliases: list[str] = []
    threshold: Threshold | None = None


class _Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    units: list[Unit] = []


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


@dataclass(frozen=True)
class UnitRegistry:
    units: tuple[Unit, ...] = ()

    def __post_init__(self) -> None:
        patterns = []
        for unit in self.units:
            for name in (unit.name, *unit.aliases):
                folded = fold(name)
                if folded:
                    patterns.append((re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)"), unit))
        object.__setattr__(self, "_patterns", tuple(patterns))

    def match(self, perpetrator_text: str | None, country: str | None = None) -> Unit | None:
        """The first unit named in the text (restricted to the report's country when both
        are known)."""
        if not perpetrator_text:
            return None
        folded = fold(perpetrator_text)
        for pattern, unit in self._patterns:  # type: ignore[attr-defined]
            if unit.country and country and unit.country.upper() != country.upper():
                continue
            if pattern.search(folded):
                return unit
        return None

    def match_any(self, texts: Iterable[str | None], country: str | None = None) -> Unit | None:
        """The first unit named in any of the texts: a person names a unit in the account
        ("Soldiers of the 8e GTIA ...") as often as in the perpetrator detail or a monitor's
        `who`, and the NLU may keep only "Soldiers" as the perpetrator."""
        for text in texts:
            unit = self.match(text, country)
            if unit is not None:
                return unit
        return None


def load_units(path: str | Path | None) -> UnitRegistry:
    if not path:
        return UnitRegistry()
    source = Path(path)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise RulesError(f"{source}: cannot read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise RulesError(f"{source}: not valid YAML ({error})") from None
    try:
        registry = _Registry.model_validate(raw)
    except ValidationError as error:
        raise RulesError(describe(error, source)) from None
    return UnitRegistry(tuple(registry.units))
