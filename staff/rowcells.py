"""The words of each line of the case list, worked out in Python before the template runs.

A page of the list is fifty lines of eleven cells; asked of the template, each label, date
and link is a call through Jinja's context (a quarter of a list page's CPU went there).
Here each line is one call, and a label is looked up once per language and code, not once
per cell: the same categories, statuses and severities fill every page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from escalation.clock import aware
from locales.i18n import Translator
from locales.labels import (
    CATEGORY_LABELS,
    PERPETRATOR_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    describe_groups,
    label,
)
from reports.crypto import Keyring
from reports.sealing import field_context
from staff.caselist import age_text, categories_of
from staff.i18n import translator

_TABLES = {
    "category": CATEGORY_LABELS,
    "status": STATUS_LABELS,
    "severity": SEVERITY_LABELS,
    "perpetrator": PERPETRATOR_LABELS,
}


@functools.cache
def words(language: str) -> Translator:
    """The shared catalogues' translator of `language` (taxonomy words), made once."""
    return Translator(language)


@functools.lru_cache(maxsize=4096)
def label_of(kind: str, code: str | None, language: str) -> str:
    """The translated label of `code` in table `kind` ("" when there is no code)."""
    return label(_TABLES[kind], code, words(language)) if code else ""


@functools.lru_cache(maxsize=4096)
def _groups(language: str, groups: tuple[tuple[str, int | None], ...], victims: int | None) -> str:
    return describe_groups(dict(groups), victims, words(language))


def groups_of(groups: dict[str, int | None] | None, victims: int | None, language: str) -> str:
    """ "3 women, children": who was affected, in `language`."""
    try:
        return _groups(language, tuple((groups or {}).items()), victims)
    except TypeError:  # a count that is not hashable: not cached
        return describe_groups(groups or {}, victims, words(language))


@dataclass(frozen=True, slots=True)
class Cells:
    """One line of the list, every cell already in words (the template escapes them)."""

    reference: str
    url: str
    confidential: bool
    severity_code: str | None
    when: str
    where: str
    categories: str
    perpetrator: str
    affected: str
    severity: str
    status: str
    cluster_size: int
    age: str
    holder: str


def line_cells(
    keyring: Keyring, found: Any, now: datetime, language: str, case_url_prefix: str
) -> Cells:
    """The cells of one row of `staff.caselist.read_lines`; `case_url_prefix` + reference is
    the case page's address."""
    desk_words = translator(language)
    if found.erased:
        where = desk_words("Erased")
    else:
        where = found.place or ""
        if found.admin_area and found.admin_area != found.place:
            where += f", {found.admin_area}"
        where += f" {found.country or ''}"
    perpetrator = label_of("perpetrator", found.perpetrator, language)
    if found.perpetrator_detail_enc is not None:
        context = field_context(found.reference, "perpetrator_detail")
        detail = keyring.decrypt_text(found.perpetrator_detail_enc, context=context)
        if detail:
            perpetrator += f" ({detail})"
    if found.unit:
        perpetrator += f" · {found.unit}"
    when = aware(found.occurred_at)
    received = aware(found.created_at) or now
    return Cells(
        reference=found.reference,
        url=case_url_prefix + found.reference,
        confidential=bool(found.confidential),
        severity_code=found.severity,
        when=when.strftime("%Y-%m-%d %H:%M") if when else "—",
        where=where,
        categories="; ".join(label_of("category", code, language) for code in categories_of(found)),
        perpetrator=perpetrator,
        affected=groups_of(dict(found.affected_groups or {}), found.victims, language),
        severity=label_of("severity", found.severity, language),
        status=label_of("status", found.status, language),
        cluster_size=found.cluster_size or 1,
        age=age_text(now - received, desk_words),
        holder=found.assigned_to or found.acted_by or "",
    )
