"""The escalation rules: who hears about which alert, and who next when nobody acknowledges.

A rules file names targets (Telegram staff chats, e-mail addresses, signed webhooks), then
rules that match an alert's facts and give an escalation chain: the targets to notify at once
and the targets to notify after each delay without acknowledgement. Every rule that matches
applies. Confidential alerts (sexual violence, international personnel) match only the rules
marked `confidential`, which may name only confidential targets.

The schema is strict (unknown keys are errors) so a typo stops start-up instead of silently
routing a report nowhere; `escalation.loading` turns validation errors into clear lines.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from nlu.taxonomy import CATEGORIES, PERPETRATORS, SEVERITIES

log = logging.getLogger(__name__)

ALL_TARGETS = "all"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def parse_duration(value: object) -> timedelta:
    """`45s`, `10m`, `2h`, `1d`, `2w` or a number of seconds: the one reading of a duration,
    in the rules file as on the command line (`monitors invite --expires`)."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration like 30s, 10m, 2h, 1d or 2w")
    unit = match.group(2).lower() if match.group(2) else None
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[unit])


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookTarget(_Strict):
    url: str
    secret: str = Field(min_length=16, repr=False)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class Target(_Strict):
    """A named group of recipients; empty lists are allowed (a deployment may lack one)."""

    telegram: list[str] = []
    email: list[str] = []
    webhook: list[WebhookTarget] = []
    confidential: bool = False
    language: str = "en"

    @field_validator("telegram", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        return [str(item) for item in value] if isinstance(value, list) else value

    @field_validator("telegram")
    @classmethod
    def _chat_ids(cls, value: list[str]) -> list[str]:
        bad = [chat for chat in value if not re.fullmatch(r"-?\d+|@\w{5,}", chat)]
        if bad:
            raise ValueError(f"not Telegram chat ids: {', '.join(bad)}")
        return value

    @field_validator("email")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [address for address in value if not re.fullmatch(r"[^@\s]+@[^@\s]+", address)]
        if bad:
            raise ValueError(f"{len(bad)} e-mail address(es) are not valid")
        return value

    def addresses(self) -> list[str]:
        """Every recipient as a delivery target string: `telegram:<chat>`, `email:<addr>`..."""
        return [
            *(f"telegram:{chat}" for chat in self.telegram),
            *(f"email:{address}" for address in self.email),
            *(f"webhook:{hook.url}" for hook in self.webhook),
        ]


class Match(_Strict):
    """Facts an alert must have for a rule to apply; an absent key matches anything."""

    kind: Literal["incident", "surge", "unit"] = "incident"
    categories: list[str] | None = None
    severity: list[str] | None = None
    min_severity: str | None = None
    immediate_danger: bool | None = None
    countries: list[str] | None = None
    admin_areas: list[str] | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    perpetrators: list[str] | None = None
    reporter_roles: list[Literal["community", "monitor"]] | None = None
    supported_unit: bool | None = None
    units: list[str] | None = None
    min_cluster_size: int | None = Field(default=None, ge=1)
    source_reliability: list[Literal["A", "B", "C", "D", "E", "F"]] | None = None

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str] | None) -> list[str] | None:
        return _known(value, CATEGORIES)

    @field_validator("severity")
    @classmethod
    def _severities(cls, value: list[str] | None) -> list[str] | None:
        return _known(value, SEVERITIES)

    @field_validator("min_severity")
    @classmethod
    def _min_severity(cls, value: str | None) -> str | None:
        return _known([value], SEVERITIES)[0] if value is not None else None

    @field_validator("perpetrators")
    @classmethod
    def _perpetrators(cls, value: list[str] | None) -> list[str] | None:
        return _known(value, PERPETRATORS)

    @field_validator("countries")
    @classmethod
    def _countries(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [code for code in value if not re.fullmatch(r"[A-Za-z]{2}", code)]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-2 codes: {', '.join(bad)}")
        return [code.upper() for code in value]

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is not None and not (value[0] < value[2] and value[1] < value[3]):
            raise ValueError("bbox is [min_lon, min_lat, max_lon, max_lat]")
        return value


def _known(values: list[str] | None, allowed: tuple[str, ...]) -> list[str] | None:
    if values is None:
        return None
    bad = [value for value in values if value not in allowed]
    if bad:
        unknown = ", ".join(map(repr, bad))
        raise ValueError(f"unknown {unknown}; expected one of {', '.join(allowed)}")
    return values


class ChainStep(_Strict):
    after: Duration = timedelta(0)
    notify: list[str] = Field(min_length=1)


class Rule(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_\-]{1,40}$")
    match: Match = Match()
    confidential: bool = False
    chain: list[ChainStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Rule:
        delays = [step.after for step in self.chain]
        if delays != sorted(delays) or delays[0] != timedelta(0):
            raise ValueError("the chain starts at once (no `after`) and its delays increase")
        return self


class Confidentiality(_Strict):
    """What makes a report confidential: only confidential rules and targets see it."""

    categories: list[str] = ["sexual_violence"]
    perpetrators: list[str] = ["foreign_forces"]
    keywords: list[str] = []

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        return _known(value, CATEGORIES) or []

    @field_validator("perpetrators")
    @classmethod
    def _perpetrators(cls, value: list[str]) -> list[str]:
        return _known(value, PERPETRATORS) or []


class Clustering(_Strict):
    distance_km: float = Field(default=25.0, gt=0)
    window: Duration = timedelta(hours=12)
    min_text_similarity: float = Field(default=0.0, ge=0, le=1)


class Surge(_Strict):
    enabled: bool = True
    window: Duration = timedelta(hours=24)
    baseline: Duration = timedelta(days=14)
    min_reports: int = Field(default=5, ge=2)
    ratio: float = Field(default=3.0, ge=1)
    max_p_value: float = Field(default=0.001, gt=0, lt=1)


# Telegram's sending rate was once set here as well as in the settings; the one limiter now
# reads the settings alone (TOCSIN_TELEGRAM_PER_SECOND), and an old file's keys are ignored.
RETIRED_DELIVERY_KEYS = ("telegram_per_second", "telegram_per_chat_per_minute")


class DeliveryPolicy(_Strict):
    """Retries, back-off and claim leases of staff deliveries."""

    max_attempts: int = Field(default=10, ge=1)
    backoff: Duration = timedelta(seconds=2)
    max_backoff: Duration = timedelta(minutes=10)
    lease: Duration = timedelta(seconds=60)
    poll_interval: Duration = timedelta(seconds=2)

    @model_validator(mode="before")
    @classmethod
    def _drop_retired_keys(cls, data: object) -> object:
        """Rules files written before the one Telegram limiter still load, with a warning."""
        if not isinstance(data, dict):
            return data
        retired = [key for key in RETIRED_DELIVERY_KEYS if key in data]
        if retired:
            log.warning(
                "rules: delivery.%s no longer apply; Telegram's rate is the setting "
                "TOCSIN_TELEGRAM_PER_SECOND, shared by replies and staff pings",
                ", delivery.".join(retired),
            )
        return {key: value for key, value in data.items() if key not in RETIRED_DELIVERY_KEYS}


class Smtp(_Strict):
    url: str | None = None
    sender: str = "tocsin@localhost"
    timeout: float = 20


class Digest(_Strict):
    enabled: bool = True
    at_hour_utc: int = Field(default=7, ge=0, le=23)


class RuleSet(_Strict):
    """A whole validated rules file."""

    version: Literal[1] = 1
    targets: dict[str, Target]
    rules: list[Rule] = Field(min_length=1)
    confidentiality: Confidentiality = Confidentiality()
    supported_units: str | None = None
    clustering: Clustering = Clustering()
    surge: Surge = Surge()
    delivery: DeliveryPolicy = DeliveryPolicy()
    smtp: Smtp = Smtp()
    digest: Digest = Digest()
    staff_telegram_users: list[str] = []
    source: Path | None = None

    @model_validator(mode="after")
    def _targets_exist(self) -> RuleSet:
        if ALL_TARGETS in self.targets:
            raise ValueError(f"`{ALL_TARGETS}` is reserved: it means every target")
        names = set(self.targets)
        for rule in self.rules:
            for step in rule.chain:
                for name in step.notify:
                    if name != ALL_TARGETS and name not in names:
                        raise ValueError(f"rule {rule.name}: unknown target {name!r}")
                    if (
                        rule.confidential
                        and name != ALL_TARGETS
                        and not self.targets[name].confidential
                    ):
                        raise ValueError(
                            f"rule {rule.name} is confidential but target {name!r} is not"
                        )
        if len({rule.name for rule in self.rules}) != len(self.rules):
            raise ValueError("rule names must be unique")
        return self

    def step_targets(self, rule: Rule, level: int) -> list[str]:
        """Delivery addresses of one chain step; `all` means every target this rule may reach."""
        names = rule.chain[level].notify
        if ALL_TARGETS in names:
            names = [
                name
                for name, target in self.targets.items()
                if target.confidential == rule.confidential
            ]
        addresses: list[str] = []
        for name in names:
            addresses.extend(a for a in self.targets[name].addresses() if a not in addresses)
        return addresses

    def telegram_chats(self) -> set[str]:
        return {chat for target in self.targets.values() for chat in target.telegram}

    def webhook(self, url: str) -> WebhookTarget | None:
        for target in self.targets.values():
            for hook in target.webhook:
                if hook.url == url:
                    return hook
        return None

    def language_of(self, address: str) -> str:
        for target in self.targets.values():
            if address in target.addresses():
                return target.language
        return "en"


@dataclass(frozen=True)
class AlertFacts:
    """What rules look at: an alert and the report that just joined or formed it."""

    kind: str
    category: str | None
    severity: str
    confidential: bool = False
    immediate_danger: bool | None = None
    country: str | None = None
    admin_area: str | None = None
    lat: float | None = None
    lon: float | None = None
    perpetrator: str | None = None
    reporter_role: str = "community"
    supported_unit: str | None = None
    cluster_size: int = 1
    source_reliability: str | None = None
    # every category of the report that just joined (a story may tell several acts)
    categories: tuple[str, ...] = ()


def _in(value: str | None, allowed: list[str] | None, fold: bool = False) -> bool:
    if allowed is None:
        return True
    if value is None:
        return False
    if fold:
        return value.casefold() in {item.casefold() for item in allowed}
    return value in allowed


def rule_matches(rule: Rule, facts: AlertFacts) -> bool:
    """Whether every key of the rule's `match` holds for `facts`."""
    match = rule.match
    if rule.confidential != facts.confidential or match.kind != facts.kind:
        return False
    rank = SEVERITIES.index
    checks = (
        match.categories is None
        or any(c in match.categories for c in (facts.category, *facts.categories)),
        _in(facts.severity, match.severity),
        match.min_severity is None or rank(facts.severity) >= rank(match.min_severity),
        match.immediate_danger is None or bool(facts.immediate_danger) == match.immediate_danger,
        _in(facts.country, match.countries),
        _in(facts.admin_area, match.admin_areas, fold=True),
        _in(facts.perpetrator, match.perpetrators),
        _in(facts.reporter_role, match.reporter_roles),
        match.supported_unit is None or (facts.supported_unit is not None) == match.supported_unit,
        _in(facts.supported_unit, match.units),
        match.min_cluster_size is None or facts.cluster_size >= match.min_cluster_size,
        _in(facts.source_reliability, match.source_reliability),
        _in_bbox(match.bbox, facts.lat, facts.lon),
    )
    return all(checks)


def _in_bbox(
    bbox: tuple[float, float, float, float] | None, lat: float | None, lon: float | None
) -> bool:
    if bbox is None:
        return True
    if lat is None or lon is None or math.isnan(lat):
        return False
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def matching_rules(ruleset: RuleSet, facts: AlertFacts) -> list[Rule]:
    return [rule for rule in ruleset.rules if rule_matches(rule, facts)]
