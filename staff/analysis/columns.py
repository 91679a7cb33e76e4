"""What one exported report looks like: its fields, their HXL hashtags, and who may read them.

An export record is the object of `tocsin reports list --json` less the reporter's contact,
plus the supported unit its incident names. Tabular exports (CSV, XLSX) flatten the affected
groups into one column per group; GeoJSON keeps the object. Free text a reporter typed
(description, how they named the force) is only in the exports of roles that may read it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nlu.taxonomy import AFFECTED_GROUPS

# HXL attributes for the taxonomy's affected groups (hxlstandard.org core schema where one
# exists: +f, +m, +children, +elderly, +idps).
GROUP_HXL: dict[str, str] = {
    "women": "#affected+f",
    "men": "#affected+m",
    "children": "#affected+children",
    "elderly": "#affected+elderly",
    "disabled": "#affected+disabled",
    "minority": "#affected+minority",
    "refugee_idp": "#affected+idps",
    "journalist_hrd": "#affected+journalists",
}


@dataclass(frozen=True)
class Column:
    """One column of a tabular export: the record field it shows and its HXL hashtag."""

    name: str
    hxl: str
    free_text: bool = False  # typed by the reporter: only for roles that may read it
    confidential_only: bool = False  # only meaningful to roles that see confidential cases


_BEFORE_GROUPS = (
    Column("reference", "#meta+id"),
    Column("created_at", "#date+reported"),
    Column("occurred_at", "#date+occurred"),
    Column("occurred_precision", "#date+occurred+precision"),
    Column("channel", "#meta+channel"),
    Column("reporter_role", "#meta+reporter_role"),
    Column("organisation", "#org+reporting"),
    Column("language", "#meta+lang"),
    Column("category", "#event+type"),
    Column("perpetrator", "#actor+type"),
    Column("supported_unit", "#actor+name+unit"),
    Column("perpetrator_detail", "#actor+description", free_text=True),
    Column("victims", "#affected+total"),
    Column("affected_groups_named", "#affected+type"),
)
_AFTER_GROUPS = (
    Column("place", "#loc+name"),
    Column("admin_area", "#adm1+name"),
    Column("country", "#country+code"),
    Column("lat", "#geo+lat"),
    Column("lon", "#geo+lon"),
    Column("location_precision", "#geo+precision"),
    Column("location_source", "#geo+source"),
    Column("severity", "#severity"),
    Column("immediate_danger", "#indicator+danger"),
    Column("status", "#status"),
    Column("erased", "#status+erased"),
    Column("source_reliability", "#meta+reliability"),
    Column("info_credibility", "#meta+credibility"),
    Column("confidential", "#meta+confidential", confidential_only=True),
    Column("description", "#description", free_text=True),
)
GROUP_COLUMNS = tuple(Column(f"affected_{group}", GROUP_HXL[group]) for group in AFFECTED_GROUPS)
ALL_COLUMNS: tuple[Column, ...] = (*_BEFORE_GROUPS, *GROUP_COLUMNS, *_AFTER_GROUPS)


@dataclass(frozen=True)
class Visibility:
    """What the reader's role may see in an export."""

    free_text: bool
    confidential: bool

    def columns(self) -> tuple[Column, ...]:
        return tuple(
            column
            for column in ALL_COLUMNS
            if (self.free_text or not column.free_text)
            and (self.confidential or not column.confidential_only)
        )

    def record_fields(self) -> frozenset[str]:
        """The fields of a JSON or GeoJSON record (affected groups as one object)."""
        names = {c.name for c in self.columns() if c not in GROUP_COLUMNS}
        names.discard("affected_groups_named")
        return frozenset({*names, "affected_groups"})


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands back naive datetimes that were stored in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return value


def flatten(record: dict[str, Any], columns: Iterable[Column]) -> list[Any]:
    """A record as one row of cells in the order of `columns`."""
    groups: dict[str, Any] = record.get("affected_groups") or {}
    cells: list[Any] = []
    for column in columns:
        name = column.name
        if name == "affected_groups_named":
            cells.append(" ".join(group for group in AFFECTED_GROUPS if group in groups))
        elif name.startswith("affected_") and name[len("affected_") :] in GROUP_HXL:
            cells.append(groups.get(name[len("affected_") :]))
        else:
            cells.append(record.get(name))
    return cells
