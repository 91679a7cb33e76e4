"""Whether the rules can reach anyone: a rule whose every recipient is unset or unsendable
routes reports nowhere, silently. `tocsin worker --check` refuses such rules and `tocsin run`
warns about them at start.
"""

from __future__ import annotations

from typing import Any

from escalation.rules import Rule, RuleSet


def sendable_kinds(settings: Any, ruleset: RuleSet) -> set[str]:
    """The kinds of target this deployment can send to."""
    kinds = {"webhook"}
    if getattr(settings, "telegram_token", None):
        kinds.add("telegram")
    if ruleset.smtp.url:
        kinds.add("email")
    return kinds


def _addresses(ruleset: RuleSet, rule: Rule) -> list[str]:
    found: list[str] = []
    for level in range(len(rule.chain)):
        found.extend(a for a in ruleset.step_targets(rule, level) if a not in found)
    return found


def unreachable_rules(settings: Any, ruleset: RuleSet) -> list[str]:
    """One line per rule that can reach nobody, saying why."""
    kinds = sendable_kinds(settings, ruleset)
    problems: list[str] = []
    for rule in ruleset.rules:
        addresses = _addresses(ruleset, rule)
        if not addresses:
            names = ", ".join(dict.fromkeys(n for step in rule.chain for n in step.notify))
            problems.append(f"rule {rule.name} reaches nobody: its targets ({names}) are empty")
            continue
        if any(address.split(":", 1)[0] in kinds for address in addresses):
            continue
        missing = sorted({address.split(":", 1)[0] for address in addresses})
        why = {"telegram": "TOCSIN_TELEGRAM_TOKEN is not set", "email": "no SMTP URL is set"}
        reasons = "; ".join(why.get(kind, kind) for kind in missing)
        problems.append(f"rule {rule.name} reaches nobody: {reasons}")
    return problems
