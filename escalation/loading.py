"""Reading the rules file: `${VARIABLE}` substitution, validation, one clear error.

Values such as `${TOCSIN_STAFF_TELEGRAM_CHATS}` are taken from the deployment settings (so a
`.env` file works as for every other setting), then from the environment; `${A:-fallback}`
gives a fallback, itself possibly a `${B}`. A comma-separated value used as a whole list item
becomes several items, so `telegram: [${TOCSIN_STAFF_TELEGRAM_CHATS}]` lists every chat.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from escalation.rules import RuleSet

DEFAULT_RULES = Path(__file__).with_name("default_rules.yml")
_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::-((?:[^{}]|\{[^{}]*\})*))?\}")


class RulesError(Exception):
    """The rules file is missing or invalid; the message names the file and the fault."""


def settings_variables(settings: Any) -> dict[str, str]:
    """TOCSIN_* names of the settings, lists joined by commas, unset ones left out."""
    variables: dict[str, str] = {}
    if settings is None:
        return variables
    for name, value in settings.model_dump().items():
        if value is None or value == []:
            continue
        text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
        variables[f"TOCSIN_{name.upper()}"] = text
    return variables


def _substitute(text: str, variables: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        value = variables.get(name, os.environ.get(name, ""))
        if value == "" and fallback is not None:
            return _substitute(fallback, variables)
        return value

    return _VARIABLE.sub(replace, text)


def _expand(node: Any, variables: Mapping[str, str]) -> Any:
    """Substitute in every string; a list item holding one variable may become several."""
    if isinstance(node, dict):
        return {key: _expand(value, variables) for key, value in node.items()}
    if isinstance(node, list):
        items: list[Any] = []
        for item in node:
            if isinstance(item, str) and _VARIABLE.fullmatch(item.strip()):
                items.extend(part.strip() for part in _substitute(item, variables).split(","))
                items = [part for part in items if part != ""]
            else:
                items.append(_expand(item, variables))
        return items
    if isinstance(node, str):
        return _substitute(node, variables)
    return node


def _location(error: dict[str, Any]) -> str:
    parts: list[str] = []
    for part in error.get("loc", ()):
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "file"


def describe(error: ValidationError, source: Path) -> str:
    """`rules.yml: rules[0].match.severity: unknown 'urgent'; ...` for each fault."""
    lines = []
    for item in error.errors():
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        lines.append(f"{source}: {_location(item)}: {message}")
    return "\n".join(lines)


def parse_rules(text: str, source: Path, settings: Any = None) -> RuleSet:
    """Validate rules given as YAML text."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesError(f"{source}: not valid YAML ({error})") from None
    if not isinstance(raw, dict):
        raise RulesError(f"{source}: expected a mapping with `targets` and `rules`")
    data = _expand(raw, settings_variables(settings))
    if data.get("supported_units") and not Path(data["supported_units"]).is_absolute():
        data["supported_units"] = str(source.parent / data["supported_units"])
    try:
        return RuleSet.model_validate({**data, "source": source})
    except ValidationError as error:
        raise RulesError(describe(error, source)) from None


def load_rules(settings: Any = None, path: Path | None = None) -> RuleSet:
    """The rules of `path`, else of TOCSIN_ESCALATION_RULES, else the packaged default."""
    configured = getattr(settings, "escalation_rules", None)
    if configured is not None and str(configured) in ("", "."):
        configured = None  # an empty TOCSIN_ESCALATION_RULES means the default
    source = Path(path or configured or DEFAULT_RULES)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesError(f"{source}: cannot read ({error.strerror})") from None
    return parse_rules(text, source, settings)
