"""The words of each line of the case list, worked out in Python before the template runs.

A page of the list is fifty lines of eleven cells; asked of the template, each label, date
and link is a call through Jinja's context (a quarter of a list page's CPU went there).
Here each line is one call, and a label is looked up once per language and code, not once
per cell: the same categories, statuses and severities fill every page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

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
from staff.caselist import CaseRow, age_text
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


def line_cells(row: CaseRow, language: str, case_url_prefix: str) -> Cells:
    """The cells of `row`; `case_url_prefix` + reference is the case page's address."""
    report = row.report
    desk_words = translator(language)
    if report.erased:
        where = desk_words("Erased")
    else:
        where = report.place or ""
        if report.admin_area and report.admin_area != report.place:
            where += f", {report.admin_area}"
        where += f" {report.country or ''}"
    perpetrator = label_of("perpetrator", report.perpetrator, language)
    if report.perpetrator_detail:
        perpetrator += f" ({report.perpetrator_detail})"
    if row.unit:
        perpetrator += f" · {row.unit}"
    when = aware(report.occurred_at)
    return Cells(
        reference=report.reference,
        url=case_url_prefix + report.reference,
        confidential=row.confidential,
        severity_code=report.severity,
        when=when.strftime("%Y-%m-%d %H:%M") if when else "—",
        where=where,
        categories="; ".join(label_of("category", code, language) for code in row.categories),
        perpetrator=perpetrator,
        affected=groups_of(report.affected_groups, report.victims, language),
        severity=label_of("severity", report.severity, language),
        status=label_of("status", report.status, language),
        cluster_size=row.cluster_size,
        age=age_text(row.age, desk_words),
        holder=row.holder or "",
    )
